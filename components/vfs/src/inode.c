/*
 * Inodes as the vfs sees them: references, locks, and Linux's permission
 * rules (fs/namei.c generic_permission, inode_permission; fs/attr.c
 * should_remove_suid; fs/inode.c relatime; mm/filemap.c's write checks).
 */
#include <klib/errno.h>
#include <klib/string.h>
#include "vfs_internal.h"

#define S_IXUGO     0111
#define S_IXGRP     0010
#define DAY_SECONDS (24 * 60 * 60)

int vfs_inode_init(struct vfs_inode *inode, struct vfs_sb *sb, uint64_t ino, uint32_t mode,
                   const struct vfs_inode_ops *ops, const struct vfs_file_ops *fops)
{
	memset(inode, 0, sizeof(*inode));
	inode->lock = vfs_lock_new(VFS_S_ISDIR(mode) ? "vfs_dir" : "vfs_inode");
	if (!inode->lock)
		return -ENOMEM;
	inode->sb = sb;
	inode->ino = ino;
	inode->mode = mode;
	inode->ops = ops;
	inode->fops = fops;
	inode->refs = 1;
	vfs_now(&inode->atime);
	inode->mtime = inode->ctime = inode->btime = inode->atime;
	return 0;
}

void vfs_inode_fini(struct vfs_inode *inode)
{
	vfs_lock_free(inode->lock);
	inode->lock = NULL;
}

void vfs_inode_get(struct vfs_inode *inode)
{
	__atomic_fetch_add(&inode->refs, 1, __ATOMIC_RELAXED);
}

void vfs_inode_put(struct vfs_inode *inode)
{
	if (__atomic_sub_fetch(&inode->refs, 1, __ATOMIC_ACQ_REL) == 0)
		inode->sb->ops->destroy_inode(inode);
}

void vfs_inode_lock(struct vfs_inode *inode)
{
	vfs_lock(inode->lock);
}

void vfs_inode_unlock(struct vfs_inode *inode)
{
	vfs_unlock(inode->lock);
}

uint64_t vfs_inode_size(const struct vfs_inode *inode)
{
	return __atomic_load_n(&inode->size, __ATOMIC_ACQUIRE);
}

void vfs_inode_set_size(struct vfs_inode *inode, uint64_t size)
{
	__atomic_store_n(&inode->size, size, __ATOMIC_RELEASE);
}

/* Linux's lock_two_inodes: a directory before anything else (vfs.h's order), else by address. */
static bool lock2_swap(const struct vfs_inode *a, const struct vfs_inode *b)
{
	bool adir = VFS_S_ISDIR(vfs_mode(a)), bdir = VFS_S_ISDIR(vfs_mode(b));

	return adir == bdir ? (uintptr_t)b < (uintptr_t)a : bdir;
}

void vfs_inode_lock2(struct vfs_inode *a, struct vfs_inode *b)
{
	if (a == b)
		b = NULL;
	if (a && b && lock2_swap(a, b)) {
		struct vfs_inode *t = a;
		a = b;
		b = t;
	}
	if (a)
		vfs_inode_lock(a);
	if (b)
		vfs_inode_lock(b);
}

void vfs_inode_unlock2(struct vfs_inode *a, struct vfs_inode *b)
{
	if (a)
		vfs_inode_unlock(a);
	if (b && b != a)
		vfs_inode_unlock(b);
}

bool vfs_cred_in_group(const struct vfs_cred *cr, uint32_t gid)
{
	if (cr->gid == gid)
		return true;
	for (size_t i = 0; i < cr->ngroups; i++)
		if (cr->groups[i] == gid)
			return true;
	return false;
}

bool vfs_is_owner(const struct vfs_inode *inode, const struct vfs_cred *cr)
{
	return __atomic_load_n(&inode->uid, __ATOMIC_RELAXED) == cr->uid;
}

/* The owner, group or other bits (acl_permission_check, without ACLs). */
static int mode_check(struct vfs_inode *inode, unsigned mask, const struct vfs_cred *cr)
{
	uint32_t mode = vfs_mode(inode);

	mask &= 7;
	if (vfs_is_owner(inode, cr))
		return (mask & ~(mode >> 6)) ? -EACCES : 0;
	/* Group bits matter only where they differ from the other bits. */
	if ((mask & (mode ^ (mode >> 3))) &&
	    vfs_cred_in_group(cr, __atomic_load_n(&inode->gid, __ATOMIC_RELAXED)))
		mode >>= 3;
	return (mask & ~mode) ? -EACCES : 0;
}

