/*
 * Dentries: names in use. There is no cache: a dentry exists while it is
 * referenced and is freed with its last reference, so the file system is
 * asked again for a name nobody holds (for tmpfs, a search of the
 * directory's tree of names). What a dentry does give is identity: while two
 * walkers hold a name they hold the same dentry, which mounts, renames of
 * working directories and getcwd rely on.
 *
 * References are taken with atomic increments by holders of a reference (or
 * under the tree lock, by a lookup that finds a live child); the drop to
 * zero happens under the tree lock, so a lookup never sees a dentry on its
 * way out.
 */
#include <klib/errno.h>
#include <klib/string.h>
#include <page-alloc/page_alloc.h>
#include "vfs_internal.h"

static char *name_dup(const char *name, size_t len)
{
	char *s = kmalloc(len + 1);

	if (s) {
		memcpy(s, name, len);
		s[len] = '\0';
	}
	return s;
}

/* A dentry for 'inode' (whose reference it takes over; NULL: set later) named 'name' under
 * 'parent'. */
struct vfs_dentry *vfs_dentry_new(struct vfs_dentry *parent, const char *name,
                                  struct vfs_inode *inode)
{
	struct vfs_dentry *d = kzalloc(sizeof(*d));
	size_t len = strlen(name);

	if (!d)
		return NULL;
	if (!(d->name = name_dup(name, len))) {
		kfree(d);
		return NULL;
	}
	d->namelen = len;
	d->inode = inode;
	d->refs = 1;
	list_init(&d->children);
	list_init(&d->sibling);
	if (parent) {
		vfs_dentry_get(parent);
		d->parent = parent;
	}
	return d;
}

void vfs_dentry_get(struct vfs_dentry *d)
{
	__atomic_fetch_add(&d->refs, 1, __ATOMIC_RELAXED);
}

/*
 * Drop a reference; a dentry that reaches zero leaves the tree and drops its
 * parent's. Only that last drop needs the tree lock (find_child takes its
 * references under it, so it never finds a dentry on its way out); any
 * other is one atomic step, as Linux's lockref: a path walk puts a
 * reference per component, and the lock was most of what it cost.
 */
void vfs_dentry_put(struct vfs_dentry *d)
{
	while (d) {
		struct vfs_dentry *parent;
		unsigned r = __atomic_load_n(&d->refs, __ATOMIC_RELAXED);

		while (r > 1)
			if (__atomic_compare_exchange_n(&d->refs, &r, r - 1, true, __ATOMIC_RELEASE,
			                                __ATOMIC_RELAXED))
				return;
		vfs_tree_lock();
		if (__atomic_sub_fetch(&d->refs, 1, __ATOMIC_ACQ_REL) != 0) {
			vfs_tree_unlock();
			return;
		}
		if (list_linked(&d->sibling))
			list_del(&d->sibling);
		parent = d->parent;
		vfs_tree_unlock();
		if (d->inode)
			vfs_inode_put(d->inode);
		kfree(d->name);
		kfree(d);
		d = parent;
	}
}

/* A live child of dir named 'name', with a new reference. Tree lock held. */
static struct vfs_dentry *find_child(struct vfs_dentry *dir, const char *name, size_t len)
{
	for (struct list_node *n = dir->children.next; n != &dir->children; n = n->next) {
		struct vfs_dentry *c = container_of(n, struct vfs_dentry, sibling);

		if (c->namelen == len && memcmp(c->name, name, len) == 0) {
			vfs_dentry_get(c);
			return c;
		}
	}
	return NULL;
}

/* Is a live name still good? The file system may say no (revalidate); not for a mount point. */
static bool still_valid(struct vfs_dentry *d)
{
	const struct vfs_inode_ops *ops = d->inode ? d->inode->ops : NULL;

	return !ops || !ops->revalidate || __atomic_load_n(&d->mounted, __ATOMIC_RELAXED) ||
	       ops->revalidate(d->inode);
}

