/*
 * Generated files, read as Linux's seq_file reads them (fs/seq_file.c): the
 * text is made record by record into a buffer that grows to hold the
 * largest record; a read at offset 0 starts over (fresh figures), a read
 * where the last one stopped goes on, any other offset makes the text up
 * to there again. And the raw files (cmdline, environ, oom_score_adj),
 * read at any offset and written whole.
 */
#include <klib/errno.h>
#include <klib/printf.h>
#include <klib/string.h>
#include <page-alloc/page_alloc.h>
#include "procfs_internal.h"

#define SEQ_MIN 1024
/* Linux's MAX_RW_COUNT: larger writes are cut to this. */
#define WRITE_MAX (PAGE_SIZE * 256)

static bool seq_grow(struct pfs_seq *s, size_t need)
{
	size_t size = s->size ? s->size : SEQ_MIN;
	char *buf;

	while (size < need)
		size *= 2;
	if (size == s->size)
		return true;
	if (!(buf = kmalloc(size))) {
		s->err = -ENOMEM;
		return false;
	}
	memcpy(buf, s->buf, s->count);
	kfree(s->buf);
	s->buf = buf;
	s->size = size;
	return true;
}

void pfs_write(struct pfs_seq *s, const void *p, size_t n)
{
	if (s->err || (s->count + n > s->size && !seq_grow(s, s->count + n)))
		return;
	memcpy(s->buf + s->count, p, n);
	s->count += n;
}

void pfs_puts(struct pfs_seq *s, const char *str)
{
	pfs_write(s, str, strlen(str));
}

static void seq_sink(void *ctx, const char *p, size_t n)
{
	pfs_write(ctx, p, n);
}

void pfs_printf(struct pfs_seq *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvformat(seq_sink, s, fmt, ap);
	va_end(ap);
}

/* The next record into the (emptied) buffer: false at the end or on an error. */
static bool seq_next(struct pfs_seq *s)
{
	s->count = s->from = 0;
	if (s->eof)
		return false;
	if (!s->pi->e->show(s, &s->idx)) {
		s->eof = true;
		return false;
	}
	return s->err == 0;
}

static void seq_restart(struct pfs_seq *s)
{
	s->count = s->from = 0;
	s->pos = s->idx = 0;
	s->eof = false;
	s->err = 0;
}

/* Make the text up to 'pos' and drop it (traverse). */
static int seq_skip_to(struct pfs_seq *s, uint64_t pos)
{
	seq_restart(s);
	while (s->pos < pos) {
		size_t n;

		if (s->from == s->count && !seq_next(s))
			return s->err;
		n = (size_t)MIN((uint64_t)(s->count - s->from), pos - s->pos);
		s->from += n;
		s->pos += n;
	}
	return 0;
}

static long seq_read_locked(struct pfs_seq *s, struct vfs_iter *it, uint64_t *pos)
{
	size_t done = 0;
	int rc;

	if (*pos == 0 || *pos != s->pos) {
		if ((rc = seq_skip_to(s, *pos)) < 0)
			return rc;
	}
	while (done < it->len) {
		size_t n;

		if (s->from == s->count && !seq_next(s)) {
			if (s->err && !done)
				return s->err;
			break;
		}
		n = MIN(s->count - s->from, it->len - done);
		if ((rc = it->copy(it, done, s->buf + s->from, n, true)) < 0)
			return done ? (long)done : rc;
		s->from += n;
		s->pos += n;
		done += n;
	}
	*pos = s->pos;
	return (long)done;
}

static long seq_read(struct vfs_file *f, struct vfs_iter *it, uint64_t *pos)
{
	struct pfs_seq *s = f->priv;
	long rc;

	if (it->bad)
		return it->bad;
	vfs_lock(s->lock);
	rc = seq_read_locked(s, it, pos);
	vfs_unlock(s->lock);
	return rc;
}

/* seq_lseek: SEEK_SET and SEEK_CUR, never below 0; the next read makes the text up to there. */
int64_t pfs_llseek(struct vfs_file *f, int64_t off, int whence)
{
	if (whence == VFS_SEEK_CUR)
		off += (int64_t)f->pos;
	else if (whence != VFS_SEEK_SET)
		return -EINVAL;
	if (off < 0)
		return -EINVAL;
	f->pos = (uint64_t)off;
	return off;
}

static int pfs_open_check(struct pfs_inode *pi)
{
	if (pi->e->inspect)
		return pfs_ops->may_inspect(pfs_ops->ctx, pi->pid);
	return 0;
}

static int seq_open(struct vfs_inode *inode, struct vfs_file *f)
{
	struct pfs_inode *pi = PI(inode);
	struct pfs_seq *s;
	int rc;

	if ((rc = pfs_open_check(pi)) < 0)
		return rc;
	if (!(s = kzalloc(sizeof(*s))))
		return -ENOMEM;
	if (!(s->lock = vfs_lock_new("procfs_seq"))) {
		kfree(s);
		return -ENOMEM;
	}
	s->pi = pi;
	f->priv = s;
	return 0;
}

static void seq_release(struct vfs_file *f)
{
	struct pfs_seq *s = f->priv;

	vfs_lock_free(s->lock);
	kfree(s->buf);
	kfree(s);
}

/*
 * A write of a whole small value (oom_score_adj, comm): copied into the
 * kernel, then handed over. The count of the write or -errno.
 */
static long pfs_write_op(struct vfs_file *f, struct vfs_iter *it, uint64_t *pos,
                         const struct vfs_cred *cr, bool *xfsz)
{
	struct pfs_inode *pi = PI(f->inode);
	size_t len = MIN(it->len, (size_t)WRITE_MAX);
	char *buf;
	long rc;

	(void)xfsz;
	if (!pi->e->write)
		return -EIO; /* proc_reg_write of a file without proc_write */
	if (it->bad)
		return it->bad;
	if (!(buf = kmalloc(len + 1)))
		return -ENOMEM;
	if ((rc = it->copy(it, 0, buf, len, false)) == 0) {
		buf[len] = '\0';
		rc = pi->e->write(pi, buf, len, cr);
	}
	kfree(buf);
	if (rc > 0)
		*pos += (uint64_t)rc;
	return rc;
}

const struct vfs_file_ops pfs_seq_fops = {
    .open = seq_open,
    .release = seq_release,
    .read = seq_read,
    .write = pfs_write_op,
    .llseek = pfs_llseek,
};

static int raw_open(struct vfs_inode *inode, struct vfs_file *f)
{
	(void)f;
	return pfs_open_check(PI(inode));
}

/* Raw files read what the entry gives at the offset (a page at a time). */
static long raw_read(struct vfs_file *f, struct vfs_iter *it, uint64_t *pos)
{
	struct pfs_inode *pi = PI(f->inode);
	size_t done = 0;
	char *buf;
	long rc = 0;

	if (it->bad)
		return it->bad;
	if (!(buf = kmalloc(PAGE_SIZE)))
		return -ENOMEM;
	while (done < it->len) {
		size_t want = MIN(it->len - done, (size_t)PAGE_SIZE);
		long n = pi->e->read(pi, buf, want, *pos);

		if ((rc = n) <= 0 || (rc = it->copy(it, done, buf, (size_t)n, true)) < 0)
			break;
		done += (size_t)n;
		*pos += (uint64_t)n;
		if ((size_t)n < want)
			break;
	}
	kfree(buf);
	return done ? (long)done : rc;
}

const struct vfs_file_ops pfs_raw_fops = {
    .open = raw_open,
    .read = raw_read,
    .write = pfs_write_op,
    .llseek = pfs_llseek,
};
