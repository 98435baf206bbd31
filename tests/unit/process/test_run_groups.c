/*
 * Signals to a thread group with the fake user mode: a stop signal stops
 * every thread of the group, and only once all of them are parked does
 * wait4(WUNTRACED) report it; SIGCONT lets every thread go on; a fatal
 * signal other than SIGKILL waits for SIGCONT, as Linux's (no stopped
 * thread wants it); POSIX timers and ITIMER_REAL belong to the group: a
 * timer one thread made is the other threads' too, and its signal is
 * pending for the group.
 */
#include "core_abi.h"
#include <klib/errno.h>
#include <task/task.h>

#define SIGUSR1    10
#define SIGTERM    15
#define HANDLER    0x7000ul
#define SCRATCH(u) ((u)->sp0 - 4096)
/* A frozen count must stay frozen over this many of the parent's yields. */
#define YIELDS 200

static uint32_t read32(uintptr_t va)
{
	uint32_t v = 0xdeadbeef;

	fake_user_read(&v, va, sizeof(v));
	return v;
}

/* ---- a group stop ---- */
static struct {
	volatile long runs[2]; /* system calls made by the child's main thread and by its thread */
	long child, stopped, stopped_status, alive, end_status;
	long frozen[2], after[2];
	unsigned yields;
} gs;

/* The child: each of its two threads counts its system calls until it is killed. */
static enum hal_user_event counting(struct fake_user *u, int which)
{
	gs.runs[which]++;
	return SYS(u, NR_sched_yield, 0);
}

static enum hal_user_event group_stop(struct fake_user *u, struct hal_user_trap *t)
{
	if (u->step >= 100)
		return counting(u, u->step == 200);
	switch (u->step++) {
	case 0:
		return SYS(u, NR_clone, SIGCHLD);
	case 1:
		if (fake_ret(u) == 0) { /* the child makes a thread */
			u->step = 50;
			return SYS(u, NR_clone, CLONE_THREAD);
		}
		gs.child = fake_ret(u);
		return SYS(u, NR_sched_yield, 0);
	case 2: /* both threads run */
		if (gs.runs[0] && gs.runs[1])
			return SYS(u, NR_kill, gs.child, PROCESS_SIGSTOP);
		u->step--;
		return SYS(u, NR_sched_yield, 0);
	case 3:
		return SYS(u, NR_wait4, gs.child, SCRATCH(u), PROCESS_WUNTRACED);
	case 4:
		gs.stopped = fake_ret(u);
		gs.stopped_status = read32(SCRATCH(u));
		gs.frozen[0] = gs.runs[0];
		gs.frozen[1] = gs.runs[1];
		return SYS(u, NR_sched_yield, 0);
	case 5: /* neither thread runs while the group is stopped */
		if (++gs.yields >= YIELDS)
			return SYS(u, NR_kill, gs.child, SIGTERM);
		u->step--;
		return SYS(u, NR_sched_yield, 0);
	case 6: /* SIGTERM stays pending while stopped */
		gs.after[0] = gs.runs[0];
		gs.after[1] = gs.runs[1];
		return SYS(u, NR_wait4, gs.child, SCRATCH(u), PROCESS_WNOHANG);
	case 7:
		gs.alive = fake_ret(u); /* 0: not ended */
		return SYS(u, NR_kill, gs.child, PROCESS_SIGCONT);
	case 8:
		return SYS(u, NR_wait4, gs.child, SCRATCH(u), 0);
	case 9:
		gs.end_status = read32(SCRATCH(u));
		return SYS(u, NR_exit, 0);
	case 50: /* the child's two threads */
		u->step = fake_ret(u) == 0 ? 200 : 100;
		return counting(u, u->step == 200);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_stop_stops_every_thread(void **state)
{
	(void)state;
	proc_test_program("/gstop", group_stop);
	assert_int_equal(core_run("/gstop"), EXITED(0));
	assert_int_equal(core_abi_counts.threads, 1);
	assert_int_equal(gs.stopped, gs.child);
	assert_int_equal(gs.stopped_status, (PROCESS_SIGSTOP << 8) | 0x7f);
	/* Reported stopped: both threads are parked and make no call. */
	assert_int_equal(gs.after[0], gs.frozen[0]);
	assert_int_equal(gs.after[1], gs.frozen[1]);
	assert_int_equal(gs.alive, 0); /* SIGTERM waited for SIGCONT */
	assert_int_equal(gs.end_status, KILLED(SIGTERM));
}

/* ---- timers belong to the group ---- */
static struct {
	long id, get_rc, set_rc, itimer_left, del_rc;
	volatile long handled;
} tg;

static enum hal_user_event group_timers(struct fake_user *u, struct hal_user_trap *t)
{
	struct process *p = process_current();
	struct process_sigaction a = {.handler = HANDLER};
	uint64_t value = 0, interval = 0;

	if (u->pc == HANDLER) {
		tg.handled++;
		return SYS(u, NR_rt_sigreturn, 0);
	}
	switch (u->step++) {
	case 0:
		process_sigaction(p, SIGUSR1, &a, NULL);
		tg.id = -1;
		return SYS(u, NR_clone, CLONE_THREAD);
	case 1:
		if (fake_ret(u) == 0) { /* the thread: a timer for the group, then it ends */
			tg.id =
			    process_timer_create(p, 1, PROCESS_SIGEV_SIGNAL, SIGUSR1, 0, 7, false);
			tg.set_rc = process_timer_set(p, (int)tg.id, 1000000, 0, NULL, NULL);
			process_setitimer(p, 3600000000000ull, 0, NULL, NULL);
			u->step = 100;
			return SYS(u, NR_sched_yield, 0);
		}
		return SYS(u, NR_sched_yield, 0);
	case 2: /* the main thread: the thread's timer fires for the group */
		if (!tg.handled)
			u->step--;
		return SYS(u, NR_sched_yield, 0);
	case 3:
		tg.get_rc = process_timer_get(p, (int)tg.id, &value, &interval);
		process_getitimer(p, &value, NULL);
		tg.itimer_left = value > 0;
		tg.del_rc = process_timer_delete(p, (int)tg.id);
		return SYS(u, NR_exit_group, 0);
	case 100: /* the thread waits for the group's end */
		u->step = 100;
		return SYS(u, NR_sched_yield, 0);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_timers_belong_to_the_group(void **state)
{
	(void)state;
	proc_test_program("/gtimer", group_timers);
	assert_int_equal(core_run("/gtimer"), EXITED(0));
	assert_int_equal(tg.id, 0);
	assert_int_equal(tg.set_rc, 0);
	assert_int_equal(tg.handled, 1);
	assert_int_equal(tg.get_rc, 0);      /* the main thread sees the thread's timer */
	assert_int_equal(tg.itimer_left, 1); /* and its ITIMER_REAL */
	assert_int_equal(tg.del_rc, 0);
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
	    cmocka_unit_test_setup(test_stop_stops_every_thread, setup),
	    cmocka_unit_test_setup(test_timers_belong_to_the_group, setup),
	};

	proc_test_boot();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
