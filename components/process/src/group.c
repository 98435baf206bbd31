/*
 * Process groups and sessions (Linux's kernel/sys.c: setpgid, getpgid,
 * getsid, setsid), with the tree lock held throughout. A group or session
 * exists while some process (a zombie too) carries its id.
 */
#include <klib/errno.h>
#include "process_internal.h"

/* A process of group pgid, or NULL: the group does not exist. */
static struct process *group_member(int32_t pgid)
{
	struct process *p;

	list_for_each_entry(p, process_all_list(), all) if (p->state != PROCESS_NEW &&
	                                                    p->leader == p &&
	                                                    p->pgid == pgid) return p;
	return NULL;
}

int32_t process_getpgid(struct process *p, int32_t pid)
{
	unsigned long flags = process_lock();
	struct process *t = pid ? process_find(pid) : p;
	int32_t rc = t ? t->leader->pgid : -ESRCH;

	process_unlock(flags);
	return rc;
}

int32_t process_getsid(struct process *p, int32_t pid)
{
	unsigned long flags = process_lock();
	struct process *t = pid ? process_find(pid) : p;
	int32_t rc = t ? t->leader->sid : -ESRCH;

	process_unlock(flags);
	return rc;
}

/* Linux's checks of setpgid, in Linux's order. */
static int setpgid_check(struct process *p, struct process *t, int32_t pid, int32_t pgid)
{
	struct process *g;

	if (!t)
		return -ESRCH;
	if (t->leader != t)
		return -EINVAL; /* a thread other than its group's leader */
	if (t->parent == p) {
		if (t->sid != p->sid)
			return -EPERM;
		if (t->execed)
			return -EACCES;
	} else if (t != p) {
		return -ESRCH;
	}
	if (t->session_leader)
		return -EPERM;
	if (pgid != pid && (!(g = group_member(pgid)) || g->sid != p->sid))
		return -EPERM;
	return 0;
}

int process_setpgid(struct process *p, int32_t pid, int32_t pgid)
{
	unsigned long flags;
	struct process *t;
	int rc;

	p = p->leader;
	if (!pid)
		pid = p->pid;
	if (!pgid)
		pgid = pid;
	if (pgid < 0)
		return -EINVAL;
	flags = process_lock();
	t = process_find(pid);
	rc = setpgid_check(p, t, pid, pgid);
	if (rc == 0)
		t->pgid = pgid;
	process_unlock(flags);
	return rc;
}

int32_t process_setsid(struct process *p)
{
	unsigned long flags = process_lock();
	int32_t rc = -EPERM;

	p = p->leader;

	/* Not if it leads a session already, nor if a group with its pid as id exists. */
	if (!p->session_leader && !group_member(p->pid)) {
		p->session_leader = true;
		p->sid = p->pgid = p->pid;
		rc = p->pid;
	}
	process_unlock(flags);
	return rc;
}

/*
 * Linux's will_become_orphaned_pgrp: no member of the group but 'ignored'
 * has a parent in another group of the same session, which a shell would
 * be. Members that are zombies and members whose parent is pid 1 do not
 * count (Linux's is_global_init rule).
 */
static bool orphaned_without(int32_t pgid, const struct process *ignored)
{
	struct process *p;

	list_for_each_entry(p, process_all_list(), all)
	{
		if (p == ignored || p->state != PROCESS_RUNNING || p->leader != p ||
		    p->pgid != pgid)
			continue;
		if (!p->parent || p->parent->pid == 1)
			continue;
		if (p->parent->pgid != pgid && p->parent->sid == p->sid)
			return false;
	}
	return true;
}

bool process_pgrp_orphaned_locked(int32_t pgid)
{
	return orphaned_without(pgid, NULL);
}

/* Linux's has_stopped_jobs: a member's group stop is complete (SIGNAL_STOP_STOPPED). */
static bool has_stopped_jobs(int32_t pgid)
{
	struct process *p;

	list_for_each_entry(p, process_all_list(), all)
	{
		if (p->state == PROCESS_RUNNING && p->leader == p && p->pgid == pgid &&
		    p->stopped && p->stop_done)
			return true;
	}
	return false;
}

void process_orphan_check_locked(struct process *g, struct process *parent)
{
	const struct process *ignored = parent ? NULL : g;

	if (!parent)
		parent = g->parent;
	if (!parent || parent->pgid == g->pgid || parent->sid != g->sid)
		return;
	if (orphaned_without(g->pgid, ignored) && has_stopped_jobs(g->pgid)) {
		process_kill_pgrp_locked(g->pgid, PROCESS_SIGHUP);
		process_kill_pgrp_locked(g->pgid, PROCESS_SIGCONT);
	}
}
