/*
 * The calling CPU: its id, its interrupt enable, and waiting for interrupts.
 * "Interrupts" are whatever asynchronous events the platform delivers: on
 * riscv64 the supervisor interrupt enable; on the host, blocked signals.
 */
#ifndef HAL_CPU_H
#define HAL_CPU_H

#include <stdbool.h>

/* Hardware id of the calling CPU (the hart id on riscv64; any hart may boot). */
unsigned hal_cpu_id(void);

/* Disable interrupts, returning the previous state for hal_irq_restore(). */
unsigned long hal_irq_save(void);
void hal_irq_restore(unsigned long flags);
void hal_irq_enable(void);
void hal_irq_disable(void);
bool hal_irq_enabled(void);

/*
 * Sleep until an interrupt is pending (wfi). Returns after the interrupt has
 * been handled if interrupts are enabled; with them disabled it still returns
 * once one is pending, leaving it pending.
 */
void hal_cpu_wait(void);

/* Spin-wait hint for busy loops. */
void hal_cpu_relax(void);

#endif
