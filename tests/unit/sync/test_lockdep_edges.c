/* More lock orders than CONFIG_SYNC_LOCKDEP_EDGES (see lockdep_full.h). */
#include <stdio.h>
#include "lockdep_full.h"

/* N classes, each taken while holding each lower one: N * (N - 1) / 2 orders. */
#define N 64
_Static_assert(N *(N - 1) / 2 > CONFIG_SYNC_LOCKDEP_EDGES, "enough orders to fill the table");
_Static_assert(N + 4 < CONFIG_SYNC_LOCKDEP_CLASSES, "and still room for the classes");

static struct mutex m[N], a = MUTEX_INIT(a, "a"), b = MUTEX_INIT(b, "b");
static struct mutex c = MUTEX_INIT(c, "c"), d = MUTEX_INIT(d, "d");
static char keys[N];

static void test_lockdep_too_many_orders_stops_the_checker(void **state)
{
	(void)state;
	lockdep_full_check_before(&a, &b);
	kit_test_output_reset();
	for (int i = 0; i < N; i++)
		mutex_init_key(&m[i], "ordered", &keys[i]);
	for (int i = 0; i < N; i++) {
		mutex_lock(&m[i]);
		for (int j = i + 1; j < N; j++) {
			mutex_lock(&m[j]);
			mutex_unlock(&m[j]);
		}
		mutex_unlock(&m[i]);
	}
	lockdep_full_check_after(&c, &d, "more lock orders than CONFIG_SYNC_LOCKDEP_EDGES");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lockdep_too_many_orders_stops_the_checker),
	};
	harness_boot();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
