/*
 * File descriptor tables (fs/file.c): an array of file pointers and a
 * close-on-exec bitmap, grown on demand, lowest free fd first. A file
 * leaving the table is released after the table's lock is dropped.
 */
#include <klib/errno.h>
#include <klib/panic.h>
#include <klib/string.h>
#include <page-alloc/page_alloc.h>
#include <vfs/fdtable.h>
#include "vfs_internal.h"

#define FDT_MIN 64 /* slots of a new table, as Linux's NR_OPEN_DEFAULT */

/* A slot taken by an open in progress (vfs_fd_reserve): not open, not free. */
#define RESERVED ((struct vfs_file *)1)

static bool is_open(const struct vfs_file *f)
{
	return f && f != RESERVED;
}

struct vfs_fdtable {
	unsigned refs; /* atomic: sharers (CLONE_FILES) */
	void *lock;    /* "vfs_fdtable": everything below */
	unsigned size; /* slots */
	struct vfs_file **files;
	uint64_t *cloexec; /* a bit per slot */
	unsigned next;     /* every fd below it is open */
};

static size_t words(unsigned size)
{
	return (size + 63) / 64;
}

static struct vfs_fdtable *fdt_alloc(unsigned size)
{
	struct vfs_fdtable *t = kzalloc(sizeof(*t));

	if (!t)
		return NULL;
	t->files = kcalloc(size, sizeof(*t->files));
	t->cloexec = kcalloc(words(size), sizeof(uint64_t));
	t->lock = vfs_lock_new("vfs_fdtable");
	if (!t->files || !t->cloexec || !t->lock) {
		kfree(t->files);
		kfree(t->cloexec);
		vfs_lock_free(t->lock);
		kfree(t);
		return NULL;
	}
	t->size = size;
	t->refs = 1;
	return t;
}

struct vfs_fdtable *vfs_fdt_new(void)
{
	return fdt_alloc(FDT_MIN);
}

struct vfs_fdtable *vfs_fdt_copy(struct vfs_fdtable *t)
{
	struct vfs_fdtable *c;
	unsigned size;

	vfs_lock(t->lock);
	size = t->size;
	vfs_unlock(t->lock);
	/* The table may grow meanwhile: allocate, then check under the lock. */
	for (;;) {
		if (!(c = fdt_alloc(size)))
			return NULL;
		vfs_lock(t->lock);
		if (t->size <= size)
			break;
		size = t->size;
		vfs_unlock(t->lock);
		vfs_fdt_put(c);
	}
	for (unsigned fd = 0; fd < t->size; fd++)
		if (is_open(t->files[fd])) /* one being opened stays the parent's */
			vfs_file_get(c->files[fd] = t->files[fd]);
	memcpy(c->cloexec, t->cloexec, words(t->size) * sizeof(uint64_t));
	while (c->next < c->size && c->files[c->next])
		c->next++;
	vfs_unlock(t->lock);
	return c;
}

struct vfs_fdtable *vfs_fdt_share(struct vfs_fdtable *t)
{
	__atomic_fetch_add(&t->refs, 1, __ATOMIC_RELAXED);
	return t;
}

