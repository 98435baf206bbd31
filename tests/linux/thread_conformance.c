/*
 * Threads and futexes as Linux has them: glibc's pthreads (create, join,
 * mutexes, condition variables, rwlocks, barriers, thread-local storage,
 * robust mutexes), the raw futex calls and their errors, clone's and
 * clone3's flag rules, exit against exit_group, CLONE_CHILD_CLEARTID,
 * tgkill, wait4 and execve from a thread, posix_spawn, a stop signal
 * stopping every thread of a group, a POSIX timer that outlives the
 * thread that made it; per-thread signal state in thread_signals.c.
 *
 * One line per check: what was done and what came back, never an id or a
 * time, so the transcript is the same on Linux (natively, under
 * qemu-riscv64) and in the image. Nothing here depends on how threads are
 * scheduled: every wait is for a state the program can observe.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <linux/sched.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "thread_conformance.h"

extern char **environ;

static unsigned checks;
const char *self;

void report(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (write(1, line, (size_t)n) < 0)
		_exit(3);
	checks++;
}

static void fatal(const char *what)
{
	report("FATAL: %s", what);
	_exit(1);
}

const char *errname(long r)
{
	static char buf[4][24];
	static unsigned slot;
	const char *name;

	if (r >= 0)
		return "ok";
	name = strerrorname_np((int)-r);
	if (name)
		return name;
	slot = (slot + 1) % 4;
	snprintf(buf[slot], sizeof(buf[slot]), "E#%ld", -r);
	return buf[slot];
}

const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

static long sys(long nr, long a, long b, long c, long d, long e, long f)
{
	long r = syscall(nr, a, b, c, d, e, f);

	return r < 0 ? -errno : r;
}

static long futex(volatile uint32_t *w, int op, uint32_t val, const void *ts, volatile uint32_t *w2,
                  uint32_t val3)
{
	return sys(SYS_futex, (long)w, op, val, (long)ts, (long)w2, val3);
}

/* Wait for a child, return "exit N" or "signal N". */
const char *wait_for(pid_t pid)
{
	static char buf[32];
	int st = 0;

	if (waitpid(pid, &st, 0) != pid)
		return "waitpid failed";
	if (WIFEXITED(st))
		snprintf(buf, sizeof(buf), "exit %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, sizeof(buf), "signal %d", WTERMSIG(st));
	else
		snprintf(buf, sizeof(buf), "status 0x%x", st);
	return buf;
}

/* ---- pthreads ---- */

static __thread int tls_value = 7;
static pthread_mutex_t mtx = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static pid_t main_pid, main_tid;

struct worker {
	int index;
	bool same_pid, other_tid, tls_initial;
	int tls_after;
};

static void *worker(void *arg)
{
	struct worker *w = arg;

	w->same_pid = getpid() == main_pid;
	w->other_tid = gettid() != main_tid && gettid() > 0;
	w->tls_initial = tls_value == 7;
	tls_value = 100 + w->index;
	for (int i = 0; i < 2000; i++) {
		pthread_mutex_lock(&mtx);
		counter++;
		pthread_mutex_unlock(&mtx);
		if (i % 500 == 0)
			sched_yield();
	}
	w->tls_after = tls_value;
	return (void *)(intptr_t)(w->index * 3);
}

static void check_create_join(void)
{
	enum { N = 8 };
	pthread_t t[N];
	struct worker w[N];
	bool ok_ret = true, ok_pid = true, ok_tid = true, ok_tls = true;

	main_pid = getpid();
	main_tid = gettid();
	report("main thread: gettid == getpid: %s", yes_no(main_tid == main_pid));
	for (int i = 0; i < N; i++) {
		w[i] = (struct worker){.index = i};
		if (pthread_create(&t[i], NULL, worker, &w[i]) != 0)
			fatal("pthread_create");
	}
	for (int i = 0; i < N; i++) {
		void *ret;

		if (pthread_join(t[i], &ret) != 0)
			fatal("pthread_join");
		ok_ret &= (intptr_t)ret == i * 3;
		ok_pid &= w[i].same_pid;
		ok_tid &= w[i].other_tid;
		ok_tls &= w[i].tls_initial && w[i].tls_after == 100 + i;
	}
	report("8 threads joined, return values: %s", yes_no(ok_ret));
	report("threads: getpid is the process's: %s; gettid their own: %s", yes_no(ok_pid),
	       yes_no(ok_tid));
	report("thread-local storage: initial value and own copy: %s; main's kept: %s",
	       yes_no(ok_tls), yes_no(tls_value == 7));
	report("mutex: counter = %ld (8 x 2000)", counter);
}

static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int queue[16], qhead, qtail, consumed_sum;
static bool producer_done;

static void *consumer(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&mtx);
	for (;;) {
		while (qhead == qtail && !producer_done)
			pthread_cond_wait(&cond, &mtx);
		if (qhead == qtail)
			break;
		consumed_sum += queue[qhead++ % 16];
		pthread_cond_broadcast(&cond);
	}
	pthread_mutex_unlock(&mtx);
	return NULL;
}

