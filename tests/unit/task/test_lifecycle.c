/*
 * Task life cycle with real tasks: exit status through join, detach,
 * argument checks, every stack block freed exactly once, the guard page
 * under a host stack, and the address-space hook.
 */
#include "harness.h"
#include "kit_test.h"
#include <hal/time.h>
#include <klib/errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "host.h"

/* Stack allocator that counts, on top of the host's guarded one. */
static int allocs, frees, fail_allocs;
static uint8_t *last_block;

static void *counting_alloc(size_t size)
{
	if (fail_allocs)
		return NULL;
	allocs++;
	last_block = host_task_stack_ops.alloc(size);
	return last_block;
}

static void counting_free(void *base, size_t size)
{
	frees++;
	host_task_stack_ops.free(base, size);
}

static const struct task_stack_ops counting = {counting_alloc, counting_free};

static int setup(void **state)
{
	(void)state;
	allocs = frees = fail_allocs = 0;
	return task_set_stack_ops(&counting);
}

static int teardown(void **state)
{
	(void)state;
	return task_set_stack_ops(&host_task_stack_ops);
}

static int returns_arg(void *arg)
{
	return (int)(intptr_t)arg;
}

static int exits_with_arg(void *arg)
{
	task_exit((int)(intptr_t)arg + 1);
}

static void test_join_returns_the_exit_status(void **state)
{
	struct task *a = harness_spawn("ret", returns_arg, (void *)42, 0);
	struct task *b = harness_spawn("exit", exits_with_arg, (void *)-8, 0);
	(void)state;

	assert_int_equal(harness_join(a), 42);
	assert_int_equal(harness_join(b), -7);
	assert_int_equal(allocs, 2);
	assert_int_equal(frees, 2);
}

static void test_join_and_detach_refuse_what_they_cannot_do(void **state)
{
	struct task *t = harness_spawn("t", returns_arg, NULL, 0);
	(void)state;

	assert_int_equal(task_join(task_current(), NULL), -EDEADLK);
	assert_int_equal(task_join(NULL, NULL), -EINVAL);
	assert_int_equal(task_detach(task_current()), -EINVAL); /* main */
	assert_int_equal(task_detach(t), 0);
	assert_int_equal(task_join(t, NULL), -EINVAL); /* detached */
	assert_int_equal(task_detach(t), -EINVAL);
	task_sleep_ns(1000000); /* t runs and ends; freed by the switch after */
	assert_int_equal(frees, 1);
}

static void test_detached_task_is_freed_when_it_ends(void **state)
{
	struct task_attr attr = {.detached = true};
	(void)state;

	assert_int_equal(task_create(NULL, "d", returns_arg, NULL, &attr), 0);
	assert_int_equal(allocs, 1);
	task_yield(); /* it runs, ends, and the next switch frees it */
	task_yield();
	assert_int_equal(frees, 1);
}

static void test_detach_after_the_end_frees_at_once(void **state)
{
	struct task *t = harness_spawn("t", returns_arg, NULL, 0);
	(void)state;

	task_yield();
	task_yield();
	assert_int_equal(frees, 0); /* ended, waiting for a join */
	assert_int_equal(task_detach(t), 0);
	assert_int_equal(frees, 1);
}

static void test_bad_arguments_are_refused_without_leaks(void **state)
{
	struct task *t = NULL;
	struct task_attr nice_high = {.nice = 20}, nice_low = {.nice = -21},
	                 tiny = {.stack_size = 4096}; /* under 8 KiB */
	(void)state;

	assert_int_equal(task_create(&t, "x", NULL, NULL, NULL), -EINVAL);
	assert_int_equal(task_create(&t, "x", returns_arg, NULL, &nice_high), -EINVAL);
	assert_int_equal(task_create(&t, "x", returns_arg, NULL, &nice_low), -EINVAL);
	assert_int_equal(task_create(&t, "x", returns_arg, NULL, &tiny), -EINVAL);
	assert_int_equal(task_create(NULL, "x", returns_arg, NULL, NULL), -EINVAL); /* unjoinable */
	fail_allocs = 1;
	assert_int_equal(task_create(&t, "x", returns_arg, NULL, NULL), -ENOMEM);
	assert_null(t);
	assert_int_equal(allocs, 0);
	assert_int_equal(task_set_stack_ops(&(struct task_stack_ops){counting_alloc, NULL}),
	                 -EINVAL);
	assert_int_equal(task_set_nice(task_current(), 20), -EINVAL);
	assert_int_equal(task_set_space(task_current(), (void *)1, NULL), -EINVAL);
	assert_int_equal(task_init(), -EBUSY);
}

