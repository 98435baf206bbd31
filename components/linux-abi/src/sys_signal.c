/*
 * The signal calls: arguments decoded and user memory checked here, the
 * signals themselves in process (signal.c sends them, sigdeliver.c runs
 * handlers, itimer.c is ITIMER_REAL). Errnos in Linux's order of checks
 * (kernel/signal.c, kernel/time/itimer.c).
 */
#include <hal/time.h>
#include <klib/errno.h>
#include <klib/string.h>
#include <linux-arch/unistd.h>
#include <task/wait.h>
#include "abi_internal.h"

#define NSEC            1000000000ull
#define ITIMER_REAL     0
#define ITIMER_VIRTUAL  1
#define ITIMER_PROF     2
#define CLOCK_REALTIME  0
#define CLOCK_MONOTONIC 1
#define CLOCK_BOOTTIME  7
#define TIMER_ABSTIME   1
/* The sa_flags Linux keeps (UAPI_SA_FLAGS): others read back as 0. */
#define SA_KNOWN                                                                                   \
	(PROCESS_SA_NOCLDSTOP | PROCESS_SA_NOCLDWAIT | PROCESS_SA_SIGINFO | PROCESS_SA_ONSTACK |   \
	 PROCESS_SA_RESTART | PROCESS_SA_NODEFER | PROCESS_SA_RESETHAND | PROCESS_SA_RESTORER |    \
	 0x00000400u /* SA_UNSUPPORTED */ | 0x00000800u /* SA_EXPOSE_TAGBITS */)

/* struct sigaction as the architecture's Linux lays it out: handler, flags, [restorer,] mask. */
#ifdef LINUX_ARCH_SA_RESTORER
#define SIGACTION_WORDS 4
#else
#define SIGACTION_WORDS 3
#endif

static void act_decode(const uint64_t w[SIGACTION_WORDS], struct process_sigaction *a)
{
	a->handler = w[0];
	a->flags = w[1] & SA_KNOWN & ~0x00000400u; /* Linux clears SA_UNSUPPORTED */
	a->mask = w[SIGACTION_WORDS - 1];
	a->restorer = SIGACTION_WORDS == 4 ? w[2] : 0;
#ifndef LINUX_ARCH_SA_RESTORER
	a->flags &= ~PROCESS_SA_RESTORER; /* no field to take it from */
#endif
}

static void act_encode(const struct process_sigaction *a, uint64_t w[SIGACTION_WORDS])
{
	w[0] = a->handler;
	w[1] = a->flags;
	w[SIGACTION_WORDS - 1] = a->mask;
	if (SIGACTION_WORDS == 4)
		w[2] = a->restorer;
}

static long do_sigaction(struct process *p, int sig, uintptr_t uact, uintptr_t uold, size_t setsize)
{
	uint64_t w[SIGACTION_WORDS];
	struct process_sigaction act, old;
	int rc;

	/* Linux's order: the size, the new action, the signal; the old action is
	 * written last, so a bad address there fails after the change. */
	if (setsize != 8)
		return -EINVAL;
	if (uact) {
		if (lx_copy_in(p, w, uact, sizeof(w)) < 0)
			return -EFAULT;
		act_decode(w, &act);
	}
	if ((rc = process_sigaction(p, sig, uact ? &act : NULL, &old)) < 0)
		return rc;
	act_encode(&old, w);
	if (uold && lx_copy_out(p, uold, w, sizeof(w)) < 0)
		return -EFAULT;
	return 0;
}

static long do_sigprocmask(struct process *p, int how, uintptr_t uset, uintptr_t uold,
                           size_t setsize)
{
	uint64_t set, old;
	int rc;

	/* Linux's order: the size, the new set, how, and only then the old set. */
	if (setsize != 8)
		return -EINVAL;
	if (uset && lx_copy_in(p, &set, uset, 8) < 0)
		return -EFAULT;
	if ((rc = process_sigmask(p, how, uset ? &set : NULL, &old)) < 0)
		return rc;
	if (uold && lx_copy_out(p, uold, &old, 8) < 0)
		return -EFAULT;
	return 0;
}

/* rt_sigpending: the pending signals the process blocks. */
static long do_sigpending(struct process *p, uintptr_t uset, size_t setsize)
{
	uint64_t set;

	if (setsize > 8)
		return -EINVAL;
	set = process_sigpending(p);
	return lx_copy_out(p, uset, &set, setsize) < 0 ? -EFAULT : 0;
}

