/*
 * A process's memory as Linux's mmap, munmap, mprotect, msync, brk and
 * remap_file_pages
 * answer it on a 64-bit architecture, over an address space. The checks
 * follow the architecture's sys_mmap (which only shifts the offset),
 * mm/mmap.c (ksys_mmap_pgoff, do_mmap, __get_unmapped_area, brk), mm/vma.c
 * (do_vmi_munmap) and mm/mprotect.c (do_mprotect_pkey), in their order, so
 * that a bad call gets the errno Linux gives first.
 *
 * The kernel this mimics: TASK_SIZE is as_user_top() and mmap_min_addr is
 * as_user_base(); hugetlbfs with no huge page reserved (vm.nr_hugepages 0)
 * and no MAP_DROPPABLE (Linux before 6.11);
 * the process has no CAP_SYS_RAWIO (a fixed mapping below mmap_min_addr
 * is -EPERM). Files come in as struct umem_file: what the caller found
 * behind the fd (its access mode, a noexec mount, how to map it).
 *
 * Where this differs from Linux, on purpose:
 * - mprotect over a hole fails with -ENOMEM and changes nothing (as_protect
 *   is atomic); Linux changes the areas before the hole first.
 * - MAP_POPULATE that runs out of memory makes mmap fail with -ENOMEM (a
 *   later fault would have nothing to give either); Linux ignores the
 *   failure and lets the fault or the OOM killer decide.
 * - The commit policy (vm.overcommit_memory, page_commit_check) is asked at
 *   mmap and brk only: mprotect making a private mapping writable is not
 *   charged (Linux's mode 0 refuses it too when it is larger than RAM).
 * - remap_file_pages checks its offset against the largest file offset
 *   (-EOVERFLOW) before the areas, Linux after them: a call wrong in both
 *   ways says EOVERFLOW here, EINVAL there.
 *
 * Placement is addr-space's, which is Linux's: the hint if free, else
 * top-down below the mmap base exec chose (under the stack's gap), so the
 * break, growing up from the program, never meets the first mmap.
 */
#include <linux-abi/umem.h>
#include <klib/errno.h>
#include <page-alloc/page_alloc.h>

/* Further Linux values (asm-generic/mman-common.h, linux/mman.h). */
#define UMEM_PROT_SEM       0x8
#define UMEM_PROT_GROWSDOWN 0x01000000
#define UMEM_PROT_GROWSUP   0x02000000
#define UMEM_MAP_TYPE       0x0f
#define UMEM_MAP_LOCKED     0x2000
#define UMEM_MAP_NONBLOCK   0x10000
#define UMEM_MAP_HUGETLB    0x40000
/*
 * LEGACY_MAP_MASK: flags every mmap implementation has always accepted (and
 * MAP_SHARED silently ignores the rest); MAP_SHARED_VALIDATE refuses any other
 * with -EOPNOTSUPP. No MAP_32BIT (x86_64 alone has it); MAP_HUGE_2MB
 * (21 << 26) and MAP_HUGE_1GB (30 << 26) are in it.
 */
#define UMEM_LEGACY_MAP_MASK                                                                       \
	(UMEM_MAP_SHARED | UMEM_MAP_PRIVATE | UMEM_MAP_FIXED | UMEM_MAP_ANONYMOUS |                \
	 0x0800 /* DENYWRITE */ | 0x1000 /* EXECUTABLE */ | 0x4000000 /* UNINITIALIZED */ |        \
	 0x0100 /* GROWSDOWN */ | UMEM_MAP_LOCKED | UMEM_MAP_NORESERVE | UMEM_MAP_POPULATE |       \
	 UMEM_MAP_NONBLOCK | 0x20000 /* STACK */ | UMEM_MAP_HUGETLB | (21u << 26) | (30u << 26))

#define UMEM_PAGE_MASK    ((uintptr_t)PAGE_SIZE - 1)
#define UMEM_MAX_FILESIZE 0x7fffffffffffffffull /* MAX_LFS_FILESIZE */

