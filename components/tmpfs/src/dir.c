/*
 * Directories: entries by name (a red-black tree) and by position (a list
 * in the order of their getdents offsets, which never change while an
 * entry lives, as Linux's offset maps: a new entry goes at the end, a
 * rename over an entry takes its place, an exchange swaps the inodes).
 * Link counts, sizes and times follow mm/shmem.c and fs/libfs.c. The vfs
 * holds the directory's lock around every call here.
 */
#include <klib/errno.h>
#include <klib/string.h>
#include <page-alloc/page_alloc.h>
#include "tmpfs_internal.h"

#define DT_DIR    4
#define FIRST_POS 2 /* 0 and 1 are '.' and '..' */

void tmpfs_dir_init(struct tmpfs_inode *dir, struct tmpfs_inode *parent)
{
	dir->dir.names = (struct rb_root)RB_ROOT_INIT;
	list_init(&dir->dir.entries);
	dir->dir.next_pos = FIRST_POS;
	dir->dir.parent = parent;
	dir->v.nlink = 2;
	vfs_inode_set_size(&dir->v, 2 * TMPFS_BOGO_DIRENT);
}

static int name_cmp(const char *a, size_t alen, const struct tmpfs_dirent *e)
{
	int c = memcmp(a, e->name, alen < e->len ? alen : e->len);

	return c ? c : (alen > e->len) - (alen < e->len);
}

static struct tmpfs_dirent *find(struct tmpfs_inode *dir, const char *name)
{
	size_t len = strlen(name);
	struct rb_node *n = dir->dir.names.node;

	while (n) {
		struct tmpfs_dirent *e = rb_entry(n, struct tmpfs_dirent, by_name);
		int c = name_cmp(name, len, e);

		if (c == 0)
			return e;
		n = c < 0 ? n->left : n->right;
	}
	return NULL;
}

static struct tmpfs_dirent *dirent_new(const char *name)
{
	size_t len = strlen(name);
	struct tmpfs_dirent *e = kzalloc(sizeof(*e) + len + 1);

	if (e) {
		memcpy(e->name, name, len + 1);
		e->len = len;
	}
	return e;
}

/* Link e (with its inode) into dir at a new position. */
static void dirent_add(struct tmpfs_inode *dir, struct tmpfs_dirent *e)
{
	struct rb_node **link = &dir->dir.names.node, *parent = NULL;

	while (*link) {
		parent = *link;
		link = name_cmp(e->name, e->len, rb_entry(parent, struct tmpfs_dirent, by_name)) < 0
		           ? &parent->left
		           : &parent->right;
	}
	rb_link(&e->by_name, parent, link);
	rb_insert_fixup(&dir->dir.names, &e->by_name);
	e->pos = dir->dir.next_pos++;
	list_add_tail(&dir->dir.entries, &e->order);
	vfs_inode_set_size(&dir->v, vfs_inode_size(&dir->v) + TMPFS_BOGO_DIRENT);
}

static void dirent_remove(struct tmpfs_inode *dir, struct tmpfs_dirent *e)
{
	rb_erase(&dir->dir.names, &e->by_name);
	list_del(&e->order);
	vfs_inode_set_size(&dir->v, vfs_inode_size(&dir->v) - TMPFS_BOGO_DIRENT);
}

static void touch(struct vfs_inode *dir, const struct vfs_timespec *now)
{
	dir->mtime = dir->ctime = *now;
}

static int tmpfs_lookup(struct vfs_inode *dir, const char *name, struct vfs_inode **out)
{
	struct tmpfs_dirent *e = find(TI(dir), name);

	if (!e)
		return -ENOENT;
	vfs_inode_get(&e->inode->v);
	*out = &e->inode->v;
	return 0;
}

/* A symbolic link's target, charged a block when long (shmem_symlink). */
static int set_target(struct tmpfs_inode *ti, const char *target)
{
	size_t len = strlen(target);

	if (len + 1 > PAGE_SIZE)
		return -ENAMETOOLONG;
	if (len >= TMPFS_SHORT_SYMLINK) {
		if (!tmpfs_charge_blocks(TSB(&ti->v), 1))
			return -ENOSPC;
		ti->v.blocks = PAGE_SIZE / 512;
	}
	if (!(ti->link.target = kmalloc(len + 1)))
		return -ENOMEM; /* the block, if any, goes back with the inode */
	memcpy(ti->link.target, target, len + 1);
	vfs_inode_set_size(&ti->v, len);
	return 0;
}