static void check_cond(void)
{
	pthread_t c[3];
	int sum = 0;

	for (int i = 0; i < 3; i++)
		pthread_create(&c[i], NULL, consumer, NULL);
	for (int v = 1; v <= 200; v++) {
		pthread_mutex_lock(&mtx);
		while (qtail - qhead == 16)
			pthread_cond_wait(&cond, &mtx);
		queue[qtail++ % 16] = v;
		sum += v;
		pthread_cond_signal(&cond);
		pthread_mutex_unlock(&mtx);
	}
	pthread_mutex_lock(&mtx);
	producer_done = true;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&mtx);
	for (int i = 0; i < 3; i++)
		pthread_join(c[i], NULL);
	report("condition variable: 200 items through 3 consumers, sum matches: %s",
	       yes_no(sum == consumed_sum && sum == 20100));
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static long rw_a, rw_b;
static bool rw_torn;

static void *rw_reader(void *arg)
{
	(void)arg;
	for (int i = 0; i < 2000; i++) {
		pthread_rwlock_rdlock(&rw);
		if (rw_a != rw_b)
			rw_torn = true;
		pthread_rwlock_unlock(&rw);
	}
	return NULL;
}

static void *rw_writer(void *arg)
{
	(void)arg;
	for (int i = 0; i < 1000; i++) {
		pthread_rwlock_wrlock(&rw);
		rw_a++;
		sched_yield();
		rw_b++;
		pthread_rwlock_unlock(&rw);
	}
	return NULL;
}

static void check_rwlock(void)
{
	pthread_t t[4];

	pthread_create(&t[0], NULL, rw_writer, NULL);
	pthread_create(&t[1], NULL, rw_writer, NULL);
	pthread_create(&t[2], NULL, rw_reader, NULL);
	pthread_create(&t[3], NULL, rw_reader, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	report("rwlock: 2 writers x 1000, readers never saw a half update: %s; total %ld",
	       yes_no(!rw_torn), rw_a);
	{
		int r1 = pthread_rwlock_rdlock(&rw), r2 = pthread_rwlock_tryrdlock(&rw);
		int w = pthread_rwlock_trywrlock(&rw);

		report("rwlock: two read locks at once: %s, %s; wrlock while read-locked: %s",
		       errname(-r1), errname(-r2), errname(-w));
	}
	pthread_rwlock_unlock(&rw);
	pthread_rwlock_unlock(&rw);
}

static pthread_barrier_t bar;
static int phase_seen[4][3];
static int phase;

static void *barrier_worker(void *arg)
{
	int me = (int)(intptr_t)arg, serial = 0;

	for (int round = 0; round < 3; round++) {
		phase_seen[me][round] = __atomic_load_n(&phase, __ATOMIC_SEQ_CST);
		if (pthread_barrier_wait(&bar) == PTHREAD_BARRIER_SERIAL_THREAD) {
			__atomic_add_fetch(&phase, 1, __ATOMIC_SEQ_CST);
			serial++;
		}
		pthread_barrier_wait(&bar);
	}
	return (void *)(intptr_t)serial;
}

static void check_barrier(void)
{
	pthread_t t[4];
	intptr_t serials = 0;
	bool ok = true;

	pthread_barrier_init(&bar, NULL, 4);
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, barrier_worker, (void *)(intptr_t)i);
	for (int i = 0; i < 4; i++) {
		void *r;

		pthread_join(t[i], &r);
		serials += (intptr_t)r;
	}
	for (int i = 0; i < 4; i++)
		for (int round = 0; round < 3; round++)
			ok &= phase_seen[i][round] == round;
	pthread_barrier_destroy(&bar);
	report("barrier: 4 threads x 3 rounds, one serial thread per round: %s, in step: %s",
	       yes_no(serials == 3), yes_no(ok));
}

