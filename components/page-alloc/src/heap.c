/*
 * The kernel heap. Requests up to 2^CONFIG_PAGE_ALLOC_HEAP_MAX_SHIFT bytes
 * are rounded up to a power of two (a size class) and served from "slabs":
 * single pages cut into equal objects, carved off in order as first needed,
 * the freed ones chained through their first word. Slabs with a free object
 * sit on their class's list; a slab
 * whose last object comes back returns its page at once, so an idle heap
 * holds no frames. Larger requests get a whole block of frames.
 *
 * A slab's frame metadata says which class it serves, so kfree() needs no
 * size and can tell a heap pointer from anything else.
 *
 * With SMP and PAGE_ALLOC_HEAP_PCP_HIGH > 0, kmalloc and kfree of the size
 * classes go through the calling CPU's arrays of free objects
 * (heap_pcp.c), which take objects from the slabs and give them back in
 * batches under page_lock; kfree checks the pointer first, without a lock
 * (the slab of an object in use cannot change its class or go away).
 */
#include "page_internal.h"
#include <hal/memmap.h>
#include <klib/panic.h>
#include <klib/string.h>

#define MIN_SHIFT  PAGE_HEAP_MIN_SHIFT
#define MAX_SHIFT  PAGE_HEAP_MAX_SHIFT
#define NCLASSES   PAGE_HEAP_NCLASSES
#define POISON     PAGE_HEAP_POISON
#define class_size page_heap_class_size

_Static_assert(MAX_SHIFT < PAGE_SHIFT && MIN_SHIFT >= 4,
               "a slab holds at least two objects of >= 16 bytes");

static struct list_node partial[NCLASSES];
static bool heap_ready;

void page_heap_reset(void)
{
	heap_ready = false;
#ifdef PAGE_HEAP_PCP
	page_heap_pcp_reset();
#endif
}

static unsigned class_of(size_t size)
{
	unsigned shift = MIN_SHIFT;

	while (((size_t)1 << shift) < size)
		shift++;
	return shift - MIN_SHIFT;
}

/*
 * Turn a fresh frame into a slab of class c. Its objects are carved off in
 * order as they are first needed, so a new slab costs the same whatever the
 * class (a heap that keeps emptying and refilling a slab pays no per-object
 * set-up); objects that come back are chained through their first word.
 */
static void slab_init(struct page_frame *f, unsigned c)
{
	f->state = PF_SLAB;
	f->order = (uint8_t)c;
	f->inuse = 0;
	__atomic_store_n(&f->carved, 0, __ATOMIC_RELAXED);
	f->free_obj = NULL;
	list_add(&partial[c], &f->link);
}

static size_t slab_objects(unsigned c)
{
	return PAGE_SIZE / class_size(c);
}

/*
 * carved only grows while the slab lives, and with per-CPU arrays kfree reads it without page_lock
 * (the object being freed was carved before, so any value it reads will do): read and set whole.
 */
static uint32_t slab_carved(const struct page_frame *f)
{
	return __atomic_load_n(&f->carved, __ATOMIC_RELAXED);
}

/* An object of class c, page_lock held; NULL when a new slab is needed and no frame is left. */
static void *slab_take(unsigned c)
{
	struct page_frame *f;
	void **obj;

	if (!heap_ready) {
		for (unsigned i = 0; i < NCLASSES; i++)
			list_init(&partial[i]);
		heap_ready = true;
	}
	if (list_empty(&partial[c])) {
		f = page_alloc_locked(0);
		if (!f)
			return NULL;
		slab_init(f, c);
	}
	f = list_entry(partial[c].next, struct page_frame, link);
	if (f->free_obj) {
		obj = f->free_obj;
		f->free_obj = *obj;
	} else {
		uint32_t k = slab_carved(f);

		obj = (void **)((char *)hal_phys_to_virt(page_frame_addr(f)) + k * class_size(c));
		__atomic_store_n(&f->carved, k + 1, __ATOMIC_RELAXED);
	}
	f->inuse++;
	if (!f->free_obj && slab_carved(f) == slab_objects(c))
		list_del(&f->link); /* full: off the list until an object comes back */
	return obj;
}

/* Is p the start of an object of f's slab that was handed out? */
static bool slab_object(struct page_frame *f, const void *p, size_t size)
{
	/* The direct map puts a frame's bytes in one page: p's offset in it is its offset in f. */
	size_t off = (uintptr_t)p & (PAGE_SIZE - 1);

	return off % size == 0 && off / size < slab_carved(f);
}

#ifdef CONFIG_PAGE_ALLOC_DEBUG
/* A freed object is poisoned past its link word: only then can it be free. */
static bool looks_free(const void *p, size_t size)
{
	const unsigned char *b = p;

	for (size_t i = sizeof(void *); i < size; i++)
		if (b[i] != POISON)
			return false;
	return true;
}

