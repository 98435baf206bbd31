/* panic() and kassert() name the file and line and stop through the port. */
#include "kit_test.h"
#include <klib/panic.h>
#include <stdio.h>

static void test_panic_names_file_and_line(void **state)
{
	int line;
	char where[64];
	(void)state;

	expect_panic((line = __LINE__, panic("bad thing %d", 42)));
	snprintf(where, sizeof(where), "test_panic.c:%d: bad thing 42", line);
	assert_true(kit_test_output_has("PANIC at "));
	assert_true(kit_test_output_has(where));
}

static void test_kassert_fires_in_debug_builds(void **state)
{
	volatile int x = 1;
	(void)state;

#ifdef CONFIG_ASSERT
	expect_panic(kassert(x == 2));
	assert_true(kit_test_output_has("assertion failed: x == 2"));
	expect_panic(kassertf(x == 3, "x is %d", x));
	assert_true(kit_test_output_has("x is 1"));
#endif
	kassert(x == 1); /* true: nothing happens */
	expect_panic(kverify(x == 0));
	assert_true(kit_test_output_has("check failed: x == 0"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_panic_names_file_and_line),
	    cmocka_unit_test(test_kassert_fires_in_debug_builds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
