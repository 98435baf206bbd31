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

	g->sig_pending &= ~STOP_SET;
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

/* Linux's recalc_sigpending: the task's TASK_INTR_SIGNAL follows what it may act on. */
void process_sig_recalc_locked(struct process *p)
{
	/* A leader that has exited leaves its group's signals to another thread. */
	if (p->thread_exited &&
	    !(p = list_first_entry(&p->leader->threads, struct process, thread)))
		return;
	if (!p->task)
		return; /* its task has not started: it looks before user mode */
	if (p->leader->sig_pending & ~(p->leader->sig_blocked & ~p->leader->sig_waiting))
		task_interrupt(p->task, TASK_INTR_SIGNAL);
	else
		task_interrupt_clear(p->task, TASK_INTR_SIGNAL);
}

void process_make_fatal_locked(struct process *p, int sig)
{
	/* A fatal signal ends the whole group (Linux's complete_signal); the first one counts. */
	process_group_exit_locked(p->leader, sig);
}

/*
 * Linux's complete_signal for a signal now pending: unblocked with the
 * default action that ends a process, it is fatal (not for pid 1, Linux's
 * SIGNAL_UNKILLABLE init); otherwise whoever acts on it is woken.
 */
static void complete(struct process *p, int sig)
{
	bool blocked = (p->leader->sig_blocked & PROCESS_SIGBIT(sig)) && sig != PROCESS_SIGKILL;

	if (!blocked && p->leader->sig_action[sig - 1].handler == PROCESS_SIG_DFL && p->pid != 1 &&
	    !process_sig_stops(sig) && !(p->leader->stopped && sig != PROCESS_SIGKILL))
		process_make_fatal_locked(p, sig);
	process_sig_recalc_locked(p);
}

/*
 * Linux's send_signal: dropped when ignored (a blocked one is kept, as
 * Linux does: its action may change before it is unblocked), else
 * pending with its info. A standard signal already pending is not queued
 * twice; neither is a real-time one here (one siginfo per signal).
 */
void process_send_locked(struct process *p, const struct process_siginfo *info)
{
	int sig = info->signo;

	if (p->state != PROCESS_RUNNING || p->sig_fatal)
		return; /* a zombie, or already dying */
	/* Linux's prepare_signal: SIGCONT and the stop signals cancel each other. */
	if (process_sig_stops(sig))
		p->leader->sig_pending &= ~PROCESS_SIGBIT(PROCESS_SIGCONT);
	else if (sig == PROCESS_SIGCONT)
		continue_group_locked(p->leader);
	/* Linux's sig_ignored: a blocked signal is never ignored (its action may change). */
	if (!(p->leader->sig_blocked & PROCESS_SIGBIT(sig)) || sig == PROCESS_SIGKILL) {
		if (p->pid == 1 && p->leader->sig_action[sig - 1].handler == PROCESS_SIG_DFL)
			return; /* init drops what it has no handler for, SIGKILL too */
		if (sig == PROCESS_SIGKILL) {
			process_make_fatal_locked(p, sig);
			return;
		}
		if (process_sig_ignored_locked(p, sig))
			return;
	}
	if (p->leader->sig_pending & PROCESS_SIGBIT(sig))
		return;
	p->leader->sig_pending |= PROCESS_SIGBIT(sig);
	p->leader->sig_info[sig - 1] = *info;
	complete(p, sig);
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

	if (a->handler == PROCESS_SIG_IGN ||
	    (p->leader->sig_blocked & PROCESS_SIGBIT(info->signo))) {
		a->handler = PROCESS_SIG_DFL;
		p->leader->sig_blocked &= ~PROCESS_SIGBIT(info->signo);
	}
	p->leader->sig_pending &=
	    ~PROCESS_SIGBIT(info->signo); /* this fault's info replaces a pending one */
	if (a->handler == PROCESS_SIG_DFL && p->pid == 1)
		process_make_fatal_locked(p, info->signo); /* init too: a fault cannot be resumed */
	else
		process_send_locked(p, info);
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

	if (rc == 0 && info->signo)
		process_send_locked(to, info);
	return rc;
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
			p->leader->sig_pending &= ~PROCESS_SIGBIT(sig);
		process_sig_recalc_locked(p);
	}
	process_unlock(flags);
	return 0;
}

/* Linux's sigprocmask; a signal unblocked with the default action that ends p does it now. */
int process_sigmask(struct process *p, int how, const uint64_t *set, uint64_t *old)
{
	unsigned long flags = process_lock();
	uint64_t mask = p->leader->sig_blocked, now;
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

void process_sig_setmask_locked(struct process *p, uint64_t mask)
{
	uint64_t unblocked = p->leader->sig_blocked & ~mask & p->leader->sig_pending;

	p->leader->sig_blocked = mask & ~UNBLOCKABLE;
	for (int sig = 1; sig <= PROCESS_NSIG; sig++) {
		if (!(unblocked & PROCESS_SIGBIT(sig)))
			continue;
		if (process_sig_ignored_locked(p, sig))
			p->leader->sig_pending &= ~PROCESS_SIGBIT(sig);
		else
			complete(p, sig);
	}
	process_sig_recalc_locked(p);
}

uint64_t process_sigpending(struct process *p)
{
	unsigned long flags = process_lock();
	uint64_t set = p->leader->sig_pending & p->leader->sig_blocked;

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
	p->leader->sig_altstack = (struct process_sigstack){.flags = PROCESS_SS_DISABLE};
	p->leader->sig_trampoline = 0; /* the page went with the old space */
}

/* fork: actions and mask copied, nothing pending, no timer (Linux's copy_process). */
void process_sig_fork(struct process *child, const struct process *parent)
{
	memcpy(child->sig_action, parent->leader->sig_action, sizeof(child->sig_action));
	child->sig_blocked = parent->leader->sig_blocked;
	child->sig_altstack = parent->leader->sig_altstack;
	child->sig_trampoline = parent->leader->sig_trampoline; /* the copied space has the page */
}
