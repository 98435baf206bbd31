/*
 * x86-64's application processors, IPIs and remote TLB flushes (hal/smp.h,
 * hal/mmu.h) through the local APIC. The cross-CPU call bookkeeping is
 * arch/common/smp.c's.
 *
 * Starting a CPU (Intel SDM vol. 3, 9.4.4.1 and 11.6.1): INIT, 10 ms,
 * then a startup IPI naming the trampoline's page (trampoline.S), 200 us,
 * and a second one (a CPU already running ignores it). The CPUs are the
 * board's list (kit/board.h's board_cpu_hwids: ACPI's MADT on a PC), by
 * local APIC id; each one that comes up takes the next logical id, one at
 * a time, so the ids stay dense. It runs on a stack of
 * CONFIG_X86_64_BOOT_STACK_SIZE from page-alloc (no guard page under it:
 * those are task stacks' business) with its own data, GDT, TSS and double
 * fault stack (boot.c).
 *
 * An IPI is one fixed vector, VEC_IPI, edge-triggered: the local APIC
 * latches it in its request register until the CPU takes it, so there is
 * nothing to clear (arch_ipi_ack) and one raised while the handler runs
 * is taken again after its end of interrupt.
 *
 * Remote TLB flushes: a cross-CPU call that runs invlpg of the range (or
 * a CR3 write past CONFIG_X86_64_TLB_FLUSH_PAGES) on each CPU of the
 * space's set.
 */
#include <hal/memmap.h>
#include <hal/mmu.h>
#include <hal/smp.h>
#include <hal/time.h>
#include <kit/board.h>
#include <klib/errno.h>
#include <klib/log.h>
#include <klib/panic.h>
#include <klib/string.h>
#include <page-alloc/page_alloc.h>
#include "../common/smp.h"
#include "x86_64.h"

/* clang-format off */
#define COME_UP_NS  (10ull * 1000000000ull) /* how long a started CPU may take (guest time) */
#define ICR_INIT    0x00000500u
#define ICR_STARTUP 0x00000600u
#define ICR_ASSERT  0x00004000u /* "level": set for everything but an INIT de-assert */
/* clang-format on */

/*
 * What trampoline.S reads: the table to turn paging on with, the stack, the logical id, and the
 * kernel's table, taken before the stack: page-alloc may give the stack from RAM that only the
 * kernel's table maps (past X86_64_BOOT_MAP_TABLES, early.c).
 */
struct x86_64_ap_boot {
	uint64_t cr3;
	uint64_t stack;
	uint64_t cpu;
	uint64_t kernel_cr3;
};
_Static_assert(sizeof(struct x86_64_ap_boot) == 32, "trampoline.S's AP_BOOT_ offsets");

struct x86_64_ap_boot x86_64_ap_boot;
/* The boot table's kernel half, and the low GiB at 0 for the trampoline's own page. */
static uint64_t ap_pml4[512] __attribute__((aligned(4096)));
#ifdef CONFIG_X86_64_LA57
static uint64_t ap_pml5[512] __attribute__((aligned(4096)));
#define AP_ROOT ap_pml5
#else
#define AP_ROOT ap_pml4
#endif
static void (*secondary_main)(void);
static unsigned stack_order;

void x86_64_secondary_boot(unsigned long cpu);

/* First C code of an application processor, on its boot stack, interrupts off (trampoline.S). */
void x86_64_secondary_boot(unsigned long cpu)
{
	x86_64_cpu_setup((unsigned)cpu);
	x86_64_mmu_cpu_init();
	hal_stack_set_bottom(x86_64_ap_boot.stack - (PAGE_SIZE << stack_order));
	if (x86_64_apic_init() < 0)
		panic("smp: cpu %lu has no local APIC", cpu);
	x86_64_time_cpu_init();
	smp_cpu_online((unsigned)cpu);
	arch_ipi_send(HAL_CPU_BIT(0)); /* the boot CPU waits in hlt for this */
	secondary_main();
	panic("smp: the entry of cpu %lu returned", cpu);
}

void arch_ipi_ack(void)
{
}

void arch_ipi_send(hal_cpumask_t cpus)
{
	for (; cpus; cpus &= cpus - 1)
		x86_64_apic_send((uint32_t)x86_64_cpus[__builtin_ctzll(cpus)].apic_id,
		                 VEC_IPI | ICR_ASSERT);
}

/*
 * In a halt with interrupts off (arch/cpu.h) the calls run (they never
 * switch tasks) and the kick is held back: the scheduler's kick may switch.
 */
void x86_64_ipi_interrupt(void)
{
	if (!x86_64_cpu_self()->wait_irqoff)
		x86_64_cpu_self()->replaying &= (unsigned char)~X86_64_DEFER_KICK;
	smp_ipi_handle();
	if (x86_64_cpu_self()->wait_irqoff)
		x86_64_cpu_self()->deferred |= X86_64_DEFER_KICK;
	else
		smp_kick_handle();
}

/*
 * Raise again what a halt held back, to be taken once interrupts are on:
 * the timer by arming it for now, the kick by an IPI to this CPU.
 */
void x86_64_irq_replay(void)
{
	unsigned long flags;
	struct x86_64_cpu *c;
	unsigned char d;

	__asm__ __volatile__("pushfq\n\tpopq %0\n\tcli" : "=r"(flags) : : "memory");
	c = x86_64_cpu_self();
	d = c->deferred;
	c->deferred = 0;
	if (d & X86_64_DEFER_TIMER)
		x86_64_timer_refire();
	if (d & X86_64_DEFER_KICK)
		x86_64_apic_send((uint32_t)c->apic_id, VEC_IPI | ICR_ASSERT);
	if (flags & RFLAGS_IF)
		__asm__ __volatile__("sti" ::: "memory");
}

