/* Process calls: execve, wait4, kill, pids, groups and sessions, limits,
 * uname, getrandom. */
#include <klib/compiler.h>
#include <klib/errno.h>
#include <klib/log.h>
#include <klib/string.h>
#include <page-alloc/page_alloc.h>
#include <process/ustack.h>
#include <random/random.h>
#include <hal/smp.h>
#include <task/task.h>
#include <linux-arch/abi.h>
#include <linux-arch/unistd.h>
#include "abi_internal.h"

#define WNOHANG     1
#define WUNTRACED   2
#define WCONTINUED  8
#define __WALL      0x40000000
#define __WCLONE    0x80000000
#define __WNOTHREAD 0x20000000
#define PATH_MAX    4096

/* A pointer of a user argv/envp array. */
static long get_ptr(struct process *p, uintptr_t uv, size_t i, uintptr_t *ptr)
{
	uint64_t v;

	if (lx_copy_in(p, &v, uv + i * 8, 8) < 0)
		return -EFAULT;
	*ptr = v;
	return 0;
}

/* Linux's count(): the pointers up to NULL; -EFAULT, -E2BIG past MAX_ARG_STRINGS, -EINTR. */
static long count_ptrs(struct process *p, uintptr_t uv)
{
	uintptr_t ptr;
	size_t n = 0;

	for (; uv; n++) {
		if (get_ptr(p, uv, n, &ptr) < 0)
			return -EFAULT;
		if (!ptr)
			break;
		if (n >= USTACK_ARG_STRINGS_MAX)
			return -E2BIG;
		if (n % 1024 == 1023 && (task_interrupts(task_current()) & TASK_INTR_FATAL))
			return -EINTR; /* a long count ends when the caller is to die */
	}
	return (long)n;
}

/* Linux's copy_strings: n strings of the array, last first, onto the new stack. */
static long push_strings(struct process *p, struct process_exec *x, uintptr_t uv, size_t n)
{
	uintptr_t ptr;
	long rc;

	while (n-- > 0) {
		if (get_ptr(p, uv, n, &ptr) < 0)
			return -EFAULT;
		if ((rc = process_exec_push_user(x, ptr)) < 0)
			return rc;
	}
	return 0;
}

/*
 * execve in Linux's order (do_execveat_common): the path (-EFAULT,
 * -ENAMETOOLONG, "" is -ENOENT), the program (-ENOENT), the counts of argv
 * and envp (-EFAULT, -E2BIG), the limit from RLIMIT_STACK (-E2BIG), the
 * strings (-EFAULT, -E2BIG), and only then the file as a program.
 */
static long do_execve(struct process *p, const unsigned long *a)
{
	struct process_exec *x;
	long rc, argc, envc;
	char *path = NULL;

	if ((rc = lx_strdup_in(p, a[0], PATH_MAX, &path)) < 0)
		return rc;
	rc = -ENOENT;
	if (!path[0] || (rc = process_exec_open(p, path, &x)) < 0)
		goto out;
	if ((rc = argc = count_ptrs(p, a[1])) < 0 || (rc = envc = count_ptrs(p, a[2])) < 0 ||
	    (rc = process_exec_args(x, (size_t)argc, (size_t)envc,
	                            lx(p)->rlim[LX_RLIMIT_STACK].cur)) < 0 ||
	    (rc = push_strings(p, x, a[2], (size_t)envc)) < 0 ||
	    (rc = push_strings(p, x, a[1], (size_t)argc)) < 0) {
		process_exec_abort(x);
		goto out;
	}
	rc = process_exec_run(x);
out:
	kfree(path);
	return rc; /* on success, a0 of the new program: Linux starts it with 0 */
}

static long do_wait4(struct process *p, const unsigned long *a)
{
	int32_t pid = (int32_t)a[0];
	unsigned long options = a[2];
	int status = 0;
	long rc;

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL))
		return -EINVAL;
	if (pid == INT32_MIN) /* Linux: -INT_MIN overflows */
		return -ESRCH;
	rc =
	    process_wait(p, pid, (unsigned)(options & (WNOHANG | WUNTRACED | WCONTINUED)), &status);
	if (rc == -EINTR)
		return -ERESTARTSYS; /* a handler with SA_RESTART waits again, as Linux's do_wait */
	if (rc > 0 && a[1] && lx_copy_out(p, a[1], &status, sizeof(status)) < 0)
		return -EFAULT;
	if (rc > 0 && a[3]) { /* struct rusage: all zero (no accounting per process yet) */
		uint8_t ru[144] = {0};
		if (lx_copy_out(p, a[3], ru, sizeof(ru)) < 0)
			return -EFAULT;
	}
	return rc;
}

