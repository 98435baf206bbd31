/*
 * Mounts: a file system's root put over a directory. The walk asks
 * vfs_mount_on() at every directory it enters whose dentry carries mounts;
 * a mount over a mount point stacks (its parent is the mount on top), so
 * the walk ends on the newest. A mount nothing uses can be taken off
 * (vfs_umount); the rest go at vfs_shutdown().
 */
#include <klib/errno.h>
#include <klib/string.h>
#include <page-alloc/page_alloc.h>
#include "vfs_internal.h"

struct vfs_mount *vfs_mount_on(struct vfs_mount *mnt, struct vfs_dentry *d)
{
	struct list_node *n;

	if (!d->mounted)
		return NULL;
	list_for_each(n, &vfs_g.mounts)
	{
		struct vfs_mount *m = container_of(n, struct vfs_mount, link);

		if (m->parent == mnt && m->mountpoint == d)
			return m;
	}
	return NULL;
}

/* A superblock of 'type' filled from 'options', and its root dentry. */
static int sb_make(const struct vfs_fstype *type, const char *options, struct vfs_sb **sbp,
                   struct vfs_dentry **rootp)
{
	struct vfs_sb *sb = kzalloc(sizeof(*sb));
	int rc;

	if (!sb)
		return -ENOMEM;
	sb->type = type;
	vfs_tree_lock();
	sb->dev = VFS_MKDEV(0, vfs_g.next_dev++);
	vfs_tree_unlock();
	if ((rc = type->fill_super(sb, options)) < 0) {
		kfree(sb);
		return rc;
	}
	vfs_inode_get(sb->root);
	if (!(*rootp = vfs_dentry_new(NULL, "/", sb->root))) {
		vfs_inode_put(sb->root);
		vfs_inode_put(sb->root);
		sb->ops->put_super(sb);
		kfree(sb);
		return -ENOMEM;
	}
	*sbp = sb;
	return 0;
}

static void sb_free(struct vfs_sb *sb)
{
	vfs_inode_put(sb->root);
	sb->ops->put_super(sb);
	kfree(sb);
}

static void mount_free(struct vfs_mount *m)
{
	vfs_dentry_put(m->root);
	sb_free(m->sb);
	kfree(m->source);
	kfree(m);
}

static int mount_new(const char *source, const char *type, const char *options, unsigned flags,
                     struct vfs_mount **out)
{
	const struct vfs_fstype *t = vfs_fstype_find(type);
	size_t len = strlen(source ? source : "none") + 1;
	struct vfs_mount *m;
	int rc;

	if (!t)
		return -ENODEV;
	if (!(m = kzalloc(sizeof(*m))))
		return -ENOMEM;
	if (!(m->source = kmalloc(len))) {
		kfree(m);
		return -ENOMEM;
	}
	memcpy(m->source, source ? source : "none", len);
	if ((rc = sb_make(t, options, &m->sb, &m->root)) < 0) {
		kfree(m->source);
		kfree(m);
		return rc;
	}
	m->flags = flags;
	list_init(&m->link);
	vfs_tree_lock();
	m->id = ++vfs_g.next_mnt_id;
	vfs_tree_unlock();
	*out = m;
	return 0;
}

int vfs_mount_root(const char *source, const char *type, const char *options, unsigned mnt_flags)
{
	struct vfs_mount *m;
	int rc;

	if (vfs_g.root)
		return -EBUSY;
	if ((rc = mount_new(source, type, options, mnt_flags, &m)) < 0)
		return rc;
	vfs_tree_lock();
	list_add_tail(&vfs_g.mounts, &m->link);
	vfs_g.root = m;
	vfs_tree_unlock();
	return 0;
}

