/*
 * Namespaces: creation with limits, run-time limits (the sysctls), the
 * creator records behind shm_rmid_forced, and teardown.
 */
#include "shm_internal.h"
#include <klib/errno.h>
#include <page-alloc/page_alloc.h>

void shm_default_limits(struct shm_limits *out)
{
	out->shmmax = CONFIG_IPC_SHM_SHMMAX;
	out->shmall = CONFIG_IPC_SHM_SHMALL;
	out->shmmni = CONFIG_IPC_SHM_SHMMNI;
#ifdef CONFIG_IPC_SHM_RMID_FORCED
	out->rmid_forced = true;
#else
	out->rmid_forced = false;
#endif
}

static bool shm_limits_valid(const struct shm_limits *l)
{
	return l->shmmni <= SHM_IDS;
}

int shm_ns_create(struct shm_ns **out, const struct shm_limits *limits, const struct shm_ops *ops)
{
	struct shm_ns *ns;

	if (!ops || !ops->lock_create || !ops->lock_destroy || !ops->lock || !ops->unlock ||
	    !ops->now || !ops->current_pid)
		return -EINVAL;
	if (limits && !shm_limits_valid(limits))
		return -EINVAL;
	ns = kzalloc(sizeof(*ns));
	if (!ns)
		return -ENOMEM;
	ns->ops = ops;
	ns->refs = 1;
	list_init(&ns->memlock_users);
	if (limits)
		ns->limits = *limits;
	else
		shm_default_limits(&ns->limits);
	if (shm_ids_init(&ns->ids) < 0)
		goto fail;
	ns->lock = ops->lock_create(ops->ctx, "shm_ns");
	if (!ns->lock)
		goto fail;
	*out = ns;
	return 0;
fail:
	shm_ids_fini(&ns->ids);
	kfree(ns);
	return -ENOMEM;
}

/* Every segment in the table, in index order; the callback may destroy the one it is given. */
static void shm_ns_each(struct shm_ns *ns, void (*fn)(struct shm_ns *, struct shm_seg *))
{
	for (int idx = 0; idx <= ns->ids.max_idx; idx++) {
		struct shm_seg *seg = shm_ids_find_idx(&ns->ids, idx);

		if (seg)
			fn(ns, seg);
	}
}

/* Linux's shm_try_destroy_orphaned(). */
static void shm_destroy_orphan(struct shm_ns *ns, struct shm_seg *seg)
{
	if (seg->orphan && shm_may_destroy(ns, seg, shm_seg_nattch(seg)))
		shm_seg_destroy(ns, seg);
}

int shm_ns_set_limits(struct shm_ns *ns, const struct shm_limits *limits)
{
	bool forced_on;

	shm_assert_caller_unlocked(ns);
	if (!shm_limits_valid(limits))
		return -EINVAL;
	shm_ns_lock(ns);
	forced_on = limits->rmid_forced && !ns->limits.rmid_forced;
	ns->limits = *limits;
	if (forced_on)
		shm_ns_each(ns, shm_destroy_orphan);
	shm_ns_unlock(ns);
	return 0;
}

void shm_ns_get_limits(struct shm_ns *ns, struct shm_limits *out)
{
	shm_assert_caller_unlocked(ns);
	shm_ns_lock(ns);
	*out = ns->limits;
	shm_ns_unlock(ns);
}

void shm_task_init(struct shm_task *task)
{
	list_init(&task->created);
}

/*
 * Linux's exit_shm(): the task's segments become orphans (so turning
 * rmid_forced on later destroys them), and with rmid_forced on, the
 * unattached ones go now.
 */
void shm_task_exit(struct shm_ns *ns, struct shm_task *task)
{
	shm_assert_caller_unlocked(ns);
	shm_ns_lock(ns);
	while (!list_empty(&task->created)) {
		struct shm_seg *seg =
		    list_entry(list_pop(&task->created), struct shm_seg, creator_link);

		seg->orphan = true;
		if (shm_may_destroy(ns, seg, shm_seg_nattch(seg)))
			shm_seg_destroy(ns, seg);
	}
	shm_ns_unlock(ns);
}

static void shm_ns_rmid(struct shm_ns *ns, struct shm_seg *seg)
{
	/* No task of the namespace is left to exit: nobody's creator record may point here. */
	list_del(&seg->creator_link);
	shm_seg_rmid(ns, seg);
}

void shm_ns_get(struct shm_ns *ns)
{
	__atomic_add_fetch(&ns->refs, 1, __ATOMIC_RELAXED);
}

/*
 * Linux's put_ipc_ns, then free_ipc_ns's shm_exit_ns: every segment goes as
 * IPC_RMID would take it. There, an attachment holds a reference on the
 * namespace, so the segments are destroyed when the last one is detached;
 * here the ids go at once (nobody is left who could name them: there is no
 * setns) and an attached segment lives on, SHM_DEST, until its last detach,
 * with the namespace's memory behind it.
 */
void shm_ns_put(struct shm_ns *ns)
{
	shm_assert_caller_unlocked(ns);
	if (__atomic_sub_fetch(&ns->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	shm_ns_lock(ns);
	shm_ns_each(ns, shm_ns_rmid);
	ns->dying = true;
	shm_ns_unlock_release(ns);
}
