/*
 * riscv64's secondary harts, IPIs and remote fences (hal/smp.h, hal/mmu.h)
 * through SBI: HSM hart_start, IPI send_ipi, RFENCE remote_sfence_vma. The
 * cross-CPU call bookkeeping is arch/common/smp.c's.
 *
 * Logical ids: the boot hart is CPU 0 (boot.c); the other harts of the
 * device tree's /cpus (kit/board.h's board_cpu_hwids) get 1, 2, ... as
 * each comes up, one at a time, so the ids stay dense. A hart runs on its
 * struct riscv_hart (gp), a stack of CONFIG_RISCV_BOOT_STACK_SIZE from
 * page-alloc (no guard page under it: those are task stacks' business,
 * arch/common/kstack.c) and its own emergency stack (boot.c).
 *
 * Remote TLB flushes: SBI RFENCE (CONFIG_RISCV_SBI_RFENCE), else a
 * cross-CPU call of sfence.vma.
 *
 * An IPI is the supervisor software interrupt: SBI's send_ipi sets sip.SSIP
 * on the targets; the handler clears it before it looks for work, so an IPI
 * raised while it runs is taken again rather than lost.
 */
#include <arch/sbi.h>
#include <hal/memmap.h>
#include <hal/mmu.h>
#include <hal/smp.h>
#include <hal/time.h>
#include <kit/board.h>
#include <klib/errno.h>
#include <klib/log.h>
#include <klib/panic.h>
#include <page-alloc/page_alloc.h>
#include "../common/smp.h"
#include "riscv.h"

/* How long a started hart may take to reach riscv_secondary_boot (guest time). */
#define COME_UP_NS (10ull * 1000000000ull)

static void (*secondary_main)(void);
static bool have_rfence;
static unsigned stack_order;

void riscv_secondary_entry(unsigned long hartid, unsigned long opaque); /* start.S */
void riscv_secondary_boot(void);

/* First C code of a secondary hart, on its boot stack, interrupts off (start.S). */
void riscv_secondary_boot(void)
{
	struct riscv_hart *h = riscv_hart_self();

	hal_stack_set_bottom(h->boot_sp - (PAGE_SIZE << stack_order));
	csr_set(sie, SIE_SSIE);
	smp_cpu_online((unsigned)h->cpu);
	arch_ipi_send(HAL_CPU_BIT(0)); /* the boot CPU waits in wfi for this */
	secondary_main();
	panic("smp: the entry of cpu %lu returned", h->cpu);
}

void arch_ipi_ack(void)
{
	csr_clear(sip, SIP_SSIP);
}

void riscv_ipi_interrupt(void)
{
	arch_ipi_ack();
	smp_ipi_handle();
	smp_kick_handle();
}

/*
 * Call fn for cpus as SBI hart masks: windows of 64 hart ids, each with its
 * base (hart ids need not be dense or small).
 */
static void for_hart_windows(hal_cpumask_t cpus, void (*fn)(unsigned long, unsigned long, void *),
                             void *ctx)
{
	unsigned long base = 0, mask = 0;

	for (; cpus; cpus &= cpus - 1) {
		unsigned long id = riscv_harts[__builtin_ctzll(cpus)].hartid;

		if (mask && (id < base || id - base >= 64)) {
			fn(mask, base, ctx);
			mask = 0;
		}
		if (!mask)
			base = id;
		mask |= 1ul << (id - base);
	}
	if (mask)
		fn(mask, base, ctx);
}

static void ipi_window(unsigned long mask, unsigned long base, void *ctx)
{
	(void)ctx;
	sbi_send_ipi(mask, base);
}

void arch_ipi_send(hal_cpumask_t cpus)
{
	for_hart_windows(cpus, ipi_window, NULL);
}

struct fence {
	unsigned asid;
	uintptr_t va;
	size_t len;
};

static void fence_window(unsigned long mask, unsigned long base, void *ctx)
{
	const struct fence *f = ctx;
	bool all = f->len / PAGE_SIZE > CONFIG_RISCV_TLB_FLUSH_PAGES;

	/* size ~0: the whole address space (the SBI specification's "full flush"). */
	sbi_remote_sfence_vma(mask, base, all ? 0 : f->va, all ? ~0ul : f->len,
	                      f->asid == HAL_TLB_ANY_ASID ? ~0ul : f->asid);
}

static void fence_here(void *arg)
{
	const struct fence *f = arg;

	hal_tlb_flush_range(f->asid, f->va, f->len);
}

