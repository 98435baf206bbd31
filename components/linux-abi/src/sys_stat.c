/*
 * fstat, newfstatat, statx, statfs and fstatfs, with the structures of the
 * architecture's Linux (struct stat and struct statfs from
 * linux-arch/stat.h, struct statx, the same everywhere) filled as
 * fs/stat.c (cp_new_stat, cp_statx, vfs_statx) and fs/statfs.c fill them.
 */
#include <klib/errno.h>
#include <klib/string.h>
#include <page-alloc/page_alloc.h>
#include <vfs/fs.h>
#include <linux-arch/stat.h>
#include <linux-arch/unistd.h>
#include "abi_internal.h"

#define AT_FDCWD              -100
#define AT_SYMLINK_NOFOLLOW   0x100
#define AT_NO_AUTOMOUNT       0x800
#define AT_EMPTY_PATH         0x1000
#define AT_STATX_SYNC_TYPE    0x6000
#define STATX_BASIC_STATS     0x7ffu
#define STATX_BTIME           0x800u
#define STATX_MNT_ID          0x1000u
#define STATX__RESERVED       0x80000000u
#define STATX_ATTR_IMMUTABLE  0x10u
#define STATX_ATTR_APPEND     0x20u
#define STATX_ATTR_NODUMP     0x40u
#define STATX_ATTR_AUTOMOUNT  0x1000u
#define STATX_ATTR_MOUNT_ROOT 0x2000u
#define STATX_ATTR_VERITY     0x100000u
#define STATX_ATTR_DAX        0x200000u

struct lx_statx_ts {
	int64_t sec;
	uint32_t nsec;
	int32_t reserved;
};

/* struct statx, 256 bytes. */
struct lx_statx {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, spare0;
	uint64_t ino, size, blocks, attributes_mask;
	struct lx_statx_ts atime, btime, ctime, mtime;
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
	uint64_t mnt_id;
	uint32_t dio_mem_align, dio_offset_align;
	uint64_t subvol;
	uint32_t atomic_write_unit_min, atomic_write_unit_max, atomic_write_segments_max;
	uint32_t spare1;
	uint64_t spare3[9];
};

_Static_assert(sizeof(struct lx_statx) == 256, "struct statx is 256 bytes");

/* new_encode_dev: the 32-bit device number user space sees. */
static uint64_t encode_dev(uint64_t dev)
{
	uint32_t major = VFS_MAJOR(dev), minor = VFS_MINOR(dev);

	return (minor & 0xff) | (major << 8) | ((uint64_t)(minor & ~0xffu) << 12);
}

static int put_stat(struct process *p, const struct vfs_stat *st, uintptr_t ubuf)
{
	struct lx_stat s = {
	    .dev = encode_dev(st->dev),
	    .ino = st->ino,
	    .mode = st->mode,
	    .nlink = st->nlink,
	    .uid = st->uid,
	    .gid = st->gid,
	    .rdev = encode_dev(st->rdev),
	    .size = (int64_t)st->size,
	    .blksize = (int32_t)st->blksize,
	    .blocks = (int64_t)st->blocks,
	    .atime = st->atime.sec,
	    .atime_nsec = (uint64_t)st->atime.nsec,
	    .mtime = st->mtime.sec,
	    .mtime_nsec = (uint64_t)st->mtime.nsec,
	    .ctime = st->ctime.sec,
	    .ctime_nsec = (uint64_t)st->ctime.nsec,
	};

	return lx_copy_out(p, ubuf, &s, sizeof(s)) < 0 ? -EFAULT : 0;
}

static struct lx_statx_ts ts(const struct vfs_timespec *t)
{
	return (struct lx_statx_ts){.sec = t->sec, .nsec = (uint32_t)t->nsec};
}

