/*
 * ipc-shm's private structures, shared by its source files.
 *
 * Which lock guards what (order: namespace, then segment):
 *   ns->lock   the id table, the permission records (key, seq, mode, ids,
 *              size), the key index, the limits, shm_tot, 'dying', and in
 *              every segment: id, ctime, the creator link and 'orphan'. A
 *              segment is created and destroyed only under it.
 *   seg->lock  atime, dtime, lpid and the page store.
 *   atomics    nattch: it grows from 0 only under the namespace lock (shm_at's
 *              pin, without the segment lock), and shrinks under the segment
 *              lock, to 0 only under both (shm_seg_drop); under the
 *              namespace lock alone, whether it is 0 is therefore settled
 *              (shm_seg_nattch).
 *
 * Lifetime: a segment lives while it is in the id table, and leaves it (and
 * is freed) under the namespace lock with nattch == 0, so a zero read there
 * stays zero. Every area of an attachment holds one count, so the backend
 * callbacks use as_area_priv() without a lookup and never see a freed one.
 */
#ifndef IPC_SHM_SHM_INTERNAL_H
#define IPC_SHM_SHM_INTERNAL_H

#include <ipc-shm/shm.h>
#include <klib/compiler.h>
#include <klib/panic.h>

#define SHM_IDS         CONFIG_IPC_SHM_IDS /* index table size (Linux's ipc_mni) */
#define SHM_CHUNK_SHIFT 9                  /* the table grows in chunks of 512 */
#define SHM_CHUNK       (1 << SHM_CHUNK_SHIFT)
#define SHM_NCHUNKS     ((SHM_IDS + SHM_CHUNK - 1) / SHM_CHUNK)
#define SHM_MIN_CYCLE   MIN(64, SHM_IDS) /* Linux's ipc_min_cycle */

_Static_assert(SHM_IDS >= 1 && SHM_IDS <= SHM_ID_SEQ_MULT, "CONFIG_IPC_SHM_IDS must be 1..32768");

/* Frames of a segment: a radix tree of 512-slot nodes, filled on first touch. */
struct shm_pages {
	uint64_t *root; /* NULL until the first frame */
};

/*
 * What a lookup by key or id checks, kept apart from the segment in a dense
 * per-namespace array (index -> record, 32 bytes, two to a cache line), so
 * that shmget among thousands of segments reads a small table and these
 * records, not the segments. Guarded by ns->lock.
 */
struct shm_perm {
	int32_t key;
	uint16_t seq;
	uint16_t mode; /* the 0777 bits, SHM_DEST, SHM_LOCKED */
	uint32_t uid, gid, cuid, cgid;
	size_t segsz; /* as requested, not rounded (never changes) */
};

_Static_assert(sizeof(struct shm_perm) <= 32, "two permission records to a cache line");

struct shm_seg {
	/* Guarded by ns->lock. */
	struct shm_perm *perm; /* its record in ns->ids; never moves while the segment lives */
	int id;
	bool orphan;                   /* the creator has exited */
	struct list_node creator_link; /* on shm_task.created, or alone */
	int64_t ctime;
	int32_t cpid;

	/* Never change. */
	struct shm_ns *ns;
	void *lock;
	unsigned long npages; /* segsz in whole pages */
	int32_t name_key;     /* the key at creation: Linux's file name "SYSV%08x" */

	unsigned long nattch; /* atomic: see the top of this file */
	/* Guarded by seg->lock. */
	int64_t atime, dtime;
	int32_t lpid;
	struct shm_pages pages;
	unsigned long rss; /* frames in pages */

	/* Guarded by ns->lock: SHM_LOCK's charge (memlock.c). */
	bool lock_charged;
	uint32_t lock_uid;
};

struct shm_ids {
	struct shm_seg **chunk[SHM_NCHUNKS]; /* index -> segment, chunks made on demand */
	struct shm_perm *perm[SHM_NCHUNKS];  /* index -> its record, in the same chunks */
	uint64_t used[(SHM_IDS + 63) / 64];  /* indexes in use */
	int in_use;
	int max_idx;       /* highest index in use, -1 if none */
	int last_idx;      /* the index given out last (Linux's ids->last_idx) */
	int next_id;       /* kernel.shm_next_id: the id to give next, -1: none */
	int next_idx;      /* where the cyclic search starts (the idr's idr_next) */
	unsigned seq;      /* sequence number of new ids */
	uint32_t *keys;    /* the key index (keys.c) */
	unsigned key_bits; /* it has 2^key_bits slots */
	unsigned nkeys;
};

struct shm_ns {
	const struct shm_ops *ops;
	void *lock;
	struct shm_limits limits;
	unsigned long shm_tot;          /* pages of all segments */
	unsigned long rss;              /* frames allocated, updated atomically */
	unsigned refs;                  /* shm_ns_get/_put, atomic */
	bool dying;                     /* the last reference went: freed with its last segment */
	struct list_node memlock_users; /* pages locked per real uid (memlock.c) */
	struct shm_ids ids;
};

