/*
 * Attachments: shmat, shmdt, and the backend their areas use.
 *
 * An attachment is an area of the caller's address space backed by
 * shm_backend, its private data the segment. Linux counts shm_nattch per
 * area (vma), and so do we: the area made by shm_at holds one count, every
 * area that addr-space derives from it (a split piece, a fork copy) gets one
 * through open(), and every area that goes away gives its count back through
 * close(). Detaching, exit and exec are therefore just unmapping.
 */
#include "shm_internal.h"
#include <klib/errno.h>

/* A second-level page (Sv39/Sv48, x86-64): attach large segments on this boundary. */
#define SHM_HUGE_SIZE (PAGE_SIZE << 9)

static int32_t shm_current_pid(struct shm_ns *ns)
{
	return ns->ops->current_pid(ns->ops->ctx);
}

static void shm_stamp(struct shm_seg *seg, enum shm_stamp stamp, int32_t pid)
{
	if (stamp == SHM_STAMP_NONE)
		return;
	if (stamp == SHM_STAMP_ATTACH)
		seg->atime = shm_now(seg->ns);
	else
		seg->dtime = shm_now(seg->ns);
	seg->lpid = pid;
}

/*
 * Give back n attach counts (stamping atime or dtime and lpid) and destroy
 * the segment if that was the last and it is removed (Linux's shm_close and
 * the end of do_shmat). While others remain, only the segment lock is taken.
 */
void shm_seg_drop(struct shm_seg *seg, unsigned long n, enum shm_stamp stamp, int32_t pid)
{
	struct shm_ns *ns = seg->ns;
	unsigned long left;

	shm_seg_lock(seg);
	if (__atomic_load_n(&seg->nattch, __ATOMIC_RELAXED) > n) {
		shm_stamp(seg, stamp, pid);
		__atomic_fetch_sub(&seg->nattch, n, __ATOMIC_RELAXED);
		shm_seg_unlock(seg);
		return;
	}
	shm_seg_unlock(seg);

	/* Possibly the last: decide under the namespace lock, like any destruction. */
	shm_ns_lock(ns);
	shm_seg_lock(seg);
	shm_stamp(seg, stamp, pid);
	left = __atomic_sub_fetch(&seg->nattch, n, __ATOMIC_RELAXED);
	shm_seg_unlock(seg);
	if (shm_may_destroy(ns, seg, left))
		shm_seg_destroy(ns, seg);
	shm_ns_unlock_release(ns);
}

/* A new area refers to the segment: a split piece or a fork copy (Linux's shm_open). */
static void shm_area_open(struct as_area *area)
{
	struct shm_seg *seg = as_area_priv(area);

	shm_seg_lock(seg);
	__atomic_fetch_add(&seg->nattch, 1, __ATOMIC_RELAXED);
	shm_stamp(seg, SHM_STAMP_ATTACH, shm_current_pid(seg->ns));
	shm_seg_unlock(seg);
}

/* An area is gone: unmapped, detached, or its space destroyed (Linux's shm_close). */
static void shm_area_close(struct as_area *area)
{
	struct shm_seg *seg = as_area_priv(area);

	shm_seg_drop(seg, 1, SHM_STAMP_DETACH, shm_current_pid(seg->ns));
}

/*
 * remap_file_pages made 'area' in place of attachment pieces it closed
 * (Linux's shm_mmap, after those pieces' shm_close). Linux destroys a
 * removed segment when they were its last attachments, and then fails to
 * find it again: -EINVAL. Here the new area's count kept the segment; if
 * that count is all that is left, it goes now and the segment with it, in
 * one step under the namespace's lock, as if Linux's close had done it.
 */
static int shm_area_remap(struct as_area *area)
{
	struct shm_seg *seg = as_area_priv(area);
	struct shm_ns *ns = seg->ns;
	bool gone;

	shm_ns_lock(ns);
	shm_seg_lock(seg);
	gone = shm_may_destroy(ns, seg, __atomic_load_n(&seg->nattch, __ATOMIC_RELAXED) - 1);
	if (gone)
		__atomic_fetch_sub(&seg->nattch, 1, __ATOMIC_RELAXED);
	shm_seg_unlock(seg);
	if (gone)
		shm_seg_destroy(ns, seg);
	shm_ns_unlock_release(ns);
	return gone ? -EINVAL : 0;
}

