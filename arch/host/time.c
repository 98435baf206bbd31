/*
 * Time = clock_gettime(CLOCK_MONOTONIC) since the process started; the
 * one-shot timer is a POSIX timer that raises the timer signal, which
 * cpu.c turns into an interrupt (held pending while interrupts are off).
 * With CONFIG_SMP each CPU has its own timer, whose signal goes to that
 * CPU's thread (SIGEV_THREAD_ID), as each hart has its own timer.
 * The wall clock is the board's (platforms/host/rtc.c).
 */
#include <hal/smp.h>
#include <hal/time.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include "host.h"

static uint64_t base_ns;
static timer_t timers[HAL_NR_CPUS];
#ifdef HOST_TSAN
static uint64_t deadlines[HAL_NR_CPUS]; /* armed, in hal_time_ns(); 0: none */
#endif
static hal_timer_handler_t timer_fn;
static void *timer_arg;

static uint64_t now(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void host_timer_interrupt(void)
{
	if (timer_fn)
		timer_fn(timer_arg);
}

static void on_timer_signal(int sig)
{
	int saved = errno; /* the interrupted code may be about to read it */

	(void)sig;
	host_irq_signal();
	errno = saved;
}

/* The calling thread's CPU's timer, its signal sent to this thread. */
void host_timer_create(void)
{
	struct sigevent ev = {.sigev_signo = HOST_TIMER_SIGNAL};

#ifdef CONFIG_SMP
	ev.sigev_notify = SIGEV_THREAD_ID;
	ev._sigev_un._tid = gettid(); /* sigev_notify_thread_id: glibc 2.36 lacks the name */
#else
	ev.sigev_notify = SIGEV_SIGNAL;
#endif
	if (timer_create(CLOCK_MONOTONIC, &ev, &timers[hal_cpu_id()]) != 0) {
		perror("host: timer_create");
		exit(2);
	}
}

void host_time_init(void)
{
	struct sigaction sa = {.sa_handler = on_timer_signal};

	base_ns = now(CLOCK_MONOTONIC);
#ifdef CONFIG_SMP
	host_cpu_boot(); /* before the first hal_cpu_id() */
#endif
	/* Not blocked while its handler runs (SA_NODEFER): a handler that
	 * switches tasks leaves the signal mask as every task expects it. A
	 * signal nested in the handler finds interrupts off and stays pending. */
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART | SA_NODEFER;
	if (sigaction(HOST_TIMER_SIGNAL, &sa, NULL) != 0) {
		perror("host: timer setup");
		exit(2);
	}
	host_timer_create();
}

uint64_t hal_time_ns(void)
{
	return now(CLOCK_MONOTONIC) - base_ns;
}

uint64_t hal_time_freq_hz(void)
{
	return 1000000000ull;
}

void hal_timer_set_handler(hal_timer_handler_t fn, void *arg)
{
	timer_fn = fn;
	timer_arg = arg;
}

void hal_timer_arm(uint64_t deadline_ns)
{
	uint64_t abs = deadline_ns + base_ns;
	struct itimerspec its = {
	    .it_value = {.tv_sec = (time_t)(abs / 1000000000ull),
	                 .tv_nsec = (long)(abs % 1000000000ull)},
	};

#ifdef HOST_TSAN
	deadlines[hal_cpu_id()] = deadline_ns ? deadline_ns : 1;
#endif
	/* A zero it_value would disarm: a deadline at the epoch is "now". */
	if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
		its.it_value.tv_nsec = 1;
	timer_settime(timers[hal_cpu_id()], TIMER_ABSTIME, &its, NULL);
}

void hal_timer_cancel(void)
{
	struct itimerspec its = {0};

#ifdef HOST_TSAN
	deadlines[hal_cpu_id()] = 0;
#endif
	timer_settime(timers[hal_cpu_id()], 0, &its, NULL);
}

#ifdef HOST_TSAN
/*
 * ThreadSanitizer holds an asynchronous signal back until the code it
 * interrupted calls into libc, and may then hand it to whichever CPU that
 * code has moved to: a timer signal can come late or on the wrong CPU.
 * So under TSan the timer is also polled (cpu.c): at every interrupt
 * enable and around every wait, a CPU whose deadline has passed takes its
 * timer interrupt. A signal that comes as well is one spurious interrupt.
 */
bool host_timer_overdue(bool take)
{
	uint64_t *d = &deadlines[hal_cpu_id()];

	if (!*d || hal_time_ns() < *d)
		return false;
	if (take)
		*d = 0;
	return true;
}

uint64_t host_timer_deadline(void)
{
	return deadlines[hal_cpu_id()];
}
#endif