/* Round up to a page; 0 when that overflows (Linux's PAGE_ALIGN wraps too). */
static uintptr_t umem_page_up(uintptr_t x)
{
	return (x + UMEM_PAGE_MASK) & ~UMEM_PAGE_MASK;
}

/*
 * Linux's prot as an area's: page tables have no write-only pages (paging
 * refuses them), so PROT_WRITE means read and write, as Linux's page
 * protections make it on every architecture it shares with the kit.
 * PROT_NONE areas are still user areas, just without access.
 */
static unsigned umem_as_prot(unsigned prot)
{
	unsigned p = AS_PROT_USER;

	if (prot & (UMEM_PROT_READ | UMEM_PROT_WRITE))
		p |= AS_PROT_READ;
	if (prot & UMEM_PROT_WRITE)
		p |= AS_PROT_WRITE;
	if (prot & UMEM_PROT_EXEC)
		p |= AS_PROT_EXEC;
	return p;
}

/*
 * __get_unmapped_area: where [addr, addr + len) goes. Fixed: exactly there,
 * if it fits below the top, is aligned and is not below mmap_min_addr.
 * Otherwise where the space's placement puts it (the hint if free).
 */
static long umem_place(struct addr_space *as, uintptr_t addr, size_t len, bool fixed,
                       uintptr_t *out)
{
	uintptr_t base = as_user_base(), top = as_user_top();

	if (len > top - base)
		return -ENOMEM;
	if (fixed) {
		if (addr > top - len)
			return -ENOMEM;
		if (addr & UMEM_PAGE_MASK)
			return -EINVAL;
		if (addr < base)
			return -EPERM; /* security_mmap_addr: below mmap_min_addr */
		*out = addr;
		return 0;
	}
	return as_find_free(as, len, PAGE_SIZE, addr, out);
}

/*
 * do_mmap's switch on the mapping type of a file: the flags a shared
 * mapping may carry, the file's access mode against prot, noexec mounts,
 * a file without mmap. AS_MAP_SHARED (plus AS_MAP_NEVER_WRITE for a file
 * not open for writing: Linux's missing VM_MAYWRITE), 0 (private) or
 * -errno.
 */
static long umem_mmap_file_type(const struct umem_file *file, unsigned flags, unsigned prot)
{
	long type = AS_MAP_SHARED;

	switch (flags & UMEM_MAP_TYPE) {
	case UMEM_MAP_SHARED:
		flags &= UMEM_LEGACY_MAP_MASK;
		/* fallthrough */
	case UMEM_MAP_SHARED_VALIDATE:
		if (flags & ~UMEM_LEGACY_MAP_MASK)
			return -EOPNOTSUPP;
		if ((prot & UMEM_PROT_WRITE) && !file->writable)
			return -EACCES;
		if (!file->writable)
			type |= AS_MAP_NEVER_WRITE;
		break;
	case UMEM_MAP_PRIVATE:
		type = 0;
		break;
	default:
		return -EINVAL;
	}
	if (!file->readable)
		return -EACCES;
	if (file->noexec && (prot & UMEM_PROT_EXEC))
		return -EPERM;
	if (!file->map)
		return -ENODEV;
	return type;
}

/* do_mmap's switch for anonymous memory: AS_MAP_SHARED, 0 (private) or -EINVAL. */
static long umem_mmap_anon_type(unsigned flags)
{
	switch (flags & UMEM_MAP_TYPE) {
	case UMEM_MAP_SHARED:
		return AS_MAP_SHARED;
	case UMEM_MAP_PRIVATE:
		return 0;
	default:
		return -EINVAL; /* MAP_SHARED_VALIDATE too: Linux has no anonymous case for it */
	}
}

/*
 * AS_MAP_POPULATE for a mapping Linux populates: MAP_POPULATE without
 * MAP_NONBLOCK, or MAP_LOCKED (pages never leave memory here, so that is all
 * MAP_LOCKED does). A PROT_NONE area has nothing to fill; as_map would try
 * (its area is AS_PROT_USER, not AS_PROT_NONE) and fail with -EACCES.
 */
