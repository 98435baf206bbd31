/*
 * Areas: a red-black tree by start address (areas never overlap, so the
 * order by start is also the order by end), augmented with the free gaps
 * of each subtree for place.c's search; splitting and merging.
 */
#include "as_internal.h"
#include <klib/compiler.h>
#include <klib/errno.h>
#include <klib/panic.h>

static struct as_area *to_area(struct rb_node *n)
{
	return n ? rb_entry(n, struct as_area, node) : NULL;
}

struct as_area *area_first_above(struct addr_space *as, uintptr_t va)
{
	struct rb_node *n = as->areas.node;
	struct as_area *best = NULL;

	while (n) {
		struct as_area *a = to_area(n);
		if (a->end > va) {
			best = a;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return best;
}

struct as_area *area_find(struct addr_space *as, uintptr_t va)
{
	struct as_area *a = area_first_above(as, va);

	return a && a->start <= va ? a : NULL;
}

struct as_area *area_next(struct as_area *a)
{
	return to_area(rb_next(&a->node));
}

void area_insert(struct addr_space *as, struct as_area *a)
{
	struct rb_node **link = &as->areas.node, *parent = NULL;

	while (*link) {
		parent = *link;
		link = a->start < to_area(parent)->start ? &parent->left : &parent->right;
	}
	rb_link(&a->node, parent, link);
	rb_insert_augmented(&as->areas, &a->node, &area_augment);
	a->as = as;
	as->nareas++;
}

void area_remove(struct addr_space *as, struct as_area *a)
{
	rb_erase_augmented(&as->areas, &a->node, &area_augment);
	as->nareas--;
}

void area_split(struct as_area *a, uintptr_t at, struct as_area **spare)
{
	struct as_area *b = *spare;

	kassert(b && a->start < at && at < a->end);
	*spare = NULL;
	*b = *a;
	b->start = at;
	b->pgoff = a->pgoff + (at - a->start) / PAGE_SIZE;
	a->end = at;
	area_changed(a);
	area_insert(a->as, b);
	if (b->backend->open)
		b->backend->open(b);
}

static bool mergeable(const struct as_area *x, const struct as_area *y)
{
	/* Only private anonymous memory: a backend with an object sees every area. */
	return x && y && x->end == y->start && x->backend == &as_backend_anon &&
	       y->backend == &as_backend_anon && !(x->flags & AS_MAP_SHARED) &&
	       x->flags == y->flags && x->prot == y->prot &&
	       x->pgoff + (x->end - x->start) / PAGE_SIZE == y->pgoff;
}

struct as_area *area_merge(struct as_area *a)
{
	struct as_area *prev = to_area(rb_prev(&a->node)), *next = area_next(a);

	if (mergeable(a, next)) {
		a->end = next->end;
		area_changed(a);
		area_remove(a->as, next);
		kfree(next);
	}
	if (mergeable(prev, a)) {
		prev->end = a->end;
		area_changed(prev);
		area_remove(a->as, a);
		kfree(a);
		a = prev;
	}
	return a;
}

bool area_is_linear(const struct as_area *a)
{
	return a->backend == &as_backend_linear;
}

bool area_is_cow(const struct as_area *a)
{
	return !(a->flags & AS_MAP_SHARED) && !area_is_linear(a);
}

unsigned area_pte_prot(const struct as_area *a)
{
	unsigned p = 0;

	if (a->prot & (AS_PROT_READ | AS_PROT_WRITE))
		p |= PT_READ;
	if (a->prot & AS_PROT_WRITE)
		p |= PT_WRITE;
	if (a->prot & AS_PROT_EXEC)
		p |= PT_EXEC;
	if (p && (a->prot & AS_PROT_USER))
		p |= PT_USER;
	return p;
}

static void put_frames(void *ctx, uintptr_t va, paddr_t pa, size_t size)
{
	struct addr_space *as = ctx;

	(void)va;
	for (size_t off = 0; off < size; off += PAGE_SIZE)
		page_ref_put(pa + off);
	as->resident -= size / PAGE_SIZE;
}

void area_unmap_pages(struct as_area *a, uintptr_t start, uintptr_t end)
{
	/* Cannot fail: the callers split the page table at both ends first. */
	int rc =
	    pt_unmap(a->as->pt, start, end - start, area_is_linear(a) ? NULL : put_frames, a->as);

	kverify(rc == 0);
}

void area_destroy(struct as_area *a)
{
	area_unmap_pages(a, a->start, a->end);
	area_remove(a->as, a);
	if (a->backend->close)
		a->backend->close(a);
	kfree(a);
}

/* Accessors for backends and visitors. */
uintptr_t as_area_start(const struct as_area *a)
{
	return a->start;
}

uintptr_t as_area_end(const struct as_area *a)
{
	return a->end;
}

unsigned as_area_prot(const struct as_area *a)
{
	return a->prot;
}

unsigned as_area_flags(const struct as_area *a)
{
	return a->flags & AS_AREA_FLAGS;
}

uint64_t as_area_pgoff(const struct as_area *a)
{
	return a->pgoff;
}

void *as_area_priv(const struct as_area *a)
{
	return a->priv;
}

const struct as_backend *as_area_backend(const struct as_area *a)
{
	return a->backend;
}

struct addr_space *as_area_space(const struct as_area *a)
{
	return a->as;
}
