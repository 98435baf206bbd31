/*
 * Reader-writer locks with real tasks under round-robin preemption: shared
 * readers, exclusive writers, no writer starvation (readers queue behind a
 * waiting writer), a writer's unlock admits every waiting reader, timeouts,
 * misuse reports, and a stress where readers must never see a half-done
 * write while holders are preempted inside.
 */
#include "harness.h"
#include "kit_test.h"
#include <hal/time.h>
#include <klib/errno.h>
#include <sync/rwlock.h>

#define MS 1000000ull

static struct rwlock rw = RWLOCK_INIT(rw, "test_rw");
static volatile int phase;

static int reader_until_phase2(void *arg)
{
	(void)arg;
	if (rwlock_read_lock(&rw) != 0)
		return 1;
	phase = 1;
	HARNESS_YIELD_UNTIL(phase == 2);
	return rwlock_read_unlock(&rw) || phase != 2;
}

static int writer(void *arg)
{
	int rc = rwlock_write_lock(&rw);

	harness_log_add((int)(intptr_t)arg);
	return rc ? rc : rwlock_write_unlock(&rw);
}

static int reader(void *arg)
{
	int rc = rwlock_read_lock(&rw);

	harness_log_add((int)(intptr_t)arg);
	return rc ? rc : rwlock_read_unlock(&rw);
}

static void test_readers_share_writers_wait_and_are_not_starved(void **state)
{
	struct task *r, *w;
	uint64_t deadline;
	(void)state;

	phase = 0;
	harness_log_reset();
	r = harness_spawn("reader", reader_until_phase2, NULL, 0);
	HARNESS_YIELD_UNTIL(phase == 1);
	assert_int_equal(phase, 1);
	assert_int_equal(rwlock_read_trylock(&rw), 0); /* a second reader joins */
	assert_int_equal(rwlock_write_trylock(&rw), -EBUSY);
	deadline = hal_time_ns() + 2 * MS;
	assert_int_equal(rwlock_write_lock_until(&rw, deadline), -ETIMEDOUT);
	assert_true(hal_time_ns() >= deadline);
	assert_int_equal(rwlock_read_unlock(&rw), 0);

	w = harness_spawn("writer", writer, (void *)1, 0);
	HARNESS_YIELD_UNTIL(!wq_empty(&rw.write_waiters));
	assert_false(wq_empty(&rw.write_waiters));
	/* A writer waits: new readers queue behind it. */
	assert_int_equal(rwlock_read_trylock(&rw), -EBUSY);
	phase = 2; /* the reader leaves: the writer gets the lock */
	assert_int_equal(harness_join(r), 0);
	assert_int_equal(harness_join(w), 0);
	assert_int_equal(harness_log_len(), 1);
	assert_int_equal(rwlock_write_trylock(&rw), 0);
	assert_int_equal(rwlock_write_unlock(&rw), 0);
}

static void test_writer_unlock_admits_all_waiting_readers(void **state)
{
	struct task *r[3], *w;
	(void)state;

	harness_log_reset();
	assert_int_equal(rwlock_write_lock(&rw), 0);
	for (int i = 0; i < 3; i++)
		r[i] = harness_spawn("reader", reader, (void *)(intptr_t)(10 + i), 0);
	HARNESS_YIELD_UNTIL(list_count(&rw.read_waiters.waiters) == 3);
	assert_int_equal(list_count(&rw.read_waiters.waiters), 3);
	w = harness_spawn("writer", writer, (void *)20, 0);
	HARNESS_YIELD_UNTIL(!wq_empty(&rw.write_waiters));
	assert_false(wq_empty(&rw.write_waiters));
	assert_int_equal(rwlock_write_unlock(&rw), 0);
	assert_int_equal(rw.readers, 3); /* granted together, before they even run */
	assert_false(wq_empty(&rw.write_waiters));
	for (int i = 0; i < 3; i++)
		assert_int_equal(harness_join(r[i]), 0);
	assert_int_equal(harness_join(w), 0);
	/* The writer came last: after every reader that queued before it. */
	assert_int_equal(harness_log_len(), 4);
	assert_int_equal(harness_log[3], 20);
}

