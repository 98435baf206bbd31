/*
 * The interface a file system implements (tmpfs, the device files, later
 * procfs), and the one a device driver implements (vfs_chrdev_register).
 *
 * A file system type registers with vfs_register_fs(); mounting it calls
 * fill_super(), which gives the superblock its root inode. Inodes embed a
 * struct vfs_inode (vfs_inode_init()) and live while referenced: the vfs
 * holds references for its dentries and open files, and a file system
 * holds its own for as long as a directory names the inode. The last
 * vfs_inode_put() calls the superblock's destroy_inode().
 *
 * The vfs makes every permission and type check Linux's VFS makes before
 * it calls a directory operation (so each file system only does its own
 * part), and calls them with the locks named in vfs/vfs.h held: the
 * directory's ("vfs_dir") for lookup, create, link, unlink, rename (both
 * directories) and readdir; the inode's for setsize. read and write are
 * called with only the file's offset lock: the file system locks the inode
 * itself, as it alone knows what its reads need.
 */
#ifndef VFS_FS_H
#define VFS_FS_H

#include <klib/list.h>
#include <page-alloc/page_alloc.h>
#include <vfs/vfs.h>

struct vfs_sb;

struct vfs_inode_ops;
struct vfs_file_ops;
struct vfs_poll_table;
struct vfs_pipe;

struct vfs_inode {
	/* Never change after vfs_inode_init(). */
	struct vfs_sb *sb;
	uint64_t ino;
	const struct vfs_inode_ops *ops;
	const struct vfs_file_ops *fops; /* what open gives (device files: the driver's instead) */
	void *lock;                      /* "vfs_dir" for directories, "vfs_inode" otherwise */
	uint64_t rdev;                   /* device files: VFS_MKDEV(major, minor) */

	/* Atomic. */
	unsigned refs;

	/* A FIFO's pipe while it is open (vfs/pipe.h), guarded by lock. */
	struct vfs_pipe *pipe;

	/*
	 * Guarded by lock. Permission checks read mode, uid and gid without
	 * it, as Linux does (a racing chmod shows the old or the new value);
	 * size and blocks are read and written with atomic accesses (a page
	 * fault of a mapping changes them without the inode's lock).
	 */
	uint32_t mode, uid, gid, nlink;
	uint64_t size;
	uint64_t blocks; /* 512-byte units, for stat */
	struct vfs_timespec atime, mtime, ctime, btime;
};

/* What a new inode is: type and permission bits, owner, device, link target. */
struct vfs_new {
	uint32_t mode; /* type | permissions (umask already applied) */
	uint32_t uid, gid;
	uint64_t rdev;      /* device files */
	const char *target; /* symbolic links: what it points to (NUL-terminated) */
};

