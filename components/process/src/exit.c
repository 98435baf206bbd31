/*
 * exit and wait4.
 *
 * An exiting process gives up its address space at once (as Linux's
 * exit_mm: shm attachments are counted down here, not when the parent
 * collects the status), hands its children to pid 1, becomes a zombie and
 * wakes its parent. The parent's wait4() frees what is left.
 */
#include <klib/errno.h>
#include <klib/printf.h>
#include <page-alloc/page_alloc.h>
#include <task/task.h>
#include "process_internal.h"

static struct wait_queue all_gone = WAIT_QUEUE_INIT(all_gone);
static int init_wstatus;
/*
 * Ended processes nobody will wait4 for (no parent): process_wait_all()
 * joins their tasks and frees them. Their tasks are joinable, like every
 * process's: a process is freed only once its task has ended, so its
 * kernel stack is back by the time anyone counts frames.
 */
static struct list_node unwaited = LIST_HEAD_INIT(unwaited);

static void release(struct process *p)
{
	if (p->task)
		task_join(p->task, NULL); /* it may be finishing task_exit() right now */
	if (process_abi_ops && process_abi_ops->release)
		process_abi_ops->release(p);
	kfree(p);
}

/* With the tree lock held: give p's children to pid 1 (or to nobody). */
static void reparent_children(struct process *p)
{
	struct process *init = process_find(1), *c, *tmp;

	if (init == p || (init && init->state != PROCESS_RUNNING))
		init = NULL;
	list_for_each_entry_safe(c, tmp, &p->children, sibling)
	{
		list_del(&c->sibling);
		c->parent = init;
		/* p may have been what kept c's group from being orphaned. */
		process_orphan_check_locked(c, p);
		if (init) {
			list_add_tail(&init->children, &c->sibling);
		} else {
			list_init(&c->sibling);
			if (c->state == PROCESS_ZOMBIE) { /* nobody will wait for it */
				process_reap_locked(c);
				list_add_tail(&unwaited, &c->sibling);
			}
		}
	}
	if (init && !list_empty(&init->children))
		wq_wake_all(&init->child_exit); /* it may have inherited zombies */
}

/*
 * Linux's do_notify_parent: SIGCHLD (ignored unless the parent handles it)
 * with CLD_EXITED and the exit code, or CLD_KILLED/CLD_DUMPED and the
 * signal. With the tree lock held.
 */
static void notify_parent_locked(struct process *p, int wstatus)
{
	struct process_siginfo info = {.signo = PROCESS_SIGCHLD, .pid = p->pid};

	info.uid = process_sig_uid_locked(p);
	if (wstatus & 0x7f) {
		info.code = (wstatus & 0x80) ? PROCESS_CLD_DUMPED : PROCESS_CLD_KILLED;
		info.status = wstatus & 0x7f;
	} else {
		info.code = PROCESS_CLD_EXITED;
		info.status = (wstatus >> 8) & 0xff;
	}
	process_send_locked(p->parent, &info);
}

void process_unwaited_locked(struct process *p)
{
	process_reap_locked(p);
	list_add_tail(&unwaited, &p->sibling);
	wq_wake_all(&all_gone);
}

/* The task of an exiting thread leaves its space (which others may still use) and ends. */
__attribute__((noreturn)) static void leave(void)
{
	/*
	 * The task forgets its space first: a preemption between the two
	 * steps the other way round would switch back to the old table.
	 */
	task_set_space(task_current(), NULL, NULL);
	as_activate(NULL);
	task_exit(0);
}

/*
 * The group's last thread (p) ends it: the space goes (Linux's exit_mm:
 * /proc's readers finish, attachments close), the layer's exit, the
 * children to pid 1, and the leader g becomes the zombie its parent waits
 * for. p is g, or a thread that outlived it.
 */
__attribute__((noreturn)) static void group_exit(struct process *p, struct process *g, int wstatus)
{
	unsigned long flags;
	struct addr_space *as;

	task_set_space(task_current(), NULL, NULL);
	as_activate(NULL);
	/* Out of sight of the OOM killer first: it reads other processes' spaces. */
	flags = hal_spin_lock_irqsave(process_tree_lock());
	as = g->as;
	g->as = NULL;
	p->as = NULL;
	g->releasing = true;
	hal_spin_unlock_irqrestore(process_tree_lock(), flags);
	process_as_retire(g, as);
	/* The memory is back: the OOM killer's waiters go on (before anything
	 * below, which may need a lock one of them holds). */
	flags = hal_spin_lock_irqsave(process_tree_lock());
	process_oom_released_locked(g);
	hal_spin_unlock_irqrestore(process_tree_lock(), flags);
	if (process_abi_ops && process_abi_ops->exit)
		process_abi_ops->exit(g); /* then exit_shm and the like */
	process_timers_exit(g);

	flags = hal_spin_lock_irqsave(process_tree_lock());
	task_set_owner(task_current(), NULL); /* p may be freed once this task ends */
	reparent_children(g);
	process_orphan_check_locked(g, NULL); /* and g its own group */
	g->wstatus = wstatus;
	g->state = PROCESS_ZOMBIE;
	if (g->pid == 1)
		init_wstatus = wstatus;
	if (p != g) {
		p->thread_exited = true;
		process_unwaited_locked(p);
	}
	if (g->parent) {
		notify_parent_locked(g, wstatus);
		wq_wake_all(&g->parent->child_exit);
	} else {
		process_unwaited_locked(g);
	}
	wq_wake_all(&all_gone);
	hal_spin_unlock_irqrestore(process_tree_lock(), flags);
	task_exit(0);
}

