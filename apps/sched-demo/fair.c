/*
 * Fair: CPU-bound tasks share the CPU in proportion to their weights (nice
 * -5, 0, 5: weights 3121, 1024, 335), and equal nice means equal shares.
 * The shares are the scheduler's own accounting; time the host takes from
 * the guest is charged to the running task and paid back later, but a run
 * may end before the payback, so each ratio is judged to within a factor
 * of 1.5 (ignoring the weights would give 1 where 9.3 is due). Runs end on
 * CPU time consumed, not on elapsed time.
 */
#include <klib/printf.h>
#include "demo.h"

static volatile int stop;

static int hog(void *arg)
{
	(void)arg;
	while (!stop)
		;
	return 0;
}

static uint64_t runtime(struct task *t)
{
	struct task_info info;

	task_get_info(t, &info);
	return info.runtime_ns;
}

/* Run n hogs until they have used 'total' ns of CPU; their runtimes in rt. */
static void run_hogs(int n, const int *nice, uint64_t total, uint64_t *rt)
{
	struct task *t[3];
	uint64_t sum = 0;

	stop = 0;
	for (int i = 0; i < n; i++)
		t[i] = demo_spawn("hog", hog, NULL, nice[i]);
	while (sum < total) {
		task_sleep_ns(20 * MS);
		sum = 0;
		for (int i = 0; i < n; i++)
			sum += rt[i] = runtime(t[i]);
	}
	stop = 1;
	for (int i = 0; i < n; i++)
		demo_join(t[i]);
}

/* Is a / b within a factor of 1.5 of wa / wb? In integers: no FPU here. */
static bool ratio_ok(uint64_t a, uint64_t b, uint64_t wa, uint64_t wb)
{
	return 3 * a * wb > 2 * b * wa && 2 * a * wb < 3 * b * wa;
}

/* Percent with one decimal, from integers (no FPU in the kernel). */
static void print_share(uint64_t part, uint64_t whole)
{
	uint64_t permille = whole ? part * 1000 / whole : 0;

	kprintf(" %llu.%llu%%", (unsigned long long)permille / 10,
	        (unsigned long long)permille % 10);
}

bool demo_policy(void)
{
	static const int nice3[] = {-5, 0, 5}, nice2[] = {0, 0};
	static const unsigned w[] = {3121, 1024, 335};
	uint64_t rt[3], sum;
	bool ok = true, shares;

	run_hogs(3, nice3, 1500 * MS, rt);
	sum = rt[0] + rt[1] + rt[2];
	kprintf("  nice -5 0 5: runtime %llu %llu %llu ms, shares", (unsigned long long)rt[0] / MS,
	        (unsigned long long)rt[1] / MS, (unsigned long long)rt[2] / MS);
	for (int i = 0; i < 3; i++)
		print_share(rt[i], sum);
	kprintf(", weights say");
	for (int i = 0; i < 3; i++)
		print_share(w[i], w[0] + w[1] + w[2]);
	kprintf("\n");
	shares = ratio_ok(rt[0], rt[1], w[0], w[1]) && ratio_ok(rt[1], rt[2], w[1], w[2]) &&
	         ratio_ok(rt[0], rt[2], w[0], w[2]);
	ok &= demo_verdict(shares, "policy fair: CPU shares of nice -5, 0, 5 follow their weights");

	run_hogs(2, nice2, 500 * MS, rt);
	kprintf("  nice 0 0: runtime %llu %llu ms\n", (unsigned long long)rt[0] / MS,
	        (unsigned long long)rt[1] / MS);
	ok &= demo_verdict(ratio_ok(rt[0], rt[1], 1, 1), "policy fair: equal nice, equal shares");
	return ok;
}
