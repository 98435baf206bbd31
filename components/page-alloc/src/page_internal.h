/* page-alloc internals shared by the frame allocator and the heap. */
#ifndef PAGE_ALLOC_INTERNAL_H
#define PAGE_ALLOC_INTERNAL_H

#include <page-alloc/page_alloc.h>
#include <hal/spinlock.h>
#include <klib/list.h>
#include <klib/panic.h>

/* What a frame is, as recorded in its metadata. */
enum page_state {
	PF_TAIL,  /* inside a block, not its first frame */
	PF_META,  /* holds the range's own metadata */
	PF_FREE,  /* first frame of a free block */
	PF_USED,  /* first frame of an allocated block */
	PF_SLAB,  /* a heap page cut into objects of one size class */
	PF_LARGE, /* first frame of a block kmalloc handed out whole */
	PF_PCP,   /* a free single frame on a CPU's own list (pcp.c) */
};

/*
 * One per frame, in an array at the start of the range it describes. The
 * link puts a free block on its order's list, or a slab on its class's.
 */
struct page_frame {
	struct list_node link;
	void *free_obj; /* PF_SLAB: first object freed and not handed out again */
	union {
		uint32_t refs; /* PF_USED / PF_LARGE: references */
		uint32_t
		    carved; /* PF_SLAB: objects ever handed out (the rest follow them, untouched) */
		uint32_t zeroed; /* PF_FREE: a single frame on the zeroed list (page_free_zeroed) */
	};
	union {
		uint16_t inuse; /* PF_SLAB: objects handed out */
		uint16_t owner; /* PF_USED order 0: the owner's word (page_owner_word) */
	};
	uint8_t order; /* block order of a first frame; PF_SLAB: size class */
	uint8_t state;
};

/*
 * A frame's state where two locks meet: a per-CPU list marks its own
 * frames (PF_PCP, then PF_USED) under its own lock while the buddy code,
 * under page_lock, reads a neighbour's state to see whether it may merge.
 * Either value tells it no, but the byte is read and written whole.
 */
static inline uint8_t frame_state(const struct page_frame *f)
{
	return __atomic_load_n(&f->state, __ATOMIC_RELAXED);
}

static inline void frame_set_state(struct page_frame *f, uint8_t state)
{
	__atomic_store_n(&f->state, state, __ATOMIC_RELAXED);
}

extern hal_spinlock_t page_lock;

/* Panic from inside page_lock: drop it first, so a test that catches the panic can go on. */
#define page_panic_locked(...)                                                                     \
	do {                                                                                       \
		hal_spin_unlock(&page_lock);                                                       \
		panic(__VA_ARGS__);                                                                \
	} while (0)

/* One physical range and the metadata of its frames (an array at its start). */
struct page_range {
	paddr_t base;    /* first frame */
	uint64_t npages; /* frames described, metadata pages included */
	struct page_frame *frames;
	bool held; /* page_alloc_add_held_range's, until page_alloc_release_held */
};

/* Added at boot (page_alloc_add_range, under page_lock), then only read. */
extern struct page_range page_ranges[CONFIG_PAGE_ALLOC_MAX_RANGES];
extern unsigned page_nranges;
/*
 * The range the last lookup found, tried first: the frames in use (tables,
 * heap pages, a segment's pages) mostly come from one range, not always the
 * first (the initrd's held range and the crumbs around the firmware sit
 * beside the bulk of RAM). Any CPU reads and writes it without a lock: it
 * is only a guess, always the index of an added range or of a zeroed slot,
 * and it is written only when it changes, so CPUs that agree on it do not
 * share a written line.
 */
extern unsigned page_range_hint;

KIT_NORETURN void page_frame_lost(const struct page_frame *f);

static inline bool page_range_has(const struct page_range *r, paddr_t pa)
{
	return pa - r->base < r->npages << PAGE_SHIFT;
}

/*
 * Metadata of a managed frame, or NULL. Inline: a page table's every entry
 * count goes through here (page_owner_word), as do kfree and page_free.
 */
static inline struct page_frame *page_frame_of(paddr_t pa)
{
	struct page_range *r = &page_ranges[__atomic_load_n(&page_range_hint, __ATOMIC_RELAXED)];

	if (page_range_has(r, pa))
		return &r->frames[(pa - r->base) >> PAGE_SHIFT];
	for (unsigned i = 0; i < page_nranges; i++) {
		r = &page_ranges[i];
		if (page_range_has(r, pa)) {
			__atomic_store_n(&page_range_hint, i, __ATOMIC_RELAXED);
			return &r->frames[(pa - r->base) >> PAGE_SHIFT];
		}
	}
	return NULL;
}

