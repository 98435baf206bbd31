/* A task holding more than CONFIG_SYNC_LOCKDEP_DEPTH locks (see lockdep_full.h). */
#include <stdio.h>
#include "lockdep_full.h"

#define N (CONFIG_SYNC_LOCKDEP_DEPTH + 1)

static struct mutex m[N], a = MUTEX_INIT(a, "a"), b = MUTEX_INIT(b, "b");
static struct mutex c = MUTEX_INIT(c, "c"), d = MUTEX_INIT(d, "d");
static char keys[N];

static void test_lockdep_too_many_held_stops_the_checker(void **state)
{
	(void)state;
	lockdep_full_check_before(&a, &b);
	kit_test_output_reset();
	for (int i = 0; i < N - 1; i++) { /* exactly the limit: still checked */
		mutex_init_key(&m[i], "nested", &keys[i]);
		mutex_lock(&m[i]);
	}
	for (int i = N - 1; i-- > 0;)
		assert_int_equal(mutex_unlock(&m[i]), 0);
	if (kit_test_output_has("stopped"))
		fail_msg("the checker stopped at CONFIG_SYNC_LOCKDEP_DEPTH locks:\n%s",
		         kit_test_output);
	for (int i = 0; i < N; i++) {
		mutex_init_key(&m[i], "nested", &keys[i]);
		mutex_lock(&m[i]);
	}
	for (int i = N; i-- > 0;)
		assert_int_equal(mutex_unlock(&m[i]), 0);
	lockdep_full_check_after(&c, &d, "a task holds more than CONFIG_SYNC_LOCKDEP_DEPTH locks");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lockdep_too_many_held_stops_the_checker),
	};
	harness_boot();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