static pthread_mutex_t robust;

static void *robust_owner(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&robust);
	return NULL; /* ends holding it */
}

static void check_robust(void)
{
	pthread_mutexattr_t a;
	pthread_t t;
	int rc;

	pthread_mutexattr_init(&a);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&robust, &a);
	pthread_create(&t, NULL, robust_owner, NULL);
	pthread_join(t, NULL);
	rc = pthread_mutex_lock(&robust);
	report("robust mutex whose owner exited: lock -> %s", errname(-rc));
	if (rc == EOWNERDEAD)
		pthread_mutex_consistent(&robust);
	rc = pthread_mutex_unlock(&robust);
	report("after pthread_mutex_consistent: unlock -> %s", errname(-rc));
	rc = pthread_mutex_lock(&robust);
	report("lock again -> %s", errname(-rc));
	pthread_mutex_unlock(&robust);
}

/* ---- raw futexes ---- */

static volatile uint32_t fw, fw2;

struct fwaiter {
	volatile uint32_t *word;
	uint32_t bitset;
	long rc;
};

static void *futex_waiter(void *arg)
{
	struct fwaiter *w = arg;

	do
		w->rc = futex(w->word, FUTEX_WAIT_BITSET_PRIVATE, 0, NULL, NULL, w->bitset);
	while (w->rc == 0 && *w->word == 0);
	return NULL;
}

/* Until n waiters sit on w: requeueing them onto w itself counts them without waking any. */
static void until_queued(volatile uint32_t *w, long n)
{
	while (futex(w, FUTEX_REQUEUE_PRIVATE, 0, (const void *)INT_MAX, w, 0) < n)
		sched_yield();
}

