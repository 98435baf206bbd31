/*
 * Ids and keys of a namespace, as Linux's ipc/util.c gives them out.
 *
 * An id is index + seq * 32768. Indexes come from a cyclic search like the
 * idr's idr_alloc_cyclic(): it starts after the index given out last, within
 * [0, max(in_use * 3/2, 64)), and wraps once; the sequence number advances
 * whenever the new index is not above the previous one. So a removed id is
 * not handed out again at once, and a stale id (right index, old sequence)
 * is told apart. Lookups by id are two array reads; by key, a hash chain
 * (the table doubles to keep chains short). All under the namespace lock.
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

/* Fibonacci hashing: keys are often small or ftok() values with few varying bits. */
static unsigned shm_key_hash(int32_t key, unsigned bits)
{
	return (uint32_t)key * 0x9e3779b1u >> (32 - bits);
}

int shm_ids_init(struct shm_ids *ids)
{
	ids->in_use = 0;
	ids->max_idx = -1;
	ids->last_idx = -1;
	ids->next_idx = 0;
	ids->seq = 0;
	ids->nkeys = 0;
	ids->hash_bits = SHM_HASH_MIN_BITS;
	ids->hash = kcalloc((size_t)1 << ids->hash_bits, sizeof(*ids->hash));
	return ids->hash ? 0 : -ENOMEM;
}

void shm_ids_fini(struct shm_ids *ids)
{
	for (int i = 0; i < SHM_NCHUNKS; i++)
		kfree(ids->chunk[i]);
	kfree(ids->hash);
}

struct shm_seg *shm_ids_find_idx(struct shm_ids *ids, int idx)
{
	struct shm_seg **chunk;

	if (idx < 0 || idx >= SHM_IDS)
		return NULL;
	chunk = ids->chunk[idx >> SHM_CHUNK_SHIFT];
	return chunk ? chunk[idx & (SHM_CHUNK - 1)] : NULL;
}

/* Linux's ipc_obtain_object_check(): the index must be in use and the sequence match. */
struct shm_seg *shm_ids_find_id(struct shm_ids *ids, int id)
{
	struct shm_seg *seg = shm_ids_find_idx(ids, id & (SHM_ID_SEQ_MULT - 1));

	if (!seg || seg->seq != (unsigned)id >> SHM_ID_SEQ_SHIFT)
		return NULL;
	return seg;
}

struct shm_seg *shm_ids_find_key(struct shm_ids *ids, int32_t key)
{
	struct shm_seg *seg = ids->hash[shm_key_hash(key, ids->hash_bits)];

	while (seg && seg->key != key)
		seg = seg->hash_next;
	return seg;
}

static void shm_hash_insert(struct shm_seg **table, unsigned bits, struct shm_seg *seg)
{
	struct shm_seg **head = &table[shm_key_hash(seg->key, bits)];

	seg->hash_next = *head;
	*head = seg;
}

/* Double the key table when chains would grow past one on average; best effort. */
static void shm_hash_grow(struct shm_ids *ids)
{
	unsigned bits = ids->hash_bits + 1;
	struct shm_seg **table;

	if (ids->nkeys < (1u << ids->hash_bits) || (1u << ids->hash_bits) >= SHM_IDS)
		return;
	table = kcalloc((size_t)1 << bits, sizeof(*table));
	if (!table)
		return; /* longer chains, still correct */
	for (unsigned b = 0; b < 1u << ids->hash_bits; b++) {
		while (ids->hash[b]) {
			struct shm_seg *seg = ids->hash[b];

			ids->hash[b] = seg->hash_next;
			shm_hash_insert(table, bits, seg);
		}
	}
	kfree(ids->hash);
	ids->hash = table;
	ids->hash_bits = bits;
}

static void shm_hash_remove(struct shm_ids *ids, struct shm_seg *seg)
{
	struct shm_seg **p = &ids->hash[shm_key_hash(seg->key, ids->hash_bits)];

	while (*p != seg)
		p = &(*p)->hash_next;
	*p = seg->hash_next;
	ids->nkeys--;
}

/*
 * Give 'seg' an index and id (Linux's ipc_addid + ipc_idr_alloc). 'limit'
 * is shmmni. -ENOSPC when full, -ENOMEM if a table chunk cannot be made
 * (nothing has changed then).
 */
int shm_ids_add(struct shm_ids *ids, struct shm_seg *seg, int limit)
{
	int max = MIN(MAX(ids->in_use * 3 / 2, SHM_MIN_CYCLE), SHM_IDS);
	struct shm_seg ***chunk;
	int idx;

	if (ids->in_use >= MIN(limit, SHM_IDS))
		return -ENOSPC;
	idx = shm_ids_first_free(ids, ids->next_idx, max);
	if (idx < 0 && ids->next_idx > 0)
		idx = shm_ids_first_free(ids, 0, max);
	kverify(idx >= 0); /* fewer than 'max' indexes are in use */

	chunk = &ids->chunk[idx >> SHM_CHUNK_SHIFT];
	if (!*chunk && !(*chunk = kcalloc(SHM_CHUNK, sizeof(**chunk))))
		return -ENOMEM;

	ids->next_idx = idx + 1;
	if (idx <= ids->last_idx && ++ids->seq >= SHM_SEQ_MAX)
		ids->seq = 0;
	ids->last_idx = idx;
	seg->seq = (uint16_t)ids->seq;
	seg->id = (int)(ids->seq << SHM_ID_SEQ_SHIFT) + idx;

	(*chunk)[idx & (SHM_CHUNK - 1)] = seg;
	shm_ids_set_used(ids, idx, true);
	ids->in_use++;
	ids->max_idx = MAX(ids->max_idx, idx);
	if (seg->key != IPC_PRIVATE) {
		shm_hash_grow(ids);
		shm_hash_insert(ids->hash, ids->hash_bits, seg);
		ids->nkeys++;
	}
	return seg->id;
}

/* Linux's ipc_rmid(). */
void shm_ids_remove(struct shm_ids *ids, struct shm_seg *seg)
{
	int idx = seg->id & (SHM_ID_SEQ_MULT - 1);

	ids->chunk[idx >> SHM_CHUNK_SHIFT][idx & (SHM_CHUNK - 1)] = NULL;
	shm_ids_set_used(ids, idx, false);
	shm_ids_make_private(ids, seg);
	ids->in_use--;
	if (idx == ids->max_idx)
		ids->max_idx = shm_ids_last_used(ids, idx - 1);
}

/* Linux's ipc_set_key_private(): the key is free for a new segment. */
void shm_ids_make_private(struct shm_ids *ids, struct shm_seg *seg)
{
	if (seg->key == IPC_PRIVATE)
		return;
	shm_hash_remove(ids, seg);
	seg->key = IPC_PRIVATE;
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
