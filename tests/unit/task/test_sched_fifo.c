/*
 * The FIFO policy with real tasks: ready tasks run in the order they became
 * ready, yield moves a task to the back, and nothing is ever preempted, not
 * even when a timer interrupt wakes a sleeper in the middle of a long run.
 * With SMP (tests/unit/matrix.py's tsan variant, at 4 CPUs: KIT_CPUS in
 * CMakeLists.txt): tasks made in a burst on one CPU, none of which ever
 * yields, each find an idle CPU, with no tick to balance them.
 */
#include "harness.h"
#include "kit_test.h"
#include <hal/smp.h>
#include <hal/time.h>
#include <klib/errno.h>
#include <string.h>

static int yielder(void *arg)
{
	int id = (int)(intptr_t)arg;

	for (int i = 0; i < 3; i++) {
		harness_log_add(id);
		task_yield();
	}
	return id * 10;
}

static void test_creation_order_then_yield_rotates(void **state)
{
	static const int want[] = {1, 2, 3, 1, 2, 3, 1, 2, 3};
	struct task *t[3];
	(void)state;

	harness_log_reset();
	for (int i = 0; i < 3; i++)
		t[i] = harness_spawn("yielder", yielder, (void *)(intptr_t)(i + 1), 0);
	/* main blocks in the join: the three run in creation order. */
	for (int i = 0; i < 3; i++)
		assert_int_equal(harness_join(t[i]), (i + 1) * 10);
	harness_log_expect(want, 9);
	assert_string_equal(task_sched_name(), "fifo");
}

enum { EV_SPIN_START = 1, EV_SPIN_END, EV_SLEEPER_WOKE };

static volatile int sleeper_woke;
static struct task_info spinner_info;

static int sleeper(void *arg)
{
	(void)arg;
	task_sleep_ns(2000000); /* its timer interrupt comes during the spin */
	sleeper_woke = 1;
	harness_log_add(EV_SLEEPER_WOKE);
	return 0;
}

static int spinner(void *arg)
{
	uint64_t end = hal_time_ns() + 30000000; /* 15x the sleeper's delay */
	(void)arg;

	harness_log_add(EV_SPIN_START);
	while (hal_time_ns() < end && !sleeper_woke)
		;
	harness_log_add(EV_SPIN_END);
	task_get_info(task_current(), &spinner_info);
	return 0;
}

static void test_no_preemption_even_when_a_sleeper_wakes(void **state)
{
	static const int want[] = {EV_SPIN_START, EV_SPIN_END, EV_SLEEPER_WOKE};
	struct task *s, *p;
	(void)state;

	harness_log_reset();
	sleeper_woke = 0;
	s = harness_spawn("sleeper", sleeper, NULL, 0);
	p = harness_spawn("spinner", spinner, NULL, 0);
	harness_join(p);
	harness_join(s);
	/* Had the wakeup preempted the spinner, the sleeper would have ended
	 * the spin early (and logged before SPIN_END). */
	harness_log_expect(want, 3);
	assert_int_equal(spinner_info.preemptions, 0);
	assert_int_equal(spinner_info.switches_in, 1);
}

/* A woken task joins the back of the queue, behind those already ready. */
static struct wait_queue wq = WAIT_QUEUE_INIT(wq);
static hal_spinlock_t wq_lock = HAL_SPINLOCK_INIT;

enum { EV_W = 1, EV_X1, EV_X2, EV_Y1, EV_Y2 };

static int waiter(void *arg)
{
	unsigned long flags = hal_spin_lock_irqsave(&wq_lock);
	int rc = wq_wait(&wq, &wq_lock, TASK_FOREVER);

	wq_unlock(&wq_lock, flags);
	harness_log_add(EV_W);
	(void)arg;
	return rc;
}

static int waker_x(void *arg)
{
	unsigned long flags;
	(void)arg;

	harness_log_add(EV_X1);
	flags = hal_spin_lock_irqsave(&wq_lock);
	assert_non_null(wq_wake_one(&wq));
	wq_unlock(&wq_lock, flags);
	task_yield();
	harness_log_add(EV_X2);
	return 0;
}

static int other_y(void *arg)
{
	(void)arg;
	harness_log_add(EV_Y1);
	task_yield();
	harness_log_add(EV_Y2);
	return 0;
}

static void test_woken_task_queues_at_the_back(void **state)
{
	/* W waits; X wakes W (queue: Y W), yields (W X behind Y); Y yields. */
	static const int want[] = {EV_X1, EV_Y1, EV_W, EV_X2, EV_Y2};
	struct task *w, *x, *y;
	(void)state;

	harness_log_reset();
	w = harness_spawn("w", waiter, NULL, 0);
	x = harness_spawn("x", waker_x, NULL, 0);
	y = harness_spawn("y", other_y, NULL, 0);
	assert_int_equal(harness_join(w), 0);
	harness_join(x);
	harness_join(y);
	harness_log_expect(want, 5);
}

/*
 * One task per CPU, all made on this CPU at once: each must find a CPU of its own, since none
 * gives its CPU up until all are in. Under FIFO no tick balances; the wakers' kicks and the idle
 * CPUs' pulls must place them (a burst once kicked the same idle CPU each time: it took one task,
 * the rest waited forever behind the spinner on this CPU; sched-demo's parallel check hung).
 */
#define BURST_ROUNDS 20

static unsigned burst_in, burst_n;
static uint64_t burst_give_up;

static int burst_task(void *arg)
{
	(void)arg;
	__atomic_fetch_add(&burst_in, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&burst_in, __ATOMIC_SEQ_CST) < burst_n)
		if (hal_time_ns() > burst_give_up)
			return 1;
	return 0;
}

static void test_a_burst_of_tasks_each_finds_an_idle_cpu(void **state)
{
	struct task_attr attr = {.cpus = hal_cpu_online_mask()};
	struct task *t[HAL_NR_CPUS];
	(void)state;

	burst_n = hal_cpu_count();
	for (int round = 0; round < BURST_ROUNDS; round++) {
		burst_in = 0;
		burst_give_up = harness_give_up();
		for (unsigned i = 0; i < burst_n; i++)
			assert_int_equal(task_create(&t[i], "burst", burst_task, NULL, &attr), 0);
		/* main waits in join (its CPU 0 takes a task too). */
		for (unsigned i = 0; i < burst_n; i++)
			assert_int_equal(harness_join(t[i]), 0);
		assert_int_equal(burst_in, burst_n);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_creation_order_then_yield_rotates),
	    cmocka_unit_test(test_no_preemption_even_when_a_sleeper_wakes),
	    cmocka_unit_test(test_woken_task_queues_at_the_back),
	    cmocka_unit_test(test_a_burst_of_tasks_each_finds_an_idle_cpu),
	};
	harness_boot();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
