/*
 * renameat2, after fs/namei.c (do_renameat2, lock_rename, vfs_rename):
 * both parents walked, the flags, mount and '.'/'..' checks, the two
 * directories locked (one lock if they are the same; otherwise under the
 * global rename lock, ancestor first), both names looked up, Linux's
 * checks in its order, then the file system's rename and the dentries
 * moved to match.
 */
#include <klib/errno.h>
#include <klib/string.h>
#include <page-alloc/page_alloc.h>
#include "vfs_internal.h"

struct rename_side {
	struct vfs_parent par;
	struct vfs_path d; /* the name's dentry; d.dentry NULL if absent */
	struct vfs_inode *dir;
};

/* The child of 'anc' on the way up from d, or NULL if anc is not above d. Tree lock held. */
static struct vfs_dentry *child_towards(struct vfs_dentry *anc, struct vfs_dentry *d)
{
	for (; d->parent; d = d->parent)
		if (d->parent == anc)
			return d;
	return NULL;
}

/* lock_rename: the 'trap' (the child of the common ancestor), or NULL. */
static struct vfs_dentry *lock_rename(struct vfs_dentry *p1, struct vfs_dentry *p2)
{
	struct vfs_inode *first = p1->inode, *second = p2->inode;
	struct vfs_dentry *trap;

	if (p1 == p2) {
		vfs_inode_lock(first);
		return NULL;
	}
	vfs_lock(vfs_g.rename_lock); /* no other rename can change the tree's shape now */
	vfs_tree_lock();
	if (!(trap = child_towards(p1, p2)) && (trap = child_towards(p2, p1))) {
		first = p2->inode;
		second = p1->inode;
	} else if (!trap && (uintptr_t)second < (uintptr_t)first) {
		first = p2->inode;
		second = p1->inode;
	}
	vfs_tree_unlock();
	vfs_inode_lock(first);
	vfs_inode_lock(second);
	return trap;
}

static void unlock_rename(struct vfs_dentry *p1, struct vfs_dentry *p2)
{
	vfs_inode_unlock(p1->inode);
	if (p1 != p2) {
		vfs_inode_unlock(p2->inode);
		vfs_unlock(vfs_g.rename_lock);
	}
}

static int may_delete_rn(struct rename_side *s, bool isdir, const struct vfs_cred *cr)
{
	struct vfs_inode *inode = s->d.dentry->inode;
	int rc;

	if ((rc = vfs_inode_permission(s->dir, VFS_MAY_WRITE | VFS_MAY_EXEC, cr)) < 0)
		return rc;
	if ((vfs_mode(s->dir) & VFS_S_ISVTX) && !vfs_is_owner(inode, cr) &&
	    !vfs_is_owner(s->dir, cr) && !(cr->caps & VFS_CAP_FOWNER))
		return -EPERM;
	if (isdir && !VFS_S_ISDIR(vfs_mode(inode)))
		return -ENOTDIR;
	if (!isdir && VFS_S_ISDIR(vfs_mode(inode)))
		return -EISDIR;
	return s->dir->nlink == 0 ? -ENOENT : 0;
}

/* vfs_rename's checks, the file system's rename, the dentries. */
static int rename_locked(struct rename_side *o, struct rename_side *n, unsigned flags,
                         const struct vfs_cred *cr)
{
	struct vfs_inode *source = o->d.dentry->inode;
	struct vfs_inode *target = n->d.dentry ? n->d.dentry->inode : NULL;
	bool is_dir = VFS_S_ISDIR(vfs_mode(source));
	bool new_is_dir = target && VFS_S_ISDIR(vfs_mode(target));
	char *name = NULL;
	int rc;

	if (source == target)
		return 0;
	if ((rc = may_delete_rn(o, is_dir, cr)) < 0)
		return rc;
	if (!target)
		rc = n->dir->nlink == 0
		         ? -ENOENT
		         : vfs_inode_permission(n->dir, VFS_MAY_WRITE | VFS_MAY_EXEC, cr);
	else
		rc = may_delete_rn(n, (flags & VFS_RENAME_EXCHANGE) ? new_is_dir : is_dir, cr);
	if (rc < 0)
		return rc;
	if (!o->dir->ops || !o->dir->ops->rename)
		return -EPERM;
	/* Moving a directory to another parent rewrites its '..'. */
	if (n->dir != o->dir) {
		if (is_dir && (rc = vfs_inode_permission(source, VFS_MAY_WRITE, cr)) < 0)
			return rc;
		if ((flags & VFS_RENAME_EXCHANGE) && new_is_dir &&
		    (rc = vfs_inode_permission(target, VFS_MAY_WRITE, cr)) < 0)
			return rc;
	}
	if (o->d.dentry->mounted || (n->d.dentry && n->d.dentry->mounted))
		return -EBUSY;
	if (!(flags & VFS_RENAME_EXCHANGE) && !(name = vfs_dentry_name(n->par.name)))
		return -ENOMEM;
	/* Children of the locked parents: neither is above the other (the trap checks). */
	vfs_inode_lock2(source, target);
	rc = o->dir->ops->rename(o->dir, o->par.name, n->dir, n->par.name, flags);
	vfs_inode_unlock2(source, target);
	if (rc < 0) {
		kfree(name);
		return rc;
	}
	if (flags & VFS_RENAME_EXCHANGE) {
		vfs_dentry_exchange(o->d.dentry, n->d.dentry);
	} else {
		if (n->d.dentry)
			vfs_dentry_delete(n->d.dentry);
		vfs_dentry_move(o->d.dentry, n->par.dir.dentry, name);
	}
	return 0;
}

