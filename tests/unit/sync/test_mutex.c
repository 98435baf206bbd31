/*
 * Mutexes with real tasks under round-robin preemption: ownership, FIFO
 * handoff, timeouts, misuse reports, and mutual exclusion while the tick
 * preempts tasks in the middle of their critical sections.
 */
#include "harness.h"
#include "kit_test.h"
#include <hal/time.h>
#include <klib/errno.h>
#include <sync/mutex.h>
#include <sync/semaphore.h>
#include <sync/spinlock.h>

#define MS 1000000ull

static struct mutex m = MUTEX_INIT(m, "test_mutex");

static volatile int phase;

static int hold_until_phase2(void *arg)
{
	(void)arg;
	if (mutex_lock(&m) != 0)
		return 1;
	phase = 1;
	HARNESS_YIELD_UNTIL(phase == 2);
	return mutex_unlock(&m) || phase != 2;
}

static void test_owner_trylock_and_timeout(void **state)
{
	struct task *t;
	uint64_t deadline;
	int rc;
	(void)state;

	assert_int_equal(mutex_lock(&m), 0);
	assert_ptr_equal(mutex_owner(&m), task_current());
	assert_int_equal(mutex_unlock(&m), 0);
	assert_null(mutex_owner(&m));

	phase = 0;
	t = harness_spawn("holder", hold_until_phase2, NULL, 0);
	HARNESS_YIELD_UNTIL(phase == 1);
	assert_int_equal(phase, 1);
	assert_ptr_equal(mutex_owner(&m), t);
	assert_int_equal(mutex_trylock(&m), -EBUSY);
	deadline = hal_time_ns() + 3 * MS;
	assert_int_equal(mutex_lock_until(&m, deadline), -ETIMEDOUT);
	assert_true(hal_time_ns() >= deadline);
	assert_ptr_equal(mutex_owner(&m), t);
	phase = 2;
	KIT_TEST_WAIT("the mutex, handed over at the holder's unlock", rc = mutex_lock(&m));
	assert_int_equal(rc, 0);
	assert_int_equal(harness_join(t), 0);
	assert_int_equal(mutex_trylock(&m), -EBUSY); /* we hold it */
	assert_int_equal(mutex_unlock(&m), 0);
	assert_int_equal(mutex_trylock(&m), 0);
	assert_int_equal(mutex_unlock(&m), 0);
}

static void test_misuse_is_reported(void **state)
{
	struct task *t;
	(void)state;

	phase = 0;
	t = harness_spawn("owner", hold_until_phase2, NULL, 0);
	HARNESS_YIELD_UNTIL(phase == 1);
	assert_int_equal(phase, 1);
#ifdef CONFIG_DEBUG
	expect_panic(mutex_unlock(&m));
	assert_true(kit_test_output_has(
	    "mutex_unlock: task 'main' does not hold mutex 'test_mutex' (owner: owner) "
	    "(returns -EPERM)"));
#endif
	assert_ptr_equal(mutex_owner(&m), t); /* untouched */
	phase = 2;
	assert_int_equal(harness_join(t), 0);

	assert_int_equal(mutex_lock(&m), 0);
#ifdef CONFIG_DEBUG
	expect_panic(mutex_lock(&m));
	assert_true(kit_test_output_has("already holds mutex 'test_mutex' (returns -EDEADLK)"));
#endif
	assert_int_equal(mutex_unlock(&m), 0);
}

/*
 * A call that may sleep, made with a spinlock held, is reported although
 * the lock is free and nothing sleeps this time; without the spinlock the
 * same calls go through.
 */
static void test_may_sleep_under_a_spinlock_is_reported(void **state)
{
	KIT_UNUSED static struct spinlock s = SPINLOCK_INIT("test_spin"); /* debug builds only */
	static struct semaphore sem;
	(void)state;

	sem_init(&sem, "test_sem", 1);
#ifdef CONFIG_DEBUG
	spin_lock(&s);
	expect_panic(mutex_lock(&m));
	assert_true(kit_test_output_has("on 'test_mutex' may sleep, but task 'main' runs with "
	                                "preemption disabled (count 1"));
	expect_panic(sem_down(&sem));
	assert_true(kit_test_output_has("sem_down on 'test_sem' may sleep"));
	spin_unlock(&s);
	assert_ptr_equal(mutex_owner(&m), NULL); /* reported before taking it */
#endif
	assert_int_equal(mutex_lock(&m), 0);
	assert_int_equal(mutex_unlock(&m), 0);
	assert_int_equal(sem_down(&sem), 0);
}

