/*
 * Regular files and symbolic links: reads and writes through the page
 * tree, sizes, holes, and the pages mappings ask for (mm/shmem.c:
 * shmem_file_read_iter, shmem_file_write_iter, shmem_setattr's truncation,
 * shmem_fault, shmem_file_llseek). Reads and writes hold the inode's lock
 * and copy user memory with it; only pages_lock is taken under a page
 * fault, and never across a copy.
 */
#include <klib/errno.h>
#include <klib/string.h>
#include "tmpfs_internal.h"

static const char zeros[512];

static void set_blocks(struct tmpfs_inode *ti)
{
	__atomic_store_n(&ti->v.blocks, ti->file.npages * (PAGE_SIZE / 512), __ATOMIC_RELAXED);
}

/* Page pgoff with a reference for the caller; allocated (and charged) if 'alloc'. */
static int page_get(struct tmpfs_inode *ti, uint64_t pgoff, bool alloc, paddr_t *pa)
{
	struct tmpfs_sb *ts = TSB(&ti->v);
	int rc;

	vfs_lock(ti->file.pages_lock);
	rc = tmpfs_pages_lookup(&ti->file.pages, pgoff, pa);
	if (rc == -ENOENT && alloc) {
		if (!tmpfs_charge_blocks(ts, 1)) {
			rc = -ENOSPC;
		} else if ((*pa = page_alloc_zeroed(0)) == PADDR_NONE) {
			tmpfs_uncharge_blocks(ts, 1);
			rc = -ENOMEM;
		} else if ((rc = tmpfs_pages_insert(&ti->file.pages, pgoff, *pa)) < 0) {
			page_free(*pa, 0);
			tmpfs_uncharge_blocks(ts, 1);
		} else {
			ti->file.npages++;
			set_blocks(ti);
		}
	}
	if (rc == 0)
		page_ref_get(*pa);
	vfs_unlock(ti->file.pages_lock);
	return rc;
}

/*
 * A whole page written where the file has none: a fresh frame filled
 * before it goes into the tree, so that it needs no clearing and no fault
 * of a mapping sees it half-written. 1 if the page went in, 0 if the file
 * has that page (the caller writes into it), or -errno, the file unchanged.
 */
static int put_whole_page(struct tmpfs_inode *ti, struct vfs_iter *it, size_t at, uint64_t pgoff)
{
	struct tmpfs_sb *ts = TSB(&ti->v);
	paddr_t pa, old;
	int rc;

	vfs_lock(ti->file.pages_lock);
	rc = tmpfs_pages_lookup(&ti->file.pages, pgoff, &old);
	vfs_unlock(ti->file.pages_lock);
	if (rc == 0)
		return 0;
	if ((pa = page_alloc(0)) == PADDR_NONE)
		return -ENOMEM;
	if ((rc = it->copy(it, at, page_to_virt(pa), PAGE_SIZE, false)) < 0) {
		page_free(pa, 0);
		return rc;
	}
	vfs_lock(ti->file.pages_lock);
	if (tmpfs_pages_lookup(&ti->file.pages, pgoff, &old) == 0) {
		/* A fault of a mapping filled the hole meanwhile: the data goes into its page. */
		memcpy(page_to_virt(old), page_to_virt(pa), PAGE_SIZE);
		rc = 1;
	} else if (!tmpfs_charge_blocks(ts, 1)) {
		rc = -ENOSPC;
	} else if ((rc = tmpfs_pages_insert(&ti->file.pages, pgoff, pa)) < 0) {
		tmpfs_uncharge_blocks(ts, 1);
	} else {
		ti->file.npages++;
		set_blocks(ti);
		rc = 1;
		pa = PADDR_NONE; /* the tree's now */
	}
	vfs_unlock(ti->file.pages_lock);
	if (pa != PADDR_NONE)
		page_ref_put(pa);
	return rc;
}

#define KEEP_RUN 32 /* frames taken from a source at a time (a stack array of them) */

/*
 * Whole pages from pgoff on whose data are the source's own frames pa[0..n)
 * (vfs_iter take_pages: the initrd's): kept as the file's pages, under one
 * hold of pages_lock; a page the file has already gets a copy. *done: the
 * pages done; the frames of the others are dropped. 0, or the -errno that
 * stopped it.
 */
