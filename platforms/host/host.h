/* Host platform internals. */
#ifndef HOST_PLATFORM_H
#define HOST_PLATFORM_H

#include <signal.h>
#include <stdint.h>

/* The signal that plays the timer interrupt; blocking it is "interrupts off". */
#define HOST_TIMER_SIGNAL SIGALRM

void host_time_init(void);
void host_memmap_init(void);
void host_trap_init(void);

#endif
