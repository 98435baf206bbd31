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
 *	Hardware id of the calling CPU (the id the firmware knows it by; any
 *	CPU may be the boot CPU). Stable while the caller cannot migrate.
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
 *	still returns once one is pending, leaving it pending.
 *   void hal_cpu_relax(void)
 *	Spin-wait hint for busy loops.
 */
#ifndef HAL_CPU_H
#define HAL_CPU_H

#include <stdbool.h>
#include <arch/cpu.h>

#endif
