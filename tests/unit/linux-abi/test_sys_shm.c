/*
 * System V shared memory through the layer, with processes: attachments
 * are counted through fork (the child's copy is one more), exit and exec
 * (the space goes, the count drops), shmdt; the memory is one between
 * parent and child; a removed segment goes with its last attachment, one
 * not removed stays after every process has ended.
 */
#include "abi_test.h"
#include <ipc-shm/shm.h>
#include <string.h>

/* IPC_STAT into the program's scratch: the call's result, then the fields read back. */
static struct shmid64_ds stat_ds(struct fake_user *u)
{
	struct shmid64_ds ds;

	memset(&ds, 0xff, sizeof(ds));
	fake_user_read(&ds, SCRATCH(u), sizeof(ds));
	return ds;
}

static void get(uintptr_t va, char *buf, size_t n)
{
	if (fake_user_read(buf, va, n) < 0)
		strcpy(buf, "<EFAULT>");
	buf[n - 1] = 0;
}

/* Parent and child share a segment; the child's exit gives its attachment back. */
static struct {
	long pid, id, addr, stat, nattch, cpid, child, waited, nattch_after, lpid_after;
	long dt, nattch_dt, rmid, stat_gone;
	char after[16];
} sp;
static struct {
	long nattch, lpid, pid;
	char saw[16];
} sc;

