/*
 * Physical page frames.
 *
 * Frames come in blocks of 2^order contiguous pages, aligned to their size.
 * Every allocated frame carries a reference count, starting at 1, so frames
 * shared by several address spaces are freed when the last user drops them.
 *
 * All functions are safe to call from any CPU. Out of memory is reported
 * (PADDR_NONE / -ENOMEM), never a crash. Debug builds panic, naming the
 * address, on a double free or on freeing a frame the allocator never handed
 * out.
 */
#ifndef PAGE_ALLOC_PAGE_ALLOC_H
#define PAGE_ALLOC_PAGE_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1ul << PAGE_SHIFT)

typedef uint64_t paddr_t;

/* Returned by page_alloc() when nothing fits. */
#define PADDR_NONE ((paddr_t)~0ull)

/* Largest block order the allocator serves (2^PAGE_MAX_ORDER pages). */
#define PAGE_MAX_ORDER 18 /* 1 GiB */

/*
 * Take every usable frame from the hal memory map: RAM minus the kernel
 * image, the device tree, the initrd and firmware-reserved ranges.
 * Returns 0 or a negative errno.
 */
int page_alloc_init(void);

/*
 * Take the RAM the boot tables did not map (HAL_MEM_UNMAPPED), once the
 * kernel's page table (hal_mmu_init) does. Returns the bytes added (0 when
 * there is none, or when it was taken already). Boot only, on the boot
 * CPU before the others start; never sleeps; takes and drops the
 * allocator's lock once per range, like page_alloc_add_range.
 */
uint64_t page_alloc_init_late(void);

/*
 * Add [base, base + size) (page-aligned) to the allocator. page_alloc_init()
 * calls this for each usable range; host tests call it with host memory.
 */
int page_alloc_add_range(paddr_t base, uint64_t size);

/*
 * Frames that hold data already, the initrd's (page_alloc_init adds the
 * whole pages of each HAL_MEM_INITRD region): [base, base + size) (page-
 * aligned) becomes managed as allocated single frames with one reference
 * each, held for whoever put the data there, counted in the total but not
 * free. Its metadata comes from the allocator (the frames hold data), so
 * it needs a range added before. A frame's other users take references
 * (page_ref_try_get_run) and keep it without copying; when
 * page_alloc_release_held drops the held references, the frames no one
 * else took become free. 0, -EINVAL (not page-aligned, empty), -EEXIST
 * (overlaps a range), -ENOSPC (CONFIG_PAGE_ALLOC_MAX_RANGES ranges
 * already), -ENOMEM (no block for the metadata). Boot (page_alloc_init)
 * or host tests; never sleeps; takes the allocator's lock once.
 */
int page_alloc_add_held_range(paddr_t base, uint64_t size);

/*
 * Drop the held reference of every frame of every held range (once; later
 * calls find none): the frames nobody else holds are free now, the others
 * when their last user drops them. Returns how many frames were held, the
 * number by which the free count grows once every user is gone. Any
 * context; takes the allocator's lock once.
 */
uint64_t page_alloc_release_held(void);

/* Forget every range and frame (host tests start each case afresh). */
void page_alloc_reset(void);

/* 2^order contiguous frames aligned to 2^order pages, refcount 1; or PADDR_NONE. */
paddr_t page_alloc(unsigned order);

/* The same, filled with zeros (not cleared again if it was freed by page_free_zeroed). */
paddr_t page_alloc_zeroed(unsigned order);

/* Free a block from page_alloc() regardless of its reference count. */
void page_free(paddr_t pa, unsigned order);
/*
 * The same, for a block the caller knows holds only zeros (a page table an
 * unmap emptied): page_alloc_zeroed may hand it out again without clearing
 * it. The allocator remembers this per free block, merged blocks only when
 * both halves are; CONFIG_PAGE_ALLOC_DEBUG checks it when the block is
 * handed out.
 */
void page_free_zeroed(paddr_t pa, unsigned order);

/* Reference counts of single (order 0) frames. */
void page_ref_get(paddr_t pa);
/*
 * A reference on each of the up to n frames from pa on while it is an
 * allocated single frame of the allocator's (a held one, say): how many
 * were taken, 0 when pa is not one (a free frame, a heap page, memory it
 * does not manage), where page_ref_get would panic. Any context; takes the
 * allocator's lock once.
 */
size_t page_ref_try_get_run(paddr_t pa, size_t n);
/* Drop a reference; the frame is freed when it reaches zero. Returns true then. */
bool page_ref_put(paddr_t pa);
unsigned page_ref_count(paddr_t pa);