/* Is p on its slab's list of free objects? page_lock held. */
static bool slab_holds(struct page_frame *f, const void *p)
{
	for (void *o = f->free_obj; o; o = *(void **)o)
		if (o == p)
			return true;
	return false;
}
#endif

/* An object back onto its slab f, page_lock held: the slab's page goes back with its last one. */
static void slab_put(struct page_frame *f, void *p)
{
	if (!f->free_obj && slab_carved(f) == slab_objects(f->order))
		list_add(&partial[f->order], &f->link); /* it was full */
	*(void **)p = f->free_obj;
	f->free_obj = p;
	if (--f->inuse == 0) {
		list_del(&f->link);
		page_free_locked(f, 0);
	}
}

/* kfree of an object straight onto its slab, page_lock held (without the per-CPU arrays). */
static void slab_free(struct page_frame *f, void *p)
{
	size_t size = class_size(f->order);

	if (!slab_object(f, p, size))
		page_panic_locked("kfree: %p is not the start of a heap object", p);
#ifdef CONFIG_PAGE_ALLOC_DEBUG
	if (looks_free(p, size) && slab_holds(f, p))
		page_panic_locked("kfree: double free of %p", p);
	memset(p, POISON, size);
#endif
	slab_put(f, p);
}

static void *large_alloc(size_t size)
{
	unsigned order = 0;
	struct page_frame *f;

	while ((PAGE_SIZE << order) < size)
		if (++order > PAGE_MAX_ORDER)
			return NULL;
	f = page_alloc_locked(order);
	if (!f)
		return NULL;
	f->state = PF_LARGE;
	return page_to_virt(page_frame_addr(f));
}

#ifdef PAGE_HEAP_PCP
void *page_slab_take_locked(unsigned c)
{
	return slab_take(c);
}

void page_slab_put_locked(void *p)
{
	slab_put(page_frame_of(page_from_virt(p) & ~(paddr_t)(PAGE_SIZE - 1)), p);
}

#ifdef CONFIG_PAGE_ALLOC_DEBUG
/* Is p free on its slab f? f may have stopped being a slab since the caller looked. */
static bool slab_holds_now(struct page_frame *f, const void *p)
{
	unsigned long flags = hal_spin_lock_irqsave(&page_lock);
	bool held = f->state == PF_SLAB && slab_holds(f, p);

	hal_spin_unlock_irqrestore(&page_lock, flags);
	return held;
}
#endif

/*
 * kfree of an object of slab f onto this CPU's array, with the checks slab_free makes, but under
 * no lock: f cannot change its class or stop being a slab while p is in use. A free object is on
 * some CPU's array or on its slab's list.
 */
static void kfree_object(struct page_frame *f, void *p)
{
	unsigned c = f->order;
	size_t size = class_size(c);

	if (!slab_object(f, p, size))
		panic("kfree: %p is not the start of a heap object", p);
#ifdef CONFIG_PAGE_ALLOC_DEBUG
	if (looks_free(p, size) && (page_heap_pcp_holds(p, c) || slab_holds_now(f, p)))
		panic("kfree: double free of %p", p);
	memset(p, POISON, size);
#endif
	page_heap_pcp_free(p, c);
}
#endif

static void *heap_alloc(size_t size)
{
	bool small = size <= ((size_t)1 << MAX_SHIFT);
	unsigned long flags;
	void *p;

#ifdef PAGE_HEAP_PCP
	if (small)
		return page_heap_pcp_alloc(class_of(size));
#endif
	flags = hal_spin_lock_irqsave(&page_lock);
	p = small ? slab_take(class_of(size)) : large_alloc(size);
	hal_spin_unlock_irqrestore(&page_lock, flags);
	return p;
}

void *kmalloc(size_t size)
{
	void *p = heap_alloc(size);

#ifdef PAGE_CACHES
	/* Frames on the CPUs' lists are free, and so are the slabs only the CPUs' arrays of free
	 * objects hold: out of memory only once they are all back. */
	if (!p && page_drain_cached())
		p = heap_alloc(size);
#endif
	return p;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void *kcalloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return kzalloc(n * size);
}

void kfree(void *p)
{
	unsigned long flags;
	paddr_t pa, page;
	struct page_frame *f;

	if (!p)
		return;
	pa = hal_virt_to_phys(p);
	page = pa & ~(paddr_t)(PAGE_SIZE - 1);
	f = page_frame_of(page);
#ifdef PAGE_HEAP_PCP
	if (f && frame_state(f) == PF_SLAB) {
		kfree_object(f, p);
		return;
	}
#endif
	flags = hal_spin_lock_irqsave(&page_lock);
	if (f && f->state == PF_SLAB) { /* with the arrays: only if it just became one */
		slab_free(f, p);
	} else if (f && f->state == PF_LARGE && pa == page) {
		f->state = PF_USED;
		page_free_locked(f, f->order);
	} else {
		page_panic_locked("kfree: %p was not allocated by kmalloc", p);
	}
	hal_spin_unlock_irqrestore(&page_lock, flags);
}