static int put_statx(struct process *p, const struct vfs_stat *st, unsigned want, uintptr_t ubuf)
{
	struct lx_statx x = {
	    .mask = STATX_BASIC_STATS | STATX_MNT_ID,
	    .blksize = st->blksize,
	    .nlink = st->nlink,
	    .uid = st->uid,
	    .gid = st->gid,
	    .mode = (uint16_t)st->mode,
	    .ino = st->ino,
	    .size = st->size,
	    .blocks = st->blocks,
	    .atime = ts(&st->atime),
	    .ctime = ts(&st->ctime),
	    .mtime = ts(&st->mtime),
	    .rdev_major = VFS_MAJOR(st->rdev),
	    .rdev_minor = VFS_MINOR(st->rdev),
	    .dev_major = VFS_MAJOR(st->dev),
	    .dev_minor = VFS_MINOR(st->dev),
	    .mnt_id = st->mnt_id,
	    /* vfs_getattr_nosec's, tmpfs's (shmem_getattr) and vfs_statx_path's */
	    .attributes_mask = STATX_ATTR_AUTOMOUNT | STATX_ATTR_DAX | STATX_ATTR_VERITY |
	                       STATX_ATTR_APPEND | STATX_ATTR_IMMUTABLE | STATX_ATTR_NODUMP |
	                       STATX_ATTR_MOUNT_ROOT,
	};

	if (st->mount_root)
		x.attributes |= STATX_ATTR_MOUNT_ROOT;
	if ((want & STATX_BTIME) && st->has_btime) {
		x.mask |= STATX_BTIME;
		x.btime = ts(&st->btime);
	}
	return lx_copy_out(p, ubuf, &x, sizeof(x)) < 0 ? -EFAULT : 0;
}

/* The path a stat call names, and its attributes. */
static int stat_at(struct process *p, int dirfd, uintptr_t upath, unsigned flags,
                   struct vfs_stat *st)
{
	struct vfs_file *dirf = NULL;
	struct vfs_path path, *start = NULL;
	struct vfs_cred cr;
	char *name;
	long len;
	int rc;

	if ((len = lx_strdup_in(p, upath, VFS_PATH_MAX, &name)) < 0)
		return (int)len;
	if (len == 0 && !(flags & AT_EMPTY_PATH)) {
		kfree(name);
		return -ENOENT;
	}
	if (name[0] != '/' && dirfd != AT_FDCWD) {
		if (!(dirf = lx_fget(p, dirfd))) {
			kfree(name);
			return -EBADF;
		}
		start = (struct vfs_path *)vfs_file_path(dirf);
	}
	lx_vfs_cred(p, &cr);
	if (len == 0) {
		if (start)
			path = *start, vfs_path_get(&path);
		else
			vfs_fs_cwd(lx(p)->fs, &path);
		rc = 0;
	} else if (start && !VFS_S_ISDIR(vfs_file_inode(dirf)->mode)) {
		rc = -ENOTDIR;
	} else {
		rc = vfs_lookup(lx(p)->fs, start, name,
		                (flags & AT_SYMLINK_NOFOLLOW) ? 0 : VFS_LOOKUP_FOLLOW, &cr, &path);
	}
	if (rc == 0) {
		rc = vfs_getattr(&path, st);
		vfs_path_put(&path);
	}
	if (dirf)
		vfs_file_put(dirf);
	kfree(name);
	return rc;
}

static long do_fstat(struct process *p, int fd, uintptr_t ubuf)
{
	struct vfs_file *f = lx_fget(p, fd);
	struct vfs_stat st;
	int rc;

	if (!f)
		return -EBADF;
	rc = vfs_getattr(vfs_file_path(f), &st);
	vfs_file_put(f);
	return rc < 0 ? rc : put_stat(p, &st, ubuf);
}

static long do_newfstatat(struct process *p, const unsigned long *a)
{
	unsigned flags = (unsigned)a[3];
	struct vfs_stat st;
	int rc;

	/* Linux 6.11+ (vfs_fstatat): fstatat(fd, NULL, buf, AT_EMPTY_PATH) is fstat(fd). */
	if (!a[1] && flags == AT_EMPTY_PATH && (int)a[0] >= 0)
		return do_fstat(p, (int)a[0], a[2]);
	if (flags & ~(unsigned)(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH))
		return -EINVAL;
	if ((rc = stat_at(p, (int)a[0], a[1], flags, &st)) < 0)
		return rc;
	return put_stat(p, &st, a[2]);
}

