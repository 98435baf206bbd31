/*
 * I/O on open files, after fs/read_write.c (vfs_read, vfs_write, ksys_*,
 * generic_file_llseek_size), fs/readdir.c (iterate_dir) and fs/ioctl.c:
 * the file's mode and operation checked, the count capped, the offset
 * taken under the file's offset lock and moved by what was done.
 */
#include <klib/errno.h>
#include <klib/string.h>
#include "vfs_internal.h"

#define MAX_RW_COUNT 0x7ffff000ul /* INT_MAX rounded down to a page */

static int kernel_copy(struct vfs_iter *it, size_t off, void *k, size_t n, bool to_buf)
{
	char *buf = it->ctx;

	if (to_buf)
		memcpy(buf + off, k, n);
	else
		memcpy(k, buf + off, n);
	return 0;
}

void vfs_iter_kernel(struct vfs_iter *it, void *buf, size_t len)
{
	it->copy = kernel_copy;
	it->ctx = buf;
	it->len = len;
	it->bad = 0;
	it->sigpipe = false;
}

/* Reads and writes of files without a stream of their own share one offset, moved whole. */
static bool atomic_pos(const struct vfs_file *f)
{
	uint32_t mode = vfs_mode(f->inode);

	return VFS_S_ISREG(mode) || VFS_S_ISDIR(mode);
}

static void pos_lock(struct vfs_file *f)
{
	if (atomic_pos(f))
		vfs_lock(f->pos_lock);
}

static void pos_unlock(struct vfs_file *f)
{
	if (atomic_pos(f))
		vfs_unlock(f->pos_lock);
}

static long read_checks(struct vfs_file *f, struct vfs_iter *it)
{
	if (!(f->mode & VFS_FMODE_READ))
		return -EBADF;
	if (VFS_S_ISDIR(vfs_mode(f->inode)))
		return -EISDIR;
	if (!f->ops || !f->ops->read)
		return -EINVAL;
	if (it->bad)
		return it->bad;
	if (it->len > MAX_RW_COUNT)
		it->len = MAX_RW_COUNT;
	return 0;
}

static long write_checks(struct vfs_file *f, struct vfs_iter *it)
{
	if (!(f->mode & VFS_FMODE_WRITE))
		return -EBADF;
	if (!f->ops || !f->ops->write)
		return -EINVAL;
	if (it->bad)
		return it->bad;
	if (it->len > MAX_RW_COUNT)
		it->len = MAX_RW_COUNT;
	return 0;
}

long vfs_read(struct vfs_file *f, struct vfs_iter *it)
{
	long rc = read_checks(f, it);
	uint64_t pos;

	if (rc < 0)
		return rc;
	pos_lock(f);
	pos = f->pos;
	rc = f->ops->read(f, it, &pos);
	if (rc >= 0)
		f->pos = pos;
	pos_unlock(f);
	return rc;
}

long vfs_write(struct vfs_file *f, struct vfs_iter *it, const struct vfs_cred *cr, bool *xfsz)
{
	long rc = write_checks(f, it);
	uint64_t pos;

	if (rc < 0)
		return rc;
	pos_lock(f);
	pos = f->pos;
	rc = f->ops->write(f, it, &pos, cr, xfsz);
	if (rc >= 0)
		f->pos = pos;
	pos_unlock(f);
	return rc;
}

long vfs_pread(struct vfs_file *f, struct vfs_iter *it, int64_t pos)
{
	uint64_t p = (uint64_t)pos;
	long rc;

	if (f->mode & VFS_FMODE_PATH)
		return -EBADF;
	if (pos < 0)
		return -EINVAL;
	if (!f->ops || f->ops->stream)
		return -ESPIPE;
	if ((rc = read_checks(f, it)) < 0)
		return rc;
	return f->ops->read(f, it, &p);
}

long vfs_pwrite(struct vfs_file *f, struct vfs_iter *it, int64_t pos, const struct vfs_cred *cr,
                bool *xfsz)
{
	uint64_t p = (uint64_t)pos;
	long rc;

	if (f->mode & VFS_FMODE_PATH)
		return -EBADF;
	if (pos < 0)
		return -EINVAL;
	if (!f->ops || f->ops->stream)
		return -ESPIPE;
	if ((rc = write_checks(f, it)) < 0)
		return rc;
	/* Linux (unlike POSIX) writes O_APPEND files at their end even here. */
	return f->ops->write(f, it, &p, cr, xfsz);
}

/* vfs_setpos */
static int64_t setpos(struct vfs_file *f, int64_t off, int64_t max)
{
	if (off < 0 || off > max)
		return -EINVAL;
	f->pos = (uint64_t)off;
	return off;
}

/* generic_file_llseek_size over the inode's size; the offset lock is held. */
int64_t vfs_generic_llseek(struct vfs_file *f, int64_t off, int whence)
{
	int64_t eof = (int64_t)vfs_inode_size(f->inode), max = (int64_t)VFS_MAX_FILESIZE;

	switch (whence) {
	case VFS_SEEK_SET:
		break;
	case VFS_SEEK_END:
		if (__builtin_add_overflow(off, eof, &off))
			return -EINVAL;
		break;
	case VFS_SEEK_CUR:
		if (off == 0)
			return (int64_t)f->pos;
		if (__builtin_add_overflow(off, (int64_t)f->pos, &off))
			return -EINVAL;
		break;
	case VFS_SEEK_DATA:
		if (off < 0 || off >= eof)
			return -ENXIO;
		break;
	case VFS_SEEK_HOLE:
		if (off < 0 || off >= eof)
			return -ENXIO;
		off = eof;
		break;
	default:
		return -EINVAL;
	}
	return setpos(f, off, max);
}

int64_t vfs_lseek(struct vfs_file *f, int64_t off, int whence)
{
	int64_t rc;

	if (f->mode & VFS_FMODE_PATH)
		return -EBADF;
	if (whence < VFS_SEEK_SET || whence > VFS_SEEK_HOLE)
		return -EINVAL;
	if (!f->ops || !f->ops->llseek)
		return -ESPIPE;
	pos_lock(f);
	rc = f->ops->llseek(f, off, whence);
	pos_unlock(f);
	return rc;
}

long vfs_getdents(struct vfs_file *f, vfs_filldir_t emit, void *ctx)
{
	struct vfs_inode *inode = f->inode;
	long rc;

	if (f->mode & VFS_FMODE_PATH)
		return -EBADF;
	if (!VFS_S_ISDIR(vfs_mode(inode)) || !inode->ops || !inode->ops->readdir)
		return -ENOTDIR;
	pos_lock(f);
	vfs_inode_lock(inode);
	if (inode->nlink == 0) {
		rc = -ENOENT; /* removed */
	} else {
		rc = inode->ops->readdir(inode, &f->pos, emit, ctx);
		vfs_file_accessed(f);
	}
	vfs_inode_unlock(inode);
	pos_unlock(f);
	return rc;
}

int vfs_fsync(struct vfs_file *f)
{
	if (f->mode & VFS_FMODE_PATH)
		return -EBADF;
	if (!f->ops || !f->ops->fsync)
		return -EINVAL;
	return f->ops->fsync(f);
}

long vfs_ioctl(struct vfs_file *f, unsigned cmd, void *arg)
{
	if (f->mode & VFS_FMODE_PATH)
		return -EBADF;
	if (!f->ops || !f->ops->ioctl)
		return -ENOTTY;
	return f->ops->ioctl(f, cmd, arg);
}