static void check_futex_errors(void)
{
	struct timespec zero = {0, 0}, bad = {0, 1000000000}, neg = {-1, 0}, past = {1, 0};
	volatile uint32_t *unaligned = (volatile uint32_t *)((char *)&fw + 1);

	fw = 1;
	report("FUTEX_WAIT, value differs -> %s",
	       errname(futex(&fw, FUTEX_WAIT, 0, NULL, NULL, 0)));
	report("FUTEX_WAIT_PRIVATE, value differs -> %s",
	       errname(futex(&fw, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0)));
	report("FUTEX_WAIT, unaligned address -> %s",
	       errname(futex(unaligned, FUTEX_WAIT, 0, NULL, NULL, 0)));
	report("FUTEX_WAIT, NULL address -> %s",
	       errname(futex(NULL, FUTEX_WAIT, 0, NULL, NULL, 0)));
	report("FUTEX_WAIT, timeout 0 -> %s", errname(futex(&fw, FUTEX_WAIT, 1, &zero, NULL, 0)));
	report("FUTEX_WAIT, tv_nsec 1e9 -> %s", errname(futex(&fw, FUTEX_WAIT, 1, &bad, NULL, 0)));
	report("FUTEX_WAIT, tv_sec -1 -> %s", errname(futex(&fw, FUTEX_WAIT, 1, &neg, NULL, 0)));
	report("FUTEX_WAIT, timeout pointer bad -> %s",
	       errname(futex(&fw, FUTEX_WAIT, 1, (void *)8, NULL, 0)));
	report("FUTEX_WAIT | FUTEX_CLOCK_REALTIME -> %s",
	       errname(futex(&fw, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 1, &zero, NULL, 0)));
	report("FUTEX_WAIT_BITSET, bitset 0 -> %s",
	       errname(futex(&fw, FUTEX_WAIT_BITSET, 1, NULL, NULL, 0)));
	report("FUTEX_WAIT_BITSET, absolute deadline in the past (monotonic) -> %s",
	       errname(futex(&fw, FUTEX_WAIT_BITSET, 1, &past, NULL, ~0u)));
	report("FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, deadline in 1970 -> %s",
	       errname(futex(&fw, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 1, &past, NULL, ~0u)));
	report("FUTEX_WAKE, nobody waits -> %ld", futex(&fw, FUTEX_WAKE, 1, NULL, NULL, 0));
	report("FUTEX_WAKE, unaligned -> %s",
	       errname(futex(unaligned, FUTEX_WAKE, 1, NULL, NULL, 0)));
	report("FUTEX_WAKE_BITSET, bitset 0 -> %s",
	       errname(futex(&fw, FUTEX_WAKE_BITSET, 1, NULL, NULL, 0)));
	report("FUTEX_REQUEUE, negative count -> %s",
	       errname(futex(&fw, FUTEX_REQUEUE, (uint32_t)-1, NULL, &fw2, 0)));
	report("FUTEX_CMP_REQUEUE, value differs -> %s",
	       errname(futex(&fw, FUTEX_CMP_REQUEUE, 1, (void *)1, &fw2, 0)));
	report("FUTEX_CMP_REQUEUE, value matches, nobody waits -> %ld",
	       futex(&fw, FUTEX_CMP_REQUEUE, 1, (void *)1, &fw2, 1));
	report("futex op 99 -> %s", errname(futex(&fw, 99, 0, NULL, NULL, 0)));
}

static void check_futex_wake_requeue(void)
{
	struct fwaiter w[3];
	pthread_t t[3];
	long n;

	fw = fw2 = 0;
	for (int i = 0; i < 3; i++) {
		w[i] = (struct fwaiter){.word = &fw, .bitset = ~0u};
		pthread_create(&t[i], NULL, futex_waiter, &w[i]);
	}
	until_queued(&fw, 3);
	fw = 1; /* a waiter woken from here on returns */
	n = futex(&fw, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)1, &fw2, 1);
	report("3 waiters: FUTEX_CMP_REQUEUE wake 1, move 1 -> %ld", n);
	report("FUTEX_WAKE on the first word, one left there -> %ld",
	       futex(&fw, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0));
	report("FUTEX_WAKE on the second word, the one moved -> %ld",
	       futex(&fw2, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0));
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	report("the 3 waiters returned 0: %s", yes_no(!w[0].rc && !w[1].rc && !w[2].rc));

	fw = 0;
	w[0] = (struct fwaiter){.word = &fw, .bitset = 0x1};
	pthread_create(&t[0], NULL, futex_waiter, &w[0]);
	until_queued(&fw, 1);
	report("waiter with bitset 0x1: FUTEX_WAKE_BITSET 0x2 -> %ld",
	       futex(&fw, FUTEX_WAKE_BITSET_PRIVATE, 1, NULL, NULL, 0x2));
	fw = 1;
	report("FUTEX_WAKE_BITSET 0x3 -> %ld",
	       futex(&fw, FUTEX_WAKE_BITSET_PRIVATE, 1, NULL, NULL, 0x3));
	pthread_join(t[0], NULL);
}

