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
	list_for_each_entry_safe(c, tmp, &p->children, sibling) {
		list_del(&c->sibling);
		c->parent = init;
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

void process_exit(struct process *p, int wstatus)
{
	unsigned long flags;
	struct addr_space *as;

	/*
	 * Leave the space before destroying it: run on the kernel's table.
	 * The task forgets its space first: a preemption between the two
	 * steps the other way round would switch back to the old table.
	 */
	task_set_space(task_current(), NULL, NULL);
	as_activate(NULL);
	/* Out of sight of the OOM killer first: it reads other processes' spaces. */
	flags = hal_spin_lock_irqsave(process_tree_lock());
	as = p->as;
	p->as = NULL;
	p->releasing = true;
	hal_spin_unlock_irqrestore(process_tree_lock(), flags);
	process_as_retire(p, as); /* Linux's exit_mm: /proc's readers finish, attachments close */
	/* The memory is back: the OOM killer's waiters go on (before anything
	 * below, which may need a lock one of them holds). */
	flags = hal_spin_lock_irqsave(process_tree_lock());
	process_oom_released_locked(p);
	hal_spin_unlock_irqrestore(process_tree_lock(), flags);
	if (process_abi_ops && process_abi_ops->exit)
		process_abi_ops->exit(p); /* then exit_shm and the like */
	process_itimer_exit(p);

	flags = hal_spin_lock_irqsave(process_tree_lock());
	task_set_owner(task_current(), NULL); /* p may be freed once this task ends */
	reparent_children(p);
	p->wstatus = wstatus;
	p->state = PROCESS_ZOMBIE;
	if (p->pid == 1)
		init_wstatus = wstatus;
	if (p->parent) {
		notify_parent_locked(p, wstatus);
		wq_wake_all(&p->parent->child_exit);
	} else {
		process_reap_locked(p);
		list_add_tail(&unwaited, &p->sibling);
	}
	wq_wake_all(&all_gone);
	hal_spin_unlock_irqrestore(process_tree_lock(), flags);
	task_exit(0);
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

long process_wait(struct process *p, int32_t pid, bool nohang, int *wstatus)
{
	hal_spinlock_t *lock = process_tree_lock();
	unsigned long flags = hal_spin_lock_irqsave(lock);
	struct process *c, *found;
	bool any;
	long rc;

	for (;;) {
		any = false;
		found = NULL;
		list_for_each_entry(c, &p->children, sibling) {
			if (!matches(p, c, pid))
				continue;
			any = true;
			if (c->state == PROCESS_ZOMBIE) {
				found = c;
				break;
			}
		}
		if (found || !any || nohang)
			break;
		/* Interruptible, as Linux's do_wait: a fatal signal ends it. */
		if (wq_wait_intr(&p->child_exit, lock, TASK_FOREVER, TASK_WAIT_INTERRUPTIBLE) ==
		    -EINTR) {
			hal_spin_unlock_irqrestore(lock, flags);
			return -EINTR;
		}
	}
	if (found) {
		*wstatus = found->wstatus;
		rc = found->pid;
		process_reap_locked(found);
	} else {
		rc = any ? 0 : -ECHILD;
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
	*init_status = init_wstatus;
}
