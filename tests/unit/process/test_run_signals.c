/*
 * How processes end other than by exit: user faults the address space
 * cannot serve become Linux's default signals (SIGSEGV, SIGILL, SIGTRAP,
 * SIGBUS) and the parent's wait4 sees the signal number; a fault it can
 * serve (a lazy page) lets the program go on; kill() ends a running
 * process at its next trap, and one blocked in wait4 at once.
 */
#include "core_abi.h"
#include <klib/errno.h>

#define SCRATCH(u) ((u)->sp0 - 4096)
#define AGAIN(u)   ((u)->step--)
#define UNMAPPED   0x40000000ul /* between the program and its stack */
#define TEXT       0x10000ul    /* the static program's text: read and execute only */

static uint32_t read_u32(uintptr_t va)
{
	uint32_t v = 0xdeadbeef;

	fake_user_read(&v, va, sizeof(v));
	return v;
}

/* One child per way of ending; v[1] (copied at fork) says which. */
enum {
	SEGV_NO_AREA,
	ILLEGAL,
	BREAKPOINT,
	MISALIGNED,
	ACCESS,
	SEGV_READ_ONLY,
	BUS_NO_PAGE,
	LAZY,
	NCASES
};
static long fault_status[NCASES];

/* A backend with no page to give (a mapped file's page past its end): SIGBUS. */
static int no_page(struct as_area *a, uint64_t pgoff, unsigned access, paddr_t *pa)
{
	(void)a, (void)pgoff, (void)access, (void)pa;
	return -ENXIO;
}

static const struct as_backend no_page_backend = {.name = "no-page", .fault = no_page};

static enum hal_user_event fault_child(struct fake_user *u, struct hal_user_trap *t)
{
	uintptr_t lazy = u->sp0 - (64ul << 10);

