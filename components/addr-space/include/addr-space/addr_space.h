/*
 * Address spaces: a page table plus the areas (like Linux's VMAs) mapped in
 * it. Each area has a backend that says where its pages come from:
 *
 *   linear    a fixed physical offset (device memory, the kernel image);
 *   anonymous zero-filled pages, eagerly or lazily on first touch;
 *   shared    frames owned by someone else (ipc-shm), reference-counted, that
 *             several spaces map at once; the owner supplies them through the
 *             backend's fault callback.
 *
 * A backend may also watch its areas. open() runs whenever a new area starts
 * to refer to the backend's object (a split piece, a fork copy); close() runs
 * once for every area that stops referring to it (unmap, destroy, exit, exec,
 * replacement by a fixed mapping). An owner can therefore count its mappings
 * exactly, without a table of its own: this is how ipc-shm keeps shm_nattch.
 *
 * Locking: each space has one lock, taken inside these functions. Backend
 * callbacks run with it held: they may take the owner's own locks (lock order:
 * address space first, then the owner's), and must not call back into the
 * same space.
 *
 * Placement (Linux's get_unmapped_area): an area mapped without a fixed
 * address goes at the hint if that range is free; otherwise, in the default
 * top-down layout, into the highest free range below the space's mmap base
 * (under the stack, as_set_layout), falling back to the lowest one above
 * as_unmapped_base(); in the legacy bottom-up layout, into the lowest free
 * range at or above the mmap base. A range qualifies if its free gap is at
 * least len + align - PAGE_SIZE long, as in Linux's vm_unmapped_area. The
 * search is O(log n) in the number of areas: the area tree keeps the
 * longest gap of each subtree.
 *
 * Area limit (Linux's vm.max_map_count, CONFIG_AS_MAX_MAP_COUNT): as_map
 * fails with -ENOMEM when the space already has more areas than the limit;
 * as_protect when a split would be made at or past it; as_unmap, and a
 * fixed map replacing a range, when the range would cut a hole in one area
 * while the space is at the limit. Splits an unmap pays back itself may
 * pass it, as in Linux.
 *
 * Context, per function below:
 *   [locks]  takes the space's lock and releases it before returning: called
 *            without it (from a callback of the same space it would deadlock)
 *            and without a spinlock. With ADDR_SPACE_MUTEX (kernels that run
 *            processes) the lock is a sleeping mutex: a task only (before
 *            task_init it panics, in every build), and the call may sleep.
 *            Without it the lock is a spinlock taken with interrupts off: any
 *            context, and the call never sleeps.
 *   [free]   takes no lock and never sleeps: any context.
 *   [held]   only where the space's lock is held: in a backend callback or
 *            a visitor, on the area it was given.
 * Functions that allocate (areas, page tables, frames) use page-alloc, which
 * never sleeps.
 *
 * Errors are negative Linux errnos: -EINVAL bad arguments, -ENOMEM out of
 * memory, no free range or the area limit, -EEXIST overlap with
 * AS_MAP_FIXED_NOREPLACE, -EFAULT no area at an address, -EACCES an access
 * the area's protection forbids.
 */
#ifndef ADDR_SPACE_ADDR_SPACE_H
#define ADDR_SPACE_ADDR_SPACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <page-alloc/page_alloc.h>

struct addr_space;
struct as_area;

/* Protection of an area (combine). */
#define AS_PROT_NONE  0u
#define AS_PROT_READ  1u
#define AS_PROT_WRITE 2u
#define AS_PROT_EXEC  4u
#define AS_PROT_USER  8u /* reachable from user mode */

/* Flags of as_map(). */
#define AS_MAP_PRIVATE         0x00u /* fork copies the pages (copy-on-write) */
#define AS_MAP_SHARED          0x01u /* fork shares the pages */
#define AS_MAP_FIXED           0x02u /* exactly at addr; replace what is there */
#define AS_MAP_FIXED_NOREPLACE 0x04u /* exactly at addr; -EEXIST if anything is there */
#define AS_MAP_POPULATE        0x08u /* fault every page in now, not on first touch */
#define AS_MAP_HUGE            0x10u /* use 2 MiB / 1 GiB pages where aligned */
/*
 * The area may never be writable (Linux: a shared mapping without VM_MAYWRITE,
 * as of a read-only file or shmat with SHM_RDONLY): as_map with AS_PROT_WRITE
 * and as_protect adding it fail with -EACCES. Split pieces and fork copies
 * keep it.
 */
