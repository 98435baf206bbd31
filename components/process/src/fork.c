/*
 * fork and clone: a new process with a copy of the parent's address space
 * (private areas copy-on-write, shared ones, shm attachments included,
 * shared: their backends see open() and count the child) and of its
 * registers, whose system call returns 0. It joins its parent's process
 * group and session. A new thread instead shares the caller's space and
 * the layer's state and joins its thread group. Until it is complete it
 * is NEW: no pid lookup, kill or wait finds it.
 */
#include <klib/errno.h>
#include <klib/string.h>
#include <page-alloc/page_alloc.h>
#include "process_internal.h"

/*
 * Make 'child' visible: a process RUNNING in the tree, a thread also in
 * its group, unless the caller's group is dying or execing (Linux's
 * copy_process checks fatal_signal_pending under the tasklist lock).
 */
static int publish(struct process *parent, struct process *child, bool thread)
{
	struct process *g = parent->leader;
	unsigned long flags = process_lock();

	if (__atomic_load_n(&parent->sig_fatal, __ATOMIC_ACQUIRE) || g->group_exit ||
	    g->exec_thread) {
		process_unlock(flags);
		return -EINTR;
	}
	child->state = PROCESS_RUNNING;
	if (thread) {
		list_add_tail(&g->threads, &child->thread);
		g->nr_threads++;
	}
	process_unlock(flags);
	return 0;
}

static void unpublish(struct process *child, bool thread)
{
	unsigned long flags = process_lock();

	if (thread && child->state == PROCESS_RUNNING) {
		list_del(&child->thread);
		child->leader->nr_threads--;
	}
	child->state = PROCESS_NEW;
	process_unlock(flags);
}

/* The space: a copy for a process, the caller's own for a thread. */
static int take_space(struct process *parent, struct process *child, bool thread)
{
	int rc;

	if (thread) {
		child->as = parent->as;
		if (!process_abi_ops || !process_abi_ops->clone_thread)
			return -EINVAL;
		return process_abi_ops->clone_thread(parent, child);
	}
	if ((rc = as_fork(parent->as, &child->as)) < 0)
		return rc;
	if (process_abi_ops && process_abi_ops->fork &&
	    (rc = process_abi_ops->fork(parent, child)) < 0) {
		process_as_retire(child, child->as);
		return rc;
	}
	return 0;
}

long process_clone(struct process *parent, unsigned flags,
                   void (*prepare)(struct process *child, void *arg), void *arg)
{
	bool thread = flags & PROCESS_CLONE_THREAD;
	struct process *child = process_alloc(parent->leader, thread);
	struct process_vfork *vf = NULL;
	int32_t pid;
	int rc;

	if (!child)
		return -EAGAIN; /* Linux: out of pids or task structures */
	memcpy(child->comm, parent->comm, sizeof(child->comm));
	child->layout = parent->layout;
	child->uc = parent->uc;
	if (!thread)
		process_sig_fork(child, parent);
	else
		process_sig_thread(child, parent); /* it shares its group's actions */
	hal_user_set_return(&child->uc, 0);
	if ((rc = take_space(parent, child, thread)) < 0) {
		child->as = NULL;
		goto fail;
	}
	if (prepare)
		prepare(child, arg);
	rc = -ENOMEM;
	if ((flags & PROCESS_CLONE_VFORK) && !(vf = process_vfork_new(child)))
		goto fail_abi;
	if ((rc = publish(parent, child, thread)) < 0)
		goto fail_abi;
	pid = child->pid;
	if ((rc = process_start_task(child)) < 0) {
		unpublish(child, thread);
		goto fail_abi;
	}
	/* The child may have run, ended and been reaped by now: only its pid is used. */
	if (vf)
		process_vfork_wait(vf);
	return pid;

fail_abi:
	if (vf) {
		process_vfork_done(child);
		process_vfork_wait(vf);
	}
	if (process_abi_ops && process_abi_ops->release)
		process_abi_ops->release(child);
	if (!thread)
		process_as_retire(child, child->as);
fail:
	process_discard(child);
	return rc;
}

long process_fork(struct process *parent, void (*prepare)(struct process *child, void *arg),
                  void *arg)
{
	return process_clone(parent, 0, prepare, arg);
}