/* The frame of page 'pgoff', made (zero-filled) on first touch. */
static int shm_area_fault(struct as_area *area, uint64_t pgoff, unsigned access, paddr_t *pa)
{
	struct shm_seg *seg = as_area_priv(area);
	bool allocated;
	int err;

	(void)access;             /* the space has checked it against the area's protection */
	if (pgoff >= seg->npages) /* remapped past its end: SIGBUS, as Linux's shmem_fault */
		return -ENXIO;
	shm_seg_lock(seg);
	err = shm_pages_get(&seg->pages, seg->npages, pgoff, pa, &allocated);
	if (!err && allocated)
		seg->rss++;
	shm_seg_unlock(seg);
	if (!err && allocated) {
		__atomic_fetch_add(&seg->ns->rss, 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&shm_frames_all, 1, __ATOMIC_RELAXED);
	}
	return err;
}

const struct as_backend shm_backend = {
    .name = "sysv-shm",
    .open = shm_area_open,
    .close = shm_area_close,
    .fault = shm_area_fault,
    .remap = shm_area_remap,
};

/*
 * No address given: anywhere, on a 2 MiB boundary for large segments so the
 * space can use huge pages. A race for the aligned range falls back to any.
 */
static int shm_map_anywhere(struct addr_space *as, struct shm_seg *seg, size_t len, unsigned prot,
                            unsigned flags, uintptr_t *out)
{
	uintptr_t at;

	if (len >= SHM_HUGE_SIZE && as_find_free(as, len, SHM_HUGE_SIZE, 0, &at) == 0 &&
	    as_map(as, at, len, prot, flags | AS_MAP_FIXED_NOREPLACE, &shm_backend, seg, 0, out) ==
	        0)
		return 0;
	return as_map(as, 0, len, prot, flags, &shm_backend, seg, 0, out);
}

/*
 * Map the segment in 'as' (the mmap part of Linux's do_shmat): the overlap
 * check of a fixed address without SHM_REMAP (EINVAL), then the range
 * checks of get_unmapped_area (ENOMEM past the top, EPERM below the
 * lowest user address).
 */
static int shm_map(struct addr_space *as, struct shm_seg *seg, uintptr_t addr, bool fixed,
                   int flags, unsigned prot, uintptr_t *out)
{
	size_t len = (size_t)seg->npages << PAGE_SHIFT;
	unsigned mflags = AS_MAP_SHARED | (len >= SHM_HUGE_SIZE ? AS_MAP_HUGE : 0);
	int err;

	/* Linux opens the file read-only for SHM_RDONLY: mprotect can never add write. */
	if (!(prot & AS_PROT_WRITE))
		mflags |= AS_MAP_NEVER_WRITE;

	if (!fixed)
		return shm_map_anywhere(as, seg, len, prot, mflags, out);
	if (flags & SHM_REMAP) {
		mflags |= AS_MAP_FIXED;
	} else {
		if (addr &&
		    (addr + seg->perm->segsz < addr || as_overlaps(as, addr, seg->perm->segsz)))
			return -EINVAL;
		mflags |= AS_MAP_FIXED_NOREPLACE;
	}
	if (len > as_user_top() - as_user_base() || addr > as_user_top() - len)
		return -ENOMEM;
	if (addr < as_user_base())
		return -EPERM;
	err = as_map(as, addr, len, prot, mflags, &shm_backend, seg, 0, out);
	return err == -EEXIST ? -EINVAL : err; /* lost a race with another mapping */
}

/*
 * Linux's do_shmat. The segment is pinned by two counts while it is mapped
 * without locks: one for the area being made (addr-space does not call
 * open() for it) and one to keep the segment alive until atime is stamped,
 * even if another thread unmaps the new area at once.
 */
