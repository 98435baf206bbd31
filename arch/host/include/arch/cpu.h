/*
 * The host's part of hal/cpu.h. "Interrupts" are the timer signal, masked
 * in software (arch/host/cpu.c says why): disabling only sets a flag, and
 * enabling runs, out of line, whatever arrived meanwhile.
 */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <stdbool.h>

/* Non-zero while "interrupts" are off; set from the start, like a CPU out of reset. */
extern volatile int host_irq_off;
/* Clear the flag, first running any interrupt that came while it was set (cpu.c). */
void host_irq_enable_and_replay(void);
/* Sleep until the timer signal is pending (cpu.c: sigsuspend). */
void hal_cpu_wait(void);

/* The handler runs on this thread: compiler ordering is all that is needed. */
static inline void host_signal_barrier(void)
{
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

/* One CPU: its per-CPU pointer (hal_cpu_local) is one variable (cpu.c). */
extern void *host_cpu_local;

static inline unsigned hal_cpu_id(void)
{
	return 0;
}

static inline unsigned long hal_cpu_hwid(void)
{
	return 0;
}

static inline void *hal_cpu_local(void)
{
	return host_cpu_local;
}

static inline void hal_cpu_set_local(void *p)
{
	host_cpu_local = p;
}

static inline unsigned long hal_irq_save(void)
{
	unsigned long was_on = !host_irq_off;

	host_irq_off = 1;
	host_signal_barrier();
	return was_on;
}

static inline void hal_irq_restore(unsigned long flags)
{
	if (flags)
		host_irq_enable_and_replay();
}

static inline void hal_irq_enable(void)
{
	host_irq_enable_and_replay();
}

static inline void hal_irq_disable(void)
{
	host_irq_off = 1;
	host_signal_barrier();
}

static inline bool hal_irq_enabled(void)
{
	return !host_irq_off;
}

static inline void hal_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ __volatile__("pause" ::: "memory");
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#endif
}

#endif
