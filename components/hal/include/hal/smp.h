/*
 * More than one CPU (CONFIG_SMP): which CPUs run, starting them, and making
 * another CPU do something (an IPI, a cross-CPU call). The calling CPU's id
 * and its per-CPU pointer are in hal/cpu.h; remote TLB invalidation is in
 * hal/mmu.h.
 *
 * CPU ids are logical: 0 is the boot CPU, the others are numbered in the
 * order they came up, densely, below hal_cpu_count(); an array of
 * HAL_NR_CPUS entries indexed by hal_cpu_id() is per-CPU data. The id the
 * firmware knows a CPU by (the riscv64 hart id) is hal_cpu_hwid().
 *
 * With CONFIG_SMP off everything here is an inline constant (one CPU,
 * id 0), so callers need no #ifdef and the image carries none of it.
 * Implemented by the architecture (riscv64: arch/riscv64/smp.c over SBI;
 * aarch64: arch/aarch64/smp.c over PSCI and the GIC's SGIs; x86-64:
 * arch/x86_64/smp.c over the local APIC; the call and IPI bookkeeping
 * every architecture shares: arch/common/smp.c; the host:
 * arch/host/smp.c, CPUs as threads).
 */
#ifndef HAL_SMP_H
#define HAL_SMP_H

#include <stdbool.h>
#include <stdint.h>
#include <hal/cpu.h>
#include <klib/errno.h>

#ifdef CONFIG_SMP
#define HAL_NR_CPUS CONFIG_NR_CPUS
#else
#define HAL_NR_CPUS 1
#endif

/* A set of CPUs by logical id: bit i is CPU i (CONFIG_NR_CPUS is at most 64). */
typedef uint64_t hal_cpumask_t;

#define HAL_CPU_BIT(cpu) ((hal_cpumask_t)1 << (cpu))

/* Runs on a target CPU: interrupts off, in interrupt context; must not sleep. */
typedef void (*hal_cpu_fn)(void *arg);

#ifdef CONFIG_SMP
/*
 * CPUs online (started and serving IPIs), and their set. Starts at 1 (the
 * boot CPU) and only grows, during hal_smp_start(). Any context.
 */
unsigned hal_cpu_count(void);
hal_cpumask_t hal_cpu_online_mask(void);

/*
 * Start every other CPU the machine has (riscv64, aarch64: the device
 * tree's /cpus; x86-64: ACPI's MADT; at most CONFIG_NR_CPUS). Each one comes up on its own stack
 * with the kernel's page table and trap vector, interrupts off, takes the next logical id, enables
 * its IPI and calls entry(), which must not return (an idle loop that serves IPIs: hal_irq_enable()
 * then hal_cpu_wait()). A CPU the firmware cannot start, or that does not come up, is reported and
 * left out; so are CPUs beyond CONFIG_NR_CPUS. Returns how many CPUs are online (1 when the
 * firmware cannot start harts), or -ENOMEM when no stack could be had for the first one that needed
 * it.
 *
 * Called once, by kit_start() on the boot CPU, after page_alloc_init()
 * and hal_mmu_init() (the others use the kernel's final table) and before
 * tasks; task context, may not be called from interrupt handlers; sleeps
 * not (it spins while a CPU comes up).
 */
int hal_smp_start(void (*entry)(void));

/*
 * Run fn(arg) on every CPU in cpus, the calling one included if it is in
 * the set (directly, interrupts off). wait: return once every target has
 * returned from fn; otherwise return once the targets have been
 * interrupted, and arg must stay valid until fn has run everywhere (a
 * later call from this CPU waits for it first).
 *
 * fn runs with interrupts off in interrupt context on each target: it must
 * not sleep, take a lock that the caller may hold while calling, or make a
 * cross-CPU call itself; it may take raw hal spinlocks. It must not switch
 * tasks either (the caller's waiting loop runs calls outside an interrupt):
 * rescheduling is the kick handler's business.
 *
 * Returns 0, or -EINVAL if fn is NULL or cpus names a CPU that is not
 * online (nothing runs then). Task context or interrupts off, not from an
 * interrupt handler or fn itself; never sleeps. While it waits it runs the
 * calls other CPUs make to this one, so two CPUs calling each other with
 * interrupts off do not deadlock. A target that spins with interrupts off
 * takes no call, though: waiting (wait, or a second call) while holding a
 * spinlock that a target may be spinning on with interrupts off
 * deadlocks. Hold no such lock, or make its waiters take interrupts.
 */
int hal_cpu_call(hal_cpumask_t cpus, hal_cpu_fn fn, void *arg, bool wait);

/*
 * Interrupt the CPUs in cpus (other than the calling one, and online):
 * each returns from hal_cpu_wait() (wfi) as soon as it can take the
 * interrupt. Nothing else happens on them: what they should do next they
 * read from memory the caller wrote before the kick. A kick that reaches a
 * CPU while it is awake may be absorbed (a CPU waiting in hal_cpu_call
 * clears its IPI): kick after writing, and read before waiting. Any
 * context.
 */
void hal_cpu_kick(hal_cpumask_t cpus);

/*
 * fn() runs on a CPU at the end of each IPI it takes, after the cross-CPU
 * calls, as the interrupt's last act: in interrupt context, interrupts
 * off, and it may switch tasks there (the interrupted flow resumes inside
 * it later, as from the timer interrupt). Not called when a CPU waiting in
 * hal_cpu_call() runs the calls made to it. One handler for every CPU
 * (the scheduler's reschedule IPI, which reads from memory what to do);
 * NULL: none. Set it once, before the CPUs kick each other. Any context.
 *
 * What an architecture provides for all of hal/smp.h: a way to start a
 * CPU at an address with an argument (riscv64: SBI HSM hart_start; aarch64:
 * PSCI CPU_ON; x86-64: INIT-SIPI-SIPI into a trampoline below 1 MiB), and
 * one software interrupt per CPU that another CPU can raise and the target
 * can clear (riscv64: SBI send_ipi and sip.SSIP; aarch64: an SGI from the
 * GIC; x86-64: a fixed IPI vector, latched by the local APIC) whose handler calls
 * arch/common/smp.c's smp_ipi_handle() then smp_kick_handle().
 */
void hal_cpu_set_kick_handler(void (*fn)(void));
#else
static inline unsigned hal_cpu_count(void)
{
	return 1;
}

static inline hal_cpumask_t hal_cpu_online_mask(void)
{
	return 1;
}

static inline int hal_cpu_call(hal_cpumask_t cpus, hal_cpu_fn fn, void *arg, bool wait)
{
	unsigned long flags;

	(void)wait;
	if (!fn || (cpus & ~(hal_cpumask_t)1))
		return -EINVAL;
	if (cpus) {
		flags = hal_irq_save();
		fn(arg);
		hal_irq_restore(flags);
	}
	return 0;
}

static inline void hal_cpu_kick(hal_cpumask_t cpus)
{
	(void)cpus;
}
#endif

#endif
