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
 * consumed, not on wall-clock time.
 */
#include "harness.h"
#include "kit_test.h"
#include <hal/time.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cpu_time_in_proportion_to_weight),
	};
	harness_boot();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
