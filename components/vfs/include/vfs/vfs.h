/*
 * The file system layer: one tree of mounted file systems, path names
 * resolved in it, and open files.
 *
 * The model (Linux's, without the caches a disk needs):
 *   - an inode is a file of some file system (tmpfs, device files, later
 *     procfs), with its attributes; directories name inodes;
 *   - a dentry is an inode under a name in a directory, alive while
 *     someone uses it (a path being walked, an open file, a working
 *     directory, a mount point). Names are looked up in the file system
 *     when no live dentry has them: there is no cache of unused entries
 *     and no negative entries, so nothing goes stale;
 *   - a mount puts a file system's root over a directory, until
 *     vfs_umount() or vfs_shutdown();
 *   - a path is a (mount, dentry) pair; a file is an open path with an
 *     offset and flags, shared by the fds that dup() made (vfs/fdtable.h);
 *   - a struct vfs_fs is what Linux's fs_struct is: root, working
 *     directory and umask of a process, shared by CLONE_FS.
 *
 * Who calls comes in as a struct vfs_cred (ids, groups, capabilities,
 * RLIMIT_FSIZE); locks and the clock come in through struct vfs_ops at
 * vfs_init(), so the layer runs over sync's mutexes in a kernel and over
 * anything (pthreads) in host tests.
 *
 * Lock order (outermost first). vfs_ops.lock_create gets each lock's name,
 * which a lock-order checker can use as its class:
 *
 *   1. "vfs_file"    a file's offset: held across read, write, lseek and
 *                    getdents of regular files and directories (Linux's
 *                    f_pos_lock), so a shared offset moves by whole calls
 *   2. "vfs_rename"  one, global: a rename between two directories holds it
 *                    while it checks ancestry and locks both directories
 *   3. "vfs_dir"     a directory inode: its entries (the file system's), its
 *                    attributes. A parent before its child; two directories
 *                    of which neither is an ancestor of the other only under
 *                    vfs_rename (in address order)
 *   4. "vfs_inode"   any other inode: attributes, size, contents. Two of them
 *                    (rename over a file) in address order; a rename's
 *                    source and target, one a directory: the directory first
 *   4b. "vfs_pipe", "vfs_eventfd"  a pipe's or an eventfd's state (vfs/pipe.h):
 *                    held across the user copy of read and write, and while
 *                    waiting (released by the wait); never with 1-4 held
 *   5. the address space's lock (addr-space): read and write copy user memory
 *                    with 3 or 4 held; a fault on a file mapping comes in here
 *   6. the file systems' own inner locks ("tmpfs_pages"): what a page fault
 *                    of a mapped file needs, never held across a user copy
 *   7. "vfs_tree"    one, global: the dentry tree (parents, names, children,
 *                    flags), the mount list, dentry reference drops
 *   8. page-alloc's own locks
 *   9. "vfs_poll", then "vfs_poll_table" (vfs/poll.h): who polls what; a
 *                    wakeup takes them under 4b
 *   "vfs_fdtable" and "vfs_fs" (fd tables, fs structs) are innermost:
 *   nothing is called while holding them but the heap and reference gets
 *   (others may be held when they are taken: procfs looks up a process's
 *   fds with a directory's lock held).
 *
 * Sleeping: every call below may sleep (it takes mutexes and allocates)
 * and must be made from a task, with none of the locks above held, unless
 * its comment says otherwise. Errors are negative Linux errnos, in the
 * order Linux checks them.
 */
#ifndef VFS_VFS_H
#define VFS_VFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vfs_dentry;
struct vfs_mount;
struct vfs_inode;
struct vfs_file;
struct vfs_fs;

/* Linux's limits (include/uapi/linux/limits.h, include/linux/namei.h). */
#define VFS_PATH_MAX     4096                  /* bytes in a path, its NUL included */
#define VFS_NAME_MAX     255                   /* bytes in one component */
#define VFS_MAXSYMLINKS  40                    /* symbolic links followed in one walk */
#define VFS_MAX_FILESIZE 0x7fffffffffffffffull /* MAX_LFS_FILESIZE on 64-bit */
#define VFS_NO_LIMIT     (~0ull)

