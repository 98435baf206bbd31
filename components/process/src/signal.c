/*
 * Sending signals (Linux's kernel/signal.c: kill_something_info,
 * check_kill_permission, prepare_signal, send_signal, complete_signal),
 * and the actions and mask that decide what a sent signal does. A signal
 * is dropped (ignored), held pending (blocked, or for a handler that runs
 * on the way back to user mode: sigdeliver.c), or makes the process die.
 * Everything here runs with the tree lock held.
 */
#include <klib/errno.h>
#include <klib/string.h>
#include <task/task.h>
#include "process_internal.h"

#define SIGURG      23
#define SIGWINCH    28
#define UNBLOCKABLE (PROCESS_SIGBIT(PROCESS_SIGKILL) | PROCESS_SIGBIT(PROCESS_SIGSTOP))

/* Linux's sig_kernel_ignore. */
static bool default_ignores(int sig)
{
	return sig == PROCESS_SIGCHLD || sig == PROCESS_SIGCONT || sig == SIGURG || sig == SIGWINCH;
}

bool process_sig_stops(int sig)
{
	return sig == PROCESS_SIGSTOP || sig == PROCESS_SIGTSTP || sig == PROCESS_SIGTTIN ||
	       sig == PROCESS_SIGTTOU;
}

#define STOP_SET                                                                                   \
	(PROCESS_SIGBIT(PROCESS_SIGSTOP) | PROCESS_SIGBIT(PROCESS_SIGTSTP) |                       \
	 PROCESS_SIGBIT(PROCESS_SIGTTIN) | PROCESS_SIGBIT(PROCESS_SIGTTOU))

/*
 * Linux's do_notify_parent_cldstop for the group g: SIGCHLD with
 * CLD_STOPPED or CLD_CONTINUED, unless the parent's SIGCHLD has
 * SA_NOCLDSTOP; its wait4 (WUNTRACED, WCONTINUED) is woken either way.
 */
static void notify_stop_locked(struct process *g, int code, int sig)
{
	struct process *parent = g->parent;
	struct process_siginfo info = {
	    .signo = PROCESS_SIGCHLD, .code = code, .pid = g->pid, .status = sig};

	if (!parent)
		return;
	info.uid = process_sig_uid_locked(g);
	if (!(parent->leader->sig_action[PROCESS_SIGCHLD - 1].flags & PROCESS_SA_NOCLDSTOP))
		process_send_locked(parent, &info);
	wq_wake_all(&parent->child_exit);
}

/* Linux's do_signal_stop, started by p: every other thread of the group is to stop too. */
void process_stop_group_locked(struct process *p, int sig)
{
	struct process *g = p->leader, *t;

	g->stopped = true;
	g->stop_sig = sig;
	g->stop_done = false;
	list_for_each_entry(t, &g->threads, thread) if (t != p && t->task)
	    task_interrupt(t->task, TASK_INTR_SIGNAL);
}

void process_stop_check_locked(struct process *g)
{
	if (!g->stopped || g->stop_done || g->stop_parked < g->nr_threads)
		return;
	g->stop_done = true; /* the last thread stopped: Linux's SIGNAL_STOP_STOPPED */
	g->stop_report = true;
	g->cont_report = false;
	notify_stop_locked(g, PROCESS_CLD_STOPPED, g->stop_sig);
}

/* Linux's prepare_signal for SIGCONT: the group goes on, pending stops are dropped. */
static void continue_group_locked(struct process *g)
{
	bool was_done = g->stop_done;
	struct process *t;

	g->sig_pending &= ~STOP_SET;
	list_for_each_entry(t, &g->threads, thread) t->thread_pending &= ~STOP_SET;
	if (!g->stopped)
		return;
	g->stopped = g->stop_done = g->stop_report = false;
	wq_wake_all(&g->stop_wq);
	if (!was_done)
		return; /* a stop not finished is undone without a word */
	g->cont_report = true;
	notify_stop_locked(g, PROCESS_CLD_CONTINUED, PROCESS_SIGCONT);
}

bool process_sig_ignored_locked(const struct process *p, int sig)
{
	uintptr_t h = p->leader->sig_action[sig - 1].handler;

	if (sig == PROCESS_SIGKILL)
		return false;
	return h == PROCESS_SIG_IGN || (h == PROCESS_SIG_DFL && default_ignores(sig));
}

