/*
 * Files without a name (Linux's pipefs and anon_inodefs pseudo mounts):
 * pipes and eventfds are open files like any other, with a path, but the
 * path is a lone dentry on an internal mount that is in no tree. So
 * fstat, /proc/<pid>/fd and every holder of a file's path work unchanged,
 * and no walk can reach them. The dentry's name is what /proc shows
 * ("pipe:[ino]", "anon_inode:[eventfd]"), Linux's d_dname.
 */
#include <klib/errno.h>
#include <klib/string.h>
#include <page-alloc/page_alloc.h>
#include <vfs/pipe.h>
#include "vfs_internal.h"

#define PIPEFS_MAGIC 0x50495045u

static void anon_destroy_inode(struct vfs_inode *inode)
{
	vfs_inode_fini(inode);
	kfree(inode);
}

static int anon_statfs(struct vfs_sb *sb, struct vfs_statfs *out)
{
	memset(out, 0, sizeof(*out));
	out->type = sb->magic;
	out->bsize = out->frsize = PAGE_SIZE;
	out->namelen = VFS_NAME_MAX;
	return 0;
}

static const struct vfs_sb_ops anon_sb_ops = {
    .destroy_inode = anon_destroy_inode,
    .statfs = anon_statfs,
};

void vfs_anon_init(void)
{
	vfs_g.anon_sb.dev = VFS_MKDEV(0, vfs_g.next_dev++);
	vfs_g.anon_sb.ops = &anon_sb_ops;
	vfs_g.anon_sb.magic = PIPEFS_MAGIC;
	vfs_g.anon_mnt.sb = &vfs_g.anon_sb;
	vfs_g.anon_mnt.flags = VFS_MNT_NOSUID | VFS_MNT_NODEV | VFS_MNT_NOEXEC;
	vfs_g.anon_mnt.id = ++vfs_g.next_mnt_id;
	list_init(&vfs_g.anon_mnt.link);
	vfs_g.pipe_max_size = CONFIG_VFS_PIPE_MAX_SIZE;
}

bool vfs_path_is_anon(const struct vfs_path *p)
{
	return p->mnt == &vfs_g.anon_mnt;
}

struct vfs_inode *vfs_anon_inode(uint32_t mode, uint32_t uid, uint32_t gid)
{
	struct vfs_inode *inode = kzalloc(sizeof(*inode));
	uint64_t ino = __atomic_add_fetch(&vfs_g.next_ino, 1, __ATOMIC_RELAXED);

	if (!inode)
		return NULL;
	if (vfs_inode_init(inode, &vfs_g.anon_sb, ino, mode, NULL, NULL) < 0) {
		kfree(inode);
		return NULL;
	}
	inode->uid = uid;
	inode->gid = gid;
	inode->nlink = 1;
	return inode;
}

int vfs_anon_file(struct vfs_inode *inode, const char *name, unsigned flags,
                  const struct vfs_file_ops *fops, void *priv, struct vfs_file **out)
{
	struct vfs_dentry *d;
	struct vfs_file *f;

	if (!(d = vfs_dentry_new(NULL, name, inode)))
		return -ENOMEM;
	vfs_inode_get(inode); /* the dentry's */
	if (!(f = vfs_file_alloc(inode, flags))) {
		vfs_dentry_put(d);
		return -ENOMEM;
	}
	f->ops = fops;
	f->priv = priv;
	f->path = (struct vfs_path){&vfs_g.anon_mnt, d};
	*out = f;
	return 0;
}