void riscv_flush_remote(hal_cpumask_t cpus, unsigned asid, uintptr_t va, size_t len)
{
	struct fence f = {asid, va, len};

	if (!cpus)
		return;
	if (have_rfence)
		for_hart_windows(cpus, fence_window, &f);
	else
		hal_cpu_call(cpus, fence_here, &f, true);
}

/*
 * Wait for a started hart to come online. In wfi, not spinning: under
 * QEMU's single-threaded TCG (-icount) a spinning hart keeps the others
 * from running until its time slice ends (about 80 ms of guest time per
 * hart). The hart's IPI wakes this one, and the timer at the deadline does
 * in case it never comes (interrupts are off: both just stay pending,
 * the IPI is cleared here, the timer by hal_timer_cancel()). Nothing else
 * sends this CPU IPIs yet, so clearing sip.SSIP loses nothing.
 */
static int wait_online(unsigned cpu, unsigned long hartid)
{
	uint64_t deadline = hal_time_ns() + COME_UP_NS;
	int rc = 0;

	hal_timer_arm(deadline);
	for (;;) {
		arch_ipi_ack();
		if (hal_cpu_online_mask() & HAL_CPU_BIT(cpu))
			break;
		if (hal_time_ns() >= deadline) {
			/* Its stack stays allocated: the hart may still come up and use it. */
			klog_err("smp", "hart %lu was started but did not come up", hartid);
			rc = -ETIMEDOUT;
			break;
		}
		hal_cpu_wait();
	}
	hal_timer_cancel();
	return rc;
}

/* Start one hart as logical CPU 'cpu' and wait until it is online. */
static int start_hart(unsigned cpu, unsigned long hartid)
{
	struct riscv_hart *h = &riscv_harts[cpu];
	paddr_t stack = page_alloc(stack_order);
	struct sbiret r;

	if (!stack)
		return -ENOMEM;
	h->hartid = hartid;
	h->cpu = cpu;
	h->overflow_top =
	    (unsigned long)(riscv_overflow_stack[cpu] + CONFIG_RISCV_OVERFLOW_STACK_SIZE);
	h->boot_sp = (unsigned long)page_to_virt(stack) + (PAGE_SIZE << stack_order);
	/* The hart reads its block with translation off: the stores must be in memory first. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	r = sbi_hart_start(hartid, hal_virt_to_phys((const void *)(uintptr_t)riscv_secondary_entry),
	                   hal_virt_to_phys(h));
	if (r.error) {
		page_free(stack, stack_order);
		klog_warn("smp", "hart %lu could not be started (SBI error %ld)", hartid, r.error);
		return -EIO;
	}
	return wait_online(cpu, hartid);
}

int hal_smp_start(void (*entry)(void))
{
	uint64_t ids[HAL_NR_CPUS];
	unsigned long self = hal_cpu_hwid();
	unsigned n, have, cpu = 1;

	while ((PAGE_SIZE << stack_order) < CONFIG_RISCV_BOOT_STACK_SIZE)
		stack_order++;
	csr_set(sie, SIE_SSIE); /* the boot hart takes IPIs too */
	if (!sbi_probe(SBI_EXT_HSM) || !sbi_probe(SBI_EXT_IPI)) {
		klog_warn("smp", "the firmware cannot start harts (no SBI HSM or IPI): one cpu");
		return 1;
	}
#ifdef CONFIG_RISCV_SBI_RFENCE
	have_rfence = sbi_probe(SBI_EXT_RFENCE);
#endif
	secondary_main = entry;
	n = board_cpu_hwids(ids, HAL_NR_CPUS);
	have = n < HAL_NR_CPUS ? n : HAL_NR_CPUS;
	for (unsigned i = 0; i < have && cpu < HAL_NR_CPUS; i++) {
		int rc;

		if (ids[i] == self)
			continue;
		rc = start_hart(cpu, ids[i]);
		if (rc == -ENOMEM && cpu == 1)
			return -ENOMEM;
		if (rc == -ENOMEM || rc == -ETIMEDOUT)
			break;
		if (rc == 0)
			cpu++;
	}
	if (n > HAL_NR_CPUS)
		klog_info("smp", "the machine has %u harts; CONFIG_NR_CPUS=%d: %d of them are used",
		          n, HAL_NR_CPUS, HAL_NR_CPUS);
	return (int)hal_cpu_count();
}