static enum hal_user_event share(struct fake_user *u, struct hal_user_trap *t)
{
	switch (u->step++) {
	case 0:
		return SYS(u, NR_getpid, 0);
	case 1:
		sp.pid = fake_ret(u);
		return SYS(u, NR_shmget, IPC_PRIVATE, 2 * PG, IPC_CREAT | 0600);
	case 2:
		sp.id = fake_ret(u);
		return SYS(u, NR_shmat, sp.id, 0, 0);
	case 3:
		sp.addr = fake_ret(u);
		fake_user_write(sp.addr + PG, "hello", 6);
		return SYS(u, NR_shmctl, sp.id, IPC_STAT, SCRATCH(u));
	case 4:
		sp.stat = fake_ret(u);
		sp.nattch = (long)stat_ds(u).shm_nattch;
		sp.cpid = stat_ds(u).shm_cpid;
		return SYS(u, NR_clone, SIGCHLD);
	case 5:
		if (fake_ret(u) == 0) {
			u->step = 100;
			return SYS(u, NR_getpid, 0);
		}
		sp.child = fake_ret(u);
		return SYS(u, NR_wait4, sp.child, 0, 0);
	case 6:
		sp.waited = fake_ret(u);
		get(sp.addr + PG, sp.after, sizeof(sp.after));
		return SYS(u, NR_shmctl, sp.id, IPC_STAT, SCRATCH(u));
	case 7:
		sp.nattch_after = (long)stat_ds(u).shm_nattch;
		sp.lpid_after = stat_ds(u).shm_lpid;
		return SYS(u, NR_shmdt, sp.addr);
	case 8:
		sp.dt = fake_ret(u);
		return SYS(u, NR_shmctl, sp.id, IPC_STAT, SCRATCH(u));
	case 9:
		sp.nattch_dt = (long)stat_ds(u).shm_nattch;
		return SYS(u, NR_shmctl, sp.id, IPC_RMID, 0);
	case 10:
		sp.rmid = fake_ret(u);
		return SYS(u, NR_shmctl, sp.id, IPC_STAT, SCRATCH(u));
	case 11:
		sp.stat_gone = fake_ret(u);
		return SYS(u, NR_exit_group, 0);

	case 100: /* the child */
		sc.pid = fake_ret(u);
		get(sp.addr + PG, sc.saw, sizeof(sc.saw));
		fake_user_write(sp.addr + PG, "world", 6);
		return SYS(u, NR_shmctl, sp.id, IPC_STAT, SCRATCH(u));
	case 101:
		sc.nattch = (long)stat_ds(u).shm_nattch;
		sc.lpid = stat_ds(u).shm_lpid;
		return SYS(u, NR_exit_group, 0);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_attachments_through_fork_and_exit(void **state)
{
	size_t left = 99;

	(void)state;
	proc_test_program("/share", share);
	abi_run("/share", &left);
	assert_true(sp.id >= 0);
	assert_true(sp.addr > 0 && sp.addr % PG == 0);
	assert_int_equal(sp.stat, 0);
	assert_int_equal(sp.nattch, 1);
	assert_int_equal(sp.cpid, sp.pid);
	/* The child: the parent's attachment, copied by fork, stamped by the parent. */
	assert_int_equal(sc.nattch, 2);
	assert_int_equal(sc.lpid, sp.pid);
	assert_string_equal(sc.saw, "hello");
	/* The child's exit detached it (and stamped lpid); its write stays. */
	assert_int_equal(sp.waited, sp.child);
	assert_int_equal(sp.nattch_after, 1);
	assert_int_equal(sp.lpid_after, sc.pid);
	assert_string_equal(sp.after, "world");
	assert_int_equal(sp.dt, 0);
	assert_int_equal(sp.nattch_dt, 0);
	assert_int_equal(sp.rmid, 0);
	assert_int_equal(sp.stat_gone, -EINVAL);
	assert_int_equal(left, 0);
}

/*
 * exec drops the attachments: the child attaches once more (its fork copy
 * and its own: 3 in all), then execs; the new program sees only the
 * parent's. Nobody removes the segment: it outlives every process.
 */
static struct {
	long id, addr, pid, child_at, nattch_child, nattch_exec, nattch_end, exec_rc;
} ex;

static enum hal_user_event after_exec(struct fake_user *u, struct hal_user_trap *t)
{
	switch (u->step++) {
	case 0:
		return SYS(u, NR_shmctl, ex.id, IPC_STAT, SCRATCH(u));
	case 1:
		ex.nattch_exec = (long)stat_ds(u).shm_nattch;
		return SYS(u, NR_exit_group, 0);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static enum hal_user_event exec_drops(struct fake_user *u, struct hal_user_trap *t)
{
	switch (u->step++) {
	case 0:
		return SYS(u, NR_getpid, 0);
	case 1:
		ex.pid = fake_ret(u);
		return SYS(u, NR_shmget, 42, PG, IPC_CREAT | 0600);
	case 2:
		ex.id = fake_ret(u);
		return SYS(u, NR_shmat, ex.id, 0, 0);
	case 3:
		ex.addr = fake_ret(u);
		return SYS(u, NR_clone, SIGCHLD);
	case 4:
		if (fake_ret(u) == 0) {
			u->step = 100;
			return SYS(u, NR_shmat, ex.id, 0, 0);
		}
		return SYS(u, NR_wait4, fake_ret(u), 0, 0);
	case 5:
		return SYS(u, NR_shmctl, ex.id, IPC_STAT, SCRATCH(u));
	case 6:
		ex.nattch_end = (long)stat_ds(u).shm_nattch;
		return SYS(u, NR_exit_group, 0);

	case 100:
		ex.child_at = fake_ret(u);
		return SYS(u, NR_shmctl, ex.id, IPC_STAT, SCRATCH(u));
	case 101:
		ex.nattch_child = (long)stat_ds(u).shm_nattch;
		fake_user_write(SCRATCH(u), "/after_exec", 12);
		return SYS(u, NR_execve, SCRATCH(u), 0, 0);
	case 102:
		ex.exec_rc = fake_ret(u);
		return SYS(u, NR_exit_group, 1);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_exec_drops_attachments(void **state)
{
	size_t left = 99;

	(void)state;
	proc_test_program("/exec_drops", exec_drops);
	proc_test_program("/after_exec", after_exec);
	abi_run("/exec_drops", &left);
	assert_int_not_equal(ex.pid, 1); /* a first process that is not pid 1 has shm too */
	assert_true(ex.child_at > 0 && ex.child_at != ex.addr);
	assert_int_equal(ex.nattch_child, 3);
	assert_int_equal(ex.exec_rc, 0);
	assert_int_equal(ex.nattch_exec, 1);
	assert_int_equal(ex.nattch_end, 1);
	assert_int_equal(left, 1); /* not removed: it stays (linux_abi_shutdown frees it) */
}

/* A segment removed while attached goes when the last process holding it ends. */
static struct {
	long id, rmid, mode, child_nattch;
} rm;

static enum hal_user_event removed(struct fake_user *u, struct hal_user_trap *t)
{
	switch (u->step++) {
	case 0:
		return SYS(u, NR_shmget, IPC_PRIVATE, PG, IPC_CREAT | 0600);
	case 1:
		rm.id = fake_ret(u);
		return SYS(u, NR_shmat, rm.id, 0, 0);
	case 2:
		return SYS(u, NR_shmctl, rm.id, IPC_RMID, 0);
	case 3:
		rm.rmid = fake_ret(u);
		return SYS(u, NR_shmctl, rm.id, IPC_STAT, SCRATCH(u));
	case 4:
		rm.mode = stat_ds(u).shm_perm.mode;
		return SYS(u, NR_clone, SIGCHLD);
	case 5:
		if (fake_ret(u) == 0) {
			u->step = 100;
			return SYS(u, NR_shmctl, rm.id, IPC_STAT, SCRATCH(u));
		}
		return SYS(u, NR_exit_group, 0); /* the child holds it on */

	case 100:
		rm.child_nattch = (long)stat_ds(u).shm_nattch;
		return SYS(u, NR_exit_group, 0);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_removed_segment_goes_with_last_process(void **state)
{
	size_t left = 99;

	(void)state;
	proc_test_program("/removed", removed);
	abi_run("/removed", &left);
	assert_int_equal(rm.rmid, 0);
	assert_true(rm.mode & SHM_DEST);
	assert_true(rm.child_nattch >= 1); /* the parent may have gone already */
	assert_int_equal(left, 0);
}

static int setup(void **state)
{
	(void)state;
	proc_test_reset();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_attachments_through_fork_and_exit, setup),
	    cmocka_unit_test_setup(test_exec_drops_attachments, setup),
	    cmocka_unit_test_setup(test_removed_segment_goes_with_last_process, setup),
	};

	proc_test_boot();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