/* generic_permission: the mode bits, then what the capabilities override. */
int vfs_inode_permission(struct vfs_inode *inode, unsigned mask, const struct vfs_cred *cr)
{
	uint32_t mode = vfs_mode(inode);

	if (mode_check(inode, mask, cr) == 0)
		return 0;
	if (VFS_S_ISDIR(mode)) {
		if (!(mask & VFS_MAY_WRITE) && (cr->caps & VFS_CAP_DAC_READ_SEARCH))
			return 0;
		return (cr->caps & VFS_CAP_DAC_OVERRIDE) ? 0 : -EACCES;
	}
	mask &= VFS_MAY_READ | VFS_MAY_WRITE | VFS_MAY_EXEC;
	if (mask == VFS_MAY_READ && (cr->caps & VFS_CAP_DAC_READ_SEARCH))
		return 0;
	/* Execution needs some x bit even for the privileged. */
	if ((!(mask & VFS_MAY_EXEC) || (mode & S_IXUGO)) && (cr->caps & VFS_CAP_DAC_OVERRIDE))
		return 0;
	return -EACCES;
}

int vfs_may_write_mnt(const struct vfs_mount *mnt)
{
	return (mnt->flags & VFS_MNT_RDONLY) ? -EROFS : 0;
}

int vfs_permission(const struct vfs_path *p, unsigned mask, const struct vfs_cred *cr)
{
	struct vfs_inode *inode = p->dentry->inode;
	uint32_t mode = vfs_mode(inode);

	/* A read-only mount refuses writes to what it stores (not to devices). */
	if ((mask & VFS_MAY_WRITE) &&
	    (VFS_S_ISREG(mode) || VFS_S_ISDIR(mode) || VFS_S_ISLNK(mode)) &&
	    vfs_may_write_mnt(p->mnt))
		return -EROFS;
	return vfs_inode_permission(inode, mask, cr);
}

int vfs_access(const struct vfs_path *p, unsigned mask, const struct vfs_cred *cr)
{
	struct vfs_inode *inode = p->dentry->inode;
	uint32_t mode = vfs_mode(inode);
	int rc;

	if ((mask & VFS_MAY_EXEC) && VFS_S_ISREG(mode) && (p->mnt->flags & VFS_MNT_NOEXEC))
		return -EACCES;
	if ((rc = vfs_inode_permission(inode, mask, cr)) < 0 || !(mask & VFS_MAY_WRITE))
		return rc;
	if (VFS_S_ISCHR(mode) || VFS_S_ISBLK(mode) || (mode & VFS_S_IFMT) == VFS_S_IFIFO ||
	    (mode & VFS_S_IFMT) == VFS_S_IFSOCK)
		return 0;
	return vfs_may_write_mnt(p->mnt);
}

struct vfs_inode *vfs_path_inode(const struct vfs_path *p)
{
	return p->dentry->inode;
}

unsigned vfs_path_mnt_flags(const struct vfs_path *p)
{
	return p->mnt->flags;
}

static int64_t ts_cmp(const struct vfs_timespec *a, const struct vfs_timespec *b)
{
	return a->sec != b->sec ? a->sec - b->sec : a->nsec - b->nsec;
}

/* relatime_need_update and atime_needs_update. */
void vfs_file_accessed(struct vfs_file *f)
{
	struct vfs_inode *inode = f->inode;
	unsigned mflags = f->path.mnt->flags;
	struct vfs_timespec now;

	if ((f->flags & VFS_O_NOATIME) || (mflags & (VFS_MNT_NOATIME | VFS_MNT_RDONLY)))
		return;
	vfs_now(&now);
	if ((mflags & VFS_MNT_RELATIME) && ts_cmp(&inode->mtime, &inode->atime) < 0 &&
	    ts_cmp(&inode->ctime, &inode->atime) < 0 && now.sec - inode->atime.sec < DAY_SECONDS)
		return;
	inode->atime = now;
}

/* should_remove_suid: set-user-id always goes, set-group-id only with group exec. */
void vfs_write_kill_suid(struct vfs_inode *inode, const struct vfs_cred *cr)
{
	uint32_t mode = inode->mode, kill = 0;

	if (mode & VFS_S_ISUID)
		kill |= VFS_S_ISUID;
	if ((mode & VFS_S_ISGID) && (mode & S_IXGRP))
		kill |= VFS_S_ISGID;
	if (kill && !(cr->caps & VFS_CAP_FSETID) && VFS_S_ISREG(mode))
		__atomic_store_n(&inode->mode, mode & ~kill, __ATOMIC_RELAXED);
}

/*
 * generic_write_checks and generic_write_check_limits (inode locked): the
 * position of an O_APPEND write, then RLIMIT_FSIZE and the maximum size.
 * What may be written (<= count), or -EFBIG.
 */
long vfs_write_checks(struct vfs_file *f, uint64_t *pos, size_t count, const struct vfs_cred *cr,
                      bool *xfsz)
{
	uint64_t limit = cr->fsize_limit;

	if (count == 0)
		return 0;
	if (f->flags & VFS_O_APPEND)
		*pos = vfs_inode_size(f->inode);
	if (limit != VFS_NO_LIMIT) {
		if (*pos >= limit) {
			if (xfsz)
				*xfsz = true;
			return -EFBIG;
		}
		count = (size_t)MIN((uint64_t)count, limit - *pos);
	}
	if (*pos >= VFS_MAX_FILESIZE)
		return -EFBIG;
	return (long)MIN((uint64_t)count, VFS_MAX_FILESIZE - *pos);
}
