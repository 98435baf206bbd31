/*
 * Opening files, after fs/open.c (build_open_flags) and fs/namei.c
 * (open_last_lookups, lookup_open, do_open, may_open): the flags checked
 * and normalised, the walk, the last component looked up or created under
 * its directory's lock, then Linux's checks in Linux's order, the file
 * object, and O_TRUNC. Also the file objects themselves and the registry
 * of character devices.
 */
#include <klib/errno.h>
#include <klib/string.h>
#include <page-alloc/page_alloc.h>
#include "vfs_internal.h"

#define O_TMPFILE_BIT 020000000 /* __O_TMPFILE */
#define O_PATH_FLAGS  (VFS_O_DIRECTORY | VFS_O_NOFOLLOW | VFS_O_PATH)

struct open_ctx {
	unsigned flags; /* as the file will keep them */
	unsigned acc;   /* VFS_MAY_* the open needs */
	uint32_t mode;  /* of a created file: type and permissions, umask applied */
	bool follow;    /* follow a trailing link */
	const struct vfs_cred *cr;
	struct vfs_file *file;
};

/* ---- File objects ---- */

struct vfs_file *vfs_file_alloc(struct vfs_inode *inode, unsigned flags)
{
	struct vfs_file *f = kzalloc(sizeof(*f));

	if (!f)
		return NULL;
	if (!(f->pos_lock = vfs_lock_new("vfs_file"))) {
		kfree(f);
		return NULL;
	}
	f->inode = inode;
	f->flags = flags & ~(VFS_O_CREAT | VFS_O_EXCL | VFS_O_NOCTTY | VFS_O_TRUNC);
	f->refs = 1;
	/* OPEN_FMODE: 0 read, 1 write, 2 both, 3 neither (ioctl only) */
	f->mode = (flags & VFS_O_PATH) ? VFS_FMODE_PATH : ((flags + 1) & VFS_O_ACCMODE);
	return f;
}

int vfs_file_new(const struct vfs_path *p, unsigned flags, struct vfs_file **out)
{
	struct vfs_inode *inode = p->dentry->inode;
	uint32_t type = vfs_mode(inode) & VFS_S_IFMT;
	struct vfs_file *f = vfs_file_alloc(inode, flags);
	int rc = 0;

	if (!f)
		return -ENOMEM;
	if (!(flags & VFS_O_PATH)) {
		if (type == VFS_S_IFCHR)
			rc = vfs_chrdev_ops(inode->rdev, &f->ops);
		else if (type == VFS_S_IFIFO)
			f->ops = &vfs_fifo_fops;
		else if (type == VFS_S_IFBLK || type == VFS_S_IFSOCK)
			rc = -ENXIO; /* no block devices, no sockets */
		else
			f->ops = inode->fops;
	}
	/* do_dentry_open: O_DIRECT only where the file can do it. */
	if (rc == 0 && !(flags & VFS_O_PATH) && (flags & VFS_O_DIRECT) &&
	    !(f->ops && f->ops->direct))
		rc = -EINVAL;
	if (rc == 0 && f->ops && f->ops->open)
		rc = f->ops->open(inode, f);
	if (rc < 0) {
		vfs_lock_free(f->pos_lock);
		kfree(f);
		return rc;
	}
	f->path = *p;
	vfs_path_get(p);
	*out = f;
	return 0;
}

void vfs_file_get(struct vfs_file *f)
{
	__atomic_fetch_add(&f->refs, 1, __ATOMIC_RELAXED);
}

