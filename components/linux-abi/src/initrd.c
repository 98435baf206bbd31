/*
 * Unpacking an initrd into the tree, as Linux's init/initramfs.c does with
 * an initramfs: every entry of the cpio newc archive made with its mode,
 * owner and modification time (directories' times set once their contents
 * are in, since adding entries moves them); hard links (entries sharing an
 * inode number with nlink > 1) linked to the first name; a file that cannot
 * be made is reported and skipped.
 *
 * A file's whole pages that are the initrd's own frames (held by
 * page-alloc until page_alloc_release_held; mkinitrd.py page-aligns large
 * files' data) go into tmpfs as they are, without a copy.
 */
#include <klib/errno.h>
#include <klib/log.h>
#include <klib/printf.h>
#include <klib/string.h>
#include <linux-abi/linux_abi.h>
#include <page-alloc/page_alloc.h>
#include <process/cpio.h>
#include "abi_internal.h"

#define S_IALLUGO 07777

struct unpack {
	struct vfs_fs *fs;
	char *path; /* VFS_PATH_MAX bytes */
	struct hardlink {
		uint32_t ino;
		char *path;
	} * links;
	size_t nlinks, cap;
};

static const struct vfs_cred root = {.caps = ~0u, .fsize_limit = VFS_NO_LIMIT};

/* "/" + the entry's name without leading "/" and "./"; false if it is the root or too long. */
static bool entry_path(struct unpack *u, const char *name)
{
	while (name[0] == '/' || (name[0] == '.' && name[1] == '/'))
		name += name[0] == '/' ? 1 : 2;
	if (!*name || strcmp(name, ".") == 0)
		return false;
	return (size_t)ksnprintf(u->path, VFS_PATH_MAX, "/%s", name) < VFS_PATH_MAX;
}

static int write_all(struct vfs_file *f, const void *data, size_t size)
{
	struct vfs_iter it;
	long n;

	vfs_iter_kernel_frames(&it, data, size); /* tmpfs keeps the initrd's whole pages */
	n = size ? vfs_write(f, &it, &root, NULL) : 0;
	return n < 0 ? (int)n : (size_t)n == size ? 0 : -ENOSPC;
}

/* A second name of a file seen before, or 0 with the first name remembered. */
static int hard_link(struct unpack *u, const struct cpio_entry *e, bool *linked)
{
	*linked = false;
	if (e->nlink < 2)
		return 0;
	for (size_t i = 0; i < u->nlinks; i++)
		if (u->links[i].ino == e->ino) {
			*linked = true;
			return vfs_link(u->fs, NULL, u->links[i].path, NULL, u->path, false, &root);
		}
	if (u->nlinks == u->cap) {
		size_t cap = u->cap ? u->cap * 2 : 8;
		struct hardlink *n = kcalloc(cap, sizeof(*n));

		if (!n)
			return -ENOMEM;
		if (u->links)
			memcpy(n, u->links, u->nlinks * sizeof(*n));
		kfree(u->links);
		u->links = n;
		u->cap = cap;
	}
	if (!(u->links[u->nlinks].path = kmalloc(strlen(u->path) + 1)))
		return -ENOMEM;
	memcpy(u->links[u->nlinks].path, u->path, strlen(u->path) + 1);
	u->links[u->nlinks++].ino = e->ino;
	return 0;
}

static int make_file(struct unpack *u, const struct cpio_entry *e)
{
	struct vfs_file *f;
	bool linked;
	int rc = hard_link(u, e, &linked);

	if (rc < 0 || (linked && !e->size))
		return rc;
	rc = vfs_open(u->fs, NULL, u->path, VFS_O_CREAT | VFS_O_WRONLY | VFS_O_TRUNC,
	              e->mode & S_IALLUGO, &root, &f);
	if (rc < 0)
		return rc;
	rc = write_all(f, e->data, e->size);
	vfs_file_put(f);
	if (rc < 0) /* no half-written program left to run: a clear ENOENT, not ENOEXEC */
		vfs_unlink(u->fs, NULL, u->path, &root);
	return rc;
}