/* tkill/tgkill (Linux's do_tkill): to the thread alone (its own pending set). */
static long do_tkill(struct process *p, int32_t tgid, int32_t tid, int sig, bool with_tgid)
{
	struct process_siginfo info = {
	    .signo = sig, .code = PROCESS_SI_TKILL, .pid = process_tgid(p)};

	if (with_tgid && tgid <= 0)
		return -EINVAL;
	info.uid = lx(p)->cred.ruid;
	return process_kill_thread(p, with_tgid ? tgid : 0, tid, &info);
}

static long do_prlimit(struct process *p, int32_t pid, unsigned res, uintptr_t unew, uintptr_t uold)
{
	struct lx_proc *s = lx(p);
	struct lx_rlimit nl;

	if (res >= LX_RLIM_NLIMITS)
		return -EINVAL;
	if (unew) {
		if (lx_copy_in(p, &nl, unew, sizeof(nl)) < 0)
			return -EFAULT;
		if (nl.cur > nl.max)
			return -EINVAL;
		if (res == LX_RLIMIT_NOFILE && nl.max > CONFIG_VFS_NR_OPEN)
			return -EPERM; /* fs.nr_open */
	}
	if (pid != 0 && pid != process_tgid(p))
		return process_find(pid) ? -EPERM : -ESRCH; /* another process's limits: not here */
	if (uold && lx_copy_out(p, uold, &s->rlim[res], sizeof(s->rlim[res])) < 0)
		return -EFAULT;
	if (unew) {
		/* Raising the hard limit needs CAP_SYS_RESOURCE (24). */
		if (nl.max > s->rlim[res].max && !cred_capable(&s->cred, 24))
			return -EPERM;
		s->rlim[res] = nl;
	}
	return 0;
}

static long do_uname(struct process *p, uintptr_t ubuf)
{
	static const char *const fields[6] = {"Linux",         NULL, LX_UTS_RELEASE, LX_UTS_VERSION,
	                                      LINUX_ARCH_NAME, NULL};
	char buf[6 * LX_UTS_LEN];

	memset(buf, 0, sizeof(buf));
	for (int i = 0; i < 6; i++)
		if (fields[i])
			kstrlcpy(buf + i * LX_UTS_LEN, fields[i], LX_UTS_LEN);
	/* nodename and domainname: kernel.hostname and kernel.domainname */
	lx_uts(buf + 1 * LX_UTS_LEN, buf + 5 * LX_UTS_LEN);
	return lx_copy_out(p, ubuf, buf, sizeof(buf));
}

/* prctl: what /proc depends on (dumpable, the name); anything else is -EINVAL. */
static long do_prctl(struct process *p, int option, unsigned long arg2)
{
	enum { PR_GET_DUMPABLE = 3, PR_SET_DUMPABLE = 4, PR_SET_NAME = 15, PR_GET_NAME = 16 };
	char comm[16];

	switch (option) {
	case PR_GET_DUMPABLE:
		return lx(p)->dumpable;
	case PR_SET_DUMPABLE:
		if (arg2 > 1) /* SUID_DUMP_DISABLE or SUID_DUMP_USER */
			return -EINVAL;
		lx(p)->dumpable = arg2;
		return 0;
	case PR_SET_NAME:
		memset(comm, 0, sizeof(comm));
		for (size_t i = 0; i + 1 < sizeof(comm); i++) { /* strncpy_from_user, 15 bytes */
			if (lx_copy_in(p, &comm[i], arg2 + i, 1) < 0)
				return -EFAULT;
			if (!comm[i])
				break;
		}
		memcpy(p->comm, comm, sizeof(comm));
		return 0;
	case PR_GET_NAME:
		memcpy(comm, p->comm, sizeof(comm));
		comm[sizeof(comm) - 1] = '\0';
		return lx_copy_out(p, arg2, comm, sizeof(comm));
	default:
		return -EINVAL;
	}
}

