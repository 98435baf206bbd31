/* More lock classes than CONFIG_SYNC_LOCKDEP_CLASSES (see lockdep_full.h). */
#include <stdio.h>
#include "lockdep_full.h"

#define N (CONFIG_SYNC_LOCKDEP_CLASSES + 2)

static struct mutex base = MUTEX_INIT(base, "base");
static struct mutex m[N], a = MUTEX_INIT(a, "a"), b = MUTEX_INIT(b, "b");
static struct mutex c = MUTEX_INIT(c, "c"), d = MUTEX_INIT(d, "d");
static char keys[N]; /* one class each */

static void test_lockdep_too_many_classes_stops_the_checker(void **state)
{
	(void)state;
	lockdep_full_check_before(&a, &b);
	kit_test_output_reset();
	mutex_lock(&base);
	for (int i = 0; i < N; i++) {
		mutex_init_key(&m[i], "many", &keys[i]);
		mutex_lock(&m[i]); /* base -> m[i]: one more class each time */
		mutex_unlock(&m[i]);
	}
	mutex_unlock(&base);
	lockdep_full_check_after(&c, &d, "more lock classes than CONFIG_SYNC_LOCKDEP_CLASSES");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lockdep_too_many_classes_stops_the_checker),
	};
	harness_boot();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
