/* fake_fs.h */
#include "fake_fs.h"
#include <klib/errno.h>
#include <stdlib.h>
#include <string.h>

struct ff_ent {
	struct ff_ent *next;
	struct ff_inode *inode;
	uint64_t pos;
	char name[];
};

struct ff_inode {
	struct vfs_inode v;
	struct ff_ent *ents;
	uint64_t next_pos;
	struct ff_inode *parent;
	char *target;
	char data[FAKEFS_MAX];
};

struct fakefs_stats fakefs;
static uint64_t next_ino;

static struct ff_inode *FI(struct vfs_inode *v)
{
	return (struct ff_inode *)v;
}

static int injected(void)
{
	int rc = fakefs.fail_next;

	fakefs.fail_next = 0;
	return rc;
}

static struct ff_ent **find(struct ff_inode *d, const char *name)
{
	struct ff_ent **e = &d->ents;

	while (*e && strcmp((*e)->name, name) != 0)
		e = &(*e)->next;
	return e;
}

static int add(struct ff_inode *d, const char *name, struct ff_inode *i)
{
	struct ff_ent *e = malloc(sizeof(*e) + strlen(name) + 1), **tail = &d->ents;

	if (!e)
		return -ENOMEM;
	strcpy(e->name, name);
	e->inode = i;
	e->next = NULL;
	e->pos = d->next_pos++;
	while (*tail)
		tail = &(*tail)->next;
	*tail = e;
	return 0;
}

static int ff_lookup(struct vfs_inode *dir, const char *name, struct vfs_inode **out)
{
	struct ff_ent *e = *find(FI(dir), name);

	fakefs.lookups++;
	if (!e)
		return -ENOENT;
	vfs_inode_get(&e->inode->v);
	*out = &e->inode->v;
	return 0;
}

static const struct vfs_inode_ops ff_dir_ops, ff_file_ops, ff_link_ops, ff_guarded_ops;
static const struct vfs_file_ops ff_file_fops, ff_dir_fops;

static struct ff_inode *ff_new(struct vfs_sb *sb, uint32_t mode)
{
	struct ff_inode *i = calloc(1, sizeof(*i));
	const struct vfs_inode_ops *ops = VFS_S_ISDIR(mode)   ? &ff_dir_ops
	                                  : VFS_S_ISLNK(mode) ? &ff_link_ops
	                                  : fakefs.guard      ? &ff_guarded_ops
	                                                      : &ff_file_ops;

	if (!i)
		return NULL;
	if (vfs_inode_init(&i->v, sb, ++next_ino, mode, ops,
	                   VFS_S_ISDIR(mode) ? &ff_dir_fops : &ff_file_fops) < 0) {
		free(i);
		return NULL;
	}
	i->next_pos = 2;
	i->v.nlink = VFS_S_ISDIR(mode) ? 2 : 1;
	fakefs.inodes++;
	return i;
}

static int ff_create(struct vfs_inode *dir, const char *name, const struct vfs_new *n,
                     struct vfs_inode **out)
{
	struct ff_inode *i;
	int rc;

	fakefs.creates++;
	if ((rc = injected()))
		return rc;
	if (!(i = ff_new(dir->sb, n->mode)))
		return -ENOMEM;
	i->v.uid = n->uid;
	i->v.gid = n->gid;
	i->v.rdev = n->rdev;
	i->parent = FI(dir);
	if (n->target) {
		i->target = strdup(n->target);
		vfs_inode_set_size(&i->v, strlen(n->target));
	}
	if ((rc = add(FI(dir), name, i)) < 0) {
		vfs_inode_put(&i->v);
		return rc;
	}
	if (VFS_S_ISDIR(n->mode))
		dir->nlink++;
	vfs_inode_get(&i->v);
	*out = &i->v;
	return 0;
}

static int ff_link(struct vfs_inode *dir, const char *name, struct vfs_inode *inode)
{
	int rc;

	fakefs.links++;
	if ((rc = injected()) || (rc = add(FI(dir), name, FI(inode))))
		return rc;
	vfs_inode_get(inode);
	inode->nlink++;
	return 0;
}