/* File types and permission bits: Linux's (the same on every architecture). */
#define VFS_S_IFMT     0170000
#define VFS_S_IFSOCK   0140000
#define VFS_S_IFLNK    0120000
#define VFS_S_IFREG    0100000
#define VFS_S_IFBLK    0060000
#define VFS_S_IFDIR    0040000
#define VFS_S_IFCHR    0020000
#define VFS_S_IFIFO    0010000
#define VFS_S_ISUID    04000
#define VFS_S_ISGID    02000
#define VFS_S_ISVTX    01000
#define VFS_S_IALLUGO  07777
#define VFS_S_ISDIR(m) (((m)&VFS_S_IFMT) == VFS_S_IFDIR)
#define VFS_S_ISREG(m) (((m)&VFS_S_IFMT) == VFS_S_IFREG)
#define VFS_S_ISLNK(m) (((m)&VFS_S_IFMT) == VFS_S_IFLNK)
#define VFS_S_ISCHR(m) (((m)&VFS_S_IFMT) == VFS_S_IFCHR)
#define VFS_S_ISBLK(m) (((m)&VFS_S_IFMT) == VFS_S_IFBLK)

/*
 * Open flags: the values of Linux's asm-generic/fcntl.h. An
 * architecture whose numbers differ (aarch64's O_DIRECTORY, O_NOFOLLOW,
 * O_DIRECT, O_LARGEFILE) translates them in its system-call layer.
 */
#define VFS_O_ACCMODE   00000003
#define VFS_O_RDONLY    00000000
#define VFS_O_WRONLY    00000001
#define VFS_O_RDWR      00000002
#define VFS_O_CREAT     00000100
#define VFS_O_EXCL      00000200
#define VFS_O_NOCTTY    00000400
#define VFS_O_TRUNC     00001000
#define VFS_O_APPEND    00002000
#define VFS_O_NONBLOCK  00004000
#define VFS_O_DSYNC     00010000
#define VFS_O_ASYNC     00020000
#define VFS_O_DIRECT    00040000
#define VFS_O_LARGEFILE 00100000
#define VFS_O_DIRECTORY 00200000
#define VFS_O_NOFOLLOW  00400000
#define VFS_O_NOATIME   01000000
#define VFS_O_CLOEXEC   02000000
#define VFS_O_SYNC      04010000 /* __O_SYNC | O_DSYNC */
#define VFS_O_PATH      010000000
#define VFS_O_TMPFILE   020200000 /* __O_TMPFILE | O_DIRECTORY */

/* Access modes of vfs_permission() and vfs_access() (Linux's MAY_*). */
#define VFS_MAY_EXEC  1
#define VFS_MAY_WRITE 2
#define VFS_MAY_READ  4

/* Capabilities that bypass file checks (Linux's numbers are the caller's business). */
#define VFS_CAP_CHOWN           0x01u /* change owner and group freely */
#define VFS_CAP_DAC_OVERRIDE    0x02u /* read, write (and search/exec if some x bit) anything */
#define VFS_CAP_DAC_READ_SEARCH 0x04u /* read files, read and search directories */
#define VFS_CAP_FOWNER          0x08u /* act as the owner (chmod, utimes, sticky dirs) */
#define VFS_CAP_FSETID          0x10u /* keep set-id bits on write, chmod and chown */
#define VFS_CAP_MKNOD           0x20u /* make device files */
#define VFS_CAP_SYS_ADMIN       0x40u /* mount */

/* Who is calling. Only read during the call. */
struct vfs_cred {
	uint32_t uid, gid;      /* Linux's fsuid and fsgid: checks, and owners of new files */
	const uint32_t *groups; /* supplementary groups, any order */
	size_t ngroups;
	unsigned caps; /* VFS_CAP_* in the effective set */
	/*
	 * RLIMIT_FSIZE in bytes (VFS_NO_LIMIT: none). A write that starts at
	 * or past it, or a truncate beyond it, fails with -EFBIG; Linux also
	 * sends SIGXFSZ then, which is the caller's to send (vfs_write and
	 * vfs_truncate say when).
	 */
	uint64_t fsize_limit;
};

struct vfs_timespec {
	int64_t sec;
	int64_t nsec;
};

