/* The host architecture's internals, and what its board (platforms/host) calls. */
#ifndef HOST_PLATFORM_H
#define HOST_PLATFORM_H

#include <signal.h>
#include <stdint.h>

/* Which sanitizer the host code is built with (GCC's macros, clang's feature tests). */
#if defined(__SANITIZE_ADDRESS__)
#define HOST_ASAN 1
#elif defined(__SANITIZE_THREAD__)
#define HOST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HOST_ASAN 1
#elif __has_feature(thread_sanitizer)
#define HOST_TSAN 1
#endif
#endif

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
#ifdef HOST_TSAN
#include <stdbool.h>
/* This CPU's deadline has passed (take: it is being served: disarm it), and the deadline (0: none).
 */
bool host_timer_overdue(bool take);
uint64_t host_timer_deadline(void);
#endif

#ifdef CONFIG_SMP
#include <hal/smp.h>
/* Each CPU's data, by logical id (smp.c). */
extern struct host_cpu host_cpus[HAL_NR_CPUS];
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