static unsigned umem_populate_flag(unsigned flags, unsigned prot)
{
	if (!(prot & (UMEM_PROT_READ | UMEM_PROT_WRITE | UMEM_PROT_EXEC)))
		return 0;
	if ((flags & (UMEM_MAP_POPULATE | UMEM_MAP_NONBLOCK)) == UMEM_MAP_POPULATE ||
	    (flags & UMEM_MAP_LOCKED))
		return AS_MAP_POPULATE;
	return 0;
}

/* MAP_HUGE_*: the default (2 MiB), 2 MiB or 1 GiB: the PMD and PUD hstates of 4 KiB pages. */
static bool umem_huge_size_ok(unsigned f)
{
	unsigned log = (f >> 26) & 0x3f;

	return log == 0 || log == 21 || log == 30;
}

/*
 * Is the mapping charged against the commit policy (vm.overcommit_memory)?
 * mmap_region's accountable_mapping: private and writable; and an
 * anonymous shared mapping, whose shmem file shmem_zero_setup charges
 * whole. (MAP_NORESERVE is page_commit_check's to weigh.)
 */
static bool umem_charged(bool anon, unsigned type, unsigned prot)
{
	if (type & AS_MAP_SHARED)
		return anon;
	return prot & UMEM_PROT_WRITE;
}

long umem_mmap(struct addr_space *as, uintptr_t addr, size_t len, int prot, int flags,
               const struct umem_file *file, uint64_t off)
{
	unsigned f = (unsigned)flags, p = (unsigned)prot, asflags;
	/* The offset is a signed off_t, shifted arithmetically into pgoff. */
	uint64_t pgoff = (uint64_t)((int64_t)off >> PAGE_SHIFT);
	bool fixed = f & (UMEM_MAP_FIXED | UMEM_MAP_FIXED_NOREPLACE);
	bool anon = f & UMEM_MAP_ANONYMOUS;
	long rc;

	if (off & UMEM_PAGE_MASK)
		return -EINVAL;
	if (!anon && !file)
		return -EBADF;
	if ((f & UMEM_MAP_HUGETLB) && (!anon || !umem_huge_size_ok(f)))
		return -EINVAL; /* not a hugetlbfs file; hstate_sizelog: no such page size */
	if (len == 0)
		return -EINVAL;
	if (!fixed) {
		/* round_hint_to_min: down to a page, and not below mmap_min_addr. */
		addr &= ~UMEM_PAGE_MASK;
		if (addr && addr < as_user_base())
			addr = as_user_base();
	}
	len = umem_page_up(len);
	if (len == 0)
		return -ENOMEM;
	if (pgoff + len / PAGE_SIZE < pgoff)
		return -EOVERFLOW;
	if (as_area_count(as) > as_max_map_count())
		return -ENOMEM; /* too many mappings: do_mmap checks before placing */
	rc = umem_place(as, addr, len, fixed, &addr);
	if (rc)
		return rc;
	if ((f & UMEM_MAP_FIXED_NOREPLACE) && as_overlaps(as, addr, len))
		return -EEXIST;
	/* file_mmap_ok: the range must fit below the largest file offset. */
	if (!anon && pgoff > (UMEM_MAX_FILESIZE - len) >> PAGE_SHIFT)
		return -EOVERFLOW;
	rc = anon ? umem_mmap_anon_type(f) : umem_mmap_file_type(file, f, p);
	if (rc < 0)
		return rc;
	asflags = (unsigned)rc | umem_populate_flag(f, p);
	if (f & UMEM_MAP_FIXED_NOREPLACE)
		asflags |= AS_MAP_FIXED_NOREPLACE;
	else if (f & UMEM_MAP_FIXED)
		asflags |= AS_MAP_FIXED;
	/* hugetlbfs_file_mmap reserves the huge pages: there are none. */
	if (f & UMEM_MAP_HUGETLB)
		return -ENOMEM;
	if (umem_charged(anon, (unsigned)rc, p) &&
	    page_commit_check(len / PAGE_SIZE, f & UMEM_MAP_NORESERVE) < 0)
		return -ENOMEM;
	/* Not fixed: addr is the free range found above, a hint that still holds. */
	if (anon)
		rc = as_map_anon(as, addr, len, umem_as_prot(p), asflags, &addr);
	else
		rc = file->map(file, as, addr, len, umem_as_prot(p), asflags, pgoff, &addr);
	return rc ? rc : (long)addr;
}

