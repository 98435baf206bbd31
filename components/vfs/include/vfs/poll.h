/*
 * Waiting for files to become ready (Linux's poll_wait and poll tables,
 * fs/select.c): what poll, ppoll, pselect6 and select are built on.
 *
 * A pollable object (a pipe, an eventfd) embeds a struct vfs_poll_head and
 * calls vfs_poll_wake() whenever it may have become readable or writable,
 * hung up or failed. Its file operation poll() adds the poller to that head
 * with vfs_poll_wait() and returns the events ready now. A file without a
 * poll operation is always ready for reading and writing, as Linux's
 * DEFAULT_POLLMASK says (regular files, /dev/null, /dev/zero).
 *
 * The poller's side:
 *
 *	vfs_poll_table_new(&pt);
 *	for (;;) {
 *		for each file: mask = vfs_poll(f, pt) & (wanted | POLLERR | POLLHUP);
 *		if (something ready || (rc = vfs_poll_table_sleep(pt, deadline)) < 0)
 *			break;  // -ETIMEDOUT, -EINTR, -ENOMEM
 *	}
 *	vfs_poll_table_free(pt);
 *
 * The first pass registers the poller with every file's head (a file
 * reference each, so a file closed meanwhile stays alive until the table
 * goes); a wakeup between a file's poll() and the sleep is not lost, as the
 * table remembers it. Later passes only ask.
 *
 * Locks: "vfs_poll" (a head) then "vfs_poll_table" are taken by these
 * calls only, innermost but for the tree lock, fd tables and fs structs;
 * vfs_poll_wake() may be called with the object's own lock held.
 */
#ifndef VFS_POLL_H
#define VFS_POLL_H

#include <klib/list.h>
#include <vfs/vfs.h>

/* poll's events: Linux's values, the same on every architecture. */
#define VFS_POLLIN     0x0001u
#define VFS_POLLPRI    0x0002u
#define VFS_POLLOUT    0x0004u
#define VFS_POLLERR    0x0008u
#define VFS_POLLHUP    0x0010u
#define VFS_POLLNVAL   0x0020u
#define VFS_POLLRDNORM 0x0040u
#define VFS_POLLRDBAND 0x0080u
#define VFS_POLLWRNORM 0x0100u
#define VFS_POLLWRBAND 0x0200u
#define VFS_POLLMSG    0x0400u
#define VFS_POLLRDHUP  0x2000u
/* What a file without a poll operation always is (DEFAULT_POLLMASK). */
#define VFS_POLL_DEFAULT (VFS_POLLIN | VFS_POLLOUT | VFS_POLLRDNORM | VFS_POLLWRNORM)

struct vfs_poll_table;

struct vfs_poll_head {
	void *lock;               /* "vfs_poll" */
	struct list_node entries; /* pollers registered here */
};

/* Set up / tear down a head (no poller may be registered any more: files hold it alive). -ENOMEM.
 */
int vfs_poll_head_init(struct vfs_poll_head *h);
void vfs_poll_head_fini(struct vfs_poll_head *h);
/* The object may be ready: every poller registered on h looks again. Never sleeps but on locks. */
void vfs_poll_wake(struct vfs_poll_head *h);
/* From a file's poll(): register the poller of pt (NULL: none) with h for file f. */
void vfs_poll_wait(struct vfs_file *f, struct vfs_poll_head *h, struct vfs_poll_table *pt);

/* A poller (the calling task): -ENOMEM. */
int vfs_poll_table_new(struct vfs_poll_table **out);
/* Unregister from every head (dropping the file references) and free. */
void vfs_poll_table_free(struct vfs_poll_table *pt);
/*
 * The events ready on f (VFS_POLL*), registering pt's poller with f if pt
 * is not NULL and the table still registers (before its first sleep). An
 * O_PATH file has no events (Linux: POLLNVAL for its fd, the caller's).
 */
unsigned vfs_poll(struct vfs_file *f, struct vfs_poll_table *pt);
/*
 * Sleep until a registered head is woken (since the table was made or
 * last slept), 'deadline' (VFS_WAIT_FOREVER: none) or a signal: 0,
 * -ETIMEDOUT, -EINTR; -ENOMEM if a registration failed (as Linux's poll).
 * Afterwards vfs_poll() no longer registers.
 */
int vfs_poll_table_sleep(struct vfs_poll_table *pt, uint64_t deadline);

#endif
