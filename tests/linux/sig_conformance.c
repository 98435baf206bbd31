/*
 * The signal conformance program: handlers (SA_SIGINFO's siginfo, the
 * ucontext a handler may change), masks and pending sets, SA_RESTART
 * against EINTR, SA_RESETHAND, SA_NODEFER, sigaltstack, faults that a
 * handler leaves by siglongjmp (a write to a detached System V segment),
 * alarm and setitimer, sigsuspend, sigtimedwait, sigqueue, SIGCHLD, and
 * getcontext/setcontext. One line per check, never a pid, an address or a
 * time: the transcript is the same under Linux (qemu-riscv64, natively)
 * and in the image.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>
#include "sig_conformance.h"

unsigned checks;

void report(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	if (write(1, line, (size_t)n) < 0)
		_exit(1);
	checks++;
}

const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

const char *res(long r)
{
	return r < 0 ? strerrorname_np(errno) : "ok";
}

void install(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa = {.sa_sigaction = fn, .sa_flags = flags | SA_SIGINFO};

	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL) < 0) {
		report("FATAL: sigaction(%d): %s", sig, strerrorname_np(errno));
		exit(1);
	}
}

void dfl(int sig)
{
	signal(sig, SIG_DFL);
}

sigset_t one(int sig)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, sig);
	return s;
}

/* ---- what handlers saw ---- */
volatile sig_atomic_t hits;
static volatile sig_atomic_t depth, max_depth;
volatile int seen_signo, seen_code, seen_pid, seen_uid, seen_status, seen_value;

void record(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	hits++;
	seen_signo = si->si_signo;
	seen_code = si->si_code;
	seen_pid = si->si_pid;
	seen_uid = (int)si->si_uid;
	seen_status = si->si_status;
	seen_value = si->si_value.sival_int;
	(void)sig;
}

static void test_siginfo(void)
{
	long r;

	install(SIGUSR1, record, 0);
	install(SIGRTMIN, record, 0);
	hits = 0;
	kill(getpid(), SIGUSR1);
	report(
	    "kill(self, SIGUSR1): handler ran %d time(s), si_signo SIGUSR1: %s, si_code SI_USER: "
	    "%s, si_pid is getpid(): %s, si_uid is getuid(): %s",
	    (int)hits, yes_no(seen_signo == SIGUSR1), yes_no(seen_code == SI_USER),
	    yes_no(seen_pid == getpid()), yes_no(seen_uid == (int)getuid()));
	hits = 0;
	r = tgkill(getpid(), getpid(), SIGUSR1); /* the call before reading what it did */
	report("tgkill(self, SIGUSR1): %s, si_code SI_TKILL: %s", res(r),
	       yes_no(hits == 1 && seen_code == SI_TKILL));
	hits = 0;
	r = sigqueue(getpid(), SIGRTMIN, (union sigval){.sival_int = 42});
	report(
	    "sigqueue(self, SIGRTMIN, 42): %s, handler ran: %s, si_code SI_QUEUE: %s, value 42: %s",
	    res(r), yes_no(hits == 1), yes_no(seen_code == SI_QUEUE), yes_no(seen_value == 42));
	report("kill(self, 65): %s", res(kill(getpid(), 65)));
	struct sigaction sa = {0};
	sa.sa_handler = SIG_IGN;
	report("sigaction(SIGKILL, SIG_IGN): %s", res(sigaction(SIGKILL, &sa, NULL)));
	report("sigaction(SIGSTOP, NULL, &old): %s", res(sigaction(SIGSTOP, NULL, &sa)));
	dfl(SIGUSR1);
	dfl(SIGRTMIN);
}