long umem_munmap(struct addr_space *as, uintptr_t addr, size_t len)
{
	uintptr_t top = as_user_top(), base = as_user_base(), end;

	if ((addr & UMEM_PAGE_MASK) || addr > top || len > top - addr)
		return -EINVAL;
	end = addr + umem_page_up(len);
	if (end == addr)
		return -EINVAL;
	/* Nothing can be mapped below the base: that part is a hole, and holes are fine. */
	if (addr < base)
		addr = base;
	return end > addr ? as_unmap(as, addr, end - addr) : 0;
}

/*
 * PROT_GROWSDOWN / PROT_GROWSUP extend the change to the start / end of a
 * stack area that grows. No area here grows: an area where Linux looks
 * (any in the range / the one at start) gives -EINVAL, none -ENOMEM.
 */
static long umem_mprotect_grows(struct addr_space *as, uintptr_t start, uintptr_t end,
                                unsigned grows)
{
	bool found = grows == UMEM_PROT_GROWSDOWN ? as_overlaps(as, start, end - start)
	                                          : as_overlaps(as, start, PAGE_SIZE);

	return found ? -EINVAL : -ENOMEM;
}

long umem_mprotect(struct addr_space *as, uintptr_t start, size_t len, int prot)
{
	unsigned p = (unsigned)prot;
	unsigned grows = p & (UMEM_PROT_GROWSDOWN | UMEM_PROT_GROWSUP);
	uintptr_t end;

	p &= ~grows;
	if (grows == (UMEM_PROT_GROWSDOWN | UMEM_PROT_GROWSUP))
		return -EINVAL;
	if (start & UMEM_PAGE_MASK)
		return -EINVAL;
	if (len == 0)
		return 0;
	len = umem_page_up(len);
	end = start + len;
	if (end <= start)
		return -ENOMEM;
	/* arch_validate_prot: PROT_SEM is accepted (and means nothing). */
	if (p & ~(unsigned)(UMEM_PROT_READ | UMEM_PROT_WRITE | UMEM_PROT_EXEC | UMEM_PROT_SEM))
		return -EINVAL;
	if (grows)
		return umem_mprotect_grows(as, start, end, grows);
	if (start < as_user_base() || end > as_user_top())
		return -ENOMEM; /* a range no area can cover has a hole */
	return as_protect(as, start, len, umem_as_prot(p));
}

/*
 * remap_file_pages as Linux has emulated it since 4.0: checks of its own
 * (EINVAL), then an mmap(MAP_SHARED | MAP_FIXED | MAP_POPULATE) of the same
 * object at pgoff over the range, which as_remap does under the space's
 * lock (Linux looks the area up, lets the lock go and looks again).
 */
long umem_remap_file_pages(struct addr_space *as, uintptr_t start, size_t size, unsigned long prot,
                           uint64_t pgoff, unsigned long flags)
{
	if (prot)
		return -EINVAL;
	start &= ~UMEM_PAGE_MASK;
	size &= ~UMEM_PAGE_MASK;
	if (start + size <= start)
		return -EINVAL;
	if (pgoff + size / PAGE_SIZE < pgoff)
		return -EINVAL;
	/* do_mmap's file_mmap_ok, checked before the areas (see the top of this file). */
	if (pgoff > (UMEM_MAX_FILESIZE - size) >> PAGE_SHIFT)
		return -EOVERFLOW;
	return as_remap(as, start, size, pgoff, (flags & UMEM_MAP_NONBLOCK) ? 0 : AS_MAP_POPULATE);
}