static int make_symlink(struct unpack *u, const struct cpio_entry *e)
{
	char *target;
	int rc;

	if (e->size >= VFS_PATH_MAX)
		return -ENAMETOOLONG;
	if (!(target = kmalloc(e->size + 1)))
		return -ENOMEM;
	memcpy(target, e->data, e->size);
	target[e->size] = '\0';
	rc = vfs_symlink(u->fs, target, NULL, u->path, &root);
	kfree(target);
	return rc;
}

/* The entry's owner, mode and mtime (a link's mode is always 0777). */
static int set_attrs(struct unpack *u, const struct cpio_entry *e, bool times)
{
	struct vfs_timespec t[2] = {{e->mtime, 0}, {e->mtime, 0}};
	struct vfs_path p;
	int rc;

	if ((rc = vfs_lookup(u->fs, NULL, u->path, 0, &root, &p)) < 0)
		return rc;
	if (!times) {
		rc = vfs_chown(&p, e->uid, e->gid, &root);
		if (rc == 0 && (e->mode & CPIO_S_IFMT) != CPIO_S_IFLNK)
			rc = vfs_chmod(&p, e->mode & S_IALLUGO, &root);
	}
	if (rc == 0 && (times || (e->mode & CPIO_S_IFMT) != CPIO_S_IFDIR))
		rc = vfs_utimes(&p, t, &root);
	vfs_path_put(&p);
	return rc;
}

static int make(struct unpack *u, const struct cpio_entry *e)
{
	uint32_t type = e->mode & CPIO_S_IFMT;
	int rc;

	switch (type) {
	case CPIO_S_IFDIR:
		rc = vfs_mkdir(u->fs, NULL, u->path, e->mode & S_IALLUGO, &root);
		if (rc == -EEXIST)
			rc = 0; /* a directory made earlier (the mounts, a parent): its attributes
			           follow */
		break;
	case CPIO_S_IFREG:
		rc = make_file(u, e);
		break;
	case CPIO_S_IFLNK:
		rc = make_symlink(u, e);
		break;
	case CPIO_S_IFCHR:
	case CPIO_S_IFBLK:
	case CPIO_S_IFIFO:
	case CPIO_S_IFSOCK:
		rc = vfs_mknod(u->fs, NULL, u->path, e->mode & (CPIO_S_IFMT | S_IALLUGO),
		               VFS_MKDEV(e->rdev_major, e->rdev_minor), &root);
		break;
	default:
		rc = -EINVAL;
	}
	return rc < 0 ? rc : set_attrs(u, e, false);
}

/* One pass over the archive: make every entry, or (dirs_only) set the directories' times. */
static int pass(struct unpack *u, const void *archive, size_t size, bool dirs_only)
{
	struct cpio_iter it;
	struct cpio_entry e;
	int rc;

	cpio_iter_init(&it, archive, size);
	while ((rc = cpio_next(&it, &e)) > 0) {
		bool dir = (e.mode & CPIO_S_IFMT) == CPIO_S_IFDIR;
		int err;

		if (!entry_path(u, e.name) || (dirs_only && !dir))
			continue;
		err = dirs_only ? set_attrs(u, &e, true) : make(u, &e);
		if (err < 0)
			klog_warn("linux-abi", "initrd: %s: %s", u->path, kstrerror(err));
	}
	if (rc < 0)
		klog_err("linux-abi", "initrd: the archive is corrupt: %s", it.why ? it.why : "?");
	return rc;
}

int linux_abi_load_initrd(const void *archive, size_t size)
{
	struct unpack u = {0};
	int rc = -ENOMEM;

	u.path = kmalloc(VFS_PATH_MAX);
	u.fs = vfs_fs_new();
	if (u.path && u.fs) {
		vfs_fs_umask(u.fs, 0);
		rc = pass(&u, archive, size, false);
		if (rc == 0)
			rc = pass(&u, archive, size, true);
	}
	for (size_t i = 0; i < u.nlinks; i++)
		kfree(u.links[i].path);
	kfree(u.links);
	if (u.fs)
		vfs_fs_put(u.fs);
	kfree(u.path);
	return rc;
}
