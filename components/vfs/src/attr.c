/*
 * Attributes: stat, and the changes of chmod, chown, truncate and
 * utimensat, after fs/attr.c (notify_change, setattr_prepare,
 * setattr_copy), fs/open.c (chmod_common, chown_common, do_truncate,
 * vfs_truncate, do_ftruncate), fs/utimes.c and mm/shmem.c (shmem_setattr:
 * a size that does not change leaves the times alone).
 */
#include <klib/errno.h>
#include <klib/string.h>
#include "vfs_internal.h"

#define S_IXGRP      0010
#define NSEC_PER_SEC 1000000000l

/* iattr's ia_valid bits, as far as used here. */
enum {
	A_MODE = 0x1,
	A_UID = 0x2,
	A_GID = 0x4,
	A_SIZE = 0x8,
	A_ATIME = 0x10,
	A_MTIME = 0x20,
	A_CTIME = 0x40,
	A_ATIME_SET = 0x80,
	A_MTIME_SET = 0x100,
	A_TIMES_SET = 0x200,
	A_TOUCH = 0x400,
	A_KILL_SUID = 0x800,
	A_KILL_SGID = 0x1000,
	A_FORCE = 0x2000,
};

struct attr {
	unsigned valid;
	uint32_t mode, uid, gid;
	uint64_t size;
	struct vfs_timespec atime, mtime;
};

static bool owner_or_capable(const struct vfs_inode *inode, const struct vfs_cred *cr)
{
	return vfs_is_owner(inode, cr) || (cr->caps & VFS_CAP_FOWNER);
}

static bool in_group_or_capable(const struct vfs_cred *cr, uint32_t gid)
{
	return vfs_cred_in_group(cr, gid) || (cr->caps & VFS_CAP_FSETID);
}

/* inode_newsize_ok: growing past RLIMIT_FSIZE or the largest file. */
static int newsize_ok(struct vfs_inode *inode, uint64_t size, const struct vfs_cred *cr, bool *xfsz)
{
	if (vfs_inode_size(inode) >= size)
		return 0;
	if (cr->fsize_limit != VFS_NO_LIMIT && size > cr->fsize_limit) {
		if (xfsz)
			*xfsz = true;
		return -EFBIG;
	}
	return size > VFS_MAX_FILESIZE ? -EFBIG : 0;
}

/* setattr_prepare: may the caller make these changes? */
static int setattr_prepare(struct vfs_inode *inode, struct attr *a, const struct vfs_cred *cr,
                           bool *xfsz)
{
	int rc;

	if ((a->valid & A_SIZE) && (rc = newsize_ok(inode, a->size, cr, xfsz)) < 0)
		return rc;
	if (a->valid & A_FORCE)
		return 0;
	if ((a->valid & A_UID) && !(vfs_is_owner(inode, cr) && a->uid == inode->uid) &&
	    !(cr->caps & VFS_CAP_CHOWN))
		return -EPERM;
	if ((a->valid & A_GID) &&
	    !(vfs_is_owner(inode, cr) && (a->gid == inode->gid || vfs_cred_in_group(cr, a->gid))) &&
	    !(cr->caps & VFS_CAP_CHOWN))
		return -EPERM;
	if (a->valid & A_MODE) {
		if (!owner_or_capable(inode, cr))
			return -EPERM;
		if (!in_group_or_capable(cr, (a->valid & A_GID) ? a->gid : inode->gid))
			a->mode &= ~VFS_S_ISGID;
	}
	if ((a->valid & (A_ATIME_SET | A_MTIME_SET | A_TIMES_SET)) && !owner_or_capable(inode, cr))
		return -EPERM;
	return 0;
}

/* The privilege bits a change of owner or size drops (should_remove_suid). */
static unsigned kill_bits(const struct vfs_inode *inode, const struct vfs_cred *cr)
{
	uint32_t mode = vfs_mode(inode);
	unsigned kill = 0;

	if (mode & VFS_S_ISUID)
		kill |= A_KILL_SUID;
	if ((mode & VFS_S_ISGID) && (mode & S_IXGRP))
		kill |= A_KILL_SGID;
	return (kill && !(cr->caps & VFS_CAP_FSETID) && VFS_S_ISREG(mode)) ? kill : 0;
}

