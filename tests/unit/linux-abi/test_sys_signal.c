/*
 * Signals and process groups through the system-call layer: kill() checks
 * credentials as Linux's kill_ok_by_cred (and kill(-1) skips whom it may
 * not signal), a fatal signal ends a process asleep in nanosleep or
 * clock_nanosleep at once, a blocked signal stays pending (rt_sigpending)
 * and acts when unblocked, and process groups and sessions follow
 * Linux's rules (setpgid's errnos, kill and wait4 by group). The image
 * runs the same rules against Linux 6.12 (tests/linux/attack).
 */
#include "abi_test.h"
#include <limits.h>
#include <string.h>

#define NR_nanosleep       101
#define NR_clock_nanosleep 115
#define NR_tkill           130
#define NR_rt_sigprocmask  135
#define NR_rt_sigpending   136
#define NR_setresuid       147
#define NR_setpgid         154
#define NR_getpgid         155
#define NR_getsid          156
#define NR_setsid          157
#define SIGTERM            15
#define SIGCONT            18
#define SIG_BLOCK          0
#define SIG_UNBLOCK        1

static volatile int ready[4], go;

/* Run this step again after a yield (from the step's own case only). */
static enum hal_user_event spin(struct fake_user *u)
{
	AGAIN(u);
	return SYS(u, NR_sched_yield, 0);
}

/* Go to 'step' after a yield. */
static enum hal_user_event yield_to(struct fake_user *u, uint64_t step)
{
	u->step = step;
	return SYS(u, NR_sched_yield, 0);
}

/* kill() and credentials. */
static struct {
	long victim, target_ruid3000, target_euid4000;
	long k_kill, k_probe, k_all, k_cont, k_tkill, a_status;
	long m_ok, m_euid, m_status;
	long alive, root_kill, v_status;
} kp;