static void test_mask(void)
{
	sigset_t s = one(SIGUSR1), pend, old;

	install(SIGUSR1, record, 0);
	hits = 0;
	sigprocmask(SIG_BLOCK, &s, &old);
	kill(getpid(), SIGUSR1);
	kill(getpid(), SIGUSR1);
	sigpending(&pend);
	report("blocked SIGUSR1 sent twice: handler ran %d time(s), pending: %s", (int)hits,
	       yes_no(sigismember(&pend, SIGUSR1)));
	sigprocmask(SIG_SETMASK, &old, NULL);
	sigpending(&pend);
	report("unblocked: handler ran %d time(s), still pending: %s", (int)hits,
	       yes_no(sigismember(&pend, SIGUSR1)));
	sigprocmask(SIG_BLOCK, &s, NULL);
	kill(getpid(), SIGUSR1);
	signal(SIGUSR1, SIG_IGN);
	sigpending(&pend);
	report("a blocked pending signal made SIG_IGN: still pending: %s",
	       yes_no(sigismember(&pend, SIGUSR1)));
	sigprocmask(SIG_SETMASK, &old, NULL);
	sigset_t all;
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	sigprocmask(SIG_SETMASK, NULL, &s);
	report("block everything: SIGKILL blocked: %s, SIGSTOP blocked: %s, SIGUSR2 blocked: %s",
	       yes_no(sigismember(&s, SIGKILL)), yes_no(sigismember(&s, SIGSTOP)),
	       yes_no(sigismember(&s, SIGUSR2)));
	sigprocmask(SIG_SETMASK, &old, NULL);
	report("sigprocmask(how 7): %s", res(syscall(SYS_rt_sigprocmask, 7, &old, NULL, 8)));
	dfl(SIGUSR1);
}

static void nested(int sig, siginfo_t *si, void *uc)
{
	(void)si, (void)uc;
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	if (hits++ == 0)
		kill(getpid(), sig);
	depth--;
}

static void test_flags(void)
{
	struct sigaction sa;

	hits = max_depth = 0;
	install(SIGUSR2, nested, 0);
	kill(getpid(), SIGUSR2);
	report("a handler sends its own signal: ran %d times, deepest nesting %d", (int)hits,
	       (int)max_depth);
	hits = max_depth = 0;
	install(SIGUSR2, nested, SA_NODEFER);
	kill(getpid(), SIGUSR2);
	report("the same with SA_NODEFER: ran %d times, deepest nesting %d", (int)hits,
	       (int)max_depth);
	install(SIGUSR2, record, SA_RESETHAND);
	hits = 0;
	kill(getpid(), SIGUSR2);
	sigaction(SIGUSR2, NULL, &sa);
	report("SA_RESETHAND: ran %d time(s), the action is SIG_DFL now: %s, SA_SIGINFO kept: %s",
	       (int)hits, yes_no(sa.sa_handler == SIG_DFL), yes_no(sa.sa_flags & SA_SIGINFO));
	install(SIGUSR2, record, SA_RESTART | SA_ONSTACK);
	sigaction(SIGUSR2, NULL, &sa);
	report("sa_flags read back: SA_RESTART %s, SA_ONSTACK %s, SA_SIGINFO %s",
	       yes_no(sa.sa_flags & SA_RESTART), yes_no(sa.sa_flags & SA_ONSTACK),
	       yes_no(sa.sa_flags & SA_SIGINFO));
	dfl(SIGUSR2);
}

/* ---- the alternate stack ---- */
static char altstack[16384] __attribute__((aligned(16)));
static volatile int on_alt, alt_flags, alt_eperm;

static void on_stack(int sig, siginfo_t *si, void *uc)
{
	stack_t cur, ss = {.ss_sp = altstack, .ss_size = sizeof(altstack)};
	char here;

	(void)sig, (void)si, (void)uc;
	on_alt = &here > altstack && &here < altstack + sizeof(altstack);
	sigaltstack(NULL, &cur);
	alt_flags = cur.ss_flags;
	alt_eperm = sigaltstack(&ss, NULL) < 0 && errno == EPERM;
}

