/*
 * smp-test (a boot test, not a demo): every CPU the machine has must come
 * up, answer cross-CPU calls (waited for, not waited for, to one CPU and to
 * all), and stop using a translation once another CPU has flushed it
 * remotely. tests/boot boots it at 1, 2, 4 and 8 harts and checks the
 * count it prints against QEMU's -smp; any wrong answer prints FAILED and
 * fails the run.
 *
 * The TLB check: a page of the kernel's table that nothing else uses (test_va)
 * is read on every CPU, so each caches its translation; the boot CPU
 * then points it at another frame (paging flushes the boot CPU's TLB only)
 * and flushes the others with hal_mmu_flush_range_cpus; every CPU must then
 * read the new frame. Without the remote flush QEMU's harts keep reading
 * the old one (the run prints how many still did before the flush).
 */
#include <hal/cpu.h>
#include <hal/mmu.h>
#include <hal/smp.h>
#include <kit/kit.h>
#include <klib/errno.h>
#include <klib/printf.h>
#include <page-alloc/page_alloc.h>
#include <paging/paging.h>

/*
 * Where one root translates both halves (riscv64), the kernel's table has
 * no user half of its own and this image runs no user code: a user-half
 * address. Where the kernel has a root of its own (aarch64's TTBR1, the
 * top 2^48 bytes), one in the kernel half below every window the kernel
 * maps (arch/memory.h's: the highest is the image's last GiB).
 */
#define TEST_VA_LOW  0x10000000ul
#define TEST_VA_HIGH 0xffffff0000000000ul
static uintptr_t test_va;

static struct answer {
	unsigned long calls; /* how many times fn ran on this CPU */
	unsigned long cpu;   /* hal_cpu_id() as the CPU itself saw it */
	unsigned long hwid;
	uint64_t seen; /* what it read at test_va */
} answers[HAL_NR_CPUS];

static int failures;

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			kprintf("smp-test: FAILED: " __VA_ARGS__);                                 \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

static void answer(void *arg)
{
	struct answer *a = &answers[hal_cpu_id()];

	(void)arg;
	a->cpu = hal_cpu_id();
	a->hwid = hal_cpu_hwid();
	__atomic_fetch_add(&a->calls, 1, __ATOMIC_RELEASE);
}

static void nothing(void *arg)
{
	(void)arg;
}

static void read_page(void *arg)
{
	(void)arg;
	answers[hal_cpu_id()].seen = *(volatile uint64_t *)test_va;
}

static void reset(void)
{
	for (unsigned i = 0; i < HAL_NR_CPUS; i++)
		answers[i] = (struct answer){0};
}

/* How many CPUs have run answer() 'want' times, each with its own id. */
static unsigned answered(unsigned long want)
{
	unsigned n = 0;

	for (unsigned i = 0; i < hal_cpu_count(); i++)
		n += __atomic_load_n(&answers[i].calls, __ATOMIC_ACQUIRE) == want &&
		     answers[i].cpu == i;
	return n;
}

static void check_calls(hal_cpumask_t all, unsigned ncpus)
{
	int rc;

	reset();
	rc = hal_cpu_call(all, answer, NULL, true);
	CHECK(rc == 0, "hal_cpu_call(all, wait) returned %d\n", rc);
	kprintf("smp-test: cross-call (wait) answered by %u cpus\n", answered(1));
	for (unsigned i = 0; i < ncpus; i++) {
		kprintf("smp-test: cpu %u is hart %lu\n", i, answers[i].hwid);
		for (unsigned j = 0; j < i; j++)
			CHECK(answers[i].hwid != answers[j].hwid,
			      "cpus %u and %u are both hart %lu\n", j, i, answers[i].hwid);
	}

	/*
	 * Not waited for: this CPU goes on, the others answer when they take the
	 * IPI. The next call from this CPU waits for this one first (one call
	 * slot per CPU), so after a waited call that does nothing, all answered.
	 * (Spinning here instead would hold up the others under -icount.)
	 */
	rc = hal_cpu_call(all, answer, NULL, false);
	CHECK(rc == 0, "hal_cpu_call(all, no wait) returned %d\n", rc);
	CHECK(hal_cpu_call(all & ~HAL_CPU_BIT(0), nothing, NULL, true) == 0,
	      "call to the others\n");
	kprintf("smp-test: cross-call (no wait) answered by %u cpus\n", answered(2));

	/* One CPU at a time: only the one asked answers. */
	reset();
	for (unsigned i = 0; i < ncpus; i++) {
		CHECK(hal_cpu_call(HAL_CPU_BIT(i), answer, NULL, true) == 0, "call to cpu %u\n", i);
		for (unsigned j = 0; j < ncpus; j++)
			CHECK(answers[j].calls == (j <= i),
			      "after the call to cpu %u, cpu %u ran %lu calls\n", i, j,
			      answers[j].calls);
	}
	kprintf("smp-test: cross-call to each cpu alone: answered by %u cpus\n", answered(1));

	if (ncpus < 64) {
		rc = hal_cpu_call(HAL_CPU_BIT(ncpus), answer, NULL, true);
		kprintf("smp-test: a call to cpu %u (not online): %d (%s)\n", ncpus, rc,
		        kstrerrorname(rc));
	}
}

