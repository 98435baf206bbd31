/*
 * The host's part of hal/cpu.h. "Interrupts" are the timer signal, masked
 * in software (arch/host/cpu.c says why): disabling only sets a flag, and
 * enabling runs, out of line, whatever arrived meanwhile.
 */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <stdbool.h>

/* The handler runs on this thread: compiler ordering is all that is needed. */
static inline void host_signal_barrier(void)
{
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

#ifdef CONFIG_SMP
/*
 * Each CPU is a host thread (arch/host/smp.c). Its data is struct host_cpu,
 * found through a thread-local pointer; its interrupt flag is a
 * thread-local int. A task preempted by the timer signal may resume on
 * another thread, so a compiler must never keep a thread-local address
 * across code that can switch: each access below is one instruction
 * relative to %fs, which is the thread's own whenever it executes (that is
 * also what makes "disable interrupts" atomic against the signal that
 * could migrate the task). x86_64 hosts only (arch/host/CMakeLists.txt).
 */
struct hal_context;

struct host_cpu {
	unsigned id;              /* logical: 0 is the thread that ran main() */
	void *local;              /* hal_cpu_local() */
	volatile int timer_due;   /* the timer signal came with interrupts off */
	int ipi;                  /* raised by arch_ipi_send, cleared by arch_ipi_ack */
	struct hal_context *from; /* the context being left (context.c, ASan) */
	void *dead_fiber;         /* an exited context's TSan fiber (context.c) */
};

extern __thread int host_irq_off;
extern __thread struct host_cpu *host_cpu_tls;

static inline struct host_cpu *host_cpu_self(void)
{
	struct host_cpu *c;

	__asm__ __volatile__("movq %%fs:host_cpu_tls@tpoff, %0" : "=r"(c) : : "memory");
	return c;
}

static inline int host_irq_flag(void)
{
	int v;

	__asm__ __volatile__("movl %%fs:host_irq_off@tpoff, %0" : "=r"(v) : : "memory");
	return v;
}

static inline void host_irq_set_flag(int v)
{
	__asm__ __volatile__("movl %0, %%fs:host_irq_off@tpoff" : : "r"(v) : "memory");
}

/* Set the flag; true if it was clear. One instruction: no signal can come in between. */
static inline bool host_irq_test_and_set(void)
{
	bool was_set;

	__asm__ __volatile__("btsl $0, %%fs:host_irq_off@tpoff" : "=@ccc"(was_set) : : "memory");
	return !was_set;
}

static inline unsigned hal_cpu_id(void)
{
	return host_cpu_self()->id;
}

static inline unsigned long hal_cpu_hwid(void)
{
	return hal_cpu_id();
}

static inline void *hal_cpu_local(void)
{
	return host_cpu_self()->local;
}

static inline void hal_cpu_set_local(void *p)
{
	host_cpu_self()->local = p;
}
#else
/* Non-zero while "interrupts" are off; set from the start, like a CPU out of reset. */
extern volatile int host_irq_off;

/* One CPU: its per-CPU pointer (hal_cpu_local) is one variable (cpu.c). */
extern void *host_cpu_local;

static inline int host_irq_flag(void)
{
	return host_irq_off;
}

static inline void host_irq_set_flag(int v)
{
	host_irq_off = v;
	host_signal_barrier();
}

static inline bool host_irq_test_and_set(void)
{
	bool was_on = !host_irq_off;

	host_irq_off = 1;
	host_signal_barrier();
	return was_on;
}

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
#endif

/* Clear the flag, first running any interrupt that came while it was set (cpu.c). */
void host_irq_enable_and_replay(void);
/* Sleep until an interrupt is pending (cpu.c: sigsuspend). */
void hal_cpu_wait(void);

static inline unsigned long hal_irq_save(void)
{
	return host_irq_test_and_set();
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
	host_irq_set_flag(1);
}

static inline bool hal_irq_enabled(void)
{
	return !host_irq_flag();
}

/*
 * The host's CPUs are threads the OS may take off a core at any moment:
 * a waiter for a ticket whose holder (or the next ticket's) is off the
 * core gives its time slice away, or a ticket lock with more threads than
 * cores spins a whole slice per hand-off (hal.spinlock under a loaded
 * make test timed out so).
 */
int sched_yield(void); /* <sched.h>'s, without its CLONE_* macros (linux-abi has its own) */

static inline void hal_cpu_relax(void)
{
	sched_yield();
}

#endif