/* getrandom's flags (uapi/linux/random.h) and the most one call returns (MAX_RW_COUNT). */
#define GRND_NONBLOCK   0x0001
#define GRND_RANDOM     0x0002
#define GRND_INSECURE   0x0004
#define LX_MAX_RW_COUNT 0x7ffff000ul

/*
 * Copy a stream of output out, page by page of the user range so that a
 * fault leaves an exact count (Linux's copy_to_iter is exact to the byte
 * before the fault; the copies here fail a page at a time). Stops early,
 * with what it copied, when a fatal signal is pending (Linux checks
 * signal_pending every page).
 */
static long getrandom_copy(struct process *p, uintptr_t ubuf, size_t len)
{
	struct random_stream st;
	uint8_t chunk[256];
	size_t done = 0;

	random_stream_start(&st);
	while (done < len) {
		uintptr_t at = ubuf + done;
		size_t to_page = PAGE_SIZE - (at & (PAGE_SIZE - 1));
		size_t n = MIN(MIN(len - done, sizeof(chunk)), to_page);

		random_stream_read(&st, chunk, n);
		if (lx_copy_out(p, at, chunk, n) < 0)
			break;
		done += n;
		if ((done & (PAGE_SIZE - 1)) == 0 &&
		    (task_interrupts(task_current()) & TASK_INTR_FATAL))
			break;
	}
	random_stream_end(&st);
	kmemzero_explicit(chunk, sizeof(chunk));
	return done ? (long)done : -EFAULT;
}