/* What the integrator provides: locks (see the order above) and the clock. */
struct vfs_ops {
	void *ctx; /* passed to every callback */
	/* A new sleeping lock named 'name' (a class, see above); NULL if out of memory. */
	void *(*lock_create)(void *ctx, const char *name);
	void (*lock_destroy)(void *ctx, void *lock);
	void (*lock)(void *ctx, void *lock);
	void (*unlock)(void *ctx, void *lock);
	/* Wall-clock time (timestamps). */
	void (*now)(void *ctx, struct vfs_timespec *out);
	/*
	 * Waits for another task's action (pipes, FIFO opens, poll; vfs/pipe.h,
	 * vfs/poll.h). wait_create makes a wait object (NULL: out of memory).
	 * wait() sleeps on it with 'lock' (held: one of lock_create's) released
	 * meanwhile and taken again before it returns, until wake() of the
	 * object, 'deadline' (ns on the integrator's monotonic clock,
	 * VFS_WAIT_FOREVER: none) or a signal the caller has to act on or is
	 * killed by: 0 (woken; spurious returns are allowed, callers check
	 * again), -ETIMEDOUT, -EINTR (at once if one is pending). wake() wakes
	 * every waiter; the waker holds the lock the waiters wait with.
	 */
	void *(*wait_create)(void *ctx);
	void (*wait_destroy)(void *ctx, void *wait);
	int (*wait)(void *ctx, void *wait, void *lock, uint64_t deadline);
	void (*wake)(void *ctx, void *wait);
};

#define VFS_WAIT_FOREVER UINT64_MAX

/* A place in the tree. Holders of a path hold a reference to its dentry. */
struct vfs_path {
	struct vfs_mount *mnt;
	struct vfs_dentry *dentry;
};

/* Attributes, as stat and statx report them. */
struct vfs_stat {
	uint64_t dev, ino, rdev; /* dev and rdev: VFS_MKDEV encoding */
	uint32_t mode, nlink, uid, gid;
	uint64_t size, blocks; /* blocks of 512 bytes */
	uint32_t blksize;
	struct vfs_timespec atime, mtime, ctime, btime;
	bool has_btime;     /* the file system records a birth time */
	uint32_t mnt_flags; /* VFS_MNT_* of the mount (statx attributes) */
	uint64_t mnt_id;    /* the mount's number (statx's stx_mnt_id) */
	bool mount_root;    /* the path is the root of its mount */
};

/* Device numbers as Linux's kernel keeps them (12-bit major, 20-bit minor). */
#define VFS_MKDEV(ma, mi) ((((uint64_t)(ma)) << 20) | (uint64_t)(mi))
#define VFS_MAJOR(dev)    ((uint32_t)((dev) >> 20))
#define VFS_MINOR(dev)    ((uint32_t)((dev)&0xfffff))

/* File system statistics (statfs). */
struct vfs_statfs {
	uint64_t type; /* magic number */
	uint64_t bsize, frsize;
	uint64_t blocks, bfree, bavail;
	uint64_t files, ffree;
	uint64_t namelen;
	uint64_t flags; /* ST_* as Linux reports them: VFS_MNT_* plus ST_VALID */
	uint32_t fsid[2];
};

/* Mount flags (Linux's ST_* / MS_* bit values where they exist). */
#define VFS_MNT_RDONLY  0x0001u
#define VFS_MNT_NOSUID  0x0002u
#define VFS_MNT_NODEV   0x0004u
#define VFS_MNT_NOEXEC  0x0008u
#define VFS_MNT_NOATIME 0x0400u
#define VFS_MNT_RELATIME                                                                           \
	0x1000u /* Linux's default: atime moves only if older than mtime/ctime or a day */

/* utimensat's special nanosecond values (Linux's). */
#define VFS_UTIME_NOW  ((1l << 30) - 1l)
#define VFS_UTIME_OMIT ((1l << 30) - 2l)

/* Lookup flags. */
#define VFS_LOOKUP_FOLLOW    0x1u /* follow a symbolic link in the last component */
#define VFS_LOOKUP_DIRECTORY 0x2u /* the result must be a directory (-ENOTDIR) */

/* renameat2 flags (Linux's). */
#define VFS_RENAME_NOREPLACE 0x1u
#define VFS_RENAME_EXCHANGE  0x2u
#define VFS_RENAME_WHITEOUT  0x4u