static void test_many_tasks_each_stack_freed_once(void **state)
{
	enum { N = 200 };
	static struct task *t[N];
	(void)state;

	for (int i = 0; i < N; i++)
		t[i] = harness_spawn("many", returns_arg, (void *)(intptr_t)i, 0);
	for (int i = N - 1; i >= 0; i--)
		assert_int_equal(harness_join(t[i]), i);
	assert_int_equal(allocs, N);
	assert_int_equal(frees, N);
}

static void test_names_ids_and_local_storage(void **state)
{
	struct task *a = harness_spawn("a-very-long-task-name", returns_arg, NULL, 0);
	struct task *b = harness_spawn("b", returns_arg, NULL, 0);
	(void)state;

	assert_string_equal(task_name(a), "a-very-long-tas"); /* cut to TASK_NAME_MAX - 1 */
	assert_string_equal(task_name(task_current()), "main");
	assert_int_equal(task_id(task_current()), 1);
	assert_true(task_id(a) > 1 && task_id(b) > task_id(a));
#if CONFIG_TASK_LOCAL_SIZE > 0
	unsigned char *la = task_local(a), *lb = task_local(b);
	assert_true(la && lb && la != lb);
	for (int i = 0; i < CONFIG_TASK_LOCAL_SIZE; i++)
		assert_true(la[i] == 0 && lb[i] == 0);
#else
	assert_null(task_local(a));
#endif
	harness_join(a);
	harness_join(b);
}

/*
 * Writing just below a task's stack block must fault: the guard is there.
 * The lowest word of the block is the debug canary: overwriting it is
 * reported at the next switch.
 */
static int touch_below_stack(void *arg)
{
	uint8_t *block = *(uint8_t **)arg; /* the lowest byte of this task's own block */
	volatile uint8_t probe;

	if ((uintptr_t)&probe < (uintptr_t)block)
		return 2;            /* not running on that block at all */
	block[sizeof(uint64_t)] = 1; /* the lowest byte above the canary: fine */
	if (getenv("PROBE_GUARD"))
		block[-1] = 1; /* the guard: must fault */
	if (getenv("PROBE_CANARY")) {
		block[0] ^= 1; /* the canary: reported at the next switch */
		task_yield();
	}
	return 0;
}