static int ff_unlink(struct vfs_inode *dir, const char *name, struct vfs_inode *inode)
{
	struct ff_ent **e = find(FI(dir), name), *gone;
	int rc;

	fakefs.unlinks++;
	if ((rc = injected()))
		return rc;
	if (!*e)
		return -ENOENT;
	if (VFS_S_ISDIR(inode->mode) && FI(inode)->ents)
		return -ENOTEMPTY;
	gone = *e;
	*e = gone->next;
	free(gone);
	if (VFS_S_ISDIR(inode->mode)) {
		inode->nlink = 0;
		dir->nlink--;
	} else {
		inode->nlink--;
	}
	vfs_inode_put(inode);
	return 0;
}

static int ff_rename(struct vfs_inode *odir, const char *oname, struct vfs_inode *ndir,
                     const char *nname, unsigned flags)
{
	struct ff_ent **o = find(FI(odir), oname), **n = find(FI(ndir), nname), *e;
	struct ff_inode *moved;
	int rc;

	fakefs.renames++;
	if ((rc = injected()))
		return rc;
	if (flags & VFS_RENAME_EXCHANGE) {
		struct ff_inode *t = (*o)->inode;

		(*o)->inode = (*n)->inode;
		(*n)->inode = t;
		return 0;
	}
	if (*n && VFS_S_ISDIR((*n)->inode->v.mode) && (*n)->inode->ents)
		return -ENOTEMPTY;
	moved = (*o)->inode;
	if (*n) {
		struct ff_inode *victim = (*n)->inode;

		victim->v.nlink = VFS_S_ISDIR(victim->v.mode) ? 0 : victim->v.nlink - 1;
		(*n)->inode = moved;
		vfs_inode_put(&victim->v);
	} else if ((rc = add(FI(ndir), nname, moved)) < 0) {
		return rc;
	}
	o = find(FI(odir), oname); /* add may have moved the list's tail */
	e = *o;
	*o = e->next;
	free(e);
	return 0;
}

static long ff_readlink(struct vfs_inode *inode, char *buf, size_t size)
{
	size_t len = strlen(FI(inode)->target);

	len = len < size ? len : size;
	memcpy(buf, FI(inode)->target, len);
	return (long)len;
}

static long ff_readdir(struct vfs_inode *dir, uint64_t *pos, vfs_filldir_t emit, void *ctx)
{
	long n = 0;

	if (*pos < 1 && emit(ctx, ".", 1, dir->ino, 4, 1))
		*pos = 1, n++;
	if (*pos < 2 && *pos == 1 && emit(ctx, "..", 2, dir->ino, 4, 2))
		*pos = 2, n++;
	if (*pos < 2)
		return n;
	for (struct ff_ent *e = FI(dir)->ents; e; e = e->next) {
		if (e->pos < *pos)
			continue;
		if (!emit(ctx, e->name, strlen(e->name), e->inode->v.ino,
		          (e->inode->v.mode >> 12) & 15, e->pos + 1))
			return n;
		*pos = e->pos + 1;
		n++;
	}
	return n;
}

static int ff_setsize(struct vfs_inode *inode, uint64_t size)
{
	fakefs.setsizes++;
	if (size > FAKEFS_MAX)
		return -ENOSPC;
	if (size < vfs_inode_size(inode))
		memset(FI(inode)->data + size, 0, vfs_inode_size(inode) - size);
	vfs_inode_set_size(inode, size);
	return 0;
}

static long ff_read(struct vfs_file *f, struct vfs_iter *it, uint64_t *pos)
{
	uint64_t size = vfs_inode_size(f->inode);
	size_t n = *pos >= size ? 0 : (size_t)(size - *pos);
	int rc;

	n = n < it->len ? n : it->len;
	if (n && (rc = it->copy(it, 0, FI(f->inode)->data + *pos, n, true)) < 0)
		return rc;
	*pos += n;
	return (long)n;
}