static void test_misuse_is_reported(void **state)
{
	(void)state;
	assert_int_equal(rwlock_write_lock(&rw), 0);
#ifdef CONFIG_DEBUG
	expect_panic(rwlock_write_lock(&rw));
	assert_true(kit_test_output_has("already write-holds 'test_rw' (returns -EDEADLK)"));
	expect_panic(rwlock_read_unlock(&rw));
	assert_true(
	    kit_test_output_has("'test_rw' is not read-locked (task 'main') (returns -EPERM)"));
#endif
	assert_int_equal(rwlock_write_unlock(&rw), 0);
#ifdef CONFIG_DEBUG
	expect_panic(rwlock_write_unlock(&rw));
	assert_true(
	    kit_test_output_has("does not write-hold 'test_rw' (writer: (none)) (returns -EPERM)"));
#endif
	assert_int_equal(rwlock_read_lock(&rw), 0);
	assert_int_equal(rwlock_read_unlock(&rw), 0);
}

/* Writers keep a == b; readers must always see them equal. */
#define STRESS_TASKS  6
#define STRESS_ROUNDS 15

static volatile unsigned long a, b;
static int torn_reads, writers_inside, readers_inside, overlaps;
static uint64_t give_up;

static void stay_until_preempted(void)
{
	struct task_info before, now;

	task_get_info(task_current(), &before);
	do
		task_get_info(task_current(), &now);
	while (now.preemptions == before.preemptions && hal_time_ns() < give_up);
}

static int stress(void *arg)
{
	bool is_writer = (intptr_t)arg % 3 == 0;

	for (int r = 0; r < STRESS_ROUNDS && hal_time_ns() < give_up; r++) {
		if (is_writer) {
			rwlock_write_lock(&rw);
			if (writers_inside++ || readers_inside)
				overlaps++;
			a++;
			stay_until_preempted(); /* half-done: a != b */
			b++;
			writers_inside--;
			rwlock_write_unlock(&rw);
		} else {
			rwlock_read_lock(&rw);
			__atomic_fetch_add(&readers_inside, 1, __ATOMIC_RELAXED);
			if (writers_inside)
				overlaps++;
			if (a != b)
				torn_reads++;
			stay_until_preempted();
			__atomic_fetch_sub(&readers_inside, 1, __ATOMIC_RELAXED);
			rwlock_read_unlock(&rw);
		}
	}
	return 0;
}

static void test_readers_never_see_a_half_done_write(void **state)
{
	struct task *t[STRESS_TASKS], *h;
	(void)state;

	give_up = harness_give_up();
	h = harness_hog(0); /* a writer waiting to be preempted has someone to yield to */
	a = b = 0;
	torn_reads = overlaps = writers_inside = readers_inside = 0;
	give_up = harness_give_up();
	for (int i = 0; i < STRESS_TASKS; i++)
		t[i] = harness_spawn("stress", stress, (void *)(intptr_t)i, 0);
	for (int i = 0; i < STRESS_TASKS; i++)
		harness_join(t[i]);
	harness_hogs_stop();
	harness_join(h);
	harness_check_deadline(give_up, "the stress rounds");
	assert_int_equal(torn_reads, 0);
	assert_int_equal(overlaps, 0);
	assert_true(a == b && a == 2 * STRESS_ROUNDS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_readers_share_writers_wait_and_are_not_starved),
	    cmocka_unit_test(test_writer_unlock_admits_all_waiting_readers),
	    cmocka_unit_test(test_misuse_is_reported),
	    cmocka_unit_test(test_readers_never_see_a_half_done_write),
	};
	harness_boot();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