/* memlock.c, with ns->lock held: charge/refund SHM_LOCK's pages to a user. */
int shm_memlock_charge(struct shm_ns *ns, struct shm_seg *seg, const struct shm_caller *c);
/* SHM_HUGETLB's error for a new segment (shm.h says which): there are no huge pages. */
int shm_hugetlb_refuse(const struct shm_caller *c, int flags);
void shm_memlock_refund(struct shm_ns *ns, struct shm_seg *seg);
void shm_memlock_fini(struct shm_ns *ns);

static inline void shm_ns_lock(struct shm_ns *ns)
{
	ns->ops->lock(ns->ops->ctx, ns->lock);
}

static inline void shm_ns_unlock(struct shm_ns *ns)
{
	ns->ops->unlock(ns->ops->ctx, ns->lock);
}

static inline void shm_seg_lock(struct shm_seg *seg)
{
	seg->ns->ops->lock(seg->ns->ops->ctx, seg->lock);
}

static inline void shm_seg_unlock(struct shm_seg *seg)
{
	seg->ns->ops->unlock(seg->ns->ops->ctx, seg->lock);
}

static inline int64_t shm_now(struct shm_ns *ns)
{
	return ns->ops->now(ns->ops->ctx);
}

/*
 * The lock rules, checked in debug builds through shm_ops.held when the
 * integrator gives it (without it, every lock counts as held and none as
 * held by a caller).
 */
static inline bool shm_held(const struct shm_ns *ns, void *lock)
{
	return !ns->ops->held || ns->ops->held(ns->ops->ctx, lock);
}

static inline bool shm_held_by_caller(const struct shm_ns *ns)
{
	return ns->ops->held && ns->ops->held(ns->ops->ctx, ns->lock);
}

#define shm_assert_ns_held(ns)                                                                     \
	kassertf(shm_held((ns), (ns)->lock), "ipc-shm: %s needs the shm_ns lock held", __func__)
#define shm_assert_seg_held(seg)                                                                   \
	kassertf(shm_held((seg)->ns, (seg)->lock), "ipc-shm: %s needs the shm_seg lock held",      \
	         __func__)
/* shm.h's rule: no function of the header is called with a shm lock held. */
#define shm_assert_caller_unlocked(ns)                                                             \
	kassertf(!shm_held_by_caller(ns),                                                          \
	         "ipc-shm: %s called with the shm_ns lock held (no shm lock may be held across a " \
	         "call into ipc-shm)",                                                             \
	         __func__)

/* ids.c: indexes, ids and permission records (ns->lock held). */
int shm_ids_init(struct shm_ids *ids);
void shm_ids_fini(struct shm_ids *ids);
struct shm_seg *shm_ids_find_idx(struct shm_ids *ids, int idx);
struct shm_seg *shm_ids_find_id(struct shm_ids *ids, int id);
int shm_ids_add(struct shm_ids *ids, struct shm_seg *seg, const struct shm_perm *perm, int limit);
void shm_ids_remove(struct shm_ids *ids, struct shm_seg *seg);
void shm_ids_make_private(struct shm_ids *ids, struct shm_seg *seg);
int shm_ids_maxidx(const struct shm_ids *ids);

/* The record of index idx, which is in use. */
static inline struct shm_perm *shm_ids_perm(const struct shm_ids *ids, int idx)
{
	return &ids->perm[idx >> SHM_CHUNK_SHIFT][idx & (SHM_CHUNK - 1)];
}

/* keys.c: the key index, key -> index (ns->lock held). */
int shm_keys_init(struct shm_ids *ids);
const struct shm_perm *shm_keys_find(const struct shm_ids *ids, int32_t key, int *id);
int shm_keys_reserve(struct shm_ids *ids);
void shm_keys_insert(struct shm_ids *ids, int32_t key, int idx);
void shm_keys_delete(struct shm_ids *ids, int32_t key, int idx);

/* pages.c: the frames of a segment (seg->lock held). */
int shm_pages_get(struct shm_pages *pg, unsigned long npages, uint64_t pgoff, paddr_t *pa,
                  bool *allocated);
unsigned long shm_pages_free(struct shm_pages *pg, unsigned long npages);

/* seg.c: permissions, creation, destruction. */
bool shm_perm_ok(const struct shm_perm *p, const struct shm_caller *c, int flag);
bool shm_is_owner(const struct shm_perm *p, const struct shm_caller *c);
int shm_seg_create(struct shm_ns *ns, const struct shm_caller *c, int32_t key, size_t size,
                   int flags);
bool shm_may_destroy(const struct shm_ns *ns, const struct shm_seg *seg, unsigned long nattch);
unsigned long shm_seg_nattch(struct shm_seg *seg);
void shm_seg_destroy(struct shm_ns *ns, struct shm_seg *seg);
void shm_seg_rmid(struct shm_ns *ns, struct shm_seg *seg);
void shm_ns_unlock_release(struct shm_ns *ns);

/* Frames held by the segments of every namespace (shm_frames()), atomic. */
extern unsigned long shm_frames_all;

/* attach.c: the backend of attachments, and dropping attach counts. */
extern const struct as_backend shm_backend;
enum shm_stamp { SHM_STAMP_NONE, SHM_STAMP_ATTACH, SHM_STAMP_DETACH };
void shm_seg_drop(struct shm_seg *seg, unsigned long n, enum shm_stamp stamp, int32_t pid);

#endif