/* Linux's getrandom(2) (drivers/char/random.c), its checks in its order. */
static long do_getrandom(struct process *p, uintptr_t ubuf, size_t len, unsigned flags)
{
	if (flags & ~(unsigned)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	/* Insecure and blocking at once make no sense. */
	if ((flags & (GRND_INSECURE | GRND_RANDOM)) == (GRND_INSECURE | GRND_RANDOM))
		return -EINVAL;
	if (!random_ready() && !(flags & GRND_INSECURE)) {
		if (flags & GRND_NONBLOCK)
			return -EAGAIN;
		if (random_wait_ready() < 0)
			return -EAGAIN; /* a clock with no jitter at all: see random_wait_ready */
	}
	/* import_ubuf: the length capped, then access_ok over the user range. */
	len = MIN(len, LX_MAX_RW_COUNT);
	if (ubuf > as_user_top() || len > as_user_top() - ubuf)
		return -EFAULT;
	if (len == 0)
		return 0;
	return getrandom_copy(p, ubuf, len);
}

/*
 * CPU affinity. The kernel's mask is one hal_cpumask_t (CONFIG_NR_CPUS is
 * at most 64): Linux's cpumask_size() here is 8 bytes, and nr_cpu_ids the
 * CPUs online (none is ever hot-plugged). A thread is named by its tid, 0
 * for the caller.
 */
#define LX_CPUMASK_SIZE sizeof(hal_cpumask_t)

/* The thread's task, with the process lock held (process_lock), or NULL: -ESRCH. */
static struct task *affinity_target_locked(struct process *p, int32_t tid)
{
	struct process *t = tid ? process_find(tid) : p;

	return t && !t->thread_exited ? t->task : NULL;
}

/*
 * Linux's sched_getaffinity: -EINVAL if the buffer holds fewer bits than
 * there are CPUs or is not a whole number of longs, -ESRCH, -EFAULT;
 * else the bytes written (the kernel's mask size, or len if smaller).
 */
static long do_sched_getaffinity(struct process *p, int32_t tid, size_t len, uintptr_t umask)
{
	hal_cpumask_t mask = 0;
	unsigned long flags;
	struct task *t;

	if (len * 8 < hal_cpu_count() || (len & (sizeof(long) - 1)))
		return -EINVAL;
	if (tid < 0)
		return -ESRCH; /* find_process_by_pid finds no negative pid */
	flags = process_lock();
	t = affinity_target_locked(p, tid);
	if (t)
		mask = task_affinity(t) & hal_cpu_online_mask();
	process_unlock(flags);
	if (!t)
		return -ESRCH;
	len = MIN(len, LX_CPUMASK_SIZE);
	if (lx_copy_out(p, umask, &mask, len) < 0)
		return -EFAULT;
	return (long)len;
}

/* Linux's check_same_owner, or CAP_SYS_NICE. */
static bool may_set_affinity(const struct cred *c, const struct cred *tc)
{
	return c->euid == tc->euid || c->euid == tc->ruid ||
	       (c->cap_effective & (1ull << CRED_CAP_SYS_NICE));
}

/*
 * Linux's sched_setaffinity: the user's mask first (-EFAULT; a short one is
 * zero-extended, bits past the kernel's mask ignored), then -ESRCH, -EPERM,
 * and -EINVAL when no CPU of it is online. The caller itself has moved to a
 * CPU of the set when this returns.
 */
static long do_sched_setaffinity(struct process *p, int32_t tid, size_t len, uintptr_t umask)
{
	hal_cpumask_t mask = 0;
	unsigned long flags;
	struct process *tp;
	struct task *t;
	long rc;

	if (lx_copy_in(p, &mask, umask, MIN(len, LX_CPUMASK_SIZE)) < 0)
		return -EFAULT;
	if (tid < 0)
		return -ESRCH;
	flags = process_lock();
	tp = tid ? process_find(tid) : p;
	t = affinity_target_locked(p, tid);
	if (!t)
		rc = -ESRCH;
	else if (!may_set_affinity(&lx(p)->cred, &lx(tp)->cred))
		rc = -EPERM;
	else if (t != task_current())
		rc = task_set_affinity(t, mask); /* the task stays while the lock is held */
	else
		rc = 1; /* the caller: moved below, where it may be preempted */
	process_unlock(flags);
	if (rc == 1)
		rc = task_set_affinity(t, mask);
	return rc;
}

/* Linux's getcpu: the CPU the caller runs on (it may move the moment after), node 0. */
static long do_getcpu(struct process *p, uintptr_t ucpu, uintptr_t unode)
{
	unsigned long flags = hal_irq_save();
	unsigned cpu = hal_cpu_id(), node = 0;

	hal_irq_restore(flags);
	if (ucpu && lx_copy_out(p, ucpu, &cpu, sizeof(cpu)) < 0)
		return -EFAULT;
	if (unode && lx_copy_out(p, unode, &node, sizeof(node)) < 0)
		return -EFAULT;
	return 0;
}

long lx_sys_proc(struct process *p, unsigned long nr, const unsigned long *a)
{
	switch (nr) {
	case NR_execve:
		return do_execve(p, a);
	case NR_wait4:
		return do_wait4(p, a);
	case NR_kill:
		return process_kill(p, (int32_t)a[0], (int)a[1]);
	case NR_tkill:
		return do_tkill(p, 0, (int32_t)a[0], (int)a[1], false);
	case NR_tgkill:
		return do_tkill(p, (int32_t)a[0], (int32_t)a[1], (int)a[2], true);
	case NR_getpid:
		return process_tgid(p);
	case NR_getppid: {
		unsigned long fl = process_lock();
		long ppid = p->leader->parent ? p->leader->parent->pid : 0;
		process_unlock(fl);
		return ppid;
	}
	case NR_getpgid:
		return process_getpgid(p, (int32_t)a[0]);
	case NR_getsid:
		return process_getsid(p, (int32_t)a[0]);
	case NR_setpgid:
		return process_setpgid(p, (int32_t)a[0], (int32_t)a[1]);
	case NR_setsid:
		return process_setsid(p);
	case NR_sched_yield:
		task_yield();
		return 0;
	case NR_sched_getaffinity:
		/* Linux takes the length as an unsigned int. */
		return do_sched_getaffinity(p, (int32_t)a[0], (unsigned)a[1], a[2]);
	case NR_sched_setaffinity:
		return do_sched_setaffinity(p, (int32_t)a[0], (unsigned)a[1], a[2]);
	case NR_getcpu:
		return do_getcpu(p, a[0], a[1]);
	case NR_prlimit64:
		return do_prlimit(p, (int32_t)a[0], (unsigned)a[1], a[2], a[3]);
	case NR_getrlimit:
		return do_prlimit(p, 0, (unsigned)a[0], 0, a[1]);
	case NR_setrlimit:
		return do_prlimit(p, 0, (unsigned)a[0], a[1], 0);
	case NR_uname:
		return do_uname(p, a[0]);
	case NR_getrandom:
		return do_getrandom(p, a[0], a[1], (unsigned)a[2]);
	case NR_prctl:
		return do_prctl(p, (int)a[0], a[1]);
	default:
		return -ENOSYS;
	}
}
