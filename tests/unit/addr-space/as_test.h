/* Helpers shared by the addr-space tests. */
#ifndef AS_TEST_H
#define AS_TEST_H

#include "kit_test.h"
#include "fake_hal.h"
#include "mem_test.h"
#include <addr-space/addr_space.h>
#include <klib/errno.h>
#include <paging/paging.h>

#define PG 4096ul

#define as_test_ram mem_test_ram

/* Take free frames into hog until 'leave' are left; returns how many were taken. */
static inline size_t as_test_hog(paddr_t *hog, size_t leave)
{
	size_t n = 0;

	while (page_free_count() > leave)
		assert_int_not_equal(hog[n++] = page_alloc(0), PADDR_NONE);
	return n;
}

static inline void as_test_unhog(paddr_t *hog, size_t n)
{
	while (n)
		page_free(hog[--n], 0);
}

struct area_view {
	uintptr_t start, end;
	unsigned prot, flags;
};

static inline enum as_visit as_test_collect(const struct as_area *a, void *ctx)
{
	struct area_view *v = ctx;
	while (v->end)
		v++;
	*v =
	    (struct area_view){as_area_start(a), as_area_end(a), as_area_prot(a), as_area_flags(a)};
	return AS_VISIT_NEXT;
}

/* The areas of 'as', in order, into v (terminated by a zero entry). */
static inline size_t as_test_areas(struct addr_space *as, struct area_view *v, size_t max)
{
	for (size_t i = 0; i < max; i++)
		v[i] = (struct area_view){0};
	as_visit(as, 0, as_test_collect, v);
	size_t n = 0;
	while (n < max && v[n].end)
		n++;
	return n;
}

#endif