/* Every CPU reads test_va; how many saw 'want'. */
static unsigned read_everywhere(hal_cpumask_t all, uint64_t want)
{
	unsigned n = 0;

	CHECK(hal_cpu_call(all, read_page, NULL, true) == 0, "hal_cpu_call(read_page)\n");
	for (unsigned i = 0; i < hal_cpu_count(); i++)
		n += answers[i].seen == want;
	return n;
}

/* Point test_va at frame, remotely flush it (asid: HAL_TLB_ANY_ASID or the kernel's 0). */
static void repoint(hal_cpumask_t all, paddr_t frame, unsigned asid, uint64_t want,
                    const char *what)
{
	unsigned stale, fresh;
	int rc;

	rc = pt_map(pt_kernel(), test_va, frame, PAGE_SIZE, PT_READ | PT_WRITE, PT_MAP_REPLACE);
	CHECK(rc == 0, "pt_map (replace): %d\n", rc);
	stale = hal_cpu_count() - read_everywhere(all, want);
	hal_mmu_flush_range_cpus(all, asid, test_va, PAGE_SIZE);
	fresh = read_everywhere(all, want);
	kprintf("smp-test: remote TLB flush (%s): %u cpus see the new page "
	        "(%u still saw the old one before)\n",
	        what, fresh, stale);
	CHECK(fresh == hal_cpu_count(), "%u of %u cpus read a stale page after the flush\n",
	      hal_cpu_count() - fresh, hal_cpu_count());
}

static void check_tlb(hal_cpumask_t all)
{
	size_t free_before = page_free_count(), tables_before = pt_table_pages(pt_kernel());
	paddr_t f[3] = {page_alloc(0), page_alloc(0), page_alloc(0)};
	int rc;

	if (!f[0] || !f[1] || !f[2]) {
		CHECK(0, "no frames for the TLB check\n");
		return;
	}
	for (int i = 0; i < 3; i++)
		*(volatile uint64_t *)page_to_virt(f[i]) = 0x5eed0000u + (unsigned)i;
	test_va = pt_format_user(pt_format(pt_kernel())) == pt_format(pt_kernel()) ? TEST_VA_LOW
	                                                                           : TEST_VA_HIGH;
	rc = pt_map(pt_kernel(), test_va, f[0], PAGE_SIZE, PT_READ | PT_WRITE, 0);
	CHECK(rc == 0, "pt_map: %d\n", rc);
	kprintf("smp-test: %u cpus read the first page\n", read_everywhere(all, 0x5eed0000u));
	repoint(all, f[1], HAL_TLB_ANY_ASID, 0x5eed0001u, "every asid");
	repoint(all, f[2], 0, 0x5eed0002u, "asid 0");
	rc = pt_unmap(pt_kernel(), test_va, PAGE_SIZE, NULL, NULL);
	CHECK(rc == 0, "pt_unmap: %d\n", rc);
	hal_mmu_flush_range_cpus(all, HAL_TLB_ANY_ASID, test_va, PAGE_SIZE);
	for (int i = 0; i < 3; i++)
		page_free(f[i], 0);
	/* The kernel keeps a table under each root entry it has used (every space shares them). */
	CHECK(page_free_count() + (pt_table_pages(pt_kernel()) - tables_before) == free_before,
	      "frames: %zu free and %zu more table pages, %zu free before\n", page_free_count(),
	      pt_table_pages(pt_kernel()) - tables_before, free_before);
}

int app_main(void)
{
	unsigned ncpus = hal_cpu_count();
	hal_cpumask_t all = hal_cpu_online_mask();

	kprintf("smp-test: %u cpus online, mask 0x%lx, on cpu %u (hart %lu)\n", ncpus,
	        (unsigned long)all, hal_cpu_id(), hal_cpu_hwid());
	CHECK(hal_cpu_id() == 0, "app_main runs on cpu %u, not the boot cpu 0\n", hal_cpu_id());
	CHECK(all == (ncpus == 64 ? ~(hal_cpumask_t)0 : HAL_CPU_BIT(ncpus) - 1),
	      "the online ids are not dense: mask 0x%lx for %u cpus\n", (unsigned long)all, ncpus);
	check_calls(all, ncpus);
	check_tlb(all);
	if (failures) {
		kprintf("smp-test: %d checks FAILED\n", failures);
		return 1;
	}
	kprintf("smp-test: done\n");
	return 0;
}
