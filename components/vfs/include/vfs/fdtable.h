/*
 * File descriptor tables: fd -> open file, and the close-on-exec flag of
 * each fd. A table is reference-counted so that threads made with
 * CLONE_FILES share one (vfs_fdt_share); fork copies it (vfs_fdt_copy: the
 * copy's fds refer to the same files, offsets shared, as Linux's dup).
 *
 * The lowest free fd is used, as POSIX requires. A table grows on demand
 * up to the 'limit' each call is given (RLIMIT_NOFILE, at most
 * CONFIG_VFS_NR_OPEN): a new fd at or above it is -EMFILE; dup2/dup3 to a
 * target at or above it is -EBADF (Linux's order of checks).
 *
 * Locking: each table has one lock ("vfs_fdtable"), taken inside these
 * calls and never held while a file is released (a closed file's last
 * reference is dropped after the table is unlocked), so a close may come
 * from any context that may sleep.
 *
 *	struct vfs_file *f = vfs_fd_get(t, fd);   // a reference, or NULL: -EBADF
 *	if (!f)
 *		return -EBADF;
 *	rc = vfs_read(f, &it);
 *	vfs_file_put(f);
 */
#ifndef VFS_FDTABLE_H
#define VFS_FDTABLE_H

#include <stdbool.h>
#include <stdint.h>
#include <vfs/vfs.h>

struct vfs_fdtable;

/* An empty table; NULL if out of memory. */
struct vfs_fdtable *vfs_fdt_new(void);
/* fork: the same files under the same numbers, close-on-exec flags kept. NULL if out of memory. */
struct vfs_fdtable *vfs_fdt_copy(struct vfs_fdtable *t);
/* CLONE_FILES: one more sharer. */
struct vfs_fdtable *vfs_fdt_share(struct vfs_fdtable *t);
/* Drop a sharer; the last one closes every fd. */
void vfs_fdt_put(struct vfs_fdtable *t);

/*
 * Put 'f' in the lowest free fd >= min that is below 'limit'. The table
 * takes over the caller's reference on success. The fd, or -EMFILE, -ENOMEM.
 */
int vfs_fd_install(struct vfs_fdtable *t, struct vfs_file *f, unsigned min, unsigned limit,
                   bool cloexec);

/*
 * Linux's order: an fd is taken before the file is opened (get_unused_fd,
 * so a full table is -EMFILE before any open error). vfs_fd_reserve takes
 * the lowest free fd >= min below 'limit' (-EMFILE, -ENOMEM);
 * vfs_fd_fill puts the file there (the table takes the reference);
 * vfs_fd_unreserve gives it back. A reserved fd is not open: reads see
 * -EBADF, dup2 onto it -EBUSY (as Linux's).
 */
int vfs_fd_reserve(struct vfs_fdtable *t, unsigned min, unsigned limit);
void vfs_fd_fill(struct vfs_fdtable *t, int fd, struct vfs_file *f, bool cloexec);
void vfs_fd_unreserve(struct vfs_fdtable *t, int fd);

/* The file at fd with a new reference, or NULL (not open). */
struct vfs_file *vfs_fd_get(struct vfs_fdtable *t, int fd);

/* close(): 0 or -EBADF. */
int vfs_fd_close(struct vfs_fdtable *t, int fd);

/*
 * dup2/dup3: fd 'newfd' refers to oldfd's file (closing what was there).
 * -EBADF (oldfd not open, newfd negative or >= limit), -EBUSY (newfd is
 * reserved by an open in progress), -ENOMEM. newfd, or
 * oldfd == newfd: newfd with nothing changed (dup2's rule; dup3 refuses
 * that case itself, with -EINVAL, before calling).
 */
int vfs_fd_dup2(struct vfs_fdtable *t, int oldfd, int newfd, unsigned limit, bool cloexec);

/* F_GETFD / F_SETFD: the close-on-exec flag (1 or 0), or -EBADF. */
int vfs_fd_get_cloexec(struct vfs_fdtable *t, int fd);
int vfs_fd_set_cloexec(struct vfs_fdtable *t, int fd, bool cloexec);

/* execve: close every close-on-exec fd. */
void vfs_fdt_exec(struct vfs_fdtable *t);

/* Open fds (/proc/<pid>/fd): the count; up to max of them into fds, in order. */
unsigned vfs_fdt_list(struct vfs_fdtable *t, int *fds, unsigned max);

/* The slots the table has now (Linux's max_fds: /proc/<pid>/status's FDSize). */
unsigned vfs_fdt_size(struct vfs_fdtable *t);

#endif
