/*
 * aarch64's secondary CPUs and IPIs (hal/smp.h): PSCI CPU_ON starts a CPU,
 * an SGI of the board's GIC (arch/board.h: GICv2's GICD_SGIR or GICv3's
 * ICC_SGI1R_EL1) interrupts one. The cross-CPU call bookkeeping is
 * arch/common/smp.c's. Remote TLB flushes need no IPI: mmu.c broadcasts
 * them with the inner-shareable tlbi forms.
 *
 * Logical ids: the boot CPU is CPU 0 (boot.c); the other CPUs of the
 * device tree's /cpus (kit/board.h's board_cpu_hwids: their MPIDR
 * affinity) get 1, 2, ... as each comes up, one at a time, so the ids stay
 * dense. A CPU runs on its struct aarch64_cpu (TPIDR_EL1), a stack of
 * CONFIG_AARCH64_BOOT_STACK_SIZE from page-alloc (no guard page under it:
 * those are task stacks' business, arch/common/kstack.c) and its own
 * emergency stack (boot.c).
 *
 * An IPI is SGI AARCH64_IPI_SGI. The GIC marks it pending on the target
 * until the target acknowledges it; arch_ipi_ack() clears the pending
 * state of a CPU that looks for its calls without taking the interrupt
 * (arch/common/smp.c's waiting loop), so that its wfi sleeps.
 */
#include <arch/board.h>
#include <arch/psci.h>
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
#include "aarch64.h"

/* The SGI that carries IPIs (0-15; Linux's numbers mean nothing here: one is enough). */
#define AARCH64_IPI_SGI 1

/* How long a started CPU may take to reach aarch64_secondary_boot (guest time). */
#define COME_UP_NS (10ull * 1000000000ull)

static void (*secondary_main)(void);
static unsigned stack_order;

void aarch64_secondary_entry(uint64_t block_pa); /* start.S */
void aarch64_secondary_boot(void);

/* First C code of a secondary CPU, on its boot stack, interrupts masked (start.S). */
void aarch64_secondary_boot(void)
{
	struct aarch64_cpu *c = aarch64_cpu_self();

	/* No user half: the identity map was for the jump only. Its entries are global (early.c),
	 * which no switch drops: flush them before user spaces can meet them. */
	hal_mmu_switch(0, 0);
	hal_mmu_flush_all();
	hal_stack_set_bottom(c->boot_sp - (PAGE_SIZE << stack_order));
	sysreg_write(cntv_ctl_el0, 0); /* whatever the firmware left: no timer until asked */
	if (aarch64_irq_cpu_init() < 0)
		panic("smp: cpu %lu (mpidr 0x%lx) has no interface in the GIC", c->cpu, c->mpidr);
	smp_cpu_online((unsigned)c->cpu);
	arch_ipi_send(HAL_CPU_BIT(0)); /* the boot CPU waits in wfi for this */
	secondary_main();
	panic("smp: the entry of cpu %lu returned", c->cpu);
}

void arch_ipi_ack(void)
{
	aarch64_sgi_clear(AARCH64_IPI_SGI);
}

void arch_ipi_send(hal_cpumask_t cpus)
{
	aarch64_sgi_send(AARCH64_IPI_SGI, cpus);
}

/* The SGI's handler: acknowledged and ended already (irq.c), interrupts masked. */
static void ipi_interrupt(void)
{
	arch_ipi_ack();
	smp_ipi_handle();
	smp_kick_handle();
}

/* Clean [p, p + len) from the data cache to the point of coherency: a CPU with its caches off
 * reads memory. */
static void dcache_clean(const void *p, size_t len)
{
	uintptr_t line = 4u << (sysreg_read(ctr_el0) >> 16 & 0xf); /* DminLine, in words */
	uintptr_t a = (uintptr_t)p & ~(line - 1), end = (uintptr_t)p + len;

	for (; a < end; a += line)
		__asm__ __volatile__("dc cvac, %0" ::"r"(a) : "memory");
	__asm__ __volatile__("dsb sy" ::: "memory");
}

/*
 * Wait for a started CPU to come online. In wfi, not spinning: under
 * QEMU's single-threaded TCG (-icount) a spinning CPU keeps the others
 * from running until its time slice ends. The CPU's IPI wakes this one,
 * and the timer at the deadline does in case it never comes (interrupts
 * are masked: both just stay pending; the IPI is cleared here, the timer
 * by hal_timer_cancel()). Nothing else sends this CPU IPIs yet, so
 * clearing the SGI loses nothing.
 */
