/*
 * "Interrupts" on the host are the timer signal: disabling them blocks it in
 * this thread's signal mask, and waiting for one is sigsuspend().
 */
#include <hal/cpu.h>
#include <signal.h>
#include "host.h"

unsigned hal_cpu_id(void)
{
	return 0;
}

static sigset_t irq_set(void)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, HOST_TIMER_SIGNAL);
	return s;
}

unsigned long hal_irq_save(void)
{
	sigset_t s = irq_set(), old;

	pthread_sigmask(SIG_BLOCK, &s, &old);
	return sigismember(&old, HOST_TIMER_SIGNAL) ? 0 : 1;
}

void hal_irq_restore(unsigned long flags)
{
	if (flags)
		hal_irq_enable();
}

void hal_irq_enable(void)
{
	sigset_t s = irq_set();

	pthread_sigmask(SIG_UNBLOCK, &s, NULL);
}

void hal_irq_disable(void)
{
	sigset_t s = irq_set();

	pthread_sigmask(SIG_BLOCK, &s, NULL);
}

bool hal_irq_enabled(void)
{
	sigset_t cur;

	pthread_sigmask(SIG_SETMASK, NULL, &cur);
	return !sigismember(&cur, HOST_TIMER_SIGNAL);
}

void hal_cpu_wait(void)
{
	sigset_t cur;

	/* Atomically let the timer signal in and sleep until a signal arrives;
	 * its handler has run when this returns. */
	pthread_sigmask(SIG_SETMASK, NULL, &cur);
	sigdelset(&cur, HOST_TIMER_SIGNAL);
	sigsuspend(&cur);
}

void hal_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ __volatile__("pause" ::: "memory");
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#endif
}