static void test_altstack(void)
{
	stack_t ss = {.ss_sp = altstack, .ss_size = 1024}, old;

	sigaltstack(NULL, &old);
	report("sigaltstack: none at first (SS_DISABLE): %s", yes_no(old.ss_flags == SS_DISABLE));
	report("sigaltstack of 1024 bytes: %s", res(sigaltstack(&ss, NULL)));
	ss.ss_flags = 5;
	ss.ss_size = sizeof(altstack);
	report("sigaltstack with flags 5: %s", res(sigaltstack(&ss, NULL)));
	ss.ss_flags = 0;
	report("sigaltstack of 16 KiB: %s", res(sigaltstack(&ss, NULL)));
	install(SIGUSR1, on_stack, SA_ONSTACK);
	kill(getpid(), SIGUSR1);
	report("an SA_ONSTACK handler runs on it: %s, sigaltstack says SS_ONSTACK: %s, changing it "
	       "there: EPERM: %s",
	       yes_no(on_alt), yes_no(alt_flags == SS_ONSTACK), yes_no(alt_eperm));
	install(SIGUSR1, on_stack, 0);
	kill(getpid(), SIGUSR1);
	report("without SA_ONSTACK: on it: %s, flags 0: %s", yes_no(on_alt),
	       yes_no(alt_flags == 0));
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
	sigaltstack(NULL, &old);
	report("SS_DISABLE: read back SS_DISABLE: %s, size 0: %s",
	       yes_no(old.ss_flags == SS_DISABLE), yes_no(old.ss_size == 0));
	dfl(SIGUSR1);
}

/* ---- faults ---- */
static sigjmp_buf env;
static volatile int fault_code;
static void *volatile fault_addr;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	seen_signo = sig;
	fault_code = si->si_code;
	fault_addr = si->si_addr;
	siglongjmp(env, 1);
}

/*
 * The breakpoint instruction and what Linux says of it: riscv64's ebreak
 * is TRAP_BRKPT with the pc on it; x86-64's int3 is SI_KERNEL with the pc
 * past it (the native cross-check). The handler moves the pc on and sets
 * the first argument register: sigreturn must take both.
 */
#if defined(__riscv)
#define BRK_CODE  TRAP_BRKPT
#define BRK_SKIP  4
#define PC_OF(u)  ((u)->uc_mcontext.__gregs[REG_PC])
#define ARG_OF(u) ((u)->uc_mcontext.__gregs[REG_A0])
#define BREAKPOINT(v)                                                                              \
	do {                                                                                       \
		register long a0 asm("a0") = (v);                                                  \
		asm volatile(".option push\n.option norvc\nebreak\n.option pop"                    \
		             : "+r"(a0)::"memory");                                                \
		(v) = a0;                                                                          \
	} while (0)
#elif defined(__x86_64__)
#define BRK_CODE  SI_KERNEL
#define BRK_SKIP  0
#define PC_OF(u)  ((u)->uc_mcontext.gregs[REG_RIP])
#define ARG_OF(u) ((u)->uc_mcontext.gregs[REG_RDI])
#define BREAKPOINT(v)                                                                              \
	do {                                                                                       \
		register long rdi asm("rdi") = (v);                                                \
		asm volatile("int3" : "+r"(rdi)::"memory");                                        \
		(v) = rdi;                                                                         \
	} while (0)
#elif defined(__aarch64__)
#define BRK_CODE  TRAP_BRKPT
#define BRK_SKIP  4
#define PC_OF(u)  ((u)->uc_mcontext.pc)
#define ARG_OF(u) ((u)->uc_mcontext.regs[0])
#define BREAKPOINT(v)                                                                              \
	do {                                                                                       \
		register long x0 asm("x0") = (v);                                                  \
		asm volatile("brk #0" : "+r"(x0)::"memory");                                       \
		(v) = x0;                                                                          \
	} while (0)
#endif

static void on_trap(int sig, siginfo_t *si, void *uc)
{
	ucontext_t *u = uc;

	seen_signo = sig;
	fault_code = si->si_code;
	fault_addr = si->si_addr;
	PC_OF(u) += BRK_SKIP;
	ARG_OF(u) = 1234;
}

