/*
 * The frame allocator: a buddy system over one or more physical ranges.
 *
 * A block of 2^k frames starts at a frame number that is a multiple of
 * 2^k, so its "buddy" (the other half of the 2^(k+1) block both would form)
 * is found by flipping bit k of the frame number. Freeing merges a block
 * with its buddy for as long as the buddy is free and whole; allocating
 * takes the smallest free block that fits and splits it in halves. Both are
 * O(PAGE_MAX_ORDER), and a bitmap of non-empty free lists makes finding a
 * block one count-trailing-zeros.
 *
 * Each range describes its own frames in an array of struct page_frame
 * carved from its first pages, so the allocator needs no memory of its own.
 * Buddies never merge across ranges.
 */
#include "page_internal.h"
#include <hal/memmap.h>
#include <klib/errno.h>
#include <klib/panic.h>
#include <klib/string.h>

hal_spinlock_t page_lock = HAL_SPINLOCK_INIT;

struct page_range page_ranges[CONFIG_PAGE_ALLOC_MAX_RANGES];
unsigned page_nranges;
unsigned page_range_hint;
static struct list_node free_lists[PAGE_MAX_ORDER + 1];
static uint32_t nonempty; /* bit k: free_lists[k] has a block */
static size_t free_pages, total_pages;
/*
 * Single frames freed by page_free_zeroed (up to PAGE_ALLOC_ZEROED_FRAMES):
 * free and counted so, but on a list of their own, unmerged, for
 * page_alloc_zeroed to hand out without clearing them. A buddy freed next
 * to one does not merge with it (a shm cycle frees its segment's page next
 * to the table page it freed as zeroed a moment before: merging cost a
 * clearing every cycle); when a request finds no block, they go back to the
 * buddy lists, merging, first.
 */
static struct list_node zeroed_list = LIST_HEAD_INIT(zeroed_list);
static unsigned nzeroed;
/* A variable, not the macro: 0 would make 'nzeroed < 0' a -Wtype-limits error. */
static const unsigned zeroed_max = CONFIG_PAGE_ALLOC_ZEROED_FRAMES;

_Static_assert(PAGE_MAX_ORDER < 32, "nonempty is a 32-bit mask");

void page_frame_lost(const struct page_frame *f)
{
	panic("page-alloc: frame metadata %p belongs to no range", (const void *)f);
}

static void push_free(struct page_frame *f, unsigned order)
{
	f->state = PF_FREE;
	f->order = (uint8_t)order;
	f->zeroed = false;
	list_add(&free_lists[order], &f->link);
	nonempty |= 1u << order;
}

static void unlink_free(struct page_frame *f)
{
	unsigned order = f->order;

	list_del(&f->link);
	if (f->zeroed)
		nzeroed--;
	else if (list_empty(&free_lists[order]))
		nonempty &= ~(1u << order);
}

static void zeroed_drain(void);

static struct page_frame *zeroed_take(void)
{
	struct page_frame *f = list_entry(zeroed_list.next, struct page_frame, link);

	unlink_free(f);
	return f;
}

/* zeroed: the caller wants a zeroed frame, and is told whether it got one. */
static struct page_frame *alloc_block(unsigned order, bool *zeroed)
{
	uint32_t fits = order <= PAGE_MAX_ORDER ? nonempty >> order : 0;
	struct page_frame *f;
	unsigned o;

	if (order == 0 && nzeroed && (*zeroed || !fits)) {
		f = zeroed_take();
		*zeroed = true;
		goto got;
	}
	*zeroed = false;
	if (!fits && nzeroed) {
		zeroed_drain();
		fits = order <= PAGE_MAX_ORDER ? nonempty >> order : 0;
	}
	if (!fits)
		return NULL;
	o = order + (unsigned)__builtin_ctz(fits);
	f = list_entry(free_lists[o].next, struct page_frame, link);
	unlink_free(f);
	/* Give back the upper halves until the block is the size asked for. */
	while (o > order) {
		o--;
		push_free(f + (1u << o), o);
	}
got:
	f->state = PF_USED;
	f->order = (uint8_t)order;
	f->refs = 1;
	f->owner = 0;
	free_pages -= (size_t)1 << order;
	return f;
}

