/*
 * System V shared memory calls: ipc-shm does the work; this supplies its
 * locks (locks.c), clock and caller, and each process's IPC namespace (a
 * reference in struct lx_proc: fork shares it, CLONE_NEWIPC and
 * unshare(CLONE_NEWIPC) make a new one, exec keeps it, exit drops it).
 */
#include <hal/time.h>
#include <klib/errno.h>
#include <klib/string.h>
#include <linux-abi/linux_abi.h>
#include <page-alloc/page_alloc.h>
#include <linux-arch/unistd.h>
#include "abi_internal.h"

#ifdef CONFIG_IPC_SHM

/* The initial IPC namespace (Linux's init_ipc_ns): the first process's. */
static struct shm_ns *init_ns;

static int64_t now(void *ctx)
{
	(void)ctx;
	return (int64_t)(hal_time_realtime_ns() / 1000000000ull);
}

static int32_t current_pid(void *ctx)
{
	struct process *p = process_current();

	(void)ctx;
	return p ? process_tgid(p) : 0; /* Linux's task_tgid_vnr: lpid and cpid name processes */
}

static const struct shm_ops ops = {
    .lock_create = lx_lock_create,
    .lock_destroy = lx_lock_destroy,
    .lock = lx_lock,
    .unlock = lx_unlock,
    .now = now,
    .current_pid = current_pid,
    .held = lx_lock_held,
};

int lx_shm_setup(void)
{
	return shm_ns_create(&init_ns, NULL, &ops);
}

static void caller_of(struct process *p, struct shm_caller *c)
{
	const struct cred *cr = &lx(p)->cred;

	*c = (struct shm_caller){
	    .pid = process_tgid(p),
	    .euid = cr->euid,
	    .egid = cr->egid,
	    .groups = cr->groups,
	    .ngroups = cr->ngroups,
	    .memlock_limit = lx(p)->rlim[LX_RLIMIT_MEMLOCK].cur,
	    .uid = cr->ruid,
	    .as = p->as,
	    .task = &lx(p)->shm,
	};
	if (cred_capable(cr, CRED_CAP_IPC_OWNER))
		c->caps |= SHM_CAP_IPC_OWNER;
	if (cred_capable(cr, CRED_CAP_SYS_ADMIN))
		c->caps |= SHM_CAP_SYS_ADMIN;
	if (cred_capable(cr, CRED_CAP_IPC_LOCK))
		c->caps |= SHM_CAP_IPC_LOCK;
}

long lx_sys_shm(struct process *p, unsigned long nr, const unsigned long *a)
{
	struct shm_ns *ns = lx(p)->shm_ns;
	struct shm_caller c;

	switch (nr) {
	case NR_shmget:
	case NR_shmat:
	case NR_shmdt:
	case NR_shmctl:
		break;
	default:
		return -ENOSYS;
	}
	caller_of(p, &c);
	switch (nr) {
	case NR_shmget:
		return shm_get(ns, &c, (int32_t)a[0], a[1], (int)a[2]);
	case NR_shmat:
		return shm_at(ns, &c, (int)a[0], a[1], (int)a[2]);
	case NR_shmdt:
		return shm_dt(ns, &c, a[0]);
	default:
		return shm_ctl_user(ns, &c, (int)a[0], (int)a[1], a[2]);
	}
}

/* A new state's: the parent's namespace (copied with the state at fork), or the initial one. */
void lx_shm_init_task(struct process *p)
{
	struct lx_proc *s = lx(p);

	shm_task_init(&s->shm);
	if (!s->shm_ns)
		s->shm_ns = init_ns;
	shm_ns_get(s->shm_ns);
}

/* As Linux's do_exit: exit_shm, then exit_task_namespaces. */
void lx_shm_exit(struct process *p)
{
	struct lx_proc *s = lx(p);

	shm_task_exit(s->shm_ns, &s->shm);
	shm_ns_put(s->shm_ns);
	s->shm_ns = NULL;
}

void lx_shm_release(struct lx_proc *s)
{
	/* A fork that failed before its child ran: it created nothing. */
	if (s->shm_ns)
		shm_ns_put(s->shm_ns);
	s->shm_ns = NULL;
}

int lx_shm_ns_new(struct shm_ns **out)
{
	return shm_ns_create(out, NULL, &ops);
}

void lx_shm_ns_put(struct shm_ns *ns)
{
	shm_ns_put(ns);
}

/* clone(CLONE_NEWIPC): the child, which has run nothing and created nothing, enters ns. */
void lx_shm_enter(struct process *child, struct shm_ns *ns)
{
	shm_ns_put(lx(child)->shm_ns);
	lx(child)->shm_ns = ns;
}

/*
 * unshare(CLONE_NEWIPC), as ksys_unshare: exit_shm (the segments p created
 * in the old namespace become orphans there), shm_init_task, then the
 * switch, which drops p's reference on the old one.
 */
void lx_shm_unshare(struct process *p, struct shm_ns *ns)
{
	struct lx_proc *s = lx(p);

	shm_task_exit(s->shm_ns, &s->shm);
	shm_task_init(&s->shm);
	shm_ns_put(s->shm_ns);
	s->shm_ns = ns;
}

struct shm_ns *lx_shm_ns(struct process *p)
{
	return p && p->abi ? lx(p)->shm_ns : init_ns;
}

uint64_t lx_shm_pages(void)
{
	return shm_frames();
}

size_t linux_abi_shm_segments(void)
{
	struct shm_info info;
	struct shm_caller c = {.caps = SHM_CAP_IPC_OWNER | SHM_CAP_SYS_ADMIN};

	return shm_ctl(init_ns, &c, 0, SHM_INFO, &info) >= 0 ? info.used_ids : 0;
}

void lx_shm_shutdown(void)
{
	if (init_ns)
		shm_ns_put(init_ns);
	init_ns = NULL;
}

#else /* no ipc-shm: the calls do not exist */

int lx_shm_setup(void)
{
	return 0;
}
long lx_sys_shm(struct process *p, unsigned long nr, const unsigned long *a)
{
	(void)p;
	(void)nr;
	(void)a;
	return -ENOSYS;
}
void lx_shm_init_task(struct process *p)
{
	(void)p;
}
void lx_shm_exit(struct process *p)
{
	(void)p;
}
void lx_shm_release(struct lx_proc *s)
{
	(void)s;
}
size_t linux_abi_shm_segments(void)
{
	return 0;
}
uint64_t lx_shm_pages(void)
{
	return 0;
}
void lx_shm_shutdown(void)
{
}

#endif
