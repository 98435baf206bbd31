/*
 * The built-in backends. Linear areas map a fixed physical offset and take
 * no frame references (device memory, or memory someone else owns).
 * Anonymous areas are zero-filled: a private one owns its frames directly
 * (fault.c allocates them); a shared one refers to an object holding one
 * frame per page, created by as_map and shared by fork, freed with its last
 * area.
 */
#include "as_internal.h"
#include <klib/errno.h>

struct anon_shared {
	unsigned refs; /* areas referring to it (atomic: areas of several spaces) */
	size_t pages;
	paddr_t frames[]; /* 0: not yet touched; each holds one reference of the object's */
};

void *anon_shared_create(size_t pages)
{
	struct anon_shared *o = kcalloc(1, sizeof(*o) + pages * sizeof(paddr_t));

	if (o) {
		o->refs = 1;
		o->pages = pages;
	}
	return o;
}

void anon_shared_free(void *obj)
{
	struct anon_shared *o = obj;

	for (size_t i = 0; i < o->pages; i++)
		if (o->frames[i])
			page_ref_put(o->frames[i]);
	kfree(o);
}

static void anon_open(struct as_area *a)
{
	struct anon_shared *o = a->priv;

	if (o)
		__atomic_fetch_add(&o->refs, 1, __ATOMIC_RELAXED);
}

static void anon_close(struct as_area *a)
{
	struct anon_shared *o = a->priv;

	if (o && __atomic_sub_fetch(&o->refs, 1, __ATOMIC_ACQ_REL) == 0)
		anon_shared_free(o);
}

static int anon_fault(struct as_area *a, uint64_t pgoff, unsigned access, paddr_t *pa)
{
	struct anon_shared *o = a->priv;
	paddr_t fresh, none = 0;

	(void)access;
	if (!o || pgoff >= o->pages) /* remapped past its end (shmem_fault: SIGBUS) */
		return -ENXIO;
	if (!__atomic_load_n(&o->frames[pgoff], __ATOMIC_ACQUIRE)) {
		fresh = page_alloc_zeroed(0);
		if (fresh == PADDR_NONE)
			return -ENOMEM;
		/* Another space sharing the object may have filled it meanwhile. */
		if (!__atomic_compare_exchange_n(&o->frames[pgoff], &none, fresh, false,
		                                 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			page_free(fresh, 0);
	}
	*pa = o->frames[pgoff];
	return 0;
}

const struct as_backend as_backend_anon = {
    .name = "anon",
    .open = anon_open,
    .close = anon_close,
    .fault = anon_fault,
};

static int linear_fault(struct as_area *a, uint64_t pgoff, unsigned access, paddr_t *pa)
{
	(void)access;
	*pa = a->start + (pgoff - a->pgoff) * PAGE_SIZE + (uintptr_t)a->priv;
	return 0;
}

const struct as_backend as_backend_linear = {
    .name = "linear",
    .fault = linear_fault,
};
