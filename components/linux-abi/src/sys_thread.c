/*
 * Threads and futexes: clone, clone3, unshare, exit, set_tid_address,
 * set_robust_list, get_robust_list, gettid, futex (Linux's kernel/fork.c,
 * kernel/futex/syscalls.c). A thread group shares one struct lx_proc.
 */
#include <klib/errno.h>
#include <klib/log.h>
#include <klib/string.h>
#include <hal/time.h>
#include <process/futex.h>
#include <vfs/fdtable.h>
#include <linux-arch/abi.h>
#include <linux-arch/unistd.h>
#include "abi_internal.h"
#include "clone_flags.h"

/* What clone promises the child before it runs. */
struct clone_req {
	struct process *parent;
	struct lx_clone c;
#ifdef CONFIG_IPC_SHM
	struct shm_ns *ipc; /* CLONE_NEWIPC's namespace until the child takes it */
#endif
};

static void clone_prepare(struct process *child, void *arg)
{
	struct clone_req *r = arg;
	int32_t tid = child->pid;

	if (r->c.stack)
		hal_user_set_sp(&child->uc, r->c.stack);
	if (r->c.flags & CLONE_SETTLS)
		hal_user_set_tls(&child->uc, r->c.tls);
	/* Before the child can run (and exit, clearing it): Linux's copy_process writes it there.
	 */
	if (r->c.flags & CLONE_PARENT_SETTID)
		lx_copy_out(r->parent, r->c.parent_tid, &tid, sizeof(tid));
	if (r->c.flags & CLONE_CHILD_SETTID)
		as_copy_to_user(child->as, r->c.child_tid, &tid,
		                sizeof(tid)); /* Linux ignores a fault */
	if (r->c.flags & CLONE_CHILD_CLEARTID)
		child->clear_child_tid = r->c.child_tid;
	/* A process with CLONE_FILES or CLONE_FS (no thread): the parent's, shared, not copies. */
	if (!(r->c.flags & CLONE_THREAD) && (r->c.flags & CLONE_FILES)) {
		vfs_fdt_put(lx(child)->files);
		lx(child)->files = vfs_fdt_share(lx(r->parent)->files);
	}
	if (!(r->c.flags & CLONE_THREAD) && (r->c.flags & CLONE_FS)) {
		vfs_fs_put(lx(child)->fs);
		lx(child)->fs = vfs_fs_share(lx(r->parent)->fs);
	}
#ifdef CONFIG_IPC_SHM
	if (r->ipc) {
		lx_shm_enter(child, r->ipc);
		r->ipc = NULL;
	}
#endif
}

static bool sys_admin(struct process *p)
{
	return cred_capable(&lx(p)->cred, CRED_CAP_SYS_ADMIN);
}

static long do_clone_common(struct process *p, struct lx_clone *c)
{
	struct clone_req r = {.parent = p, .c = *c};
	const char *why = NULL;
	unsigned pf = 0;
	long rc;

	if ((rc = lx_clone_check(c, p->pid == 1, sys_admin(p), &why)) < 0) {
		if (why) /* Linux accepts it: say why this kernel does not */
			klog_warn("linux-abi", "[%d] %s: clone flags 0x%llx: %s", p->pid, p->comm,
			          (unsigned long long)c->flags, why);
		return rc;
	}
	if (c->flags & CLONE_THREAD)
		pf |= PROCESS_CLONE_THREAD;
	if (c->flags & CLONE_VFORK)
		pf |= PROCESS_CLONE_VFORK;
#ifdef CONFIG_IPC_SHM
	if ((c->flags & CLONE_NEWIPC) && (rc = lx_shm_ns_new(&r.ipc)) < 0)
		return rc;
	rc = process_clone(p, pf, clone_prepare, &r);
	if (r.ipc) /* the clone failed before the child took it */
		lx_shm_ns_put(r.ipc);
	return rc;
#else
	if (c->flags & CLONE_NEWIPC)
		return -EINVAL; /* Linux without CONFIG_IPC_NS (copy_ipcs) */
	return process_clone(p, pf, clone_prepare, &r);
#endif
}

/* Does p's thread group have no other thread (Linux's thread_group_empty)? */
static bool single_threaded(struct process *p)
{
	unsigned long flags = process_lock();
	bool single = p->leader->nr_threads == 1;

	process_unlock(flags);
	return single;
}

/*
 * unshare(flags), Linux's ksys_unshare. Of what it can unshare, only the
 * IPC namespace is done here; CLONE_SYSVSEM has no undo list to leave (no
 * semaphores), and CLONE_THREAD, CLONE_SIGHAND and CLONE_VM mean nothing to
 * do in a single-threaded process, as on Linux.
 */
