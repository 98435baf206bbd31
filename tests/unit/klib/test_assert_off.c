/*
 * With CONFIG_ASSERT off (whatever CONFIG_DEBUG is), kassert() and
 * kassertf() compile to nothing and do not evaluate their condition;
 * kverify() still checks.
 */
#undef CONFIG_ASSERT /* before anything includes klib/panic.h */
#include "kit_test.h"
#include <klib/panic.h>

static int evaluated;

static int side_effect(void)
{
	evaluated++;
	return 0;
}

static void test_kassert_is_compiled_out(void **state)
{
	(void)state;
	kassert(side_effect());
	kassertf(side_effect(), "never printed %d", 1);
	assert_int_equal(evaluated, 0);
	expect_panic(kverify(side_effect()));
	assert_int_equal(evaluated, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_kassert_is_compiled_out),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
