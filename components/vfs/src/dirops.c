/*
 * Calls that change directories, after fs/namei.c: filename_create and the
 * mkdir, mknod and symlink built on it; do_unlinkat, do_rmdir, do_linkat,
 * do_renameat2 with may_create, may_delete and lock_rename. Each makes
 * Linux's checks in Linux's order; the file system then does its part
 * with the directories (and victims) locked.
 */
#include <klib/errno.h>
#include <klib/string.h>
#include <page-alloc/page_alloc.h>
#include "vfs_internal.h"

#define S_IXGRP   0010
#define S_IRWXUGO 0777

static bool in_group_or_capable(const struct vfs_cred *cr, uint32_t gid)
{
	return vfs_cred_in_group(cr, gid) || (cr->caps & VFS_CAP_FSETID);
}

static bool is_mountpoint(const struct vfs_dentry *d)
{
	return __atomic_load_n(&d->mounted, __ATOMIC_RELAXED) != 0;
}

int vfs_create_locked(const struct vfs_path *dir, const char *name, uint32_t mode, uint64_t rdev,
                      const char *target, const struct vfs_cred *cr, struct vfs_path *out)
{
	struct vfs_inode *d = dir->dentry->inode, *inode;
	struct vfs_new n = {
	    .mode = mode, .uid = cr->uid, .gid = cr->gid, .rdev = rdev, .target = target};
	struct vfs_dentry *dentry;
	int rc;

	if (!d->ops || !d->ops->create)
		return -EPERM;
	if (d->mode & VFS_S_ISGID) {
		/* mode_strip_sgid, then inode_init_owner: the group of a set-gid directory. */
		if (!VFS_S_ISDIR(mode) &&
		    (mode & (VFS_S_ISGID | S_IXGRP)) == (VFS_S_ISGID | S_IXGRP) &&
		    !in_group_or_capable(cr, d->gid))
			n.mode &= ~VFS_S_ISGID;
		n.gid = d->gid;
		if (VFS_S_ISDIR(mode))
			n.mode |= VFS_S_ISGID;
	}
	if (!(dentry = vfs_dentry_new(dir->dentry, name, NULL)))
		return -ENOMEM;
	if ((rc = d->ops->create(d, name, &n, &inode)) < 0) {
		vfs_dentry_put(dentry);
		return rc;
	}
	vfs_dentry_instantiate(dentry, inode);
	if (out) {
		out->mnt = dir->mnt;
		out->dentry = dentry;
	} else {
		vfs_dentry_put(dentry);
	}
	return 0;
}

/* may_create: the new name's directory still exists and may be written. */
static int may_create(struct vfs_inode *dir, const struct vfs_cred *cr)
{
	if (dir->nlink == 0)
		return -ENOENT;
	return vfs_inode_permission(dir, VFS_MAY_WRITE | VFS_MAY_EXEC, cr);
}

/* What mkdir, mknod and symlink make. */
struct create_req {
	bool want_dir;   /* a trailing '/' is fine */
	bool need_mknod; /* a device: VFS_CAP_MKNOD, checked where Linux's vfs_mknod does */
	uint32_t mode;   /* type and permissions, umask applied */
	uint64_t rdev;
	const char *target; /* symbolic links */
};

/* filename_create, then may_create and the file system's create. */
static int create_at(struct vfs_fs *fs, const struct vfs_path *start, const char *path,
                     const struct create_req *r, const struct vfs_cred *cr)
{
	struct vfs_parent par;
	struct vfs_path old;
	struct vfs_inode *dir;
	int rc, rofs;

	if ((rc = vfs_walk_parent(fs, start, path, cr, &par)) < 0)
		return rc;
	dir = par.dir.dentry->inode;
	rc = -EEXIST;
	if (par.type != VFS_LAST_NORM)
		goto out;
	rofs = vfs_may_write_mnt(par.dir.mnt);
	vfs_inode_lock(dir);
	rc = vfs_walk_last_locked(&par, &old);
	if (rc == 0) {
		vfs_path_put(&old);
		rc = -EEXIST;
	} else if (rc == -ENOENT) {
		if ((par.trailing_slash && !r->want_dir) || dir->ops->final_lookup)
			rc = -ENOENT;
		else if (rofs)
			rc = rofs;
		else if ((rc = may_create(dir, cr)) == 0 && r->need_mknod &&
		         !(cr->caps & VFS_CAP_MKNOD))
			rc = -EPERM;
		if (rc == 0)
			rc = vfs_create_locked(&par.dir, par.name, r->mode, r->rdev, r->target, cr,
			                       NULL);
	}
	vfs_inode_unlock(dir);
out:
	vfs_path_put(&par.dir);
	return rc;
}