/* Directory and inode operations (NULL: the operation is not supported). */
struct vfs_inode_ops {
	/* 'name' in directory 'dir': a new reference in *out, or -ENOENT. */
	int (*lookup)(struct vfs_inode *dir, const char *name, struct vfs_inode **out);
	/*
	 * Make an inode as 'n' says under 'name' (which does not exist) and
	 * link it: a new reference in *out. The file system sets the times,
	 * nlink, and the directory's mtime/ctime. -ENOSPC, -ENOMEM, -EMLINK.
	 */
	int (*create)(struct vfs_inode *dir, const char *name, const struct vfs_new *n,
	              struct vfs_inode **out);
	/* Another name for 'inode' (not a directory) in 'dir'. */
	int (*link)(struct vfs_inode *dir, const char *name, struct vfs_inode *inode);
	/*
	 * Remove 'name' (which names 'inode') from 'dir'. For a directory
	 * (rmdir) -ENOTEMPTY if it has entries. 'inode' is locked too.
	 */
	int (*unlink)(struct vfs_inode *dir, const char *name, struct vfs_inode *inode);
	/*
	 * Move 'oname' of 'odir' to 'nname' of 'ndir', replacing what is there
	 * (VFS_RENAME_EXCHANGE: swapping the two). The vfs checked types,
	 * permissions and ancestry; the file system checks that a replaced
	 * directory is empty (-ENOTEMPTY) and updates times and link counts.
	 */
	int (*rename)(struct vfs_inode *odir, const char *oname, struct vfs_inode *ndir,
	              const char *nname, unsigned flags);
	/*
	 * A symbolic link's target: its length (bytes copied: at most size, no
	 * NUL). A walk reads as many bytes as the inode's size says; a link
	 * whose size is 0 has a target made when read (procfs) and is read
	 * with room for VFS_PATH_MAX - 1 bytes.
	 */
	long (*readlink)(struct vfs_inode *inode, char *buf, size_t size);
	/*
	 * Entries from position *pos on, each given to emit with the position
	 * after it, which *pos then takes; '.' and '..' first. Stops when emit
	 * returns false. The count emitted, or -errno.
	 */
	long (*readdir)(struct vfs_inode *dir, uint64_t *pos, vfs_filldir_t emit, void *ctx);
	/* Truncate or extend a regular file (inode locked; limits checked). -ENOSPC. */
	int (*setsize)(struct vfs_inode *inode, uint64_t size);
	/*
	 * The frame holding page 'pgoff' for a mapping (allocated if it is a
	 * hole), with a reference for the caller. -ENXIO past the end of the
	 * file (Linux: SIGBUS), -ENOSPC, -ENOMEM. Called with an address
	 * space's lock held: it must not take "vfs_dir" or "vfs_inode".
	 */
	int (*get_page)(struct vfs_inode *inode, uint64_t pgoff, paddr_t *pa);
	/*
	 * Access by 'cr' ('mask': VFS_MAY_*) in place of the mode bits and
	 * capabilities (Linux's i_op->permission; NULL: generic_permission).
	 * 0 or -EACCES. The read-only mount check still comes first. Called
	 * with no lock held, by every walk that searches the directory too.
	 */
	int (*permission)(struct vfs_inode *inode, unsigned mask, const struct vfs_cred *cr);
	/*
	 * May a live name of this inode still be used (Linux's d_revalidate)?
	 * Asked when a walk finds the name in use; false drops the name from
	 * the tree (holders keep their reference to a removed name) and the
	 * file system is asked for the name again. procfs: is its process
	 * still there. Called with no lock but perhaps the directory's held.
	 */
	bool (*revalidate)(struct vfs_inode *inode);
	/*
	 * lookup's -ENOENT is final for making the name too: mkdir, mknod,
	 * symlink, link and open(O_CREAT) fail with it before any permission
	 * check (Linux's file systems whose lookup returns -ENOENT rather than
	 * a negative entry: /proc).
	 */
	bool final_lookup;
};

/* What an open file does (NULL: the operation is not supported). */
struct vfs_file_ops {
	/* After the vfs made the file (checks done): 0 or -errno (the open fails). */
	int (*open)(struct vfs_inode *inode, struct vfs_file *f);
	/* The last reference is gone. May run with an address space's lock held. */
	void (*release)(struct vfs_file *f);
	long (*read)(struct vfs_file *f, struct vfs_iter *it, uint64_t *pos);
	/* O_APPEND, RLIMIT_FSIZE (-EFBIG, *xfsz), set-id clearing and times are the file system's.
	 */
	long (*write)(struct vfs_file *f, struct vfs_iter *it, uint64_t *pos,
	              const struct vfs_cred *cr, bool *xfsz);
	/* NULL: -ESPIPE. vfs_generic_llseek() for files with a size. */
	int64_t (*llseek)(struct vfs_file *f, int64_t off, int whence);
	int (*fsync)(struct vfs_file *f);
	long (*ioctl)(struct vfs_file *f, unsigned cmd, void *arg);
	/*
	 * The events ready now (VFS_POLL*, vfs/poll.h), after registering pt's
	 * poller (vfs_poll_wait) with what will wake it. NULL: always ready
	 * for reading and writing. May sleep on the file's own locks.
	 */
	unsigned (*poll)(struct vfs_file *f, struct vfs_poll_table *pt);
	/* Reads and writes at an offset of their own (pread) are refused (-ESPIPE). */
	bool stream;
	/* O_DIRECT is accepted (else open and F_SETFL with it are -EINVAL). */
	bool direct;
	/* The terminal ioctls work (isatty). */
	bool tty;
};

struct vfs_sb_ops {
	/* The inode's last reference is gone: free it and what it holds. */
	void (*destroy_inode)(struct vfs_inode *inode);
	int (*statfs)(struct vfs_sb *sb, struct vfs_statfs *out);
	/* The superblock goes (vfs_shutdown): free what fill_super made, the root's reference gone.
	 */
	void (*put_super)(struct vfs_sb *sb);
	/*
	 * /proc/mounts: the file system's options after the mount's, each
	 * with a leading ',' ("size=1024k"); NULL: none. Called with the
	 * tree lock held: it may only read the superblock.
	 */
	void (*show_options)(struct vfs_sb *sb, vfs_sink_t sink, void *ctx);
};

