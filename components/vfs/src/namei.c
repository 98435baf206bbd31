/*
 * Path walking, after fs/namei.c (link_path_walk, walk_component,
 * follow_dotdot, pick_link, lookup_last): every component but the last is
 * walked here, with search permission checked on each directory before
 * its component is looked up; the last one is left to the caller (lookup,
 * open, create, remove), which resolves it its own way.
 *
 * Symbolic links met in the middle of a path are walked where they are:
 * the rest of the current string is pushed on a stack and the link's body
 * walked; a body's last component pops the stack. At most
 * VFS_MAXSYMLINKS links are followed in one call (-ELOOP), nested or not.
 */
#include <klib/errno.h>
#include <klib/string.h>
#include <page-alloc/page_alloc.h>
#include "vfs_internal.h"

struct nd {
	struct vfs_path root, cur; /* references */
	const struct vfs_cred *cr;
	unsigned total; /* links followed */
	unsigned depth;
	char *body[VFS_MAXSYMLINKS];
	const char *rest[VFS_MAXSYMLINKS];
	/* The last component, once walk() returns. */
	char last[VFS_NAME_MAX + 1];
	enum vfs_last last_type;
	bool trailing_slash;
};

void vfs_path_get(const struct vfs_path *p)
{
	vfs_dentry_get(p->dentry);
}

void vfs_path_put(struct vfs_path *p)
{
	if (p->dentry)
		vfs_dentry_put(p->dentry);
	p->dentry = NULL;
	p->mnt = NULL;
}

static void set_path(struct vfs_path *dst, const struct vfs_path *src)
{
	vfs_path_get(src);
	vfs_path_put(dst);
	*dst = *src;
}

static bool is_dir(const struct vfs_path *p)
{
	return VFS_S_ISDIR(vfs_mode(p->dentry->inode));
}

static struct nd *nd_new(struct vfs_fs *fs, const struct vfs_path *start, const char *path,
                         const struct vfs_cred *cr)
{
	struct nd *nd = kzalloc(sizeof(*nd));

	if (!nd)
		return NULL;
	nd->cr = cr;
	vfs_fs_root(fs, &nd->root);
	if (path[0] == '/')
		set_path(&nd->cur, &nd->root);
	else if (start)
		set_path(&nd->cur, start);
	else
		vfs_fs_cwd(fs, &nd->cur);
	return nd;
}

static void nd_free(struct nd *nd)
{
	while (nd->depth)
		kfree(nd->body[--nd->depth]);
	vfs_path_put(&nd->root);
	vfs_path_put(&nd->cur);
	kfree(nd);
}

/* Onto whatever is mounted on p, and on that, as long as there is something. */
void vfs_follow_mounts(struct vfs_path *p)
{
	for (;;) {
		struct vfs_mount *m;
		struct vfs_dentry *old = p->dentry;

		vfs_tree_lock();
		m = vfs_mount_on(p->mnt, p->dentry);
		if (m) {
			vfs_dentry_get(m->root);
			p->mnt = m;
			p->dentry = m->root;
		}
		vfs_tree_unlock();
		if (!m)
			return;
		vfs_dentry_put(old);
	}
}

/* '..': never above the walk's root; from a mount's root to its mount point first. */
static void follow_dotdot(struct nd *nd)
{
	struct vfs_dentry *old = nd->cur.dentry, *parent;

	vfs_tree_lock();
	for (;;) {
		if (nd->cur.mnt == nd->root.mnt && nd->cur.dentry == nd->root.dentry) {
			vfs_tree_unlock();
			return;
		}
		if (nd->cur.dentry != nd->cur.mnt->root || !nd->cur.mnt->parent)
			break;
		nd->cur.dentry = nd->cur.mnt->mountpoint;
		nd->cur.mnt = nd->cur.mnt->parent;
	}
	parent = nd->cur.dentry->parent ? nd->cur.dentry->parent : nd->cur.dentry;
	vfs_dentry_get(parent);
	nd->cur.dentry = parent;
	vfs_tree_unlock();
	vfs_dentry_put(old);
	vfs_follow_mounts(&nd->cur);
}