#define AS_MAP_NEVER_WRITE 0x20u

/* Kinds of access, for as_fault() (same values as hal_access). */
#define AS_ACCESS_READ  1u
#define AS_ACCESS_WRITE 2u
#define AS_ACCESS_EXEC  4u

/* Its callbacks run [held]: with the space's lock held (so they may sleep only
 * with ADDR_SPACE_MUTEX), and must not call into the same space. */
struct as_backend {
	const char *name;
	/* A new area refers to the object behind 'area' (split piece, fork copy). */
	void (*open)(struct as_area *area);
	/* 'area' stops referring to it; called exactly once per area. */
	void (*close)(struct as_area *area);
	/*
	 * Supply the frame for page 'pgoff' of the object (as_area_pgoff() of the
	 * area plus the page's index inside it). The space maps it and takes its
	 * own reference (page_ref_get) for as long as the mapping exists; the
	 * backend keeps its own. Return 0 or a negative errno (the fault fails):
	 * -ENXIO for a page past the object's end (a remap_file_pages offset
	 * past it: Linux's VM_FAULT_SIGBUS, the process gets SIGBUS),
	 * -ENOMEM when no frame is free; -EFAULT is SIGSEGV, as for no area.
	 */
	int (*fault)(struct as_area *area, uint64_t pgoff, unsigned access, paddr_t *pa);
	/*
	 * fault() hands the caller a reference of its own, which the space
	 * keeps for the mapping (instead of taking one) or drops. For owners
	 * that may drop their own reference meanwhile (a file truncated while
	 * one of its pages is being mapped).
	 */
	bool fault_gives_ref;
	/*
	 * as_remap made 'area' (already open()ed) in place of the areas it
	 * closed: may it stay? Linux maps the file again only once the old
	 * mappings are closed, and the owner may refuse then (shm_mmap fails
	 * for a removed segment whose last attachment they were). A refusal
	 * (-errno) gives back what open() took, at once, in place of close():
	 * the area goes without close(), and as_remap returns the error with
	 * the range left unmapped, as Linux leaves it. NULL: always accepted.
	 */
	int (*remap)(struct as_area *area);
};

/* Built-in backends. */
extern const struct as_backend as_backend_anon;   /* zero-filled, private or shared */
extern const struct as_backend as_backend_linear; /* priv = (void *)(pa - va) offset */

/*
 * [free]
 * An empty space (user range only; the kernel table's entries are shared by
 * all, see pt_set_kernel). Its table has the kernel table's format, or Sv39
 * where there is no kernel table (host tests).
 */
int as_create(struct addr_space **out);

/* [locks] Unmap everything (close() for each area), free every frame and table. NULL: nothing. */
void as_destroy(struct addr_space *as);

/*
 * [locks]
 * Map [addr, addr + len) with 'prot' and 'flags', backed by 'backend' with
 * private data 'priv', the first page being page 'pgoff' of the object. len
 * is rounded up to whole pages. Without a FIXED flag, addr is a hint (0: none)
 * and the area goes where the placement rules above put it. On success *out
 * (if not NULL) is the start. A failed map changes nothing.
 *
 * As Linux's mmap, as_map() does not call open() for the area it creates:
 * the caller counts that one itself, once as_map() succeeded. Every later
 * area referring to the object (split piece, fork copy) gets open(), and
 * every area that goes away gets close(), the first one included.
 *
 * as_backend_anon makes its own object: priv and pgoff are ignored; private
 * anonymous areas have pgoff = start / PAGE_SIZE (Linux's convention), so
 * equal neighbours merge. Areas of any other backend never merge. Linear
 * areas are mapped at once (2 MiB / 1 GiB pages with AS_MAP_HUGE, then also
 * 2 MiB-aligned when placed by the space). AS_MAP_POPULATE faults every page
 * in now; if that runs out of memory the map fails and changes nothing,
 * unless it replaced an old range (AS_MAP_FIXED), in which case the new
 * area stays and fills on demand. Out of [as_user_base(), as_user_top()):
 * -ENOMEM, as Linux says for a range beyond the task size. AS_PROT_WRITE with
 * AS_MAP_NEVER_WRITE: -EACCES.
 */
