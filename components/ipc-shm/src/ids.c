/*
 * Ids of a namespace, as Linux's ipc/util.c gives them out, and the
 * permission records lookups check.
 *
 * An id is index + seq * 32768. Indexes come from a cyclic search like the
 * idr's idr_alloc_cyclic(): it starts after the index given out last, within
 * [0, max(in_use * 3/2, 64)), and wraps once; the sequence number advances
 * whenever the new index is not above the previous one. So a removed id is
 * not handed out again at once, and a stale id (right index, old sequence)
 * is told apart. An index leads to its segment and to its permission record
 * (two arrays, in chunks made on demand); a key leads to an index through
 * the key index (keys.c). All under the namespace lock.
 */
#include "shm_internal.h"
#include <klib/errno.h>
#include <klib/panic.h>
#include <page-alloc/page_alloc.h>

static void shm_ids_set_used(struct shm_ids *ids, int idx, bool used)
{
	uint64_t bit = (uint64_t)1 << (idx % 64);

	if (used)
		ids->used[idx / 64] |= bit;
	else
		ids->used[idx / 64] &= ~bit;
}

/* The first free index in [from, to), or -1: a word of the bitmap at a time. */
static int shm_ids_first_free(const struct shm_ids *ids, int from, int to)
{
	for (int w = from / 64; w * 64 < to; w++) {
		uint64_t free = ~ids->used[w];

		if (w == from / 64)
			free &= ~(uint64_t)0 << (from % 64);
		if (free) {
			int idx = w * 64 + __builtin_ctzll(free);

			return idx < to ? idx : -1;
		}
	}
	return -1;
}

/* The highest index in use at or below 'from', or -1: a word at a time. */
static int shm_ids_last_used(const struct shm_ids *ids, int from)
{
	for (int w = from / 64; from >= 0 && w >= 0; w--) {
		uint64_t used = ids->used[w];

		if (w == from / 64 && from % 64 != 63)
			used &= ((uint64_t)1 << (from % 64 + 1)) - 1;
		if (used)
			return w * 64 + 63 - __builtin_clzll(used);
	}
	return -1;
}

int shm_ids_init(struct shm_ids *ids)
{
	ids->in_use = 0;
	ids->max_idx = -1;
	ids->last_idx = -1;
	ids->next_idx = 0;
	ids->seq = 0;
	return shm_keys_init(ids);
}

void shm_ids_fini(struct shm_ids *ids)
{
	for (int i = 0; i < SHM_NCHUNKS; i++) {
		kfree(ids->chunk[i]);
		kfree(ids->perm[i]);
	}
	kfree(ids->keys);
}

struct shm_seg *shm_ids_find_idx(struct shm_ids *ids, int idx)
{
	struct shm_seg **chunk;

	shm_assert_ns_held(container_of(ids, struct shm_ns, ids));
	if (idx < 0 || idx >= SHM_IDS)
		return NULL;
	chunk = ids->chunk[idx >> SHM_CHUNK_SHIFT];
	return chunk ? chunk[idx & (SHM_CHUNK - 1)] : NULL;
}

/* Linux's ipc_obtain_object_check(): the index must be in use and the sequence match. */
struct shm_seg *shm_ids_find_id(struct shm_ids *ids, int id)
{
	struct shm_seg *seg = shm_ids_find_idx(ids, id & (SHM_ID_SEQ_MULT - 1));

	if (!seg || seg->perm->seq != (unsigned)id >> SHM_ID_SEQ_SHIFT)
		return NULL;
	return seg;
}

/* The chunks of both arrays that hold index idx: made together if missing, or neither. */
static int shm_ids_chunk(struct shm_ids *ids, int idx)
{
	int c = idx >> SHM_CHUNK_SHIFT;
	struct shm_seg **segs;
	struct shm_perm *perms;

	if (ids->chunk[c])
		return 0;
	segs = kcalloc(SHM_CHUNK, sizeof(*segs));
	perms = kcalloc(SHM_CHUNK, sizeof(*perms));
	if (!segs || !perms) {
		kfree(segs);
		kfree(perms);
		return -ENOMEM;
	}
	ids->chunk[c] = segs;
	ids->perm[c] = perms;
	return 0;
}

/*
 * Give 'seg' an index and id (Linux's ipc_addid + ipc_idr_alloc), and its
 * permission record, a copy of 'perm' with the sequence number filled in.
 * 'limit' is shmmni. -ENOSPC when full, -ENOMEM if a table cannot grow
 * (nothing has changed then).
 */
int shm_ids_add(struct shm_ids *ids, struct shm_seg *seg, const struct shm_perm *perm, int limit)
{
	int max = MIN(MAX(ids->in_use * 3 / 2, SHM_MIN_CYCLE), SHM_IDS);
	struct shm_perm *p;
	int idx;

	if (ids->in_use >= MIN(limit, SHM_IDS))
		return -ENOSPC;
	idx = shm_ids_first_free(ids, ids->next_idx, max);
	if (idx < 0 && ids->next_idx > 0)
		idx = shm_ids_first_free(ids, 0, max);
	kverify(idx >= 0); /* fewer than 'max' indexes are in use */
	/* The key index first: a table that grew is no change anyone sees. */
	if ((perm->key != IPC_PRIVATE && shm_keys_reserve(ids)) || shm_ids_chunk(ids, idx))
		return -ENOMEM;

	ids->next_idx = idx + 1;
	if (idx <= ids->last_idx && ++ids->seq >= SHM_SEQ_MAX)
		ids->seq = 0;
	ids->last_idx = idx;
	p = shm_ids_perm(ids, idx);
	*p = *perm;
	p->seq = (uint16_t)ids->seq;
	seg->perm = p;
	seg->id = (int)(ids->seq << SHM_ID_SEQ_SHIFT) + idx;

	ids->chunk[idx >> SHM_CHUNK_SHIFT][idx & (SHM_CHUNK - 1)] = seg;
	shm_ids_set_used(ids, idx, true);
	ids->in_use++;
	ids->max_idx = MAX(ids->max_idx, idx);
	if (p->key != IPC_PRIVATE)
		shm_keys_insert(ids, p->key, idx);
	return seg->id;
}

/* Linux's ipc_rmid(). */
void shm_ids_remove(struct shm_ids *ids, struct shm_seg *seg)
{
	int idx = seg->id & (SHM_ID_SEQ_MULT - 1);

	shm_ids_make_private(ids, seg);
	ids->chunk[idx >> SHM_CHUNK_SHIFT][idx & (SHM_CHUNK - 1)] = NULL;
	shm_ids_set_used(ids, idx, false);
	ids->in_use--;
	if (idx == ids->max_idx)
		ids->max_idx = shm_ids_last_used(ids, idx - 1);
}

/* Linux's ipc_set_key_private(): the key is free for a new segment. */
void shm_ids_make_private(struct shm_ids *ids, struct shm_seg *seg)
{
	if (seg->perm->key == IPC_PRIVATE)
		return;
	shm_keys_delete(ids, seg->perm->key, seg->id & (SHM_ID_SEQ_MULT - 1));
	seg->perm->key = IPC_PRIVATE;
}

/* Linux's ipc_get_maxidx(), as IPC_INFO and SHM_INFO return it. */
int shm_ids_maxidx(const struct shm_ids *ids)
{
	if (ids->in_use == 0)
		return -1;
	if (ids->in_use == SHM_IDS)
		return SHM_IDS - 1;
	return ids->max_idx;
}