static long ff_write(struct vfs_file *f, struct vfs_iter *it, uint64_t *pos,
                     const struct vfs_cred *cr, bool *xfsz)
{
	long n;
	int rc;

	vfs_inode_lock(f->inode);
	if ((n = vfs_write_checks(f, pos, it->len, cr, xfsz)) > 0) {
		if (*pos + (uint64_t)n > FAKEFS_MAX)
			n = *pos >= FAKEFS_MAX ? -ENOSPC : (long)(FAKEFS_MAX - *pos);
		if (n > 0 &&
		    (rc = it->copy(it, 0, FI(f->inode)->data + *pos, (size_t)n, false)) < 0)
			n = rc;
		if (n > 0) {
			*pos += (uint64_t)n;
			if (*pos > vfs_inode_size(f->inode))
				vfs_inode_set_size(f->inode, *pos);
		}
	}
	vfs_inode_unlock(f->inode);
	return n;
}

static void ff_destroy(struct vfs_inode *inode)
{
	struct ff_inode *i = FI(inode);

	while (i->ents) {
		struct ff_ent *e = i->ents;

		i->ents = e->next;
		vfs_inode_put(&e->inode->v);
		free(e);
	}
	free(i->target);
	vfs_inode_fini(inode);
	free(i);
	fakefs.inodes--;
}

static int ff_statfs(struct vfs_sb *sb, struct vfs_statfs *out)
{
	(void)sb;
	out->bsize = 4096;
	out->namelen = 255;
	return 0;
}

static void ff_put_super(struct vfs_sb *sb)
{
	(void)sb;
}

static const struct vfs_inode_ops ff_dir_ops = {
    .lookup = ff_lookup,
    .create = ff_create,
    .link = ff_link,
    .unlink = ff_unlink,
    .rename = ff_rename,
    .readdir = ff_readdir,
};
static int ff_permission(struct vfs_inode *inode, unsigned mask, const struct vfs_cred *cr)
{
	(void)inode;
	(void)cr;
	fakefs.guard_calls++;
	fakefs.guard_mask = mask;
	return fakefs.guard_rc;
}

static void ff_show_options(struct vfs_sb *sb, vfs_sink_t sink, void *ctx)
{
	(void)sb;
	sink(ctx, ",fake", 5);
}

static const struct vfs_inode_ops ff_file_ops = {.setsize = ff_setsize};
static bool ff_revalidate(struct vfs_inode *inode)
{
	(void)inode;
	return !fakefs.stale;
}

static const struct vfs_inode_ops ff_guarded_ops = {
    .setsize = ff_setsize, .permission = ff_permission, .revalidate = ff_revalidate};
static const struct vfs_inode_ops ff_link_ops = {.readlink = ff_readlink};
static const struct vfs_file_ops ff_file_fops = {
    .read = ff_read,
    .write = ff_write,
    .llseek = vfs_generic_llseek,
};
static const struct vfs_file_ops ff_dir_fops = {.llseek = vfs_generic_llseek};
static const struct vfs_sb_ops ff_sb_ops = {
    .destroy_inode = ff_destroy,
    .statfs = ff_statfs,
    .put_super = ff_put_super,
    .show_options = ff_show_options,
};

static int ff_fill_super(struct vfs_sb *sb, const char *options)
{
	struct ff_inode *root;

	if (options && strcmp(options, "bad") == 0)
		return -EINVAL;
	if (!(root = ff_new(sb, VFS_S_IFDIR | 0755)))
		return -ENOMEM;
	root->parent = root;
	sb->ops = &ff_sb_ops;
	sb->root = &root->v;
	sb->magic = FAKEFS_MAGIC;
	return 0;
}

static struct vfs_fstype ff_type = {.name = "fakefs", .fill_super = ff_fill_super};

void fakefs_register(void)
{
	vfs_register_fs(&ff_type);
}
