/*
 * The process calls of the system-call layer: pids, the uid family
 * through fork, exit statuses as Linux encodes them, wait4's user status
 * and its errors, execve with its path and argv in user memory, and an
 * unknown call.
 */
#include "abi_test.h"
#include <string.h>

/* getpid/getppid, and credentials that are the child's own after fork. */
static struct {
	long pid, ppid, uid, child, status, uid_after;
} ip;
static struct {
	long ppid, pid, setuid, uid, euid, setuid0, getres, setgid;
	uint32_t res[3];
} ic;

static enum hal_user_event ids(struct fake_user *u, struct hal_user_trap *t)
{
	switch (u->step++) {
	case 0:
		return SYS(u, NR_getpid, 0);
	case 1:
		ip.pid = fake_ret(u);
		return SYS(u, NR_getppid, 0);
	case 2:
		ip.ppid = fake_ret(u);
		return SYS(u, NR_getuid, 0);
	case 3:
		ip.uid = fake_ret(u);
		return SYS(u, NR_clone, SIGCHLD);
	case 4:
		if (fake_ret(u) == 0) {
			u->step = 100;
			return SYS(u, NR_getppid, 0);
		}
		ip.child = fake_ret(u);
		return SYS(u, NR_wait4, ip.child, SCRATCH(u), 0);
	case 5:
		ip.status = abi_read_u32(SCRATCH(u));
		return SYS(u, NR_getuid, 0);
	case 6:
		ip.uid_after = fake_ret(u);
		return SYS(u, NR_exit_group, 0);

	case 100: /* the child drops root */
		ic.ppid = fake_ret(u);
		return SYS(u, NR_getpid, 0);
	case 101:
		ic.pid = fake_ret(u);
		return SYS(u, NR_setuid, 1000);
	case 102:
		ic.setuid = fake_ret(u);
		return SYS(u, NR_getuid, 0);
	case 103:
		ic.uid = fake_ret(u);
		return SYS(u, NR_geteuid, 0);
	case 104:
		ic.euid = fake_ret(u);
		return SYS(u, NR_setuid, 0);
	case 105:
		ic.setuid0 = fake_ret(u);
		return SYS(u, NR_getresuid, SCRATCH(u), SCRATCH(u) + 4, SCRATCH(u) + 8);
	case 106:
		ic.getres = fake_ret(u);
		fake_user_read(ic.res, SCRATCH(u), sizeof(ic.res));
		return SYS(u, NR_setgid, 5);
	case 107:
		ic.setgid = fake_ret(u);
		return SYS(u, NR_exit_group, 0);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_pids_and_uids(void **state)
{
	(void)state;
	proc_test_program("/ids", ids);
	abi_run("/ids", NULL);
	assert_true(ip.pid > 0);
	assert_int_equal(ip.ppid, 0); /* the first process has no parent */
	assert_int_equal(ip.uid, 0);
	assert_int_equal(ic.pid, ip.child);
	assert_int_equal(ic.ppid, ip.pid);
	assert_int_equal(ic.setuid, 0);
	assert_int_equal(ic.uid, 1000);
	assert_int_equal(ic.euid, 1000);
	/* Leaving root dropped the capabilities: no way back, no other gid. */
	assert_int_equal(ic.setuid0, -EPERM);
	assert_int_equal(ic.getres, 0);
	assert_int_equal(ic.res[0], 1000);
	assert_int_equal(ic.res[1], 1000);
	assert_int_equal(ic.res[2], 1000);
	assert_int_equal(ic.setgid, -EPERM);
	assert_int_equal(ip.status, 0);
	assert_int_equal(ip.uid_after, 0); /* the parent's credentials are its own */
}

/* exit and exit_group codes: the low 8 bits, shifted into the wait status. */
static const long codes[] = {0, 1, 255, 256, 0x1234};
#define NCODES (sizeof(codes) / sizeof(codes[0]))
static long code_status[NCODES];

static enum hal_user_event exits(struct fake_user *u, struct hal_user_trap *t)
{
	switch (u->step++) {
	case 0:
		return SYS(u, NR_clone, SIGCHLD);
	case 1:
		if (fake_ret(u) == 0)
			return SYS(u, u->v[1] % 2 ? NR_exit : NR_exit_group, codes[u->v[1]]);
		return SYS(u, NR_wait4, fake_ret(u), SCRATCH(u), 0);
	case 2:
		code_status[u->v[1]] =
		    fake_ret(u) > 0 ? (long)abi_read_u32(SCRATCH(u)) : fake_ret(u);
		if (++u->v[1] < NCODES) {
			u->step = 1;
			return SYS(u, NR_clone, SIGCHLD);
		}
		return SYS(u, NR_exit_group, 0);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_exit_status_encoding(void **state)
{
	(void)state;
	proc_test_program("/exits", exits);
	abi_run("/exits", NULL);
	assert_int_equal(code_status[0], 0);
	assert_int_equal(code_status[1], 0x100);
	assert_int_equal(code_status[2], 0xff00);
	assert_int_equal(code_status[3], 0);
	assert_int_equal(code_status[4], 0x3400);
}

/* wait4's checks and its user status; an unknown call is -ENOSYS and the program goes on. */
static volatile int release;
static struct {
	long bad_options, nohang, child, fault, echild, nosys, nosys2, rseq;
} w;

static enum hal_user_event waits(struct fake_user *u, struct hal_user_trap *t)
{
	switch (u->step++) {
	case 0:
		return SYS(u, 9999, 1, 2, 3);
	case 1:
		w.nosys = fake_ret(u);
		return SYS(u, 236, 0); /* get_mempolicy: riscv64 has it, this kernel not */
	case 2:
		w.nosys2 = fake_ret(u);
		return SYS(u, NR_clone, SIGCHLD);
	case 3:
		if (fake_ret(u) == 0) {
			u->step = 100;
			return SYS(u, NR_sched_yield, 0);
		}
		w.child = fake_ret(u);
		return SYS(u, NR_wait4, -1, SCRATCH(u), 0x4);
	case 4:
		w.bad_options = fake_ret(u);
		return SYS(u, NR_wait4, w.child, SCRATCH(u), WNOHANG);
	case 5:
		w.nohang = fake_ret(u);
		release = 1;
		return SYS(u, NR_wait4, w.child, 0x1000, 0); /* not a user address */
	case 6:
		w.fault = fake_ret(u);
		return SYS(u, NR_wait4, -1, SCRATCH(u), 0);
	case 7:
		w.echild = fake_ret(u);
		return SYS(u, NR_rseq, SCRATCH(u), 32, 0, 0x53053053);
	case 8:
		w.rseq = fake_ret(u);
		return SYS(u, NR_exit_group, 0);

	case 100:
		if (!release) {
			AGAIN(u);
			return SYS(u, NR_sched_yield, 0);
		}
		return SYS(u, NR_exit_group, 1);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_wait4_and_unknown_calls(void **state)
{
	(void)state;
	release = 0;
	proc_test_program("/waits", waits);
	kit_test_output_reset();
	abi_run("/waits", NULL);
	assert_int_equal(w.nosys, -ENOSYS);
	assert_int_equal(w.nosys2, -ENOSYS);
	assert_true(kit_test_output_has("unknown syscall 236 (get_mempolicy)"));
	/* rseq: ENOSYS as from a Linux built without CONFIG_RSEQ, and no warning:
	 * glibc asks for it at every start and goes on without it. */
	assert_int_equal(w.rseq, -ENOSYS);
	assert_false(kit_test_output_has("(rseq)"));
	assert_int_equal(w.bad_options, -EINVAL);
	assert_int_equal(w.nohang, 0);
	/* Collected, but the status could not be written (Linux's order too). */
	assert_int_equal(w.fault, -EFAULT);
	assert_int_equal(w.echild, -ECHILD);
}

/* execve with its path, argv and envp in user memory. */
static struct {
	long enoent, efault, empty, waited, status;
	long argc;
	char argv0[16], argv1[16];
} ex;

static enum hal_user_event exec_second(struct fake_user *u, struct hal_user_trap *t)
{
	(void)t;
	ex.argc = fake_user_argc(u);
	fake_user_argv(u, 0, ex.argv0, sizeof(ex.argv0));
	fake_user_argv(u, 1, ex.argv1, sizeof(ex.argv1));
	return SYS(u, NR_exit_group, 9);
}

/* path at S, strings at S + 64.., argv[] at S + 256, envp[] at S + 320. */
static void put_exec_args(struct fake_user *u, const char *path)
{
	uintptr_t s = SCRATCH(u);
	uint64_t argv[3] = {s + 64, s + 80, 0}, envp[2] = {s + 96, 0};

	fake_user_write(s, path, strlen(path) + 1);
	fake_user_write(s + 64, "prog", 5);
	fake_user_write(s + 80, "arg1", 5);
	fake_user_write(s + 96, "A=1", 4);
	fake_user_write(s + 256, argv, sizeof(argv));
	fake_user_write(s + 320, envp, sizeof(envp));
}

static enum hal_user_event exec_first(struct fake_user *u, struct hal_user_trap *t)
{
	uintptr_t s = SCRATCH(u);

	switch (u->step++) {
	case 0:
		return SYS(u, NR_clone, SIGCHLD);
	case 1:
		if (fake_ret(u) == 0) {
			put_exec_args(u, "/nope");
			u->step = 100;
			return SYS(u, NR_execve, s, s + 256, s + 320);
		}
		ex.waited = fake_ret(u);
		return SYS(u, NR_wait4, fake_ret(u), s, 0);
	case 2:
		ex.status = abi_read_u32(s);
		return SYS(u, NR_exit_group, 0);

	case 100:
		ex.enoent = fake_ret(u);
		return SYS(u, NR_execve, 0x1000, s + 256, s + 320);
	case 101:
		ex.efault = fake_ret(u);
		put_exec_args(u, "");
		return SYS(u, NR_execve, s, s + 256, s + 320);
	case 102:
		ex.empty = fake_ret(u);
		put_exec_args(u, "/second");
		return SYS(u, NR_execve, s, s + 256, s + 320);
	case 103:
		return SYS(u, NR_exit_group, 99); /* exec failed */
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_execve_from_user_memory(void **state)
{
	(void)state;
	proc_test_program("/first", exec_first);
	proc_test_program("/second", exec_second);
	abi_run("/first", NULL);
	assert_int_equal(ex.enoent, -ENOENT);
	assert_int_equal(ex.efault, -EFAULT);
	assert_int_equal(ex.empty, -ENOENT);
	assert_int_equal(ex.argc, 2);
	assert_string_equal(ex.argv0, "prog");
	assert_string_equal(ex.argv1, "arg1");
	assert_int_equal(ex.status, EXITED(9));
}

/*
 * kill() by the target's action (inherited through fork): SIGCHLD and
 * SIGCONT are ignored by default, SIG_IGN drops SIGTERM, SIGUSR1's default
 * ends the child; the child keeps running until then.
 */
#define NR_rt_sigaction 134
#define SIGUSR1         10
#define SIGTERM         15
#define SIGCONT         18
static struct {
	long sigaction, child, k_chld, k_cont, k_term, alive, k_usr1, status;
} sg;

static enum hal_user_event signals(struct fake_user *u, struct hal_user_trap *t)
{
	static const uint64_t ign[3] = {1 /* SIG_IGN */, 0, 0};

	switch (u->step++) {
	case 0:
		fake_user_write(SCRATCH(u) + 64, ign, sizeof(ign));
		return SYS(u, NR_rt_sigaction, SIGTERM, SCRATCH(u) + 64, 0, 8);
	case 1:
		sg.sigaction = fake_ret(u);
		return SYS(u, NR_clone, SIGCHLD);
	case 2:
		if (fake_ret(u) == 0) {
			u->step = 100;
			return SYS(u, NR_sched_yield, 0);
		}
		sg.child = fake_ret(u);
		return SYS(u, NR_kill, sg.child, SIGCHLD);
	case 3:
		sg.k_chld = fake_ret(u);
		return SYS(u, NR_kill, sg.child, SIGCONT);
	case 4:
		sg.k_cont = fake_ret(u);
		return SYS(u, NR_kill, sg.child, SIGTERM);
	case 5:
		sg.k_term = fake_ret(u);
		return SYS(u, NR_sched_yield, 0); /* let the child reach a trap */
	case 6:
		return SYS(u, NR_wait4, sg.child, SCRATCH(u), WNOHANG);
	case 7:
		sg.alive = fake_ret(u) == 0;
		return SYS(u, NR_kill, sg.child, SIGUSR1);
	case 8:
		sg.k_usr1 = fake_ret(u);
		return SYS(u, NR_wait4, sg.child, SCRATCH(u), 0);
	case 9:
		sg.status = fake_ret(u) == sg.child ? (long)abi_read_u32(SCRATCH(u)) : fake_ret(u);
		return SYS(u, NR_exit_group, 0);

	case 100: /* the child: yield forever, until a signal ends it */
		AGAIN(u);
		return SYS(u, NR_sched_yield, 0);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_kill_follows_the_signal_action(void **state)
{
	(void)state;
	proc_test_program("/signals", signals);
	abi_run("/signals", NULL);
	assert_int_equal(sg.sigaction, 0);
	assert_true(sg.child > 0);
	assert_int_equal(sg.k_chld, 0);
	assert_int_equal(sg.k_cont, 0);
	assert_int_equal(sg.k_term, 0);
	assert_true(sg.alive); /* none of the three ended it */
	assert_int_equal(sg.k_usr1, 0);
	assert_int_equal(sg.status, SIGUSR1); /* killed by SIGUSR1: status is the signal */
}

/*
 * RLIMIT_NPROC at fork, as Linux's copy_process: a user's processes (the
 * caller included) may not exceed it, EAGAIN past it; root is exempt.
 */
#define NR_prlimit64 261
#define RLIMIT_NPROC 6
static volatile int nproc_release;
static struct {
	long root_fork, setuid, forks[3];
} np;

static enum hal_user_event nproc(struct fake_user *u, struct hal_user_trap *t)
{
	static const uint64_t limit[2] = {3, 3};

	switch (u->step++) {
	case 0:
		fake_user_write(SCRATCH(u), limit, sizeof(limit));
		return SYS(u, NR_prlimit64, 0, RLIMIT_NPROC, SCRATCH(u), 0);
	case 1:
		return SYS(u, NR_clone, SIGCHLD); /* root: the limit does not apply */
	case 2:
		if (fake_ret(u) == 0)
			return SYS(u, NR_exit_group, 0);
		np.root_fork = fake_ret(u);
		return SYS(u, NR_wait4, fake_ret(u), 0, 0);
	case 3:
		return SYS(u, NR_setuid, 1000);
	case 4:
		np.setuid = fake_ret(u);
		return SYS(u, NR_clone, SIGCHLD);
	case 5:
	case 6:
	case 7:
		if (fake_ret(u) == 0) {
			u->step = 100;
			return SYS(u, NR_sched_yield, 0);
		}
		np.forks[u->step - 6] = fake_ret(u);
		if (u->step < 8)
			return SYS(u, NR_clone, SIGCHLD);
		nproc_release = 1;
		return SYS(u, NR_wait4, -1, 0, 0);
	case 8:
		if (fake_ret(u) > 0)
			AGAIN(u);
		return SYS(u, NR_wait4, -1, 0, 0);
	case 9:
		return SYS(u, NR_exit_group, 0);

	case 100: /* a child of uid 1000: waits, then exits */
		if (!nproc_release)
			AGAIN(u);
		return nproc_release ? SYS(u, NR_exit_group, 0) : SYS(u, NR_sched_yield, 0);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_rlimit_nproc(void **state)
{
	(void)state;
	nproc_release = 0;
	proc_test_program("/nproc", nproc);
	abi_run("/nproc", NULL);
	assert_true(np.root_fork > 0);
	assert_int_equal(np.setuid, 0);
	assert_true(np.forks[0] > 0); /* uid 1000: itself and two children make 3 */
	assert_true(np.forks[1] > 0);
	assert_int_equal(np.forks[2], -EAGAIN);
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
	    cmocka_unit_test_setup(test_pids_and_uids, setup),
	    cmocka_unit_test_setup(test_exit_status_encoding, setup),
	    cmocka_unit_test_setup(test_wait4_and_unknown_calls, setup),
	    cmocka_unit_test_setup(test_execve_from_user_memory, setup),
	    cmocka_unit_test_setup(test_kill_follows_the_signal_action, setup),
	    cmocka_unit_test_setup(test_rlimit_nproc, setup),
	};

	proc_test_boot();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
