#include "harness.h"
#include "kit_test.h"
#include <hal/smp.h>
#include <hal/time.h>
#include <stdio.h>
#include "host.h"

int harness_log[HARNESS_LOG_MAX];
static int log_len;

void harness_boot(void)
{
	host_time_init();
	assert_int_equal(task_set_stack_ops(&host_task_stack_ops), 0);
#ifdef CONFIG_SMP
	/* The other CPUs (threads: CONFIG_HOST_CPUS, or KIT_CPUS) before task_init, as kit_start
	 * starts them: each becomes an idle task and runs tasks. */
	assert_true(hal_smp_start(task_secondary_main) >= 1);
#endif
	assert_int_equal(task_init(), 0);
#ifdef CONFIG_SMP
	/* The tests judge orders one CPU gives: their tasks inherit main's CPU 0 (the others
	 * still idle, take kicks and look for work to pull); test_smp.c spreads its own. */
	assert_int_equal(task_set_affinity(task_current(), HAL_CPU_BIT(0)), 0);
#endif
}

uint64_t harness_give_up(void)
{
	/* Twice the watchdog's limit: a wait it watches fails there first. */
	return hal_time_ns() + 2ull * kit_test_wait_seconds() * 1000000000ull;
}

void harness_check_deadline(uint64_t deadline, const char *what)
{
	if (hal_time_ns() > deadline)
		fail_msg("gave up after %u s waiting for: %s", 2 * kit_test_wait_seconds(), what);
}

void harness_log_reset(void)
{
	__atomic_store_n(&log_len, 0, __ATOMIC_SEQ_CST);
}

void harness_log_add(int v)
{
	int i = __atomic_fetch_add(&log_len, 1, __ATOMIC_SEQ_CST);

	if (i < HARNESS_LOG_MAX)
		harness_log[i] = v;
}

int harness_log_len(void)
{
	int n = __atomic_load_n(&log_len, __ATOMIC_SEQ_CST);

	return n < HARNESS_LOG_MAX ? n : HARNESS_LOG_MAX;
}

static void print_ints(const char *what, const int *v, int n)
{
	fprintf(stderr, "%s:", what);
	for (int i = 0; i < n; i++)
		fprintf(stderr, " %d", v[i]);
	fprintf(stderr, "\n");
}

void harness_log_expect(const int *want, int n)
{
	int len = harness_log_len();
	int same = len == n;

	for (int i = 0; same && i < n; i++)
		same = harness_log[i] == want[i];
	if (!same) {
		print_ints("expected", want, n);
		print_ints("got     ", harness_log, len);
		fail_msg("the event order differs from the expected one");
	}
}

static volatile int hogs_stop;
static uint64_t hogs_give_up;

static int hog(void *arg)
{
	(void)arg;
	while (!hogs_stop && hal_time_ns() < hogs_give_up)
		;
	return 0;
}

struct task *harness_hog(int nice)
{
	hogs_stop = 0;
	hogs_give_up = harness_give_up();
	return harness_spawn("hog", hog, NULL, nice);
}

void harness_hogs_stop(void)
{
	hogs_stop = 1;
}

struct task *harness_spawn(const char *name, task_fn_t fn, void *arg, int nice)
{
	struct task_attr attr = {.nice = nice};
	struct task *t = NULL;

	assert_int_equal(task_create(&t, name, fn, arg, &attr), 0);
	assert_non_null(t);
	return t;
}

int harness_join(struct task *t)
{
	char what[64];
	int status = -1, rc;

	snprintf(what, sizeof(what), "task '%s' to end (task_join)", task_name(t));
	KIT_TEST_WAIT(what, rc = task_join(t, &status));
	assert_int_equal(rc, 0);
	return status;
}
