/*
 * "Interrupts" on the host are the timer signal.
 *
 * Blocking a signal costs a system call, far too much for code that turns
 * interrupts off around every context switch, so they are masked in
 * software, the way a CPU holds an interrupt pending while its interrupt
 * enable is clear: hal_irq_disable() only sets a flag; a signal that arrives
 * while it is set is recorded, and the handler runs when the flag is
 * cleared. The signal itself is never blocked (hal_cpu_wait aside, for an
 * atomic check-and-sleep), so the process signal mask is the same in every
 * task and a task switch from inside the signal handler needs no signal-mask
 * bookkeeping: the resumed task restores its own interrupt flag.
 */
#include <hal/cpu.h>
#include <signal.h>
#include "host.h"

_Static_assert(sizeof(sig_atomic_t) == sizeof(int), "host_irq_off is a sig_atomic_t");
volatile int host_irq_off = 1; /* like a CPU out of reset */
void *host_cpu_local;
static volatile sig_atomic_t irq_pending;

void host_irq_enable_and_replay(void)
{
	for (;;) {
		host_signal_barrier();
		host_irq_off = 0;
		host_signal_barrier();
		if (!irq_pending)
			return;
		host_irq_off = 1;
		host_signal_barrier();
		irq_pending = 0;
		host_timer_interrupt();
	}
}

void host_irq_signal(void)
{
	if (host_irq_off) {
		irq_pending = 1;
		return;
	}
	host_irq_off = 1;
	host_signal_barrier();
	irq_pending = 0;
	host_timer_interrupt();
	host_irq_enable_and_replay();
}

void hal_cpu_wait(void)
{
	sigset_t block, old, wait;

	/* Block the signal so it cannot slip in between the check and the
	 * sleep; sigsuspend lets it in and sleeps in one step. Its handler has
	 * run when sigsuspend returns (and only recorded it if interrupts are
	 * off). */
	sigemptyset(&block);
	sigaddset(&block, HOST_TIMER_SIGNAL);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	if (!irq_pending) {
		wait = old;
		sigdelset(&wait, HOST_TIMER_SIGNAL);
		sigsuspend(&wait);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}