#define UMEM_MS_ASYNC      1
#define UMEM_MS_INVALIDATE 2
#define UMEM_MS_SYNC       4

struct msync_walk {
	uintptr_t at, end;
	bool async_only, hole;
};

/* msync's walk over the areas: a gap before one is a hole (ENOMEM at the end, or at once for
 * MS_ASYNC). */
static enum as_visit msync_area(const struct as_area *area, void *ctx)
{
	struct msync_walk *w = ctx;

	if (as_area_start(area) > w->at) {
		w->hole = true;
		if (w->async_only || as_area_start(area) >= w->end)
			return AS_VISIT_STOP;
	}
	w->at = as_area_end(area);
	return w->at >= w->end ? AS_VISIT_STOP : AS_VISIT_NEXT;
}

long umem_msync(struct addr_space *as, uintptr_t start, size_t len, int flags)
{
	unsigned f = (unsigned)flags;
	struct msync_walk w = {.at = start, .async_only = f == UMEM_MS_ASYNC};

	if (f & ~(unsigned)(UMEM_MS_ASYNC | UMEM_MS_INVALIDATE | UMEM_MS_SYNC))
		return -EINVAL;
	if (start & UMEM_PAGE_MASK)
		return -EINVAL;
	if ((f & UMEM_MS_ASYNC) && (f & UMEM_MS_SYNC))
		return -EINVAL;
	len = umem_page_up(len);
	w.end = start + len;
	if (w.end < start)
		return -ENOMEM;
	if (w.end == start)
		return 0;
	as_visit(as, start, msync_area, &w);
	/* No area reached the end: the rest is a hole. Nothing needs writing back. */
	return (w.hole || w.at < w.end) ? -ENOMEM : 0;
}

void umem_brk_init(struct umem_brk *b, uintptr_t end)
{
	b->start = end < as_user_top() ? umem_page_up(end) : as_user_top();
	b->cur = b->start;
	b->limit = 0;
}

/* Shrinking: Linux wants some area in the part given back, else it refuses. */
static bool umem_brk_shrink(struct addr_space *as, uintptr_t newpg, uintptr_t oldpg)
{
	return as_overlaps(as, newpg, oldpg - newpg) && as_unmap(as, newpg, oldpg - newpg) == 0;
}

/*
 * Growing: the new pages and one page past them must be free (Linux keeps a
 * gap page before the next mapping), and must be mappable.
 */
static bool umem_brk_grow(struct addr_space *as, uintptr_t oldpg, uintptr_t newpg)
{
	if (oldpg < as_user_base() || as_overlaps(as, oldpg, newpg - oldpg + PAGE_SIZE))
		return false;
	if (page_commit_check((newpg - oldpg) / PAGE_SIZE, false) < 0)
		return false; /* do_brk_flags: the commit policy */
	return as_map_anon(as, oldpg, newpg - oldpg, AS_PROT_READ | AS_PROT_WRITE | AS_PROT_USER,
	                   AS_MAP_FIXED_NOREPLACE, NULL) == 0;
}

long umem_brk(struct umem_brk *b, struct addr_space *as, uintptr_t newbrk)
{
	uintptr_t top = as_user_top();
	uintptr_t limit = b->limit && b->limit < top ? b->limit : top;
	uintptr_t newpg, oldpg;
	bool ok;

	/* brk(0), and anything below the start: just report the break. */
	if (newbrk < b->start || newbrk > limit)
		return (long)b->cur;
	newpg = umem_page_up(newbrk);
	oldpg = umem_page_up(b->cur);
	if (newpg == oldpg)
		ok = true;
	else if (newbrk <= b->cur)
		ok = umem_brk_shrink(as, newpg, oldpg);
	else
		ok = umem_brk_grow(as, oldpg, newpg);
	if (ok)
		b->cur = newbrk;
	return (long)b->cur;
}