struct page_frame *page_alloc_locked(unsigned order)
{
	bool zeroed = false;

	return alloc_block(order, &zeroed);
}

#ifdef PAGE_PCP
struct page_frame *page_take_locked(bool *zeroed)
{
	return alloc_block(0, zeroed);
}
#endif

static void merge_free(struct page_frame *f, unsigned order)
{
	struct page_range *r = page_range_of_frame(f);
	uint64_t idx = (uint64_t)(f - r->frames), base_pfn = r->base >> PAGE_SHIFT;

	while (order < PAGE_MAX_ORDER) {
		uint64_t buddy = ((base_pfn + idx) ^ (1ull << order)) - base_pfn;
		struct page_frame *b;

		if (buddy >= r->npages)
			break;
		b = &r->frames[buddy];
		if (frame_state(b) != PF_FREE || b->order != order || b->zeroed)
			break;
		unlink_free(b);
		/* The merged block starts at the lower of the two. */
		if (buddy < idx) {
			f->state = PF_TAIL;
			f = b;
			idx = buddy;
		} else {
			b->state = PF_TAIL;
		}
		order++;
	}
	push_free(f, order);
}

void page_free_locked(struct page_frame *f, unsigned order)
{
	free_pages += (size_t)1 << order;
	merge_free(f, order);
}

/* Every zeroed frame back to the buddy lists, merged: a request found no block without them. */
static void zeroed_drain(void)
{
	while (nzeroed)
		merge_free(zeroed_take(), 0);
}

/* The allocated block starting at pa, or a panic naming what pa is instead. */
static struct page_frame *used_block(paddr_t pa, const char *who)
{
	struct page_frame *f = page_frame_of(pa);

	if (!f || (pa & (PAGE_SIZE - 1)))
		page_panic_locked("%s: %#llx is not a frame the allocator manages", who,
		                  (unsigned long long)pa);
	switch (f->state) {
	case PF_USED:
		return f;
	case PF_FREE:
#ifdef PAGE_PCP
	case PF_PCP:
#endif
		page_panic_locked("%s: %#llx is free (double free?)", who, (unsigned long long)pa);
	case PF_SLAB:
	case PF_LARGE:
		page_panic_locked("%s: %#llx belongs to the heap (kmalloc/kfree)", who,
		                  (unsigned long long)pa);
	default:
		page_panic_locked("%s: %#llx is not the start of an allocated block", who,
		                  (unsigned long long)pa);
	}
}

#ifdef PAGE_CACHES
/* A block from the buddy lists, taking page_lock; *zeroed as alloc_block's. */
static struct page_frame *alloc_shared(unsigned order, bool *zeroed)
{
	unsigned long flags = hal_spin_lock_irqsave(&page_lock);
	struct page_frame *f = alloc_block(order, zeroed);

	hal_spin_unlock_irqrestore(&page_lock, flags);
	return f;
}

/* page_alloc and page_alloc_zeroed: this CPU's list for a single frame, else the buddy lists. */
static struct page_frame *alloc_frames(unsigned order, bool *zeroed)
{
	bool want = *zeroed;
	struct page_frame *f;

#ifdef PAGE_PCP
	if (order == 0 && (f = page_pcp_alloc(zeroed)))
		return f;
	*zeroed = want;
#endif
	f = alloc_shared(order, zeroed);
	/* The lists hold free frames, buddies of others, and the heap's arrays slabs that are free
	 * but for them: a request fails only without them. */
	if (!f && page_drain_cached()) {
		*zeroed = want;
		f = alloc_shared(order, zeroed);
	}
	return f;
}
#endif

paddr_t page_alloc(unsigned order)
{
#ifdef PAGE_CACHES
	bool zeroed = false;
	struct page_frame *f = alloc_frames(order, &zeroed);

	return f ? page_frame_addr(f) : PADDR_NONE;
#else
	unsigned long flags = hal_spin_lock_irqsave(&page_lock);
	struct page_frame *f = page_alloc_locked(order);
	paddr_t pa = f ? page_frame_addr(f) : PADDR_NONE;

	hal_spin_unlock_irqrestore(&page_lock, flags);
	return pa;
#endif
}

