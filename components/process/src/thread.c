/*
 * Thread groups: exec's de_thread and CLONE_VFORK's wait (Linux's
 * fs/exec.c de_thread and kernel/fork.c wait_for_vfork_done). Creation is
 * in fork.c (process_clone), the exits in exit.c.
 */
#include <klib/errno.h>
#include <klib/string.h>
#include <page-alloc/page_alloc.h>
#include <task/task.h>
#include "process_internal.h"

/* A vfork parent's wait: one reference for the parent, one for the child (tree lock). */
struct process_vfork {
	struct wait_queue wq;
	bool done;
	unsigned refs;
};

struct process_vfork *process_vfork_new(struct process *child)
{
	struct process_vfork *vf = kzalloc(sizeof(*vf));

	if (!vf)
		return NULL;
	wq_init(&vf->wq);
	vf->refs = 2;
	child->vfork = vf;
	return vf;
}

/* Drop one reference, tree lock held: true when the caller must free it (after unlocking). */
static bool vfork_put_locked(struct process_vfork *vf)
{
	return --vf->refs == 0;
}

void process_vfork_wait(struct process_vfork *vf)
{
	hal_spinlock_t *lock = process_tree_lock();
	unsigned long flags = hal_spin_lock_irqsave(lock);
	bool last;

	/* Killable, as Linux's wait_for_vfork_done: a parent to die stops waiting. */
	while (!vf->done)
		if (wq_wait_intr(&vf->wq, lock, TASK_FOREVER, TASK_WAIT_KILLABLE) == -EINTR)
			break;
	last = vfork_put_locked(vf);
	hal_spin_unlock_irqrestore(lock, flags);
	if (last)
		kfree(vf);
}

void process_vfork_done(struct process *p)
{
	unsigned long flags = process_lock();
	struct process_vfork *vf = p->vfork;
	bool last = false;

	if (vf) {
		p->vfork = NULL;
		vf->done = true;
		wq_wake_all(&vf->wq);
		last = vfork_put_locked(vf);
	}
	process_unlock(flags);
	if (last)
		kfree(vf);
}

/*
 * p, a thread other than the leader, takes the leader's place (Linux's
 * de_thread exchanges their pids): the leader's pid, parent, children,
 * process group and session, and the group's state. The old leader,
 * whose task has ended, keeps p's old tid and is freed as a thread.
 * Tree lock held; every other thread has exited.
 */
static void take_leadership(struct process *p, struct process *g)
{
	struct process *c;
	int32_t tid = p->pid;

	p->pid = g->pid;
	g->pid = tid;
	p->parent = g->parent;
	list_insert_between(&p->sibling, &g->sibling, g->sibling.next);
	list_del(&g->sibling);
	list_init(&g->sibling);
	list_splice_tail(&p->children, &g->children);
	list_for_each_entry(c, &p->children, sibling) c->parent = p;
	p->pgid = g->pgid;
	p->sid = g->sid;
	p->session_leader = g->session_leader;
	p->execed = g->execed;
	/* The group's signal state; p keeps its own mask and pending set. */
	p->sig_pending = g->sig_pending;
	memcpy(p->sig_info, g->sig_info, sizeof(p->sig_info));
	memcpy(p->sig_action, g->sig_action, sizeof(p->sig_action));
	p->sig_trampoline = g->sig_trampoline;
	process_timers_lead_locked(p, g);
	p->layout = g->layout;
	list_init(&p->threads);
	list_add_tail(&p->threads, &p->thread);
	p->nr_threads = 1;
	p->leader = p;
	g->leader = p;
	g->as = NULL;
	g->state = PROCESS_ZOMBIE; /* for no one to wait for: it goes with the unwaited */
	process_unwaited_locked(g);
}

/* Make every thread of g but p exit quietly (Linux's zap_other_threads). Tree lock held. */
static void zap_others(struct process *g, struct process *p)
{
	struct process *t;

	list_for_each_entry(t, &g->threads, thread)
	{
		if (t == p || __atomic_load_n(&t->sig_fatal, __ATOMIC_RELAXED))
			continue;
		__atomic_store_n(&t->sig_fatal, PROCESS_SIGKILL, __ATOMIC_RELEASE);
		if (t->task)
			task_interrupt(t->task, TASK_INTR_FATAL | TASK_INTR_SIGNAL);
	}
}

int process_dethread(struct process *p)
{
	hal_spinlock_t *lock = process_tree_lock();
	unsigned long flags = hal_spin_lock_irqsave(lock);
	struct process *g = p->leader;
	int rc = 0;

	if (g->nr_threads == 1 && g == p)
		goto out;
	if (g->group_exit || g->exec_thread) {
		rc = -EINTR; /* Linux: another exec or a group exit won (-EAGAIN/-EINTR) */
		goto out;
	}
	g->exec_thread = p;
	zap_others(g, p);
	/* The old leader must also let go of /proc's readers before p takes its place. */
	while (g->nr_threads > 1 || (g != p && g->as_users))
		if ((rc = wq_wait_intr(&g->group_wq, lock, TASK_FOREVER, TASK_WAIT_KILLABLE)) < 0)
			break;
	g->exec_thread = NULL;
	if (rc == 0 && g != p)
		take_leadership(p, g);
out:
	hal_spin_unlock_irqrestore(lock, flags);
	return rc;
}