/* A shared futex word in MAP_SHARED memory: a process wakes another's wait. */
static void check_futex_shared(void)
{
	volatile uint32_t *w =
	    mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t pid;
	long n;

	if (w == MAP_FAILED)
		fatal("mmap");
	w[0] = 0;
	w[1] = 0;
	pid = fork();
	if (pid == 0) {
		long rc;

		__atomic_store_n(&w[1], 1, __ATOMIC_SEQ_CST);
		do
			rc = futex(w, FUTEX_WAIT, 0, NULL, NULL, 0);
		while (rc == 0 && w[0] == 0);
		_exit(rc == 0 || rc == -EAGAIN ? 0 : 1);
	}
	/* Until the child sleeps there: a shared requeue onto itself counts it. */
	while (futex(w, FUTEX_REQUEUE, 0, (const void *)INT_MAX, w, 0) < 1)
		sched_yield();
	__atomic_store_n(&w[0], 1, __ATOMIC_SEQ_CST);
	n = futex(w, FUTEX_WAKE, 1, NULL, NULL, 0);
	report("shared futex across fork: woken by the other process: %s", yes_no(n == 1));
	report("the child: %s", wait_for(pid));
	munmap((void *)w, 4096);
}

/* ---- signals to a thread group: stop and continue, timers ---- */

static volatile unsigned long *spins; /* MAP_SHARED: [0] the child's main thread, [1] its thread */

static void *spinner(void *arg)
{
	(void)arg;
	for (;;) /* no system call: it stops from an interrupt's way back to user mode */
		__atomic_add_fetch(&spins[1], 1, __ATOMIC_RELAXED);
	return NULL;
}

static bool both_move(void)
{
	unsigned long a = spins[0], b = spins[1];
	struct timespec ms = {0, 1000000};

	for (int i = 0; i < 10000; i++) {
		if (spins[0] != a && spins[1] != b)
			return true;
		nanosleep(&ms, NULL);
	}
	return false;
}

/*
 * SIGSTOP stops every thread of the group (Linux reports the stop once
 * all have stopped: a count frozen then stays frozen); SIGCONT lets both
 * run again.
 */
static void check_group_stop(void)
{
	struct timespec pause_ms = {0, 20000000};
	unsigned long a, b;
	int st = 0;
	pid_t pid;

	spins = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (spins == MAP_FAILED)
		fatal("mmap");
	pid = fork();
	if (pid == 0) {
		pthread_t t;

		pthread_create(&t, NULL, spinner, NULL);
		for (;;) { /* system calls: it stops on a system call's way back */
			__atomic_add_fetch(&spins[0], 1, __ATOMIC_RELAXED);
			sched_yield();
		}
	}
	while (!spins[0] || !spins[1])
		sched_yield();
	kill(pid, SIGSTOP);
	report("SIGSTOP to a process of 2 threads: waitpid(WUNTRACED) -> stopped by SIGSTOP: %s",
	       yes_no(waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st) &&
	              WSTOPSIG(st) == SIGSTOP));
	a = spins[0];
	b = spins[1];
	nanosleep(&pause_ms, NULL);
	report("while stopped, neither thread runs: main %s, thread %s", yes_no(spins[0] == a),
	       yes_no(spins[1] == b));
	kill(pid, SIGCONT);
	report("SIGCONT: waitpid(WCONTINUED) -> continued: %s",
	       yes_no(waitpid(pid, &st, WCONTINUED) == pid && WIFCONTINUED(st)));
	report("after SIGCONT both threads run: %s", yes_no(both_move()));
	kill(pid, SIGKILL);
	report("the child: %s", wait_for(pid));
	munmap((void *)spins, 4096);
}

static timer_t group_timer;
static int group_timer_rc;