#ifdef CONFIG_PAGE_ALLOC_DEBUG
/* A frame freed as zeroed that is not would hand out stale data (or stale page-table entries). */
static void check_zeroed(paddr_t pa)
{
	const uint64_t *w = page_to_virt(pa);

	for (size_t i = 0; i < PAGE_SIZE / sizeof(*w); i++)
		if (w[i])
			panic("page_alloc_zeroed: %#llx, freed as zeroed, has %#llx at +%#zx",
			      (unsigned long long)pa, (unsigned long long)w[i], i * sizeof(*w));
}
#else
#define check_zeroed(pa) ((void)0)
#endif

paddr_t page_alloc_zeroed(unsigned order)
{
#ifdef PAGE_CACHES
	bool zeroed = true;
	struct page_frame *f = alloc_frames(order, &zeroed);
	paddr_t pa = f ? page_frame_addr(f) : PADDR_NONE;
#else
	unsigned long flags = hal_spin_lock_irqsave(&page_lock);
	bool zeroed = true;
	struct page_frame *f = alloc_block(order, &zeroed);
	paddr_t pa = f ? page_frame_addr(f) : PADDR_NONE;

	hal_spin_unlock_irqrestore(&page_lock, flags);
#endif

	if (pa != PADDR_NONE && zeroed)
		check_zeroed(pa);
	else if (pa != PADDR_NONE)
		memset(page_to_virt(pa), 0, PAGE_SIZE << order);
	return pa;
}

/* A checked block back to the buddy lists, or a zeroed frame to the zeroed list if it has room. */
static void give_back(struct page_frame *f, unsigned order, bool zeroed)
{
	if (zeroed && order == 0 && nzeroed < zeroed_max) {
		f->state = PF_FREE;
		f->zeroed = true;
		list_add(&zeroed_list, &f->link);
		nzeroed++;
		free_pages++;
	} else {
		page_free_locked(f, order);
	}
}

#ifdef PAGE_PCP
void page_give_locked(struct page_frame *f, bool zeroed)
{
	give_back(f, 0, zeroed);
}
#endif

static void free_checked(paddr_t pa, unsigned order, bool zeroed, const char *who)
{
	unsigned long flags;
	struct page_frame *f;

#ifdef PAGE_PCP
	/* Anything but an allocated single frame goes on, to be reported below. */
	f = page_frame_of(pa);
	if (order == 0 && f && !(pa & (PAGE_SIZE - 1)) && page_pcp_free(f, zeroed && zeroed_max))
		return;
#endif
	flags = hal_spin_lock_irqsave(&page_lock);
	f = used_block(pa, who);
	if (f->order != order)
		page_panic_locked("%s: %#llx is a block of order %u, freed as order %u", who,
		                  (unsigned long long)pa, f->order, order);
	give_back(f, order, zeroed);
	hal_spin_unlock_irqrestore(&page_lock, flags);
}

void page_free(paddr_t pa, unsigned order)
{
	free_checked(pa, order, false, "page_free");
}

void page_free_zeroed(paddr_t pa, unsigned order)
{
	free_checked(pa, order, true, "page_free_zeroed");
}

void page_ref_get(paddr_t pa)
{
	unsigned long flags = hal_spin_lock_irqsave(&page_lock);
	struct page_frame *f = used_block(pa, "page_ref_get");

	kverify(f->refs != UINT32_MAX);
	f->refs++;
	hal_spin_unlock_irqrestore(&page_lock, flags);
}

size_t page_ref_try_get_run(paddr_t pa, size_t n)
{
	unsigned long flags = hal_spin_lock_irqsave(&page_lock);
	struct page_frame *f = page_frame_of(pa);
	size_t i = 0;

	if (f && !(pa & (PAGE_SIZE - 1))) {
		struct page_range *r = page_range_of_frame(f);

		n = (size_t)MIN((uint64_t)n, r->npages - (uint64_t)(f - r->frames));
		for (; i < n && f[i].state == PF_USED && f[i].order == 0 && f[i].refs != UINT32_MAX;
		     i++)
			f[i].refs++;
	}
	hal_spin_unlock_irqrestore(&page_lock, flags);
	return i;
}