uint64_t process_sig_next(uint64_t pending, uint64_t blocked)
{
	/* Linux's next_signal: the synchronous (fault) signals first, then the lowest. */
	const uint64_t sync = PROCESS_SIGBIT(PROCESS_SIGSEGV) | PROCESS_SIGBIT(PROCESS_SIGBUS) |
	                      PROCESS_SIGBIT(PROCESS_SIGILL) | PROCESS_SIGBIT(PROCESS_SIGTRAP) |
	                      PROCESS_SIGBIT(8) /* SIGFPE */ | PROCESS_SIGBIT(31) /* SIGSYS */;
	uint64_t ready = pending & ~(blocked & ~UNBLOCKABLE);

	if (ready & sync)
		ready &= sync;
	return ready ? (uint64_t)__builtin_ctzll(ready) + 1 : 0;
}

/* Signals t may act on now: its own and its group's, less what it blocks (sigtimedwait's wake it).
 */
static uint64_t actionable(const struct process *t)
{
	return (t->thread_pending | t->leader->sig_pending) & ~(t->sig_blocked & ~t->sig_waiting);
}

/* Linux's recalc_sigpending: t's TASK_INTR_SIGNAL follows what it may act on. */
void process_sig_recalc_locked(struct process *t)
{
	if (!t->task || t->thread_exited)
		return; /* not started (it looks before user mode), or gone */
	if (actionable(t))
		task_interrupt(t->task, TASK_INTR_SIGNAL);
	else
		task_interrupt_clear(t->task, TASK_INTR_SIGNAL);
}

void process_make_fatal_locked(struct process *p, int sig)
{
	/* A fatal signal ends the whole group (Linux's complete_signal); the first one counts. */
	process_group_exit_locked(p->leader, sig);
}

/* Linux's wants_signal: may t act on sig now (a live thread that lets it through)? */
static bool wants(const struct process *t, int sig)
{
	uint64_t bit = PROCESS_SIGBIT(sig);

	if (!t->task || t->thread_exited || __atomic_load_n(&t->sig_fatal, __ATOMIC_RELAXED))
		return false;
	return sig == PROCESS_SIGKILL || !(t->sig_blocked & bit) || (t->sig_waiting & bit);
}

/*
 * Linux's complete_signal: the thread that is to act on sig, pending for
 * p alone ('shared' false) or for p's group. A group's signal goes to the
 * leader if it wants it, else to the first thread that does; if every
 * thread blocks it, nobody (it waits, pending, for a thread to unblock it).
 */
static struct process *target(struct process *p, int sig, bool shared)
{
	struct process *g = p->leader, *t;

	if (!shared)
		return wants(p, sig) ? p : NULL;
	if (wants(g, sig))
		return g;
	list_for_each_entry(t, &g->threads, thread) if (wants(t, sig)) return t;
	return NULL;
}

/*
 * A signal now pending (Linux's complete_signal): with the default action
 * that ends a process and a thread that lets it through (not one waiting
 * for it in sigtimedwait), it is fatal (not for pid 1, Linux's
 * SIGNAL_UNKILLABLE init); otherwise the thread that acts on it is woken.
 */
static void complete_on(struct process *t, int sig)
{
	struct process *g = t->leader;

	if (g->sig_action[sig - 1].handler == PROCESS_SIG_DFL && g->pid != 1 &&
	    !process_sig_stops(sig) && !(t->sig_waiting & PROCESS_SIGBIT(sig)) &&
	    !(g->stopped && sig != PROCESS_SIGKILL)) {
		process_make_fatal_locked(t, sig);
		return;
	}
	task_interrupt(t->task, TASK_INTR_SIGNAL);
}

static void complete(struct process *p, int sig, bool shared)
{
	struct process *t = target(p, sig, shared);

	if (t)
		complete_on(t, sig);
}

/*
 * Linux's retarget_shared_pending: the group's pending signals in 'set',
 * which one thread will no longer take (it blocked them or exits), go to
 * another thread that lets them through.
 */