static int keep_pages(struct tmpfs_inode *ti, uint64_t pgoff, const paddr_t *pa, size_t n,
                      size_t *done)
{
	struct tmpfs_sb *ts = TSB(&ti->v);
	/* One charge for the run; page by page, and only for pages the file lacks, near the limit.
	 */
	size_t i = 0, kept = 0, charged = tmpfs_charge_blocks(ts, n) ? n : 0, run = 0, j = 0;
	uint64_t *s = NULL;
	int rc = 0;

	vfs_lock(ti->file.pages_lock);
	for (; i < n; i++, j++) {
		if (j == run) { /* the next leaf's slots */
			if ((rc = tmpfs_pages_slots(&ti->file.pages, pgoff + i, n - i, &s, &run)) <
			    0)
				break;
			j = 0;
		}
		if (s[j]) { /* the file has this page: the data goes into it */
			memcpy(page_to_virt(s[j]), page_to_virt(pa[i]), PAGE_SIZE);
			page_ref_put(pa[i]);
			continue;
		}
		if (charged < n) {
			if (!tmpfs_charge_blocks(ts, 1)) {
				rc = -ENOSPC;
				break;
			}
			charged++;
		}
		s[j] = pa[i];
		kept++;
	}
	ti->file.npages += kept;
	set_blocks(ti);
	vfs_unlock(ti->file.pages_lock);
	tmpfs_uncharge_blocks(ts, charged - kept);
	*done = i;
	for (; i < n; i++)
		page_ref_put(pa[i]);
	return rc;
}

static int copy_zeros(struct vfs_iter *it, size_t off, size_t n)
{
	int rc = 0;

	for (size_t done = 0; done < n && rc == 0; done += sizeof(zeros))
		rc = it->copy(it, off + done, (void *)zeros, MIN(sizeof(zeros), n - done), true);
	return rc;
}

static long tmpfs_read(struct vfs_file *f, struct vfs_iter *it, uint64_t *pos)
{
	struct tmpfs_inode *ti = TI(f->inode);
	size_t done = 0, len;
	uint64_t size;
	int rc = 0;

	vfs_inode_lock(&ti->v);
	size = vfs_inode_size(&ti->v);
	len = *pos >= size ? 0 : (size_t)MIN((uint64_t)it->len, size - *pos);
	while (done < len && rc == 0) {
		uint64_t p = *pos + done;
		size_t off = p % PAGE_SIZE, n = MIN(PAGE_SIZE - off, len - done);
		paddr_t pa;

		if (page_get(ti, p / PAGE_SIZE, false, &pa) == 0) {
			rc = it->copy(it, done, (char *)page_to_virt(pa) + off, n, true);
			page_ref_put(pa);
		} else {
			rc = copy_zeros(it, done, n); /* a hole */
		}
		if (rc == 0)
			done += n;
	}
	vfs_file_accessed(f);
	vfs_inode_unlock(&ti->v);
	*pos += done;
	return done ? (long)done : rc;
}

static long tmpfs_write(struct vfs_file *f, struct vfs_iter *it, uint64_t *pos,
                        const struct vfs_cred *cr, bool *xfsz)
{
	struct tmpfs_inode *ti = TI(f->inode);
	struct vfs_timespec now;
	size_t done = 0;
	long len, rc = 0;

	vfs_inode_lock(&ti->v);
	if ((len = vfs_write_checks(f, pos, it->len, cr, xfsz)) <= 0) {
		vfs_inode_unlock(&ti->v);
		return len;
	}
	vfs_write_kill_suid(&ti->v, cr);
	vfs_now(&now);
	ti->v.mtime = ti->v.ctime = now;
	while (done < (size_t)len && rc == 0) {
		uint64_t p = *pos + done;
		size_t off = p % PAGE_SIZE, n = MIN(PAGE_SIZE - off, (size_t)len - done);
		paddr_t pa, run[KEEP_RUN];
		size_t k;

		if (n == PAGE_SIZE && it->take_pages &&
		    (k = it->take_pages(it, done, MIN(((size_t)len - done) / PAGE_SIZE, KEEP_RUN),
		                        run)) > 0) {
			rc = keep_pages(ti, p / PAGE_SIZE, run, k, &k);
			n = k * PAGE_SIZE;
			if (!k)
				break;
		} else if (n == PAGE_SIZE &&
		           (rc = put_whole_page(ti, it, done, p / PAGE_SIZE)) != 0) {
			if (rc < 0)
				break;
			rc = 0;
		} else {
			if ((rc = page_get(ti, p / PAGE_SIZE, true, &pa)) < 0)
				break;
			rc = it->copy(it, done, (char *)page_to_virt(pa) + off, n, false);
			page_ref_put(pa);
			if (rc < 0)
				break;
		}
		done += n;
		if (p + n > vfs_inode_size(&ti->v))
			vfs_inode_set_size(&ti->v, p + n);
	}
	vfs_inode_unlock(&ti->v);
	*pos += done;
	return done ? (long)done : rc;
}