/* notify_change and shmem_setattr, inode locked. */
static int notify_change(struct vfs_inode *inode, struct attr *a, const struct vfs_cred *cr,
                         bool *xfsz)
{
	bool update_ctime = true, update_mtime = false;
	struct vfs_timespec now;
	int rc;

	if ((a->valid & A_MODE) && VFS_S_ISLNK(inode->mode))
		return -EOPNOTSUPP;
	if ((a->valid & A_TOUCH) && !owner_or_capable(inode, cr) &&
	    (rc = vfs_inode_permission(inode, VFS_MAY_WRITE, cr)) < 0)
		return rc;
	vfs_now(&now);
	if (!(a->valid & A_ATIME_SET))
		a->atime = now;
	if (!(a->valid & A_MTIME_SET))
		a->mtime = now;
	if ((a->valid & A_KILL_SUID) && (inode->mode & VFS_S_ISUID)) {
		a->valid |= A_MODE;
		a->mode = inode->mode & ~VFS_S_ISUID;
	}
	if ((a->valid & A_KILL_SGID) && (inode->mode & VFS_S_ISGID)) {
		if (!(a->valid & A_MODE)) {
			a->valid |= A_MODE;
			a->mode = inode->mode;
		}
		a->mode &= ~VFS_S_ISGID;
	}
	if (!(a->valid & ~(A_KILL_SUID | A_KILL_SGID | A_FORCE)))
		return 0;
	if ((rc = setattr_prepare(inode, a, cr, xfsz)) < 0)
		return rc;
	if (VFS_S_ISREG(inode->mode) && (a->valid & A_SIZE)) {
		if (a->size != vfs_inode_size(inode)) {
			if (!inode->ops || !inode->ops->setsize)
				return -EPERM;
			if ((rc = inode->ops->setsize(inode, a->size)) < 0)
				return rc;
			update_mtime = true;
		} else {
			update_ctime = false;
		}
	}
	/* setattr_copy */
	if (a->valid & A_UID)
		__atomic_store_n(&inode->uid, a->uid, __ATOMIC_RELAXED);
	if (a->valid & A_GID)
		__atomic_store_n(&inode->gid, a->gid, __ATOMIC_RELAXED);
	if (a->valid & A_ATIME)
		inode->atime = a->atime;
	if (a->valid & A_MTIME)
		inode->mtime = a->mtime;
	if (a->valid & A_CTIME)
		inode->ctime = now;
	if (a->valid & A_MODE) {
		uint32_t mode = (a->mode & VFS_S_IALLUGO) | (inode->mode & VFS_S_IFMT);

		if (!in_group_or_capable(cr, inode->gid))
			mode &= ~VFS_S_ISGID;
		__atomic_store_n(&inode->mode, mode, __ATOMIC_RELAXED);
	}
	if (update_ctime) {
		inode->ctime = now;
		if (update_mtime)
			inode->mtime = now;
	}
	return 0;
}

static int change(const struct vfs_path *p, struct attr *a, const struct vfs_cred *cr, bool *xfsz)
{
	struct vfs_inode *inode = p->dentry->inode;
	int rc;

	if ((rc = vfs_may_write_mnt(p->mnt)) < 0)
		return rc;
	vfs_inode_lock(inode);
	rc = notify_change(inode, a, cr, xfsz);
	vfs_inode_unlock(inode);
	return rc;
}

int vfs_chmod(const struct vfs_path *p, uint32_t mode, const struct vfs_cred *cr)
{
	struct attr a = {.valid = A_MODE | A_CTIME, .mode = mode & VFS_S_IALLUGO};

	return change(p, &a, cr, NULL);
}

/* setattr_should_drop_sgid */
static unsigned drop_sgid(const struct vfs_inode *inode, const struct vfs_cred *cr)
{
	uint32_t mode = vfs_mode(inode);

	if (!(mode & VFS_S_ISGID))
		return 0;
	if (mode & S_IXGRP)
		return A_KILL_SGID;
	return in_group_or_capable(cr, inode->gid) ? 0 : A_KILL_SGID;
}

int vfs_chown(const struct vfs_path *p, uint32_t uid, uint32_t gid, const struct vfs_cred *cr)
{
	struct vfs_inode *inode = p->dentry->inode;
	struct attr a = {.valid = A_CTIME, .uid = uid, .gid = gid};
	int rc;

	if (uid != (uint32_t)-1)
		a.valid |= A_UID;
	if (gid != (uint32_t)-1)
		a.valid |= A_GID;
	if ((rc = vfs_may_write_mnt(p->mnt)) < 0)
		return rc;
	vfs_inode_lock(inode);
	if (!VFS_S_ISDIR(inode->mode))
		a.valid |= A_KILL_SUID | drop_sgid(inode, cr);
	rc = notify_change(inode, &a, cr, NULL);
	vfs_inode_unlock(inode);
	return rc;
}

