/*
 * Wait queues and sleeping, with real tasks under the round-robin policy:
 * timeouts (never early), FIFO wakeups, no stale timer after an early
 * wakeup, and no wakeup lost or double-counted when a wakeup races a
 * timeout. Sleep is timer-driven: a sleeper is switched in once, when its
 * deadline has come, never polled. Interruptions end the waits made for
 * them, and only those.
 */
#include "harness.h"
#include "kit_test.h"
#include <hal/time.h>
#include <klib/errno.h>

#define US 1000ull
#define MS 1000000ull

static struct wait_queue wq = WAIT_QUEUE_INIT(wq);
static hal_spinlock_t lock = HAL_SPINLOCK_INIT;

static int wait_until(uint64_t deadline)
{
	unsigned long flags = hal_spin_lock_irqsave(&lock);
	int rc = wq_wait(&wq, &lock, deadline);

	wq_unlock(&lock, flags);
	return rc;
}

static struct task *wake_one(void)
{
	unsigned long flags = hal_spin_lock_irqsave(&lock);
	struct task *t = wq_wake_one(&wq);

	wq_unlock(&lock, flags);
	return t;
}

static void test_timeout_is_never_early(void **state)
{
	(void)state;
	for (int i = 0; i < 20; i++) {
		uint64_t deadline = hal_time_ns() + (uint64_t)(i % 5 + 1) * 300 * US;
		assert_int_equal(wait_until(deadline), -ETIMEDOUT);
		assert_true(hal_time_ns() >= deadline);
	}
	assert_true(wq_empty(&wq));
}

static void test_past_deadline_returns_at_once(void **state)
{
	struct task_info before, after;
	(void)state;

	task_get_info(task_current(), &before);
	assert_int_equal(wait_until(hal_time_ns()), -ETIMEDOUT);
	assert_int_equal(wait_until(0), -ETIMEDOUT);
	task_get_info(task_current(), &after);
	assert_int_equal(after.switches_in, before.switches_in); /* never slept */
	assert_true(wq_empty(&wq));
}

static int fifo_waiter(void *arg)
{
	unsigned long flags = hal_spin_lock_irqsave(&lock);
	int rc = wq_wait(&wq, &lock, TASK_FOREVER);

	wq_unlock(&lock, flags);
	harness_log_add((int)(intptr_t)arg);
	return rc;
}

static void test_waiters_wake_in_fifo_order(void **state)
{
	static const int want[] = {1, 2, 3};
	struct task *t[3];
	(void)state;

	harness_log_reset();
	for (int i = 0; i < 3; i++) {
		t[i] = harness_spawn("waiter", fifo_waiter, (void *)(intptr_t)(i + 1), 0);
		HARNESS_YIELD_UNTIL(list_count(&wq.waiters) == (size_t)i + 1); /* one at a time */
		assert_int_equal(list_count(&wq.waiters), i + 1);
	}
	/* The next wake only once the woken one has logged: on several CPUs the
	 * woken tasks would otherwise log in whatever order they run. */
	for (int i = 0; i < 3; i++) {
		assert_ptr_equal(wake_one(), t[i]);
		HARNESS_YIELD_UNTIL(harness_log_len() == i + 1);
		assert_int_equal(harness_log_len(), i + 1);
	}
	assert_null(wake_one());
	for (int i = 0; i < 3; i++)
		assert_int_equal(harness_join(t[i]), 0);
	harness_log_expect(want, 3);
}

static int wake_all_waiter(void *arg)
{
	(void)arg;
	return fifo_waiter(NULL);
}

static void test_wake_all_wakes_everyone(void **state)
{
	struct task *t[5];
	unsigned long flags;
	(void)state;

	for (int i = 0; i < 5; i++)
		t[i] = harness_spawn("waiter", wake_all_waiter, NULL, 0);
	HARNESS_YIELD_UNTIL(list_count(&wq.waiters) == 5);
	assert_int_equal(list_count(&wq.waiters), 5);
	flags = hal_spin_lock_irqsave(&lock);
	assert_int_equal(wq_wake_all(&wq), 5);
	wq_unlock(&lock, flags);
	for (int i = 0; i < 5; i++)
		assert_int_equal(harness_join(t[i]), 0);
}