static void *timer_maker(void *arg)
{
	struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1};
	struct itimerspec in = {.it_value = {0, 5000000}};

	(void)arg;
	ev.sigev_value.sival_int = 42;
	if (timer_create(CLOCK_MONOTONIC, &ev, &group_timer) ||
	    timer_settime(group_timer, 0, &in, NULL))
		group_timer_rc = -errno; /* errno is this thread's */
	return NULL;
}

/* A POSIX timer is the process's: made by a thread that then ended, it fires for the group. */
static void check_group_timer(void)
{
	sigset_t usr1, old;
	siginfo_t si;
	pthread_t t;
	int sig;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &usr1, &old);
	pthread_create(&t, NULL, timer_maker, NULL);
	pthread_join(t, NULL);
	report("a thread makes and arms a timer, then ends: %s", errname(group_timer_rc));
	memset(&si, 0, sizeof(si));
	sig = sigwaitinfo(&usr1, &si);
	report("the main thread takes its signal: SIGUSR1 %s, SI_TIMER %s, value 42 %s",
	       yes_no(sig == SIGUSR1), yes_no(si.si_code == SI_TIMER),
	       yes_no(si.si_value.sival_int == 42));
	report("the timer outlives the thread: timer_delete -> %s",
	       errname(timer_delete(group_timer) ? -errno : 0));
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* ---- clone and clone3 ---- */

static void check_clone_flags(void)
{
	static const struct {
		const char *name;
		long flags;
	} cases[] = {
	    {"CLONE_THREAD", CLONE_THREAD},
	    {"CLONE_SIGHAND", CLONE_SIGHAND},
	    {"CLONE_THREAD|CLONE_SIGHAND", CLONE_THREAD | CLONE_SIGHAND},
	    {"CLONE_FS|CLONE_NEWNS", CLONE_FS | CLONE_NEWNS},
	    {"CLONE_PIDFD|CLONE_PARENT_SETTID, same pointer", CLONE_PIDFD | CLONE_PARENT_SETTID},
	};
	struct clone_args ca;
	int ptid;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		report("clone(%s) -> %s", cases[i].name,
		       errname(sys(SYS_clone, cases[i].flags | SIGCHLD, 0, (long)&ptid, 0, 0, 0)));
	memset(&ca, 0, sizeof(ca));
	report("clone3, size 32 -> %s", errname(sys(SYS_clone3, (long)&ca, 32, 0, 0, 0, 0)));
	report("clone3, size 8192 -> %s", errname(sys(SYS_clone3, (long)&ca, 8192, 0, 0, 0, 0)));
	ca.flags = SIGCHLD;
	report("clone3, a signal in flags -> %s",
	       errname(sys(SYS_clone3, (long)&ca, sizeof(ca), 0, 0, 0, 0)));
	ca.flags = CLONE_VM | CLONE_SIGHAND | CLONE_THREAD;
	ca.exit_signal = SIGCHLD;
	report("clone3, CLONE_THREAD with an exit signal -> %s",
	       errname(sys(SYS_clone3, (long)&ca, sizeof(ca), 0, 0, 0, 0)));
	ca.flags = 0;
	ca.exit_signal = 65;
	report("clone3, exit signal 65 -> %s",
	       errname(sys(SYS_clone3, (long)&ca, sizeof(ca), 0, 0, 0, 0)));
	ca.exit_signal = SIGCHLD;
	ca.stack = 0x10000;
	report("clone3, stack without a size -> %s",
	       errname(sys(SYS_clone3, (long)&ca, sizeof(ca), 0, 0, 0, 0)));
	ca.stack = 0;
	ca.set_tid_size = 1;
	report("clone3, set_tid_size without set_tid -> %s",
	       errname(sys(SYS_clone3, (long)&ca, sizeof(ca), 0, 0, 0, 0)));
	report("clone3, bad pointer -> %s", errname(sys(SYS_clone3, 8, sizeof(ca), 0, 0, 0, 0)));
	memset(&ca, 0, sizeof(ca));
	ca.exit_signal = SIGCHLD;
	{
		long pid = sys(SYS_clone3, (long)&ca, sizeof(ca), 0, 0, 0, 0);

		if (pid == 0)
			_exit(6);
		report("clone3 as fork -> child %s", pid > 0 ? wait_for((pid_t)pid) : errname(pid));
	}
}

