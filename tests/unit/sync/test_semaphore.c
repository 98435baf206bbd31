/*
 * Counting semaphores with real tasks under round-robin preemption: counts,
 * timeouts, FIFO handoff, and a limit of K holders that is reached but
 * never exceeded while holders are switched out inside.
 */
#include "harness.h"
#include "kit_test.h"
#include <hal/time.h>
#include <klib/errno.h>
#include <sync/semaphore.h>

#define MS 1000000ull

static void test_counts_trydown_and_timeout(void **state)
{
	struct semaphore s;
	uint64_t deadline;
	(void)state;

	sem_init(&s, "two", 2);
	assert_int_equal(sem_trydown(&s), 0);
	assert_int_equal(sem_down(&s), 0);
	assert_int_equal(sem_trydown(&s), -EAGAIN);
	deadline = hal_time_ns() + 2 * MS;
	assert_int_equal(sem_down_until(&s, deadline), -ETIMEDOUT);
	assert_true(hal_time_ns() >= deadline);
	assert_int_equal(sem_count(&s), 0);
	assert_int_equal(sem_up(&s), 0);
	assert_int_equal(sem_count(&s), 1);
	assert_int_equal(sem_trydown(&s), 0);

	sem_init(&s, "full", (unsigned long)-1);
	assert_int_equal(sem_up(&s), -EOVERFLOW);
	assert_int_equal(sem_count(&s), (unsigned long)-1);
}

static struct semaphore fifo = SEMAPHORE_INIT(fifo, "fifo", 0);

static int fifo_taker(void *arg)
{
	if (sem_down(&fifo) != 0)
		return 1;
	harness_log_add((int)(intptr_t)arg);
	return 0;
}

static void test_units_go_to_waiters_in_arrival_order(void **state)
{
	static const int want[] = {1, 2, 3};
	struct task *t[3];
	(void)state;

	harness_log_reset();
	for (int i = 0; i < 3; i++) {
		t[i] = harness_spawn("taker", fifo_taker, (void *)(intptr_t)(i + 1), 0);
		HARNESS_YIELD_UNTIL(list_count(&fifo.waiters.waiters) == (size_t)i + 1);
		assert_int_equal(list_count(&fifo.waiters.waiters), i + 1);
	}
	/*
	 * One unit at a time, and the next only once its taker has logged: with
	 * several CPUs, takers woken together log in whatever order they run.
	 */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(sem_up(&fifo), 0);
		assert_int_equal(sem_count(&fifo), 0); /* the unit was handed over */
		HARNESS_YIELD_UNTIL(harness_log_len() == i + 1);
		assert_int_equal(harness_log_len(), i + 1);
	}
	for (int i = 0; i < 3; i++)
		assert_int_equal(harness_join(t[i]), 0);
	harness_log_expect(want, 3);
}

#define K           3
#define TAKERS      8
#define ROUNDS      20
#define YIELD_AFTER (20 * MS)
#define STAY_MAX    (100 * MS)

static struct semaphore limit = SEMAPHORE_INIT(limit, "limit", K);
static int inside, most_inside;
static uint64_t give_up;

static int limited(void *arg)
{
	(void)arg;
	for (int r = 0; r < ROUNDS && hal_time_ns() < give_up; r++) {
		struct task_info before, now;

		sem_down(&limit);
		/* Atomics: with several CPUs, holders come and go in parallel. */
		int n = __atomic_add_fetch(&inside, 1, __ATOMIC_SEQ_CST);
		int most = __atomic_load_n(&most_inside, __ATOMIC_SEQ_CST);

		while (n > most && !__atomic_compare_exchange_n(&most_inside, &most, n, false,
		                                                __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			;
		/*
		 * Stay until switched out, so the others get their chance to come
		 * in: by the tick, or after YIELD_AFTER by yielding, and no longer
		 * than STAY_MAX (with several CPUs the last holder may have no one
		 * to yield to). The tick comes first as a rule; under
		 * ThreadSanitizer, which holds the timer's signal back from a busy
		 * loop, the yield or STAY_MAX is what ends the wait.
		 */
		uint64_t entered = hal_time_ns();

		task_get_info(task_current(), &before);
		do {
			if (hal_time_ns() - entered > YIELD_AFTER)
				task_yield();
			task_get_info(task_current(), &now);
		} while (now.switches_in == before.switches_in &&
		         hal_time_ns() - entered < STAY_MAX && hal_time_ns() < give_up);
		__atomic_sub_fetch(&inside, 1, __ATOMIC_SEQ_CST);
		sem_up(&limit);
	}
	return 0;
}

static void test_k_holders_at_most_and_at_last(void **state)
{
	struct task *t[TAKERS];
	(void)state;

	inside = most_inside = 0;
	give_up = harness_give_up();
	for (int i = 0; i < TAKERS; i++)
		t[i] = harness_spawn("limited", limited, NULL, 0);
	for (int i = 0; i < TAKERS; i++)
		harness_join(t[i]);
	harness_check_deadline(give_up, "every round");
	assert_int_equal(most_inside, K);
	assert_int_equal(sem_count(&limit), K);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_counts_trydown_and_timeout),
	    cmocka_unit_test(test_units_go_to_waiters_in_arrival_order),
	    cmocka_unit_test(test_k_holders_at_most_and_at_last),
	};
	harness_boot();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