/*
 * Woken long before its deadline, a waiter must leave no timer behind: its
 * next, untimed wait would otherwise end at the old deadline.
 */
static volatile int phase;

static int early_waiter(void *arg)
{
	int first, second;
	(void)arg;

	first = wait_until(hal_time_ns() + 20 * MS);
	phase = 1;
	second = wait_until(TASK_FOREVER);
	return first == 0 && second == 0 && phase == 2 ? 0 : 1;
}

static void test_early_wakeup_leaves_no_stale_timer(void **state)
{
	struct task *t;
	(void)state;

	phase = 0;
	t = harness_spawn("early", early_waiter, NULL, 0);
	HARNESS_YIELD_UNTIL(!wq_empty(&wq));
	assert_ptr_equal(wake_one(), t);
	HARNESS_YIELD_UNTIL(phase == 1 && !wq_empty(&wq));
	assert_int_equal(phase, 1);
	task_sleep_ns(40 * MS); /* well past the first deadline */
	phase = 2;
	assert_ptr_equal(wake_one(), t);
	assert_int_equal(harness_join(t), 0);
}

/*
 * Wakeups racing timeouts: every wakeup that chose a waiter is seen by that
 * waiter as a success (0), and every -ETIMEDOUT came at or after its
 * deadline. Nothing is lost, nothing counted twice.
 */
#define RACE_ROUNDS 1500

static volatile int racing;
static int successes, early_timeouts;
static unsigned long wakeups;

static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int racer_waiter(void *arg)
{
	uint64_t seed = 0x1234567;
	(void)arg;

	for (int i = 0; i < RACE_ROUNDS; i++) {
		uint64_t deadline = hal_time_ns() + next_rand(&seed) % (200 * US);
		int rc = wait_until(deadline);
		if (rc == 0)
			successes++;
		else if (rc != -ETIMEDOUT || hal_time_ns() < deadline)
			early_timeouts++;
	}
	racing = 0;
	return 0;
}

static int racer_waker(void *arg)
{
	uint64_t seed = 0x7654321;
	(void)arg;

	while (racing) {
		task_sleep_ns(next_rand(&seed) % (200 * US));
		if (wake_one())
			wakeups++;
	}
	return 0;
}

static void test_wakeups_racing_timeouts_are_never_lost(void **state)
{
	struct task *w, *k;
	(void)state;

	racing = 1;
	successes = early_timeouts = 0;
	wakeups = 0;
	w = harness_spawn("waiter", racer_waiter, NULL, 0);
	k = harness_spawn("waker", racer_waker, NULL, 0);
	harness_join(w);
	harness_join(k);
	assert_int_equal(early_timeouts, 0);
	assert_int_equal((unsigned long)successes, wakeups);
	/* Both outcomes happened, so the race was really exercised. */
	assert_true(successes > 0 && successes < RACE_ROUNDS);
}

static int sleeper(void *arg)
{
	uint64_t delay = (uint64_t)(intptr_t)arg * MS, deadline = hal_time_ns() + delay;
	struct task_info info;

	task_sleep_until(deadline);
	harness_log_add((int)(delay / MS));
	task_get_info(task_current(), &info);
	/* Switched in twice (start, wakeup) and not before its deadline. */
	return hal_time_ns() >= deadline && info.switches_in == 2 ? 0 : 1;
}