/* Run the probe in a child process; its exit status, its stderr in 'err'. */
static int run_child(const char *probe, char *err, size_t errlen)
{
	int status, fds[2];
	ssize_t n, got = 0;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	if (pid == 0) {
		struct task *t;
		/* Die of the fault or the abort: cmocka would catch them and go on
		 * running the parent's tests in this child. */
		signal(SIGSEGV, SIG_DFL);
		signal(SIGBUS, SIG_DFL);
		signal(SIGABRT, SIG_DFL);
		dup2(fds[1], 2);
		if (probe)
			setenv(probe, "1", 1);
		/* The block is allocated by task_create; it tells us where. */
		if (task_create(&t, "probe", touch_below_stack, &last_block, NULL) < 0)
			_exit(10);
		_exit(task_join(t, &status) == 0 ? status : 11);
	}
	assert_true(pid > 0);
	close(fds[1]);
	while (got + 1 < (ssize_t)errlen &&
	       (n = read(fds[0], err + got, errlen - 1 - (size_t)got)) > 0)
		got += n;
	err[got] = 0;
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void test_guard_page_under_every_stack(void **state)
{
	char err[8192];
	int ok, bad;
	(void)state;

	ok = run_child(NULL, err, sizeof(err));
	assert_true(WIFEXITED(ok) && WEXITSTATUS(ok) == 0);
	bad = run_child("PROBE_GUARD", err, sizeof(err));
	/* SIGSEGV, or ASan's report (abort_on_error: SIGABRT). */
	assert_true(WIFSIGNALED(bad) || (WIFEXITED(bad) && WEXITSTATUS(bad) != 0));
}

static void test_stack_canary_catches_an_overrun(void **state)
{
	char err[8192];
	int st;
	(void)state;

#ifdef CONFIG_DEBUG
	st = run_child("PROBE_CANARY", err, sizeof(err));
	assert_false(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	if (!strstr(err, "task 'probe' overran its stack"))
		fail_msg("no overrun report; the child said:\n%s", err);
#else
	(void)st, (void)err;
#endif
}

/* The address-space hook: called when the space changes, not otherwise. */
static int activations[16], nact;

static void activate(void *space)
{
	if (nact < 16)
		activations[nact++] = (int)(intptr_t)space;
}

static int in_space(void *arg)
{
	int rounds = (int)(intptr_t)arg;

	for (int i = 0; i < rounds; i++)
		task_yield();
	return 0;
}

static void test_space_switch_hook(void **state)
{
	struct task *a, *b, *k;
	(void)state;

	nact = 0;
	assert_int_equal(task_set_space(task_current(), (void *)1, activate), 0);
	assert_ptr_equal(task_active_space(), (void *)1);
	a = harness_spawn("a", in_space, (void *)2, 0);
	b = harness_spawn("b", in_space, (void *)2, 0);
	k = harness_spawn("kernel", in_space, (void *)2, 0);
	assert_int_equal(task_set_space(a, (void *)2, activate), 0);
	assert_int_equal(task_set_space(b, (void *)2, activate), 0);
	harness_join(a);
	harness_join(b);
	harness_join(k);
	/* main (1) -> a (2), b (2, no switch), k (none: borrows 2), a, b, k ... main (1) */
	assert_true(nact >= 3);
	assert_int_equal(activations[0], 1);
	assert_int_equal(activations[1], 2);
	assert_int_equal(activations[nact - 1], 1);
	for (int i = 1; i < nact; i++)
		assert_int_not_equal(activations[i], activations[i - 1]);
	assert_ptr_equal(task_active_space(), (void *)1);
	/* Leaving the space for none leaves it at once (the old space's activate(NULL)). */
	nact = 0;
	assert_int_equal(task_set_space(task_current(), NULL, NULL), 0);
	assert_int_equal(nact, 1);
	assert_int_equal(activations[0], 0);
	assert_ptr_equal(task_active_space(), NULL);
}

static volatile int sleeper_go;

static int sleeps_then_returns(void *arg)
{
	(void)arg;
	while (!sleeper_go)
		task_sleep_ns(1000000);
	return 0;
}

/* What /proc's state letter reads: running, ready, sleeping; and the CPU's counters. */
static void test_activity_and_cpu_stats(void **state)
{
	struct task_cpu_stats before, after;
	struct task_info info;
	struct task *t;
	(void)state;

	sleeper_go = 0;
	task_cpu_stats(&before);
	/* This task runs; nothing else is ready, and a CPU running its idle task adds none. */
	assert_int_equal(before.ready, 1);
	t = harness_spawn("sleeper", sleeps_then_returns, NULL, 0);
	task_get_info(t, &info);
	assert_int_equal(info.activity, TASK_ACT_READY); /* made, not yet run */
	task_get_info(task_current(), &info);
	assert_int_equal(info.activity, TASK_ACT_RUNNING);
	HARNESS_YIELD_UNTIL((task_get_info(t, &info), info.activity == TASK_ACT_SLEEPING));
	assert_int_equal(info.activity, TASK_ACT_SLEEPING);
	task_cpu_stats(&after);
	assert_true(after.switches > before.switches);
	sleeper_go = 1;
	assert_int_equal(harness_join(t), 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_join_returns_the_exit_status),
	    T(test_activity_and_cpu_stats),
	    T(test_join_and_detach_refuse_what_they_cannot_do),
	    T(test_detached_task_is_freed_when_it_ends),
	    T(test_detach_after_the_end_frees_at_once),
	    T(test_bad_arguments_are_refused_without_leaks),
	    T(test_many_tasks_each_stack_freed_once),
	    T(test_names_ids_and_local_storage),
	    T(test_guard_page_under_every_stack),
	    T(test_stack_canary_catches_an_overrun),
	    T(test_space_switch_hook),
	};
	harness_boot();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
