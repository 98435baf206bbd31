/*
 * Tasks on several CPUs at once (CONFIG_SMP; the host's CPUs are threads,
 * arch/host/smp.c): one pinned task per CPU is in at the same time, a
 * counter shared under a spinlock by tasks free to move loses no update,
 * and a task sleeping on one CPU is woken from another, round after round
 * (the reschedule kick: without it the sleeper's idle CPU never looks).
 * Built without SMP it checks the same on one CPU. Under ThreadSanitizer
 * (tests/unit/matrix.py's tsan variant) every access of the scheduler's
 * cross-CPU paths is checked as well.
 */
#include "harness.h"
#include "kit_test.h"
#include <hal/smp.h>
#include <hal/spinlock.h>
#include <task/wait.h>

static unsigned ncpus;
static unsigned arrived;
static uint64_t give_up;

/* Pinned to one CPU: arrives, then waits (spinning: no yield) until every CPU's task has. */
static int meet(void *arg)
{
	unsigned cpu = (unsigned)(uintptr_t)arg;

	if (hal_cpu_id() != cpu)
		return 1;
	__atomic_fetch_add(&arrived, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&arrived, __ATOMIC_SEQ_CST) < ncpus)
		if (hal_time_ns() > give_up)
			return 2;
	return 0;
}

static void test_one_task_per_cpu_in_at_once(void **state)
{
	struct task *t[HAL_NR_CPUS];
	(void)state;

	ncpus = hal_cpu_count();
	arrived = 0;
	give_up = harness_give_up();
	/* main waits in join, off every CPU: each CPU has exactly its pinned task to run. */
	for (unsigned i = 0; i < ncpus; i++) {
		struct task_attr attr = {.cpus = HAL_CPU_BIT(i)};

		assert_int_equal(task_create(&t[i], "meet", meet, (void *)(uintptr_t)i, &attr), 0);
	}
	for (unsigned i = 0; i < ncpus; i++)
		assert_int_equal(harness_join(t[i]), 0);
	assert_int_equal(arrived, ncpus);
}

#define ADDERS 6
#define ROUNDS 2000

static hal_spinlock_t count_lock = HAL_SPINLOCK_INIT;
static unsigned long count; /* guarded by count_lock */
static unsigned long added; /* the increments made, counted apart (atomic) */
static hal_cpumask_t seen_cpus;

/*
 * ROUNDS increments at least, and on until every CPU has run an adder (or
 * the harness gives up): a fast CPU may otherwise finish all of them before
 * the others have woken up to pull one.
 */
static int add(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS ||
	                (__atomic_load_n(&seen_cpus, __ATOMIC_RELAXED) != hal_cpu_online_mask() &&
	                 hal_time_ns() < give_up);
	     i++) {
		unsigned long flags = hal_spin_lock_irqsave(&count_lock);

		count++;
		hal_spin_unlock_irqrestore(&count_lock, flags);
		__atomic_fetch_add(&added, 1, __ATOMIC_RELAXED);
		flags = hal_irq_save();
		__atomic_fetch_or(&seen_cpus, HAL_CPU_BIT(hal_cpu_id()), __ATOMIC_RELAXED);
		hal_irq_restore(flags);
		if (i % 64 == 0)
			task_yield();
	}
	return 0;
}

static void test_shared_counter_loses_nothing(void **state)
{
	struct task *t[ADDERS];
	(void)state;

	count = added = 0;
	seen_cpus = 0;
	give_up = harness_give_up();
	for (int i = 0; i < ADDERS; i++) {
		struct task_attr attr = {.cpus = hal_cpu_online_mask()};

		assert_int_equal(task_create(&t[i], "add", add, NULL, &attr), 0);
	}
	for (int i = 0; i < ADDERS; i++)
		assert_int_equal(harness_join(t[i]), 0);
	assert_true(added >= (unsigned long)ADDERS * ROUNDS);
	assert_int_equal(count, added);
	/* Every CPU took part (idle ones pull; the woken are kicked to idle CPUs). */
	assert_int_equal(seen_cpus, hal_cpu_online_mask());
}

#define PINGS 200

static struct wait_queue wq = WAIT_QUEUE_INIT(wq);
static hal_spinlock_t ping_lock = HAL_SPINLOCK_INIT;
static unsigned pings, pongs; /* guarded by ping_lock */

/* On the last CPU: sleeps until pinged, answers, for PINGS rounds. */
static int ponger(void *arg)
{
	(void)arg;
	for (unsigned round = 1; round <= PINGS; round++) {
		unsigned long flags = hal_spin_lock_irqsave(&ping_lock);

		while (pings < round)
			if (wq_wait(&wq, &ping_lock, give_up) < 0) {
				wq_unlock(&ping_lock, flags);
				return 1;
			}
		pongs = round;
		wq_wake_one(&wq);
		wq_unlock(&ping_lock, flags);
	}
	return 0;
}

static void test_wakeups_cross_cpus(void **state)
{
	unsigned last = (unsigned)(63 - __builtin_clzll(hal_cpu_online_mask()));
	struct task_attr attr = {.cpus = HAL_CPU_BIT(last)};
	struct task *t;
	(void)state;

	pings = pongs = 0;
	give_up = harness_give_up();
	assert_int_equal(task_create(&t, "ponger", ponger, NULL, &attr), 0);
	for (unsigned round = 1; round <= PINGS; round++) {
		unsigned long flags = hal_spin_lock_irqsave(&ping_lock);

		pings = round;
		wq_wake_one(&wq);
		while (pongs < round)
			if (wq_wait(&wq, &ping_lock, give_up) < 0)
				break;
		wq_unlock(&ping_lock, flags);
		assert_int_equal(pongs, round);
	}
	assert_int_equal(harness_join(t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_one_task_per_cpu_in_at_once),
	    cmocka_unit_test(test_shared_counter_loses_nothing),
	    cmocka_unit_test(test_wakeups_cross_cpus),
	};
	/* main stays on CPU 0 (the harness pins it): it runs cmocka, whose state, like libc's,
	 * belongs to the thread that started it. The tasks it makes are free to move. */
	harness_boot();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
