/*
 * Condition variables with real tasks under round-robin preemption. Two
 * stresses, with cond_signal (not broadcast) sent both with and without the
 * mutex held:
 *   - producers and consumers over a small bounded buffer: every item must
 *     arrive exactly once;
 *   - ping-pong pairs over one-slot mailboxes, where every signal is needed:
 *     one lost wakeup and the pair waits for each other for good.
 * Every wait is bounded; a wait that runs out means a lost wakeup and fails
 * the test.
 */
#include "harness.h"
#include "kit_test.h"
#include <hal/time.h>
#include <klib/errno.h>
#include <sync/cond.h>
#include <sync/mutex.h>
#include <task/task.h>

#define MS        1000000ull
#define PRODUCERS 4
#define CONSUMERS 4
#define ITEMS     3000 /* per producer */
#define SLOTS     4

static struct mutex lock = MUTEX_INIT(lock, "buffer");
static struct cond not_empty = COND_INIT(not_empty, "not_empty");
static struct cond not_full = COND_INIT(not_full, "not_full");
static int buffer[SLOTS], head, count, remaining, lost_wakeups;
static unsigned char seen[PRODUCERS * ITEMS];
static uint64_t give_up;

static int producer(void *arg)
{
	int base = (int)(intptr_t)arg * ITEMS;

	for (int i = 0; i < ITEMS; i++) {
		mutex_lock(&lock);
		while (count == SLOTS) {
			if (cond_wait_until(&not_full, &lock, give_up) == -ETIMEDOUT) {
				lost_wakeups++;
				mutex_unlock(&lock);
				return 1;
			}
		}
		buffer[(head + count++) % SLOTS] = base + i;
		if (i % 2) {
			cond_signal(&not_empty);
			mutex_unlock(&lock);
		} else {
			mutex_unlock(&lock);
			cond_signal(&not_empty); /* after the unlock: must not be lost either */
		}
	}
	return 0;
}

static int consumer(void *arg)
{
	(void)arg;
	for (;;) {
		mutex_lock(&lock);
		while (count == 0 && remaining > 0) {
			if (cond_wait_until(&not_empty, &lock, give_up) == -ETIMEDOUT) {
				lost_wakeups++;
				mutex_unlock(&lock);
				return 1;
			}
		}
		if (remaining == 0) {
			mutex_unlock(&lock);
			return 0;
		}
		int item = buffer[head];
		head = (head + 1) % SLOTS;
		count--;
		if (--remaining == 0)
			cond_broadcast(&not_empty); /* the other consumers can stop */
		seen[item]++;
		cond_signal(&not_full);
		mutex_unlock(&lock);
	}
}

static void test_producers_consumers_lose_no_wakeup(void **state)
{
	struct task *p[PRODUCERS], *c[CONSUMERS];
	(void)state;

	head = count = lost_wakeups = 0;
	remaining = PRODUCERS * ITEMS;
	give_up = harness_give_up();
	for (int i = 0; i < CONSUMERS; i++)
		c[i] = harness_spawn("consumer", consumer, NULL, 0);
	for (int i = 0; i < PRODUCERS; i++)
		p[i] = harness_spawn("producer", producer, (void *)(intptr_t)i, 0);
	for (int i = 0; i < PRODUCERS; i++)
		assert_int_equal(harness_join(p[i]), 0);
	for (int i = 0; i < CONSUMERS; i++)
		assert_int_equal(harness_join(c[i]), 0);
	assert_int_equal(lost_wakeups, 0);
	assert_int_equal(remaining, 0);
	for (int i = 0; i < PRODUCERS * ITEMS; i++)
		if (seen[i] != 1)
			fail_msg("item %d consumed %d times", i, seen[i]);
}

#define PAIRS  4
#define ROUNDS 20000

struct mailbox {
	struct cond full, empty;
	int value, has_value;
};

static struct mailbox boxes[PAIRS];

static int pinger(void *arg)
{
	struct mailbox *b = arg;

	for (int i = 1; i <= ROUNDS; i++) {
		mutex_lock(&lock);
		while (b->has_value)
			if (cond_wait_until(&b->empty, &lock, give_up) == -ETIMEDOUT)
				goto lost;
		b->value = i;
		b->has_value = 1;
		if (i % 2) {
			cond_signal(&b->full);
			mutex_unlock(&lock);
		} else {
			mutex_unlock(&lock);
			cond_signal(&b->full);
		}
	}
	return 0;
lost:
	lost_wakeups++;
	mutex_unlock(&lock);
	return 1;
}

static int ponger(void *arg)
{
	struct mailbox *b = arg;

	for (int i = 1; i <= ROUNDS; i++) {
		mutex_lock(&lock);
		while (!b->has_value)
			if (cond_wait_until(&b->full, &lock, give_up) == -ETIMEDOUT)
				goto lost;
		if (b->value != i)
			goto lost;
		b->has_value = 0;
		if (i % 2) {
			mutex_unlock(&lock);
			cond_signal(&b->empty);
		} else {
			cond_signal(&b->empty);
			mutex_unlock(&lock);
		}
	}
	return 0;
lost:
	lost_wakeups++;
	mutex_unlock(&lock);
	return 1;
}

