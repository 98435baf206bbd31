/*
 * The memory devices (drivers/char/mem.c, random.c): null, zero, full,
 * random and urandom. None keeps state; reads and writes ignore the offset.
 */
#include <klib/compiler.h>
#include <klib/errno.h>
#include <vfs/fs.h>
#include "devfs_internal.h"

void (*devfs_random)(void *buf, size_t len);

/* null_lseek: every seek lands at 0. */
static int64_t null_llseek(struct vfs_file *f, int64_t off, int whence)
{
	(void)off, (void)whence;
	f->pos = 0;
	return 0;
}

/* noop_llseek: the offset stays where it is. */
static int64_t noop_llseek(struct vfs_file *f, int64_t off, int whence)
{
	(void)off, (void)whence;
	return (int64_t)f->pos;
}

static long null_read(struct vfs_file *f, struct vfs_iter *it, uint64_t *pos)
{
	(void)f, (void)it, (void)pos;
	return 0;
}

static long sink_write(struct vfs_file *f, struct vfs_iter *it, uint64_t *pos,
                       const struct vfs_cred *cr, bool *xfsz)
{
	(void)f, (void)pos, (void)cr, (void)xfsz;
	return (long)it->len;
}

static long full_write(struct vfs_file *f, struct vfs_iter *it, uint64_t *pos,
                       const struct vfs_cred *cr, bool *xfsz)
{
	(void)f, (void)it, (void)pos, (void)cr, (void)xfsz;
	return -ENOSPC;
}

/* Fill the reader's buffer a chunk at a time; a fault after some bytes returns those. */
static long fill(struct vfs_iter *it, bool random)
{
	static const uint8_t zeros[256];
	uint8_t chunk[256];
	size_t done = 0;

	while (done < it->len) {
		size_t n = MIN(sizeof(chunk), it->len - done);
		int rc;

		if (random)
			devfs_random(chunk, n);
		rc = it->copy(it, done, random ? chunk : (void *)zeros, n, true);
		if (rc < 0)
			return done ? (long)done : rc;
		done += n;
	}
	return (long)done;
}

static long zero_read(struct vfs_file *f, struct vfs_iter *it, uint64_t *pos)
{
	(void)f, (void)pos;
	return fill(it, false);
}

static long random_read(struct vfs_file *f, struct vfs_iter *it, uint64_t *pos)
{
	(void)f, (void)pos;
	return fill(it, true);
}

const struct vfs_file_ops devfs_null_fops = {
    .read = null_read,
    .write = sink_write,
    .llseek = null_llseek,
};

const struct vfs_file_ops devfs_zero_fops = {
    .read = zero_read,
    .write = sink_write,
    .llseek = null_llseek,
};

const struct vfs_file_ops devfs_full_fops = {
    .read = zero_read,
    .write = full_write,
    .llseek = null_llseek,
};

const struct vfs_file_ops devfs_random_fops = {
    .read = random_read,
    .write = sink_write,
    .llseek = noop_llseek,
};