static long do_unshare(struct process *p, uint64_t flags)
{
	const char *why;
	long f = lx_unshare_check(flags, single_threaded(p), sys_admin(p), &why);

	if (f < 0) {
		if (why)
			klog_warn("linux-abi", "[%d] %s: unshare flags 0x%llx: %s", p->pid, p->comm,
			          (unsigned long long)flags, why);
		return f;
	}
	if (f & CLONE_NEWIPC) {
#ifdef CONFIG_IPC_SHM
		struct shm_ns *ns;
		int rc = lx_shm_ns_new(&ns);

		if (rc < 0)
			return rc;
		lx_shm_unshare(p, ns);
#else
		return -EINVAL; /* Linux without CONFIG_IPC_NS */
#endif
	}
	return 0;
}

/*
 * clone(flags, newsp, parent_tid, ...): tls and child_tid come in the
 * architecture's order (linux-arch/abi.h: CONFIG_CLONE_BACKWARDS's, or
 * Linux's default); 32-bit flags.
 */
static long do_clone(struct process *p, const unsigned long *a)
{
	uint32_t fl = (uint32_t)a[0];
	struct lx_clone c = {
	    .flags = fl & ~(uint32_t)CSIGNAL,
	    .exit_signal = fl & CSIGNAL,
	    .stack = a[1],
	    .parent_tid = a[2],
	    .pidfd = a[2],
	    .tls = a[LINUX_ARCH_CLONE_TLS_ARG],
	    .child_tid = a[LINUX_ARCH_CLONE_CHILD_TID_ARG],
	};

	return do_clone_common(p, &c);
}

/* struct clone_args, as far as Linux 6.12 goes (CLONE_ARGS_SIZE_VER2). */
struct clone_args_user {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
	uint64_t set_tid, set_tid_size, cgroup;
};

/* Linux's copy_clone_args_from_user: sizes, unknown tail bytes, then the fields. */
static long do_clone3(struct process *p, uintptr_t uargs, size_t size)
{
	struct clone_args_user ua;
	struct lx_clone c;
	uint8_t b;
	int rc;

	if (size > PAGE_SIZE)
		return -E2BIG;
	if (size < 64) /* CLONE_ARGS_SIZE_VER0 */
		return -EINVAL;
	memset(&ua, 0, sizeof(ua));
	if (lx_copy_in(p, &ua, uargs, MIN(size, sizeof(ua))) < 0)
		return -EFAULT;
	for (size_t i = sizeof(ua); i < size; i++) { /* a newer program's fields must be zero */
		if (lx_copy_in(p, &b, uargs + i, 1) < 0)
			return -EFAULT;
		if (b)
			return -E2BIG;
	}
	c = (struct lx_clone){
	    .flags = ua.flags,
	    .exit_signal = ua.exit_signal,
	    .stack = ua.stack,
	    .stack_size = ua.stack_size,
	    .parent_tid = ua.parent_tid,
	    .pidfd = ua.pidfd,
	    .tls = ua.tls,
	    .child_tid = ua.child_tid,
	    .set_tid = ua.set_tid,
	    .set_tid_size = ua.set_tid_size,
	    .cgroup = ua.cgroup,
	    .clone3 = true,
	};
	if ((rc = lx_clone3_check(&c)) < 0)
		return rc;
	if (c.stack && !lx_access_ok(c.stack, c.stack_size))
		return -EINVAL; /* clone3_stack_valid */
	if (c.stack)
		c.stack += c.stack_size; /* the stack grows down from its end */
	return do_clone_common(p, &c);
}

/* Linux's get_robust_list: pid 0 or a thread of the caller; another process needs CAP_SYS_PTRACE.
 */
static long do_get_robust_list(struct process *p, int32_t pid, uintptr_t uhead, uintptr_t ulen)
{
	unsigned long flags = process_lock();
	struct process *t = pid ? process_find(pid) : p;
	uint64_t head, len = 3 * sizeof(uint64_t);
	long rc = 0;

	if (!t)
		rc = -ESRCH;
	else if (t->leader != p->leader && !cred_capable(&lx(p)->cred, 19)) /* CAP_SYS_PTRACE */
		rc = -EPERM;
	else
		head = t->robust_list;
	process_unlock(flags);
	if (rc == 0 && (rc = lx_copy_out(p, ulen, &len, sizeof(len))) == 0)
		rc = lx_copy_out(p, uhead, &head, sizeof(head));
	return rc;
}

#define FUTEX_CMD_MASK       0x7f
#define FUTEX_PRIVATE_FLAG   128
#define FUTEX_CLOCK_REALTIME 256
enum {
	FUTEX_WAIT = 0,
	FUTEX_WAKE = 1,
	FUTEX_REQUEUE = 3,
	FUTEX_CMP_REQUEUE = 4,
	FUTEX_LOCK_PI = 6,
	FUTEX_WAIT_BITSET = 9,
	FUTEX_WAKE_BITSET = 10,
	FUTEX_WAIT_REQUEUE_PI = 11,
	FUTEX_LOCK_PI2 = 13,
};