bool page_ref_put(paddr_t pa)
{
	unsigned long flags = hal_spin_lock_irqsave(&page_lock);
	struct page_frame *f = used_block(pa, "page_ref_put");
	bool freed = --f->refs == 0;

#ifdef PAGE_PCP
	/* Nobody else holds a reference: the frame is ours to cache after the lock. */
	bool cache = freed && f->order == 0;

	if (freed && !cache)
		page_free_locked(f, f->order);
	hal_spin_unlock_irqrestore(&page_lock, flags);
	if (cache)
		kverify(page_pcp_free(f, false));
#else
	if (freed)
		page_free_locked(f, f->order);
	hal_spin_unlock_irqrestore(&page_lock, flags);
#endif
	return freed;
}

uint16_t *page_owner_word(paddr_t pa)
{
	struct page_frame *f = page_frame_of(pa);

	kassert(f && f->state == PF_USED && f->order == 0);
	return &f->owner;
}

unsigned page_ref_count(paddr_t pa)
{
	unsigned long flags = hal_spin_lock_irqsave(&page_lock);
	struct page_frame *f = page_frame_of(pa);
	unsigned n = f && f->state == PF_USED ? f->refs : 0;

	hal_spin_unlock_irqrestore(&page_lock, flags);
	return n;
}

bool page_is_managed(paddr_t pa)
{
	unsigned long flags = hal_spin_lock_irqsave(&page_lock);
	struct page_frame *f = page_frame_of(pa);
	bool managed = f && f->state != PF_META;

	hal_spin_unlock_irqrestore(&page_lock, flags);
	return managed;
}

size_t page_free_count(void)
{
#ifdef PAGE_HEAP_PCP
	page_heap_drain(); /* the slabs only the arrays hold are free: freed now, counted below */
#endif
#ifdef PAGE_PCP
	return READ_ONCE(free_pages) + page_cached_count();
#else
	return READ_ONCE(free_pages);
#endif
}

size_t page_total_count(void)
{
	return READ_ONCE(total_pages);
}

void *page_to_virt(paddr_t pa)
{
	return hal_phys_to_virt(pa);
}

paddr_t page_from_virt(const void *va)
{
	return hal_virt_to_phys(va);
}

static void lists_init(void)
{
	if (page_nranges)
		return;
	for (unsigned o = 0; o <= PAGE_MAX_ORDER; o++)
		list_init(&free_lists[o]);
	nonempty = 0;
}

/* Hand [first, end) (frame indexes in r) to the free lists in the largest aligned blocks. */
static void free_span(struct page_range *r, uint64_t first, uint64_t end)
{
	uint64_t base_pfn = r->base >> PAGE_SHIFT;

	while (first < end) {
		unsigned order = 0;
		while (order < PAGE_MAX_ORDER &&
		       ((base_pfn + first) & ((2ull << order) - 1)) == 0 &&
		       first + (2ull << order) <= end)
			order++;
		push_free(&r->frames[first], order);
		free_pages += (size_t)1 << order;
		first += 1ull << order;
	}
}

/* Frames [0, meta) hold the metadata, the others are tails until free_span says. */
static void mark_tails(struct page_frame *f, uint64_t meta, uint64_t n)
{
	uint64_t i;

	for (i = 0; i < meta; i++)
		f[i].state = PF_META;
	for (; i + 8 <= n; i += 8) { /* the loop's own instructions would be most of it */
		f[i].state = PF_TAIL;
		f[i + 1].state = PF_TAIL;
		f[i + 2].state = PF_TAIL;
		f[i + 3].state = PF_TAIL;
		f[i + 4].state = PF_TAIL;
		f[i + 5].state = PF_TAIL;
		f[i + 6].state = PF_TAIL;
		f[i + 7].state = PF_TAIL;
	}
	for (; i < n; i++)
		f[i].state = PF_TAIL;
}

/* 0 if [base, base + size) overlaps no range and there is a slot for it (page_lock held). */
static int range_fits(paddr_t base, uint64_t size)
{
	for (unsigned i = 0; i < page_nranges; i++)
		if (base < page_ranges[i].base + (page_ranges[i].npages << PAGE_SHIFT) &&
		    page_ranges[i].base < base + size)
			return -EEXIST;
	return page_nranges >= CONFIG_PAGE_ALLOC_MAX_RANGES ? -ENOSPC : 0;
}

