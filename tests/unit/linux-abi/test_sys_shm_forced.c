/*
 * shm_rmid_forced on (ipc-shm built with CONFIG_IPC_SHM_RMID_FORCED): a
 * process's unattached segments go when it exits (Linux's exit_shm), those
 * it created before an execve included: exec keeps the creator record.
 * pid 1 creates A, execs, creates B, exits; nothing may be left.
 */
#include "abi_test.h"
#include <ipc-shm/shm.h>

static long a_id, b_id, exec_rc = 1;

static enum hal_user_event second(struct fake_user *u, struct hal_user_trap *t)
{
	switch (u->step++) {
	case 0:
		return SYS(u, NR_shmget, IPC_PRIVATE, PG, IPC_CREAT | 0600);
	case 1:
		b_id = fake_ret(u);
		return SYS(u, NR_exit_group, 0);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static enum hal_user_event init(struct fake_user *u, struct hal_user_trap *t)
{
	uintptr_t s = SCRATCH(u);

	switch (u->step++) {
	case 0:
		return SYS(u, NR_shmget, IPC_PRIVATE, PG, IPC_CREAT | 0600);
	case 1:
		a_id = fake_ret(u);
		fake_user_write(s, "/second", 8);
		return SYS(u, NR_execve, s, 0, 0);
	case 2:
		exec_rc = fake_ret(u);
		return SYS(u, NR_exit_group, 1);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_exit_removes_segments_created_before_exec(void **state)
{
	size_t left = 99;

	(void)state;
	proc_test_program("/init", init);
	proc_test_program("/second", second);
	assert_int_equal(abi_run("/init", &left), EXITED(0));
	assert_true(a_id >= 0);
	assert_true(b_id >= 0);
	assert_int_equal(exec_rc, 1); /* exec did not return */
	assert_int_equal(left, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_exit_removes_segments_created_before_exec),
	};

	proc_test_boot();
	proc_test_reset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
