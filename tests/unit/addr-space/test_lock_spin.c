/*
 * The space's lock where it is a raw spinlock (no ADDR_SPACE_MUTEX: kernels
 * without tasks, and these tests): unlocking a space that is not locked
 * panics in every build, since it can only mean a lock missing on some path.
 * Reaches into the space's private lock on purpose: no public call can
 * unlock twice.
 */
#include "as_test.h"
#include "as_internal.h"

#ifdef CONFIG_ADDR_SPACE_MUTEX
#error "the spinlock mode: see test_lock_mutex.c for the mutex"
#endif

static void test_unlocking_a_free_space_lock_panics(void **state)
{
	struct addr_space *as;
	size_t free0 = as_test_ram(4);
	(void)state;

	assert_int_equal(as_create(&as), 0);
	expect_panic(as_unlock(&as->lock));
	assert_true(kit_test_output_has("addr-space: unlocking a space that is not locked"));
	as_lock(&as->lock);
	as_unlock(&as->lock);
	assert_int_equal(as_area_count(as), 0); /* the lock still works */
	as_destroy(as);
	assert_int_equal(page_free_count(), free0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_unlocking_a_free_space_lock_panics),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
