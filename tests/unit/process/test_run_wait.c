/*
 * fork and wait4 in the process core: fork returns the child's pid to the
 * parent and 0 to the child, which resumes as a copy (registers, memory);
 * wait4 collects a given child or any, WNOHANG does not block, -ECHILD
 * when nothing matches; exit statuses reach the parent unchanged.
 *
 * The programs run in process tasks and only record what they see; the
 * test (the main task) checks it once every process has ended.
 */
#include "core_abi.h"
#include <klib/errno.h>

/* User scratch below the initial stack: wait4's status, markers. */
#define SCRATCH(u) ((u)->sp0 - 4096)
/* Run this step again (spin). */
#define AGAIN(u) ((u)->step--)

static struct {
	long pid, fork_ret, waited, status;
	long child_fork_ret, child_pid, child_ppid;
	uint64_t child_v, child_saw, parent_sees;
} f;

static uint32_t read_u32(uintptr_t va)
{
	uint32_t v = 0xdeadbeef;

	fake_user_read(&v, va, sizeof(v));
	return v;
}

static void write_u32(uintptr_t va, uint32_t v)
{
	fake_user_write(va, &v, sizeof(v));
}

static enum hal_user_event fork_once(struct fake_user *u, struct hal_user_trap *t)
{
	(void)t;
	switch (u->step++) {
	case 0:
		return SYS(u, NR_getpid, 0);
	case 1:
		f.pid = fake_ret(u);
		u->v[0] = 0x5eed;
		write_u32(SCRATCH(u) + 64,
		          111); /* the child must see it, and its writes stay its own */
		return SYS(u, NR_clone, SIGCHLD);
	case 2:
		if (fake_ret(u) == 0) {
			f.child_fork_ret = 0;
			f.child_v = u->v[0];
			f.child_saw = read_u32(SCRATCH(u) + 64);
			write_u32(SCRATCH(u) + 64, 222);
			u->step = 10;
			return SYS(u, NR_getpid, 0);
		}
		f.fork_ret = fake_ret(u);
		return SYS(u, NR_wait4, f.fork_ret, SCRATCH(u), 0);
	case 3:
		f.waited = fake_ret(u);
		f.status = read_u32(SCRATCH(u));
		f.parent_sees = read_u32(SCRATCH(u) + 64);
		return SYS(u, NR_exit, 0);

	case 10:
		f.child_pid = fake_ret(u);
		return SYS(u, NR_getppid, 0);
	case 11:
		f.child_ppid = fake_ret(u);
		return SYS(u, NR_exit, 7);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_fork_returns_pid_and_zero(void **state)
{
	(void)state;
	f.child_fork_ret = -1;
	proc_test_program("/fork_once", fork_once);
	core_run("/fork_once");
	assert_true(f.fork_ret > f.pid);
	assert_int_equal(f.child_fork_ret, 0);
	assert_int_equal(f.child_pid, f.fork_ret);
	assert_int_equal(f.child_ppid, f.pid);
	assert_int_equal(f.waited, f.fork_ret);
	assert_int_equal(f.status, EXITED(7));
	/* The child resumed with the parent's registers and memory, copied. */
	assert_int_equal(f.child_v, 0x5eed);
	assert_int_equal(f.child_saw, 111);
	assert_int_equal(f.parent_sees, 111);
	assert_int_equal(core_abi_counts.forks, 1);
}

/* Three children with exit codes 10, 11, 12, collected by wait4(-1). */
static struct {
	long pids[3], waited[4], status[3];
} any;

static enum hal_user_event wait_any(struct fake_user *u, struct hal_user_trap *t)
{
	switch (u->step++) {
	case 0:
		return SYS(u, NR_clone, SIGCHLD);
	case 1:
		if (fake_ret(u) == 0)
			return SYS(u, NR_exit,
			           10 + u->v[1]); /* v[1]: which child, copied at fork */
		any.pids[u->v[1]] = fake_ret(u);
		if (++u->v[1] < 3) {
			u->step = 1;
			return SYS(u, NR_clone, SIGCHLD);
		}
		return SYS(u, NR_wait4, -1, SCRATCH(u), 0);
	case 2:
		any.waited[u->v[2]] = fake_ret(u);
		if (fake_ret(u) > 0 && u->v[2] < 3)
			any.status[u->v[2]] = read_u32(SCRATCH(u));
		if (++u->v[2] < 4)
			AGAIN(u);
		return SYS(u, NR_wait4, -1, SCRATCH(u), 0);
	case 3:
		return SYS(u, NR_exit, 0);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_wait_any(void **state)
{
	bool seen[3] = {false, false, false};

	(void)state;
	proc_test_program("/wait_any", wait_any);
	core_run("/wait_any");
	for (int i = 0; i < 3; i++) {
		int k = -1;

		for (int j = 0; j < 3; j++)
			if (any.waited[i] == any.pids[j])
				k = j;
		assert_true(k >= 0);
		assert_false(seen[k]);
		seen[k] = true;
		assert_int_equal(any.status[i], EXITED(10 + k));
	}
	assert_int_equal(any.waited[3], -ECHILD); /* all three collected */
}

/*
 * wait4 on a given pid takes that child, not an older one that has ended:
 * A ends at once, B only once released; the parent waits for B first.
 */
static volatile int release_b;
static struct {
	long a, b, first, first_status, second, second_status, third;
} pick;

static enum hal_user_event wait_pid(struct fake_user *u, struct hal_user_trap *t)
{
	switch (u->step++) {
	case 0:
		return SYS(u, NR_clone, SIGCHLD);
	case 1:
		if (fake_ret(u) == 0)
			return SYS(u, NR_exit, 1); /* A */
		pick.a = fake_ret(u);
		return SYS(u, NR_clone, SIGCHLD);
	case 2:
		if (fake_ret(u) == 0) {
			u->step = 10;
			return SYS(u, NR_sched_yield, 0); /* B */
		}
		pick.b = fake_ret(u);
		return SYS(u, NR_sched_yield, 0);
	case 3:
		if (!proc_test_ended(pick.a)) {
			AGAIN(u);
			return SYS(u, NR_sched_yield, 0);
		}
		release_b = 1; /* B still runs (or has just ended): either way the answer is B */
		return SYS(u, NR_wait4, pick.b, SCRATCH(u), 0);
	case 4:
		pick.first = fake_ret(u);
		pick.first_status = read_u32(SCRATCH(u));
		return SYS(u, NR_wait4, -1, SCRATCH(u), 0);
	case 5:
		pick.second = fake_ret(u);
		pick.second_status = read_u32(SCRATCH(u));
		return SYS(u, NR_wait4, pick.b, SCRATCH(u), 0);
	case 6:
		pick.third = fake_ret(u);
		return SYS(u, NR_exit, 0);

	case 10: /* B: spin until released */
		if (!release_b) {
			AGAIN(u);
			return SYS(u, NR_sched_yield, 0);
		}
		return SYS(u, NR_exit, 2);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_wait_specific_pid(void **state)
{
	(void)state;
	release_b = 0;
	proc_test_program("/wait_pid", wait_pid);
	core_run("/wait_pid");
	assert_int_equal(pick.first, pick.b);
	assert_int_equal(pick.first_status, EXITED(2));
	assert_int_equal(pick.second, pick.a);
	assert_int_equal(pick.second_status, EXITED(1));
	assert_int_equal(pick.third, -ECHILD); /* B was collected already */
}

/* WNOHANG with a running child: 0, for its pid and for any; then a blocking wait gets it. */
static volatile int release_child;
static struct {
	long child, nohang_pid, nohang_any, waited, status;
} nh;

static enum hal_user_event wait_nohang(struct fake_user *u, struct hal_user_trap *t)
{
	switch (u->step++) {
	case 0:
		return SYS(u, NR_clone, SIGCHLD);
	case 1:
		if (fake_ret(u) == 0) {
			u->step = 10;
			return SYS(u, NR_sched_yield, 0);
		}
		nh.child = fake_ret(u);
		return SYS(u, NR_wait4, nh.child, SCRATCH(u), WNOHANG);
	case 2:
		nh.nohang_pid = fake_ret(u);
		return SYS(u, NR_wait4, -1, SCRATCH(u), WNOHANG);
	case 3:
		nh.nohang_any = fake_ret(u);
		release_child = 1;
		return SYS(u, NR_wait4, nh.child, SCRATCH(u), 0);
	case 4:
		nh.waited = fake_ret(u);
		nh.status = read_u32(SCRATCH(u));
		return SYS(u, NR_exit, 0);

	case 10:
		if (!release_child) {
			AGAIN(u);
			return SYS(u, NR_sched_yield, 0);
		}
		return SYS(u, NR_exit, 3);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_wnohang_running_child(void **state)
{
	(void)state;
	release_child = 0;
	proc_test_program("/wait_nohang", wait_nohang);
	core_run("/wait_nohang");
	assert_int_equal(nh.nohang_pid, 0);
	assert_int_equal(nh.nohang_any, 0);
	assert_int_equal(nh.waited, nh.child);
	assert_int_equal(nh.status, EXITED(3));
}

/* Nothing to wait for: no child, not a child (itself), a child already collected. */
static long echild[5];

static enum hal_user_event wait_none(struct fake_user *u, struct hal_user_trap *t)
{
	switch (u->step++) {
	case 0:
		return SYS(u, NR_wait4, -1, 0, 0);
	case 1:
		echild[0] = fake_ret(u);
		return SYS(u, NR_wait4, -1, 0, WNOHANG);
	case 2:
		echild[1] = fake_ret(u);
		return SYS(u, NR_getpid, 0);
	case 3:
		return SYS(u, NR_wait4, fake_ret(u), 0, 0);
	case 4:
		echild[2] = fake_ret(u);
		return SYS(u, NR_clone, SIGCHLD);
	case 5:
		if (fake_ret(u) == 0)
			return SYS(u, NR_exit, 0);
		u->v[0] = fake_ret(u);
		return SYS(u, NR_wait4, u->v[0], 0, 0);
	case 6:
		echild[3] = fake_ret(u) == (long)u->v[0];
		return SYS(u, NR_wait4, u->v[0], 0, 0);
	case 7:
		echild[4] = fake_ret(u);
		return SYS(u, NR_exit, 0);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_echild(void **state)
{
	(void)state;
	proc_test_program("/wait_none", wait_none);
	core_run("/wait_none");
	assert_int_equal(echild[0], -ECHILD);
	assert_int_equal(echild[1], -ECHILD);
	assert_int_equal(echild[2], -ECHILD);
	assert_int_equal(echild[3], 1);
	assert_int_equal(echild[4], -ECHILD);
}

static int setup(void **state)
{
	(void)state;
	proc_test_reset();
	core_abi_init();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_fork_returns_pid_and_zero, setup),
	    cmocka_unit_test_setup(test_wait_any, setup),
	    cmocka_unit_test_setup(test_wait_specific_pid, setup),
	    cmocka_unit_test_setup(test_wnohang_running_child, setup),
	    cmocka_unit_test_setup(test_echild, setup),
	};

	proc_test_boot();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