static void put_page_cb(void *ctx, paddr_t pa)
{
	(*(uint64_t *)ctx)++;
	page_ref_put(pa);
}

/* Shrinking drops the pages past the end and zeroes the tail of the last one. */
static int tmpfs_setsize(struct vfs_inode *inode, uint64_t size)
{
	struct tmpfs_inode *ti = TI(inode);
	uint64_t dropped = 0;
	paddr_t pa;

	if (size < vfs_inode_size(inode)) {
		vfs_lock(ti->file.pages_lock);
		tmpfs_pages_truncate(&ti->file.pages, (size + PAGE_SIZE - 1) / PAGE_SIZE,
		                     put_page_cb, &dropped);
		ti->file.npages -= dropped;
		set_blocks(ti);
		if ((size % PAGE_SIZE) &&
		    tmpfs_pages_lookup(&ti->file.pages, size / PAGE_SIZE, &pa) == 0)
			memset((char *)page_to_virt(pa) + size % PAGE_SIZE, 0,
			       PAGE_SIZE - size % PAGE_SIZE);
		vfs_unlock(ti->file.pages_lock);
		tmpfs_uncharge_blocks(TSB(inode), dropped);
	}
	vfs_inode_set_size(inode, size);
	return 0;
}

/* A mapping's page: past the end is -ENXIO (SIGBUS); holes are filled (shmem_fault). */
static int tmpfs_get_page(struct vfs_inode *inode, uint64_t pgoff, paddr_t *pa)
{
	uint64_t size = vfs_inode_size(inode);

	if (pgoff >= (size + PAGE_SIZE - 1) / PAGE_SIZE)
		return -ENXIO;
	return page_get(TI(inode), pgoff, true, pa);
}

void tmpfs_file_destroy(struct tmpfs_inode *ti)
{
	uint64_t dropped = 0;

	tmpfs_pages_truncate(&ti->file.pages, 0, put_page_cb, &dropped);
	tmpfs_uncharge_blocks(TSB(&ti->v), dropped);
}

/* shmem_file_llseek: real holes for SEEK_DATA and SEEK_HOLE. */
static int64_t tmpfs_llseek(struct vfs_file *f, int64_t off, int whence)
{
	struct tmpfs_inode *ti = TI(f->inode);
	uint64_t size, pg;
	int64_t r;

	if (whence != VFS_SEEK_DATA && whence != VFS_SEEK_HOLE)
		return vfs_generic_llseek(f, off, whence);
	if (off < 0)
		return -ENXIO;
	vfs_inode_lock(&ti->v);
	size = vfs_inode_size(&ti->v);
	if ((uint64_t)off >= size) {
		vfs_inode_unlock(&ti->v);
		return -ENXIO;
	}
	vfs_lock(ti->file.pages_lock);
	pg = tmpfs_pages_next(&ti->file.pages, (uint64_t)off / PAGE_SIZE, whence == VFS_SEEK_DATA);
	vfs_unlock(ti->file.pages_lock);
	vfs_inode_unlock(&ti->v);
	if (pg == UINT64_MAX || pg >= (size + PAGE_SIZE - 1) / PAGE_SIZE)
		r = whence == VFS_SEEK_DATA ? -ENXIO : (int64_t)size;
	else
		r = MAX(off, (int64_t)(pg * PAGE_SIZE));
	if (r >= 0)
		f->pos = (uint64_t)r;
	return r;
}

static int tmpfs_fsync(struct vfs_file *f)
{
	(void)f;
	return 0; /* nothing below memory to write to */
}

static long tmpfs_readlink(struct vfs_inode *inode, char *buf, size_t size)
{
	struct tmpfs_inode *ti = TI(inode);
	size_t len = strlen(ti->link.target);

	if (len > size)
		len = size;
	memcpy(buf, ti->link.target, len);
	return (long)len;
}

const struct vfs_inode_ops tmpfs_file_ops = {
    .setsize = tmpfs_setsize,
    .get_page = tmpfs_get_page,
};

const struct vfs_inode_ops tmpfs_link_ops = {
    .readlink = tmpfs_readlink,
};

const struct vfs_inode_ops tmpfs_special_ops = {0};

const struct vfs_file_ops tmpfs_file_fops = {
    .read = tmpfs_read,
    .write = tmpfs_write,
    .llseek = tmpfs_llseek,
    .fsync = tmpfs_fsync,
    .direct = true, /* as Linux's tmpfs since 6.6: the same copies, no cache to bypass */
};