/* Both names looked up (directories locked), then do_renameat2's checks. */
static int rename_lookups(struct rename_side *o, struct rename_side *n, unsigned flags,
                          struct vfs_dentry *trap, const struct vfs_cred *cr)
{
	int rc;

	if ((rc = vfs_walk_last_locked(&o->par, &o->d)) < 0)
		return rc;
	if ((rc = vfs_walk_last_locked(&n->par, &n->d)) < 0 && rc != -ENOENT)
		return rc;
	if ((flags & VFS_RENAME_NOREPLACE) && n->d.dentry)
		return -EEXIST;
	if (flags & VFS_RENAME_EXCHANGE) {
		if (!n->d.dentry)
			return -ENOENT;
		if (!VFS_S_ISDIR(vfs_mode(n->d.dentry->inode)) && n->par.trailing_slash)
			return -ENOTDIR;
	}
	if (!VFS_S_ISDIR(vfs_mode(o->d.dentry->inode))) {
		if (o->par.trailing_slash)
			return -ENOTDIR;
		if (!(flags & VFS_RENAME_EXCHANGE) && n->par.trailing_slash)
			return -ENOTDIR;
	}
	if (o->d.dentry == trap)
		return -EINVAL; /* a directory into itself */
	if (n->d.dentry && n->d.dentry == trap)
		return (flags & VFS_RENAME_EXCHANGE) ? -EINVAL : -ENOTEMPTY;
	if (flags & VFS_RENAME_WHITEOUT)
		return -EINVAL; /* no whiteouts (overlay file systems) here */
	return rename_locked(o, n, flags, cr);
}

static int rename_sides(struct rename_side *o, struct rename_side *n, unsigned flags,
                        const struct vfs_cred *cr)
{
	struct vfs_dentry *trap;
	int rc;

	if (o->par.dir.mnt != n->par.dir.mnt)
		return -EXDEV;
	if (o->par.type != VFS_LAST_NORM)
		return -EBUSY;
	if (n->par.type != VFS_LAST_NORM)
		return (flags & VFS_RENAME_NOREPLACE) ? -EEXIST : -EBUSY;
	if ((rc = vfs_may_write_mnt(o->par.dir.mnt)) < 0)
		return rc;
	o->dir = o->par.dir.dentry->inode;
	n->dir = n->par.dir.dentry->inode;
	trap = lock_rename(o->par.dir.dentry, n->par.dir.dentry);
	rc = rename_lookups(o, n, flags, trap, cr);
	unlock_rename(o->par.dir.dentry, n->par.dir.dentry);
	return rc;
}

int vfs_rename(struct vfs_fs *fs, const struct vfs_path *odir, const char *opath,
               const struct vfs_path *ndir, const char *npath, unsigned flags,
               const struct vfs_cred *cr)
{
	struct rename_side *s;
	int rc;

	if (flags & ~(VFS_RENAME_NOREPLACE | VFS_RENAME_EXCHANGE | VFS_RENAME_WHITEOUT))
		return -EINVAL;
	if ((flags & (VFS_RENAME_NOREPLACE | VFS_RENAME_WHITEOUT)) && (flags & VFS_RENAME_EXCHANGE))
		return -EINVAL;
	if ((flags & VFS_RENAME_WHITEOUT) && !(cr->caps & VFS_CAP_MKNOD))
		return -EPERM;
	if (!(s = kzalloc(2 * sizeof(*s))))
		return -ENOMEM;
	if ((rc = vfs_walk_parent(fs, odir, opath, cr, &s[0].par)) == 0) {
		if ((rc = vfs_walk_parent(fs, ndir, npath, cr, &s[1].par)) == 0) {
			rc = rename_sides(&s[0], &s[1], flags, cr);
			vfs_path_put(&s[1].par.dir);
		}
		vfs_path_put(&s[0].par.dir);
	}
	for (int i = 0; i < 2; i++)
		if (s[i].d.dentry)
			vfs_path_put(&s[i].d);
	kfree(s);
	return rc;
}
