/*
 * The calling CPU: its id, its interrupt enable, and waiting for interrupts.
 * "Interrupts" are whatever asynchronous events the architecture delivers,
 * masked by its interrupt enable; on the host, the timer signal.
 *
 * Implemented by the architecture, inline, in <arch/cpu.h>
 * (arch/<arch>/include/arch/cpu.h): these are on every lock's path, so a
 * call would cost more than the work. Each may be called from any context
 * (task, interrupt handler, interrupts off) and never sleeps:
 *
 *   unsigned hal_cpu_id(void)
 *	Logical id of the calling CPU: 0 on the boot CPU, below
 *	hal_cpu_count() (hal/smp.h), so it indexes per-CPU arrays; one load
 *	(riscv64: from the hart's block in gp), constant 0 without
 *	CONFIG_SMP. Stable while the caller cannot migrate (interrupts or
 *	preemption off, or a task pinned to its CPU).
 *   unsigned long hal_cpu_hwid(void)
 *	Hardware id of the calling CPU, the one the firmware knows it by
 *	(riscv64: the hart id; any hart may be the boot CPU).
 *   void *hal_cpu_local(void), void hal_cpu_set_local(void *p)
 *	One pointer per CPU, NULL until set: the scheduler keeps the CPU's
 *	running task there (task_current() reads it inline on every mutex
 *	operation): O(1), without knowing the CPU's id. Set only by the CPU
 *	itself. Valid from the architecture's entry on (before any C code).
 *   unsigned long hal_irq_save(void)
 *	Disable interrupts on this CPU; returns the previous state for
 *	hal_irq_restore() (an opaque value: only pass it back).
 *   void hal_irq_restore(unsigned long flags)
 *	Back to the state hal_irq_save() returned; an interrupt that became
 *	pending meanwhile is taken now if that state was "enabled".
 *   void hal_irq_enable(void), void hal_irq_disable(void)
 *   bool hal_irq_enabled(void)
 *   void hal_cpu_wait(void)
 *	Sleep until an interrupt is pending (wfi). Returns after the interrupt
 *	has been handled if interrupts are enabled; with them disabled it
 *	still returns once one is pending, leaving it pending. (x86-64: hlt
 *	wakes only for an interrupt it may take, so with interrupts disabled
 *	it enables them for the hlt alone and the interrupt is handled before
 *	it returns; callers check their condition again either way.)
 *   void hal_cpu_relax(void)
 *	Spin-wait hint for busy loops.
 */
#ifndef HAL_CPU_H
#define HAL_CPU_H

#include <stdbool.h>
#include <arch/cpu.h>

#endif
