/*
 * klog's level is the compile unit's KLOG_LEVEL (a component's own, set by
 * kit_component() from CONFIG_<COMPONENT>_LOG_LEVEL), else CONFIG_LOG_LEVEL.
 * This file is compiled as a component whose level is 1 (warnings).
 */
#define KLOG_LEVEL 1
#include "kit_test.h"
#include <klib/log.h>

static void test_messages_above_the_level_are_left_out(void **state)
{
	(void)state;
	kit_test_output_reset();
	klog_err("t", "an error %d", 1);
	klog_warn("t", "a warning %d", 2);
	klog_info("t", "some information %d", 3);
	klog_debug("t", "a debug line %d", 4);
	assert_true(kit_test_output_has("an error 1"));
	assert_true(kit_test_output_has("a warning 2"));
	assert_false(kit_test_output_has("some information"));
	assert_false(kit_test_output_has("a debug line"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_messages_above_the_level_are_left_out),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