static void test_ping_pong_pairs_lose_no_wakeup(void **state)
{
	struct task *t[2 * PAIRS];
	(void)state;

	lost_wakeups = 0;
	give_up = harness_give_up();
	for (int i = 0; i < PAIRS; i++) {
		cond_init(&boxes[i].full, "full");
		cond_init(&boxes[i].empty, "empty");
		boxes[i].has_value = 0;
		t[2 * i] = harness_spawn("ping", pinger, &boxes[i], 0);
		t[2 * i + 1] = harness_spawn("pong", ponger, &boxes[i], 0);
	}
	for (int i = 0; i < 2 * PAIRS; i++)
		assert_int_equal(harness_join(t[i]), 0);
	assert_int_equal(lost_wakeups, 0);
}

static void test_timed_wait_times_out_holding_the_mutex(void **state)
{
	static struct cond never = COND_INIT(never, "never");
	uint64_t deadline;
	(void)state;

	mutex_lock(&lock);
	deadline = hal_time_ns() + 2 * MS;
	assert_int_equal(cond_wait_until(&never, &lock, deadline), -ETIMEDOUT);
	assert_true(hal_time_ns() >= deadline);
	assert_ptr_equal(mutex_owner(&lock), task_current());
	mutex_unlock(&lock);
}

static struct cond gate = COND_INIT(gate, "gate");
static int open_gate, waiting;

static int gate_waiter(void *arg)
{
	int rc = 0;
	(void)arg;

	mutex_lock(&lock);
	waiting++;
	while (!open_gate && rc == 0)
		rc = cond_wait_until(&gate, &lock, give_up);
	mutex_unlock(&lock);
	return rc;
}

static void test_broadcast_wakes_every_waiter(void **state)
{
	struct task *t[5];
	(void)state;

	open_gate = waiting = 0;
	give_up = harness_give_up();
	for (int i = 0; i < 5; i++)
		t[i] = harness_spawn("gate", gate_waiter, NULL, 0);
	HARNESS_YIELD_UNTIL(list_count(&gate.waiters.waiters) == 5);
	assert_int_equal(list_count(&gate.waiters.waiters), 5);
	mutex_lock(&lock);
	open_gate = 1;
	cond_broadcast(&gate);
	mutex_unlock(&lock);
	for (int i = 0; i < 5; i++)
		assert_int_equal(harness_join(t[i]), 0);
}

static unsigned intr_kind;

static int intr_waiter(void *arg)
{
	int rc = 0;
	(void)arg;

	mutex_lock(&lock);
	waiting++;
	while (!open_gate && rc == 0)
		rc = cond_wait_intr(&gate, &lock, give_up, intr_kind);
	if (mutex_owner(&lock) != task_current())
		rc = 1;
	mutex_unlock(&lock);
	return rc;
}

/* A signal for the task ends an interruptible wait (-EINTR, the mutex held again). */
static void test_interruption_ends_an_interruptible_wait(void **state)
{
	struct task *t;
	(void)state;

	open_gate = waiting = 0;
	intr_kind = TASK_WAIT_INTERRUPTIBLE;
	give_up = harness_give_up();
	t = harness_spawn("intr", intr_waiter, NULL, 0);
	HARNESS_YIELD_UNTIL(list_count(&gate.waiters.waiters) == 1);
	task_interrupt(t, TASK_INTR_SIGNAL);
	assert_int_equal(harness_join(t), -EINTR);
	assert_true(wq_empty(&gate.waiters));
}

/* A killable wait ignores a mere signal and ends for a fatal one; raised before, at once. */
static void test_killable_wait_ends_only_for_a_fatal_interruption(void **state)
{
	struct task *t;
	(void)state;

	open_gate = waiting = 0;
	intr_kind = TASK_WAIT_KILLABLE;
	give_up = harness_give_up();
	t = harness_spawn("kill", intr_waiter, NULL, 0);
	HARNESS_YIELD_UNTIL(list_count(&gate.waiters.waiters) == 1);
	task_interrupt(t, TASK_INTR_SIGNAL);
	for (int i = 0; i < 20; i++)
		task_yield();
	assert_int_equal(list_count(&gate.waiters.waiters), 1);
	task_interrupt(t, TASK_INTR_FATAL);
	assert_int_equal(harness_join(t), -EINTR);

	task_interrupt(task_current(), TASK_INTR_SIGNAL);
	mutex_lock(&lock);
	assert_int_equal(cond_wait_intr(&gate, &lock, TASK_FOREVER, TASK_WAIT_INTERRUPTIBLE),
	                 -EINTR);
	assert_ptr_equal(mutex_owner(&lock), task_current());
	mutex_unlock(&lock);
	task_interrupt_clear(task_current(), TASK_INTR_SIGNAL);
}

static void test_waiting_without_the_mutex_is_refused(void **state)
{
	(void)state;
#ifdef CONFIG_DEBUG
	expect_panic(cond_wait(&gate, &lock));
	assert_true(kit_test_output_has("does not hold mutex 'buffer' (returns -EPERM)"));
#endif
	assert_null(mutex_owner(&lock));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_producers_consumers_lose_no_wakeup),
	    cmocka_unit_test(test_ping_pong_pairs_lose_no_wakeup),
	    cmocka_unit_test(test_timed_wait_times_out_holding_the_mutex),
	    cmocka_unit_test(test_broadcast_wakes_every_waiter),
	    cmocka_unit_test(test_interruption_ends_an_interruptible_wait),
	    cmocka_unit_test(test_killable_wait_ends_only_for_a_fatal_interruption),
	    cmocka_unit_test(test_waiting_without_the_mutex_is_refused),
	};
	harness_boot();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