static bool has_timeout(int cmd)
{
	return cmd == FUTEX_WAIT || cmd == FUTEX_LOCK_PI || cmd == FUTEX_LOCK_PI2 ||
	       cmd == FUTEX_WAIT_BITSET || cmd == FUTEX_WAIT_REQUEUE_PI;
}

/* Linux's futex_init_timeout: a deadline on hal_time_ns (FUTEX_WAIT's is relative). */
static long futex_deadline(struct process *p, int cmd, int op, uintptr_t uts, uint64_t *deadline)
{
	int64_t ts[2];
	uint64_t ns, now, real;

	if (lx_copy_in(p, ts, uts, sizeof(ts)) < 0)
		return -EFAULT;
	if (ts[0] < 0 || ts[1] < 0 || ts[1] >= 1000000000)
		return -EINVAL;
	ns = (uint64_t)ts[0] > (UINT64_MAX - (uint64_t)ts[1]) / 1000000000ull
	         ? UINT64_MAX - 1
	         : (uint64_t)ts[0] * 1000000000ull + (uint64_t)ts[1];
	now = hal_time_ns();
	if (cmd == FUTEX_WAIT) {
		*deadline = ns > UINT64_MAX - 1 - now ? UINT64_MAX - 1 : now + ns;
	} else if (op & FUTEX_CLOCK_REALTIME) {
		real = hal_time_realtime_ns();
		*deadline = ns <= real ? now
		                       : (ns - real > UINT64_MAX - 1 - now ? UINT64_MAX - 1
		                                                           : now + (ns - real));
	} else {
		*deadline = ns;
	}
	return 0;
}

static long do_futex(struct process *p, const unsigned long *a)
{
	uintptr_t uaddr = a[0], uaddr2 = a[4];
	int op = (int)a[1], cmd = op & FUTEX_CMD_MASK;
	uint32_t val = (uint32_t)a[2], val2 = (uint32_t)a[3], val3 = (uint32_t)a[5];
	bool shared = !(op & FUTEX_PRIVATE_FLAG);
	uint64_t deadline = TASK_FOREVER;
	long rc;

	if (a[3] && has_timeout(cmd) && (rc = futex_deadline(p, cmd, op, a[3], &deadline)) < 0)
		return rc;
	if ((op & FUTEX_CLOCK_REALTIME) && cmd != FUTEX_WAIT_BITSET &&
	    cmd != FUTEX_WAIT_REQUEUE_PI && cmd != FUTEX_LOCK_PI2)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
		val3 = FUTEX_BITSET_MATCH_ANY;
		/* fall through */
	case FUTEX_WAIT_BITSET:
		return futex_wait(p->as, uaddr, shared, val, deadline, val3);
	case FUTEX_WAKE:
		val3 = FUTEX_BITSET_MATCH_ANY;
		/* fall through */
	case FUTEX_WAKE_BITSET:
		return futex_wake(p->as, uaddr, shared, (int)val, val3);
	case FUTEX_REQUEUE:
		return futex_requeue(p->as, uaddr, uaddr2, shared, (int)val, (int)val2, NULL);
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(p->as, uaddr, uaddr2, shared, (int)val, (int)val2, &val3);
	default: /* FUTEX_WAKE_OP and the priority-inheritance calls: not in this kernel */
		return -ENOSYS;
	}
}

long lx_sys_thread(struct process *p, unsigned long nr, const unsigned long *a)
{
	switch (nr) {
	case NR_clone:
		return do_clone(p, a);
	case NR_clone3:
		return do_clone3(p, a[0], a[1]);
	case NR_unshare:
		return do_unshare(p, a[0]);
	case NR_exit:
		process_thread_exit(p, (int)((a[0] & 0xff) << 8));
	case NR_exit_group:
		process_exit(p, (int)((a[0] & 0xff) << 8));
	case NR_gettid:
		return p->pid;
	case NR_set_tid_address:
		p->clear_child_tid = a[0];
		return p->pid;
	case NR_set_robust_list:
		if (a[1] != 3 * sizeof(uint64_t)) /* sizeof(struct robust_list_head) */
			return -EINVAL;
		p->robust_list = a[0];
		p->robust_len = a[1];
		return 0;
	case NR_get_robust_list:
		return do_get_robust_list(p, (int32_t)a[0], a[1], a[2]);
	case NR_futex:
		return do_futex(p, a);
	default:
		return -ENOSYS;
	}
}