/* stack_t: ss_sp, ss_flags (int, padded), ss_size. */
static long do_sigaltstack(struct process *p, uintptr_t uss, uintptr_t uold)
{
	struct process_sigstack ss, old;
	uint64_t w[3];
	int rc;

	if (uss) {
		if (lx_copy_in(p, w, uss, sizeof(w)) < 0)
			return -EFAULT;
		ss = (struct process_sigstack){w[0], (int)(uint32_t)w[1], w[2]};
	}
	rc = process_sigaltstack(p, hal_user_sp(&p->uc), uss ? &ss : NULL, &old);
	if (rc == 0 && uold) {
		w[0] = old.sp;
		w[1] = (uint32_t)old.flags;
		w[2] = old.size;
		if (lx_copy_out(p, uold, w, sizeof(w)) < 0)
			return -EFAULT;
	}
	return rc;
}

static long do_sigsuspend(struct process *p, uintptr_t umask, size_t setsize)
{
	uint64_t mask;

	if (setsize != 8)
		return -EINVAL;
	if (lx_copy_in(p, &mask, umask, 8) < 0)
		return -EFAULT;
	return process_sigsuspend(p, mask);
}

/* A struct timespec into ns: -EFAULT, -EINVAL for a negative or unnormalized one. */
static int get_ts(struct process *p, uintptr_t uts, uint64_t *ns)
{
	int64_t ts[2];

	if (lx_copy_in(p, ts, uts, sizeof(ts)) < 0)
		return -EFAULT;
	if (ts[0] < 0 || ts[1] < 0 || ts[1] >= (int64_t)NSEC)
		return -EINVAL;
	*ns = (uint64_t)ts[0] > UINT64_MAX / NSEC - 1 ? UINT64_MAX
	                                              : (uint64_t)ts[0] * NSEC + (uint64_t)ts[1];
	return 0;
}

/* A relative timeout into a deadline on hal_time_ns() (0 stays 0: do not wait). */
static uint64_t deadline_of(uint64_t ns)
{
	uint64_t now = hal_time_ns();

	if (ns == 0)
		return 0;
	return ns > UINT64_MAX - now ? TASK_FOREVER : now + ns;
}

static long do_sigtimedwait(struct process *p, const unsigned long *a)
{
	uint8_t out[PROCESS_SIGINFO_SIZE];
	struct process_siginfo info;
	uint64_t set, ns = 0, deadline = TASK_FOREVER;
	int sig;

	if (a[3] != 8)
		return -EINVAL;
	if (lx_copy_in(p, &set, a[0], 8) < 0)
		return -EFAULT;
	if (a[2]) {
		int rc = get_ts(p, a[2], &ns);
		if (rc < 0)
			return rc;
		deadline = deadline_of(ns);
	}
	sig = process_sigtimedwait(p, set, deadline, &info);
	if (sig > 0 && a[1]) {
		process_siginfo_encode(&info, out);
		if (lx_copy_out(p, a[1], out, sizeof(out)) < 0)
			return -EFAULT;
	}
	return sig;
}

/*
 * rt_sigqueueinfo (tgid -1: to the process pid) and rt_tgsigqueueinfo (to
 * the thread pid of group tgid alone, as tgkill; Linux's
 * do_rt_sigqueueinfo and do_rt_tgsigqueueinfo): the caller's siginfo, but
 * a process may not pose as the kernel or as kill (si_code >= 0) or tkill
 * to another: -EPERM.
 */
static long do_sigqueueinfo(struct process *p, int32_t tgid, int32_t pid, int sig, uintptr_t uinfo)
{
	uint8_t in[PROCESS_SIGINFO_SIZE];
	struct process_siginfo info = {.signo = sig};
	int32_t code;
	uint64_t value;

	if (lx_copy_in(p, in, uinfo, sizeof(in)) < 0)
		return -EFAULT;
	memcpy(&code, in + 8, 4);
	memcpy(&info.pid, in + 16, 4);
	memcpy(&info.uid, in + 20, 4);
	memcpy(&value, in + 24, 8);
	memcpy(&info.err, in + 4, 4);
	info.code = code;
	info.value = value;
	if (tgid >= 0 && (pid <= 0 || tgid <= 0))
		return -EINVAL; /* tgsigqueueinfo: one thread only */
	if ((code >= 0 || code == PROCESS_SI_TKILL) && pid != p->pid)
		return -EPERM;
	if (tgid >= 0)
		return process_kill_thread(p, tgid, pid, &info);
	if (pid <= 0)
		return -ESRCH; /* kill_proc_info finds no such process */
	return process_kill_info(p, pid, &info);
}