/* do_truncate (inode locked): the size, privilege bits, and 'times'. */
static int truncate_locked(struct vfs_inode *inode, uint64_t size, unsigned times,
                           const struct vfs_cred *cr, bool *xfsz)
{
	struct attr a = {.valid = A_SIZE | times, .size = size};
	unsigned kill = kill_bits(inode, cr);

	if (kill)
		a.valid |= kill | A_FORCE;
	return notify_change(inode, &a, cr, xfsz);
}

int vfs_truncate_locked(struct vfs_inode *inode, uint64_t size, const struct vfs_cred *cr,
                        bool *xfsz)
{
	return truncate_locked(inode, size, A_MTIME | A_CTIME, cr, xfsz);
}

int vfs_truncate(const struct vfs_path *p, int64_t size, const struct vfs_cred *cr, bool *xfsz)
{
	struct vfs_inode *inode = p->dentry->inode;
	int rc;

	if (size < 0)
		return -EINVAL;
	if (VFS_S_ISDIR(vfs_mode(inode)))
		return -EISDIR;
	if (!VFS_S_ISREG(vfs_mode(inode)))
		return -EINVAL;
	if ((rc = vfs_may_write_mnt(p->mnt)) < 0)
		return rc;
	if ((rc = vfs_inode_permission(inode, VFS_MAY_WRITE, cr)) < 0)
		return rc;
	vfs_inode_lock(inode);
	rc = truncate_locked(inode, (uint64_t)size, 0, cr, xfsz);
	vfs_inode_unlock(inode);
	return rc;
}

int vfs_ftruncate(struct vfs_file *f, int64_t size, const struct vfs_cred *cr, bool *xfsz)
{
	int rc;

	if (size < 0)
		return -EINVAL;
	if (!VFS_S_ISREG(vfs_mode(f->inode)) || !(f->mode & VFS_FMODE_WRITE))
		return -EINVAL;
	vfs_inode_lock(f->inode);
	rc = truncate_locked(f->inode, (uint64_t)size, A_MTIME | A_CTIME, cr, xfsz);
	vfs_inode_unlock(f->inode);
	return rc;
}

static bool nsec_valid(int64_t nsec)
{
	return (nsec >= 0 && nsec < NSEC_PER_SEC) || nsec == VFS_UTIME_NOW ||
	       nsec == VFS_UTIME_OMIT;
}

int vfs_utimes(const struct vfs_path *p, const struct vfs_timespec *times,
               const struct vfs_cred *cr)
{
	struct attr a = {.valid = A_CTIME | A_MTIME | A_ATIME};

	if (times && (!nsec_valid(times[0].nsec) || !nsec_valid(times[1].nsec)))
		return -EINVAL;
	if (times && times[0].nsec == VFS_UTIME_NOW && times[1].nsec == VFS_UTIME_NOW)
		times = NULL;
	if (!times) {
		a.valid |= A_TOUCH;
		return change(p, &a, cr, NULL);
	}
	if (times[0].nsec == VFS_UTIME_OMIT) {
		a.valid &= ~A_ATIME;
	} else if (times[0].nsec != VFS_UTIME_NOW) {
		a.atime = times[0];
		a.valid |= A_ATIME_SET;
	}
	if (times[1].nsec == VFS_UTIME_OMIT) {
		a.valid &= ~A_MTIME;
	} else if (times[1].nsec != VFS_UTIME_NOW) {
		a.mtime = times[1];
		a.valid |= A_MTIME_SET;
	}
	a.valid |= A_TIMES_SET;
	return change(p, &a, cr, NULL);
}

int vfs_getattr(const struct vfs_path *p, struct vfs_stat *st)
{
	struct vfs_inode *inode = p->dentry->inode;

	memset(st, 0, sizeof(*st));
	vfs_inode_lock(inode);
	st->dev = inode->sb->dev;
	st->ino = inode->ino;
	st->rdev = inode->rdev;
	st->mode = inode->mode;
	st->nlink = inode->nlink;
	st->uid = inode->uid;
	st->gid = inode->gid;
	st->size = vfs_inode_size(inode);
	st->blocks = __atomic_load_n(&inode->blocks, __ATOMIC_RELAXED);
	st->blksize = 4096;
	st->atime = inode->atime;
	st->mtime = inode->mtime;
	st->ctime = inode->ctime;
	st->btime = inode->btime;
	st->has_btime = true;
	vfs_inode_unlock(inode);
	st->mnt_flags = p->mnt->flags;
	st->mnt_id = p->mnt->id;
	st->mount_root = p->dentry == p->mnt->root;
	return 0;
}