static void retarget_locked(struct process *p, uint64_t set)
{
	struct process *t;

	set &= p->leader->sig_pending;
	while (set) {
		int sig = __builtin_ctzll(set) + 1;

		set &= set - 1;
		if ((t = target(p, sig, true)))
			task_interrupt(t->task, TASK_INTR_SIGNAL);
	}
}

void process_sig_thread_exit_locked(struct process *p)
{
	retarget_locked(p, ~p->sig_blocked);
	p->thread_pending = 0; /* Linux drops a thread's own pending signals with it */
}

/*
 * Linux's send_signal: dropped when ignored (a blocked one is kept, as
 * Linux does: its action may change before it is unblocked), else
 * pending with its info, for p's group ('shared': kill, timers) or for
 * the thread p alone (tkill, faults). A standard signal already pending
 * is not queued twice; neither is a real-time one here (one siginfo per
 * signal).
 */
static void send_locked(struct process *p, const struct process_siginfo *info, bool shared)
{
	struct process *g = p->leader, *t;
	int sig = info->signo;
	uint64_t *pending = shared ? &g->sig_pending : &p->thread_pending;
	struct process_siginfo *slot = shared ? g->sig_info : p->thread_info;

	if (p->state != PROCESS_RUNNING || p->sig_fatal || (!shared && p->thread_exited))
		return; /* a zombie, already dying, or a thread that has gone */
	/* Linux's prepare_signal: SIGCONT and the stop signals cancel each other. */
	if (process_sig_stops(sig)) {
		g->sig_pending &= ~PROCESS_SIGBIT(PROCESS_SIGCONT);
		list_for_each_entry(t, &g->threads, thread) t->thread_pending &=
		    ~PROCESS_SIGBIT(PROCESS_SIGCONT);
	} else if (sig == PROCESS_SIGCONT) {
		continue_group_locked(g);
	}
	/* Linux's sig_ignored: a blocked signal is never ignored (its action may change). */
	if (!(p->sig_blocked & PROCESS_SIGBIT(sig)) || sig == PROCESS_SIGKILL) {
		if (g->pid == 1 && g->sig_action[sig - 1].handler == PROCESS_SIG_DFL)
			return; /* init drops what it has no handler for, SIGKILL too */
		if (sig == PROCESS_SIGKILL) {
			process_make_fatal_locked(p, sig);
			return;
		}
		if (process_sig_ignored_locked(p, sig))
			return;
	}
	if (*pending & PROCESS_SIGBIT(sig))
		return;
	*pending |= PROCESS_SIGBIT(sig);
	slot[sig - 1] = *info;
	complete(p, sig, shared);
}

void process_send_locked(struct process *p, const struct process_siginfo *info)
{
	send_locked(p, info, true);
}

void process_send_thread_locked(struct process *t, const struct process_siginfo *info)
{
	send_locked(t, info, false);
}

void process_send_info(struct process *p, const struct process_siginfo *info)
{
	unsigned long flags = process_lock();

	process_send_locked(p, info);
	process_unlock(flags);
}

/* Linux's force_sig_info_to_task: blocked or ignored, the fault takes the default action. */
void process_force_fault(struct process *p, const struct process_siginfo *info)
{
	unsigned long flags = process_lock();
	struct process_sigaction *a = &p->leader->sig_action[info->signo - 1];

	if (a->handler == PROCESS_SIG_IGN || (p->sig_blocked & PROCESS_SIGBIT(info->signo))) {
		a->handler = PROCESS_SIG_DFL;
		p->sig_blocked &= ~PROCESS_SIGBIT(info->signo);
	}
	p->thread_pending &=
	    ~PROCESS_SIGBIT(info->signo); /* this fault's info replaces a pending one */
	if (a->handler == PROCESS_SIG_DFL && p->leader->pid == 1)
		process_make_fatal_locked(p, info->signo); /* init too: a fault cannot be resumed */
	else
		process_send_thread_locked(p, info);
	process_unlock(flags);
}

/* Linux's check_kill_permission. */
static int may_kill(struct process *from, struct process *to, int sig)
{
	if (sig < 0 || sig > PROCESS_NSIG)
		return -EINVAL;
	if (!from || from->leader == to)
		return 0;
	if (!process_abi_ops || !process_abi_ops->may_signal ||
	    process_abi_ops->may_signal(from, to))
		return 0;
	if (sig == PROCESS_SIGCONT && to->sid == from->sid)
		return 0; /* job control within a session */
	return -EPERM;
}

