/*
 * The layer's set-up and teardown: the integrator's locks and clock, the
 * registry of file system types, the two global locks.
 */
#include <klib/errno.h>
#include <klib/string.h>
#include "vfs_internal.h"

struct vfs_globals vfs_g;

void *vfs_lock_new(const char *name)
{
	return vfs_g.ops->lock_create(vfs_g.ops->ctx, name);
}

void vfs_lock_free(void *lock)
{
	if (lock)
		vfs_g.ops->lock_destroy(vfs_g.ops->ctx, lock);
}

void vfs_lock(void *lock)
{
	vfs_g.ops->lock(vfs_g.ops->ctx, lock);
}

void vfs_unlock(void *lock)
{
	vfs_g.ops->unlock(vfs_g.ops->ctx, lock);
}

void vfs_now(struct vfs_timespec *out)
{
	vfs_g.ops->now(vfs_g.ops->ctx, out);
}

void *vfs_wait_new(void)
{
	return vfs_g.ops->wait_create(vfs_g.ops->ctx);
}

void vfs_wait_free(void *wait)
{
	if (wait)
		vfs_g.ops->wait_destroy(vfs_g.ops->ctx, wait);
}

int vfs_wait(void *wait, void *lock, uint64_t deadline)
{
	return vfs_g.ops->wait(vfs_g.ops->ctx, wait, lock, deadline);
}

void vfs_wake(void *wait)
{
	vfs_g.ops->wake(vfs_g.ops->ctx, wait);
}

int vfs_init(const struct vfs_ops *ops)
{
	if (!ops || !ops->lock_create || !ops->lock_destroy || !ops->lock || !ops->unlock ||
	    !ops->now || !ops->wait_create || !ops->wait_destroy || !ops->wait || !ops->wake)
		return -EINVAL;
	memset(&vfs_g, 0, sizeof(vfs_g));
	vfs_g.ops = ops;
	list_init(&vfs_g.mounts);
	list_init(&vfs_g.types);
	vfs_g.next_dev = 1;
	vfs_anon_init();
	vfs_g.tree_lock = vfs_lock_new("vfs_tree");
	vfs_g.rename_lock = vfs_lock_new("vfs_rename");
	if (!vfs_g.tree_lock || !vfs_g.rename_lock) {
		vfs_lock_free(vfs_g.tree_lock);
		vfs_lock_free(vfs_g.rename_lock);
		vfs_g.ops = NULL;
		return -ENOMEM;
	}
	return 0;
}

static struct vfs_fstype *find_type(const char *name)
{
	for (struct list_node *n = vfs_g.types.next; n != &vfs_g.types; n = n->next) {
		struct vfs_fstype *t = container_of(n, struct vfs_fstype, link);
		if (strcmp(t->name, name) == 0)
			return t;
	}
	return NULL;
}

int vfs_register_fs(struct vfs_fstype *type)
{
	int rc = 0;

	vfs_tree_lock();
	if (find_type(type->name))
		rc = -EEXIST;
	else
		list_add_tail(&vfs_g.types, &type->link);
	vfs_tree_unlock();
	return rc;
}

const struct vfs_fstype *vfs_fstype_find(const char *name)
{
	struct vfs_fstype *t;

	vfs_tree_lock();
	t = find_type(name);
	vfs_tree_unlock();
	return t;
}

void vfs_shutdown(void)
{
	if (!vfs_g.ops)
		return;
	vfs_mounts_free();
	vfs_chrdevs_free();
	while (!list_empty(&vfs_g.types))
		list_del(vfs_g.types.next);
	vfs_lock_free(vfs_g.tree_lock);
	vfs_lock_free(vfs_g.rename_lock);
	memset(&vfs_g, 0, sizeof(vfs_g));
}
