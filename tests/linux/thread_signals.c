/*
 * Signal state per thread, as Linux keeps it in each task: the mask, the
 * thread's own pending set (tgkill), the alternate stack; and per
 * process: the pending set kill() fills, taken by whichever thread lets
 * the signal through. glibc blocks every signal in a thread that is
 * ending, so a kernel with one mask per process stops taking signals once
 * any thread has ended: the first check below.
 *
 * Every wait is for a state the program sees (flags, joins, sigsuspend,
 * sigwaitinfo); nothing depends on the order threads are scheduled in.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "thread_conformance.h"

extern char **environ;

static volatile sig_atomic_t handled;
static volatile pid_t handled_tid;
static volatile int step; /* a thread and main take turns through it */

static void on_signal(int sig)
{
	(void)sig;
	handled++;
	handled_tid = gettid();
}

static void wait_step(int n)
{
	while (__atomic_load_n(&step, __ATOMIC_ACQUIRE) < n)
		sched_yield();
}

static void set_step(int n)
{
	__atomic_store_n(&step, n, __ATOMIC_RELEASE);
}

static bool blocks(int sig)
{
	sigset_t s;

	pthread_sigmask(SIG_BLOCK, NULL, &s);
	return sigismember(&s, sig);
}

static bool pending(int sig)
{
	sigset_t s;

	sigpending(&s);
	return sigismember(&s, sig);
}

static void mask(int how, int sig)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, sig);
	pthread_sigmask(how, &s, NULL);
}

static void *nothing(void *arg)
{
	return arg;
}

/* kill() and raise() still act once a thread has ended (glibc blocks all in an ending thread). */
static void check_after_thread_exit(void)
{
	pthread_t t;

	pthread_create(&t, NULL, nothing, NULL);
	pthread_join(t, NULL);
	handled = 0;
	kill(getpid(), SIGUSR1);
	report("after a thread ended: kill(getpid(), SIGUSR1) ran the handler -> %s",
	       yes_no(handled == 1));
	raise(SIGUSR1);
	report("after a thread ended: raise(SIGUSR1) ran the handler -> %s", yes_no(handled == 2));
}

static bool inherited_usr2;

static void *mask_changer(void *arg)
{
	inherited_usr2 = blocks(SIGUSR2);
	mask(SIG_BLOCK, SIGUSR1);
	return arg;
}

static void check_masks(void)
{
	pthread_t t;

	mask(SIG_BLOCK, SIGUSR2);
	pthread_create(&t, NULL, mask_changer, NULL);
	pthread_join(t, NULL);
	report("a new thread starts with its creator's mask (SIGUSR2 blocked) -> %s",
	       yes_no(inherited_usr2));
	report("a thread blocking SIGUSR1 leaves the main thread's mask alone -> %s",
	       yes_no(!blocks(SIGUSR1)));
	mask(SIG_UNBLOCK, SIGUSR2);
}

static int suspend_rc;

static void *suspender(void *arg)
{
	sigset_t none;

	sigemptyset(&none);
	set_step(1);
	suspend_rc = sigsuspend(&none) < 0 ? -errno : 0;
	return arg;
}

/* kill() while the main thread blocks the signal: the thread that lets it through takes it. */
static void check_group_target(void)
{
	pthread_t t;
	pid_t tid;

	mask(SIG_BLOCK, SIGUSR1);
	handled = 0;
	handled_tid = 0;
	set_step(0);
	pthread_create(&t, NULL, suspender, NULL); /* it inherits SIGUSR1 blocked */
	wait_step(1);
	kill(getpid(), SIGUSR1);
	pthread_join(t, NULL);
	tid = handled_tid;
	report("kill(getpid()) with the main thread blocking it: the handler ran once, in the "
	       "other thread -> %s",
	       yes_no(handled == 1 && tid != 0 && tid != getpid()));
	report("that thread's sigsuspend -> %s", errname(suspend_rc));
	report("the main thread still blocks it and sees nothing pending -> %s",
	       yes_no(blocks(SIGUSR1) && !pending(SIGUSR1)));
	mask(SIG_UNBLOCK, SIGUSR1);
}

static pid_t worker_tid;
static bool worker_pending, worker_took;
static siginfo_t worker_info;

static void *tgkill_target(void *arg)
{
	sigset_t usr2;

	mask(SIG_BLOCK, SIGUSR2);
	worker_tid = gettid();
	set_step(1);
	wait_step(2); /* main sent it */
	worker_pending = pending(SIGUSR2);
	if (arg) {
		sigemptyset(&usr2);
		sigaddset(&usr2, SIGUSR2);
		worker_took = sigwaitinfo(&usr2, &worker_info) == SIGUSR2;
	}
	return NULL;
}

/* tgkill pends for that thread alone; a thread's own pending signals go with it. */
static void check_thread_pending(void)
{
	pthread_t t;
	bool main_sees;

	set_step(0);
	pthread_create(&t, NULL, tgkill_target, (void *)1);
	wait_step(1);
	syscall(SYS_tgkill, getpid(), worker_tid, SIGUSR2);
	main_sees = pending(SIGUSR2);
	set_step(2);
	pthread_join(t, NULL);
	report("tgkill to a thread blocking SIGUSR2: pending for the main thread %s, for that "
	       "thread %s",
	       yes_no(main_sees), yes_no(worker_pending));
	report("that thread's sigwaitinfo -> %s from this process -> %s",
	       worker_took ? "SIGUSR2" : "nothing", yes_no(worker_info.si_pid == getpid()));

	handled = 0;
	set_step(0);
	pthread_create(&t, NULL, tgkill_target, NULL);
	wait_step(1);
	syscall(SYS_tgkill, getpid(), worker_tid, SIGUSR2);
	set_step(2);
	pthread_join(t, NULL); /* it ends with SIGUSR2 pending */
	report("a thread ends with its own SIGUSR2 pending: the main thread's handler ran %s, "
	       "pending in main %s",
	       yes_no(handled != 0), yes_no(pending(SIGUSR2)));
}

