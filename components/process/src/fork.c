/*
 * fork: a new process with a copy of the parent's address space (private
 * areas copy-on-write, shared ones, shm attachments included, shared: their
 * backends see open() and count the child) and of its registers, whose
 * system call returns 0. It joins its parent's process group and session.
 * Until it is complete it is NEW: no pid lookup, kill or wait finds it.
 */
#include <klib/errno.h>
#include <klib/string.h>
#include "process_internal.h"

long process_fork(struct process *parent, void (*prepare)(struct process *child, void *arg),
		  void *arg)
{
	struct process *child = process_alloc(parent);
	int rc;

	if (!child)
		return -EAGAIN; /* Linux: out of pids or task structures */
	memcpy(child->comm, parent->comm, sizeof(child->comm));
	child->layout = parent->layout;
	child->uc = parent->uc;
	process_sig_fork(child, parent);
	hal_user_set_return(&child->uc, 0);
	if ((rc = as_fork(parent->as, &child->as)) < 0)
		goto fail;
	if (process_abi_ops && process_abi_ops->fork &&
	    (rc = process_abi_ops->fork(parent, child)) < 0)
		goto fail_as;
	if (prepare)
		prepare(child, arg);
	/* A parent that is to die makes no child (Linux: fatal_signal_pending in copy_process). */
	if (__atomic_load_n(&parent->sig_fatal, __ATOMIC_ACQUIRE)) {
		rc = -EINTR;
		goto fail_abi;
	}
	process_publish(child);
	if ((rc = process_start_task(child)) < 0)
		goto fail_abi;
	return child->pid;

fail_abi:
	if (process_abi_ops && process_abi_ops->release)
		process_abi_ops->release(child);
fail_as:
	process_as_retire(child, child->as);
fail:
	process_discard(child);
	return rc;
}