static void test_faults(void)
{
	int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	char *seg = shmat(id, NULL, 0);
	volatile char *ro;
	sigset_t s, mask;
	int status;

	shmctl(id, IPC_RMID, NULL);
	install(SIGSEGV, on_fault, 0);
	seg[0] = 1;
	shmdt(seg);
	fault_code = 0;
	if (sigsetjmp(env, 1) == 0) {
		*(volatile char *)seg = 2;
		report("a write to a detached segment went through");
	}
	sigprocmask(SIG_SETMASK, NULL, &mask);
	report("write to a detached shm address: SIGSEGV handled: %s, SEGV_MAPERR: %s, si_addr the "
	       "address: %s, left by siglongjmp with SIGSEGV unblocked again: %s",
	       yes_no(seen_signo == SIGSEGV), yes_no(fault_code == SEGV_MAPERR),
	       yes_no(fault_addr == seg), yes_no(!sigismember(&mask, SIGSEGV)));
	ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (sigsetjmp(env, 1) == 0)
		ro[8] = 1;
	report("write to a read-only page: SEGV_ACCERR: %s, si_addr the address: %s",
	       yes_no(fault_code == SEGV_ACCERR), yes_no(fault_addr == ro + 8));
	install(SIGTRAP, on_trap, 0);
	long v = 7;
	BREAKPOINT(v);
	report("breakpoint: SIGTRAP: %s, the architecture's si_code: %s, the handler's pc and "
	       "argument register came back: %s",
	       yes_no(seen_signo == SIGTRAP), yes_no(fault_code == BRK_CODE), yes_no(v == 1234));
	dfl(SIGTRAP);
	pid_t c = fork();
	if (c == 0) {
		s = one(SIGSEGV);
		sigprocmask(SIG_BLOCK, &s, NULL);
		ro[0] = 1;
		_exit(0);
	}
	waitpid(c, &status, 0);
	report("a fault with SIGSEGV blocked kills: %s",
	       yes_no(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV));
	c = fork();
	if (c == 0) {
		signal(SIGSEGV, SIG_IGN);
		ro[0] = 1;
		_exit(0);
	}
	waitpid(c, &status, 0);
	report("a fault with SIGSEGV ignored kills: %s",
	       yes_no(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV));
	munmap((void *)ro, 4096);
	dfl(SIGSEGV);
}

/* ---- interrupted calls ---- */
static void quiet(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)si, (void)uc;
	hits++;
}

/* A child that sends SIGUSR1 to its parent after 'ms', then exits 5 'ms' later. */
static pid_t pinger(int ms)
{
	pid_t c = fork();

	if (c == 0) {
		struct timespec t = {0, ms * 1000000L};
		nanosleep(&t, NULL);
		kill(getppid(), SIGUSR1);
		nanosleep(&t, NULL);
		_exit(5);
	}
	return c;
}

static void test_restart(void)
{
	struct timespec t = {2, 0}, rem = {0, 0};
	int status = 0;
	pid_t c, r;

	hits = 0;
	install(SIGUSR1, quiet, SA_RESTART);
	c = pinger(200);
	r = waitpid(c, &status, 0);
	report(
	    "wait4 with an SA_RESTART handler: restarted and got the child: %s, handler ran: %s, "
	    "exit 5: %s",
	    yes_no(r == c), yes_no(hits == 1),
	    yes_no(WIFEXITED(status) && WEXITSTATUS(status) == 5));
	hits = 0;
	install(SIGUSR1, quiet, 0);
	c = pinger(200);
	r = waitpid(c, &status, 0);
	report("wait4 without SA_RESTART: %s, handler ran: %s",
	       r < 0 ? strerrorname_np(errno) : "ok", yes_no(hits == 1));
	waitpid(c, &status, 0);
	hits = 0;
	install(SIGUSR1, quiet, SA_RESTART);
	c = pinger(200);
	r = nanosleep(&t, &rem);
	report("nanosleep with an SA_RESTART handler: %s (never restarted), time left given: %s",
	       r < 0 ? strerrorname_np(errno) : "ok", yes_no(rem.tv_sec > 0 || rem.tv_nsec > 0));
	waitpid(c, &status, 0);
	hits = 0;
	c = pinger(200);
	r = pause();
	report("pause: %s, handler ran: %s", r < 0 ? strerrorname_np(errno) : "ok",
	       yes_no(hits == 1));
	waitpid(c, &status, 0);
	dfl(SIGUSR1);
}

