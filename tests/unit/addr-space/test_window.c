/*
 * A user range larger than its window (as_user_window: Linux's
 * DEFAULT_MAP_WINDOW, x86-64 with 5-level paging), on the component built
 * with a window a quarter of the range (CMakeLists.txt). As Linux's
 * arch_get_unmapped_area(_topdown): a new space places below the window;
 * without a hint, or with one at or below the window, nothing goes above
 * it; a free hint above it is taken, an occupied one moves the search's
 * upper limit to the top of the range; a hint range that straddles the
 * window's end is not taken. MAP_FIXED reaches the whole range.
 */
#include "as_test.h"

#define RW (AS_PROT_READ | AS_PROT_WRITE | AS_PROT_USER)

static void test_window_rules(void **state)
{
	struct addr_space *as;
	uintptr_t top = as_user_top(), win = as_user_window(), at = 0;
	size_t free0 = as_test_ram(64);
	(void)state;

	assert_true(win < top);
	assert_int_equal(win, top / 4); /* the variant's ARCH_USER_WINDOW */
	assert_int_equal(as_unmapped_base(), (win / 3 + PG - 1) & ~(PG - 1)); /* rounded up */
	assert_int_equal(as_create(&as), 0);

	/* No hint: top-down from the window's end. */
	assert_int_equal(as_find_free(as, 4 * PG, PG, 0, &at), 0);
	assert_int_equal(at, win - 4 * PG);
	/* A free hint above the window is taken. */
	assert_int_equal(as_find_free(as, PG, PG, win + 16 * PG, &at), 0);
	assert_int_equal(at, win + 16 * PG);
	/* An occupied one above it: the search runs up to the range's top. */
	assert_int_equal(as_map_anon(as, win + 16 * PG, PG, RW, AS_MAP_FIXED, &at), 0);
	assert_int_equal(as_find_free(as, PG, PG, win + 16 * PG, &at), 0);
	assert_int_equal(at, top - PG);
	/* An occupied hint at or below the window stays below it. */
	assert_int_equal(as_map_anon(as, win - PG, PG, RW, AS_MAP_FIXED, &at), 0);
	assert_int_equal(as_find_free(as, PG, PG, win - PG, &at), 0);
	assert_int_equal(at, win - 2 * PG);
	/* A free range straddling the window's end is not taken: placed below. */
	assert_int_equal(as_find_free(as, 4 * PG, PG, win - 2 * PG, &at), 0);
	assert_true(at + 4 * PG <= win - PG);
	/* The legacy bottom-up layout stays in the window too, unless asked. */
	assert_int_equal(as_set_layout(as, win - 8 * PG, true), 0);
	assert_int_equal(as_find_free(as, 8 * PG, PG, 0, &at), -ENOMEM);
	assert_int_equal(as_find_free(as, 8 * PG, PG, top - PG, &at), 0);
	assert_int_equal(at, win);
	/* MAP_FIXED: the whole range, to its last page; nothing past it. */
	assert_int_equal(as_map_anon(as, top - PG, PG, RW, AS_MAP_FIXED, &at), 0);
	assert_int_equal(as_map_anon(as, top, PG, RW, AS_MAP_FIXED, &at), -ENOMEM);
	as_destroy(as);
	assert_int_equal(page_free_count(), free0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_window_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