static int wait_online(unsigned cpu, uint64_t mpidr)
{
	uint64_t deadline = hal_time_ns() + COME_UP_NS;
	int rc = 0;

	hal_timer_arm(deadline);
	for (;;) {
		arch_ipi_ack();
		if (hal_cpu_online_mask() & HAL_CPU_BIT(cpu))
			break;
		if (hal_time_ns() >= deadline) {
			/* Its stack stays allocated: the CPU may still come up and use it. */
			klog_err("smp", "cpu 0x%llx was started but did not come up",
			         (unsigned long long)mpidr);
			rc = -ETIMEDOUT;
			break;
		}
		hal_cpu_wait();
	}
	hal_timer_cancel();
	return rc;
}

/* Start the CPU whose affinity is mpidr as logical CPU 'cpu' and wait until it is online. */
static int start_cpu(unsigned cpu, uint64_t mpidr)
{
	struct aarch64_cpu *c = &aarch64_cpus[cpu];
	paddr_t stack = page_alloc(stack_order);
	long r;

	if (!stack)
		return -ENOMEM;
	c->mpidr = mpidr;
	c->cpu = cpu;
	c->overflow_top = (unsigned long)(aarch64_overflow_stack[cpu] +
	                                  (CONFIG_AARCH64_OVERFLOW_STACK_SIZE & ~15ul));
	c->boot_sp = (unsigned long)page_to_virt(stack) + (PAGE_SIZE << stack_order);
	/* The CPU reads the roots with its caches off (start.S); its block only with them on. */
	dcache_clean(&aarch64_boot_ttbr0, sizeof(aarch64_boot_ttbr0));
	dcache_clean(&aarch64_kernel_ttbr1, sizeof(aarch64_kernel_ttbr1));
	dcache_clean(&aarch64_kernel_offset, sizeof(aarch64_kernel_offset));
	dcache_clean(c, sizeof(*c));
	r = aarch64_psci_cpu_on(mpidr,
	                        hal_virt_to_phys((const void *)(uintptr_t)aarch64_secondary_entry),
	                        hal_virt_to_phys(c));
	if (r != PSCI_SUCCESS) {
		page_free(stack, stack_order);
		klog_warn("smp", "cpu 0x%llx could not be started (PSCI error %ld)",
		          (unsigned long long)mpidr, r);
		return -EIO;
	}
	return wait_online(cpu, mpidr);
}

int hal_smp_start(void (*entry)(void))
{
	uint64_t ids[HAL_NR_CPUS];
	uint64_t self = aarch64_cpus[0].mpidr;
	unsigned n, have, cpu = 1;
	int rc;

	while ((PAGE_SIZE << stack_order) < CONFIG_AARCH64_BOOT_STACK_SIZE)
		stack_order++;
	/* The boot CPU takes IPIs too; every secondary lets it through at its aarch64_irq_cpu_init.
	 */
	if ((rc = aarch64_irq_attach(AARCH64_IPI_SGI, ipi_interrupt)) < 0) {
		klog_warn("smp", "the GIC will not take SGI %d (%d): one cpu", AARCH64_IPI_SGI, rc);
		return 1;
	}
	if (aarch64_psci_conduit() == PSCI_CONDUIT_NONE) {
		klog_warn("smp", "no PSCI to start cpus with: one cpu");
		return 1;
	}
	secondary_main = entry;
	n = board_cpu_hwids(ids, HAL_NR_CPUS);
	have = n < HAL_NR_CPUS ? n : HAL_NR_CPUS;
	for (unsigned i = 0; i < have && cpu < HAL_NR_CPUS; i++) {
		if ((ids[i] & AARCH64_MPIDR_AFFINITY) == self)
			continue;
		rc = start_cpu(cpu, ids[i] & AARCH64_MPIDR_AFFINITY);
		if (rc == -ENOMEM && cpu == 1)
			return -ENOMEM;
		if (rc == -ENOMEM || rc == -ETIMEDOUT)
			break;
		if (rc == 0)
			cpu++;
	}
	if (n > HAL_NR_CPUS)
		klog_info("smp", "the machine has %u cpus; CONFIG_NR_CPUS=%d: %d of them are used",
		          n, HAL_NR_CPUS, HAL_NR_CPUS);
	return (int)hal_cpu_count();
}
