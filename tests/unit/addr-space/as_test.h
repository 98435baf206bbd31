/* Helpers shared by the addr-space tests. */
#ifndef AS_TEST_H
#define AS_TEST_H

#include "kit_test.h"
#include "fake_hal.h"
#include <addr-space/addr_space.h>
#include <klib/errno.h>
#include <paging/paging.h>

#define PG 4096ul

/* A fresh allocator over 'mib' MiB of host memory; returns its free count. */
static inline size_t as_test_ram(unsigned mib)
{
	page_alloc_reset();
	pt_set_kernel(NULL);
	paddr_t base = (paddr_t)(uintptr_t)fake_hal_ram((size_t)mib << 20, 2u << 20);
	assert_int_equal(page_alloc_add_range(base, (uint64_t)mib << 20), 0);
	return page_free_count();
}

struct area_view {
	uintptr_t start, end;
	unsigned prot;
};

static inline enum as_visit as_test_collect(const struct as_area *a, void *ctx)
{
	struct area_view *v = ctx;
	while (v->end)
		v++;
	*v = (struct area_view){as_area_start(a), as_area_end(a), as_area_prot(a)};
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