int page_alloc_add_range(paddr_t base, uint64_t size)
{
	uint64_t npages = size >> PAGE_SHIFT, meta;
	unsigned long flags;
	struct page_range *r;
	int rc = 0;

	if ((base | size) & (PAGE_SIZE - 1) || base + size < base)
		return -EINVAL;
	meta = (npages * sizeof(struct page_frame) + PAGE_SIZE - 1) >> PAGE_SHIFT;
	if (npages <= meta)
		return -EINVAL; /* too small to hold its own metadata and a frame */

	flags = hal_spin_lock_irqsave(&page_lock);
	rc = range_fits(base, size);
	if (rc == 0) {
		lists_init();
		r = &page_ranges[page_nranges++];
		*r = (struct page_range){base, npages, page_to_virt(base), false};
		/* Only the state is read before a frame is first written whole (the first frame of
		 * a block, a slab, gets every field it uses set), so only it is set: a store per
		 * frame, not a clearing of the whole table (1 MiB for 128 MiB of RAM). */
		mark_tails(r->frames, meta, npages);
		free_span(r, meta, npages);
		total_pages += npages - meta;
	}
	hal_spin_unlock_irqrestore(&page_lock, flags);
	return rc;
}

int page_alloc_add_held_range(paddr_t base, uint64_t size)
{
	uint64_t npages = size >> PAGE_SHIFT;
	unsigned order = 0, idx;
	struct page_frame *meta = NULL;
	unsigned long flags;
	int rc;
	bool zeroed = false;

	if ((base | size) & (PAGE_SIZE - 1) || !npages || base + size < base)
		return -EINVAL;
	while (order < PAGE_MAX_ORDER && (PAGE_SIZE << order) / sizeof(struct page_frame) < npages)
		order++;
	if ((PAGE_SIZE << order) / sizeof(struct page_frame) < npages)
		return -EINVAL;
	flags = hal_spin_lock_irqsave(&page_lock);
	rc = range_fits(base, size);
	idx = page_nranges; /* below the limit when rc is 0 */
	if (rc == 0 && !(meta = alloc_block(order, &zeroed)))
		rc = -ENOMEM;
	if (rc == 0) {
		struct page_range *r = &page_ranges[idx];

		*r = (struct page_range){base, npages, page_to_virt(page_frame_addr(meta)), true};
		/* Every field written: the metadata block is not cleared first. */
		for (uint64_t i = 0; i < npages; i++)
			r->frames[i] = (struct page_frame){.refs = 1, .state = PF_USED};
		page_nranges = idx + 1;
		total_pages += npages;
	}
	hal_spin_unlock_irqrestore(&page_lock, flags);
	return rc;
}

uint64_t page_alloc_release_held(void)
{
	unsigned long flags = hal_spin_lock_irqsave(&page_lock);
	uint64_t n = 0;

	for (unsigned i = 0; i < page_nranges; i++) {
		struct page_range *r = &page_ranges[i];

		if (!r->held)
			continue;
		r->held = false;
		for (uint64_t k = 0; k < r->npages; k++) {
			struct page_frame *f = &r->frames[k];

			if (f->state != PF_USED || !f->refs)
				page_panic_locked(
				    "page_alloc_release_held: %#llx lost its reference",
				    (unsigned long long)(r->base + (k << PAGE_SHIFT)));
			if (--f->refs == 0)
				page_free_locked(f, 0);
		}
		n += r->npages;
	}
	hal_spin_unlock_irqrestore(&page_lock, flags);
	return n;
}

void page_alloc_reset(void)
{
	unsigned long flags = hal_spin_lock_irqsave(&page_lock);

	page_nranges = 0;
	page_range_hint = 0;
	memset(page_ranges, 0, sizeof(page_ranges)); /* the hint's slot finds nothing now */
	nonempty = 0;
	list_init(&zeroed_list);
	nzeroed = 0;
	free_pages = total_pages = 0;
	page_heap_reset();
#ifdef PAGE_PCP
	page_pcp_reset();
#endif
	hal_spin_unlock_irqrestore(&page_lock, flags);
}
