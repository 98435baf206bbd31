/*
 * What the hostile programs share: one line per check, "<prog>: <what>:
 * <outcome>", and a last line "<prog>: <n> checks, <m> failed". An
 * outcome is what the call returned as Linux reports it: an errno name
 * ("EPERM"), a number, or a fact ("yes", "killed by signal 9"). A check
 * that fails adds " (want <outcome>)". The values wanted are Linux 6.12's
 * (each program also runs on Linux itself, tests/linux/README.md), so the
 * line of a passing check is the same on both kernels.
 *
 * Child processes make checks too: they print their own lines and exit
 * with the number that failed, which the parent checks in turn.
 */
#ifndef ATTACK_H
#define ATTACK_H

#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *attack_prog = "attack";
static int attack_checks, attack_failed;

/* Linux's names for the errnos these programs can see. */
static inline const char *errno_name(int e)
{
	static const char *const names[] = {
	    [EPERM] = "EPERM",
	    [ENOENT] = "ENOENT",
	    [ESRCH] = "ESRCH",
	    [EINTR] = "EINTR",
	    [EIO] = "EIO",
	    [ENXIO] = "ENXIO",
	    [E2BIG] = "E2BIG",
	    [ENOEXEC] = "ENOEXEC",
	    [EBADF] = "EBADF",
	    [ECHILD] = "ECHILD",
	    [EAGAIN] = "EAGAIN",
	    [ENOMEM] = "ENOMEM",
	    [EACCES] = "EACCES",
	    [EFAULT] = "EFAULT",
	    [EBUSY] = "EBUSY",
	    [EEXIST] = "EEXIST",
	    [ENOTDIR] = "ENOTDIR",
	    [EISDIR] = "EISDIR",
	    [EINVAL] = "EINVAL",
	    [ENOTTY] = "ENOTTY",
	    [ESPIPE] = "ESPIPE",
	    [ERANGE] = "ERANGE",
	    [ENAMETOOLONG] = "ENAMETOOLONG",
	    [ENOSYS] = "ENOSYS",
	    [EIDRM] = "EIDRM",
	};
	static char other[16];

	if (e > 0 && e < (int)(sizeof(names) / sizeof(names[0])) && names[e])
		return names[e];
	snprintf(other, sizeof(other), "errno %d", e);
	return other;
}

/* A rotating set of buffers, so several outcomes can be formatted for one line. */
static inline char *attack_buf(void)
{
	static char bufs[8][64];
	static unsigned next;

	return bufs[next++ % 8];
}

/* The outcome of a call that returns -1 and sets errno on failure. */
static inline const char *rc_str(long rc, int err)
{
	char *b = attack_buf();

	if (rc == -1)
		return errno_name(err);
	snprintf(b, 64, "%ld", rc);
	return b;
}

/* Evaluate a call with errno cleared first, and format its outcome. */
#define OUTCOME(call) (errno = 0, attack_outcome((long)(call)))
static inline const char *attack_outcome(long rc)
{
	return rc_str(rc, errno);
}

static inline const char *wait_str(int st)
{
	char *b = attack_buf();

	if (WIFEXITED(st))
		snprintf(b, 64, "exited %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(b, 64, "killed by signal %d", WTERMSIG(st));
	else
		snprintf(b, 64, "status 0x%x", st);
	return b;
}

/* An address the compiler cannot see through (bad pointers on purpose). */
static inline void *bad_ptr(unsigned long v)
{
	volatile unsigned long x = v;

	return (void *)x;
}

/* Addresses no user program may touch (in every riscv64 Linux's kernel half), or that are unmapped.
 */
#define KERNEL_ADDR 0xffffffc000000000ul
#define LOW_ADDR    8ul

static inline const char *yes(bool v)
{
	return v ? "yes" : "no";
}

/* One check: print it, count it. Returns whether it passed. */
__attribute__((format(printf, 3, 4))) static inline bool check(const char *got, const char *want,
                                                               const char *fmt, ...)
{
	char what[160];
	va_list ap;
	bool ok = strcmp(got, want) == 0;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	attack_checks++;
	if (!ok)
		attack_failed++;
	printf("%s: %s: %s%s%s%s\n", attack_prog, what, got, ok ? "" : " (want ", ok ? "" : want,
	       ok ? "" : ")");
	return ok;
}

/* The last line; the exit status for main(). */
static inline int attack_summary(void)
{
	printf("%s: %d checks, %d failed\n", attack_prog, attack_checks, attack_failed);
	return attack_failed != 0;
}

/* Line-buffered output that reaches the console before a fork copies it. */
static inline void attack_start(const char *name)
{
	attack_prog = name;
	setvbuf(stdout, NULL, _IONBF, 0);
}

/* fork(), or a failed check and exit. */
static inline pid_t attack_fork(void)
{
	pid_t c = fork();

	if (c < 0) {
		printf("%s: FATAL: fork: %s\n", attack_prog, errno_name(errno));
		exit(2);
	}
	if (c == 0)
		attack_checks = attack_failed = 0; /* a child counts its own */
	return c;
}

/* A child that exits with the number of its failed checks. */
static inline __attribute__((noreturn)) void child_done(void)
{
	_exit(attack_failed > 255 ? 255 : attack_failed);
}

/* Wait for c; its status string. */
static inline const char *reap(pid_t c)
{
	int st = 0;

	if (waitpid(c, &st, 0) != c)
		return errno_name(errno);
	return wait_str(st);
}

/* Idle until killed, without sleeping (a process any kernel can kill at its next trap). */
static inline __attribute__((noreturn)) void spin_forever(void)
{
	for (;;)
		sched_yield();
}

/* Sleep for an hour, again and again (what only a kernel whose sleeps are killable can end). */
static inline __attribute__((noreturn)) void sleep_forever(void)
{
	for (;;) {
		struct timespec t = {3600, 0};
		nanosleep(&t, NULL);
	}
}

/* Short sleeps to let other processes run (never a timing assertion). */
static inline void nap_ms(long ms)
{
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000};
	nanosleep(&t, NULL);
}

/*
 * A page of memory shared with every later child (System V shm: after an
 * exec the new program can attach it again by its id, which a shared
 * mapping would not allow; Linux lets a segment marked for removal be
 * attached while it has attachments).
 */
static inline volatile int *shared_words(int *id)
{
	int shm = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	void *p = shm < 0 ? (void *)-1 : shmat(shm, NULL, 0);

	if (p == (void *)-1) {
		printf("%s: FATAL: shared memory: %s\n", attack_prog, errno_name(errno));
		exit(2);
	}
	shmctl(shm, IPC_RMID, NULL); /* gone with the last detach */
	if (id)
		*id = shm;
	return p;
}

/* Yield until *w == v (another process sets it). */
static inline void await_word(volatile int *w, int v)
{
	while (__atomic_load_n(w, __ATOMIC_ACQUIRE) != v)
		sched_yield();
}

static inline void set_word(volatile int *w, int v)
{
	__atomic_store_n(w, v, __ATOMIC_RELEASE);
}

#endif