static int tmpfs_create(struct vfs_inode *dir, const char *name, const struct vfs_new *n,
                        struct vfs_inode **out)
{
	struct tmpfs_dirent *e = dirent_new(name);
	struct tmpfs_inode *ti;
	struct vfs_timespec now;
	int rc;

	if (!e)
		return -ENOMEM;
	if ((rc = tmpfs_inode_new(dir->sb, n->mode, &ti)) < 0) {
		kfree(e);
		return rc;
	}
	ti->v.uid = n->uid;
	ti->v.gid = n->gid;
	ti->v.nlink = 1;
	if (VFS_S_ISDIR(n->mode))
		tmpfs_dir_init(ti, TI(dir));
	else if (VFS_S_ISLNK(n->mode))
		rc = set_target(ti, n->target);
	else if (!VFS_S_ISREG(n->mode))
		ti->v.rdev = n->rdev;
	if (rc < 0) {
		vfs_inode_put(&ti->v);
		kfree(e);
		return rc;
	}
	vfs_now(&now);
	ti->v.atime = ti->v.mtime = ti->v.ctime = ti->v.btime = now;
	e->inode = ti; /* the entry's reference: the one tmpfs_inode_new gave */
	dirent_add(TI(dir), e);
	if (VFS_S_ISDIR(n->mode))
		dir->nlink++;
	touch(dir, &now);
	vfs_inode_get(&ti->v);
	*out = &ti->v;
	return 0;
}

static int tmpfs_link(struct vfs_inode *dir, const char *name, struct vfs_inode *inode)
{
	struct tmpfs_dirent *e = dirent_new(name);
	struct vfs_timespec now;

	if (!e)
		return -ENOMEM;
	vfs_inode_get(inode);
	e->inode = TI(inode);
	dirent_add(TI(dir), e);
	inode->nlink++;
	vfs_now(&now);
	inode->ctime = now;
	touch(dir, &now);
	return 0;
}

static bool dir_empty(struct tmpfs_inode *dir)
{
	return list_empty(&dir->dir.entries);
}

/* The link counts when 'inode' loses its name in dir (shmem_unlink, shmem_rmdir). */
static void drop_name(struct vfs_inode *dir, struct vfs_inode *inode)
{
	if (VFS_S_ISDIR(inode->mode)) {
		inode->nlink = 0;
		TI(inode)->dir.parent = NULL;
		dir->nlink--;
	} else {
		inode->nlink--;
	}
}

static int tmpfs_unlink(struct vfs_inode *dir, const char *name, struct vfs_inode *inode)
{
	struct tmpfs_dirent *e = find(TI(dir), name);
	struct vfs_timespec now;

	if (!e || &e->inode->v != inode)
		return -ENOENT;
	if (VFS_S_ISDIR(inode->mode) && !dir_empty(TI(inode)))
		return -ENOTEMPTY;
	dirent_remove(TI(dir), e);
	drop_name(dir, inode);
	vfs_now(&now);
	inode->ctime = now;
	touch(dir, &now);
	kfree(e);
	vfs_inode_put(inode); /* the entry's; the vfs still holds one */
	return 0;
}

/* The moved inode's '..' and its parents' link counts, when a directory changes parent. */
static void reparent(struct vfs_inode *inode, struct vfs_inode *from, struct vfs_inode *to)
{
	if (!VFS_S_ISDIR(inode->mode) || from == to)
		return;
	TI(inode)->dir.parent = TI(to);
	from->nlink--;
	to->nlink++;
}

static int rename_exchange(struct tmpfs_dirent *o, struct tmpfs_dirent *n, struct vfs_inode *odir,
                           struct vfs_inode *ndir, const struct vfs_timespec *now)
{
	struct tmpfs_inode *a = o->inode, *b = n->inode;

	o->inode = b;
	n->inode = a;
	reparent(&a->v, odir, ndir);
	reparent(&b->v, ndir, odir);
	a->v.ctime = b->v.ctime = *now;
	touch(odir, now);
	touch(ndir, now);
	return 0;
}