static int fifo_locker(void *arg)
{
	if (mutex_lock(&m) != 0)
		return 1;
	harness_log_add((int)(intptr_t)arg);
	return mutex_unlock(&m);
}

static void test_waiters_get_the_mutex_in_arrival_order(void **state)
{
	static const int want[] = {1, 2, 3, 4};
	struct task *t[4];
	(void)state;

	harness_log_reset();
	assert_int_equal(mutex_lock(&m), 0);
	for (int i = 0; i < 4; i++) {
		t[i] = harness_spawn("locker", fifo_locker, (void *)(intptr_t)(i + 1), 0);
		HARNESS_YIELD_UNTIL(list_count(&m.waiters.waiters) ==
		                    (size_t)i + 1); /* one at a time */
		assert_int_equal(list_count(&m.waiters.waiters), i + 1);
	}
	assert_int_equal(mutex_unlock(&m), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(harness_join(t[i]), 0);
	harness_log_expect(want, 4);
}

/*
 * Mutual exclusion under preemption: each critical section is a
 * read-modify-write that lasts until the tick has preempted its task at least
 * once. With handoff, the workers form a convoy (one owner running, the rest
 * queued on the mutex), so a CPU hog that never touches the mutex makes sure
 * someone is ready to take over when a holder's slice ends. Needs a
 * preemptive scheduler (tests/unit/defconfig selects round-robin).
 */
#ifdef CONFIG_TASK_SCHED_FIFO
#error "sync's unit tests need a preemptive scheduler in tests/unit/defconfig"
#endif
#define WORKERS         4
#define PREEMPTED_IN_CS 30

static struct mutex counter_lock = MUTEX_INIT(counter_lock, "counter");
static volatile unsigned long counter;
static volatile int inside;
static int violations, preempted_in_cs, contended;
static unsigned long increments;
static uint64_t give_up;

static int worker(void *arg)
{
	(void)arg;
	while (READ_ONCE(preempted_in_cs) < PREEMPTED_IN_CS && hal_time_ns() < give_up) {
		struct task_info before, after;

		if (mutex_owner(&counter_lock))
			__atomic_fetch_add(&contended, 1, __ATOMIC_RELAXED);
		mutex_lock(&counter_lock);
		task_get_info(task_current(), &before);
		if (inside++)
			violations++;
		unsigned long v = counter;
		/* Stay inside until the tick has switched us out at least once. */
		do
			task_get_info(task_current(), &after);
		while (after.preemptions == before.preemptions && hal_time_ns() < give_up);
		counter = v + 1;
		increments++;
		inside--;
		preempted_in_cs++;
		mutex_unlock(&counter_lock);
	}
	return 0;
}

static void test_mutual_exclusion_under_preemption(void **state)
{
	struct task *t[WORKERS], *h;
	(void)state;

	counter = increments = 0;
	violations = preempted_in_cs = contended = 0;
	give_up = harness_give_up();
	for (int i = 0; i < WORKERS; i++)
		t[i] = harness_spawn("worker", worker, NULL, 0);
	h = harness_hog(0);
	for (int i = 0; i < WORKERS; i++)
		harness_join(t[i]);
	harness_hogs_stop();
	harness_join(h);
	harness_check_deadline(give_up, "preemptions inside the critical section");
	assert_int_equal(violations, 0);
	assert_int_equal(counter, increments);
	assert_true(increments >= PREEMPTED_IN_CS);
	assert_true(contended > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_owner_trylock_and_timeout),
	    cmocka_unit_test(test_misuse_is_reported),
	    cmocka_unit_test(test_may_sleep_under_a_spinlock_is_reported),
	    cmocka_unit_test(test_waiters_get_the_mutex_in_arrival_order),
	    cmocka_unit_test(test_mutual_exclusion_under_preemption),
	};
	harness_boot();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
