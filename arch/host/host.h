/* The host architecture's internals, and what its board (platforms/host) calls. */
#ifndef HOST_PLATFORM_H
#define HOST_PLATFORM_H

#include <signal.h>
#include <stdint.h>

/* The signal that plays the timer interrupt; blocking it is "interrupts off". */
#define HOST_TIMER_SIGNAL SIGALRM

void host_time_init(void);
void host_memmap_init(void);
void host_trap_init(void);
void host_boot_init(void);

/* The timer signal arrived (cpu.c: runs or holds the interrupt). */
void host_irq_signal(void);
/* The timer interrupt (time.c): calls the registered handler. */
void host_timer_interrupt(void);

#ifdef CONFIG_TASK
/* Task stacks from mmap with a PROT_NONE guard below each (task_stack.c). */
extern const struct task_stack_ops host_task_stack_ops;
#endif

#endif