int vfs_mount(struct vfs_fs *fs, const char *source, const char *path, const char *type,
              const char *options, unsigned mnt_flags, const struct vfs_cred *cr)
{
	struct vfs_path p;
	struct vfs_mount *m;
	int rc;

	if ((rc = vfs_lookup(fs, NULL, path, VFS_LOOKUP_FOLLOW, cr, &p)) < 0)
		return rc;
	if (!(cr->caps & VFS_CAP_SYS_ADMIN))
		rc = -EPERM;
	else if (!vfs_fstype_find(type))
		rc = -ENODEV;
	else if (!VFS_S_ISDIR(vfs_mode(p.dentry->inode)))
		rc = -ENOTDIR; /* every file system here has a directory at its root */
	else
		rc = mount_new(source, type, options, mnt_flags, &m);
	if (rc < 0) {
		vfs_path_put(&p);
		return rc;
	}
	m->parent = p.mnt;
	m->mountpoint = p.dentry; /* keeps the walk's reference */
	vfs_tree_lock();
	if (p.dentry->deleted) {
		rc = -ENOENT;
	} else {
		p.dentry->mounted++;
		list_add_tail(&vfs_g.mounts, &m->link);
	}
	vfs_tree_unlock();
	if (rc < 0) {
		mount_free(m);
		vfs_path_put(&p);
	}
	return rc;
}

/*
 * A mount is busy when anything but the mount itself (and the caller's
 * walk) holds a name in it: a dentry lives only while referenced, so a
 * live dentry below the root, or a second reference to the root, is an
 * open file, a working directory, a mapping, a walk, or a mount on top.
 * Tree lock held.
 */
static bool mount_busy(struct vfs_mount *m)
{
	return !list_empty(&m->root->children) ||
	       __atomic_load_n(&m->root->refs, __ATOMIC_RELAXED) > 2 || m->root->mounted;
}

int vfs_umount(struct vfs_fs *fs, const char *path, bool follow, const struct vfs_cred *cr)
{
	struct vfs_path p;
	struct vfs_mount *m;
	int rc;

	if ((rc = vfs_lookup(fs, NULL, path, follow ? VFS_LOOKUP_FOLLOW : 0, cr, &p)) < 0)
		return rc;
	m = p.mnt;
	if (!(cr->caps & VFS_CAP_SYS_ADMIN))
		rc = -EPERM;
	else if (p.dentry != m->root)
		rc = -EINVAL; /* not the root of a mount */
	else if (!m->parent)
		rc = -EBUSY; /* the root of the tree */
	if (rc < 0) {
		vfs_path_put(&p);
		return rc;
	}
	vfs_tree_lock();
	if (mount_busy(m))
		rc = -EBUSY;
	else
		list_del(&m->link);
	vfs_tree_unlock();
	vfs_path_put(&p);
	if (rc < 0)
		return rc;
	vfs_tree_lock();
	m->mountpoint->mounted--;
	vfs_tree_unlock();
	vfs_dentry_put(m->mountpoint);
	mount_free(m);
	return 0;
}

/* Newest first: a mount's mount point lives in an older file system. */
void vfs_mounts_free(void)
{
	while (!list_empty(&vfs_g.mounts)) {
		struct vfs_mount *m = container_of(vfs_g.mounts.prev, struct vfs_mount, link);

		list_del(&m->link);
		if (m->mountpoint) {
			m->mountpoint->mounted--;
			vfs_dentry_put(m->mountpoint);
		}
		mount_free(m);
	}
	vfs_g.root = NULL;
}

int vfs_statfs(const struct vfs_path *p, struct vfs_statfs *out)
{
	struct vfs_sb *sb = p->dentry->inode->sb;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!sb->ops->statfs)
		return -ENOSYS;
	if ((rc = sb->ops->statfs(sb, out)) < 0)
		return rc;
	out->type = sb->magic;
	out->flags = 0x20 /* ST_VALID */ | p->mnt->flags;
	out->fsid[0] = (uint32_t)sb->dev;
	out->fsid[1] = (uint32_t)(sb->dev >> 32);
	return 0;
}
