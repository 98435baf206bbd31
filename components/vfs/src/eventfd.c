/*
 * eventfd, after Linux's fs/eventfd.c: a 64-bit counter behind a file.
 * A read takes the whole count (or 1 in semaphore mode) and waits while
 * it is 0; a write adds and waits while the sum would reach
 * 0xffffffffffffffff, the one value the counter never holds.
 */
#include <klib/errno.h>
#include <page-alloc/page_alloc.h>
#include <vfs/pipe.h>
#include <vfs/poll.h>
#include "vfs_internal.h"

#define COUNT_MAX (~0ull)

struct eventfd {
	void *lock; /* "vfs_eventfd": count */
	void *wait;
	struct vfs_poll_head poll;
	uint64_t count;
	bool semaphore;
};

static void efd_wake(struct eventfd *e)
{
	vfs_wake(e->wait);
	vfs_poll_wake(&e->poll);
}

static long efd_read(struct vfs_file *f, struct vfs_iter *it, uint64_t *pos)
{
	struct eventfd *e = f->priv;
	uint64_t n;

	(void)pos;
	if (it->len < sizeof(n))
		return -EINVAL;
	vfs_lock(e->lock);
	while (e->count == 0) {
		if (vfs_file_flags(f) & VFS_O_NONBLOCK) {
			vfs_unlock(e->lock);
			return -EAGAIN;
		}
		if (vfs_wait(e->wait, e->lock, VFS_WAIT_FOREVER) == -EINTR) {
			vfs_unlock(e->lock);
			return -ERESTARTSYS;
		}
	}
	n = e->semaphore ? 1 : e->count;
	e->count -= n;
	efd_wake(e);
	vfs_unlock(e->lock);
	/* As Linux: the count is taken before the copy, and lost if the copy fails. */
	return it->copy(it, 0, &n, sizeof(n), true) < 0 ? -EFAULT : (long)sizeof(n);
}

static long efd_write(struct vfs_file *f, struct vfs_iter *it, uint64_t *pos,
                      const struct vfs_cred *cr, bool *xfsz)
{
	struct eventfd *e = f->priv;
	uint64_t n;

	(void)pos, (void)cr, (void)xfsz;
	if (it->len < sizeof(n))
		return -EINVAL;
	if (it->copy(it, 0, &n, sizeof(n), false) < 0)
		return -EFAULT;
	if (n == COUNT_MAX)
		return -EINVAL;
	vfs_lock(e->lock);
	while (COUNT_MAX - e->count <= n) {
		if (vfs_file_flags(f) & VFS_O_NONBLOCK) {
			vfs_unlock(e->lock);
			return -EAGAIN;
		}
		if (vfs_wait(e->wait, e->lock, VFS_WAIT_FOREVER) == -EINTR) {
			vfs_unlock(e->lock);
			return -ERESTARTSYS;
		}
	}
	e->count += n;
	if (n)
		efd_wake(e);
	vfs_unlock(e->lock);
	return (long)sizeof(n);
}

static unsigned efd_poll(struct vfs_file *f, struct vfs_poll_table *pt)
{
	struct eventfd *e = f->priv;
	unsigned mask = 0;
	uint64_t count;

	vfs_poll_wait(f, &e->poll, pt);
	vfs_lock(e->lock);
	count = e->count;
	vfs_unlock(e->lock);
	if (count > 0)
		mask |= VFS_POLLIN | VFS_POLLRDNORM;
	if (count == COUNT_MAX)
		mask |= VFS_POLLERR;
	if (COUNT_MAX - 1 > count)
		mask |= VFS_POLLOUT | VFS_POLLWRNORM;
	return mask;
}

static void efd_free(struct eventfd *e)
{
	vfs_poll_head_fini(&e->poll);
	vfs_wait_free(e->wait);
	vfs_lock_free(e->lock);
	kfree(e);
}

static void efd_release(struct vfs_file *f)
{
	efd_free(f->priv);
}

static const struct vfs_file_ops eventfd_fops = {
    .read = efd_read,
    .write = efd_write,
    .release = efd_release,
    .poll = efd_poll,
    .stream = true,
};

int vfs_eventfd(uint64_t count, unsigned flags, struct vfs_file **out)
{
	struct vfs_inode *inode;
	struct eventfd *e;
	int rc;

	if (flags & ~(VFS_EFD_SEMAPHORE | VFS_O_NONBLOCK | VFS_O_CLOEXEC))
		return -EINVAL;
	if (!(e = kzalloc(sizeof(*e))))
		return -ENOMEM;
	e->lock = vfs_lock_new("vfs_eventfd");
	e->wait = vfs_wait_new();
	if (!e->lock || !e->wait || vfs_poll_head_init(&e->poll) < 0) {
		efd_free(e);
		return -ENOMEM;
	}
	e->count = count;
	e->semaphore = flags & VFS_EFD_SEMAPHORE;
	/* Linux's anon inode: owned by root, mode 0600 and no file type. */
	if (!(inode = vfs_anon_inode(0600, 0, 0))) {
		efd_free(e);
		return -ENOMEM;
	}
	rc = vfs_anon_file(inode, "anon_inode:[eventfd]", VFS_O_RDWR | (flags & VFS_O_NONBLOCK),
	                   &eventfd_fops, e, out);
	vfs_inode_put(inode);
	if (rc < 0)
		efd_free(e);
	return rc;
}