static int tmpfs_rename(struct vfs_inode *odir, const char *oname, struct vfs_inode *ndir,
                        const char *nname, unsigned flags)
{
	struct tmpfs_dirent *o = find(TI(odir), oname), *n = find(TI(ndir), nname), *e = NULL;
	struct tmpfs_inode *moved;
	struct vfs_timespec now;

	if (!o)
		return -ENOENT;
	vfs_now(&now);
	if (flags & VFS_RENAME_EXCHANGE)
		return n ? rename_exchange(o, n, odir, ndir, &now) : -ENOENT;
	if (n && VFS_S_ISDIR(n->inode->v.mode) && !dir_empty(n->inode))
		return -ENOTEMPTY;
	if (!n && !(e = dirent_new(nname)))
		return -ENOMEM;
	moved = o->inode;
	dirent_remove(TI(odir), o);
	kfree(o);
	if (n) {
		/* The moved inode takes over the replaced entry, offset and all. */
		struct tmpfs_inode *victim = n->inode;

		drop_name(ndir, &victim->v);
		victim->v.ctime = now;
		n->inode = moved;
		vfs_inode_put(&victim->v);
	} else {
		e->inode = moved;
		dirent_add(TI(ndir), e);
	}
	reparent(&moved->v, odir, ndir);
	moved->v.ctime = now;
	touch(odir, &now);
	touch(ndir, &now);
	return 0;
}

static long tmpfs_readdir(struct vfs_inode *dir, uint64_t *pos, vfs_filldir_t emit, void *ctx)
{
	struct tmpfs_inode *d = TI(dir);
	struct list_node *n;
	long count = 0;

	if (*pos == 0) {
		if (!emit(ctx, ".", 1, dir->ino, DT_DIR, 1))
			return count;
		*pos = 1;
		count++;
	}
	if (*pos == 1) {
		struct tmpfs_inode *parent = d->dir.parent ? d->dir.parent : d;

		if (!emit(ctx, "..", 2, parent->v.ino, DT_DIR, FIRST_POS))
			return count;
		*pos = FIRST_POS;
		count++;
	}
	list_for_each(n, &d->dir.entries)
	{
		struct tmpfs_dirent *e = container_of(n, struct tmpfs_dirent, order);
		struct tmpfs_dirent *next;

		if (e->pos < *pos)
			continue;
		next = n->next != &d->dir.entries
		           ? container_of(n->next, struct tmpfs_dirent, order)
		           : NULL;
		if (!emit(ctx, e->name, e->len, e->inode->v.ino, (e->inode->v.mode >> 12) & 15,
		          next ? next->pos : d->dir.next_pos))
			return count;
		*pos = e->pos + 1;
		count++;
	}
	*pos = d->dir.next_pos;
	return count;
}

/*
 * A directory that goes with entries still in it (the whole file system
 * at vfs_shutdown, its root's last reference dropped): its subtree, one
 * directory at a time from a work list, so a deep tree does not recurse.
 * A directory is freed once its entries are; the caller frees 'top'. The
 * list's head is top's own node (a head on the stack, stored into the
 * inodes, is what GCC's -Wdangling-pointer refuses in release builds).
 */
void tmpfs_dir_destroy(struct tmpfs_inode *top)
{
	struct list_node *work = &top->dir.reap, *w;
	struct tmpfs_inode *dir = top;

	list_init(work);
	for (;;) {
		struct list_node *n;

		while ((n = list_pop(&dir->dir.entries))) {
			struct tmpfs_dirent *e = container_of(n, struct tmpfs_dirent, order);
			struct tmpfs_inode *child = e->inode;

			kfree(e);
			if (__atomic_sub_fetch(&child->v.refs, 1, __ATOMIC_ACQ_REL) != 0)
				continue;
			if (VFS_S_ISDIR(child->v.mode))
				list_add_tail(work, &child->dir.reap); /* its entries first */
			else
				tmpfs_destroy_inode(&child->v);
		}
		dir->dir.names.node = NULL;
		if (dir != top)
			tmpfs_destroy_inode(&dir->v); /* empty now: no deeper call */
		if (!(w = list_pop(work)))
			return;
		dir = container_of(w, struct tmpfs_inode, dir.reap);
	}
}

static int64_t tmpfs_dir_llseek(struct vfs_file *f, int64_t off, int whence)
{
	switch (whence) {
	case VFS_SEEK_CUR:
		if (__builtin_add_overflow(off, (int64_t)f->pos, &off))
			return -EINVAL;
		/* fallthrough */
	case VFS_SEEK_SET:
		if (off >= 0)
			break;
		/* fallthrough */
	default:
		return -EINVAL;
	}
	f->pos = (uint64_t)off;
	return off;
}

static int tmpfs_dir_fsync(struct vfs_file *f)
{
	(void)f;
	return 0;
}

const struct vfs_inode_ops tmpfs_dir_ops = {
    .lookup = tmpfs_lookup,
    .create = tmpfs_create,
    .link = tmpfs_link,
    .unlink = tmpfs_unlink,
    .rename = tmpfs_rename,
    .readdir = tmpfs_readdir,
};

const struct vfs_file_ops tmpfs_dir_fops = {
    .llseek = tmpfs_dir_llseek,
    .fsync = tmpfs_dir_fsync,
};