intptr_t shm_at(struct shm_ns *ns, const struct shm_caller *c, int id, uintptr_t addr, int flags)
{
	unsigned prot = AS_PROT_USER | AS_PROT_READ;
	int want = 0444;
	bool fixed = false;
	struct shm_seg *seg;
	int err = 0;

	shm_assert_caller_unlocked(ns);
	if (id < 0)
		return -EINVAL;
	if (addr) {
		if (addr & (SHMLBA - 1)) {
			if (!(flags & SHM_RND))
				return -EINVAL;
			addr &= ~(uintptr_t)(SHMLBA - 1);
			if (!addr && (flags & SHM_REMAP))
				return -EINVAL;
		}
		fixed = true; /* even if SHM_RND took it to 0, as on Linux */
	} else if (flags & SHM_REMAP) {
		return -EINVAL;
	}
	if (!(flags & SHM_RDONLY)) {
		prot |= AS_PROT_WRITE;
		want |= 0222;
	}
	if (flags & SHM_EXEC) {
		prot |= AS_PROT_EXEC;
		want |= 0111;
	}

	shm_ns_lock(ns);
	seg = shm_ids_find_id(&ns->ids, id);
	if (!seg) {
		err = -EINVAL;
	} else if (!shm_perm_ok(seg->perm, c, want)) {
		err = -EACCES;
	} else {
		__atomic_fetch_add(&seg->nattch, 2,
		                   __ATOMIC_RELAXED); /* the ns lock: see shm_internal.h */
	}
	shm_ns_unlock(ns);
	if (err)
		return err;

	err = shm_map(c->as, seg, addr, fixed, flags, prot, &addr);
	if (err) {
		shm_seg_drop(seg, 2, SHM_STAMP_NONE, c->pid);
		return err;
	}
	shm_seg_drop(seg, 1, SHM_STAMP_ATTACH, c->pid);
	return (intptr_t)addr;
}

struct shm_dt_walk {
	uintptr_t addr;
	bool found;
	uintptr_t seg;     /* the segment found first, as a number: it may be freed meanwhile */
	unsigned long len; /* its size in whole pages, in bytes */
};

/* An attachment piece whose first page would be at 'addr' (Linux: (start - addr) / PAGE_SIZE ==
 * pgoff). */
static bool shm_dt_piece_of(const struct as_area *area, uintptr_t addr)
{
	return as_area_backend(area) == &shm_backend &&
	       (as_area_start(area) - addr) / PAGE_SIZE == as_area_pgoff(area);
}

/*
 * Linux's shmdt walk over the areas from addr up: the first attachment piece
 * that belongs at addr is unmapped and gives the segment and its size; then
 * every further piece of the same segment that belongs at addr and ends
 * within that size (pieces split off by mprotect or munmap) goes too.
 */
static enum as_visit shm_dt_visit(const struct as_area *area, void *ctx)
{
	struct shm_dt_walk *w = ctx;

	if (!w->found) {
		const struct shm_seg *seg = as_area_priv(area);

		if (!shm_dt_piece_of(area, w->addr))
			return AS_VISIT_NEXT;
		w->found = true;
		w->seg = (uintptr_t)seg;
		w->len = seg->npages << PAGE_SHIFT;
		return AS_VISIT_UNMAP_NEXT;
	}
	if (as_area_end(area) - w->addr > w->len)
		return AS_VISIT_STOP;
	if (shm_dt_piece_of(area, w->addr) && (uintptr_t)as_area_priv(area) == w->seg)
		return AS_VISIT_UNMAP_NEXT;
	return AS_VISIT_NEXT;
}

int shm_dt(struct shm_ns *ns, const struct shm_caller *c, uintptr_t addr)
{
	struct shm_dt_walk w = {.addr = addr};

	(void)ns; /* attachments are found by their backend, whatever their namespace */
	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	as_visit(c->as, addr, shm_dt_visit, &w);
	return w.found ? 0 : -EINVAL;
}