int as_map(struct addr_space *as, uintptr_t addr, size_t len, unsigned prot, unsigned flags,
           const struct as_backend *backend, void *priv, uint64_t pgoff, uintptr_t *out);

/* [locks] Anonymous memory: as_map() with as_backend_anon. */
int as_map_anon(struct addr_space *as, uintptr_t addr, size_t len, unsigned prot, unsigned flags,
                uintptr_t *out);

/* [locks] Linear memory: va..va+len maps pa..pa+len. */
int as_map_linear(struct addr_space *as, uintptr_t va, paddr_t pa, size_t len, unsigned prot,
                  unsigned flags);

/*
 * [locks]
 * Linux's remap_file_pages (emulated since Linux 4.0 by a MAP_FIXED
 * mapping of the same file): map the page-aligned [addr, addr + len) again
 * as one area of the same object, its first page now page 'pgoff' of the
 * object. The area at addr must be shared (AS_MAP_SHARED, not linear), and
 * the range covered without a hole by areas of the same backend, priv,
 * protection and flags (pieces of one mapping); else -EINVAL, as for
 * unaligned arguments, a range outside the user range, flags other than
 * AS_MAP_POPULATE or a pgoff that wraps. -ENOMEM: no memory, or the area
 * limit as for a FIXED as_map. The new area takes the first one's
 * protection and flags. It gets open() before the replaced pieces get
 * close(), so that its object outlives them however they count it, then
 * the backend's remap() decides whether it stays (see struct as_backend:
 * if not, its error, the range unmapped). AS_MAP_POPULATE faults its
 * pages in now, as far as they can be filled; a page that cannot (past the
 * object's end, out of memory) stops that silently and faults later.
 */
int as_remap(struct addr_space *as, uintptr_t addr, size_t len, uint64_t pgoff, unsigned flags);

/* [locks] Unmap any page-aligned range, splitting areas at its ends. Unmapped holes are fine. */
int as_unmap(struct addr_space *as, uintptr_t addr, size_t len);

/*
 * [locks]
 * Change protection of a fully mapped range (-ENOMEM if it has a hole, as
 * Linux's mprotect; -EACCES if it would make an AS_MAP_NEVER_WRITE area
 * writable), splitting areas at its ends (open() for each new piece) and
 * merging equal private anonymous neighbours afterwards. A failure changes
 * nothing.
 */
int as_protect(struct addr_space *as, uintptr_t addr, size_t len, unsigned prot);

/*
 * [locks]
 * Resolve a fault: fill a lazy page, or report why not (-EFAULT: no area,
 * -EACCES: protection). Called by the trap handler, or directly in tests.
 */
int as_fault(struct addr_space *as, uintptr_t va, unsigned access);

/* [locks] Fault in every page of [addr, addr + len) now. */
int as_populate(struct addr_space *as, uintptr_t addr, size_t len);

/*
 * [locks]
 * A copy of 'parent' for fork: shared areas map the same frames, private ones
 * are copy-on-write. Backends see open() for every copied area.
 */
int as_fork(struct addr_space *parent, struct addr_space **child);

/*
 * [locks] Where as_map would put len bytes aligned to 'align' (a power of two >=
 * PAGE_SIZE) with this hint (0: none), by the placement rules above.
 * -ENOMEM if nothing fits.
 */
int as_find_free(struct addr_space *as, size_t len, size_t align, uintptr_t hint, uintptr_t *out);

/*
 * [locks] The space's layout for placement (Linux's mm->mmap_base and MMF_TOPDOWN):
 * top-down below mmap_base, or with bottom_up (Linux's legacy layout, used
 * when the stack limit is unlimited) upward from it. A new space is top-down
 * from as_user_top(); as_fork copies the layout. -EINVAL for a base outside
 * [as_user_base(), as_user_top()] or not page-aligned.
 */
int as_set_layout(struct addr_space *as, uintptr_t mmap_base, bool bottom_up);
uintptr_t as_mmap_base(struct addr_space *as, bool *bottom_up);

/* [free] Linux's TASK_UNMAPPED_BASE: a third of the user range, where bottom-up placement starts.
 */
uintptr_t as_unmapped_base(void);

/* [free] The most areas a space may have (CONFIG_AS_MAX_MAP_COUNT, Linux's vm.max_map_count). */
size_t as_max_map_count(void);