/* lseek whence (Linux's). */
#define VFS_SEEK_SET  0
#define VFS_SEEK_CUR  1
#define VFS_SEEK_END  2
#define VFS_SEEK_DATA 3
#define VFS_SEEK_HOLE 4

/*
 * Where data of read and write comes from or goes to: kernel memory, or
 * user memory the caller copies (with the address space's lock, which
 * ranks below the inode locks held meanwhile). copy() moves n bytes
 * between kernel memory k and offset off of the buffer, to the buffer when
 * to_buf: 0, or -EFAULT (the bytes before the bad one may have moved).
 * 'bad', if not 0, is the error of a buffer that cannot be used at all
 * (Linux's access_ok, a bad iovec): the call returns it after the file's
 * own checks, where Linux's would.
 */
struct vfs_iter {
	int (*copy)(struct vfs_iter *it, size_t off, void *k, size_t n, bool to_buf);
	void *ctx;
	size_t len;
	int bad;
	/*
	 * Set by a write that found the pipe without readers (Linux's pipe_write
	 * does send_sig(SIGPIPE) then): the caller owes the writer SIGPIPE,
	 * whether the call returns -EPIPE or the bytes it wrote before the last
	 * reader went. The caller clears it before the call.
	 */
	bool sigpipe;
};

/* An iterator over kernel memory. */
void vfs_iter_kernel(struct vfs_iter *it, void *buf, size_t len);

/* ---- Set-up (from the kernel's main task, before any other call) ---- */

/* The layer with 'ops' (which must outlive it). 0, -EINVAL (an op missing), -ENOMEM. */
int vfs_init(const struct vfs_ops *ops);

/*
 * Mount the root file system: a file system of registered type 'type'
 * (vfs/fs.h) with 'options' (its own syntax, NULL: none). 'source' is
 * what /proc/mounts shows in its first column (mount(2)'s source; NULL:
 * "none"). 0, -ENODEV (no such type), -EBUSY (a root exists), -ENOMEM,
 * the file system's errors.
 */
int vfs_mount_root(const char *source, const char *type, const char *options, unsigned mnt_flags);

/*
 * Mount 'type' from 'source' (as vfs_mount_root) over the directory 'path'
 * (resolved from fs, links followed; it must exist). In Linux's order: the
 * walk's errors, -EPERM (no VFS_CAP_SYS_ADMIN), -ENODEV (no such type),
 * -ENOTDIR, the file system's (-EINVAL for bad options). Mounting over a
 * mount point stacks the new file system on top, as Linux does.
 */
int vfs_mount(struct vfs_fs *fs, const char *source, const char *path, const char *type,
              const char *options, unsigned mnt_flags, const struct vfs_cred *cr);

/*
 * umount: take the mount whose root 'path' is off the tree and free its
 * file system. The walk's errors, -EPERM, -EINVAL (not the root of a
 * mount), -EBUSY (the tree's root, or something uses the mount: an open
 * file, a working directory, a mapping, a mount on top).
 */
int vfs_umount(struct vfs_fs *fs, const char *path, bool follow, const struct vfs_cred *cr);

/*
 * Tear everything down (host tests, kernel shutdown): every mount, every
 * inode, every frame a file system holds. No fs struct, file or path may
 * be held any more. Afterwards vfs_init() may be called again.
 */
void vfs_shutdown(void);

/* ---- Paths ---- */

void vfs_path_get(const struct vfs_path *p);
void vfs_path_put(struct vfs_path *p);
struct vfs_inode *vfs_path_inode(const struct vfs_path *p);
/* The VFS_MNT_* flags of the mount p is on. */
unsigned vfs_path_mnt_flags(const struct vfs_path *p);

/*
 * Resolve 'path' from 'dir' (NULL: fs's working directory; absolute paths
 * from fs's root) with Linux's rules: '.', '..' (never above the root, and
 * across mounts), symbolic links (at most VFS_MAXSYMLINKS: -ELOOP), search
 * permission on every directory walked (-EACCES), a component that is not
 * a directory (-ENOTDIR), a component longer than VFS_NAME_MAX or a path of
 * VFS_PATH_MAX bytes or more (-ENAMETOOLONG), an empty path (-ENOENT). A
 * trailing '/' asks for a directory. On success *out holds a reference.
 */
