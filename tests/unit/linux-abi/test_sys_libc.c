/*
 * Process calls the way a C library and a shell make them: glibc's fork
 * (clone with the TID flags and a child tid pointer), kill(0, sig) for the
 * caller's process group, setrlimit lowering a hard limit for good
 * without privilege, and the limits a program finds at its start.
 */
#include "abi_test.h"
#include <string.h>

#define NR_getrlimit 163
#define NR_setrlimit 164
#define NR_prlimit64 261

#define CLONE_VM             0x00000100
#define CLONE_PARENT_SETTID  0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_CHILD_SETTID   0x01000000
/* What glibc's fork() passes on riscv64 (sysdeps/unix/sysv/linux/arch-fork.h). */
#define GLIBC_FORK (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD)

#define SIGTERM       15
#define RLIMIT_NOFILE 7

/* The parent's and the child's view of the tid words, and the results. */
static struct {
	long clone_vm, child, ptid_clone, status;
	uint32_t ctid_parent, ptid_parent;
	long c_pid, c_ctid, c_ptid;
} gf;

static enum hal_user_event glibc_fork(struct fake_user *u, struct hal_user_trap *t)
{
	uintptr_t ctid = SCRATCH(u), ptid = SCRATCH(u) + 8;
	const uint32_t sentinel = 0xdeadbee0;