static volatile pid_t cleartid, parenttid, child_saw_tid;

static int clone_child(void *arg)
{
	(void)arg;
	child_saw_tid = (pid_t)syscall(SYS_gettid);
	return 0; /* glibc's clone calls exit */
}

static void check_cleartid(void)
{
	const long flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
	                   CLONE_SYSVSEM | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
	size_t size = 64 * 1024;
	char *stack = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pid_t v;
	int tid;

	if (stack == MAP_FAILED)
		fatal("mmap");
	cleartid = -1;
	tid = clone(clone_child, stack + size, (int)flags, NULL, &parenttid, NULL, &cleartid);
	report("clone(a thread with CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID) -> %s",
	       errname(tid < 0 ? -errno : 0));
	while ((v = cleartid) != 0)
		futex((volatile uint32_t *)&cleartid, FUTEX_WAIT, (uint32_t)v, NULL, NULL, 0);
	report(
	    "the thread's tid was cleared and woken at its exit: yes; parent tid was its tid: %s",
	    yes_no(parenttid == tid && child_saw_tid == tid));
	munmap(stack, size);
}

/* ---- exit, exit_group, signals, wait4 and exec in thread groups ---- */

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

struct later {
	int code;
	bool group;
};

/* Cleared by the kernel when the leader exits (its set_tid_address). */
static volatile uint32_t leader_alive;

static void *exit_later(void *arg)
{
	struct later *l = arg;
	uint32_t v;

	while ((v = leader_alive) != 0)
		futex(&leader_alive, FUTEX_WAIT, v, NULL, NULL, 0);
	syscall(l->group ? SYS_exit_group : SYS_exit, l->code);
	return NULL;
}

/* The leader leaves first, telling the thread through its clear_child_tid. */
static void leader_exit(int code)
{
	syscall(SYS_set_tid_address, &leader_alive);
	syscall(SYS_exit, code);
}

static void check_exits(void)
{
	static struct later l;
	pthread_t t;
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		pthread_create(&t, NULL, sleeper, NULL);
		syscall(SYS_exit_group, 3);
	}
	report("exit_group(3) with another thread in pause -> %s", wait_for(pid));

	pid = fork();
	if (pid == 0) {
		l = (struct later){5, false};
		leader_alive = 1;
		pthread_create(&t, NULL, exit_later, &l);
		leader_exit(9); /* the leader first: the process lives on */
	}
	report("leader exit(9), then the last thread exit(5) -> %s", wait_for(pid));

	pid = fork();
	if (pid == 0) {
		l = (struct later){7, true};
		leader_alive = 1;
		pthread_create(&t, NULL, exit_later, &l);
		leader_exit(9);
	}
	report("leader exit(9), then another thread exit_group(7) -> %s", wait_for(pid));

	pid = fork();
	if (pid == 0) {
		pthread_create(&t, NULL, sleeper, NULL);
		pthread_create(&t, NULL, sleeper, NULL);
		for (;;)
			pause();
	}
	usleep(20000);
	kill(pid, SIGKILL);
	report("SIGKILL to a process of 3 threads -> %s", wait_for(pid));
}

static void *reap_from_thread(void *arg)
{
	pid_t pid = (pid_t)(intptr_t)arg;
	int st = 0;

	return (void *)(intptr_t)(waitpid(pid, &st, 0) == pid && WIFEXITED(st) ? WEXITSTATUS(st)
	                                                                       : -1);
}