int vfs_mkdir(struct vfs_fs *fs, const struct vfs_path *dir, const char *path, uint32_t mode,
              const struct vfs_cred *cr)
{
	struct create_req r = {.want_dir = true};

	r.mode = VFS_S_IFDIR | ((mode & (S_IRWXUGO | VFS_S_ISVTX)) & ~vfs_fs_get_umask(fs));
	return create_at(fs, dir, path, &r, cr);
}

int vfs_mknod(struct vfs_fs *fs, const struct vfs_path *dir, const char *path, uint32_t mode,
              uint64_t rdev, const struct vfs_cred *cr)
{
	struct create_req r = {.rdev = rdev};
	uint32_t type = mode & VFS_S_IFMT;

	switch (type) {
	case 0:
		type = VFS_S_IFREG;
		/* fallthrough */
	case VFS_S_IFREG:
	case VFS_S_IFIFO:
	case VFS_S_IFSOCK:
		r.rdev = 0;
		break;
	case VFS_S_IFCHR:
	case VFS_S_IFBLK:
		r.need_mknod = true;
		break;
	case VFS_S_IFDIR:
		return -EPERM;
	default:
		return -EINVAL;
	}
	r.mode = type | ((mode & VFS_S_IALLUGO) & ~vfs_fs_get_umask(fs));
	return create_at(fs, dir, path, &r, cr);
}

int vfs_symlink(struct vfs_fs *fs, const char *target, const struct vfs_path *dir, const char *path,
                const struct vfs_cred *cr)
{
	struct create_req r = {.mode = VFS_S_IFLNK | S_IRWXUGO, .target = target};
	size_t len = strnlen(target, VFS_PATH_MAX);

	if (len == 0)
		return -ENOENT;
	if (len >= VFS_PATH_MAX)
		return -ENAMETOOLONG;
	return create_at(fs, dir, path, &r, cr);
}

/* check_sticky: in a sticky directory only the owners of the file or of the directory. */
static bool sticky_denies(struct vfs_inode *dir, struct vfs_inode *inode, const struct vfs_cred *cr)
{
	if (!(vfs_mode(dir) & VFS_S_ISVTX))
		return false;
	if (vfs_is_owner(inode, cr) || vfs_is_owner(dir, cr))
		return false;
	return !(cr->caps & VFS_CAP_FOWNER);
}

/* may_delete: victim (present) may leave dir. */
static int may_delete(struct vfs_inode *dir, const struct vfs_path *victim, bool isdir,
                      const struct vfs_cred *cr)
{
	struct vfs_inode *inode = victim->dentry->inode;
	int rc;

	if ((rc = vfs_inode_permission(dir, VFS_MAY_WRITE | VFS_MAY_EXEC, cr)) < 0)
		return rc;
	if (sticky_denies(dir, inode, cr))
		return -EPERM;
	if (isdir) {
		if (!VFS_S_ISDIR(vfs_mode(inode)))
			return -ENOTDIR;
		if (!victim->dentry->parent)
			return -EBUSY;
	} else if (VFS_S_ISDIR(vfs_mode(inode))) {
		return -EISDIR;
	}
	if (dir->nlink == 0)
		return -ENOENT;
	return 0;
}

/* The file system's unlink of victim (dir locked), and the dentry's removal. */
static int remove_locked(struct vfs_inode *dir, struct vfs_path *victim, const char *name)
{
	struct vfs_inode *inode = victim->dentry->inode;
	int rc;

	if (!dir->ops || !dir->ops->unlink)
		return -EPERM;
	vfs_inode_lock(inode);
	if (is_mountpoint(victim->dentry))
		rc = -EBUSY;
	else if ((rc = dir->ops->unlink(dir, name, inode)) == 0)
		vfs_dentry_delete(victim->dentry);
	vfs_inode_unlock(inode);
	return rc;
}