struct vfs_sb {
	/* Set by the vfs. */
	const struct vfs_fstype *type;
	uint64_t dev; /* st_dev: an anonymous device (0, n) */
	/* Set by fill_super. */
	const struct vfs_sb_ops *ops;
	struct vfs_inode *root; /* a reference the vfs keeps while mounted */
	uint32_t magic;         /* statfs f_type */
	void *priv;
};

struct vfs_fstype {
	const char *name;
	/* Fill sb from 'options' (NULL: none); -EINVAL for bad options. */
	int (*fill_super)(struct vfs_sb *sb, const char *options);
	struct list_node link; /* the registry's */
};

/* Register a type (from the kernel's start-up). -EEXIST if the name is taken. */
int vfs_register_fs(struct vfs_fstype *type);

/*
 * Set up an inode of 'sb' with number 'ino', 'mode', ops and one reference,
 * and its lock. -ENOMEM (no lock). Times start at now.
 */
int vfs_inode_init(struct vfs_inode *inode, struct vfs_sb *sb, uint64_t ino, uint32_t mode,
                   const struct vfs_inode_ops *ops, const struct vfs_file_ops *fops);
/* Undo vfs_inode_init of an inode that was never handed out. */
void vfs_inode_fini(struct vfs_inode *inode);
void vfs_inode_get(struct vfs_inode *inode);
void vfs_inode_put(struct vfs_inode *inode);
/*
 * generic_permission: the mode bits, then the capabilities that override
 * them; for a permission op that adds to Linux's rule. 0 or -EACCES.
 */
int vfs_generic_permission(struct vfs_inode *inode, unsigned mask, const struct vfs_cred *cr);
void vfs_inode_lock(struct vfs_inode *inode);
void vfs_inode_unlock(struct vfs_inode *inode);
uint64_t vfs_inode_size(const struct vfs_inode *inode);
void vfs_inode_set_size(struct vfs_inode *inode, uint64_t size);

/* Wall-clock now (vfs_ops.now). */
void vfs_now(struct vfs_timespec *out);

/*
 * Generic pieces for file systems: a lock of their own (named for the lock
 * order), the checks a write makes before it writes (O_APPEND, limits:
 * the count it may write, or -EFBIG with *xfsz), set-id bits a write by an
 * unprivileged caller clears, and llseek over the inode's size.
 */
void *vfs_lock_new(const char *name);
void vfs_lock_free(void *lock);
void vfs_lock(void *lock);
void vfs_unlock(void *lock);
long vfs_write_checks(struct vfs_file *f, uint64_t *pos, size_t count, const struct vfs_cred *cr,
                      bool *xfsz);
void vfs_write_kill_suid(struct vfs_inode *inode, const struct vfs_cred *cr);
int64_t vfs_generic_llseek(struct vfs_file *f, int64_t off, int whence);
/* A read happened: atime moves as the mount's relatime/noatime and O_NOATIME say (inode locked). */
void vfs_file_accessed(struct vfs_file *f);

/* An open file, as file and driver operations see it. */
struct vfs_file {
	/* Never change. */
	struct vfs_path path;
	struct vfs_inode *inode;
	const struct vfs_file_ops *ops;
	unsigned mode; /* VFS_FMODE_* */
	void *priv;    /* the file system's or driver's */

	/* Atomic. */
	unsigned refs;
	unsigned flags; /* VFS_O_* given to open; F_SETFL changes some */

	/* Guarded by pos_lock. */
	void *pos_lock;
	uint64_t pos;

	/* A FIFO's reader opened with no writer: the writers' count then (no POLLHUP before one).
	 */
	unsigned pipe_seen;
};

#define VFS_FMODE_READ  0x1u
#define VFS_FMODE_WRITE 0x2u
#define VFS_FMODE_PATH  0x4u /* O_PATH: a place, no I/O */

/*
 * Character devices: 'major' with minors [minor, minor + count) opens with
 * 'fops'. -EBUSY if taken, -ENOMEM. A device file whose number has no
 * driver opens with -ENXIO, as on Linux.
 */
int vfs_chrdev_register(uint32_t major, uint32_t minor, uint32_t count,
                        const struct vfs_file_ops *fops);

#endif
