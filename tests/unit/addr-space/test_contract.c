/*
 * What addr_space.h promises at its edges: a failed call changes nothing and
 * leaks nothing, the errnos of bad ranges are Linux's (mmap's EINVAL for a
 * FIXED address off a page boundary, mprotect's ENOMEM outside the user
 * range), and as_destroy(NULL) does nothing.
 */
#include "as_test.h"

#define R  (AS_PROT_READ | AS_PROT_USER)
#define RW (AS_PROT_READ | AS_PROT_WRITE | AS_PROT_USER)

static void test_destroy_null_is_a_no_op(void **state)
{
	(void)state;
	as_destroy(NULL);
}

/* Over a free range, where nothing else would refuse it. */
static void test_fixed_map_off_a_page_boundary_is_einval(void **state)
{
	struct addr_space *as;
	uintptr_t at = as_user_base() + 16 * PG;
	size_t free0 = as_test_ram(16);
	(void)state;

	assert_int_equal(as_create(&as), 0);
	assert_false(as_overlaps(as, at, 2 * PG));
	assert_int_equal(as_map_anon(as, at + 1, PG, RW, AS_MAP_FIXED, NULL), -EINVAL);
	assert_int_equal(as_map_anon(as, at + 1, PG, RW, AS_MAP_FIXED_NOREPLACE, NULL), -EINVAL);
	assert_int_equal(as_map_anon(as, at + PG - 1, PG, RW, AS_MAP_FIXED | AS_MAP_SHARED, NULL),
	                 -EINVAL);
	assert_int_equal(as_area_count(as), 0);
	assert_false(as_overlaps(as, at, 2 * PG));
	/* A hint off a page boundary is only a hint. */
	uintptr_t got;
	assert_int_equal(as_map_anon(as, at + 1, PG, RW, 0, &got), 0);
	assert_int_equal(got & (PG - 1), 0);
	as_destroy(as);
	assert_int_equal(page_free_count(), free0);
}

static void test_protect_outside_the_user_range_is_enomem(void **state)
{
	struct addr_space *as;
	uintptr_t base = as_user_base(), top = as_user_top();
	size_t free0 = as_test_ram(16);
	(void)state;

	assert_int_equal(as_create(&as), 0);
	assert_int_equal(as_map_anon(as, base, PG, RW, AS_MAP_FIXED, NULL), 0);
	assert_int_equal(as_map_anon(as, top - PG, PG, RW, AS_MAP_FIXED, NULL), 0);
	assert_int_equal(as_protect(as, top, PG, R), -ENOMEM);
	assert_int_equal(as_protect(as, top - PG, 2 * PG, R), -ENOMEM);
	assert_int_equal(as_protect(as, base - PG, PG, R), -ENOMEM);
	assert_int_equal(as_protect(as, base - PG, 2 * PG, R), -ENOMEM);
	assert_int_equal(as_protect(as, 0, PG, R), -ENOMEM);
	assert_int_equal(as_protect(as, top - PG, SIZE_MAX - 2 * PG, R), -ENOMEM);
	/* Nothing changed: both pages are still writable, each its own area. */
	assert_int_equal(as_area_count(as), 2);
	assert_int_equal(as_copy_to_user(as, base, "x", 1), 0);
	assert_int_equal(as_copy_to_user(as, top - 1, "x", 1), 0);
	/* Inside the range the same calls work, and bad arguments stay EINVAL. */
	assert_int_equal(as_protect(as, top - PG, PG, R), 0);
	assert_int_equal(as_protect(as, base + 1, PG, R), -EINVAL);
	assert_int_equal(as_protect(as, base, 0, R), -EINVAL);
	as_destroy(as);
	assert_int_equal(page_free_count(), free0);
}

/*
 * A shared anonymous map makes its object (a frame per page, here larger
 * than a page itself) before it takes the space's lock; every way the map
 * can fail afterwards must free it, and the frames a populate filled.
 */
static void test_failed_shared_anon_map_frees_its_object(void **state)
{
	struct addr_space *as;
	size_t len = 2048 * PG; /* an object of 16 KiB */
	uintptr_t at = as_user_base();
	size_t free0 = as_test_ram(16), free1;
	(void)state;

	assert_int_equal(as_create(&as), 0);
	assert_int_equal(as_map_anon(as, at, PG, RW, AS_MAP_FIXED, NULL), 0);
	free1 = page_free_count();
	/* The range is taken. */
	assert_int_equal(as_map_anon(as, at, len, RW, AS_MAP_SHARED | AS_MAP_FIXED_NOREPLACE, NULL),
	                 -EEXIST);
	assert_int_equal(page_free_count(), free1);
	/* No room anywhere. */
	assert_int_equal(
	    as_map_anon(as, 0, as_user_top() - as_user_base(), RW, AS_MAP_SHARED, NULL), -ENOMEM);
	assert_int_equal(page_free_count(), free1);
	/* More pages than the 16 MiB of RAM: the populate runs out half way. */
	assert_int_equal(as_map_anon(as, 0, 8192 * PG, RW, AS_MAP_SHARED | AS_MAP_POPULATE, NULL),
	                 -ENOMEM);
	assert_int_equal(page_free_count(), free1);
	assert_int_equal(as_area_count(as), 1);
	as_destroy(as);
	assert_int_equal(page_free_count(), free0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_destroy_null_is_a_no_op),
	    cmocka_unit_test(test_fixed_map_off_a_page_boundary_is_einval),
	    cmocka_unit_test(test_protect_outside_the_user_range_is_enomem),
	    cmocka_unit_test(test_failed_shared_anon_map_frees_its_object),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