static int child_ss_flags;

static void *stack_reader(void *arg)
{
	stack_t old;

	child_ss_flags = sigaltstack(NULL, &old) == 0 ? old.ss_flags : -1;
	return arg;
}

static void check_altstack(void)
{
	static char area[64 * 1024];
	stack_t ss = {.ss_sp = area, .ss_size = sizeof(area)}, old;
	pthread_t t;

	sigaltstack(&ss, NULL);
	pthread_create(&t, NULL, stack_reader, NULL);
	pthread_join(t, NULL);
	sigaltstack(NULL, &old);
	report("the main thread's alternate stack: a new thread has none (SS_DISABLE) -> %s, "
	       "main's is kept -> %s",
	       yes_no(child_ss_flags == SS_DISABLE), yes_no(old.ss_sp == area));
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
}

static void *exec_blocking_usr1(void *arg)
{
	char *argv[] = {(char *)self, "--sig-exec-child", NULL};

	mask(SIG_UNBLOCK, SIGUSR2); /* from its creator's */
	mask(SIG_BLOCK, SIGUSR1);
	execve(self, argv, environ);
	return arg;
}

int thread_signals_exec_child(void)
{
	struct sigaction sa;

	sigaction(SIGUSR2, NULL, &sa);
	return (sa.sa_handler == SIG_IGN) | (blocks(SIGUSR1) << 1) | (!blocks(SIGUSR2) << 2);
}

/* execve from a thread other than the leader: the process's SIG_IGN and that thread's mask. */
static void check_exec_keeps(void)
{
	pid_t pid = fork();
	pthread_t t;

	if (pid == 0) {
		signal(SIGUSR2, SIG_IGN);
		mask(SIG_BLOCK, SIGUSR2); /* the main thread's mask, which the exec must not take */
		pthread_create(&t, NULL, exec_blocking_usr1, NULL);
		for (;;)
			pause();
	}
	report("execve from a thread: SIGUSR2 still ignored (1), the thread's SIGUSR1 block (2), "
	       "not the main thread's mask (4): exit 7 expected -> %s",
	       wait_for(pid));
}

static volatile int notified;

static void on_timer_thread(union sigval v)
{
	__atomic_store_n(&notified, v.sival_int, __ATOMIC_RELEASE);
}

/* POSIX timers that signal one thread (SIGEV_THREAD_ID), and glibc's SIGEV_THREAD made of them. */
static void check_thread_timers(void)
{
	struct sigevent ev = {.sigev_notify = SIGEV_THREAD_ID, .sigev_signo = SIGUSR2};
	struct itimerspec soon = {.it_value = {0, 1000000}}, left;
	bool main_sees;
	pthread_t t;
	timer_t id;
	int rc;

	ev._sigev_un._tid = getppid(); /* not a thread of this process */
	rc = timer_create(CLOCK_MONOTONIC, &ev, &id);
	report("timer_create(SIGEV_THREAD_ID) for a thread of another process -> %s",
	       errname(rc < 0 ? -errno : 0));
	mask(SIG_BLOCK, SIGUSR2); /* pending for main too, would it be the group's */
	set_step(0);
	pthread_create(&t, NULL, tgkill_target, (void *)1);
	wait_step(1);
	ev._sigev_un._tid = worker_tid;
	rc = timer_create(CLOCK_MONOTONIC, &ev, &id);
	if (rc == 0) {
		timer_settime(id, 0, &soon, NULL);
		do /* until it has fired (a one-shot timer is disarmed then) */
			timer_gettime(id, &left);
		while (left.it_value.tv_sec || left.it_value.tv_nsec);
	}
	main_sees = pending(SIGUSR2);
	set_step(2);
	pthread_join(t, NULL);
	report(
	    "timer_create(SIGEV_THREAD_ID) -> %s; fired: pending for the main thread %s, for that "
	    "thread %s; its sigwaitinfo -> %s, SI_TIMER %s",
	    errname(rc < 0 ? -errno : 0), yes_no(main_sees), yes_no(worker_pending),
	    worker_took ? "SIGUSR2" : "nothing", yes_no(worker_info.si_code == SI_TIMER));
	if (rc == 0)
		timer_delete(id);
	mask(SIG_UNBLOCK, SIGUSR2);

	ev = (struct sigevent){.sigev_notify = SIGEV_THREAD,
	                       .sigev_notify_function = on_timer_thread,
	                       .sigev_value.sival_int = 42};
	rc = timer_create(CLOCK_MONOTONIC, &ev, &id);
	if (rc == 0) {
		timer_settime(id, 0, &soon, NULL);
		while (!__atomic_load_n(&notified, __ATOMIC_ACQUIRE))
			sched_yield();
		timer_delete(id);
	}
	report("glibc's SIGEV_THREAD timer -> %s, its function ran with value %d",
	       errname(rc < 0 ? -errno : 0), notified);
}

void check_thread_signals(void)
{
	struct sigaction sa = {.sa_handler = on_signal};

	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	check_after_thread_exit();
	check_masks();
	check_group_target();
	check_thread_pending();
	check_altstack();
	check_exec_keeps();
	check_thread_timers(); /* last: glibc's SIGEV_THREAD helper thread stays (qemu-user 7.2
	                        * fails an exec from a thread of a process that had it) */
	signal(SIGUSR1, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);
}
