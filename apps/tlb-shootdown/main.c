/*
 * tlb-shootdown (a boot test, not a demo): tasks that share one address
 * space run on every hart but the boot one, reading one page of it over and
 * over, while a task on the boot hart unmaps that page and maps a frame
 * with new contents in its place, ROUNDS times. A reader must never see
 * the old contents once the remap is done: addr-space's unmap must have
 * dropped the page from the TLB of every hart that runs the space, and of
 * no more than those (paging and hal, hal/mmu.h).
 *
 * The page is a kernel page at a user-half address (no AS_PROT_USER), so
 * kernel tasks read it through the space's table; each round's frame is
 * the app's own and is never freed during the run, so a stale translation
 * would still read that round's old value rather than anything reused.
 * The writer publishes an epoch around each remap, odd while it is under
 * way (a seqlock): a read between two equal even epochs must see that
 * epoch's value. A reader that touches the page while it is unmapped
 * faults; this app's fault handler waits for the remap and retries it (a
 * fault is a right answer, stale data is not).
 */
#include <addr-space/addr_space.h>
#include <hal/cpu.h>
#include <hal/smp.h>
#include <hal/trap.h>
#include <kit/kit.h>
#include <klib/panic.h>
#include <klib/printf.h>
#include <page-alloc/page_alloc.h>
#include <task/task.h>

#define PAGE_VA 0x40000000ul
#define ROUNDS  64
#define MAGIC   0x5eed000000000000ull

static struct addr_space *space;
static paddr_t frames[ROUNDS + 1];
static unsigned long epoch; /* 2r: round r's frame is mapped; odd: a remap is under way */
static bool stop;

/* What each reader did, by CPU. */
static struct reader {
	unsigned long checked; /* reads between two equal even epochs */
	unsigned long seen;    /* the last epoch it checked a read in */
	unsigned long stale;   /* reads that saw an older round's value */
	unsigned long faults;  /* reads that found the page unmapped */
} readers[HAL_NR_CPUS];

static unsigned long load_epoch(void)
{
	return __atomic_load_n(&epoch, __ATOMIC_ACQUIRE);
}

/* A reader touched the page while it was unmapped: retry once the remap is done. */
static int on_fault(const struct hal_fault *f)
{
	if (f->user || f->addr - PAGE_VA >= PAGE_SIZE)
		return -EFAULT; /* not this test's: reported */
	readers[hal_cpu_id()].faults++;
	while (load_epoch() & 1)
		hal_cpu_relax();
	return 0;
}

static void activate(void *as)
{
	as_activate(as);
}

static int read_page(void *arg)
{
	struct reader *r = arg;
	unsigned long e1, e2;
	uint64_t v;

	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		e1 = load_epoch();
		if (e1 & 1)
			continue;
		v = *(volatile uint64_t *)PAGE_VA;
		__atomic_thread_fence(__ATOMIC_ACQUIRE); /* the page's read before the epoch's */
		e2 = __atomic_load_n(&epoch, __ATOMIC_RELAXED);
		if (e1 != e2)
			continue;
		r->checked++;
		if (v != (MAGIC | e1 / 2))
			r->stale++;
		__atomic_store_n(&r->seen, e1, __ATOMIC_RELEASE);
	}
	return 0;
}

/* Every reader has checked a read of the current round (its TLB holds the page). */
static void wait_readers(unsigned long e)
{
	for (unsigned cpu = 1; cpu < hal_cpu_count(); cpu++)
		while (__atomic_load_n(&readers[cpu].seen, __ATOMIC_ACQUIRE) != e)
			task_yield();
}

static int map_round(unsigned r, unsigned flags)
{
	uint64_t *words = page_to_virt(frames[r]);

	for (unsigned i = 0; i < PAGE_SIZE / sizeof(*words); i++)
		words[i] = MAGIC | r;
	return as_map_linear(space, PAGE_VA, frames[r], PAGE_SIZE, AS_PROT_READ | AS_PROT_WRITE,
	                     flags);
}

static struct task *start_reader(unsigned cpu)
{
	struct task_attr attr = {.cpus = HAL_CPU_BIT(cpu), .stopped = true};
	struct task *t;

	if (task_create(&t, "reader", read_page, &readers[cpu], &attr) < 0 ||
	    task_set_space(t, space, activate) < 0)
		panic("tlb-shootdown: cannot start a reader on cpu %u", cpu);
	task_start(t);
	return t;
}

static int run(unsigned ncpus)
{
	struct task *t[HAL_NR_CPUS];
	unsigned long checked = 0, stale = 0, faults = 0;

	for (unsigned cpu = 1; cpu < ncpus; cpu++)
		t[cpu] = start_reader(cpu);
	for (unsigned r = 1; r <= ROUNDS; r++) {
		wait_readers(2 * (r - 1));
		__atomic_store_n(&epoch, 2 * r - 1, __ATOMIC_RELEASE);
		if (as_unmap(space, PAGE_VA, PAGE_SIZE) < 0 || map_round(r, 0) < 0)
			panic("tlb-shootdown: cannot remap the page");
		__atomic_store_n(&epoch, 2 * r, __ATOMIC_RELEASE);
	}
	wait_readers(2 * ROUNDS);
	__atomic_store_n(&stop, true, __ATOMIC_RELEASE);
	for (unsigned cpu = 1; cpu < ncpus; cpu++) {
		task_join(t[cpu], NULL);
		checked += readers[cpu].checked;
		stale += readers[cpu].stale;
		faults += readers[cpu].faults;
	}
	kprintf(
	    "tlb-shootdown: %u rounds, %u readers: %lu reads checked, %lu faulted and retried\n",
	    ROUNDS, ncpus - 1, checked, faults);
	kprintf("tlb-shootdown: %lu stale reads: %s\n", stale, stale ? "FAILED" : "PASS");
	return stale ? 1 : 0;
}

int app_main(void)
{
	unsigned ncpus = hal_cpu_count();
	int rc;

	if (ncpus < 2) {
		kprintf("tlb-shootdown: needs 2 cpus, has %u\n", ncpus);
		return 1;
	}
	if (task_set_affinity(task_current(), HAL_CPU_BIT(0)) < 0 || as_create(&space) < 0)
		panic("tlb-shootdown: no space");
	for (unsigned r = 0; r <= ROUNDS; r++)
		if ((frames[r] = page_alloc(0)) == PADDR_NONE)
			panic("tlb-shootdown: no frames");
	if (map_round(0, 0) < 0)
		panic("tlb-shootdown: cannot map the page");
	hal_trap_set_fault_handler(on_fault);
	rc = run(ncpus);
	as_init(); /* addr-space's fault handler back */
	as_destroy(space);
	for (unsigned r = 0; r <= ROUNDS; r++)
		page_free(frames[r], 0);
	kprintf("tlb-shootdown: done\n");
	return rc;
}