/* ---- timers ---- */
static void test_timers(void)
{
	struct itimerval it = {{0, 0}, {0, 50000}}, old;
	sigset_t empty;

	install(SIGALRM, quiet, 0);
	hits = 0;
	report("setitimer(ITIMER_REAL, 50 ms): %s", res(setitimer(ITIMER_REAL, &it, NULL)));
	pause();
	getitimer(ITIMER_REAL, &old);
	report("pause woken by SIGALRM: %s, timer disarmed after it: %s", yes_no(hits == 1),
	       yes_no(old.it_value.tv_sec == 0 && old.it_value.tv_usec == 0));
	it = (struct itimerval){{0, 20000}, {0, 20000}};
	setitimer(ITIMER_REAL, &it, NULL);
	hits = 0;
	sigemptyset(&empty);
	while (hits < 3)
		sigsuspend(&empty);
	getitimer(ITIMER_REAL, &old);
	report("an interval timer fired 3 times: %s, still armed with its interval: %s",
	       yes_no(hits == 3), yes_no(old.it_interval.tv_usec == 20000));
	it = (struct itimerval){0};
	setitimer(ITIMER_REAL, &it, &old);
	report("disarmed, old interval given: %s", yes_no(old.it_interval.tv_usec == 20000));
	hits = 0;
	report("alarm(10) first: %u", alarm(10));
	report("alarm(0) then: between 1 and 10: %s", yes_no(alarm(0) >= 9));
	report("setitimer(7): %s", res(setitimer(7, &it, NULL)));
	dfl(SIGALRM);
}

/* ---- POSIX timers ---- */
static void test_posix_timers(void)
{
	struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGRTMIN + 1};
	struct itimerspec its = {{0, 0}, {0, 30000000}}, cur;
	sigset_t s = one(SIGRTMIN + 1), old, empty;
	struct timespec now;
	timer_t t, tn;
	int r;

	ev.sigev_value.sival_int = 77;
	install(SIGRTMIN + 1, record, 0);
	sigprocmask(SIG_BLOCK, &s, &old);
	sigemptyset(&empty);
	report("timer_create(CLOCK_MONOTONIC, SIGEV_SIGNAL): %s",
	       res(timer_create(CLOCK_MONOTONIC, &ev, &t)));
	hits = 0;
	timer_settime(t, 0, &its, NULL);
	while (!hits)
		sigsuspend(&empty);
	report("it fired once: %s, SI_TIMER: %s, value 77: %s", yes_no(hits == 1),
	       yes_no(seen_code == SI_TIMER), yes_no(seen_value == 77));
	clock_gettime(CLOCK_MONOTONIC, &now);
	its.it_value.tv_sec = now.tv_sec + (now.tv_nsec + 30000000) / 1000000000;
	its.it_value.tv_nsec = (now.tv_nsec + 30000000) % 1000000000;
	hits = 0;
	report("timer_settime(TIMER_ABSTIME): %s",
	       res(timer_settime(t, TIMER_ABSTIME, &its, NULL)));
	while (!hits)
		sigsuspend(&empty);
	report("the absolute time came: %s", yes_no(hits == 1));
	its = (struct itimerspec){{0, 10000000}, {0, 10000000}};
	timer_settime(t, 0, &its, NULL);
	struct timespec d = {0, 100000000};
	siginfo_t si;
	nanosleep(&d, NULL);
	r = sigwaitinfo(&s, &si);
	report("a 10 ms timer blocked for 100 ms: its signal taken: %s, si_overrun counted: %s, "
	       "timer_getoverrun too: %s",
	       yes_no(r == SIGRTMIN + 1), yes_no(si.si_overrun >= 1),
	       yes_no(timer_getoverrun(t) >= 1));
	its = (struct itimerspec){{0, 10000000}, {1, 0}};
	timer_settime(t, 0, &its, NULL);
	timer_gettime(t, &cur);
	report("timer_gettime: interval 10 ms: %s, value at most 1 s: %s",
	       yes_no(cur.it_interval.tv_nsec == 10000000),
	       yes_no(cur.it_value.tv_sec == 0 ||
	              (cur.it_value.tv_sec == 1 && !cur.it_value.tv_nsec)));
	r = timer_delete(t);
	report("timer_delete: %s", res(r));
	r = timer_delete(t);
	report("timer_delete again: %s", res(r));
	ev.sigev_notify = SIGEV_NONE;
	timer_create(CLOCK_REALTIME, &ev, &tn);
	its = (struct itimerspec){{0, 0}, {5, 0}};
	timer_settime(tn, 0, &its, NULL);
	timer_gettime(tn, &cur);
	report("SIGEV_NONE: counts down from 5 s: %s",
	       yes_no(cur.it_value.tv_sec <= 5 &&
	              (cur.it_value.tv_sec > 0 || cur.it_value.tv_nsec > 0)));
	timer_delete(tn);
	report("timer_create(clock 99): %s", res(timer_create(99, &ev, &tn)));
	ev.sigev_notify = 77;
	report("timer_create(notify 77): %s", res(timer_create(CLOCK_REALTIME, &ev, &tn)));
	sigprocmask(SIG_SETMASK, &old, NULL);
	dfl(SIGRTMIN + 1);
}

