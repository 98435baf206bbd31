/*
 * An iterator over kernel memory whose whole pages a writer may keep
 * (vfs_iter_kernel_frames): the initrd's frames, which tmpfs takes as its
 * files' pages instead of copying them. Apart from rw.c because it needs
 * the frame allocator itself, not only the heap.
 */
#include <klib/errno.h>
#include "vfs_internal.h"

static int kernel_take_page(struct vfs_iter *it, size_t off, paddr_t *pa)
{
	const char *p = (const char *)it->ctx + off;

	if (off > it->len || it->len - off < PAGE_SIZE || ((uintptr_t)p & (PAGE_SIZE - 1)))
		return -EINVAL;
	*pa = page_from_virt(p);
	return page_ref_try_get(*pa) ? 0 : -EPERM;
}

void vfs_iter_kernel_frames(struct vfs_iter *it, const void *buf, size_t len)
{
	vfs_iter_kernel(it, (void *)buf, len);
	it->take_page = kernel_take_page;
}
