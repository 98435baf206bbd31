/* Helpers shared by the paging tests: host "RAM" for tables, raw entry reads. */
#ifndef PT_TEST_H
#define PT_TEST_H

#include "kit_test.h"
#include "fake_hal.h"
#include <paging/paging.h>

/* A fresh allocator over 'mib' MiB of host memory; returns its free count. */
static inline size_t pt_test_ram(unsigned mib)
{
	page_alloc_reset();
	pt_set_kernel(NULL);
	paddr_t base = (paddr_t)(uintptr_t)fake_hal_ram((size_t)mib << 20, 2u << 20);
	assert_int_equal(page_alloc_add_range(base, (uint64_t)mib << 20), 0);
	return page_free_count();
}

/* Entry 'idx' of the table page at 'table'. */
static inline uint64_t raw(paddr_t table, unsigned idx)
{
	return ((const uint64_t *)page_to_virt(table))[idx];
}

/* The table a riscv (Sv39/Sv48) table entry points to. */
static inline paddr_t sv_next(uint64_t pte)
{
	return (pte >> 10) << 12;
}

/* How many entries of a table page are non-zero. */
static inline unsigned raw_used(paddr_t table)
{
	unsigned n = 0;
	for (unsigned i = 0; i < 512; i++)
		n += raw(table, i) != 0;
	return n;
}

#endif