static int remove_at(struct vfs_fs *fs, const struct vfs_path *start, const char *path, bool isdir,
                     const struct vfs_cred *cr)
{
	struct vfs_parent par;
	struct vfs_path victim;
	struct vfs_inode *dir;
	int rc;

	if ((rc = vfs_walk_parent(fs, start, path, cr, &par)) < 0)
		return rc;
	if (par.type != VFS_LAST_NORM) {
		rc = !isdir                        ? -EISDIR
		     : par.type == VFS_LAST_DOTDOT ? -ENOTEMPTY
		     : par.type == VFS_LAST_DOT    ? -EINVAL
		                                   : -EBUSY;
		goto out;
	}
	if ((rc = vfs_may_write_mnt(par.dir.mnt)) < 0)
		goto out;
	dir = par.dir.dentry->inode;
	vfs_inode_lock(dir);
	if ((rc = vfs_walk_last_locked(&par, &victim)) == 0) {
		uint32_t mode = vfs_mode(victim.dentry->inode);

		/* unlink of "name/": why it cannot be, with the error of its type */
		if (!isdir && par.trailing_slash)
			rc = VFS_S_ISDIR(mode) ? -EISDIR : -ENOTDIR;
		else if ((rc = may_delete(dir, &victim, isdir, cr)) == 0)
			rc = remove_locked(dir, &victim, par.name);
		vfs_path_put(&victim);
	}
	vfs_inode_unlock(dir);
out:
	vfs_path_put(&par.dir);
	return rc;
}

int vfs_unlink(struct vfs_fs *fs, const struct vfs_path *dir, const char *path,
               const struct vfs_cred *cr)
{
	return remove_at(fs, dir, path, false, cr);
}

int vfs_rmdir(struct vfs_fs *fs, const struct vfs_path *dir, const char *path,
              const struct vfs_cred *cr)
{
	return remove_at(fs, dir, path, true, cr);
}

/* vfs_link's checks and the file system's link, new name's directory locked. */
static int link_locked(struct vfs_parent *par, struct vfs_inode *inode, const struct vfs_cred *cr)
{
	struct vfs_inode *dir = par->dir.dentry->inode;
	struct vfs_dentry *d;
	int rc;

	if (dir->ops && dir->ops->final_lookup)
		return -ENOENT;
	if ((rc = may_create(dir, cr)) < 0)
		return rc;
	if (dir->sb != inode->sb)
		return -EXDEV;
	if (!dir->ops || !dir->ops->link || VFS_S_ISDIR(vfs_mode(inode)))
		return -EPERM;
	if (!(d = vfs_dentry_new(par->dir.dentry, par->name, NULL)))
		return -ENOMEM;
	vfs_inode_lock(inode);
	if (inode->nlink == 0)
		rc = -ENOENT; /* no new name for an unlinked file */
	else
		rc = dir->ops->link(dir, par->name, inode);
	vfs_inode_unlock(inode);
	if (rc == 0) {
		vfs_inode_get(inode);
		vfs_dentry_instantiate(d, inode);
	}
	vfs_dentry_put(d);
	return rc;
}

int vfs_link(struct vfs_fs *fs, const struct vfs_path *odir, const char *opath,
             const struct vfs_path *ndir, const char *npath, bool follow, const struct vfs_cred *cr)
{
	struct vfs_path old, existing;
	struct vfs_parent par;
	struct vfs_inode *dir;
	int rc, rofs;

	if (!opath && odir) {
		old = *odir;
		vfs_path_get(&old);
	} else if ((rc = vfs_lookup(fs, odir, opath, follow ? VFS_LOOKUP_FOLLOW : 0, cr, &old)) <
	           0) {
		return rc;
	}
	if ((rc = vfs_walk_parent(fs, ndir, npath, cr, &par)) < 0)
		goto out_old;
	dir = par.dir.dentry->inode;
	rc = -EEXIST;
	if (par.type != VFS_LAST_NORM)
		goto out;
	rofs = vfs_may_write_mnt(par.dir.mnt);
	vfs_inode_lock(dir);
	rc = vfs_walk_last_locked(&par, &existing);
	if (rc == 0) {
		vfs_path_put(&existing);
		rc = -EEXIST;
	} else if (rc == -ENOENT) {
		if (par.trailing_slash)
			rc = -ENOENT;
		else if (rofs)
			rc = rofs;
		else if (old.mnt != par.dir.mnt)
			rc = -EXDEV;
		else
			rc = link_locked(&par, old.dentry->inode, cr);
	}
	vfs_inode_unlock(dir);
out:
	vfs_path_put(&par.dir);
out_old:
	vfs_path_put(&old);
	return rc;
}

long vfs_readlink(const struct vfs_path *p, char *buf, size_t size)
{
	struct vfs_inode *inode = p->dentry->inode;

	if (!VFS_S_ISLNK(vfs_mode(inode)) || !inode->ops || !inode->ops->readlink)
		return -EINVAL;
	return inode->ops->readlink(inode, buf, size);
}