int vfs_lookup(struct vfs_fs *fs, const struct vfs_path *dir, const char *path, unsigned flags,
               const struct vfs_cred *cr, struct vfs_path *out);

/*
 * openat(): a new file for 'path' with 'flags' (VFS_O_*) and, when it is
 * created, 'mode' & ~umask. Errors in Linux's order: the walk's, -EEXIST
 * (O_CREAT|O_EXCL), -ELOOP (O_NOFOLLOW on a link), -EISDIR (writing or
 * creating a directory), -ENOTDIR (O_DIRECTORY), -EACCES, -EROFS, -ENXIO (a
 * device without a driver), -EINVAL (O_TMPFILE without write access),
 * -EFBIG/-ENOSPC (O_TRUNC), -ENOMEM. *out holds the file's first reference.
 */
int vfs_open(struct vfs_fs *fs, const struct vfs_path *dir, const char *path, unsigned flags,
             uint32_t mode, const struct vfs_cred *cr, struct vfs_file **out);

/*
 * The checks of open's flags alone (build_open_flags), which Linux makes
 * before it even reads the path: -EINVAL for O_DIRECTORY with O_CREAT, and
 * O_TMPFILE without O_DIRECTORY or write access.
 */
int vfs_open_check_flags(unsigned flags);

/*
 * The file an execve() runs, opened for the kernel to read as Linux's
 * do_open_execat does: the walk's errors (links followed), then -EACCES
 * for anything but a regular file, a file on a noexec mount, or one the
 * caller may not execute (the privileged too need some x bit). Read
 * permission is not needed.
 */
int vfs_open_exec(struct vfs_fs *fs, const char *path, const struct vfs_cred *cr,
                  struct vfs_file **out);

/* mkdirat(), mknodat() (mode carries the type: regular, device, fifo, socket), symlinkat(). */
int vfs_mkdir(struct vfs_fs *fs, const struct vfs_path *dir, const char *path, uint32_t mode,
              const struct vfs_cred *cr);
int vfs_mknod(struct vfs_fs *fs, const struct vfs_path *dir, const char *path, uint32_t mode,
              uint64_t rdev, const struct vfs_cred *cr);
int vfs_symlink(struct vfs_fs *fs, const char *target, const struct vfs_path *dir, const char *path,
                const struct vfs_cred *cr);

/* unlinkat() without and with AT_REMOVEDIR. */
int vfs_unlink(struct vfs_fs *fs, const struct vfs_path *dir, const char *path,
               const struct vfs_cred *cr);
int vfs_rmdir(struct vfs_fs *fs, const struct vfs_path *dir, const char *path,
              const struct vfs_cred *cr);

/*
 * linkat() (follow: AT_SYMLINK_FOLLOW; opath NULL: odir itself, as
 * AT_EMPTY_PATH); renameat2() with VFS_RENAME_* flags.
 */
int vfs_link(struct vfs_fs *fs, const struct vfs_path *odir, const char *opath,
             const struct vfs_path *ndir, const char *npath, bool follow,
             const struct vfs_cred *cr);
int vfs_rename(struct vfs_fs *fs, const struct vfs_path *odir, const char *opath,
               const struct vfs_path *ndir, const char *npath, unsigned flags,
               const struct vfs_cred *cr);

/* readlinkat(): bytes placed in buf (no NUL), or -EINVAL (not a link), the walk's errors. */
long vfs_readlink(const struct vfs_path *p, char *buf, size_t size);

/* stat of a resolved path; statfs of its file system. */
int vfs_getattr(const struct vfs_path *p, struct vfs_stat *st);
int vfs_statfs(const struct vfs_path *p, struct vfs_statfs *out);

