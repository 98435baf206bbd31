/* The process core's test system-call layer (core_abi.h). */
#include "core_abi.h"
#include <klib/errno.h>
#include <page-alloc/page_alloc.h>
#include <task/task.h>

struct core_abi_counts core_abi_counts;

/* What the layer keeps per process: who it was made for. */
struct state {
	int32_t pid;
};

static void count(int *c)
{
	__atomic_fetch_add(c, 1, __ATOMIC_SEQ_CST);
}

static long do_wait4(struct process *p, const unsigned long *a)
{
	int status = 0;
	long rc = process_wait(p, (int32_t)a[0],
	                       (unsigned)a[2] & 11u /* WNOHANG, WUNTRACED, WCONTINUED */, &status);

	if (rc == -EINTR)
		return -ERESTARTSYS; /* as Linux's do_wait: SA_RESTART waits again */

	if (rc > 0 && a[1] && as_copy_to_user(p->as, a[1], &status, sizeof(status)) < 0)
		return -EFAULT;
	return rc;
}

static long rest_done(struct process *p, const struct process_restart *r)
{
	(void)p;
	return (long)r->arg[0];
}

/* A sleep only a signal ends, leaving its rest to restart_syscall (Linux's restart_block). */
static long rest_sleep(struct process *p)
{
	if (task_sleep_until_intr(TASK_FOREVER, TASK_WAIT_INTERRUPTIBLE) == 0)
		return 0;
	p->restart = (struct process_restart){.fn = rest_done, .arg = {42}};
	return -ERESTART_RESTARTBLOCK;
}

static long restart_syscall(struct process *p)
{
	struct process_restart r = p->restart;

	p->restart.fn = NULL;
	return r.fn ? r.fn(p, &r) : -EINTR;
}

static long parent_pid(struct process *p)
{
	unsigned long flags = process_lock();
	long ppid = p->parent ? p->parent->pid : 0;

	process_unlock(flags);
	return ppid;
}

static long core_syscall(struct process *p, unsigned long nr, const unsigned long a[6])
{
	switch (nr) {
	case NR_exit:
	case NR_exit_group:
		process_exit(p, EXITED((int)a[0]));
	case NR_clone:
		return process_clone(p, (a[0] & CLONE_THREAD) ? PROCESS_CLONE_THREAD : 0, NULL,
		                     NULL);
	case NR_execve:
		return process_exec(p, (const char *)a[0], (const char *const *)a[1], NULL);
	case NR_wait4:
		return do_wait4(p, a);
	case NR_kill:
		return process_kill(p, (int32_t)a[0], (int)a[1]);
	case NR_getpid:
		return p->pid;
	case NR_getppid:
		return parent_pid(p);
	case NR_sched_yield:
		task_yield();
		return 0;
	case NR_rt_sigreturn:
		return process_sigreturn(p);
	case NR_nanosleep:
		return rest_sleep(p);
	case NR_restart_syscall:
		return restart_syscall(p);
	default:
		return -ENOSYS;
	}
}

static struct state *state_new(struct process *p)
{
	struct state *s = kzalloc(sizeof(*s));

	if (s)
		s->pid = p->pid;
	return s;
}

static int on_fork(struct process *parent, struct process *child)
{
	(void)parent;
	count(&core_abi_counts.forks);
	return (child->abi = state_new(child)) ? 0 : -ENOMEM;
}

static int on_clone_thread(struct process *parent, struct process *child)
{
	(void)parent;
	count(&core_abi_counts.threads);
	return (child->abi = state_new(child)) ? 0 : -ENOMEM;
}

static void on_exec(struct process *p, uintptr_t brk_start)
{
	(void)p;
	(void)brk_start;
	count(&core_abi_counts.execs);
}

static void on_exit(struct process *p)
{
	count(&core_abi_counts.exits);
	if (p->as)
		count(&core_abi_counts.exit_with_space);
}

static void on_release(struct process *p)
{
	struct state *s = p->abi;

	if (!s)
		return;
	count(&core_abi_counts.releases);
	if (s->pid != p->pid)
		count(&core_abi_counts.release_foreign);
	kfree(s);
	p->abi = NULL;
}

/* The first process has no parent to copy: its state is made at its exec. */
static int on_ids(struct process *p, uint32_t ids[4])
{
	if (!p->abi && !(p->abi = state_new(p)))
		return -ENOMEM;
	ids[0] = ids[1] = ids[2] = ids[3] = 0;
	return 0;
}

static const struct process_abi core_abi = {
    .syscall = core_syscall,
    .fork = on_fork,
    .exec = on_exec,
    .exit = on_exit,
    .release = on_release,
    .clone_thread = on_clone_thread,
    .ids = on_ids,
};

void core_abi_init(void)
{
	core_abi_counts = (struct core_abi_counts){0};
	process_set_abi(&core_abi);
}

int core_run(const char *path)
{
	size_t free0 = page_free_count();
	int status;

	proc_test_start(path, NULL);
	status = proc_test_wait_all();
	/* Every process ended once and every thread gave its state back once
	 * (the first one's was made at its exec, the others' at fork or clone). */
	assert_int_equal(core_abi_counts.exits, core_abi_counts.forks + 1);
	assert_int_equal(core_abi_counts.releases,
	                 core_abi_counts.forks + core_abi_counts.threads + 1);
	assert_int_equal(core_abi_counts.exit_with_space, 0);
	assert_int_equal(core_abi_counts.release_foreign, 0);
	/* Spaces, page tables, process records: every frame is back. */
	assert_int_equal(page_free_count(), free0);
	return status;
}
