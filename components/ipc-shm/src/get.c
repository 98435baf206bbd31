/*
 * shmget: Linux's ipcget. IPC_PRIVATE always makes a new segment; a key is
 * looked up first, and for an existing one the checks run in Linux's order:
 * IPC_CREAT|IPC_EXCL (EEXIST), then the size (EINVAL), then permissions
 * (EACCES) against every octal digit of the flags.
 */
#include "shm_internal.h"
#include <klib/errno.h>

int shm_get(struct shm_ns *ns, const struct shm_caller *c, int32_t key, size_t size, int flags)
{
	const struct shm_perm *p;
	int ret, id;

	shm_assert_caller_unlocked(ns);
	shm_ns_lock(ns);
	if (key == IPC_PRIVATE)
		ret = shm_seg_create(ns, c, key, size, flags);
	else if (!(p = shm_keys_find(&ns->ids, key, &id)))
		ret = (flags & IPC_CREAT) ? shm_seg_create(ns, c, key, size, flags) : -ENOENT;
	else if ((flags & IPC_CREAT) && (flags & IPC_EXCL))
		ret = -EEXIST;
	else if (p->segsz < size)
		ret = -EINVAL;
	else if (!shm_perm_ok(p, c, flags))
		ret = -EACCES;
	else
		ret = id;
	shm_ns_unlock(ns);
	return ret;
}
