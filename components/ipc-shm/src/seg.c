/*
 * Segments: permission checks, creation (Linux's newseg) and destruction.
 */
#include "shm_internal.h"
#include <klib/errno.h>
#include <klib/string.h>
#include <page-alloc/page_alloc.h>

static bool shm_in_group(const struct shm_caller *c, uint32_t gid)
{
	if (c->egid == gid)
		return true;
	for (size_t i = 0; i < c->ngroups; i++)
		if (c->groups[i] == gid)
			return true;
	return false;
}

/*
 * Linux's ipcperms(): 'flag' asks for the rwx bits of any of its three octal
 * digits (shmget passes its whole flag word, shmat 0444/0666 | 0111). Exactly
 * one class applies: owner if euid is uid or cuid, else group if the caller
 * is in gid or cgid, else other; a denied owner is not retried as group.
 */
bool shm_perm_ok(const struct shm_perm *p, const struct shm_caller *c, int flag)
{
	unsigned want = ((unsigned)flag >> 6 | (unsigned)flag >> 3 | (unsigned)flag) & 07;
	unsigned granted = p->mode;

	if (c->euid == p->cuid || c->euid == p->uid)
		granted >>= 6;
	else if (shm_in_group(c, p->cgid) || shm_in_group(c, p->gid))
		granted >>= 3;
	return !(want & ~granted & 07) || (c->caps & SHM_CAP_IPC_OWNER);
}

/* The owner rule of IPC_SET, IPC_RMID, SHM_LOCK and SHM_UNLOCK (capabilities apart). */
bool shm_is_owner(const struct shm_perm *p, const struct shm_caller *c)
{
	return c->euid == p->uid || c->euid == p->cuid;
}

static struct shm_seg *shm_seg_alloc(struct shm_ns *ns)
{
	struct shm_seg *seg = kzalloc(sizeof(*seg));

	if (!seg)
		return NULL;
	seg->ns = ns;
	seg->lock = ns->ops->lock_create(ns->ops->ctx, "shm_seg");
	if (!seg->lock) {
		kfree(seg);
		return NULL;
	}
	list_init(&seg->creator_link);
	return seg;
}

unsigned long shm_frames_all;

unsigned long shm_frames(void)
{
	return __atomic_load_n(&shm_frames_all, __ATOMIC_RELAXED);
}

static void shm_seg_free(struct shm_seg *seg)
{
	const struct shm_ops *ops = seg->ns->ops;
	unsigned long frames = shm_pages_free(&seg->pages, seg->npages);

	__atomic_fetch_sub(&seg->ns->rss, frames, __ATOMIC_RELAXED);
	__atomic_fetch_sub(&shm_frames_all, frames, __ATOMIC_RELAXED);
	ops->lock_destroy(ops->ctx, seg->lock);
	kfree(seg);
}

/*
 * A new segment (Linux's newseg, ns->lock held): the size checks (EINVAL
 * before ENOSPC), memory (ENOMEM), the backing file's size limit (EINVAL),
 * the commit policy unless SHM_NORESERVE (ENOMEM: 64 TiB under the
 * default heuristic), then an id (ENOSPC at SHMMNI).
 */
int shm_seg_create(struct shm_ns *ns, const struct shm_caller *c, int32_t key, size_t size,
                   int flags)
{
	unsigned long npages = (size + PAGE_SIZE - 1) >> PAGE_SHIFT;
	struct shm_seg *seg;
	int id;

	shm_assert_ns_held(ns);
	if (size < SHMMIN || size > ns->limits.shmmax)
		return -EINVAL;
	if (npages << PAGE_SHIFT < size) /* the rounding overflowed */
		return -ENOSPC;
	if (ns->shm_tot + npages < ns->shm_tot || ns->shm_tot + npages > ns->limits.shmall)
		return -ENOSPC;
	seg = shm_seg_alloc(ns);
	if (!seg)
		return -ENOMEM;
	if (flags & SHM_HUGETLB) { /* newseg's hugetlb_file_setup */
		shm_seg_free(seg);
		return shm_hugetlb_refuse(c, flags);
	}
	if (size > INT64_MAX) { /* beyond shmem's largest file (MAX_LFS_FILESIZE) */
		shm_seg_free(seg);
		return -EINVAL;
	}
	/* shmem_acct_size: can the segment be promised (vm.overcommit_memory)? */
	if (page_commit_check(npages, flags & SHM_NORESERVE) < 0) {
		shm_seg_free(seg);
		return -ENOMEM;
	}

	seg->npages = npages;
	seg->name_key = key;
	seg->cpid = c->pid;
	seg->ctime = shm_now(ns);
	id = shm_ids_add(&ns->ids, seg,
	                 &(struct shm_perm){.key = key,
	                                    .mode = (uint16_t)(flags & 0777),
	                                    .uid = c->euid,
	                                    .gid = c->egid,
	                                    .cuid = c->euid,
	                                    .cgid = c->egid,
	                                    .segsz = size},
	                 (int)MIN(ns->limits.shmmni, (unsigned long)SHM_IDS));
	if (id < 0) {
		shm_seg_free(seg);
		return id;
	}
	if (c->task)
		list_add(&c->task->created, &seg->creator_link);
	ns->shm_tot += npages;
	return id;
}

/*
 * Linux's shm_may_destroy(): nothing attached, and either removed or the
 * namespace forces removal (ns->lock held; 'nattch' read under seg->lock).
 */
bool shm_may_destroy(const struct shm_ns *ns, const struct shm_seg *seg, unsigned long nattch)
{
	return nattch == 0 && (ns->limits.rmid_forced || (seg->perm->mode & SHM_DEST));
}

/* Whether it is 0 is settled under the namespace lock, which callers hold (shm_internal.h). */
unsigned long shm_seg_nattch(struct shm_seg *seg)
{
	return __atomic_load_n(&seg->nattch, __ATOMIC_RELAXED);
}

/*
 * Free an unattached segment (ns->lock held, nattch == 0, so no area and no
 * callback refers to it any more).
 */
void shm_seg_destroy(struct shm_ns *ns, struct shm_seg *seg)
{
	shm_assert_ns_held(ns);
	shm_memlock_refund(ns, seg);
	ns->shm_tot -= seg->npages;
	shm_ids_remove(&ns->ids, seg);
	list_del(&seg->creator_link);
	shm_seg_free(seg);
}

/* Linux's do_shm_rmid(): attached segments are marked and lose their key, others go. */
void shm_seg_rmid(struct shm_ns *ns, struct shm_seg *seg)
{
	if (shm_seg_nattch(seg)) {
		seg->perm->mode |= SHM_DEST;
		shm_ids_make_private(&ns->ids, seg);
	} else {
		shm_seg_destroy(ns, seg);
	}
}

/* Free the namespace and its tables (nothing refers to it any more). */
static void shm_ns_free(struct shm_ns *ns)
{
	const struct shm_ops *ops = ns->ops;

	shm_ids_fini(&ns->ids);
	shm_memlock_fini(ns);
	ops->lock_destroy(ops->ctx, ns->lock);
	kfree(ns);
}

/*
 * Unlock a namespace after segments may have been destroyed: a namespace
 * that shm_ns_put() left behind goes with its last segment.
 */
void shm_ns_unlock_release(struct shm_ns *ns)
{
	bool last = ns->dying && ns->ids.in_use == 0;

	shm_ns_unlock(ns);
	if (last)
		shm_ns_free(ns);
}
