/*
 * Poll tables, after fs/select.c (poll_initwait, __pollwait, pollwake,
 * poll_schedule_timeout, poll_freewait): the poller registers an entry on
 * the head of each file it asks, holding the file; a wakeup of a head
 * marks every registered poller woken and wakes it. The mark is what
 * makes a wakeup between a file's poll() and the sleep count.
 */
#include <klib/errno.h>
#include <page-alloc/page_alloc.h>
#include <vfs/poll.h>
#include "vfs_internal.h"

struct vfs_poll_table {
	void *lock; /* "vfs_poll_table": woken */
	void *wait;
	bool woken;
	bool registering; /* until the first sleep (Linux clears pt->_qproc) */
	int error;        /* a registration failed: -ENOMEM */
	struct list_node entries;
};

struct poll_entry {
	struct list_node head_link;  /* guarded by the head's lock */
	struct list_node table_link; /* the table's own */
	struct vfs_poll_head *head;
	struct vfs_poll_table *pt;
	struct vfs_file *file; /* a reference: the head lives while it does */
};

int vfs_poll_head_init(struct vfs_poll_head *h)
{
	list_init(&h->entries);
	return (h->lock = vfs_lock_new("vfs_poll")) ? 0 : -ENOMEM;
}

void vfs_poll_head_fini(struct vfs_poll_head *h)
{
	vfs_lock_free(h->lock);
	h->lock = NULL;
}

void vfs_poll_wake(struct vfs_poll_head *h)
{
	struct list_node *n;

	vfs_lock(h->lock);
	list_for_each(n, &h->entries)
	{
		struct vfs_poll_table *pt = container_of(n, struct poll_entry, head_link)->pt;

		vfs_lock(pt->lock);
		pt->woken = true;
		vfs_wake(pt->wait);
		vfs_unlock(pt->lock);
	}
	vfs_unlock(h->lock);
}

void vfs_poll_wait(struct vfs_file *f, struct vfs_poll_head *h, struct vfs_poll_table *pt)
{
	struct poll_entry *e;

	if (!pt || !pt->registering)
		return;
	if (!(e = kzalloc(sizeof(*e)))) {
		pt->error = -ENOMEM;
		return;
	}
	vfs_file_get(f);
	e->file = f;
	e->head = h;
	e->pt = pt;
	list_add_tail(&pt->entries, &e->table_link);
	vfs_lock(h->lock);
	list_add_tail(&h->entries, &e->head_link);
	vfs_unlock(h->lock);
}

int vfs_poll_table_new(struct vfs_poll_table **out)
{
	struct vfs_poll_table *pt = kzalloc(sizeof(*pt));

	if (!pt)
		return -ENOMEM;
	pt->lock = vfs_lock_new("vfs_poll_table");
	pt->wait = vfs_wait_new();
	if (!pt->lock || !pt->wait) {
		vfs_lock_free(pt->lock);
		vfs_wait_free(pt->wait);
		kfree(pt);
		return -ENOMEM;
	}
	pt->registering = true;
	list_init(&pt->entries);
	*out = pt;
	return 0;
}

void vfs_poll_table_free(struct vfs_poll_table *pt)
{
	struct list_node *n;

	while ((n = list_pop(&pt->entries))) {
		struct poll_entry *e = container_of(n, struct poll_entry, table_link);

		vfs_lock(e->head->lock);
		list_del(&e->head_link);
		vfs_unlock(e->head->lock);
		vfs_file_put(e->file);
		kfree(e);
	}
	vfs_lock_free(pt->lock);
	vfs_wait_free(pt->wait);
	kfree(pt);
}

unsigned vfs_poll(struct vfs_file *f, struct vfs_poll_table *pt)
{
	if (f->mode & VFS_FMODE_PATH)
		return 0;
	if (!f->ops || !f->ops->poll)
		return VFS_POLL_DEFAULT;
	return f->ops->poll(f, pt);
}

int vfs_poll_table_sleep(struct vfs_poll_table *pt, uint64_t deadline)
{
	int rc = 0;

	pt->registering = false;
	if (pt->error)
		return pt->error;
	vfs_lock(pt->lock);
	while (!pt->woken && rc == 0)
		rc = vfs_wait(pt->wait, pt->lock, deadline);
	if (pt->woken)
		rc = 0; /* ready and interrupted at once: look at the files first */
	pt->woken = false;
	vfs_unlock(pt->lock);
	return rc;
}