/* A link's target, in a new buffer. */
int vfs_read_link(struct vfs_inode *inode, char **out)
{
	uint64_t size = vfs_inode_size(inode);
	char *buf;
	long n;

	if (!inode->ops || !inode->ops->readlink)
		return -EINVAL;
	/* A size of 0: a target made when read (procfs's links), of any length. */
	if (size == 0 || size >= VFS_PATH_MAX)
		size = VFS_PATH_MAX - 1;
	if (!(buf = kmalloc(size + 1)))
		return -ENOMEM;
	if ((n = inode->ops->readlink(inode, buf, size)) < 0) {
		kfree(buf);
		return (int)n;
	}
	buf[n] = '\0';
	*out = buf;
	return 0;
}

/*
 * Enter component 'name' of nd->cur. A symbolic link to follow leaves cur
 * where it is and returns its body in *link; anything else becomes cur.
 */
static int step(struct nd *nd, const char *name, enum vfs_last type, bool follow, char **link)
{
	struct vfs_path next;
	int rc;

	*link = NULL;
	if (type == VFS_LAST_DOT || type == VFS_LAST_ROOT)
		return 0;
	if (type == VFS_LAST_DOTDOT) {
		follow_dotdot(nd);
		return 0;
	}
	if ((rc = vfs_dentry_lookup(nd->cur.dentry, name, &next.dentry)) < 0)
		return rc;
	next.mnt = nd->cur.mnt;
	vfs_follow_mounts(&next);
	if (follow && VFS_S_ISLNK(vfs_mode(next.dentry->inode))) {
		if (nd->total++ >= VFS_MAXSYMLINKS)
			rc = -ELOOP;
		else
			rc = vfs_read_link(next.dentry->inode, link);
		vfs_path_put(&next);
		return rc;
	}
	vfs_path_put(&nd->cur);
	nd->cur = next;
	return 0;
}

static int may_lookup(struct nd *nd)
{
	return vfs_inode_permission(nd->cur.dentry->inode, VFS_MAY_EXEC, nd->cr);
}

/* Copy the component at s into nd->last; its length, or -ENAMETOOLONG. */
static long component(struct nd *nd, const char *s)
{
	size_t len = 0;

	while (s[len] && s[len] != '/')
		if (++len > VFS_NAME_MAX)
			return -ENAMETOOLONG;
	memcpy(nd->last, s, len);
	nd->last[len] = '\0';
	if (len == 1 && s[0] == '.')
		nd->last_type = VFS_LAST_DOT;
	else if (len == 2 && s[0] == '.' && s[1] == '.')
		nd->last_type = VFS_LAST_DOTDOT;
	else
		nd->last_type = VFS_LAST_NORM;
	return (long)len;
}

static const char *jump_root(struct nd *nd, const char *s)
{
	if (*s == '/')
		set_path(&nd->cur, &nd->root);
	while (*s == '/')
		s++;
	return s;
}

/* link_path_walk: every component of s but the last; that one is left in nd->last. */
static int walk(struct nd *nd, const char *s)
{
	nd->last_type = VFS_LAST_ROOT;
	nd->trailing_slash = false;
	if (!*(s = jump_root(nd, s)))
		return 0;
	for (;;) {
		char *link;
		long len;
		int rc;

		if ((rc = may_lookup(nd)) < 0)
			return rc;
		if ((len = component(nd, s)) < 0)
			return (int)len;
		s += len;
		nd->trailing_slash = *s == '/';
		while (*s == '/')
			s++;
		if (!*s) {
			if (!nd->depth)
				return 0;
			/* The last component of a link's body: the outer path goes on. */
			kfree(nd->body[--nd->depth]);
			s = nd->rest[nd->depth];
		}
		if ((rc = step(nd, nd->last, nd->last_type, true, &link)) < 0)
			return rc;
		if (link) {
			nd->rest[nd->depth] = s;
			nd->body[nd->depth++] = link;
			s = jump_root(nd, link);
			if (!*s) /* "/": a pure jump to the root */
				s = nd->rest[--nd->depth], kfree(link);
		}
		if (!is_dir(&nd->cur))
			return -ENOTDIR;
	}
}