/*
 * Attribute changes on a resolved path, each with the checks of Linux's
 * system call and notify_change/setattr_prepare, in their order; ctime
 * moves with every change.
 *
 * chmod: -EROFS, -EPERM (not the owner, no VFS_CAP_FOWNER); S_ISGID is
 * dropped when the caller is not in the file's group (and has no
 * VFS_CAP_FSETID).
 * chown: uid/gid (uint32_t)-1 keep theirs. -EROFS, -EPERM (a new owner
 * needs VFS_CAP_CHOWN; a new group the owner's membership or
 * VFS_CAP_CHOWN). Set-user-id, and set-group-id with group exec, are
 * cleared on anything but a directory, even for the privileged.
 * truncate: -EISDIR, -EINVAL (not a regular file), -EROFS, -EACCES (write
 * permission), -EFBIG (*xfsz: beyond RLIMIT_FSIZE), -ENOSPC.
 * utimes: times[0] atime, times[1] mtime, each a time, VFS_UTIME_NOW or
 * VFS_UTIME_OMIT (times NULL: both now). -EINVAL (nanoseconds out of
 * range), -EROFS; setting explicit times needs the owner or
 * VFS_CAP_FOWNER (-EPERM), setting both to now the owner or write
 * permission (-EACCES).
 */
int vfs_chmod(const struct vfs_path *p, uint32_t mode, const struct vfs_cred *cr);
int vfs_chown(const struct vfs_path *p, uint32_t uid, uint32_t gid, const struct vfs_cred *cr);
int vfs_truncate(const struct vfs_path *p, int64_t size, const struct vfs_cred *cr, bool *xfsz);
int vfs_utimes(const struct vfs_path *p, const struct vfs_timespec *times,
               const struct vfs_cred *cr);

/*
 * Permission to access an inode ('mask': VFS_MAY_*) by Linux's rules
 * (generic_permission plus read-only mounts). 0, -EACCES, -EROFS.
 */
int vfs_permission(const struct vfs_path *p, unsigned mask, const struct vfs_cred *cr);

/*
 * faccessat's check (do_faccessat): execution of a regular file on a
 * noexec mount is -EACCES, then the permission bits, then -EROFS for a
 * write to a read-only mount (devices and fifos excepted). cr carries the
 * ids the caller chose (real ones, unless AT_EACCESS).
 */
int vfs_access(const struct vfs_path *p, unsigned mask, const struct vfs_cred *cr);

/* ---- fs structs: root, working directory, umask (CLONE_FS shares one) ---- */

/* A new fs struct at the root, umask 022. NULL if out of memory or no root is mounted. */
struct vfs_fs *vfs_fs_new(void);
/* fork without CLONE_FS: a copy. NULL if out of memory. */
struct vfs_fs *vfs_fs_copy(struct vfs_fs *fs);
/* CLONE_FS: one more sharer. */
struct vfs_fs *vfs_fs_share(struct vfs_fs *fs);
void vfs_fs_put(struct vfs_fs *fs);

/* chdir(): -ENOTDIR, -EACCES (search permission), the walk's errors. */
int vfs_chdir(struct vfs_fs *fs, const char *path, const struct vfs_cred *cr);
int vfs_chdir_path(struct vfs_fs *fs, const struct vfs_path *p, const struct vfs_cred *cr);
/* A reference to the working directory / root. */
void vfs_fs_cwd(struct vfs_fs *fs, struct vfs_path *out);
void vfs_fs_root(struct vfs_fs *fs, struct vfs_path *out);
/* umask(): the old mask. */
uint32_t vfs_fs_umask(struct vfs_fs *fs, uint32_t mask);
uint32_t vfs_fs_get_umask(struct vfs_fs *fs);

/*
 * getcwd(): the working directory's path, NUL-terminated, into buf. Its
 * length with the NUL, or -ERANGE (too small), -ENOENT (the directory was
 * removed), -ENAMETOOLONG (longer than VFS_PATH_MAX). A directory outside
 * the root shows as "(unreachable)/..." as on Linux.
 */
long vfs_getcwd(struct vfs_fs *fs, char *buf, size_t size);

/* ---- Open files ---- */

void vfs_file_get(struct vfs_file *f);
/* Drop a reference; the last one releases the file. May be called with an address space's lock
 * held. */
void vfs_file_put(struct vfs_file *f);
struct vfs_inode *vfs_file_inode(const struct vfs_file *f);
const struct vfs_path *vfs_file_path(const struct vfs_file *f);
/* The open flags as F_GETFL shows them (access mode and status flags). */
unsigned vfs_file_flags(const struct vfs_file *f);
/* F_SETFL: only O_APPEND, O_NONBLOCK, O_NOATIME, O_ASYNC, O_DIRECT change. -EPERM (O_NOATIME, not
 * owner). */