/* struct itimerval: two struct timeval (interval first, then value). */
static long put_itimer(struct process *p, uintptr_t u, uint64_t value, uint64_t interval)
{
	int64_t tv[4] = {(int64_t)(interval / NSEC), (int64_t)(interval % NSEC / 1000),
	                 (int64_t)(value / NSEC), (int64_t)(value % NSEC / 1000)};

	return lx_copy_out(p, u, tv, sizeof(tv)) < 0 ? -EFAULT : 0;
}

static int get_tv(const int64_t tv[2], uint64_t *ns)
{
	if (tv[0] < 0 || tv[1] < 0 || tv[1] >= 1000000)
		return -EINVAL;
	*ns = (uint64_t)tv[0] > UINT64_MAX / NSEC - 1
	          ? UINT64_MAX
	          : (uint64_t)tv[0] * NSEC + (uint64_t)tv[1] * 1000;
	return 0;
}

/*
 * setitimer/getitimer: ITIMER_REAL only; ITIMER_VIRTUAL and ITIMER_PROF
 * need per-process CPU time accounting to fire, which this kernel does
 * not keep: -EINVAL, documented in docs/linux-programs.md.
 */
static long do_setitimer(struct process *p, int which, uintptr_t unew, uintptr_t uold)
{
	uint64_t value = 0, interval = 0, ov, oi;
	int64_t tv[4];
	long rc;

	if (unew && lx_copy_in(p, tv, unew, sizeof(tv)) < 0)
		return -EFAULT;
	if (which != ITIMER_REAL)
		return -EINVAL;
	if (unew && ((rc = get_tv(tv, &interval)) < 0 || (rc = get_tv(tv + 2, &value)) < 0))
		return rc;
	if (!unew) { /* Linux: a NULL new value disarms */
		value = 0;
		interval = 0;
	}
	if ((rc = process_setitimer(p, value, interval, &ov, &oi)) < 0)
		return rc;
	return uold ? put_itimer(p, uold, ov, oi) : 0;
}

static long do_getitimer(struct process *p, int which, uintptr_t uval)
{
	uint64_t value, interval;

	if (which != ITIMER_REAL)
		return -EINVAL;
	process_getitimer(p, &value, &interval);
	return put_itimer(p, uval, value, interval);
}

/* struct itimerspec: interval, then value (two struct timespec). */
static long put_itimerspec(struct process *p, uintptr_t u, uint64_t value, uint64_t interval)
{
	int64_t ts[4] = {(int64_t)(interval / NSEC), (int64_t)(interval % NSEC),
	                 (int64_t)(value / NSEC), (int64_t)(value % NSEC)};

	return lx_copy_out(p, u, ts, sizeof(ts)) < 0 ? -EFAULT : 0;
}

/*
 * timer_create (Linux's do_timer_create): CLOCK_REALTIME or
 * CLOCK_MONOTONIC; struct sigevent's value, signo, notify: SIGEV_SIGNAL
 * (signo 1..64), SIGEV_NONE, or SIGEV_THREAD_ID with the thread at offset
 * 16 (a thread of the caller's group, else -EINVAL); none given is
 * SIGEV_SIGNAL, SIGALRM, the id as value. SIGEV_THREAD is glibc's (made
 * of SIGEV_THREAD_ID): given to the kernel, Linux's good_sigevent takes
 * it as SIGEV_SIGNAL.
 */
static long do_timer_create(struct process *p, int clk, uintptr_t usev, uintptr_t uid)
{
	int sigev = PROCESS_SIGEV_SIGNAL, signo = PROCESS_SIGALRM, id;
	int32_t tid = 0;
	uint64_t value = 0;
	bool own_value = !usev;

	if (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC && clk != CLOCK_BOOTTIME)
		return -EINVAL; /* the CPU-time and alarm clocks have no timers here */
	if (usev) {
		uint8_t ev[64];
		if (lx_copy_in(p, ev, usev, sizeof(ev)) < 0)
			return -EFAULT;
		memcpy(&value, ev, 8);
		memcpy(&signo, ev + 8, 4);
		memcpy(&sigev, ev + 12, 4);
		memcpy(&tid, ev + 16, 4);
		if (sigev == 2) /* SIGEV_THREAD */
			sigev = PROCESS_SIGEV_SIGNAL;
		if (sigev != PROCESS_SIGEV_SIGNAL && sigev != PROCESS_SIGEV_NONE &&
		    sigev != PROCESS_SIGEV_THREAD_ID)
			return -EINVAL;
		if (sigev != PROCESS_SIGEV_NONE && (signo < 1 || signo > LX_NSIG))
			return -EINVAL;
	}
	if ((id = process_timer_create(p, clk, sigev, signo, tid, value, own_value)) < 0)
		return id;
	if (lx_copy_out(p, uid, &id, sizeof(id)) < 0) {
		process_timer_delete(p, id);
		return -EFAULT;
	}
	return 0;
}

