/* The host architecture's internals, and what its board (platforms/host) calls. */
#ifndef HOST_PLATFORM_H
#define HOST_PLATFORM_H

#include <signal.h>
#include <stdint.h>

/* The signal that plays the timer interrupt; blocking it is "interrupts off". */
#define HOST_TIMER_SIGNAL SIGALRM
/* The signal that plays the IPI (CONFIG_SMP, smp.c). */
#define HOST_IPI_SIGNAL SIGUSR2

/* The clock and the timer signal; with CONFIG_SMP, the calling thread becomes CPU 0. */
void host_time_init(void);
/* The calling CPU's own one-shot timer (time.c). */
void host_timer_create(void);
void host_memmap_init(void);
void host_trap_init(void);
/* A thread that becomes a CPU: its own stack for the fault handler (trap.c). */
void host_trap_thread_init(void);
void host_boot_init(void);

/* The timer signal arrived (cpu.c: runs or holds the interrupt). */
void host_irq_signal(void);
/* The timer interrupt (time.c): calls the registered handler. */
void host_timer_interrupt(void);

#ifdef CONFIG_SMP
/* The thread that ran main() becomes CPU 0, and the IPI signal is set up (smp.c). */
void host_cpu_boot(void);
/* This CPU's IPI, interrupts off (smp.c): the cross-CPU calls, then the kick handler. */
void host_ipi_interrupt(void);
#endif

#ifdef CONFIG_TASK
/* Task stacks from mmap with a PROT_NONE guard below each (task_stack.c). */
extern const struct task_stack_ops host_task_stack_ops;
#endif

#endif