/* [locks] Does any area overlap [addr, addr + len)? */
bool as_overlaps(struct addr_space *as, uintptr_t addr, size_t len);

/*
 * [locks]
 * Visit every area that ends above 'from', in address order, under the
 * space's lock. The visitor's answer may unmap the area it was shown (with
 * close() as for as_unmap) and may stop the walk. Returns the number of
 * areas unmapped. The area pointer is valid only during the call; the
 * visitor runs [held], as a backend callback does.
 */
enum as_visit {
	AS_VISIT_NEXT,
	AS_VISIT_STOP,
	AS_VISIT_UNMAP_NEXT,
	AS_VISIT_UNMAP_STOP,
};
typedef enum as_visit (*as_visitor_t)(const struct as_area *area, void *ctx);
int as_visit(struct addr_space *as, uintptr_t from, as_visitor_t visit, void *ctx);

/*
 * [locks]
 * Copy between the kernel and user addresses of 'as': 0, or -EFAULT for an
 * address with no access (no area, an area without AS_PROT_USER, or a
 * protection that forbids it: the kernel writes only where the user may
 * write), or -ENOMEM when a page could not be filled for want of a frame
 * (the caller may free memory and retry). Pages are faulted in (and
 * copy-on-write pages copied) as needed; the copy goes through the
 * kernel's view of the frames, so it works whichever space is active. On
 * an error the bytes before the bad page have been copied.
 */
int as_copy_to_user(struct addr_space *as, uintptr_t dst, const void *src, size_t len);
int as_copy_from_user(struct addr_space *as, void *dst, uintptr_t src, size_t len);

/*
 * [locks]
 * What is mapped at va: 0, the frame (plus va's offset in the page) and the
 * access the page allows right now (a copy-on-write page reads back without
 * AS_PROT_WRITE until its first write), or -EFAULT. Does not fault pages in.
 */
int as_query(struct addr_space *as, uintptr_t va, paddr_t *pa, unsigned *prot);

/* [free] Make 'as' the space of the calling CPU (its user half, hal_mmu_switch); NULL: the
 * kernel's table alone. task's switch calls it with interrupts off and the CPU's scheduler lock
 * held. */
void as_activate(struct addr_space *as);

/* [free] The space last activated on the calling CPU, or NULL. */
struct addr_space *as_active(void);

/*
 * [free]
 * Install the page-fault hook (hal/trap.h): a fault on a user address of the
 * active space is resolved with as_fault(); any other fault is left to the
 * platform's report. Called once by kit_start().
 */
int as_init(void);

/* [held] An area's attributes (for backends and visitors). */
uintptr_t as_area_start(const struct as_area *area);
uintptr_t as_area_end(const struct as_area *area);
unsigned as_area_prot(const struct as_area *area);
unsigned as_area_flags(const struct as_area *area);
uint64_t as_area_pgoff(const struct as_area *area);
void *as_area_priv(const struct as_area *area);
const struct as_backend *as_area_backend(const struct as_area *area);
struct addr_space *as_area_space(const struct as_area *area);

/* [locks] Counts, for tests and statistics. */
size_t as_area_count(struct addr_space *as);
/*
 * [free] Pages mapped by the space's non-linear areas, shared and copy-on-write
 * pages counted in every space that maps them (Linux's RSS: what the OOM
 * killer weighs), and the page-table pages of the space. Snapshots read
 * without the space's lock: any context, even with other locks held.
 */
size_t as_resident_pages(struct addr_space *as);
size_t as_table_pages(struct addr_space *as);

/* [free] Lowest and highest (exclusive) user addresses areas may use. */
uintptr_t as_user_base(void);
uintptr_t as_user_top(void);
/*
 * [free] The end of what a program gets without asking (Linux's
 * DEFAULT_MAP_WINDOW, CONFIG_ARCH_USER_WINDOW): its stack and mmap_base
 * lie below, and placement searches above only for a hint above it.
 * as_user_top() on most architectures.
 */
uintptr_t as_user_window(void);
/*
 * Where placement without a hint starts: a third of user space, Linux's
 * TASK_UNMAPPED_BASE of its legacy bottom-up layout. Far above a program
 * and its break, so mappings leave the break room to grow.
 */
uintptr_t as_unmapped_base(void);

#endif
