/*
 * The address-space backend of file mappings (vfs/mmap.h). Each area holds
 * a reference to its file: as_map's caller (vfs_mmap) takes the first one,
 * open() one for every split piece and fork copy, close() drops one for
 * every area that goes. The callbacks run with the space's lock held: the
 * inode's get_page takes only the file system's inner locks, and a file
 * whose last reference drops here is released without inode locks (the
 * order in vfs/vfs.h).
 */
#include <klib/errno.h>
#include <vfs/mmap.h>
#include "vfs_internal.h"

static void file_open(struct as_area *area)
{
	vfs_file_get(as_area_priv(area));
}

static void file_close(struct as_area *area)
{
	vfs_file_put(as_area_priv(area));
}

static int file_fault(struct as_area *area, uint64_t pgoff, unsigned access, paddr_t *pa)
{
	struct vfs_file *f = as_area_priv(area);
	struct vfs_inode *inode = f->inode;
	(void)access;
	/* get_page gives a reference: the mapping keeps it (fault_gives_ref). */
	return inode->ops->get_page(inode, pgoff, pa);
}

const struct as_backend vfs_file_backend = {
    .name = "file",
    .open = file_open,
    .close = file_close,
    .fault = file_fault,
    .fault_gives_ref = true, /* a truncate may drop the file's own reference meanwhile */
};

bool vfs_file_mappable(const struct vfs_file *f)
{
	return !(f->mode & VFS_FMODE_PATH) && f->inode->ops && f->inode->ops->get_page &&
	       VFS_S_ISREG(vfs_mode(f->inode));
}

int vfs_mmap(struct addr_space *as, struct vfs_file *f, uintptr_t addr, size_t len, unsigned prot,
             unsigned flags, uint64_t pgoff, uintptr_t *out)
{
	int rc;

	if (!vfs_file_mappable(f))
		return -ENODEV;
	vfs_file_get(f); /* the new area's: as_map does not open() it */
	rc = as_map(as, addr, len, prot, flags, &vfs_file_backend, f, pgoff, out);
	if (rc < 0)
		vfs_file_put(f);
	return rc;
}

struct vfs_file *vfs_area_file(const struct as_area *area)
{
	return as_area_backend(area) == &vfs_file_backend ? as_area_priv(area) : NULL;
}
