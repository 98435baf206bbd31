/* Helpers shared by the paging tests: host "RAM" for tables, raw entry reads. */
#ifndef PT_TEST_H
#define PT_TEST_H

#include "kit_test.h"
#include "fake_hal.h"
#include "mem_test.h"
#include <paging/paging.h>

#define pt_test_ram mem_test_ram

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

/*
 * Check paging's bookkeeping in every table of an Sv39/Sv48 tree, from
 * 'table' at 'level' down (borrowed kernel tables included): each frame's
 * owner word holds how many of its entries are non-zero, which is what
 * tells an unmap that a table emptied. Returns how many tables it checked.
 */
static inline size_t sv_check_used(paddr_t table, unsigned level)
{
	size_t n = 1;
	for (unsigned i = 0; level > 0 && i < 512; i++) {
		uint64_t e = raw(table, i);
		if ((e & 1) && !(e & 0xe))
			n += sv_check_used(sv_next(e), level - 1);
	}
	assert_int_equal(*page_owner_word(table), raw_used(table));
	return n;
}

#endif
