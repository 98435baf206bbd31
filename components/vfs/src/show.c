/*
 * What /proc shows of the tree: path names of open files (fs/d_path.c's
 * d_path), the mount list (fs/proc_namespace.c's show_vfsmnt) and the
 * registered types (fs/filesystems.c).
 */
#include <klib/errno.h>
#include <klib/string.h>
#include <page-alloc/page_alloc.h>
#include "vfs_internal.h"

#define DELETED " (deleted)"

/* The tree's root, as a path (tree lock held; no reference). */
static struct vfs_path tree_root(void)
{
	return (struct vfs_path){.mnt = vfs_g.root, .dentry = vfs_g.root->root};
}

long vfs_path_name(const struct vfs_path *p, char *out, size_t size)
{
	char *buf = kmalloc(VFS_PATH_MAX), *s;
	struct vfs_path root;
	size_t len;
	long rc;

	if (!buf)
		return -ENOMEM;
	if (vfs_path_is_anon(p)) { /* d_dname: the name is made, not walked */
		kfree(buf);
		if (p->dentry->namelen >= size)
			return -ENAMETOOLONG;
		memcpy(out, p->dentry->name, p->dentry->namelen + 1);
		return (long)p->dentry->namelen;
	}
	vfs_tree_lock();
	root = tree_root();
	s = vfs_prepend_path(p, &root, buf);
	len = s ? (size_t)(buf + VFS_PATH_MAX - 1 - s) : 0; /* without the NUL */
	if (!s || (p->dentry->deleted && len + sizeof(DELETED) > VFS_PATH_MAX))
		rc = -ENAMETOOLONG;
	else
		rc = (long)(len + (p->dentry->deleted ? sizeof(DELETED) - 1 : 0));
	if (rc >= 0 && (size_t)rc >= size)
		rc = -ENAMETOOLONG;
	if (rc >= 0) {
		memcpy(out, s, len);
		if (p->dentry->deleted)
			memcpy(out + len, DELETED, sizeof(DELETED) - 1);
		out[rc] = '\0';
	}
	vfs_tree_unlock();
	kfree(buf);
	return rc;
}

/* seq_escape with " \t\n\\": those four as \ooo. */
static void mangle(const char *s, vfs_sink_t sink, void *ctx)
{
	const char *run = s;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[4] = {'\\', (char)('0' + (c >> 6)), (char)('0' + ((c >> 3) & 7)),
		               (char)('0' + (c & 7))};

		if (c != ' ' && c != '\t' && c != '\n' && c != '\\')
			continue;
		sink(ctx, run, (size_t)(s - run));
		sink(ctx, esc, sizeof(esc));
		run = s + 1;
	}
	sink(ctx, run, (size_t)(s - run));
}

static void puts_to(const char *s, vfs_sink_t sink, void *ctx)
{
	sink(ctx, s, strlen(s));
}

/* show_vfsmnt_opts: the mount's flags after "rw"/"ro". */
static void show_mnt_flags(unsigned flags, vfs_sink_t sink, void *ctx)
{
	static const struct {
		unsigned flag;
		const char *str;
	} opts[] = {
	    {VFS_MNT_NOSUID, ",nosuid"},     {VFS_MNT_NODEV, ",nodev"},
	    {VFS_MNT_NOEXEC, ",noexec"},     {VFS_MNT_NOATIME, ",noatime"},
	    {VFS_MNT_RELATIME, ",relatime"},
	};

	puts_to(flags & VFS_MNT_RDONLY ? " ro" : " rw", sink, ctx);
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (flags & opts[i].flag)
			puts_to(opts[i].str, sink, ctx);
}

/* The first mount numbered above 'after' (tree lock held), or NULL. */
static struct vfs_mount *mount_after(uint64_t after)
{
	struct vfs_mount *best = NULL;
	struct list_node *n;

	list_for_each(n, &vfs_g.mounts)
	{
		struct vfs_mount *m = container_of(n, struct vfs_mount, link);

		if (m->id > after && (!best || m->id < best->id))
			best = m;
	}
	return best;
}

bool vfs_mount_show(uint64_t *cursor, vfs_sink_t sink, void *ctx)
{
	char *buf = kmalloc(VFS_PATH_MAX), *path;
	struct vfs_path root, mp;
	struct vfs_mount *m;

	if (!buf)
		return false;
	vfs_tree_lock();
	if ((m = mount_after(*cursor))) {
		*cursor = m->id;
		root = tree_root();
		mp = (struct vfs_path){.mnt = m, .dentry = m->root};
		mangle(m->source, sink, ctx);
		sink(ctx, " ", 1);
		if ((path = vfs_prepend_path(&mp, &root, buf)))
			mangle(path, sink, ctx);
		sink(ctx, " ", 1);
		mangle(m->sb->type->name, sink, ctx);
		show_mnt_flags(m->flags, sink, ctx);
		if (m->sb->ops->show_options)
			m->sb->ops->show_options(m->sb, sink, ctx);
		puts_to(" 0 0\n", sink, ctx);
	}
	vfs_tree_unlock();
	kfree(buf);
	return m != NULL;
}

const char *vfs_fstype_name(size_t i)
{
	const char *name = NULL;
	struct list_node *n;

	vfs_tree_lock();
	list_for_each(n, &vfs_g.types)
	{
		if (i-- == 0) {
			name = container_of(n, struct vfs_fstype, link)->name;
			break;
		}
	}
	vfs_tree_unlock();
	return name;
}
