/*
 * The lock-order checker's tables are fixed (Kconfig sizes). When one fills
 * up the checker says which and stops checking for good: it never fails a
 * correct program, and never reports from a table it could not keep. Each
 * table is filled by its own test binary (test_lockdep_{classes,edges,depth}.c),
 * since stopping is for the rest of the run.
 */
#ifndef SYNC_TEST_LOCKDEP_FULL_H
#define SYNC_TEST_LOCKDEP_FULL_H

#include "harness.h"
#include "kit_test.h"
#include <sync/mutex.h>

#ifndef CONFIG_SYNC_LOCKDEP
#error "tests/unit/defconfig must enable CONFIG_SYNC_LOCKDEP (a debug build)"
#endif

/* Before the table fills: an inversion is caught. After: the checker is off. */
static inline void lockdep_full_check_before(struct mutex *a, struct mutex *b)
{
	mutex_lock(a);
	mutex_lock(b);
	mutex_unlock(b);
	mutex_unlock(a);
	mutex_lock(b);
	expect_panic(mutex_lock(a));
	mutex_unlock(b);
	assert_true(kit_test_output_has("lock order inversion"));
}

static inline void lockdep_full_check_after(struct mutex *c, struct mutex *d, const char *why)
{
	char want[160];

	snprintf(want, sizeof(want), "sync: lock-order checker stopped: %s", why);
	if (!kit_test_output_has(want))
		fail_msg("no \"%s\" in:\n%s", want, kit_test_output);
	kit_test_output_reset();
	mutex_lock(c);
	mutex_lock(d);
	mutex_unlock(d);
	mutex_unlock(c);
	mutex_lock(d);
	mutex_lock(c); /* the opposite order: no longer checked */
	mutex_unlock(c);
	mutex_unlock(d);
	assert_false(kit_test_output_has("inversion"));
	assert_false(kit_test_output_has("stopped")); /* said once */
}

#endif
