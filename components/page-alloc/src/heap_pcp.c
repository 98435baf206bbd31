/*
 * Per-CPU arrays of free heap objects (with SMP and PAGE_ALLOC_HEAP_PCP_HIGH
 * > 0), after the per-CPU array caches of Linux's SLAB allocator (an array
 * of object pointers per CPU and cache, refilled and flushed a batch at a
 * time) and in the manner of this component's per-CPU frame lists (pcp.c):
 * kmalloc of a size class takes the newest object off the calling CPU's
 * array of that class, and kfree puts one there, under that CPU's lock,
 * with interrupts off so that the CPU cannot change under them. No other
 * CPU takes that lock but to drain the arrays or to look for a double
 * free, so it is uncontended; page_lock is taken only to refill an empty
 * array from the slabs or to give a full one's oldest objects back, BATCH
 * at a time.
 *
 * An object may be freed on any CPU: it goes on that CPU's array and, from
 * there, back to its own slab, whichever CPU took it off. An object on an
 * array is in use as far as its slab knows, so the slab keeps its page;
 * page_free_count() drains the arrays before it counts, and a request that
 * finds no memory drains them (page_drain_cached) before it fails, so the
 * arrays neither show in the free count nor make a request fail. With
 * PAGE_ALLOC_DEBUG an object on an array is poisoned whole (a refill
 * poisons the objects it takes), and kfree of a poisoned object looks for
 * it on every CPU's array and on its slab's list: a double free panics as
 * it does without the arrays.
 *
 * Lock order: a CPU's array lock, then page_lock.
 */
#include "page_internal.h"
#include <hal/smp.h>
#include <klib/compiler.h>
#include <klib/string.h>

#ifdef PAGE_HEAP_PCP

#define HPCP_HIGH CONFIG_PAGE_ALLOC_HEAP_PCP_HIGH
#define HPCP_BATCH                                                                                 \
	(CONFIG_PAGE_ALLOC_HEAP_PCP_BATCH < HPCP_HIGH ? CONFIG_PAGE_ALLOC_HEAP_PCP_BATCH           \
	                                              : HPCP_HIGH)

struct heap_pcp {
	hal_spinlock_t lock;
	unsigned total;                           /* objects on all arrays; written under lock */
	unsigned count[PAGE_HEAP_NCLASSES];       /* objects on each array, under lock */
	void *obj[PAGE_HEAP_NCLASSES][HPCP_HIGH]; /* oldest first, newest at count - 1 */
} __attribute__((aligned(64))); /* whole cache lines: no false sharing between CPUs */

static struct heap_pcp heap_pcps[HAL_NR_CPUS];

static void hpcp_count(struct heap_pcp *h, unsigned c, unsigned n)
{
	WRITE_ONCE(h->total, h->total - h->count[c] + n);
	h->count[c] = n;
}

/* Up to BATCH objects of class c from the slabs onto h's empty array; h locked. */
static void hpcp_refill(struct heap_pcp *h, unsigned c)
{
	void **a = h->obj[c];
	unsigned n = 0;

	hal_spin_lock(&page_lock);
	while (n < HPCP_BATCH && (a[n] = page_slab_take_locked(c)))
		n++;
	hal_spin_unlock(&page_lock);
	/* The first taken is handed out first: a new slab's objects go in address order. */
	for (unsigned i = 0; i < n / 2; i++) {
		void *t = a[i];

		a[i] = a[n - 1 - i];
		a[n - 1 - i] = t;
	}
#ifdef CONFIG_PAGE_ALLOC_DEBUG
	for (unsigned i = 0; i < n; i++)
		memset(a[i], PAGE_HEAP_POISON, page_heap_class_size(c));
#endif
	hpcp_count(h, c, n);
}

/* The n oldest objects of h's array of class c back to their slabs; h locked. */
static void hpcp_flush(struct heap_pcp *h, unsigned c, unsigned n)
{
	void **a = h->obj[c];

	hal_spin_lock(&page_lock);
	for (unsigned i = 0; i < n; i++)
		page_slab_put_locked(a[i]);
	hal_spin_unlock(&page_lock);
	memmove(a, a + n, (h->count[c] - n) * sizeof(*a));
	hpcp_count(h, c, h->count[c] - n);
}

void *page_heap_pcp_alloc(unsigned c)
{
	unsigned long flags = hal_irq_save();
	struct heap_pcp *h = &heap_pcps[hal_cpu_id()];
	void *p = NULL;

	hal_spin_lock(&h->lock);
	if (!h->count[c])
		hpcp_refill(h, c);
	if (h->count[c]) {
		p = h->obj[c][h->count[c] - 1];
		hpcp_count(h, c, h->count[c] - 1);
	}
	hal_spin_unlock(&h->lock);
	hal_irq_restore(flags);
	return p;
}

void page_heap_pcp_free(void *p, unsigned c)
{
	unsigned long flags = hal_irq_save();
	struct heap_pcp *h = &heap_pcps[hal_cpu_id()];

	hal_spin_lock(&h->lock);
	if (h->count[c] == HPCP_HIGH)
		hpcp_flush(h, c, HPCP_BATCH);
	h->obj[c][h->count[c]] = p;
	hpcp_count(h, c, h->count[c] + 1);
	hal_spin_unlock(&h->lock);
	hal_irq_restore(flags);
}

bool page_heap_pcp_holds(const void *p, unsigned c)
{
	bool held = false;

	for (unsigned cpu = 0; cpu < HAL_NR_CPUS && !held; cpu++) {
		struct heap_pcp *h = &heap_pcps[cpu];
		unsigned long flags = hal_spin_lock_irqsave(&h->lock);

		for (unsigned i = 0; i < h->count[c] && !held; i++)
			held = h->obj[c][i] == p;
		hal_spin_unlock_irqrestore(&h->lock, flags);
	}
	return held;
}

bool page_heap_drain(void)
{
	bool any = false;

	for (unsigned cpu = 0; cpu < HAL_NR_CPUS; cpu++) {
		struct heap_pcp *h = &heap_pcps[cpu];
		unsigned long flags;

		if (!READ_ONCE(h->total))
			continue;
		flags = hal_spin_lock_irqsave(&h->lock);
		for (unsigned c = 0; c < PAGE_HEAP_NCLASSES; c++) {
			if (h->count[c]) {
				hpcp_flush(h, c, h->count[c]);
				any = true;
			}
		}
		hal_spin_unlock_irqrestore(&h->lock, flags);
	}
	return any;
}

size_t page_heap_cached_count(void)
{
	size_t n = 0;

	for (unsigned cpu = 0; cpu < HAL_NR_CPUS; cpu++)
		n += READ_ONCE(heap_pcps[cpu].total);
	return n;
}

void page_heap_pcp_reset(void)
{
	for (unsigned cpu = 0; cpu < HAL_NR_CPUS; cpu++) {
		hal_spin_init(&heap_pcps[cpu].lock);
		WRITE_ONCE(heap_pcps[cpu].total, 0);
		memset(heap_pcps[cpu].count, 0, sizeof(heap_pcps[cpu].count));
	}
}

#else
/* Without per-CPU arrays this file is empty, which ISO C does not allow. */
typedef int page_heap_pcp_unused;
#endif