static long do_statx(struct process *p, const unsigned long *a)
{
	unsigned flags = (unsigned)a[2], mask = (unsigned)a[3];
	struct vfs_stat st;
	int rc;

	if (mask & STATX__RESERVED)
		return -EINVAL;
	if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
		return -EINVAL;
	if (flags &
	    ~(unsigned)(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE))
		return -EINVAL;
	/* A NULL path with AT_EMPTY_PATH is the fd itself (vfs_empty_path). */
	if (!a[1] && (flags & AT_EMPTY_PATH)) {
		struct vfs_file *f = lx_fget(p, (int)a[0]);

		if ((int)a[0] == AT_FDCWD) {
			struct vfs_path cwd;

			vfs_fs_cwd(lx(p)->fs, &cwd);
			rc = vfs_getattr(&cwd, &st);
			vfs_path_put(&cwd);
		} else if (!f) {
			return -EBADF;
		} else {
			rc = vfs_getattr(vfs_file_path(f), &st);
		}
		if (f)
			vfs_file_put(f);
	} else {
		rc = stat_at(p, (int)a[0], a[1], flags, &st);
	}
	return rc < 0 ? rc : put_statx(p, &st, mask, a[4]);
}

static int put_statfs(struct process *p, const struct vfs_path *path, uintptr_t ubuf)
{
	struct vfs_statfs v;
	struct lx_statfs s;
	int rc;

	if ((rc = vfs_statfs(path, &v)) < 0)
		return rc;
	s = (struct lx_statfs){
	    .type = (int64_t)v.type,
	    .bsize = (int64_t)v.bsize,
	    .blocks = v.blocks,
	    .bfree = v.bfree,
	    .bavail = v.bavail,
	    .files = v.files,
	    .ffree = v.ffree,
	    .fsid = {(int32_t)v.fsid[0], (int32_t)v.fsid[1]},
	    .namelen = (int64_t)v.namelen,
	    .frsize = (int64_t)v.frsize,
	    .flags = (int64_t)v.flags,
	};
	return lx_copy_out(p, ubuf, &s, sizeof(s)) < 0 ? -EFAULT : 0;
}

static long do_statfs(struct process *p, uintptr_t upath, uintptr_t ubuf)
{
	struct vfs_cred cr;
	struct vfs_path path;
	char *name;
	long len;
	int rc;

	if ((len = lx_strdup_in(p, upath, VFS_PATH_MAX, &name)) < 0)
		return len;
	lx_vfs_cred(p, &cr);
	rc = len ? vfs_lookup(lx(p)->fs, NULL, name, VFS_LOOKUP_FOLLOW, &cr, &path) : -ENOENT;
	kfree(name);
	if (rc == 0) {
		rc = put_statfs(p, &path, ubuf);
		vfs_path_put(&path);
	}
	return rc;
}

static long do_fstatfs(struct process *p, int fd, uintptr_t ubuf)
{
	struct vfs_file *f = lx_fget(p, fd);
	int rc;

	if (!f)
		return -EBADF;
	rc = put_statfs(p, vfs_file_path(f), ubuf);
	vfs_file_put(f);
	return rc;
}

long lx_sys_stat(struct process *p, unsigned long nr, const unsigned long *a)
{
	switch (nr) {
	case NR_fstat:
		return do_fstat(p, (int)a[0], a[1]);
	case NR_newfstatat:
		return do_newfstatat(p, a);
	case NR_statx:
		return do_statx(p, a);
	case NR_statfs:
		return do_statfs(p, a[0], a[1]);
	case NR_fstatfs:
		return do_fstatfs(p, (int)a[0], a[1]);
	default:
		return -ENOSYS;
	}
}