void process_thread_exit(struct process *p, int wstatus)
{
	unsigned long flags;
	struct process *g;

	process_futex_exit(p); /* its space is still there */
	process_vfork_done(p);
	flags = process_lock();
	g = p->leader;
	list_del(&p->thread);
	process_sig_thread_exit_locked(p);
	if (--g->nr_threads == 0) {
		/* The last thread's code is the group's (Linux 6.x: signal->quick_threads). */
		wstatus = g->group_exit ? g->group_wstatus : wstatus;
		process_unlock(flags);
		group_exit(p, g, wstatus);
	}
	/* Others go on: a thread is freed unwaited, a leader waits for its group. */
	task_set_owner(task_current(), NULL);
	p->thread_exited = true;
	if (p != g) {
		p->as = NULL;
		process_unwaited_locked(p);
	}
	process_stop_check_locked(g); /* the others may all be stopped now */
	if (g->exec_thread && g->nr_threads == 1)
		wq_wake_all(&g->group_wq); /* de_thread waits for the last of them */
	process_unlock(flags);
	leave();
}

/* Make every thread of g exit, the group with 'wstatus' (tree lock held). */
void process_group_exit_locked(struct process *g, int wstatus)
{
	struct process *t;

	if (g->group_exit)
		return;
	g->group_exit = true;
	g->group_wstatus = wstatus;
	list_for_each_entry(t, &g->threads, thread)
	{
		if (!__atomic_load_n(&t->sig_fatal, __ATOMIC_RELAXED))
			__atomic_store_n(&t->sig_fatal, PROCESS_SIGKILL, __ATOMIC_RELEASE);
		if (t->task && t->task != task_current())
			task_interrupt(t->task, TASK_INTR_FATAL | TASK_INTR_SIGNAL);
	}
}

void process_exit(struct process *p, int wstatus)
{
	unsigned long flags = process_lock();
	struct process *g = p->leader;

	/* A thread zapped by another's exec leaves alone (de_thread). */
	if (!(g->exec_thread && g->exec_thread != p))
		process_group_exit_locked(g, wstatus);
	process_unlock(flags);
	process_thread_exit(p, wstatus);
}

/* Does child c answer wait4(pid) of p? Linux: a pid, any, or a process group. */
static bool matches(const struct process *p, const struct process *c, int32_t pid)
{
	if (pid > 0)
		return c->pid == pid;
	if (pid == -1)
		return true;
	return c->pgid == (pid == 0 ? p->pgid : -pid);
}

/* What c has to tell a wait4 with 'options' (Linux's wait_consider_task): a status, or -1. */
static int report_of(struct process *c, unsigned options)
{
	if (c->state == PROCESS_ZOMBIE)
		return c->wstatus;
	if ((options & PROCESS_WUNTRACED) && c->stop_done && c->stop_report)
		return (c->stop_sig << 8) | 0x7f;
	if ((options & PROCESS_WCONTINUED) && c->cont_report)
		return 0xffff;
	return -1;
}

long process_wait(struct process *p, int32_t pid, unsigned options, int *wstatus)
{
	hal_spinlock_t *lock = process_tree_lock();
	unsigned long flags = hal_spin_lock_irqsave(lock);
	struct process *c, *found;
	int status = -1;
	bool any;
	long rc;

	p = p->leader; /* any thread waits for the group's children (no __WNOTHREAD) */
	for (;;) {
		any = false;
		found = NULL;
		list_for_each_entry(c, &p->children, sibling)
		{
			if (!matches(p, c, pid))
				continue;
			any = true;
			if ((status = report_of(c, options)) != -1) {
				found = c;
				break;
			}
		}
		if (found || !any || (options & PROCESS_WNOHANG))
			break;
		/* Interruptible, as Linux's do_wait: a signal ends it. */
		if (wq_wait_intr(&p->child_exit, lock, TASK_FOREVER, TASK_WAIT_INTERRUPTIBLE) ==
		    -EINTR) {
			hal_spin_unlock_irqrestore(lock, flags);
			return -EINTR;
		}
	}
	rc = found ? found->pid : any ? 0 : -ECHILD;
	if (found) {
		*wstatus = status;
		if (found->state != PROCESS_ZOMBIE) { /* a stop or a continue: reported once */
			found->stop_report = found->cont_report = false;
			found = NULL;
		} else {
			process_reap_locked(found);
		}
	}
	hal_spin_unlock_irqrestore(lock, flags);
	if (found)
		release(found);
	return rc;
}

void process_wait_all(int *init_status)
{
	hal_spinlock_t *lock = process_tree_lock();
	unsigned long flags = hal_spin_lock_irqsave(lock);
	struct process *p;

	for (;;) {
		while ((p = list_first_entry(&unwaited, struct process, sibling))) {
			list_del(&p->sibling);
			hal_spin_unlock_irqrestore(lock, flags);
			release(p);
			flags = hal_spin_lock_irqsave(lock);
		}
		if (process_count_locked() == 0)
			break;
		wq_wait(&all_gone, lock, TASK_FOREVER);
	}
	hal_spin_unlock_irqrestore(lock, flags);
	process_timers_stop(); /* its stack is back before anyone counts frames */
	*init_status = init_wstatus;
}
