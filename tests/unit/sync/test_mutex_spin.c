/*
 * With SMP, a contended mutex_lock retries the owner word before it queues
 * (sync_mutex_spins), so an owner on another CPU that leaves soon hands
 * nothing over; and a task that finds waiters queued never overtakes them.
 * Each case sets the retry count so high that the retrying task cannot
 * give up within the test: what it checks does not depend on timing. On one
 * CPU (or without SMP) there is nothing to check: the cases say so.
 */
#include "harness.h"
#include "kit_test.h"
#include <hal/smp.h>
#include <hal/time.h>
#include <klib/errno.h>
#include <sync/mutex.h>

#define MS 1000000ull

static struct mutex m = MUTEX_INIT(m, "test_spin");

#ifdef CONFIG_SYNC_MUTEX_SPIN
static int trying; /* atomic */

/* The waiters queued on m, read under its lock (the lockers queue on another CPU). */
static size_t queued(void)
{
	unsigned long flags = hal_spin_lock_irqsave(&m.lock);
	size_t n = list_count(&m.waiters.waiters);

	hal_spin_unlock_irqrestore(&m.lock, flags);
	return n;
}

static void set_spins(unsigned n)
{
	__atomic_store_n(&sync_mutex_spins, n, __ATOMIC_RELAXED);
}

static int locker(void *arg)
{
	__atomic_store_n(&trying, 1, __ATOMIC_SEQ_CST);
	if (mutex_lock(&m) != 0)
		return 1;
	harness_log_add((int)(intptr_t)arg);
	return mutex_unlock(&m);
}

/*
 * Two CPUs or nothing to check. The test's task keeps to CPU 0 and the
 * lockers go to CPU 1: a locker that retries without end on the CPU of the
 * task it waits for would wait for the tick to preempt it, which TSan holds
 * back from a busy loop.
 */
static bool two_cpus(void)
{
	if (hal_cpu_count() < 2) {
		print_message(
		    "one CPU online: a contended lock queues at once, nothing to check\n");
		return false;
	}
	assert_int_equal(task_set_affinity(task_current(), HAL_CPU_BIT(0)), 0);
	return true;
}

static struct task *spawn_on_cpu1(int id)
{
	struct task_attr attr = {.cpus = HAL_CPU_BIT(1)};
	struct task *t;

	assert_int_equal(task_create(&t, "locker", locker, (void *)(intptr_t)id, &attr), 0);
	return t;
}

static void test_contended_lock_retries_instead_of_queueing(void **state)
{
	unsigned saved = __atomic_load_n(&sync_mutex_spins, __ATOMIC_RELAXED);
	struct task *t;
	uint64_t until;
	(void)state;

	if (!two_cpus())
		return;
	set_spins(~0u);
	__atomic_store_n(&trying, 0, __ATOMIC_SEQ_CST);
	harness_log_reset();
	assert_int_equal(mutex_lock(&m), 0);
	t = spawn_on_cpu1(1);
	HARNESS_YIELD_UNTIL(__atomic_load_n(&trying, __ATOMIC_SEQ_CST));
	/* Long enough for a locker that does not retry to have queued. */
	until = hal_time_ns() + 20 * MS;
	while (hal_time_ns() < until) {
		assert_int_equal(queued(), 0);
		task_yield();
	}
	assert_int_equal(harness_log_len(), 0); /* still ours */
	assert_int_equal(mutex_unlock(&m), 0);
	assert_int_equal(harness_join(t), 0);
	assert_int_equal(harness_log_len(), 1);
	set_spins(saved);
	assert_int_equal(task_set_affinity(task_current(), hal_cpu_online_mask()), 0);
}

static void test_queued_waiters_are_not_overtaken(void **state)
{
	static const int want[] = {1, 2};
	unsigned saved = __atomic_load_n(&sync_mutex_spins, __ATOMIC_RELAXED);
	struct task *first, *second;
	(void)state;

	if (!two_cpus())
		return;
	harness_log_reset();
	assert_int_equal(mutex_lock(&m), 0);
	set_spins(0); /* the first queues at once */
	first = spawn_on_cpu1(1);
	HARNESS_YIELD_UNTIL(queued() == 1);
	assert_int_equal(queued(), 1);
	/* The second would retry for ever, but must see the queue and join it. */
	set_spins(~0u);
	second = spawn_on_cpu1(2);
	HARNESS_YIELD_UNTIL(queued() == 2);
	assert_int_equal(queued(), 2);
	assert_int_equal(mutex_unlock(&m), 0);
	assert_int_equal(harness_join(first), 0);
	assert_int_equal(harness_join(second), 0);
	harness_log_expect(want, 2);
	set_spins(saved);
	assert_int_equal(task_set_affinity(task_current(), hal_cpu_online_mask()), 0);
}
#endif

/* Every build: a lock taken twice by its owner is still -EDEADLK, not a retry for ever. */
static void test_relock_by_the_owner_is_refused(void **state)
{
	(void)state;
#ifdef CONFIG_SYNC_MUTEX_SPIN
	unsigned saved = __atomic_load_n(&sync_mutex_spins, __ATOMIC_RELAXED);

	set_spins(~0u);
#endif
	assert_int_equal(mutex_lock(&m), 0);
#ifdef CONFIG_DEBUG
	expect_panic(mutex_lock(&m));
	assert_true(kit_test_output_has("already holds mutex 'test_spin' (returns -EDEADLK)"));
#else
	assert_int_equal(mutex_lock(&m), -EDEADLK);
#endif
	assert_int_equal(mutex_unlock(&m), 0);
#ifdef CONFIG_SYNC_MUTEX_SPIN
	set_spins(saved);
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#ifdef CONFIG_SYNC_MUTEX_SPIN
	    cmocka_unit_test(test_contended_lock_retries_instead_of_queueing),
	    cmocka_unit_test(test_queued_waiters_are_not_overtaken),
#endif
	    cmocka_unit_test(test_relock_by_the_owner_is_refused),
	};
	harness_boot();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