void vfs_file_put(struct vfs_file *f)
{
	if (__atomic_sub_fetch(&f->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	if (f->ops && f->ops->release)
		f->ops->release(f);
	vfs_path_put(&f->path);
	vfs_lock_free(f->pos_lock);
	kfree(f);
}

struct vfs_inode *vfs_file_inode(const struct vfs_file *f)
{
	return f->inode;
}

const struct vfs_path *vfs_file_path(const struct vfs_file *f)
{
	return &f->path;
}

unsigned vfs_file_flags(const struct vfs_file *f)
{
	return __atomic_load_n(&f->flags, __ATOMIC_RELAXED);
}

bool vfs_file_readable(const struct vfs_file *f)
{
	return f->mode & VFS_FMODE_READ;
}

bool vfs_file_writable(const struct vfs_file *f)
{
	return f->mode & VFS_FMODE_WRITE;
}

bool vfs_file_is_tty(const struct vfs_file *f)
{
	return f->ops && f->ops->tty;
}

/* fcntl's setfl: O_NOATIME only for the owner, O_DIRECT where it works; the rest simply change. */
int vfs_file_set_flags(struct vfs_file *f, unsigned flags, const struct vfs_cred *cr)
{
	const unsigned setfl =
	    VFS_O_APPEND | VFS_O_NONBLOCK | VFS_O_NOATIME | VFS_O_ASYNC | VFS_O_DIRECT;
	unsigned old, next;

	if ((flags & VFS_O_NOATIME) && !(f->flags & VFS_O_NOATIME) && !vfs_is_owner(f->inode, cr) &&
	    !(cr->caps & VFS_CAP_FOWNER))
		return -EPERM;
	if ((flags & VFS_O_DIRECT) && (vfs_mode(f->inode) & VFS_S_IFMT) != VFS_S_IFIFO &&
	    !(f->ops && f->ops->direct))
		return -EINVAL;
	old = __atomic_load_n(&f->flags, __ATOMIC_RELAXED);
	do
		next = (old & ~setfl) | (flags & setfl);
	while (!__atomic_compare_exchange_n(&f->flags, &old, next, false, __ATOMIC_RELAXED,
	                                    __ATOMIC_RELAXED));
	return 0;
}

/* ---- Character devices ---- */

struct chrdev {
	uint32_t major, minor, count;
	const struct vfs_file_ops *fops;
	struct chrdev *next;
};

static struct chrdev *chrdevs; /* guarded by the tree lock */

int vfs_chrdev_register(uint32_t major, uint32_t minor, uint32_t count,
                        const struct vfs_file_ops *fops)
{
	struct chrdev *c = kzalloc(sizeof(*c)), *o;
	int rc = 0;

	if (!c)
		return -ENOMEM;
	*c = (struct chrdev){major, minor, count, fops, NULL};
	vfs_tree_lock();
	for (o = chrdevs; o; o = o->next)
		if (o->major == major && minor < o->minor + o->count && o->minor < minor + count)
			rc = -EBUSY;
	if (rc == 0) {
		c->next = chrdevs;
		chrdevs = c;
	}
	vfs_tree_unlock();
	if (rc < 0)
		kfree(c);
	return rc;
}

int vfs_chrdev_ops(uint64_t rdev, const struct vfs_file_ops **out)
{
	uint32_t major = VFS_MAJOR(rdev), minor = VFS_MINOR(rdev);
	int rc = -ENXIO;

	vfs_tree_lock();
	for (struct chrdev *c = chrdevs; c; c = c->next)
		if (c->major == major && minor >= c->minor && minor - c->minor < c->count) {
			*out = c->fops;
			rc = 0;
			break;
		}
	vfs_tree_unlock();
	return rc;
}

void vfs_chrdevs_free(void)
{
	while (chrdevs) {
		struct chrdev *c = chrdevs;

		chrdevs = c->next;
		kfree(c);
	}
}

/* ---- open ---- */

/* may_open: what the file's type allows, then permission. */
static int may_open(const struct vfs_path *p, unsigned acc, unsigned flags,
                    const struct vfs_cred *cr)
{
	struct vfs_inode *inode = p->dentry->inode;
	int rc;

	switch (vfs_mode(inode) & VFS_S_IFMT) {
	case VFS_S_IFLNK:
		return -ELOOP;
	case VFS_S_IFDIR:
		if (acc & VFS_MAY_WRITE)
			return -EISDIR;
		if (acc & VFS_MAY_EXEC)
			return -EACCES;
		break;
	case VFS_S_IFBLK:
	case VFS_S_IFCHR:
		if (p->mnt->flags & VFS_MNT_NODEV)
			return -EACCES;
		/* fallthrough */
	case VFS_S_IFIFO:
	case VFS_S_IFSOCK:
		if (acc & VFS_MAY_EXEC)
			return -EACCES;
		break;
	case VFS_S_IFREG:
		if ((acc & VFS_MAY_EXEC) && (p->mnt->flags & VFS_MNT_NOEXEC))
			return -EACCES;
		break;
	}
	if ((rc = vfs_permission(p, acc, cr)) < 0)
		return rc;
	if ((flags & VFS_O_NOATIME) && !vfs_is_owner(inode, cr) && !(cr->caps & VFS_CAP_FOWNER))
		return -EPERM;
	return 0;
}

/* do_open: the checks after the walk, the file, O_TRUNC. */
static int do_open(struct open_ctx *c, struct vfs_path *p, bool created, bool must_dir)
{
	struct vfs_inode *inode = p->dentry->inode;
	uint32_t mode = vfs_mode(inode);
	unsigned flags = c->flags, acc = c->acc;
	bool trunc = false;
	int rc;

	if (flags & VFS_O_CREAT) {
		if ((flags & VFS_O_EXCL) && !created)
			return -EEXIST;
		if (VFS_S_ISDIR(mode))
			return -EISDIR;
	}
	if (must_dir && !VFS_S_ISDIR(mode))
		return -ENOTDIR;
	if (created) {
		flags &= ~VFS_O_TRUNC;
		acc = 0;
	} else if (VFS_S_ISREG(mode) && (flags & VFS_O_TRUNC)) {
		if ((rc = vfs_may_write_mnt(p->mnt)) < 0)
			return rc;
		trunc = true;
	}
	if ((rc = may_open(p, acc, flags, c->cr)) < 0)
		return rc;
	if ((rc = vfs_file_new(p, flags, &c->file)) < 0)
		return rc;
	if (trunc) {
		vfs_inode_lock(inode);
		rc = vfs_truncate_locked(inode, 0, c->cr, NULL);
		vfs_inode_unlock(inode);
		if (rc < 0) {
			vfs_file_put(c->file);
			c->file = NULL;
		}
	}
	return rc;
}

/* lookup_open with O_CREAT: the last component, made if it does not exist. */
static int open_create(struct open_ctx *c, struct vfs_parent *par, struct vfs_path *p,
                       bool *created)
{
	struct vfs_inode *dir = par->dir.dentry->inode;
	int rofs = vfs_may_write_mnt(par->dir.mnt), rc;

	vfs_inode_lock(dir);
	rc = vfs_walk_last_locked(par, p);
	if (rc == -ENOENT) {
		if (dir->nlink == 0 || dir->ops->final_lookup)
			rc = -ENOENT; /* the directory was removed, or can hold nothing new */
		else if (rofs)
			rc = rofs;
		else if ((rc = vfs_inode_permission(dir, VFS_MAY_WRITE | VFS_MAY_EXEC, c->cr)) == 0)
			rc = vfs_create_locked(&par->dir, par->name, c->mode, 0, NULL, c->cr, p);
		*created = rc == 0;
	}
	vfs_inode_unlock(dir);
	return rc;
}

static int open_last(struct vfs_parent *par, void *ctx, char **link)
{
	struct open_ctx *c = ctx;
	bool created = false, must_dir = c->flags & VFS_O_DIRECTORY, follow = c->follow;
	struct vfs_path p;
	int rc;

	if (par->type != VFS_LAST_NORM) {
		p = par->dir;
		vfs_path_get(&p);
	} else if (c->flags & VFS_O_CREAT) {
		if (par->trailing_slash)
			return -EISDIR;
		if ((rc = open_create(c, par, &p, &created)) < 0)
			return rc;
	} else {
		if ((rc = vfs_dentry_lookup(par->dir.dentry, par->name, &p.dentry)) < 0)
			return rc;
		p.mnt = par->dir.mnt;
	}
	if (!created) {
		vfs_follow_mounts(&p);
		if (par->type == VFS_LAST_NORM && par->trailing_slash)
			follow = must_dir = true;
		if (follow && VFS_S_ISLNK(vfs_mode(p.dentry->inode))) {
			rc = vfs_read_link(p.dentry->inode, link);
			vfs_path_put(&p);
			return rc;
		}
	}
	rc = do_open(c, &p, created, must_dir);
	vfs_path_put(&p);
	return rc;
}

int vfs_open_check_flags(unsigned flags)
{
	if (flags & VFS_O_PATH)
		flags &= O_PATH_FLAGS;
	if ((flags & (VFS_O_DIRECTORY | VFS_O_CREAT)) == (VFS_O_DIRECTORY | VFS_O_CREAT))
		return -EINVAL;
	if ((flags & O_TMPFILE_BIT) &&
	    (!(flags & VFS_O_DIRECTORY) || (flags & VFS_O_ACCMODE) == VFS_O_RDONLY))
		return -EINVAL;
	return 0;
}

/* build_open_flags for openat (not openat2: unknown flags were stripped by the caller). */
static int open_flags(struct open_ctx *c, unsigned flags, uint32_t mode, struct vfs_fs *fs)
{
	static const unsigned acc_mode[4] = {VFS_MAY_READ, VFS_MAY_WRITE,
	                                     VFS_MAY_READ | VFS_MAY_WRITE,
	                                     VFS_MAY_READ | VFS_MAY_WRITE};

	int rc;

	flags &= ~VFS_O_CLOEXEC;
	if (flags & VFS_O_PATH)
		flags &= O_PATH_FLAGS;
	c->acc = acc_mode[flags & VFS_O_ACCMODE];
	if ((rc = vfs_open_check_flags(flags)) < 0)
		return rc;
	if (flags & O_TMPFILE_BIT)
		return -EOPNOTSUPP; /* unnamed files: not yet */
	if (flags & VFS_O_PATH)
		c->acc = 0;
	if (flags & VFS_O_TRUNC)
		c->acc |= VFS_MAY_WRITE;
	c->mode = VFS_S_IFREG | ((mode & VFS_S_IALLUGO) & ~vfs_fs_get_umask(fs));
	c->follow = !(flags & VFS_O_NOFOLLOW) && !((flags & VFS_O_CREAT) && (flags & VFS_O_EXCL));
	/* 64-bit: every file is a large file (force_o_largefile). */
	c->flags = flags | VFS_O_LARGEFILE;
	return 0;
}

int vfs_open(struct vfs_fs *fs, const struct vfs_path *dir, const char *path, unsigned flags,
             uint32_t mode, const struct vfs_cred *cr, struct vfs_file **out)
{
	struct open_ctx c = {.cr = cr};
	struct vfs_path p;
	int rc;

	if ((rc = open_flags(&c, flags, mode, fs)) < 0)
		return rc;
	if (c.flags & VFS_O_PATH) {
		unsigned lf = (c.follow ? VFS_LOOKUP_FOLLOW : 0) |
		              (c.flags & VFS_O_DIRECTORY ? VFS_LOOKUP_DIRECTORY : 0);

		if ((rc = vfs_lookup(fs, dir, path, lf, cr, &p)) < 0)
			return rc;
		rc = vfs_file_new(&p, c.flags, out);
		vfs_path_put(&p);
		return rc;
	}
	if ((rc = vfs_walk_open(fs, dir, path, cr, open_last, &c)) < 0)
		return rc;
	*out = c.file;
	return 0;
}

int vfs_open_exec(struct vfs_fs *fs, const char *path, const struct vfs_cred *cr,
                  struct vfs_file **out)
{
	struct vfs_path p;
	int rc;

	if ((rc = vfs_lookup(fs, NULL, path, VFS_LOOKUP_FOLLOW, cr, &p)) < 0)
		return rc;
	rc = may_open(&p, VFS_MAY_EXEC, VFS_O_RDONLY, cr);
	if (rc == 0 && !VFS_S_ISREG(vfs_mode(p.dentry->inode)))
		rc = -EACCES;
	if (rc == 0)
		rc = vfs_file_new(&p, VFS_O_RDONLY | VFS_O_LARGEFILE, out);
	vfs_path_put(&p);
	return rc;
}
