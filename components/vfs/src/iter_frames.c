/*
 * An iterator over kernel memory whose whole pages a writer may keep
 * (vfs_iter_kernel_frames): the initrd's frames, which tmpfs takes as its
 * files' pages instead of copying them. Apart from rw.c because it needs
 * the frame allocator itself, not only the heap.
 */
#include <klib/errno.h>
#include "vfs_internal.h"

static size_t kernel_take_pages(struct vfs_iter *it, size_t off, size_t n, paddr_t *pa)
{
	const char *p = (const char *)it->ctx + off;
	size_t got;

	if (off > it->len || ((uintptr_t)p & (PAGE_SIZE - 1)) ||
	    !(n = MIN(n, (it->len - off) / PAGE_SIZE)))
		return 0;
	/* In the kernel's direct map (where the initrd is), pages in a row are frames in a row. */
	pa[0] = page_from_virt(p);
	if (page_to_virt(pa[0]) != p)
		return 0;
	got = page_ref_try_get_run(pa[0], n);
	for (size_t i = 1; i < got; i++)
		pa[i] = pa[0] + i * PAGE_SIZE;
	return got;
}

void vfs_iter_kernel_frames(struct vfs_iter *it, const void *buf, size_t len)
{
	vfs_iter_kernel(it, (void *)buf, len);
	it->take_pages = kernel_take_pages;
}