/* Linux's group_send_sig_info. */
static int send(struct process *from, struct process *to, const struct process_siginfo *info)
{
	int rc = may_kill(from, to, info->signo);

	if (rc || !info->signo)
		return rc;
	/*
	 * The kernel's own SIGKILL (Linux's SEND_SIG_PRIV, "force") is the one
	 * signal init cannot drop; a live group only (a zombie is gone).
	 */
	if (!from && info->signo == PROCESS_SIGKILL && to->pid == 1 && to->state == PROCESS_RUNNING)
		process_make_fatal_locked(to, PROCESS_SIGKILL);
	else
		process_send_locked(to, info);
	return 0;
}

/* Linux's __kill_pgrp_info: 0 if any member was signalled, else the last error, -ESRCH if none. */
static int kill_group(struct process *from, int32_t pgid, const struct process_siginfo *info)
{
	struct process *p;
	int rc = -ESRCH;

	list_for_each_entry(p, process_all_list(),
	                    all) if (p->state != PROCESS_NEW && p->leader == p && p->pgid == pgid)
	{
		int err = send(from, p, info);
		if (rc)
			rc = err;
	}
	return rc;
}

/* kill(-1): the last error but EPERM, so 0 when every target refused; -ESRCH if none. */
static int kill_all(struct process *from, const struct process_siginfo *info)
{
	struct process *p;
	int rc = 0, count = 0;

	list_for_each_entry(p, process_all_list(), all)
	{
		if (p->state == PROCESS_NEW || p->leader != p || p->pid <= 1 || p == from->leader)
			continue;
		int err = send(from, p, info);
		count++;
		if (err != -EPERM)
			rc = err;
	}
	return count ? rc : -ESRCH;
}

int process_kill_info(struct process *from, int32_t pid, const struct process_siginfo *info)
{
	unsigned long flags;
	struct process *p;
	int rc;

	if (pid == INT32_MIN || (pid <= 0 && !from))
		return -ESRCH; /* Linux: -INT_MIN is undefined */
	flags = process_lock();
	if (pid > 0)
		rc = (p = process_find(pid)) ? send(from, p->leader, info) : -ESRCH;
	else if (pid == -1)
		rc = kill_all(from, info);
	else
		rc = kill_group(from, pid ? -pid : from->leader->pgid, info);
	process_unlock(flags);
	return rc;
}

int process_kill_thread(struct process *from, int32_t tgid, int32_t tid,
                        const struct process_siginfo *info)
{
	unsigned long flags;
	struct process *t;
	int rc;

	if (tid <= 0 || tgid < 0)
		return -EINVAL;
	flags = process_lock();
	t = process_find(tid);
	if (!t || t->state != PROCESS_RUNNING || t->thread_exited ||
	    (tgid && t->leader->pid != tgid))
		rc = -ESRCH;
	else if ((rc = may_kill(from, t->leader, info->signo)) == 0 && info->signo)
		process_send_thread_locked(t, info);
	process_unlock(flags);
	return rc;
}

int process_kill(struct process *from, int32_t pid, int sig)
{
	struct process_siginfo info = {.signo = sig, .code = PROCESS_SI_KERNEL};
	unsigned long flags;

	if (from) {
		flags = process_lock();
		info.code = PROCESS_SI_USER;
		info.pid = from->pid;
		info.uid = process_sig_uid_locked(from);
		process_unlock(flags);
	}
	return process_kill_info(from, pid, &info);
}

uint32_t process_sig_uid_locked(struct process *p)
{
	return process_abi_ops && process_abi_ops->sig_uid ? process_abi_ops->sig_uid(p) : 0;
}

/* A pending sig dropped from g's set and each of its threads' (Linux's flush_sigqueue_mask). */
static void drop_locked(struct process *g, int sig)
{
	struct process *t;

	g->sig_pending &= ~PROCESS_SIGBIT(sig);
	list_for_each_entry(t, &g->threads, thread) t->thread_pending &= ~PROCESS_SIGBIT(sig);
}

/* Linux's do_sigaction: a pending signal now ignored is dropped. */
int process_sigaction(struct process *p, int sig, const struct process_sigaction *act,
                      struct process_sigaction *old)
{
	unsigned long flags;