static struct vfs_dentry *live_child(struct vfs_dentry *dir, const char *name)
{
	struct vfs_dentry *d;

	vfs_tree_lock();
	d = find_child(dir, name, strlen(name));
	vfs_tree_unlock();
	if (d && !still_valid(d)) {
		vfs_dentry_delete(d); /* d_invalidate: holders keep a removed name */
		vfs_dentry_put(d);
		d = NULL;
	}
	return d;
}

static void insert_child(struct vfs_dentry *dir, struct vfs_dentry *d)
{
	vfs_tree_lock();
	list_add_tail(&dir->children, &d->sibling);
	vfs_tree_unlock();
}

int vfs_dentry_lookup_locked(struct vfs_dentry *dir, const char *name, struct vfs_dentry **out)
{
	struct vfs_inode *inode;
	struct vfs_dentry *d;
	int rc;

	if ((*out = live_child(dir, name)))
		return 0;
	if (!dir->inode->ops || !dir->inode->ops->lookup)
		return -ENOTDIR;
	if ((rc = dir->inode->ops->lookup(dir->inode, name, &inode)) < 0)
		return rc;
	if (!(d = vfs_dentry_new(dir, name, inode))) {
		vfs_inode_put(inode);
		return -ENOMEM;
	}
	insert_child(dir, d);
	*out = d;
	return 0;
}

int vfs_dentry_lookup(struct vfs_dentry *dir, const char *name, struct vfs_dentry **out)
{
	int rc;

	if ((*out = live_child(dir, name)))
		return 0;
	/* The directory's lock makes the file system's answer and the insertion one step. */
	vfs_inode_lock(dir->inode);
	rc = vfs_dentry_lookup_locked(dir, name, out);
	vfs_inode_unlock(dir->inode);
	return rc;
}

void vfs_dentry_instantiate(struct vfs_dentry *d, struct vfs_inode *inode)
{
	d->inode = inode;
	insert_child(d->parent, d);
}

void vfs_dentry_delete(struct vfs_dentry *d)
{
	vfs_tree_lock();
	if (!d->deleted) {
		d->deleted = true;
		list_del(&d->sibling);
	}
	vfs_tree_unlock();
}

char *vfs_dentry_name(const char *name)
{
	return name_dup(name, strlen(name));
}

void vfs_dentry_move(struct vfs_dentry *d, struct vfs_dentry *newdir, char *name)
{
	struct vfs_dentry *oldparent;
	char *oname;

	vfs_dentry_get(newdir);
	vfs_tree_lock();
	list_del(&d->sibling);
	oldparent = d->parent;
	d->parent = newdir;
	oname = d->name;
	d->name = name;
	d->namelen = strlen(name);
	list_add_tail(&newdir->children, &d->sibling);
	vfs_tree_unlock();
	kfree(oname);
	vfs_dentry_put(oldparent); /* the rename's caller holds it: never the last reference */
}

void vfs_dentry_exchange(struct vfs_dentry *a, struct vfs_dentry *b)
{
	struct vfs_dentry *pa, *pb;
	char *na, *nb;
	size_t la, lb;

	vfs_tree_lock();
	pa = a->parent;
	pb = b->parent;
	na = a->name;
	nb = b->name;
	la = a->namelen;
	lb = b->namelen;
	list_del(&a->sibling);
	list_del(&b->sibling);
	a->parent = pb;
	b->parent = pa;
	a->name = nb;
	a->namelen = lb;
	b->name = na;
	b->namelen = la;
	list_add_tail(&pb->children, &a->sibling);
	list_add_tail(&pa->children, &b->sibling);
	vfs_tree_unlock();
}

bool vfs_dentry_is_ancestor(const struct vfs_dentry *a, const struct vfs_dentry *b)
{
	for (; b; b = b->parent)
		if (a == b)
			return true;
	return false;
}