static long do_timer_settime(struct process *p, int id, int flags, uintptr_t unew, uintptr_t uold)
{
	uint64_t interval, value, ov, oi;
	int64_t ts[4];
	long rc;

	if (lx_copy_in(p, ts, unew, sizeof(ts)) < 0)
		return -EFAULT;
	if (ts[0] < 0 || ts[1] < 0 || ts[1] >= (int64_t)NSEC || ts[2] < 0 || ts[3] < 0 ||
	    ts[3] >= (int64_t)NSEC)
		return -EINVAL;
	interval = (uint64_t)ts[0] * NSEC + (uint64_t)ts[1];
	value = (uint64_t)ts[2] * NSEC + (uint64_t)ts[3];
	if (value && (flags & TIMER_ABSTIME)) { /* the clock's time into time from now */
		uint64_t now;
		int clk = process_timer_clock(p, id);
		if (clk < 0)
			return clk;
		if ((rc = lx_clock_now(p, clk, &now)) < 0)
			return rc;
		value = value > now ? value - now : 1;
	}
	if ((rc = process_timer_set(p, id, value, interval, &ov, &oi)) < 0)
		return rc;
	return uold ? put_itimerspec(p, uold, ov, oi) : 0;
}

/* Linux's kill_ok_by_cred: the sender's real or effective uid is the
 * target's real or saved uid, or the sender has CAP_KILL. The target's
 * effective uid and the sender's saved uid do not count. */
bool lx_may_signal(struct process *from, struct process *to)
{
	const struct cred *c = &lx(from)->cred, *t = to->abi ? &lx(to)->cred : NULL;

	if (t &&
	    (c->euid == t->suid || c->euid == t->ruid || c->ruid == t->suid || c->ruid == t->ruid))
		return true;
	return cred_capable(c, CRED_CAP_KILL);
}

uint32_t lx_sig_uid(struct process *p)
{
	return p->abi ? lx(p)->cred.ruid : 0;
}

/*
 * restart_syscall: the rest of the call a signal interrupted, once (the
 * signal code sent the thread here). Called by a program on its own, or
 * after a handler ran, there is nothing to go on with: -EINTR, as Linux's
 * do_no_restart_syscall.
 */
static long do_restart_syscall(struct process *p)
{
	struct process_restart r = p->restart;

	p->restart.fn = NULL;
	return r.fn ? r.fn(p, &r) : -EINTR;
}

long lx_sys_signal(struct process *p, unsigned long nr, const unsigned long *a)
{
	switch (nr) {
	case NR_rt_sigaction:
		return do_sigaction(p, (int)a[0], a[1], a[2], a[3]);
	case NR_rt_sigprocmask:
		return do_sigprocmask(p, (int)a[0], a[1], a[2], a[3]);
	case NR_rt_sigpending:
		return do_sigpending(p, a[0], a[1]);
	case NR_sigaltstack:
		return do_sigaltstack(p, a[0], a[1]);
	case NR_rt_sigreturn:
		return process_sigreturn(p);
	case NR_restart_syscall:
		return do_restart_syscall(p);
	case NR_rt_sigsuspend:
		return do_sigsuspend(p, a[0], a[1]);
	case NR_rt_sigtimedwait:
		return do_sigtimedwait(p, a);
	case NR_rt_sigqueueinfo:
		return do_sigqueueinfo(p, -1, (int32_t)a[0], (int)a[1], a[2]);
	case NR_rt_tgsigqueueinfo:
		return do_sigqueueinfo(p, (int32_t)a[0], (int32_t)a[1], (int)a[2], a[3]);
	case NR_setitimer:
		return do_setitimer(p, (int)a[0], a[1], a[2]);
	case NR_getitimer:
		return do_getitimer(p, (int)a[0], a[1]);
	case NR_timer_create:
		return do_timer_create(p, (int)a[0], a[1], a[2]);
	case NR_timer_settime:
		return do_timer_settime(p, (int)a[0], (int)a[1], a[2], a[3]);
	case NR_timer_gettime: {
		uint64_t value, interval;
		long rc = process_timer_get(p, (int)a[0], &value, &interval);
		return rc < 0 ? rc : put_itimerspec(p, a[1], value, interval);
	}
	case NR_timer_getoverrun:
		return process_timer_overrun(p, (int)a[0]);
	case NR_timer_delete:
		return process_timer_delete(p, (int)a[0]);
	default:
		return -ENOSYS;
	}
}