	switch (u->v[1]) {
	case SEGV_NO_AREA:
		return fake_fault(u, t, UNMAPPED, HAL_ACCESS_READ);
	case ILLEGAL:
		return fake_trap(u, t, HAL_USER_ILLEGAL);
	case BREAKPOINT:
		return fake_trap(u, t, HAL_USER_BREAKPOINT);
	case MISALIGNED:
		return fake_trap(u, t, HAL_USER_MISALIGNED);
	case ACCESS:
		return fake_trap(u, t, HAL_USER_ACCESS);
	case SEGV_READ_ONLY:
		return fake_fault(u, t, TEXT + 8, HAL_ACCESS_WRITE);
	case BUS_NO_PAGE:
		if (as_map(as_active(), UNMAPPED, 4096, AS_PROT_READ | AS_PROT_USER,
		           AS_MAP_SHARED | AS_MAP_FIXED, &no_page_backend, NULL, 0, NULL) != 0)
			return SYS(u, NR_exit, 3);
		return fake_fault(u, t, UNMAPPED, HAL_ACCESS_READ);
	}
	/* LAZY: an interrupt, then a fault on a stack page never touched; then it is there. */
	switch (u->step++) {
	case 100:
		return fake_trap(u, t, HAL_USER_INTERRUPT);
	case 101:
		if (as_query(as_active(), lazy, NULL, NULL) != -EFAULT)
			return SYS(u, NR_exit,
			           2); /* already there: the fault would prove nothing */
		return fake_fault(u, t, lazy, HAL_ACCESS_WRITE);
	case 102:
		return SYS(u, NR_exit, as_query(as_active(), lazy, NULL, NULL) == 0 ? 0 : 1);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static enum hal_user_event faults(struct fake_user *u, struct hal_user_trap *t)
{
	if (u->step >= 100)
		return fault_child(u, t);
	switch (u->step++) {
	case 0:
		return SYS(u, NR_clone, SIGCHLD);
	case 1:
		if (fake_ret(u) == 0) {
			u->step = 100;
			return fault_child(u, t);
		}
		return SYS(u, NR_wait4, fake_ret(u), SCRATCH(u), 0);
	case 2:
		fault_status[u->v[1]] = fake_ret(u) > 0 ? (long)read_u32(SCRATCH(u)) : fake_ret(u);
		if (++u->v[1] < NCASES) {
			u->step = 1;
			return SYS(u, NR_clone, SIGCHLD);
		}
		return SYS(u, NR_exit, 0);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_faults_become_signals(void **state)
{
	(void)state;
	proc_test_program("/faults", faults);
	kit_test_output_reset();
	core_run("/faults");
	assert_int_equal(fault_status[SEGV_NO_AREA], KILLED(11));
	assert_int_equal(fault_status[ILLEGAL], KILLED(4));
	assert_int_equal(fault_status[BREAKPOINT], KILLED(5));
	assert_int_equal(fault_status[MISALIGNED], KILLED(7));
	assert_int_equal(fault_status[ACCESS], KILLED(11));
	assert_int_equal(fault_status[SEGV_READ_ONLY], KILLED(11));
	assert_int_equal(fault_status[BUS_NO_PAGE], KILLED(7));
	assert_int_equal(fault_status[LAZY], EXITED(0));
	/* One line each for whoever debugs the program. */
	assert_true(kit_test_output_has("segmentation fault (read of 0x40000000"));
	assert_true(kit_test_output_has("segmentation fault (write of 0x10008"));
	assert_true(kit_test_output_has("illegal instruction"));
	assert_true(kit_test_output_has("bus error (read of 0x40000000"));
	assert_true(kit_test_output_has("killed by signal 7"));
}

/*
 * kill(SIGKILL): a spinning child ends at its next trap; a zombie is
 * untouched (kill succeeds, its status stays); pids that do not exist are
 * -ESRCH; signal 0 only checks.
 */
static volatile long spins;
static struct {
	long child, kill_rc, spins_at_kill, waited, status;
	long zombie, zombie_kill, zombie_status;
	long gone_probe, nobody, self_probe;
} k;

static enum hal_user_event kill_running(struct fake_user *u, struct hal_user_trap *t)
{
	switch (u->step++) {
	case 0:
		return SYS(u, NR_clone, SIGCHLD);
	case 1:
		if (fake_ret(u) == 0) {
			u->step = 100;
			return SYS(u, NR_sched_yield, 0);
		}
		k.child = fake_ret(u);
		return SYS(u, NR_sched_yield, 0);
	case 2:
		if (spins == 0) { /* until the child is running */
			AGAIN(u);
			return SYS(u, NR_sched_yield, 0);
		}
		return SYS(u, NR_kill, k.child, SIGKILL);
	case 3:
		k.kill_rc = fake_ret(u);
		k.spins_at_kill = spins;
		return SYS(u, NR_wait4, k.child, SCRATCH(u), 0);
	case 4:
		k.waited = fake_ret(u);
		k.status = read_u32(SCRATCH(u));
		return SYS(u, NR_kill, k.child, 0); /* collected: gone */
	case 5:
		k.gone_probe = fake_ret(u);
		return SYS(u, NR_kill, 99999, SIGKILL);
	case 6:
		k.nobody = fake_ret(u);
		return SYS(u, NR_getpid, 0);
	case 7:
		return SYS(u, NR_kill, fake_ret(u), 0);
	case 8:
		k.self_probe = fake_ret(u);
		return SYS(u, NR_clone, SIGCHLD);
	case 9:
		if (fake_ret(u) == 0)
			return SYS(u, NR_exit, 5);
		k.zombie = fake_ret(u);
		return SYS(u, NR_sched_yield, 0);
	case 10:
		if (!proc_test_ended(k.zombie)) {
			AGAIN(u);
			return SYS(u, NR_sched_yield, 0);
		}
		return SYS(u, NR_kill, k.zombie, SIGKILL);
	case 11:
		k.zombie_kill = fake_ret(u);
		return SYS(u, NR_wait4, k.zombie, SCRATCH(u), 0);
	case 12:
		k.zombie_status = read_u32(SCRATCH(u));
		return SYS(u, NR_exit, 0);

	case 100: /* the child: spin for ever */
		spins++;
		AGAIN(u);
		return SYS(u, NR_sched_yield, 0);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_kill_running_child(void **state)
{
	(void)state;
	spins = 0;
	proc_test_program("/kill_running", kill_running);
	core_run("/kill_running");
	assert_int_equal(k.kill_rc, 0);
	assert_int_equal(k.waited, k.child);
	assert_int_equal(k.status, KILLED(9));
	/* At most the trap it was already past the check for. */
	assert_true(spins <= k.spins_at_kill + 1);
	assert_int_equal(k.gone_probe, -ESRCH);
	assert_int_equal(k.nobody, -ESRCH);
	assert_int_equal(k.self_probe, 0);
	assert_int_equal(k.zombie_kill, 0);
	assert_int_equal(k.zombie_status, EXITED(5));
}

/*
 * A child blocked in wait4 for its own child is killed: its wait gives up
 * and it ends with SIGKILL; the grandchild lives on as an orphan and ends
 * when released.
 */
static volatile int waiter_ready, release_grandchild;
static struct {
	long waiter, waited, status;
} kw;

static enum hal_user_event kill_waiter(struct fake_user *u, struct hal_user_trap *t)
{
	switch (u->step++) {
	case 0:
		return SYS(u, NR_clone, SIGCHLD);
	case 1:
		if (fake_ret(u) == 0) {
			u->step = 100;
			return SYS(u, NR_clone, SIGCHLD);
		}
		kw.waiter = fake_ret(u);
		return SYS(u, NR_sched_yield, 0);
	case 2:
		if (!waiter_ready) {
			AGAIN(u);
			return SYS(u, NR_sched_yield, 0);
		}
		return SYS(u, NR_kill, kw.waiter, SIGKILL);
	case 3:
		return SYS(u, NR_wait4, kw.waiter, SCRATCH(u), 0);
	case 4:
		kw.waited = fake_ret(u);
		kw.status = read_u32(SCRATCH(u));
		release_grandchild = 1;
		return SYS(u, NR_wait4, -1, 0, 0); /* the grandchild, if it came to us */
	case 5:
		if (fake_ret(u) > 0)
			AGAIN(u);
		return SYS(u, NR_wait4, -1, 0, 0);
	case 6:
		return SYS(u, NR_exit, 0);

	case 100: /* the waiter */
		if (fake_ret(u) == 0) {
			u->step = 200;
			return SYS(u, NR_sched_yield, 0);
		}
		waiter_ready = 1;
		return SYS(u, NR_wait4, fake_ret(u), 0, 0);
	case 101:
		return SYS(u, NR_exit, 1); /* not reached: killed in wait4 */

	case 200: /* the grandchild */
		if (!release_grandchild) {
			AGAIN(u);
			return SYS(u, NR_sched_yield, 0);
		}
		return SYS(u, NR_exit, 0);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_kill_child_blocked_in_wait(void **state)
{
	(void)state;
	proc_test_program("/kill_waiter", kill_waiter);
	core_run("/kill_waiter");
	assert_int_equal(kw.waited, kw.waiter);
	assert_int_equal(kw.status, KILLED(9));
	assert_int_equal(core_abi_counts.forks, 2);
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
	    cmocka_unit_test_setup(test_faults_become_signals, setup),
	    cmocka_unit_test_setup(test_kill_running_child, setup),
	    cmocka_unit_test_setup(test_kill_child_blocked_in_wait, setup),
	};

	proc_test_boot();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
