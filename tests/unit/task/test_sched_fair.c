/*
 * The fair policy with real tasks and the real tick: CPU-bound tasks of
 * different nice values share the CPU by weight. The exact shares are
 * checked on a simulated clock (test_fair_policy.c); here the point is that
 * the real tick and accounting drive the policy. The shares compared are
 * the scheduler's own accounting. Time the host steals from this process is
 * charged to whichever task was running and paid back later, but a run can
 * end before the payback, so on a loaded host a share can be off by a host
 * time slice: the ratios are checked to within a factor of two (weights
 * ignored would give 1 where 9.3 is expected). The run ends on CPU time
 * consumed, not on wall-clock time. And a task woken a slice behind in
 * virtual time preempts the running one at once.
 */
#include "harness.h"
#include "kit_test.h"
#include <hal/cpu.h>
#include <hal/time.h>
#include <task/preempt.h>
#include <task/wait.h>

#define MS 1000000ull

static uint64_t runtime(struct task *t)
{
	struct task_info info;

	task_get_info(t, &info);
	return info.runtime_ns;
}

static void test_cpu_time_in_proportion_to_weight(void **state)
{
	/* Weights 3121 : 1024 : 335 (nice -5, 0, 5), about 9.3 : 3.1 : 1. */
	static const int nice[] = {-5, 0, 5};
	static const double weight[] = {3121, 1024, 335};
	struct task *t[3];
	uint64_t give_up = harness_give_up(), rt[3] = {0}, sum = 0;
	(void)state;

	for (int i = 0; i < 3; i++)
		t[i] = harness_hog(nice[i]);
	/* Main sleeps (it is not competing) until they had 1.2 s together. */
	while (sum < 1200 * MS) {
		harness_check_deadline(give_up, "1.2 s of CPU for the three tasks");
		task_sleep_ns(20 * MS);
		sum = 0;
		for (int i = 0; i < 3; i++) {
			rt[i] = runtime(t[i]);
			sum += rt[i];
		}
	}
	harness_hogs_stop();
	for (int i = 0; i < 3; i++)
		harness_join(t[i]);

	for (int i = 0; i < 2; i++) {
		for (int j = i + 1; j < 3; j++) {
			double ratio = (double)rt[i] / (double)rt[j], want = weight[i] / weight[j];
			if (ratio < want / 2 || ratio > want * 2)
				fail_msg(
				    "nice %d / nice %d got %.2f times the CPU, weights say %.2f",
				    nice[i], nice[j], ratio, want);
		}
	}
	assert_string_equal(task_sched_name(), "fair");
}

/*
 * A wakeup preempts: a task that slept while the running one went far ahead
 * in virtual time runs as soon as it is woken (in the waker's
 * preempt_enable here), not at the next tick. For the woken task to be
 * ahead by more than a slice (GRAN_NS), another ready task must hold
 * min_vruntime back: "other", made after main ran alone for 20 ticks, and
 * then main runs two ticks more, less than a slice (the tick would switch
 * to "other" past one). An attempt in which the host stole main a slice's
 * time meanwhile proves nothing and is made again.
 */
static struct wait_queue wake_wq = WAIT_QUEUE_INIT(wake_wq);
static hal_spinlock_t wake_lock = HAL_SPINLOCK_INIT;
static volatile int woken_ran, other_ran;

static int sleep_in_the_queue(void *arg)
{
	unsigned long flags = hal_spin_lock_irqsave(&wake_lock);
	int rc = wq_wait(&wake_wq, &wake_lock, TASK_FOREVER);

	(void)arg;
	hal_spin_unlock_irqrestore(&wake_lock, flags);
	woken_ran = 1;
	return rc;
}

static int note_a_run(void *arg)
{
	(void)arg;
	other_ran = 1;
	return 0;
}

static void spin_ticks(uint64_t n)
{
	uint64_t t0 = task_ticks(), until = harness_give_up();

	while (task_ticks() - t0 < n && hal_time_ns() < until)
		hal_cpu_relax();
}

static void test_a_wakeup_far_behind_preempts_at_once(void **state)
{
	const uint64_t slice = (uint64_t)CONFIG_TASK_FAIR_SLICE_US * 1000;
	(void)state;

	for (int attempt = 0; attempt < 20; attempt++) {
		struct task *w, *o;
		uint64_t rt0;
		unsigned long flags;
		bool clean;
		int ran;

		woken_ran = other_ran = 0;
		w = harness_spawn("sleeper", sleep_in_the_queue, NULL, 0);
		HARNESS_YIELD_UNTIL(!wq_empty(&wake_wq));
		spin_ticks(20); /* main alone: min_vruntime moves 20 ticks past the sleeper */
		o = harness_spawn("other", note_a_run, NULL, 0);
		rt0 = runtime(task_current());
		spin_ticks(2);
		preempt_disable();
		flags = hal_spin_lock_irqsave(&wake_lock);
		wq_wake_one(&wake_wq);
		hal_spin_unlock_irqrestore(&wake_lock, flags);
		clean = !other_ran && runtime(task_current()) - rt0 < slice * 3 / 4;
		preempt_enable(); /* the switch the wakeup asked for */
		ran = woken_ran;
		assert_int_equal(harness_join(w), 0);
		harness_join(o);
		if (clean) {
			if (!ran)
				fail_msg("the woken task, a slice behind, did not run at once");
			return;
		}
	}
	fail_msg("no attempt without a slice's time stolen by the host");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cpu_time_in_proportion_to_weight),
	    cmocka_unit_test(test_a_wakeup_far_behind_preempts_at_once),
	};
	harness_boot();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