/* lookup_last, following trailing links by walking their bodies again. */
static int walk_last(struct nd *nd, bool follow, bool *must_dir)
{
	for (;;) {
		char *link;
		int rc;

		if (nd->last_type == VFS_LAST_NORM && nd->trailing_slash) {
			follow = true;
			*must_dir = true;
		}
		if ((rc = step(nd, nd->last, nd->last_type, follow, &link)) < 0 || !link)
			return rc;
		rc = walk(nd, link);
		kfree(link);
		if (rc < 0)
			return rc;
	}
}

static int check_path(const char *path)
{
	size_t len = strnlen(path, VFS_PATH_MAX);

	if (len == 0)
		return -ENOENT;
	return len >= VFS_PATH_MAX ? -ENAMETOOLONG : 0;
}

int vfs_lookup(struct vfs_fs *fs, const struct vfs_path *dir, const char *path, unsigned flags,
               const struct vfs_cred *cr, struct vfs_path *out)
{
	bool must_dir = flags & VFS_LOOKUP_DIRECTORY;
	struct nd *nd;
	int rc;

	if ((rc = check_path(path)) < 0)
		return rc;
	if (!(nd = nd_new(fs, dir, path, cr)))
		return -ENOMEM;
	rc = walk(nd, path);
	if (rc == 0)
		rc = walk_last(nd, flags & VFS_LOOKUP_FOLLOW, &must_dir);
	if (rc == 0 && must_dir && !is_dir(&nd->cur))
		rc = -ENOTDIR;
	if (rc == 0) {
		*out = nd->cur;
		nd->cur.dentry = NULL;
	}
	nd_free(nd);
	return rc;
}

int vfs_walk_parent(struct vfs_fs *fs, const struct vfs_path *start, const char *path,
                    const struct vfs_cred *cr, struct vfs_parent *out)
{
	struct nd *nd;
	int rc;

	if ((rc = check_path(path)) < 0)
		return rc;
	if (!(nd = nd_new(fs, start, path, cr)))
		return -ENOMEM;
	rc = walk(nd, path);
	if (rc == 0) {
		out->dir = nd->cur;
		nd->cur.dentry = NULL;
		memcpy(out->name, nd->last, sizeof(out->name));
		out->type = nd->last_type;
		out->trailing_slash = nd->trailing_slash;
	}
	nd_free(nd);
	return rc;
}

int vfs_walk_last_locked(struct vfs_parent *par, struct vfs_path *out)
{
	int rc = vfs_dentry_lookup_locked(par->dir.dentry, par->name, &out->dentry);

	if (rc == 0)
		out->mnt = par->dir.mnt;
	return rc;
}

int vfs_walk_open(struct vfs_fs *fs, const struct vfs_path *start, const char *path,
                  const struct vfs_cred *cr,
                  int (*last)(struct vfs_parent *par, void *ctx, char **link), void *ctx)
{
	struct vfs_parent *par;
	struct nd *nd;
	char *link = NULL;
	int rc;

	if ((rc = check_path(path)) < 0)
		return rc;
	if (!(par = kzalloc(sizeof(*par))))
		return -ENOMEM;
	if (!(nd = nd_new(fs, start, path, cr))) {
		kfree(par);
		return -ENOMEM;
	}
	for (rc = walk(nd, path); rc == 0; rc = walk(nd, link)) {
		kfree(link);
		link = NULL;
		if (nd->last_type != VFS_LAST_NORM)
			step(nd, nd->last, nd->last_type, false,
			     &link); /* '.', '..': never a link */
		par->dir = nd->cur;  /* lent, not handed over */
		memcpy(par->name, nd->last, sizeof(par->name));
		par->type = nd->last_type;
		par->trailing_slash = nd->trailing_slash;
		if ((rc = last(par, ctx, &link)) < 0 || !link)
			break;
		if (nd->total++ >= VFS_MAXSYMLINKS) {
			rc = -ELOOP;
			break;
		}
	}
	kfree(link);
	nd_free(nd);
	kfree(par);
	return rc;
}