/* ---- waiting for signals ---- */
static void test_wait(void)
{
	sigset_t s = one(SIGUSR2), old, now, empty;
	struct timespec t = {0, 10000000};
	siginfo_t si;
	int status, r;

	sigprocmask(SIG_BLOCK, &s, &old);
	kill(getpid(), SIGUSR2);
	r = sigtimedwait(&s, &si, &t);
	report("sigtimedwait for a pending SIGUSR2: %s, SI_USER: %s", yes_no(r == SIGUSR2),
	       yes_no(si.si_code == SI_USER));
	r = sigtimedwait(&s, &si, &t);
	report("sigtimedwait with nothing pending, 10 ms: %s",
	       r < 0 ? strerrorname_np(errno) : "a signal");
	pid_t c = fork();
	if (c == 0) {
		struct timespec d = {0, 50000000};
		nanosleep(&d, NULL);
		kill(getppid(), SIGUSR2);
		_exit(0);
	}
	r = sigwaitinfo(&s, &si);
	report("sigtimedwait for a blocked SIGUSR2 a child sends: %s, si_pid the child: %s",
	       yes_no(r == SIGUSR2), yes_no(si.si_pid == c));
	waitpid(c, &status, 0);
	install(SIGUSR2, quiet, 0);
	hits = 0;
	c = fork();
	if (c == 0) {
		struct timespec d = {0, 50000000};
		nanosleep(&d, NULL);
		kill(getppid(), SIGUSR2);
		_exit(0);
	}
	sigemptyset(&empty);
	r = sigsuspend(&empty);
	report("sigsuspend(empty) with SIGUSR2 blocked: %s, handler ran: %s",
	       r < 0 ? strerrorname_np(errno) : "ok", yes_no(hits == 1));
	sigprocmask(SIG_SETMASK, NULL, &now);
	report("the mask is back after sigsuspend (SIGUSR2 blocked): %s",
	       yes_no(sigismember(&now, SIGUSR2)));
	waitpid(c, &status, 0);
	sigprocmask(SIG_SETMASK, &old, NULL);
	dfl(SIGUSR2);
}

static void test_context(void)
{
	static volatile int n;
	ucontext_t uc;

	n = 0;
	getcontext(&uc);
	if (++n < 3)
		setcontext(&uc);
	report("getcontext/setcontext loop ran %d times", n);
}

static void test_exec_fork(void)
{
	struct sigaction sa;
	int status;

	install(SIGUSR1, record, 0);
	signal(SIGUSR2, SIG_IGN);
	pid_t c = fork();
	if (c == 0) {
		sigset_t pend;
		sigaction(SIGUSR1, NULL, &sa);
		sigpending(&pend);
		_exit((sa.sa_sigaction == record ? 1 : 0) | (sigisemptyset(&pend) ? 2 : 0));
	}
	waitpid(c, &status, 0);
	report("fork copies the handler: %s, starts with nothing pending: %s",
	       yes_no(WEXITSTATUS(status) & 1), yes_no(WEXITSTATUS(status) & 2));
	dfl(SIGUSR1);
	dfl(SIGUSR2);
}

int main(void)
{
	report("sig_conformance: start");
	test_siginfo();
	test_mask();
	test_flags();
	test_altstack();
	test_faults();
	test_restart();
	test_timers();
	test_posix_timers();
	test_wait();
	test_sigchld();
	test_job_control();
	test_restart_block();
	test_orphaned_stopped_group();
	test_context();
	test_exec_fork();
	report("summary: %u checks", checks + 1);
	return 0;
}
