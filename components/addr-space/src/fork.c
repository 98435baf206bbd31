/*
 * as_fork(): a copy of a space. Shared and linear areas map the same frames
 * in the child; private areas become copy-on-write: both sides map every
 * present page read-only, each mapping holding a reference, and the first
 * write on either side copies (or, if it holds the last reference, simply
 * makes the page writable again). Every copied area gets open(). An area
 * that maps only its backend's frames (no AS_AREA_PRIVATE_PAGES: shared
 * memory, a program's text) gets no entries at all: the child faults in
 * the same frames from the backend as it touches them, which for a child
 * that runs a few functions and exits, or execs, is far less work.
 */
#include "as_internal.h"
#include <klib/errno.h>

struct copy_ctx {
	struct addr_space *child;
	bool cow;
};

static int copy_page(void *ctx, uintptr_t va, paddr_t pa, size_t size, unsigned prot)
{
	struct copy_ctx *c = ctx;
	int rc;

	if (c->cow)
		prot &= ~PT_WRITE;
	rc = pt_map(c->child->pt, va, pa, size, prot, 0);
	if (rc == 0) {
		for (size_t off = 0; off < size; off += PAGE_SIZE)
			page_ref_get(pa + off);
		c->child->resident += size / PAGE_SIZE;
	}
	return rc;
}

static int copy_area(struct addr_space *parent, struct as_area *a, struct addr_space *child)
{
	struct as_area *n = kmalloc(sizeof(*n));
	struct copy_ctx c = {child, area_is_cow(a)};
	size_t len = a->end - a->start;

	if (!n)
		return -ENOMEM;
	*n = *a;
	area_insert(child, n);
	if (n->backend->open)
		n->backend->open(n);
	if (area_is_linear(a))
		return pt_map(child->pt, a->start, a->start + (uintptr_t)a->priv, len,
		              area_pte_prot(a), a->flags & AS_MAP_HUGE ? PT_MAP_HUGE : 0);
	/* Only its backend's pages (a program's text, a shared segment): the child's faults map
	 * the same frames when it touches them, so nothing is copied, or write-protected. */
	if (!(a->flags & AS_AREA_PRIVATE_PAGES))
		return 0;
	if (c.cow) {
		/* Read-only on the parent's side too, before the child can see the frames. */
		int rc = pt_protect(parent->pt, a->start, len, area_pte_prot(a) & ~PT_WRITE);
		if (rc)
			return rc;
	}
	return pt_walk(parent->pt, a->start, len, copy_page, &c);
}

int as_fork(struct addr_space *parent, struct addr_space **out)
{
	struct addr_space *child;
	int rc = as_create(&child);

	if (rc)
		return rc;
	as_lock(&parent->lock);
	child->mmap_base = parent->mmap_base; /* the layout goes with the copy, as mm->mmap_base */
	child->bottom_up = parent->bottom_up;
	for (struct as_area *a = area_first_above(parent, 0); a && rc == 0; a = area_next(a))
		rc = copy_area(parent, a, child);
	as_unlock(&parent->lock);
	if (rc) {
		/* Each copied area is closed as it was opened; parent pages stay shared-read-only
		 * until their next write fault, which then finds them unshared. */
		as_destroy(child);
		return rc;
	}
	*out = child;
	return 0;
}