static enum hal_user_event kill_perm(struct fake_user *u, struct hal_user_trap *t)
{
	switch (u->step++) {
	case 0:
		return SYS(u, NR_clone, SIGCHLD);
	case 1:
		if (fake_ret(u) == 0)
			return yield_to(u, 100);
		kp.victim = fake_ret(u);
		return SYS(u, NR_clone, SIGCHLD);
	case 2: /* a target whose saved uid is 3000 */
		if (fake_ret(u) == 0) {
			u->step = 110;
			return SYS(u, NR_setresuid, 6000, 6000, 3000);
		}
		kp.target_ruid3000 = fake_ret(u);
		return SYS(u, NR_clone, SIGCHLD);
	case 3: /* a target whose effective uid (only) is 4000 */
		if (fake_ret(u) == 0) {
			u->step = 120;
			return SYS(u, NR_setresuid, 7000, 4000, 7000);
		}
		kp.target_euid4000 = fake_ret(u);
		return SYS(u, NR_sched_yield, 0);
	case 4:
		if (!ready[1] || !ready[2])
			return spin(u);
		return SYS(u, NR_clone, SIGCHLD);
	case 5:
		if (fake_ret(u) == 0) {
			u->step = 200;
			return SYS(u, NR_setuid, 65534);
		}
		return SYS(u, NR_wait4, fake_ret(u), SCRATCH(u), 0);
	case 6:
		kp.a_status = abi_read_u32(SCRATCH(u));
		return SYS(u, NR_clone, SIGCHLD);
	case 7:
		if (fake_ret(u) == 0) {
			u->step = 300;
			return SYS(u, NR_setresuid, 3000, 4000, 5000);
		}
		return SYS(u, NR_wait4, fake_ret(u), SCRATCH(u), 0);
	case 8:
		kp.m_status = abi_read_u32(SCRATCH(u));
		return SYS(u, NR_wait4, kp.victim, SCRATCH(u), WNOHANG);
	case 9:
		kp.alive = fake_ret(u) == 0;
		return SYS(u, NR_kill, kp.victim, SIGKILL);
	case 10:
		kp.root_kill = fake_ret(u);
		return SYS(u, NR_wait4, kp.victim, SCRATCH(u), 0);
	case 11:
		kp.v_status = abi_read_u32(SCRATCH(u));
		return SYS(u, NR_kill, kp.target_ruid3000, SIGKILL);
	case 12:
		return SYS(u, NR_kill, kp.target_euid4000, SIGKILL);
	case 13:
		return SYS(u, NR_wait4, -1, 0, 0);
	case 14:
		if (fake_ret(u) > 0)
			AGAIN(u);
		return SYS(u, NR_wait4, -1, 0, 0);
	case 15:
		return SYS(u, NR_exit_group, 0);

	case 100: /* the victim, root */
		return spin(u);
	case 110: /* the targets, after their setresuid */
		ready[1] = 1;
		return yield_to(u, 100);
	case 120:
		ready[2] = 1;
		return yield_to(u, 100);

	case 200: /* the attacker, uid 65534 */
		return SYS(u, NR_kill, kp.victim, SIGKILL);
	case 201:
		kp.k_kill = fake_ret(u);
		return SYS(u, NR_kill, kp.victim, 0);
	case 202:
		kp.k_probe = fake_ret(u);
		return SYS(u, NR_kill, -1, SIGKILL);
	case 203:
		kp.k_all = fake_ret(u);
		return SYS(u, NR_kill, kp.victim, SIGCONT);
	case 204:
		kp.k_cont = fake_ret(u);
		return SYS(u, NR_tkill, -1, SIGKILL);
	case 205:
		kp.k_tkill = fake_ret(u);
		return SYS(u, NR_exit_group, 0);

	case 300: /* ruid 3000, euid 4000, suid 5000 */
		return SYS(u, NR_kill, kp.target_ruid3000, 0);
	case 301:
		kp.m_ok = fake_ret(u);
		return SYS(u, NR_kill, kp.target_euid4000, 0);
	case 302:
		kp.m_euid = fake_ret(u);
		return SYS(u, NR_exit_group, 0);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_kill_checks_credentials(void **state)
{
	(void)state;
	ready[1] = ready[2] = 0;
	proc_test_program("/kill_perm", kill_perm);
	abi_run("/kill_perm", NULL);
	assert_int_equal(kp.k_kill, -EPERM);
	assert_int_equal(kp.k_probe, -EPERM);
	assert_int_equal(kp.k_all, 0);  /* Linux: 0 although every target refused */
	assert_int_equal(kp.k_cont, 0); /* SIGCONT within the session */
	assert_int_equal(kp.k_tkill, -EINVAL);
	assert_int_equal(kp.a_status, EXITED(0));
	assert_int_equal(kp.m_ok, 0);        /* sender's ruid is the target's suid */
	assert_int_equal(kp.m_euid, -EPERM); /* the target's euid does not count */
	assert_int_equal(kp.m_status, EXITED(0));
	assert_true(kp.alive);
	assert_int_equal(kp.root_kill, 0);
	assert_int_equal(kp.v_status, KILLED(SIGKILL));
}

/*
 * Fatal signals end sleeps; blocked ones stay pending. Child i: 0 in
 * nanosleep gets SIGKILL, 1 in clock_nanosleep SIGTERM, 2 blocks SIGTERM,
 * gets it, sees it pending and unblocks it, 3 blocks SIGTERM and sleeps:
 * SIGTERM leaves it asleep, SIGKILL ends it.
 */
static const int sig_for[4] = {SIGKILL, SIGTERM, SIGTERM, SIGTERM};
static struct {
	long status[4], pending_rc, term_rc;
	uint64_t pending;
} sl;

static enum hal_user_event sleeps(struct fake_user *u, struct hal_user_trap *t)
{
	uintptr_t s = SCRATCH(u);
	static const uint64_t hour[2] = {3600, 0}, term = 1ull << (SIGTERM - 1);
	uint64_t i = u->v[0];

	switch (u->step++) {
	case 0:
		return SYS(u, NR_clone, SIGCHLD);
	case 1:
		if (fake_ret(u) == 0) {
			u->step = 100 + 10 * i;
			fake_user_write(s, hour, sizeof(hour));
			fake_user_write(s + 16, &term, 8);
			return SYS(u, NR_getpid, 0);
		}
		u->v[1] = (uint64_t)fake_ret(u);
		return SYS(u, NR_sched_yield, 0);
	case 2:
		if (!ready[i])
			return spin(u);
		return SYS(u, NR_sched_yield, 0); /* into its sleep, most likely */
	case 3:
		return SYS(u, NR_kill, u->v[1], sig_for[i]);
	case 4:
		if (i == 2) {
			sl.term_rc = fake_ret(u);
			go = 1;
		}
		return SYS(u, NR_kill, u->v[1], i == 3 ? SIGKILL : 0);
	case 5:
		return SYS(u, NR_wait4, u->v[1], s, 0);
	case 6:
		sl.status[i] = abi_read_u32(s);
		if (++u->v[0] < 4) {
			u->step = 1;
			return SYS(u, NR_clone, SIGCHLD);
		}
		return SYS(u, NR_exit_group, 0);

	case 100: /* nanosleep for an hour */
		ready[0] = 1;
		return SYS(u, NR_nanosleep, s, 0);
	case 110: /* clock_nanosleep for an hour */
		ready[1] = 1;
		return SYS(u, NR_clock_nanosleep, 1, 0, s, 0);
	case 120: /* SIGTERM blocked; waits for it, sees it pending, unblocks it */
		return SYS(u, NR_rt_sigprocmask, SIG_BLOCK, s + 16, 0, 8);
	case 121:
		ready[2] = 1;
		if (!go)
			return spin(u);
		return SYS(u, NR_rt_sigpending, s + 24, 8);
	case 122:
		sl.pending_rc = fake_ret(u);
		fake_user_read((void *)&sl.pending, s + 24, 8);
		return SYS(u, NR_rt_sigprocmask, SIG_UNBLOCK, s + 16, 0, 8);
	case 123:
		return SYS(u, NR_exit_group, 7); /* not reached: SIGTERM acts on the way out */
	case 130:                                /* SIGTERM blocked, asleep */
		return SYS(u, NR_rt_sigprocmask, SIG_BLOCK, s + 16, 0, 8);
	case 131:
		ready[3] = 1;
		return SYS(u, NR_nanosleep, s, 0);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_fatal_signals_end_sleeps(void **state)
{
	(void)state;
	memset((void *)ready, 0, sizeof(ready));
	go = 0;
	proc_test_program("/sleeps", sleeps);
	abi_run("/sleeps", NULL);
	assert_int_equal(sl.status[0], KILLED(SIGKILL)); /* in nanosleep */
	assert_int_equal(sl.status[1], KILLED(SIGTERM)); /* in clock_nanosleep */
	assert_int_equal(sl.term_rc, 0);
	assert_int_equal(sl.pending_rc, 0);
	assert_int_equal(sl.pending, 1ull << (SIGTERM - 1));
	assert_int_equal(sl.status[2], KILLED(SIGTERM)); /* once unblocked */
	assert_int_equal(sl.status[3], KILLED(SIGKILL)); /* the blocked SIGTERM did nothing */
}

/* Process groups and sessions. */
static struct {
	long pgid0, sid0, einval, esrch, grp_rc, grp_id, kill_grp, waited, w_status, echild, gone,
	    intmin;
	long sid_rc, leader_setpgid, leader_sid, exec_setpgid, exec_status;
} pg;

static enum hal_user_event exec_target(struct fake_user *u, struct hal_user_trap *t)
{
	(void)t;
	ready[3] = 1;
	if (!go)
		return SYS(u, NR_sched_yield, 0); /* this program has no steps: again */
	return SYS(u, NR_exit_group, 4);
}

static enum hal_user_event groups(struct fake_user *u, struct hal_user_trap *t)
{
	uintptr_t s = SCRATCH(u);

	switch (u->step++) {
	case 0:
		return SYS(u, NR_getpgid, 0);
	case 1:
		pg.pgid0 = fake_ret(u);
		return SYS(u, NR_getsid, 0);
	case 2:
		pg.sid0 = fake_ret(u);
		return SYS(u, NR_setpgid, 0, -1);
	case 3:
		pg.einval = fake_ret(u);
		return SYS(u, NR_setpgid, 99999, 0);
	case 4:
		pg.esrch = fake_ret(u);
		return SYS(u, NR_clone, SIGCHLD);
	case 5:
		if (fake_ret(u) == 0)
			return yield_to(u, 100);
		u->v[1] = (uint64_t)fake_ret(u);
		return SYS(u, NR_setpgid, u->v[1], u->v[1]);
	case 6:
		pg.grp_rc = fake_ret(u);
		return SYS(u, NR_getpgid, u->v[1]);
	case 7:
		pg.grp_id = fake_ret(u);
		return SYS(u, NR_kill, -(long)u->v[1], SIGKILL);
	case 8:
		pg.kill_grp = fake_ret(u);
		return SYS(u, NR_wait4, -(long)u->v[1], s, 0);
	case 9:
		pg.waited = fake_ret(u);
		pg.w_status = abi_read_u32(s);
		return SYS(u, NR_wait4, -(long)u->v[1], s, WNOHANG);
	case 10:
		pg.echild = fake_ret(u);
		return SYS(u, NR_kill, -(long)u->v[1], 0);
	case 11:
		pg.gone = fake_ret(u);
		return SYS(u, NR_kill, INT_MIN, 0);
	case 12:
		pg.intmin = fake_ret(u);
		return SYS(u, NR_clone, SIGCHLD);
	case 13: /* a child that makes a session of its own */
		if (fake_ret(u) == 0) {
			u->step = 200;
			return SYS(u, NR_setsid, 0);
		}
		u->v[2] = (uint64_t)fake_ret(u);
		return SYS(u, NR_sched_yield, 0);
	case 14:
		if (!proc_test_ended((int32_t)u->v[2]))
			return spin(u);
		return SYS(u, NR_setpgid, u->v[2], u->v[2]);
	case 15:
		pg.leader_setpgid = fake_ret(u);
		return SYS(u, NR_getsid, u->v[2]);
	case 16:
		pg.leader_sid = fake_ret(u) == (long)u->v[2];
		return SYS(u, NR_wait4, u->v[2], s, 0);
	case 17: /* a child that execs: then setpgid on it is EACCES */
		return SYS(u, NR_clone, SIGCHLD);
	case 18:
		if (fake_ret(u) == 0) {
			fake_user_write(s, "/exec_target", 13);
			u->step = 300;
			return SYS(u, NR_execve, s, 0, 0);
		}
		u->v[3] = (uint64_t)fake_ret(u);
		return SYS(u, NR_sched_yield, 0);
	case 19:
		if (!ready[3])
			return spin(u);
		return SYS(u, NR_setpgid, u->v[3], u->v[3]);
	case 20:
		pg.exec_setpgid = fake_ret(u);
		go = 1;
		return SYS(u, NR_wait4, u->v[3], s, 0);
	case 21:
		pg.exec_status = abi_read_u32(s);
		return SYS(u, NR_exit_group, 0);

	case 100:
		return spin(u);
	case 200:
		pg.sid_rc = fake_ret(u);
		return SYS(u, NR_exit_group, 0);
	case 300:
		return SYS(u, NR_exit_group, 99); /* the exec failed */
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_process_groups_and_sessions(void **state)
{
	(void)state;
	ready[3] = 0;
	go = 0;
	proc_test_program("/groups", groups);
	proc_test_program("/exec_target", exec_target);
	abi_run("/groups", NULL);
	assert_int_equal(pg.pgid0, 0); /* the boot's group and session, as Linux's */
	assert_int_equal(pg.sid0, 0);
	assert_int_equal(pg.einval, -EINVAL);
	assert_int_equal(pg.esrch, -ESRCH);
	assert_int_equal(pg.grp_rc, 0);
	assert_true(pg.grp_id > 1);
	assert_int_equal(pg.kill_grp, 0);
	assert_int_equal(pg.waited, pg.grp_id);
	assert_int_equal(pg.w_status, KILLED(SIGKILL));
	assert_int_equal(pg.echild, -ECHILD);
	assert_int_equal(pg.gone, -ESRCH);
	assert_int_equal(pg.intmin, -ESRCH);
	assert_true(pg.sid_rc > 1);
	assert_int_equal(pg.leader_setpgid, -EPERM); /* a session leader (a zombie now) */
	assert_true(pg.leader_sid);
	assert_int_equal(pg.exec_setpgid, -EACCES);
	assert_int_equal(pg.exec_status, EXITED(4));
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
	    cmocka_unit_test_setup(test_kill_checks_credentials, setup),
	    cmocka_unit_test_setup(test_fatal_signals_end_sleeps, setup),
	    cmocka_unit_test_setup(test_process_groups_and_sessions, setup),
	};

	proc_test_boot();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
