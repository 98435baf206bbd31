/*
 * vm.overcommit_memory (page_commit_check) over a 16 MiB allocator: the
 * heuristic refuses one request larger than RAM and nothing smaller,
 * whatever is already allocated; 1 promises anything; NORESERVE skips
 * the check except in mode 2, which otherwise checks as 0; only 0, 1 and
 * 2 may be set.
 */
#include "kit_test.h"
#include "fake_hal.h"
#include <klib/errno.h>
#include <page-alloc/page_alloc.h>

#define RANGE_PAGES 4096u       /* 16 MiB */
#define TIB_PAGES   (1ul << 28) /* 1 TiB in pages */

static int setup(void **state)
{
	paddr_t base;

	(void)state;
	page_alloc_reset();
	base = (paddr_t)(uintptr_t)fake_hal_ram(RANGE_PAGES * PAGE_SIZE, 16u << 20);
	assert_int_equal(page_alloc_add_range(base, RANGE_PAGES * PAGE_SIZE), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return page_set_overcommit_mode(PAGE_OVERCOMMIT_GUESS);
}

static void test_heuristic_refuses_more_than_ram(void **state)
{
	size_t ram = page_total_count();
	paddr_t pa;

	(void)state;
	assert_int_equal(page_overcommit_mode(), CONFIG_PAGE_ALLOC_OVERCOMMIT_MEMORY);
	assert_int_equal(page_commit_check(ram, false), 0);
	assert_int_equal(page_commit_check(ram + 1, false), -ENOMEM);
	assert_int_equal(page_commit_check(64 * TIB_PAGES, false), -ENOMEM);
	assert_int_equal(page_commit_check(~0ul, false), -ENOMEM);
	assert_int_equal(page_commit_check(0, false), 0);
	/* A single request is judged alone: what is in use does not count. */
	pa = page_alloc(10);
	assert_true(pa != PADDR_NONE);
	assert_int_equal(page_commit_check(ram, false), 0);
	page_free(pa, 10);
	/* MAP_NORESERVE, SHM_NORESERVE: no check. */
	assert_int_equal(page_commit_check(64 * TIB_PAGES, true), 0);
}

static void test_always_and_never(void **state)
{
	size_t ram = page_total_count();

	(void)state;
	assert_int_equal(page_set_overcommit_mode(PAGE_OVERCOMMIT_ALWAYS), 0);
	assert_int_equal(page_overcommit_mode(), 1);
	assert_int_equal(page_commit_check(64 * TIB_PAGES, false), 0);
	assert_int_equal(page_commit_check(~0ul, true), 0);
	/* Strict accounting: NORESERVE is not honoured; otherwise the heuristic's rule. */
	assert_int_equal(page_set_overcommit_mode(PAGE_OVERCOMMIT_NEVER), 0);
	assert_int_equal(page_overcommit_mode(), 2);
	assert_int_equal(page_commit_check(64 * TIB_PAGES, true), -ENOMEM);
	assert_int_equal(page_commit_check(ram + 1, false), -ENOMEM);
	assert_int_equal(page_commit_check(ram, true), 0);
}

static void test_only_three_modes(void **state)
{
	(void)state;
	assert_int_equal(page_set_overcommit_mode(3), -EINVAL);
	assert_int_equal(page_set_overcommit_mode(-1), -EINVAL);
	assert_int_equal(page_set_overcommit_mode(1l << 32), -EINVAL);
	assert_int_equal(page_overcommit_mode(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_heuristic_refuses_more_than_ram, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_always_and_never, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_only_three_modes, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
