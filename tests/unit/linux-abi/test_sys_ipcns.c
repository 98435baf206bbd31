/*
 * IPC namespaces through the layer: unshare(CLONE_NEWIPC) and
 * clone(CLONE_NEWIPC) give fresh namespaces (the old key unknown, the
 * first id 0), an attachment made before still shares the memory, the
 * segments of a namespace go (frames too) when its last process exits,
 * and without CAP_SYS_ADMIN both calls are EPERM. abi_run checks that
 * every frame is back and counts what is left in the initial namespace.
 */
#include "abi_test.h"
#include <ipc-shm/shm.h>
#include <string.h>

#define NR_unshare   97
#define CLONE_NEWIPC 0x08000000ul
#define KEY          0x1234

static struct {
	long id0, addr0, unshared, old_key, old_stat, id1, addr1;
	long child, waited, child_status, dt, setuid, eperm_unshare, eperm_clone;
	char saw[8];
} ns;
static struct {
	long old_key, id, addr;
} nc;

static enum hal_user_event ipcns(struct fake_user *u, struct hal_user_trap *t)
{
	switch (u->step++) {
	case 0:
		return SYS(u, NR_shmget, KEY, PG, IPC_CREAT | 0600);
	case 1:
		ns.id0 = fake_ret(u);
		return SYS(u, NR_shmat, ns.id0, 0, 0);
	case 2:
		ns.addr0 = fake_ret(u);
		fake_user_write(ns.addr0, "init", 5);
		return SYS(u, NR_unshare, CLONE_NEWIPC);
	case 3:
		ns.unshared = fake_ret(u);
		return SYS(u, NR_shmget, KEY, 0, 0);
	case 4:
		ns.old_key = fake_ret(u);
		return SYS(u, NR_shmctl, ns.id0, IPC_STAT, SCRATCH(u));
	case 5:
		ns.old_stat = fake_ret(u);
		return SYS(u, NR_shmget, KEY, 2 * PG, IPC_CREAT | 0600);
	case 6:
		ns.id1 = fake_ret(u);
		return SYS(u, NR_shmat, ns.id1, 0, 0);
	case 7:
		ns.addr1 = fake_ret(u);
		fake_user_write(ns.addr1 + PG, "new", 4); /* a frame in the new namespace */
		if (fake_user_read(ns.saw, ns.addr0, sizeof(ns.saw)) < 0)
			strcpy(ns.saw, "EFAULT");
		return SYS(u, NR_clone, SIGCHLD | CLONE_NEWIPC);
	case 8:
		if (fake_ret(u) == 0) {
			u->step = 100;
			return SYS(u, NR_shmget, KEY, 0, 0);
		}
		ns.child = fake_ret(u);
		return SYS(u, NR_wait4, ns.child, SCRATCH(u), 0);
	case 9:
		ns.waited = fake_ret(u);
		ns.child_status = (long)abi_read_u32(SCRATCH(u));
		return SYS(u, NR_shmdt, ns.addr0);
	case 10:
		ns.dt = fake_ret(u);
		return SYS(u, NR_setuid, 1000);
	case 11:
		ns.setuid = fake_ret(u);
		return SYS(u, NR_unshare, CLONE_NEWIPC);
	case 12:
		ns.eperm_unshare = fake_ret(u);
		return SYS(u, NR_clone, SIGCHLD | CLONE_NEWIPC);
	case 13:
		ns.eperm_clone = fake_ret(u);
		/* The namespace's last process ends, attached to a touched segment. */
		return SYS(u, NR_exit_group, 0);

	case 100: /* the clone(CLONE_NEWIPC) child */
		nc.old_key = fake_ret(u);
		return SYS(u, NR_shmget, KEY, PG, IPC_CREAT | 0600);
	case 101:
		nc.id = fake_ret(u);
		return SYS(u, NR_shmat, nc.id, 0, 0);
	case 102:
		nc.addr = fake_ret(u);
		fake_user_write(nc.addr, "child", 6);
		return SYS(u, NR_exit_group, 3);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_new_namespaces(void **state)
{
	size_t left = 99;

	(void)state;
	memset(&ns, 0, sizeof(ns));
	memset(&nc, 0, sizeof(nc));
	proc_test_program("/ipcns", ipcns);
	abi_run("/ipcns", &left);
	assert_true(ns.id0 >= 0);
	assert_true(ns.addr0 > 0);
	assert_int_equal(ns.unshared, 0);
	assert_int_equal(ns.old_key, -ENOENT);
	assert_int_equal(ns.old_stat, -EINVAL);
	assert_int_equal(ns.id1, 0); /* a fresh namespace's first id */
	assert_true(ns.addr1 > 0);
	assert_string_equal(ns.saw, "init"); /* the older attachment still maps it */
	assert_true(ns.child > 0);
	assert_int_equal(ns.waited, ns.child);
	assert_int_equal(ns.child_status, 3 << 8);
	assert_int_equal(nc.old_key, -ENOENT); /* the child's namespace is new too */
	assert_int_equal(nc.id, 0);
	assert_true(nc.addr > 0);
	assert_int_equal(ns.dt, 0); /* shmdt finds the attachment of the old namespace */
	assert_int_equal(ns.setuid, 0);
	assert_int_equal(ns.eperm_unshare, -EPERM);
	assert_int_equal(ns.eperm_clone, -EPERM);
	/* The initial namespace keeps its segment; every frame is back (abi_run). */
	assert_int_equal(left, 1);
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
	    cmocka_unit_test_setup(test_new_namespaces, setup),
	};

	proc_test_boot();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
