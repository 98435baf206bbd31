/*
 * The first process (pid 1): orphans are given to it, and it collects
 * them; process_wait_all() returns once every process has gone, with pid
 * 1's status. One test only: pids are never reused, so a second test's
 * first process would not be pid 1.
 *
 * init forks A; A forks B and exits; B (now an orphan) reports its parent
 * and exits once init has collected A; init then collects B with wait4(-1).
 */
#include "core_abi.h"
#include <klib/errno.h>

#define SCRATCH(u) ((u)->sp0 - 4096)
#define AGAIN(u)   ((u)->step--)

static volatile int a_collected;
static struct {
	long init_pid, a, b, a_waited, a_status, b_waited, b_status, none;
	long b_ppid_before, b_ppid_after;
} o;

static uint32_t read_u32(uintptr_t va)
{
	uint32_t v = 0xdeadbeef;

	fake_user_read(&v, va, sizeof(v));
	return v;
}

static enum hal_user_event init(struct fake_user *u, struct hal_user_trap *t)
{
	switch (u->step++) {
	case 0:
		return SYS(u, NR_getpid, 0);
	case 1:
		o.init_pid = fake_ret(u);
		return SYS(u, NR_clone, SIGCHLD);
	case 2:
		if (fake_ret(u) == 0) {
			u->step = 100;
			return SYS(u, NR_clone, SIGCHLD);
		}
		o.a = fake_ret(u);
		return SYS(u, NR_wait4, o.a, SCRATCH(u), 0);
	case 3:
		o.a_waited = fake_ret(u);
		o.a_status = read_u32(SCRATCH(u));
		a_collected = 1;
		return SYS(u, NR_wait4, -1, SCRATCH(u), 0);
	case 4:
		o.b_waited = fake_ret(u);
		o.b_status = read_u32(SCRATCH(u));
		return SYS(u, NR_wait4, -1, SCRATCH(u), 0);
	case 5:
		o.none = fake_ret(u);
		return SYS(u, NR_exit, 42);

	case 100: /* A */
		if (fake_ret(u) == 0) {
			u->step = 200;
			return SYS(u, NR_getppid, 0);
		}
		o.b = fake_ret(u);
		return SYS(u, NR_exit, 3);

	case 200: /* B */
		o.b_ppid_before = fake_ret(u);
		return SYS(u, NR_sched_yield, 0);
	case 201:
		if (!a_collected) {
			AGAIN(u);
			return SYS(u, NR_sched_yield, 0);
		}
		return SYS(u, NR_getppid, 0);
	case 202:
		o.b_ppid_after = fake_ret(u);
		return SYS(u, NR_exit, 5);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_orphans_go_to_init(void **state)
{
	(void)state;
	proc_test_program("/sbin/init", init);
	assert_int_equal(core_run("/sbin/init"), EXITED(42)); /* process_wait_all: pid 1's status */
	assert_int_equal(o.init_pid, 1);
	assert_int_equal(o.a_waited, o.a);
	assert_int_equal(o.a_status, EXITED(3));
	assert_true(o.b_ppid_before == o.a || o.b_ppid_before == 1); /* A may have gone already */
	assert_int_equal(o.b_ppid_after, 1);
	assert_int_equal(o.b_waited, o.b);
	assert_int_equal(o.b_status, EXITED(5));
	assert_int_equal(o.none, -ECHILD);
	assert_int_equal(core_abi_counts.forks, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_orphans_go_to_init),
	};

	proc_test_boot();
	proc_test_reset();
	core_abi_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