static void test_sleepers_wake_in_deadline_order_without_polling(void **state)
{
	static const int want[] = {10, 20, 30};
	struct task *t[3];
	(void)state;

	harness_log_reset();
	t[0] = harness_spawn("s30", sleeper, (void *)30, 0);
	t[1] = harness_spawn("s10", sleeper, (void *)10, 0);
	t[2] = harness_spawn("s20", sleeper, (void *)20, 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(harness_join(t[i]), 0);
	harness_log_expect(want, 3);
}

static void test_main_sleeps_until_its_deadline(void **state)
{
	uint64_t deadline = hal_time_ns() + 5 * MS;
	(void)state;

	task_sleep_until(deadline);
	assert_true(hal_time_ns() >= deadline);
}

/*
 * Interruptions (task_interrupt): a wait ends with -EINTR exactly when an
 * interruption it was made for is raised; a wait made for none, or for
 * another kind, sleeps on; one raised before the wait ends it without
 * sleeping; a waker's handover still wins (0).
 */
static int wait_intr(uint64_t deadline, unsigned intr)
{
	unsigned long flags = hal_spin_lock_irqsave(&lock);
	int rc = wq_wait_intr(&wq, &lock, deadline, intr);

	wq_unlock(&lock, flags);
	return rc;
}

static int intr_waiter(void *arg)
{
	return wait_intr(TASK_FOREVER, (unsigned)(uintptr_t)arg);
}

/* Spawn a waiter for 'intr', raise 'raise' on it once it sleeps; its result. */
static int interrupted_wait(unsigned intr, unsigned raise, bool then_wake)
{
	struct task *t = harness_spawn("intr", intr_waiter, (void *)(uintptr_t)intr, 0);

	HARNESS_YIELD_UNTIL(!wq_empty(&wq));
	task_interrupt(t, raise);
	for (int i = 0; i < 5; i++)
		task_yield(); /* it runs now if the interruption woke it */
	if (then_wake) {
		assert_false(wq_empty(&wq)); /* still asleep */
		assert_ptr_equal(wake_one(), t);
	}
	return harness_join(t);
}

static void test_interruptions_end_only_the_waits_made_for_them(void **state)
{
	(void)state;
	assert_int_equal(interrupted_wait(TASK_WAIT_KILLABLE, TASK_INTR_FATAL, false), -EINTR);
	assert_int_equal(interrupted_wait(TASK_WAIT_INTERRUPTIBLE, TASK_INTR_FATAL, false), -EINTR);
	assert_int_equal(interrupted_wait(TASK_WAIT_INTERRUPTIBLE, TASK_INTR_SIGNAL, false),
	                 -EINTR);
	/* A signal does not end a killable wait; nothing ends an uninterruptible one. */
	assert_int_equal(interrupted_wait(TASK_WAIT_KILLABLE, TASK_INTR_SIGNAL, true), 0);
	assert_int_equal(interrupted_wait(0, TASK_INTR_FATAL | TASK_INTR_SIGNAL, true), 0);
	assert_true(wq_empty(&wq));
}

static void test_raised_interruption_ends_the_wait_without_sleeping(void **state)
{
	struct task_info before, after;
	(void)state;

	task_interrupt(task_current(), TASK_INTR_SIGNAL);
	assert_int_equal(task_interrupts(task_current()), TASK_INTR_SIGNAL);
	task_get_info(task_current(), &before);
	assert_int_equal(wait_intr(TASK_FOREVER, TASK_WAIT_INTERRUPTIBLE), -EINTR);
	assert_int_equal(task_sleep_until_intr(TASK_FOREVER, TASK_WAIT_INTERRUPTIBLE), -EINTR);
	task_get_info(task_current(), &after);
	assert_int_equal(after.switches_in, before.switches_in); /* never slept */
	assert_true(wq_empty(&wq));
	/* Still raised until cleared: a killable wait ignores it and times out. */
	assert_int_equal(wait_intr(hal_time_ns() + 2 * MS, TASK_WAIT_KILLABLE), -ETIMEDOUT);
	task_interrupt_clear(task_current(), TASK_INTR_SIGNAL);
	assert_int_equal(task_interrupts(task_current()), 0);
	assert_int_equal(wait_intr(hal_time_ns() + 2 * MS, TASK_WAIT_INTERRUPTIBLE), -ETIMEDOUT);
}

static int intr_sleeper(void *arg)
{
	(void)arg;
	return task_sleep_until_intr(TASK_FOREVER, TASK_WAIT_KILLABLE);
}

static void test_killable_sleep_ends_at_interruption_or_deadline(void **state)
{
	uint64_t deadline = hal_time_ns() + 3 * MS;
	struct task *t;
	(void)state;

	assert_int_equal(task_sleep_until_intr(deadline, TASK_WAIT_KILLABLE), 0);
	assert_true(hal_time_ns() >= deadline);
	t = harness_spawn("sleeper", intr_sleeper, NULL, 0);
	task_sleep_ns(2 * MS); /* it sleeps for ever */
	task_interrupt(t, TASK_INTR_FATAL);
	assert_int_equal(harness_join(t), -EINTR);
}

/*
 * Interruptions racing wakeups and timeouts: every wakeup that chose the
 * waiter is seen as 0, and no wait is reported interrupted unless the
 * interruption was raised.
 */
static int intr_successes, intr_wrong;
static struct task *intr_racer;

static int intr_race_waiter(void *arg)
{
	uint64_t seed = 0x2468ace;
	(void)arg;

	for (int i = 0; i < RACE_ROUNDS; i++) {
		uint64_t deadline = hal_time_ns() + next_rand(&seed) % (200 * US);
		int rc = wait_intr(deadline, TASK_WAIT_KILLABLE);
		if (rc == 0)
			intr_successes++;
		else if (rc == -EINTR && !(task_interrupts(task_current()) & TASK_INTR_FATAL))
			intr_wrong++;
		else if (rc == -ETIMEDOUT && hal_time_ns() < deadline)
			intr_wrong++;
		task_interrupt_clear(task_current(), TASK_INTR_FATAL);
	}
	racing = 0;
	return 0;
}

static int intr_race_interrupter(void *arg)
{
	uint64_t seed = 0x1357bdf;
	(void)arg;

	while (racing) {
		task_sleep_ns(next_rand(&seed) % (300 * US));
		task_interrupt(intr_racer, TASK_INTR_FATAL);
	}
	return 0;
}

static void test_interruptions_racing_wakeups_lose_nothing(void **state)
{
	struct task *k, *i;
	(void)state;

	racing = 1;
	intr_successes = intr_wrong = 0;
	wakeups = 0;
	intr_racer = harness_spawn("waiter", intr_race_waiter, NULL, 0);
	k = harness_spawn("waker", racer_waker, NULL, 0);
	i = harness_spawn("interrupter", intr_race_interrupter, NULL, 0);
	/* The interrupter may raise one last time after the waiter is done: join it first. */
	harness_join(i);
	harness_join(k);
	harness_join(intr_racer);
	assert_int_equal(intr_wrong, 0);
	assert_int_equal((unsigned long)intr_successes, wakeups);
	assert_true(intr_successes > 0 && intr_successes < RACE_ROUNDS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_timeout_is_never_early),
	    cmocka_unit_test(test_past_deadline_returns_at_once),
	    cmocka_unit_test(test_waiters_wake_in_fifo_order),
	    cmocka_unit_test(test_wake_all_wakes_everyone),
	    cmocka_unit_test(test_early_wakeup_leaves_no_stale_timer),
	    cmocka_unit_test(test_wakeups_racing_timeouts_are_never_lost),
	    cmocka_unit_test(test_sleepers_wake_in_deadline_order_without_polling),
	    cmocka_unit_test(test_main_sleeps_until_its_deadline),
	    cmocka_unit_test(test_interruptions_end_only_the_waits_made_for_them),
	    cmocka_unit_test(test_raised_interruption_ends_the_wait_without_sleeping),
	    cmocka_unit_test(test_killable_sleep_ends_at_interruption_or_deadline),
	    cmocka_unit_test(test_interruptions_racing_wakeups_lose_nothing),
	};
	harness_boot();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