/*
 * The same from hal_irq_enable/hal_irq_restore (interrupts off): raise
 * again, enable, and wait until each raised one was taken (its handler
 * clears its bit; one that switches tasks does so first, and the task
 * that comes back here later finds its new CPU's bits clear).
 */
void x86_64_irq_replay_wait(void)
{
	struct x86_64_cpu *c = x86_64_cpu_self();
	unsigned char d = c->deferred, raised = 0;

	c->deferred = 0;
	if ((d & X86_64_DEFER_TIMER) && x86_64_timer_refire())
		raised |= X86_64_DEFER_TIMER;
	if (d & X86_64_DEFER_KICK) {
		raised |= X86_64_DEFER_KICK;
		x86_64_apic_send((uint32_t)c->apic_id, VEC_IPI | ICR_ASSERT);
	}
	c->replaying = raised;
	__asm__ __volatile__("sti" ::: "memory");
	while (__atomic_load_n(&x86_64_cpu_self()->replaying, __ATOMIC_RELAXED))
		hal_cpu_relax();
}

struct flush {
	unsigned asid;
	uintptr_t va;
	size_t len;
};

static void flush_here(void *arg)
{
	const struct flush *f = arg;

	hal_tlb_flush_range(f->asid, f->va, f->len);
}

void x86_64_flush_remote(hal_cpumask_t cpus, unsigned asid, uintptr_t va, size_t len)
{
	struct flush f = {asid, va, len};

	if (cpus)
		hal_cpu_call(cpus, flush_here, &f, true);
}

static void delay_us(unsigned us)
{
	uint64_t end = hal_time_ns() + us * 1000ull;

	while (hal_time_ns() < end)
		hal_cpu_relax();
}

/*
 * Wait for a started CPU to come online, in hlt rather than spinning:
 * under QEMU's single-threaded TCG a spinning CPU keeps the others from
 * running until its time slice ends. The CPU's IPI wakes this one, and the
 * timer at the deadline does in case it never comes.
 */
static int wait_online(unsigned cpu, uint32_t apic_id)
{
	uint64_t deadline = hal_time_ns() + COME_UP_NS;
	int rc = 0;

	hal_timer_arm(deadline);
	while (!(hal_cpu_online_mask() & HAL_CPU_BIT(cpu))) {
		if (hal_time_ns() >= deadline) {
			/* Its stack stays allocated: the CPU may still come up and use it. */
			klog_err("smp", "the cpu with APIC id %u was started but did not come up",
			         apic_id);
			rc = -ETIMEDOUT;
			break;
		}
		hal_cpu_wait();
	}
	hal_timer_cancel();
	return rc;
}

/* Start the CPU whose local APIC id is apic_id as logical CPU 'cpu' and wait until it is online. */
static int start_cpu(unsigned cpu, uint32_t apic_id)
{
	paddr_t stack = page_alloc(stack_order);
	uint32_t vector = (uint32_t)(X86_64_TRAMPOLINE_PA >> 12);

	if (!stack)
		return -ENOMEM;
	x86_64_ap_boot.cr3 = hal_virt_to_phys(AP_ROOT);
	x86_64_ap_boot.stack = (uintptr_t)page_to_virt(stack) + (PAGE_SIZE << stack_order);
	x86_64_ap_boot.cpu = cpu;
	x86_64_ap_boot.kernel_cr3 = x86_64_mmu_kernel_cr3();
	/* The CPU reads the block with its caches coherent but from another core: stores first. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	x86_64_apic_send(apic_id, ICR_INIT | ICR_ASSERT);
	delay_us(10000);
	for (int i = 0; i < 2; i++) {
		x86_64_apic_send(apic_id, ICR_STARTUP | ICR_ASSERT | vector);
		delay_us(200);
		if (hal_cpu_online_mask() & HAL_CPU_BIT(cpu))
			break;
	}
	return wait_online(cpu, apic_id);
}

int hal_smp_start(void (*entry)(void))
{
	uint64_t ids[HAL_NR_CPUS];
	unsigned long self = hal_cpu_hwid();
	unsigned n, have, cpu = 1;

	while ((PAGE_SIZE << stack_order) < CONFIG_X86_64_BOOT_STACK_SIZE)
		stack_order++;
	secondary_main = entry;
	memcpy(ap_pml4, x86_64_boot_pml4, sizeof(ap_pml4));
	ap_pml4[0] = ap_pml4[256]; /* the direct map's low GiB, at 0 too */
#ifdef CONFIG_X86_64_LA57
	/* 5-level: the same PML4 as the low half's first 2^48 bytes and the kernel's last. */
	ap_pml5[0] = ap_pml5[511] = hal_virt_to_phys(ap_pml4) | 3; /* present, writable */
#endif
	n = board_cpu_hwids(ids, HAL_NR_CPUS);
	have = n < HAL_NR_CPUS ? n : HAL_NR_CPUS;
	for (unsigned i = 0; i < have && cpu < HAL_NR_CPUS; i++) {
		int rc;

		if (ids[i] == self)
			continue;
		rc = start_cpu(cpu, (uint32_t)ids[i]);
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
