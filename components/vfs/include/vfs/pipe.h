/*
 * Pipes, FIFOs and eventfds: files that need no name (Linux's pipefs and
 * anon_inode files: fs/pipe.c, fs/eventfd.c) and whose reads and writes
 * wait for another task, interruptibly (vfs_ops.wait: a signal ends the
 * wait with -ERESTARTSYS, which the system-call layer restarts or turns
 * into EINTR by SA_RESTART, as Linux's).
 *
 * A pipe is a ring of page-sized buffers, VFS_PIPE_DEF_PAGES of them
 * (CONFIG_VFS_PIPE_PAGES) unless F_SETPIPE_SZ changes it, and behaves as
 * Linux's byte for byte: small writes merge into the last buffer, a write
 * of at most VFS_PIPE_BUF bytes is never split, O_DIRECT makes each write
 * a packet, readers see EOF when every writer is gone, writers get -EPIPE
 * when every reader is (or the bytes written before the last one went),
 * with vfs_iter.sigpipe set: the caller sends SIGPIPE. A FIFO in a file
 * system (mknod S_IFIFO) opens into the same pipe, waiting for the other
 * end as POSIX says. /proc shows a pipe's file as "pipe:[ino]" and an
 * eventfd's as "anon_inode:[eventfd]" (vfs_path_name).
 *
 * Every call may sleep (task context, no vfs lock held) unless it says not.
 */
#ifndef VFS_PIPE_H
#define VFS_PIPE_H

#include <vfs/vfs.h>

#define VFS_PIPE_BUF 4096 /* PIPE_BUF: writes of at most this many bytes are atomic */

/*
 * pipe2(): a new pipe, its read end in *rd and write end in *wr, owned by
 * cr's fsuid and fsgid. 'flags' (VFS_O_*): O_NONBLOCK (both ends), O_DIRECT
 * (packet mode); O_CLOEXEC is the fd table's. -EINVAL for any other flag,
 * -ENOMEM, -ENFILE.
 */
int vfs_pipe(unsigned flags, const struct vfs_cred *cr, struct vfs_file **rd, struct vfs_file **wr);

/*
 * F_GETPIPE_SZ: the capacity of f's pipe in bytes; F_SETPIPE_SZ: set it to
 * 'size' rounded up to a power of two of pages (at least one), returning
 * the new capacity. -EBADF if f is no pipe or FIFO; -EINVAL for a size
 * above 2^31; -EPERM for growing past vfs_pipe_max_size() without
 * 'privileged' (CAP_SYS_RESOURCE); -EBUSY if the pipe holds more buffers
 * than the new size has room for; -ENOMEM.
 */
long vfs_pipe_get_size(struct vfs_file *f);
long vfs_pipe_set_size(struct vfs_file *f, unsigned long size, bool privileged);

/*
 * /proc/sys/fs/pipe-max-size: the largest capacity F_SETPIPE_SZ gives an
 * unprivileged caller (CONFIG_VFS_PIPE_MAX_SIZE at boot). Setting rounds
 * as F_SETPIPE_SZ does: -EINVAL for 0 or above 2^31. Any context.
 */
unsigned vfs_pipe_max_size(void);
int vfs_pipe_set_max_size(unsigned long size);

/* Is f a pipe's or FIFO's end? */
bool vfs_file_is_pipe(const struct vfs_file *f);

/*
 * eventfd2(): a counter starting at 'count', with VFS_EFD_SEMAPHORE and
 * O_NONBLOCK (VFS_O_NONBLOCK) in 'flags' (O_CLOEXEC is the fd table's).
 * Reads and writes move 8 bytes: -EINVAL for less, and for a write of
 * 0xffffffffffffffff; a read waits for a non-zero count and takes all of
 * it (or 1 with EFD_SEMAPHORE), a write waits while the count would pass
 * 0xfffffffffffffffe. -EINVAL for other flags, -ENOMEM.
 */
#define VFS_EFD_SEMAPHORE 1u
int vfs_eventfd(uint64_t count, unsigned flags, struct vfs_file **out);

/*
 * The ioctls a pipe answers: FIONREAD (the bytes it holds, an int). The
 * number is the caller's (every architecture here has 0x541b).
 */
#define VFS_FIONREAD 0x541bu

#endif
