/*
 * fs structs (Linux's fs_struct): root, working directory and umask of a
 * process, shared by CLONE_FS; chdir and getcwd (fs/d_path.c).
 */
#include <klib/errno.h>
#include <klib/string.h>
#include <page-alloc/page_alloc.h>
#include "vfs_internal.h"

#define UNREACHABLE "(unreachable)"

static struct vfs_fs *fs_alloc(void)
{
	struct vfs_fs *fs = kzalloc(sizeof(*fs));

	if (fs && !(fs->lock = vfs_lock_new("vfs_fs"))) {
		kfree(fs);
		return NULL;
	}
	if (fs)
		fs->refs = 1;
	return fs;
}

struct vfs_fs *vfs_fs_new(void)
{
	struct vfs_fs *fs;

	if (!vfs_g.root || !(fs = fs_alloc()))
		return NULL;
	fs->root.mnt = fs->cwd.mnt = vfs_g.root;
	fs->root.dentry = fs->cwd.dentry = vfs_g.root->root;
	vfs_path_get(&fs->root);
	vfs_path_get(&fs->cwd);
	fs->umask = 022;
	return fs;
}

struct vfs_fs *vfs_fs_copy(struct vfs_fs *fs)
{
	struct vfs_fs *c = fs_alloc();

	if (!c)
		return NULL;
	vfs_lock(fs->lock);
	c->root = fs->root;
	c->cwd = fs->cwd;
	vfs_path_get(&c->root);
	vfs_path_get(&c->cwd);
	c->umask = fs->umask;
	vfs_unlock(fs->lock);
	return c;
}

struct vfs_fs *vfs_fs_share(struct vfs_fs *fs)
{
	__atomic_fetch_add(&fs->refs, 1, __ATOMIC_RELAXED);
	return fs;
}

void vfs_fs_put(struct vfs_fs *fs)
{
	if (__atomic_sub_fetch(&fs->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	vfs_path_put(&fs->root);
	vfs_path_put(&fs->cwd);
	vfs_lock_free(fs->lock);
	kfree(fs);
}

static void get_path(struct vfs_fs *fs, const struct vfs_path *which, struct vfs_path *out)
{
	vfs_lock(fs->lock);
	*out = *which;
	vfs_path_get(out);
	vfs_unlock(fs->lock);
}

void vfs_fs_cwd(struct vfs_fs *fs, struct vfs_path *out)
{
	get_path(fs, &fs->cwd, out);
}

void vfs_fs_root(struct vfs_fs *fs, struct vfs_path *out)
{
	get_path(fs, &fs->root, out);
}

uint32_t vfs_fs_umask(struct vfs_fs *fs, uint32_t mask)
{
	uint32_t old;

	vfs_lock(fs->lock);
	old = fs->umask;
	fs->umask = mask & 0777;
	vfs_unlock(fs->lock);
	return old;
}

uint32_t vfs_fs_get_umask(struct vfs_fs *fs)
{
	return __atomic_load_n(&fs->umask, __ATOMIC_RELAXED);
}

int vfs_chdir_path(struct vfs_fs *fs, const struct vfs_path *p, const struct vfs_cred *cr)
{
	struct vfs_path old;
	int rc;

	if (!VFS_S_ISDIR(vfs_mode(p->dentry->inode)))
		return -ENOTDIR;
	if ((rc = vfs_inode_permission(p->dentry->inode, VFS_MAY_EXEC, cr)) < 0)
		return rc;
	vfs_path_get(p);
	vfs_lock(fs->lock);
	old = fs->cwd;
	fs->cwd = *p;
	vfs_unlock(fs->lock);
	vfs_path_put(&old);
	return 0;
}

int vfs_chdir(struct vfs_fs *fs, const char *path, const struct vfs_cred *cr)
{
	struct vfs_path p;
	int rc = vfs_lookup(fs, NULL, path, VFS_LOOKUP_FOLLOW | VFS_LOOKUP_DIRECTORY, cr, &p);

	if (rc < 0)
		return rc;
	rc = vfs_chdir_path(fs, &p, cr);
	vfs_path_put(&p);
	return rc;
}

/* Put s (len bytes) in front of *end, which moves back; false if it does not fit. */
static bool prepend(char *buf, char **end, const char *s, size_t len)
{
	if ((size_t)(*end - buf) < len)
		return false;
	*end -= len;
	memcpy(*end, s, len);
	return true;
}

/*
 * prepend_path: from p up to root, names joined by '/', into the end of
 * buf (VFS_PATH_MAX bytes). Tree lock held. The start, or NULL if too long.
 */
char *vfs_prepend_path(const struct vfs_path *p, const struct vfs_path *root, char *buf)
{
	struct vfs_mount *mnt = p->mnt;
	struct vfs_dentry *d = p->dentry;
	char *end = buf + VFS_PATH_MAX;
	bool reached = false;

	prepend(buf, &end, "", 1);
	for (;;) {
		if (mnt == root->mnt && d == root->dentry) {
			reached = true;
			break;
		}
		if (d == mnt->root) {
			if (!mnt->parent)
				break; /* the top of the tree without meeting root */
			d = mnt->mountpoint;
			mnt = mnt->parent;
			continue;
		}
		if (!prepend(buf, &end, d->name, d->namelen) || !prepend(buf, &end, "/", 1))
			return NULL;
		d = d->parent;
	}
	if (end == buf + VFS_PATH_MAX - 1 && !prepend(buf, &end, "/", 1))
		return NULL;
	if (!reached && !prepend(buf, &end, UNREACHABLE, sizeof(UNREACHABLE) - 1))
		return NULL;
	return end;
}

long vfs_getcwd(struct vfs_fs *fs, char *out, size_t size)
{
	struct vfs_path root, cwd;
	char *buf = kmalloc(VFS_PATH_MAX), *s;
	long rc;

	if (!buf)
		return -ENOMEM;
	vfs_lock(fs->lock);
	root = fs->root;
	cwd = fs->cwd;
	vfs_path_get(&root);
	vfs_path_get(&cwd);
	vfs_unlock(fs->lock);
	vfs_tree_lock();
	if (cwd.dentry->deleted)
		rc = -ENOENT;
	else if (!(s = vfs_prepend_path(&cwd, &root, buf)))
		rc = -ENAMETOOLONG;
	else
		rc = (long)(buf + VFS_PATH_MAX - s);
	vfs_tree_unlock();
	if (rc > 0 && (size_t)rc > size)
		rc = -ERANGE;
	else if (rc > 0)
		memcpy(out, s, (size_t)rc);
	vfs_path_put(&root);
	vfs_path_put(&cwd);
	kfree(buf);
	return rc;
}