static void *ppid_of_thread(void *arg)
{
	*(pid_t *)arg = getppid();
	return NULL;
}

static void check_thread_wait(void)
{
	pthread_t t;
	pid_t pid, ppid = 0;
	void *r;

	pid = fork();
	if (pid == 0)
		_exit(11);
	pthread_create(&t, NULL, reap_from_thread, (void *)(intptr_t)pid);
	pthread_join(t, &r);
	report("a thread reaps a child the main thread forked -> exit %ld", (long)(intptr_t)r);
	pthread_create(&t, NULL, ppid_of_thread, &ppid);
	pthread_join(t, NULL);
	report("getppid in a thread is the process's parent: %s", yes_no(ppid == getppid()));
	report("tgkill(self, own tid, 0) -> %s",
	       errname(sys(SYS_tgkill, getpid(), gettid(), 0, 0, 0, 0)));
	report("tgkill(self, no such tid, 0) -> %s",
	       errname(sys(SYS_tgkill, getpid(), 0x3ffffff0, 0, 0, 0, 0)));
	report("tgkill(wrong group, own tid, 0) -> %s",
	       errname(sys(SYS_tgkill, 0x3ffffff0, gettid(), 0, 0, 0, 0)));
	report("tgkill(-1, tid, 0) -> %s", errname(sys(SYS_tgkill, -1, gettid(), 0, 0, 0, 0)));
	report("tkill(0, 0) -> %s", errname(sys(SYS_tkill, 0, 0, 0, 0, 0, 0)));
	report("set_robust_list, wrong size -> %s",
	       errname(sys(SYS_set_robust_list, 0, 23, 0, 0, 0, 0)));
}

static void *exec_from_thread(void *arg)
{
	char pidbuf[16];
	char *argv[] = {(char *)self, "--exec-child", pidbuf, NULL};

	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)(intptr_t)arg);
	execve(self, argv, environ);
	_exit(99);
}

static int exec_child(pid_t before)
{
	/* The exec'd program: the process id survived the exec from a non-leader thread. */
	return getpid() == before && gettid() == before ? 21 : 22;
}

static void check_exec_thread(void)
{
	pid_t pid = fork();
	pthread_t t;

	if (pid == 0) {
		pthread_create(&t, NULL, sleeper, NULL);
		pthread_create(&t, NULL, exec_from_thread, (void *)(intptr_t)getpid());
		for (;;)
			pause(); /* the exec ends this thread */
	}
	report("execve from a thread (another in pause): exit 21 means same pid and tid -> %s",
	       wait_for(pid));
}

static void check_spawn(void)
{
	char *argv[] = {(char *)self, "--spawn-child", NULL};
	pid_t pid;
	int rc = posix_spawn(&pid, self, NULL, NULL, argv, environ);

	report("posix_spawn -> %s, child %s", errname(-rc), rc == 0 ? wait_for(pid) : "none");
	pid = vfork();
	if (pid == 0)
		_exit(13);
	report("vfork -> child %s", wait_for(pid));
}

int main(int argc, char **argv)
{
	self = argv[0];
	if (argc == 3 && !strcmp(argv[1], "--exec-child"))
		return exec_child((pid_t)atoi(argv[2]));
	if (argc == 2 && !strcmp(argv[1], "--spawn-child"))
		return 4;
	if (argc == 2 && !strcmp(argv[1], "--sig-exec-child"))
		return thread_signals_exec_child();
	report("thread_conformance: start");
	check_create_join();
	check_cond();
	check_rwlock();
	check_barrier();
	check_robust();
	check_futex_errors();
	check_futex_wake_requeue();
	check_futex_shared();
	check_group_stop();
	check_group_timer();
	check_clone_flags();
	check_cleartid();
	check_exits();
	check_thread_wait();
	check_exec_thread();
	check_spawn();
	check_thread_signals();
	report("summary: %u checks", checks + 1);
	return 0;
}