void vfs_fdt_put(struct vfs_fdtable *t)
{
	if (__atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	for (unsigned fd = 0; fd < t->size; fd++)
		if (is_open(t->files[fd]))
			vfs_file_put(t->files[fd]);
	kfree(t->files);
	kfree(t->cloexec);
	vfs_lock_free(t->lock);
	kfree(t);
}

/* Room for fd 'need' (lock held). 0 or -ENOMEM. */
static int grow(struct vfs_fdtable *t, unsigned need)
{
	unsigned size = t->size;
	struct vfs_file **files;
	uint64_t *bits;

	if (need < size)
		return 0;
	while (size <= need)
		size *= 2;
	files = kcalloc(size, sizeof(*files));
	bits = kcalloc(words(size), sizeof(uint64_t));
	if (!files || !bits) {
		kfree(files);
		kfree(bits);
		return -ENOMEM;
	}
	memcpy(files, t->files, t->size * sizeof(*files));
	memcpy(bits, t->cloexec, words(t->size) * sizeof(uint64_t));
	kfree(t->files);
	kfree(t->cloexec);
	t->files = files;
	t->cloexec = bits;
	t->size = size;
	return 0;
}

static void set_cloexec(struct vfs_fdtable *t, unsigned fd, bool on)
{
	if (on)
		t->cloexec[fd / 64] |= 1ull << (fd % 64);
	else
		t->cloexec[fd / 64] &= ~(1ull << (fd % 64));
}

int vfs_fd_reserve(struct vfs_fdtable *t, unsigned min, unsigned limit)
{
	unsigned fd;
	int rc = 0;

	if (limit > CONFIG_VFS_NR_OPEN)
		limit = CONFIG_VFS_NR_OPEN;
	vfs_lock(t->lock);
	for (fd = MAX(min, t->next); fd < t->size && t->files[fd]; fd++)
		;
	if (fd >= limit)
		rc = -EMFILE;
	else if ((rc = grow(t, fd)) == 0) {
		t->files[fd] = RESERVED;
		if (min <= t->next)
			t->next = fd + 1;
	}
	vfs_unlock(t->lock);
	return rc < 0 ? rc : (int)fd;
}

void vfs_fd_fill(struct vfs_fdtable *t, int fd, struct vfs_file *f, bool cloexec)
{
	vfs_lock(t->lock);
	kassert(t->files[fd] == RESERVED);
	t->files[fd] = f;
	set_cloexec(t, (unsigned)fd, cloexec);
	vfs_unlock(t->lock);
}

void vfs_fd_unreserve(struct vfs_fdtable *t, int fd)
{
	vfs_lock(t->lock);
	kassert(t->files[fd] == RESERVED);
	t->files[fd] = NULL;
	if ((unsigned)fd < t->next)
		t->next = (unsigned)fd;
	vfs_unlock(t->lock);
}

int vfs_fd_install(struct vfs_fdtable *t, struct vfs_file *f, unsigned min, unsigned limit,
                   bool cloexec)
{
	int fd = vfs_fd_reserve(t, min, limit);

	if (fd >= 0)
		vfs_fd_fill(t, fd, f, cloexec);
	return fd;
}

struct vfs_file *vfs_fd_get(struct vfs_fdtable *t, int fd)
{
	struct vfs_file *f = NULL;

	vfs_lock(t->lock);
	if (fd >= 0 && (unsigned)fd < t->size && is_open(t->files[fd]))
		vfs_file_get(f = t->files[fd]);
	vfs_unlock(t->lock);
	return f;
}

/* Take fd's file out of the table (lock held): it, or NULL. */
static struct vfs_file *take(struct vfs_fdtable *t, unsigned fd)
{
	struct vfs_file *f = t->files[fd];

	t->files[fd] = NULL;
	set_cloexec(t, fd, false);
	if (fd < t->next)
		t->next = fd;
	return f;
}

int vfs_fd_close(struct vfs_fdtable *t, int fd)
{
	struct vfs_file *f = NULL;

	vfs_lock(t->lock);
	if (fd >= 0 && (unsigned)fd < t->size && is_open(t->files[fd]))
		f = take(t, (unsigned)fd);
	vfs_unlock(t->lock);
	if (!f)
		return -EBADF;
	vfs_file_put(f);
	return 0;
}

int vfs_fd_dup2(struct vfs_fdtable *t, int oldfd, int newfd, unsigned limit, bool cloexec)
{
	struct vfs_file *f, *old = NULL;
	int rc = newfd;

	if (newfd < 0 || (unsigned)newfd >= limit || (unsigned)newfd >= CONFIG_VFS_NR_OPEN)
		return -EBADF;
	vfs_lock(t->lock);
	if (oldfd < 0 || (unsigned)oldfd >= t->size || !is_open(f = t->files[oldfd]))
		rc = -EBADF;
	else if ((unsigned)newfd < t->size && t->files[newfd] == RESERVED)
		rc = -EBUSY;
	else if (oldfd != newfd && (rc = grow(t, (unsigned)newfd)) == 0) {
		vfs_file_get(f);
		old = t->files[newfd];
		t->files[newfd] = f;
		set_cloexec(t, (unsigned)newfd, cloexec);
		rc = newfd;
	}
	/* t->next stays right: newfd was free or stays taken */
	while (t->next < t->size && t->files[t->next])
		t->next++;
	vfs_unlock(t->lock);
	if (old)
		vfs_file_put(old);
	return rc;
}

int vfs_fd_get_cloexec(struct vfs_fdtable *t, int fd)
{
	int rc = -EBADF;

	vfs_lock(t->lock);
	if (fd >= 0 && (unsigned)fd < t->size && is_open(t->files[fd]))
		rc = (t->cloexec[fd / 64] >> (fd % 64)) & 1;
	vfs_unlock(t->lock);
	return rc;
}

int vfs_fd_set_cloexec(struct vfs_fdtable *t, int fd, bool cloexec)
{
	int rc = -EBADF;

	vfs_lock(t->lock);
	if (fd >= 0 && (unsigned)fd < t->size && is_open(t->files[fd])) {
		set_cloexec(t, (unsigned)fd, cloexec);
		rc = 0;
	}
	vfs_unlock(t->lock);
	return rc;
}

void vfs_fdt_exec(struct vfs_fdtable *t)
{
	unsigned fd = 0;

	for (;;) {
		struct vfs_file *f = NULL;

		/* One hold of the lock per descriptor closed (not per slot): the file is put
		 * unlocked, its last close may sleep. */
		vfs_lock(t->lock);
		for (; fd < t->size && !f; fd++)
			if (((t->cloexec[fd / 64] >> (fd % 64)) & 1) && is_open(t->files[fd]))
				f = take(t, fd);
		vfs_unlock(t->lock);
		if (!f)
			return;
		vfs_file_put(f);
	}
}

unsigned vfs_fdt_size(struct vfs_fdtable *t)
{
	unsigned size;

	vfs_lock(t->lock);
	size = t->size;
	vfs_unlock(t->lock);
	return size;
}

unsigned vfs_fdt_list(struct vfs_fdtable *t, int *fds, unsigned max)
{
	unsigned n = 0;

	vfs_lock(t->lock);
	for (unsigned fd = 0; fd < t->size; fd++)
		if (is_open(t->files[fd])) {
			if (n < max)
				fds[n] = (int)fd;
			n++;
		}
	vfs_unlock(t->lock);
	return n;
}
