/*
 * Locks before task_init, when there is no task: spinlocks and uncontended
 * read locks work (and the lock-order checker, which keeps its records in
 * the running task, records nothing), while everything that needs an owner
 * fails in every build instead of taking NULL as the owner: mutex_lock and
 * mutex_trylock -EAGAIN (a NULL owner would let the mutex be "taken" twice),
 * unlocking a free mutex -EPERM, the write side of an rwlock likewise,
 * cond_wait -EPERM. Debug builds also report each, naming the lock.
 */
#include "harness.h"
#include "kit_test.h"
#include <klib/errno.h>
#include <stdio.h>
#include <sync/cond.h>
#include <sync/mutex.h>
#include <sync/rwlock.h>
#include <sync/spinlock.h>

#ifdef CONFIG_DEBUG
/* " (returns -EAGAIN)": how a report names the errno of the call. */
static const char *returns(int rc)
{
	static char buf[32];

	snprintf(buf, sizeof(buf), "(returns -%s)", kstrerrorname(rc));
	return buf;
}
#endif

/* A misuse: its errno, and its report (naming the errno) where the build has reports. */
#if defined(CONFIG_SYNC_DEBUG_PANIC)
#define EXPECT_MISUSE(call, rc, msg)                                                               \
	do {                                                                                       \
		expect_panic(call);                                                                \
		assert_true(kit_test_output_has(msg));                                             \
		assert_true(kit_test_output_has(returns(rc)));                                     \
	} while (0)
#elif defined(CONFIG_DEBUG)
#define EXPECT_MISUSE(call, rc, msg)                                                               \
	do {                                                                                       \
		kit_test_output_reset();                                                           \
		assert_int_equal(call, rc);                                                        \
		assert_true(kit_test_output_has(msg));                                             \
		assert_true(kit_test_output_has(returns(rc)));                                     \
	} while (0)
#else
#define EXPECT_MISUSE(call, rc, msg) assert_int_equal(call, rc)
#endif

static struct spinlock early_s = SPINLOCK_INIT("early_s");
static struct spinlock early_t = SPINLOCK_INIT("early_t");
static struct mutex early_m = MUTEX_INIT(early_m, "early_m");
static struct rwlock early_rw = RWLOCK_INIT(early_rw, "early_rw");
static struct cond early_c = COND_INIT(early_c, "early_c");

static void test_before_task_init_what_needs_no_owner_works(void **state)
{
	unsigned long flags;
	(void)state;

	assert_null(task_current());
	spin_lock(&early_s);
	flags = spin_lock_irqsave(&early_t);
	spin_unlock_irqrestore(&early_t, flags);
	spin_unlock(&early_s);
	assert_int_equal(rwlock_read_lock(&early_rw), 0);
	assert_int_equal(rwlock_read_trylock(&early_rw), 0);
	assert_int_equal(rwlock_read_unlock(&early_rw), 0);
	assert_int_equal(rwlock_read_unlock(&early_rw), 0);
}

static void test_before_task_init_what_needs_an_owner_fails(void **state)
{
	(void)state;
	assert_null(task_current());
	EXPECT_MISUSE(mutex_lock(&early_m), -EAGAIN, "mutex_lock at");
	EXPECT_MISUSE(mutex_trylock(&early_m), -EAGAIN, "'early_m' used before task_init");
	EXPECT_MISUSE(mutex_trylock(&early_m), -EAGAIN, "mutex_trylock at");
	assert_null(mutex_owner(&early_m));
	EXPECT_MISUSE(mutex_unlock(&early_m), -EPERM, "does not hold mutex 'early_m'");
	EXPECT_MISUSE(rwlock_write_lock(&early_rw), -EAGAIN, "'early_rw' used before task_init");
	EXPECT_MISUSE(rwlock_write_trylock(&early_rw), -EAGAIN, "rwlock_write_trylock at");
	EXPECT_MISUSE(rwlock_write_unlock(&early_rw), -EPERM, "does not write-hold 'early_rw'");
	EXPECT_MISUSE(cond_wait(&early_c, &early_m), -EPERM, "cond_wait at");
	/* A read lock is free for the asking still: nobody holds it for writing. */
	assert_int_equal(rwlock_read_trylock(&early_rw), 0);
	assert_int_equal(rwlock_read_unlock(&early_rw), 0);
}

/* Once there are tasks, the same locks work and are checked as usual. */
static void test_after_task_init_the_same_locks_work(void **state)
{
	(void)state;
	harness_boot();
	assert_int_equal(mutex_trylock(&early_m), 0);
	assert_ptr_equal(mutex_owner(&early_m), task_current());
	assert_int_equal(mutex_trylock(&early_m), -EBUSY);
	assert_int_equal(mutex_unlock(&early_m), 0);
	assert_int_equal(rwlock_write_trylock(&early_rw), 0);
	assert_int_equal(rwlock_read_trylock(&early_rw), -EBUSY);
	assert_int_equal(rwlock_write_unlock(&early_rw), 0);
	assert_int_equal(mutex_lock(&early_m), 0);
	assert_int_equal(mutex_unlock(&early_m), 0);
	/* Nested spinlocks, taken here, not before task_init: early_s before early_t. */
	spin_lock(&early_s);
	spin_lock(&early_t);
	spin_unlock(&early_t);
	spin_unlock(&early_s);
#ifdef CONFIG_SYNC_LOCKDEP
	/* The checker now knows that order: the other one is an inversion. (A mutex
	 * under a spinlock would be a might-sleep misuse of its own.) */
	spin_lock(&early_t);
	expect_panic(spin_lock(&early_s));
	assert_true(kit_test_output_has("holding 'early_t'"));
	assert_true(kit_test_output_has("taking  'early_s'"));
	spin_unlock(&early_t);
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_before_task_init_what_needs_no_owner_works),
	    cmocka_unit_test(test_before_task_init_what_needs_an_owner_fails),
	    cmocka_unit_test(test_after_task_init_the_same_locks_work),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