/*
 * A word of the metadata of an allocated single frame (from page_alloc(0)),
 * free for its owner's use: 0 when the frame is handed out, and touched by
 * no one else until it is freed (paging counts a table page's used entries
 * there). No lock is taken: the owner serialises its own uses. Any context;
 * never sleeps. The pointer is valid until the frame is freed.
 */
uint16_t *page_owner_word(paddr_t pa);

/* Does the allocator manage this frame (allocated or free)? */
bool page_is_managed(paddr_t pa);

/*
 * Counts in pages. page_free_count() counts the frames the CPUs' caches
 * hold as free (see page_drain_cached below); with the heap's per-CPU
 * arrays it drains them first, taking locks (never sleeps; any context,
 * not from inside page-alloc).
 */
size_t page_free_count(void);
size_t page_total_count(void);

/*
 * With CONFIG_SMP and PAGE_ALLOC_PCP_HIGH > 0 each CPU keeps a short list of
 * free single frames of its own, and with PAGE_ALLOC_HEAP_PCP_HIGH > 0
 * arrays of free heap objects of its own (README.md). page_cached_count():
 * how many of page_free_count()'s frames the frame lists hold.
 * page_heap_cached_count(): how many objects the heap's arrays hold (their
 * slabs are in use as far as the frame allocator knows; page_free_count()
 * gives them back before it counts). page_drain_cached(): give every
 * CPU's arrays back to the slabs and every CPU's list back to the shared
 * free lists, merging; true if any was not empty (a request that cannot
 * be served does this itself before it fails). Any context, not from
 * inside page-alloc; never sleeps; page_drain_cached() and
 * page_free_count() take each CPU's locks in turn, then the allocator's.
 * Without the lists or the arrays, 0 and false.
 */
#if defined(CONFIG_SMP) && defined(CONFIG_PAGE_ALLOC_PCP_HIGH) && CONFIG_PAGE_ALLOC_PCP_HIGH > 0
size_t page_cached_count(void);
#define PAGE_ALLOC_HAS_CACHES 1
#else
static inline size_t page_cached_count(void)
{
	return 0;
}
#endif
#if defined(CONFIG_SMP) && defined(CONFIG_PAGE_ALLOC_HEAP_PCP_HIGH) &&                             \
    CONFIG_PAGE_ALLOC_HEAP_PCP_HIGH > 0
size_t page_heap_cached_count(void);
#define PAGE_ALLOC_HAS_CACHES 1
#else
static inline size_t page_heap_cached_count(void)
{
	return 0;
}
#endif
#ifdef PAGE_ALLOC_HAS_CACHES
bool page_drain_cached(void);
#else
static inline bool page_drain_cached(void)
{
	return false;
}
#endif

/* Kernel virtual address of a frame (identity on current platforms). */
void *page_to_virt(paddr_t pa);
paddr_t page_from_virt(const void *va);

/*
 * vm.overcommit_memory, Linux's commit policy (mm/util.c __vm_enough_memory):
 * may memory that is promised now and allocated when touched (a private
 * writable mapping, a shm segment, the break) be promised? GUESS, the
 * default (CONFIG_PAGE_ALLOC_OVERCOMMIT_MEMORY), refuses a single request
 * of more pages than page_total_count() (RAM; there is no swap); ALWAYS
 * promises anything; NEVER is accepted and read back, but checks as GUESS:
 * nothing counts the pages promised (Committed_AS) that strict accounting
 * needs. Any context; never sleeps.
 */
#define PAGE_OVERCOMMIT_GUESS  0
#define PAGE_OVERCOMMIT_ALWAYS 1
#define PAGE_OVERCOMMIT_NEVER  2
int page_overcommit_mode(void);
/* 0, or -EINVAL for a mode other than the three. */
int page_set_overcommit_mode(long mode);
/*
 * May 'pages' more be promised? 0 or -ENOMEM. 'noreserve': the caller
 * asked for no reservation (MAP_NORESERVE, SHM_NORESERVE), which Linux
 * honours in every mode but NEVER.
 */
int page_commit_check(unsigned long pages, bool noreserve);

/*
 * Small-object heap on top of the frames: size classes up to a page, whole
 * blocks of frames above that. kmalloc returns NULL when out of memory.
 * kfree(NULL) is a no-op; a double free or a foreign pointer panics in debug
 * builds, naming the pointer.
 */
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void *kcalloc(size_t n, size_t size); /* NULL on overflow */
void kfree(void *p);

#endif