int vfs_file_set_flags(struct vfs_file *f, unsigned flags, const struct vfs_cred *cr);
bool vfs_file_readable(const struct vfs_file *f);
bool vfs_file_writable(const struct vfs_file *f);

/*
 * read() and write() at the file's offset (which moves), pread and pwrite
 * at 'pos' (which must be >= 0: -EINVAL). Bytes moved, or: -EBADF (not
 * open for it, or O_PATH), -EISDIR (a directory), -EINVAL (no such
 * operation), -EFAULT (nothing moved), -ESPIPE (pread/pwrite of a
 * pipe-like file), -ENOSPC, -EFBIG (*xfsz set when Linux would send
 * SIGXFSZ: the RLIMIT_FSIZE case; xfsz may be NULL). A partial copy
 * returns the bytes done.
 */
long vfs_read(struct vfs_file *f, struct vfs_iter *it);
long vfs_write(struct vfs_file *f, struct vfs_iter *it, const struct vfs_cred *cr, bool *xfsz);
long vfs_pread(struct vfs_file *f, struct vfs_iter *it, int64_t pos);
long vfs_pwrite(struct vfs_file *f, struct vfs_iter *it, int64_t pos, const struct vfs_cred *cr,
                bool *xfsz);

/* lseek(): the new offset, or -EINVAL, -ESPIPE, -ENXIO (SEEK_DATA/HOLE past the end), -EOVERFLOW.
 */
int64_t vfs_lseek(struct vfs_file *f, int64_t off, int whence);

/*
 * getdents64(): entries from the directory's offset on, each given to
 * emit(ctx, name, len, ino, type (DT_*), next) until it returns false
 * (its buffer is full). The number of entries emitted, or -ENOTDIR, -EBADF.
 */
typedef bool (*vfs_filldir_t)(void *ctx, const char *name, size_t len, uint64_t ino, unsigned type,
                              uint64_t next);
long vfs_getdents(struct vfs_file *f, vfs_filldir_t emit, void *ctx);

/*
 * ftruncate(): -EINVAL (negative size, not a regular file, not open for
 * writing), then as vfs_truncate without the permission check; mtime and
 * ctime move even when the size does not.
 */
int vfs_ftruncate(struct vfs_file *f, int64_t size, const struct vfs_cred *cr, bool *xfsz);

/* fsync/fdatasync: 0 (memory file systems have nothing to flush), -EINVAL (no such operation). */
int vfs_fsync(struct vfs_file *f);

/* ioctl with a kernel argument buffer of the command's size: -ENOTTY if the file has none. */
long vfs_ioctl(struct vfs_file *f, unsigned cmd, void *arg);

/* A file's terminal-ness (isatty): does it answer the terminal ioctls? */
bool vfs_file_is_tty(const struct vfs_file *f);

/* ---- What /proc shows of the tree (fs/d_path.c, fs/proc_namespace.c, fs/filesystems.c) ---- */

/* Where text goes: called with each run of it. */
typedef void (*vfs_sink_t)(void *ctx, const char *s, size_t len);

/*
 * d_path: the path of p from the tree's root into buf, NUL-terminated, as
 * /proc/<pid>/fd/<n> and maps show an open file; a name that was removed
 * shows as its last path with " (deleted)" after it. Its length without
 * the NUL, or -ENAMETOOLONG (more than size - 1 or VFS_PATH_MAX bytes),
 * -ENOMEM. Takes the tree lock.
 */
long vfs_path_name(const struct vfs_path *p, char *buf, size_t size);

/*
 * /proc/mounts (show_vfsmnt): the line of the first mount whose number is
 * above *cursor (0: the first mount), in the order of mounting, given to
 * sink: "source mountpoint type options 0 0\n", with the names' spaces,
 * tabs, newlines and backslashes as octal escapes, the options "rw" or
 * "ro", then the mount flags and the file system's own (sb ops
 * show_options). *cursor becomes that mount's number. false after the
 * last mount. Takes the tree lock, and calls sink with it held.
 */
bool vfs_mount_show(uint64_t *cursor, vfs_sink_t sink, void *ctx);

/* /proc/filesystems: the name of the i-th registered type, in registration order, or NULL. */
const char *vfs_fstype_name(size_t i);

#endif
