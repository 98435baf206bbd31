/*
 * "Interrupts" on the host are signals: the timer signal and, with
 * CONFIG_SMP, the IPI signal another CPU's thread sends (smp.c).
 *
 * Blocking a signal costs a system call, far too much for code that turns
 * interrupts off around every context switch, so they are masked in
 * software, the way a CPU holds an interrupt pending while its interrupt
 * enable is clear: hal_irq_disable() only sets a flag; a signal that arrives
 * while it is set is recorded, and the handler runs when the flag is
 * cleared. The signals are never blocked (hal_cpu_wait aside, for an
 * atomic check-and-sleep), so the signal mask is the same in every task
 * and a task switch from inside a signal handler needs no signal-mask
 * bookkeeping: the resumed task restores its own interrupt flag.
 *
 * With CONFIG_SMP the flag and the pending interrupts are per CPU (per
 * thread, <arch/cpu.h>). A flow that had interrupts on may have been
 * moved to another thread at any instruction, so each step below reads
 * its CPU again after anything that could have switched, and only trusts
 * what it read once interrupts are off again.
 *
 * Under ThreadSanitizer signals may come late and on another fiber (time.c
 * says why), so their handlers only take note, and interrupts are taken
 * where they are enabled and in hal_cpu_wait: the timer is also polled
 * there, and the wait sleeps no longer than the deadline (ppoll). A loop
 * that never enables interrupts is then never preempted.
 */
#include <hal/cpu.h>
#include <hal/time.h>
#include <poll.h>
#include <signal.h>
#include "host.h"

#ifdef HOST_TSAN
#define timer_polled(take) host_timer_overdue(take)
#define HOST_TSAN_WAIT_NS  1000000u
#else
#define timer_polled(take) false
#endif

#ifdef CONFIG_SMP
__thread int host_irq_off = 1; /* like a CPU out of reset */
/* A thread that is no CPU (a test's own, say) acts as CPU 0 rather than fault. */
__thread struct host_cpu *host_cpu_tls = &host_cpus[0];

static bool irq_pending(void)
{
	struct host_cpu *c = host_cpu_self();

	return c->timer_due || __atomic_load_n(&c->ipi, __ATOMIC_SEQ_CST) || timer_polled(false);
}

/* Interrupts off: run what is pending on this CPU. Each handler may switch tasks. */
static void irq_run_pending(void)
{
	if (host_cpu_self()->timer_due || timer_polled(true)) {
		host_cpu_self()->timer_due = 0;
		host_timer_interrupt();
	}
	if (__atomic_load_n(&host_cpu_self()->ipi, __ATOMIC_SEQ_CST))
		host_ipi_interrupt();
}
#else
_Static_assert(sizeof(sig_atomic_t) == sizeof(int), "host_irq_off is a sig_atomic_t");
volatile int host_irq_off = 1; /* like a CPU out of reset */
void *host_cpu_local;
static volatile sig_atomic_t timer_due;

static bool irq_pending(void)
{
	return timer_due || timer_polled(false);
}

static void irq_run_pending(void)
{
	timer_due = 0;
	(void)timer_polled(true);
	host_timer_interrupt();
}
#endif

void host_irq_enable_and_replay(void)
{
	for (;;) {
		host_irq_set_flag(0);
		host_signal_barrier();
		if (!irq_pending())
			return;
		host_irq_set_flag(1);
		host_signal_barrier();
		irq_run_pending();
	}
}

void host_irq_signal(void)
{
#ifdef HOST_TSAN
	/* Never switch tasks inside a handler TSan runs (it may run it late, on the wrong
	 * fiber): note the interrupt; it is taken at the next enable or wait. */
#ifdef CONFIG_SMP
	host_cpu_self()->timer_due = 1;
#else
	timer_due = 1;
#endif
	return;
#endif
	if (!host_irq_test_and_set()) {
#ifdef CONFIG_SMP
		host_cpu_self()->timer_due = 1;
#else
		timer_due = 1;
#endif
		return;
	}
#ifdef CONFIG_SMP
	host_cpu_self()->timer_due = 0;
#else
	timer_due = 0;
#endif
	host_timer_interrupt();
	host_irq_enable_and_replay();
}

void hal_cpu_wait(void)
{
	sigset_t block, old, wait;

	/* Block the signals so they cannot slip in between the check and the
	 * sleep; sigsuspend lets them in and sleeps in one step. Their handler
	 * has run when sigsuspend returns (and only recorded the interrupt if
	 * interrupts are off). */
	sigemptyset(&block);
	sigaddset(&block, HOST_TIMER_SIGNAL);
#ifdef CONFIG_SMP
	sigaddset(&block, HOST_IPI_SIGNAL);
#endif
	pthread_sigmask(SIG_BLOCK, &block, &old);
	if (!irq_pending()) {
		wait = old;
		sigdelset(&wait, HOST_TIMER_SIGNAL);
#ifdef CONFIG_SMP
		sigdelset(&wait, HOST_IPI_SIGNAL);
#endif
#ifdef HOST_TSAN
		/* At most HOST_TSAN_WAIT_NS: a signal TSan handed to another fiber is not lost. */
		uint64_t d = host_timer_deadline(), now = hal_time_ns(), left = HOST_TSAN_WAIT_NS;
		struct timespec ts;

		if (d && d - now < left)
			left = d > now ? d - now : 0;
		ts = (struct timespec){(time_t)(left / 1000000000u), (long)(left % 1000000000u)};
		ppoll(NULL, 0, &ts, &wait);
#else
		sigsuspend(&wait);
#endif
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}