	switch (u->step++) {
	case 0:
		fake_user_write(ctid, &sentinel, 4);
		fake_user_write(ptid, &sentinel, 4);
		return SYS(u, NR_clone, CLONE_VM | SIGCHLD, 0, 0, 0, ctid);
	case 1:
		gf.clone_vm = fake_ret(u);
		/* riscv64's order: flags, stack, parent tid, tls, child tid. */
		return SYS(u, NR_clone, GLIBC_FORK, 0, 0, 0, ctid);
	case 2:
		if (fake_ret(u) == 0) {
			u->step = 100;
			return SYS(u, NR_getpid, 0);
		}
		gf.child = fake_ret(u);
		fake_user_read(&gf.ctid_parent, ctid, 4);
		return SYS(u, NR_wait4, gf.child, SCRATCH(u) + 16, 0);
	case 3:
		gf.status = abi_read_u32(SCRATCH(u) + 16);
		return SYS(u, NR_clone, CLONE_PARENT_SETTID | SIGCHLD, 0, ptid, 0, 0);
	case 4:
		if (fake_ret(u) == 0)
			return SYS(u, NR_exit_group, 0);
		gf.ptid_clone = fake_ret(u);
		fake_user_read(&gf.ptid_parent, ptid, 4);
		return SYS(u, NR_wait4, gf.ptid_clone, 0, 0);
	case 5:
		return SYS(u, NR_exit_group, 0);

	case 100: { /* the child: its own tid at ctid, the parent's word untouched */
		uint32_t v = 0;

		gf.c_pid = fake_ret(u);
		fake_user_read(&v, ctid, 4);
		gf.c_ctid = v;
		fake_user_read(&v, ptid, 4);
		gf.c_ptid = v;
		return SYS(u, NR_exit_group, 7);
	}
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_glibc_fork_sets_the_child_tid(void **state)
{
	(void)state;
	proc_test_program("/fork", glibc_fork);
	assert_int_equal(abi_run("/fork", NULL), 0);
	assert_int_equal(gf.clone_vm, -EINVAL); /* threads: not in this kernel */
	assert_true(gf.child > 1);
	assert_int_equal(gf.status, EXITED(7));
	assert_int_equal(gf.c_pid, gf.child);
	assert_int_equal(gf.c_ctid, gf.child); /* CLONE_CHILD_SETTID, in the child's memory */
	assert_int_equal(gf.ctid_parent, 0xdeadbee0); /* not in the parent's */
	assert_int_equal(gf.c_ptid, 0xdeadbee0);
	assert_true(gf.ptid_clone > gf.child);
	assert_int_equal(gf.ptid_parent, gf.ptid_clone); /* CLONE_PARENT_SETTID, in the parent's */
}

/*
 * kill(0, SIGTERM) from a process that is not pid 1 signals its process
 * group: itself and its child (both die of it), not pid 1, which waits for
 * them. If the kill fails the caller cleans up and says so in its status.
 * The first test of the file: its first process must be pid 1 (pids are
 * not reused, and any other process would be in the group).
 */
static struct {
	long a, b, kill0, status_a, status_b;
} kz;

static enum hal_user_event kill_zero(struct fake_user *u, struct hal_user_trap *t)
{
	switch (u->step++) {
	case 0:
		return SYS(u, NR_clone, SIGCHLD);
	case 1:
		if (fake_ret(u) == 0) {
			u->step = 100; /* a */
			return SYS(u, NR_clone, SIGCHLD);
		}
		kz.a = fake_ret(u);
		return SYS(u, NR_wait4, kz.a, SCRATCH(u), 0);
	case 2:
		kz.status_a = fake_ret(u) == kz.a ? (long)abi_read_u32(SCRATCH(u)) : fake_ret(u);
		return SYS(u, NR_wait4, -1, SCRATCH(u), 0);
	case 3:
		kz.b = fake_ret(u);
		kz.status_b = abi_read_u32(SCRATCH(u));
		return SYS(u, NR_exit_group, 0);

	case 100: /* a, after forking b */
		if (fake_ret(u) == 0) {
			u->step = 200; /* b */
			return SYS(u, NR_sched_yield, 0);
		}
		u->v[0] = fake_ret(u);
		return SYS(u, NR_kill, 0, SIGTERM);
	case 101:
		kz.kill0 = fake_ret(u);
		if (kz.kill0 == 0) {
			AGAIN(u); /* the signal ends it at this trap or the next */
			return SYS(u, NR_sched_yield, 0);
		}
		return SYS(u, NR_kill, u->v[0], SIGKILL);
	case 102:
		return SYS(u, NR_exit_group, 3);

	case 200: /* b: yield until a signal ends it */
		AGAIN(u);
		return SYS(u, NR_sched_yield, 0);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_kill_zero_signals_the_callers_group(void **state)
{
	(void)state;
	proc_test_program("/killzero", kill_zero);
	assert_int_equal(abi_run("/killzero", NULL), 0); /* pid 1 is not in it (or ignores it) */
	assert_int_equal(kz.kill0, 0);
	assert_int_equal(kz.status_a, KILLED(SIGTERM));
	assert_true(kz.b > kz.a);
	assert_int_equal(kz.status_b, KILLED(SIGTERM));
}

/*
 * Without CAP_SYS_RESOURCE a hard limit only goes down: lowered once, it
 * stays lowered, through each of the three calls; the soft limit moves
 * freely below it, and a soft limit above the hard one is EINVAL.
 */
struct rlim {
	uint64_t cur, max;
};
static struct {
	long set_low, get_low, raise_hard, raise_setrlimit, soft_up, soft_over, prl;
	struct rlim after_low, after_soft, old;
} rl;

static enum hal_user_event limits(struct fake_user *u, struct hal_user_trap *t)
{
	uintptr_t buf = SCRATCH(u), old = SCRATCH(u) + 32;
	struct rlim r;

	switch (u->step++) {
	case 0:
		return SYS(u, NR_setuid, 1000); /* drops every capability */
	case 1:
		r = (struct rlim){64, 128};
		fake_user_write(buf, &r, sizeof(r));
		return SYS(u, NR_setrlimit, RLIMIT_NOFILE, buf);
	case 2:
		rl.set_low = fake_ret(u);
		return SYS(u, NR_getrlimit, RLIMIT_NOFILE, buf);
	case 3:
		rl.get_low = fake_ret(u);
		fake_user_read(&rl.after_low, buf, sizeof(r));
		r = (struct rlim){64, 129};
		fake_user_write(buf, &r, sizeof(r));
		return SYS(u, NR_prlimit64, 0, RLIMIT_NOFILE, buf, 0);
	case 4:
		rl.raise_hard = fake_ret(u);
		r = (struct rlim){64, 256};
		fake_user_write(buf, &r, sizeof(r));
		return SYS(u, NR_setrlimit, RLIMIT_NOFILE, buf);
	case 5:
		rl.raise_setrlimit = fake_ret(u);
		r = (struct rlim){128, 128};
		fake_user_write(buf, &r, sizeof(r));
		return SYS(u, NR_setrlimit, RLIMIT_NOFILE, buf);
	case 6:
		rl.soft_up = fake_ret(u);
		r = (struct rlim){129, 128};
		fake_user_write(buf, &r, sizeof(r));
		return SYS(u, NR_setrlimit, RLIMIT_NOFILE, buf);
	case 7:
		rl.soft_over = fake_ret(u);
		return SYS(u, NR_prlimit64, 0, RLIMIT_NOFILE, 0, old);
	case 8:
		rl.prl = fake_ret(u);
		fake_user_read(&rl.old, old, sizeof(r));
		return SYS(u, NR_exit_group, 0);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_setrlimit_without_privilege_only_lowers_the_hard_limit(void **state)
{
	(void)state;
	proc_test_program("/limits", limits);
	assert_int_equal(abi_run("/limits", NULL), 0);
	assert_int_equal(rl.set_low, 0);
	assert_int_equal(rl.get_low, 0);
	assert_int_equal(rl.after_low.cur, 64);
	assert_int_equal(rl.after_low.max, 128);
	assert_int_equal(rl.raise_hard, -EPERM);
	assert_int_equal(rl.raise_setrlimit, -EPERM);
	assert_int_equal(rl.soft_up, 0);
	assert_int_equal(rl.soft_over, -EINVAL);
	assert_int_equal(rl.prl, 0);
	assert_int_equal(rl.old.cur, 128);
	assert_int_equal(rl.old.max, 128);
}

/*
 * The first process starts with Linux's limits (include/asm-generic/resource.h,
 * INIT_RLIMITS): what a program reads before it changes any.
 */
#define RLIMIT_CPU     0
#define RLIMIT_STACK   3
#define RLIMIT_CORE    4
#define RLIMIT_MEMLOCK 8
#define RLIM_INFINITY  (~0ull)

static const struct {
	int res;
	struct rlim want;
} init_limits[] = {
    {RLIMIT_CPU, {RLIM_INFINITY, RLIM_INFINITY}},
    {RLIMIT_STACK, {8ull << 20, RLIM_INFINITY}},
    {RLIMIT_CORE, {0, RLIM_INFINITY}},
    {RLIMIT_NOFILE, {1024, 4096}},
    {RLIMIT_MEMLOCK, {8ull << 20, 8ull << 20}}, /* MLOCK_LIMIT since Linux 5.16 */
};
#define N_INIT_LIMITS (sizeof(init_limits) / sizeof(init_limits[0]))
static struct rlim init_got[N_INIT_LIMITS];
static long init_rc[N_INIT_LIMITS];

static enum hal_user_event read_limits(struct fake_user *u, struct hal_user_trap *t)
{
	uintptr_t buf = SCRATCH(u);
	unsigned i = u->step++;

	if (i > 0) {
		init_rc[i - 1] = fake_ret(u);
		fake_user_read(&init_got[i - 1], buf, sizeof(struct rlim));
	}
	if (i < N_INIT_LIMITS)
		return SYS(u, NR_prlimit64, 0, init_limits[i].res, 0, buf);
	if (i == N_INIT_LIMITS)
		return SYS(u, NR_exit_group, 0);
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_the_first_process_has_linux_default_limits(void **state)
{
	(void)state;
	proc_test_program("/read-limits", read_limits);
	assert_int_equal(abi_run("/read-limits", NULL), 0);
	for (unsigned i = 0; i < N_INIT_LIMITS; i++) {
		assert_int_equal(init_rc[i], 0);
		if (init_got[i].cur != init_limits[i].want.cur ||
		    init_got[i].max != init_limits[i].want.max)
			fail_msg("limit %d: {%#llx, %#llx}, Linux starts with {%#llx, %#llx}",
			         init_limits[i].res, (unsigned long long)init_got[i].cur,
			         (unsigned long long)init_got[i].max,
			         (unsigned long long)init_limits[i].want.cur,
			         (unsigned long long)init_limits[i].want.max);
	}
}

static int setup(void **state)
{
	(void)state;
	proc_test_reset();
	return 0;
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_kill_zero_signals_the_callers_group),
	    T(test_glibc_fork_sets_the_child_tid),
	    T(test_setrlimit_without_privilege_only_lowers_the_hard_limit),
	    T(test_the_first_process_has_linux_default_limits),
	};

	proc_test_boot();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