/* The range whose metadata f is (a frame the allocator handed out or holds). */
static inline struct page_range *page_range_of_frame(const struct page_frame *f)
{
	struct page_range *r = &page_ranges[__atomic_load_n(&page_range_hint, __ATOMIC_RELAXED)];

	if ((uint64_t)(f - r->frames) < r->npages)
		return r;
	for (unsigned i = 0; i < page_nranges; i++) {
		r = &page_ranges[i];
		if ((uint64_t)(f - r->frames) < r->npages)
			return r;
	}
	page_frame_lost(f);
}

static inline paddr_t page_frame_addr(const struct page_frame *f)
{
	struct page_range *r = page_range_of_frame(f);

	return r->base + ((paddr_t)(f - r->frames) << PAGE_SHIFT);
}

/* The buddy allocator with page_lock held. */
struct page_frame *page_alloc_locked(unsigned order);
void page_free_locked(struct page_frame *f, unsigned order);

/*
 * Per-CPU lists of free single frames (pcp.c), with SMP and a non-zero
 * PAGE_ALLOC_PCP_HIGH. Lock order: a CPU's list lock, then page_lock.
 */
#if defined(CONFIG_SMP) && defined(CONFIG_PAGE_ALLOC_PCP_HIGH) && CONFIG_PAGE_ALLOC_PCP_HIGH > 0
#define PAGE_PCP 1
/* One frame from this CPU's list, refilled from the buddy lists when empty; NULL if none. *zeroed:
 * in, a zeroed frame is wanted; out, the frame is known to be zero. Not under page_lock. */
struct page_frame *page_pcp_alloc(bool *zeroed);
/* Put an allocated single frame on this CPU's list; false (nothing done) if f is not one. */
bool page_pcp_free(struct page_frame *f, bool zeroed);
/* Every CPU's list back to the buddy lists, merging; true if any held a frame. */
bool page_pcp_drain(void);
/* Forget the lists (page_alloc_reset, with page_lock held). */
void page_pcp_reset(void);
/* The buddy side of a single frame, page_lock held: take one (alloc_block(0)), give one back. */
struct page_frame *page_take_locked(bool *zeroed);
void page_give_locked(struct page_frame *f, bool zeroed);
#endif

/* The heap's size classes: 2^PAGE_HEAP_MIN_SHIFT to 2^PAGE_HEAP_MAX_SHIFT bytes. */
#define PAGE_HEAP_MIN_SHIFT CONFIG_PAGE_ALLOC_HEAP_MIN_SHIFT
#define PAGE_HEAP_MAX_SHIFT CONFIG_PAGE_ALLOC_HEAP_MAX_SHIFT
#define PAGE_HEAP_NCLASSES  (PAGE_HEAP_MAX_SHIFT - PAGE_HEAP_MIN_SHIFT + 1)
#define PAGE_HEAP_POISON    0x6b /* fills freed objects with PAGE_ALLOC_DEBUG */

static inline size_t page_heap_class_size(unsigned c)
{
	return (size_t)1 << (c + PAGE_HEAP_MIN_SHIFT);
}

/*
 * Per-CPU arrays of free heap objects (heap_pcp.c), with SMP and a
 * non-zero PAGE_ALLOC_HEAP_PCP_HIGH. Lock order: a CPU's array lock, then
 * page_lock; no CPU holds two array locks, nor an array lock and a frame
 * list lock, at once.
 */
#if defined(CONFIG_SMP) && defined(CONFIG_PAGE_ALLOC_HEAP_PCP_HIGH) &&                             \
    CONFIG_PAGE_ALLOC_HEAP_PCP_HIGH > 0
#define PAGE_HEAP_PCP 1
/* heap.c, page_lock held: an object of class c off the slabs (a new slab when none has one),
 * NULL when no frame is left; an object back onto its slab, whose page goes back if that was its
 * last object out. */
void *page_slab_take_locked(unsigned c);
void page_slab_put_locked(void *p);
/* An object of class c from this CPU's array, refilled from the slabs when empty; NULL if none.
 * Not under page_lock. */
void *page_heap_pcp_alloc(unsigned c);
/* A checked object of class c onto this CPU's array (a full one gives a batch back first). */
void page_heap_pcp_free(void *p, unsigned c);
/* Is p on some CPU's array of class c? Takes each array's lock in turn (debug checks). */
bool page_heap_pcp_holds(const void *p, unsigned c);
/* Every CPU's arrays back to the slabs; true if any held an object. Not under page_lock. */
bool page_heap_drain(void);
/* Forget the arrays (page_heap_reset). */
void page_heap_pcp_reset(void);
#endif

/* Caches that a request which finds no memory drains first (page_drain_cached). */
#if defined(PAGE_PCP) || defined(PAGE_HEAP_PCP)
#define PAGE_CACHES 1
#endif

/* Forget the heap's slabs (page_alloc_reset, with page_lock held). */
void page_heap_reset(void);

#endif