	if (sig < 1 || sig > PROCESS_NSIG ||
	    (act && (sig == PROCESS_SIGKILL || sig == PROCESS_SIGSTOP)))
		return -EINVAL;
	flags = process_lock();
	if (old)
		*old = p->leader->sig_action[sig - 1];
	if (act) {
		p->leader->sig_action[sig - 1] = *act;
		p->leader->sig_action[sig - 1].mask &= ~UNBLOCKABLE;
		if (process_sig_ignored_locked(p, sig))
			drop_locked(p->leader, sig);
		process_sig_recalc_locked(p);
	}
	process_unlock(flags);
	return 0;
}

/* Linux's sigprocmask; a signal unblocked with the default action that ends p does it now. */
int process_sigmask(struct process *p, int how, const uint64_t *set, uint64_t *old)
{
	unsigned long flags = process_lock();
	uint64_t mask = p->sig_blocked, now;
	int rc = 0;

	if (old)
		*old = mask;
	if (set) {
		switch (how) {
		case 0:
			mask |= *set;
			break;
		case 1:
			mask &= ~*set;
			break;
		case 2:
			mask = *set;
			break;
		default:
			rc = -EINVAL;
			break;
		}
	}
	if (set && rc == 0) {
		now = mask & ~UNBLOCKABLE;
		process_sig_setmask_locked(p, now);
	}
	process_unlock(flags);
	return rc;
}

/*
 * Linux's set_current_blocked: what p unblocks acts now (fatal, dropped
 * when ignored, or wakes p); the group's pending signals p now blocks go
 * to another thread.
 */
void process_sig_setmask_locked(struct process *p, uint64_t mask)
{
	uint64_t old = p->sig_blocked;
	uint64_t unblocked = old & ~mask & (p->thread_pending | p->leader->sig_pending);

	p->sig_blocked = mask & ~UNBLOCKABLE;
	for (int sig = 1; sig <= PROCESS_NSIG; sig++) {
		uint64_t bit = PROCESS_SIGBIT(sig);

		if (!(unblocked & bit))
			continue;
		if (process_sig_ignored_locked(p, sig)) {
			p->thread_pending &= ~bit;
			p->leader->sig_pending &= ~bit;
		} else if (wants(p, sig)) {
			complete_on(p, sig); /* p lets it through now: p acts on it */
		}
	}
	retarget_locked(p, p->sig_blocked & ~old);
	process_sig_recalc_locked(p);
}

uint64_t process_sigpending(struct process *p)
{
	unsigned long flags = process_lock();
	uint64_t set = (p->thread_pending | p->leader->sig_pending) & p->sig_blocked;

	process_unlock(flags);
	return set;
}

/* Linux's flush_signal_handlers(t, 1) at exec: handlers go back to the default. */
void process_sig_exec_locked(struct process *p)
{
	for (int i = 0; i < PROCESS_NSIG; i++) {
		struct process_sigaction *a = &p->leader->sig_action[i];

		if (a->handler != PROCESS_SIG_IGN)
			a->handler = PROCESS_SIG_DFL;
		a->flags = 0;
		a->restorer = 0;
		a->mask = 0;
	}
	p->sig_altstack = (struct process_sigstack){.flags = PROCESS_SS_DISABLE};
	p->leader->sig_trampoline = 0; /* the page went with the old space */
}

/* fork: the group's actions and the calling thread's mask and stack, nothing pending, no timer. */
void process_sig_fork(struct process *child, const struct process *parent)
{
	memcpy(child->sig_action, parent->leader->sig_action, sizeof(child->sig_action));
	child->sig_blocked = parent->sig_blocked;
	child->sig_altstack = parent->sig_altstack;
	child->sig_trampoline = parent->leader->sig_trampoline; /* the copied space has the page */
}

/*
 * A new thread (Linux's copy_process with CLONE_THREAD): the creator's
 * mask; no alternate stack, since it shares the creator's memory (Linux
 * clears it for CLONE_VM without CLONE_VFORK); nothing pending.
 */
void process_sig_thread(struct process *child, const struct process *parent)
{
	child->sig_blocked = parent->sig_blocked;
	child->sig_altstack = (struct process_sigstack){0};
}
