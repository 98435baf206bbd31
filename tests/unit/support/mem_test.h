/* For the memory components' tests: a fresh frame allocator over host memory. */
#ifndef MEM_TEST_H
#define MEM_TEST_H

#include "kit_test.h"
#include "fake_hal.h"
#include <paging/paging.h>

/* Forget every frame and the kernel table; manage 'mib' MiB of new host memory. Returns the free
 * count. */
static inline size_t mem_test_ram(unsigned mib)
{
	page_alloc_reset();
	pt_set_kernel(NULL);
	paddr_t base = (paddr_t)(uintptr_t)fake_hal_ram((size_t)mib << 20, 2u << 20);
	assert_int_equal(page_alloc_add_range(base, (uint64_t)mib << 20), 0);
	return page_free_count();
}

#endif
