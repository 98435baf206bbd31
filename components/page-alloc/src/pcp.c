/*
 * Per-CPU lists of free single frames (with SMP and PAGE_ALLOC_PCP_HIGH > 0),
 * after Linux's per-CPU page lists: page_alloc(0), page_alloc_zeroed(0),
 * page_free and page_free_zeroed of one frame, and the last page_ref_put
 * of one, work on the calling CPU's own list under that CPU's lock, with
 * interrupts off so that the CPU cannot change under them. No other CPU
 * takes that lock but to drain the list, so it is uncontended; page_lock
 * is taken only to refill an empty list or to trim a full one, BATCH
 * frames at a time.
 *
 * A cached frame is free (PF_PCP, not merged with its buddy) and counted
 * free: page_free_count() adds the lists' lengths. A frame freed as zero
 * goes on the list's zeroed half and keeps that knowledge until it is
 * handed out or trimmed back (to the shared zeroed list while it has
 * room). When the buddy lists cannot serve a request, every CPU's list is
 * drained back, merging, and the request tried again (page_drain_cached), so a cached frame
 * never makes a request fail. Freeing a cached frame again finds it
 * PF_PCP and panics as a double free, like freeing a free one.
 *
 * Lock order: a CPU's list lock, then page_lock.
 */
#include "page_internal.h"
#include <hal/smp.h>
#include <klib/compiler.h>

#ifdef PAGE_PCP

#define PCP_HIGH  CONFIG_PAGE_ALLOC_PCP_HIGH
#define PCP_BATCH (CONFIG_PAGE_ALLOC_PCP_BATCH < PCP_HIGH ? CONFIG_PAGE_ALLOC_PCP_BATCH : PCP_HIGH)

struct page_pcp {
	hal_spinlock_t lock;
	unsigned count;          /* frames on both lists; written under lock, read anywhere */
	struct list_node plain;  /* most recently freed first */
	struct list_node zeroed; /* frames freed known to be zero */
} __attribute__((aligned(64)));  /* one cache line each: no false sharing between CPUs */

static struct page_pcp pcps[HAL_NR_CPUS];

/* Lists are set up at first use (under the lock): a static array cannot point at itself. */
static void pcp_ready(struct page_pcp *p)
{
	if (!p->plain.next) {
		list_init(&p->plain);
		list_init(&p->zeroed);
	}
}

/* A freed frame goes first (the hottest in the cache); a refilled one last, in the buddy's order.
 */
static void pcp_push(struct page_pcp *p, struct page_frame *f, bool zeroed, bool first)
{
	struct list_node *to = zeroed ? &p->zeroed : &p->plain;

	frame_set_state(f, PF_PCP);
	if (first)
		list_add(to, &f->link);
	else
		list_add_tail(to, &f->link);
	WRITE_ONCE(p->count, p->count + 1);
}

/* A frame off p's lists, a zeroed one first if *zeroed asks for one; NULL if both are empty. */
static struct page_frame *pcp_pop(struct page_pcp *p, bool *zeroed)
{
	struct list_node *from;

	if (*zeroed && !list_empty(&p->zeroed))
		from = &p->zeroed;
	else if (!list_empty(&p->plain))
		from = &p->plain;
	else if (!list_empty(&p->zeroed))
		from = &p->zeroed;
	else
		return NULL;
	*zeroed = from == &p->zeroed;
	WRITE_ONCE(p->count, p->count - 1);
	return list_entry(list_pop(from), struct page_frame, link);
}

/* n frames of p back to the shared lists, the coldest first, plain before zeroed; p locked. */
static void pcp_trim(struct page_pcp *p, unsigned n)
{
	hal_spin_lock(&page_lock);
	while (n-- && p->count) {
		struct list_node *from = list_empty(&p->plain) ? &p->zeroed : &p->plain;
		struct page_frame *f = list_entry(from->prev, struct page_frame, link);

		list_del(&f->link);
		WRITE_ONCE(p->count, p->count - 1);
		page_give_locked(f, from == &p->zeroed);
	}
	hal_spin_unlock(&page_lock);
}

/* Up to BATCH frames from the shared lists onto p; p locked. */
static void pcp_refill(struct page_pcp *p, bool zeroed)
{
	hal_spin_lock(&page_lock);
	for (unsigned i = 0; i < PCP_BATCH; i++) {
		bool z = zeroed;
		struct page_frame *f = page_take_locked(&z);

		if (!f)
			break;
		pcp_push(p, f, z, false);
	}
	hal_spin_unlock(&page_lock);
}

struct page_frame *page_pcp_alloc(bool *zeroed)
{
	unsigned long flags = hal_irq_save();
	struct page_pcp *p = &pcps[hal_cpu_id()];
	bool want = *zeroed;
	struct page_frame *f;

	hal_spin_lock(&p->lock);
	pcp_ready(p);
	f = pcp_pop(p, zeroed);
	if (!f) {
		pcp_refill(p, want);
		*zeroed = want;
		f = pcp_pop(p, zeroed);
	}
	hal_spin_unlock(&p->lock);
	hal_irq_restore(flags);
	if (f) {
		frame_set_state(f, PF_USED);
		f->order = 0;
		f->refs = 1;
		f->owner = 0;
	}
	return f;
}

bool page_pcp_free(struct page_frame *f, bool zeroed)
{
	unsigned long flags = hal_irq_save();
	struct page_pcp *p = &pcps[hal_cpu_id()];
	bool ok;

	hal_spin_lock(&p->lock);
	pcp_ready(p);
	ok = f->state == PF_USED && f->order == 0;
	if (ok) {
		pcp_push(p, f, zeroed, true);
		if (p->count > PCP_HIGH)
			pcp_trim(p, PCP_BATCH);
	}
	hal_spin_unlock(&p->lock);
	hal_irq_restore(flags);
	return ok;
}

bool page_pcp_drain(void)
{
	bool any = false;

	for (unsigned cpu = 0; cpu < HAL_NR_CPUS; cpu++) {
		struct page_pcp *p = &pcps[cpu];
		unsigned long flags;

		if (!READ_ONCE(p->count))
			continue;
		flags = hal_spin_lock_irqsave(&p->lock);
		if (p->count) {
			pcp_trim(p, p->count);
			any = true;
		}
		hal_spin_unlock_irqrestore(&p->lock, flags);
	}
	return any;
}

size_t page_cached_count(void)
{
	size_t n = 0;

	for (unsigned cpu = 0; cpu < HAL_NR_CPUS; cpu++)
		n += READ_ONCE(pcps[cpu].count);
	return n;
}

void page_pcp_reset(void)
{
	for (unsigned cpu = 0; cpu < HAL_NR_CPUS; cpu++) {
		hal_spin_init(&pcps[cpu].lock);
		pcps[cpu].count = 0;
		list_init(&pcps[cpu].plain);
		list_init(&pcps[cpu].zeroed);
	}
}

#endif

#ifdef PAGE_CACHES
/* The frame lists and the heap's arrays, whichever are built. */
bool page_drain_cached(void)
{
	bool any = false;

#ifdef PAGE_HEAP_PCP
	any = page_heap_drain(); /* first: the slabs it empties free their frames */
#endif
#ifdef PAGE_PCP
	any |= page_pcp_drain();
#endif
	return any;
}
#else
/* Without per-CPU caches this file is empty, which ISO C does not allow. */
typedef int page_pcp_unused;
#endif
