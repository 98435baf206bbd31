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
 */
#include "page_internal.h"
#include <hal/memmap.h>
#include <klib/panic.h>
#include <klib/string.h>

#define MIN_SHIFT CONFIG_PAGE_ALLOC_HEAP_MIN_SHIFT
#define MAX_SHIFT CONFIG_PAGE_ALLOC_HEAP_MAX_SHIFT
#define NCLASSES  (MAX_SHIFT - MIN_SHIFT + 1)
#define POISON    0x6b /* fills freed objects in debug builds */

_Static_assert(MAX_SHIFT < PAGE_SHIFT && MIN_SHIFT >= 4,
               "a slab holds at least two objects of >= 16 bytes");

static struct list_node partial[NCLASSES];
static bool heap_ready;

void page_heap_reset(void)
{
	heap_ready = false;
}

static unsigned class_of(size_t size)
{
	unsigned shift = MIN_SHIFT;

	while (((size_t)1 << shift) < size)
		shift++;
	return shift - MIN_SHIFT;
}

static size_t class_size(unsigned c)
{
	return (size_t)1 << (c + MIN_SHIFT);
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
	f->carved = 0;
	f->free_obj = NULL;
	list_add(&partial[c], &f->link);
}

static size_t slab_objects(unsigned c)
{
	return PAGE_SIZE / class_size(c);
}

/* A fresh slab for class c (the heap's first use sets up the lists); false if no frame. Out of
 * line, as is carving: kmalloc's common path saves fewer registers without them. */
static __attribute__((noinline)) bool slab_new(unsigned c)
{
	struct page_frame *f;

	if (!heap_ready) {
		for (unsigned i = 0; i < NCLASSES; i++)
			list_init(&partial[i]);
		heap_ready = true;
	}
	if (!list_empty(&partial[c]))
		return true;
	f = page_alloc_locked(0);
	if (!f)
		return false;
	slab_init(f, c);
	return true;
}

static __attribute__((noinline)) void **slab_carve(struct page_frame *f, unsigned c)
{
	return (void **)((char *)hal_phys_to_virt(page_frame_addr(f)) +
	                 f->carved++ * class_size(c));
}

static void *slab_alloc(size_t size)
{
	unsigned c = class_of(size);
	struct page_frame *f;
	void **obj;

	if ((!heap_ready || list_empty(&partial[c])) && !slab_new(c))
		return NULL;
	f = list_entry(partial[c].next, struct page_frame, link);
	if (f->free_obj) {
		obj = f->free_obj;
		f->free_obj = *obj;
	} else {
		obj = slab_carve(f, c);
	}
	f->inuse++;
	if (!f->free_obj && f->carved == slab_objects(c))
		list_del(&f->link); /* full: off the list until an object comes back */
	return obj;
}

#ifdef CONFIG_PAGE_ALLOC_DEBUG
/* A freed object is poisoned past its link word: only then can it be on the free list. */
static void check_not_free(struct page_frame *f, void *p, size_t size)
{
	const unsigned char *b = p;

	for (size_t i = sizeof(void *); i < size; i++)
		if (b[i] != POISON)
			return;
	for (void *o = f->free_obj; o; o = *(void **)o)
		if (o == p)
			page_panic_locked("kfree: double free of %p", p);
}
#endif

static void slab_free(struct page_frame *f, void *p)
{
	/* The direct map puts a frame's bytes in one page: p's page is the slab's. */
	char *page = (char *)((uintptr_t)p & ~(uintptr_t)(PAGE_SIZE - 1));
	size_t size = class_size(f->order);

	if ((size_t)((char *)p - page) % size || (size_t)((char *)p - page) / size >= f->carved)
		page_panic_locked("kfree: %p is not the start of a heap object", p);
#ifdef CONFIG_PAGE_ALLOC_DEBUG
	check_not_free(f, p, size);
	memset(p, POISON, size);
#endif
	if (!f->free_obj && f->carved == slab_objects(f->order))
		list_add(&partial[f->order], &f->link); /* it was full */
	*(void **)p = f->free_obj;
	f->free_obj = p;
	if (--f->inuse == 0) {
		list_del(&f->link);
		page_free_locked(f, 0);
	}
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
	return hal_phys_to_virt(page_frame_addr(f));
}

#ifdef PAGE_PCP
static void *heap_alloc(size_t size);

void *kmalloc(size_t size)
{
	void *p = heap_alloc(size);

	/* Frames on the CPUs' lists are free: out of memory only once they are back. */
	if (!p && page_drain_cached())
		p = heap_alloc(size);
	return p;
}

static void *heap_alloc(size_t size)
#else
void *kmalloc(size_t size)
#endif
{
	unsigned long flags = hal_spin_lock_irqsave(&page_lock);
	void *p = size <= ((size_t)1 << MAX_SHIFT) ? slab_alloc(size) : large_alloc(size);

	hal_spin_unlock_irqrestore(&page_lock, flags);
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
	flags = hal_spin_lock_irqsave(&page_lock);
	f = page_frame_of(page);
	if (f && f->state == PF_SLAB) {
		slab_free(f, p);
	} else if (f && f->state == PF_LARGE && pa == page) {
		f->state = PF_USED;
		page_free_locked(f, f->order);
	} else {
		page_panic_locked("kfree: %p was not allocated by kmalloc", p);
	}
	hal_spin_unlock_irqrestore(&page_lock, flags);
}
