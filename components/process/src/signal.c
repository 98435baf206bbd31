/*
 * kill() and what a signal does to a process (Linux's kernel/signal.c:
 * kill_something_info, check_kill_permission, prepare_signal,
 * complete_signal), as far as this kernel goes: a signal is dropped,
 * held pending while blocked, or ends the process; no handler ever runs.
 * Everything here runs with the tree lock held.
 */
#include <klib/errno.h>
#include <task/task.h>
#include "process_internal.h"

/* The layer's answer, and init's exception (Linux's SIGNAL_UNKILLABLE). */
static enum process_sig_action action(struct process *p, int sig)
{
	enum process_sig_action a = PROCESS_SIG_FATAL;

	if (process_abi_ops && process_abi_ops->signal_action)
		a = process_abi_ops->signal_action(p, sig);
	/* Linux's init drops every signal whose action is the default; it has no handler here. */
	if (a == PROCESS_SIG_FATAL && p->pid == 1)
		a = PROCESS_SIG_DISCARD;
	return a;
}

void process_make_fatal_locked(struct process *p, int sig)
{
	/* A fatal signal ends the whole group (Linux's complete_signal); the first one counts. */
	process_group_exit_locked(p->leader, sig);
}

/* Linux's send_signal: the target's action decides. */
static void deliver(struct process *p, int sig)
{
	if (p->state != PROCESS_RUNNING || p->group_exit)
		return; /* a zombie, or already dying */
	switch (action(p, sig)) {
	case PROCESS_SIG_DISCARD:
		break;
	case PROCESS_SIG_HOLD:
		p->sig_pending |= PROCESS_SIGBIT(sig);
		break;
	case PROCESS_SIG_FATAL:
		p->sig_pending |= PROCESS_SIGBIT(sig);
		process_make_fatal_locked(p, sig);
		break;
	}
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
static int send(struct process *from, struct process *to, int sig)
{
	int rc = may_kill(from, to, sig);

	if (rc == 0 && sig)
		deliver(to, sig);
	return rc;
}

/* Linux's __kill_pgrp_info: 0 if any member was signalled, else the last error, -ESRCH if none. */
static int kill_group(struct process *from, int32_t pgid, int sig)
{
	struct process *p;
	int rc = -ESRCH;

	list_for_each_entry(p, process_all_list(),
	                    all) if (p->state != PROCESS_NEW && p->leader == p && p->pgid == pgid)
	{
		int err = send(from, p, sig);
		if (rc)
			rc = err;
	}
	return rc;
}

/* kill(-1): the last error but EPERM, so 0 when every target refused; -ESRCH if none. */
static int kill_all(struct process *from, int sig)
{
	struct process *p;
	int rc = 0, count = 0;

	list_for_each_entry(p, process_all_list(), all)
	{
		if (p->state == PROCESS_NEW || p->leader != p || p->pid <= 1 || p == from->leader)
			continue;
		int err = send(from, p, sig);
		count++;
		if (err != -EPERM)
			rc = err;
	}
	return count ? rc : -ESRCH;
}

int process_kill(struct process *from, int32_t pid, int sig)
{
	unsigned long flags;
	struct process *p;
	int rc;

	if (pid == INT32_MIN || (pid <= 0 && !from))
		return -ESRCH; /* Linux: -INT_MIN is undefined */
	flags = process_lock();
	if (pid > 0)
		rc = (p = process_find(pid)) ? send(from, p->leader, sig) : -ESRCH;
	else if (pid == -1)
		rc = kill_all(from, sig);
	else
		rc = kill_group(from, pid ? -pid : from->leader->pgid, sig);
	process_unlock(flags);
	return rc;
}

uint64_t process_sigpending(struct process *p)
{
	unsigned long flags = process_lock();

	uint64_t set;

	p = p->leader; /* one set per group until threads have their own */
	set = p->sig_pending;

	process_unlock(flags);
	return set;
}

void process_signals_changed(struct process *p)
{
	unsigned long flags = process_lock();

	p = p->leader;
	for (int sig = 1; sig <= PROCESS_NSIG && !p->group_exit; sig++) {
		if (!(p->sig_pending & PROCESS_SIGBIT(sig)))
			continue;
		switch (action(p, sig)) {
		case PROCESS_SIG_DISCARD:
			p->sig_pending &= ~PROCESS_SIGBIT(sig);
			break;
		case PROCESS_SIG_HOLD:
			break;
		case PROCESS_SIG_FATAL:
			process_make_fatal_locked(p, sig);
			break;
		}
	}
	process_unlock(flags);
}
