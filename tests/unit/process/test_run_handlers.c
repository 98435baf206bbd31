/*
 * Signal handlers through process's delivery, with the fake user mode: a
 * handler is entered with the frame Linux's riscv64 lays out (a0 the
 * signal, a1 the siginfo, a2 the ucontext, sp the 16-byte aligned frame,
 * ra the restorer) and the signal blocked; rt_sigreturn brings every
 * register and the mask back; the lowest pending signal goes first and a
 * second one nests on the first; SA_RESTART makes an interrupted wait4
 * run again, without it the call is -EINTR; a frame whose reserved word
 * is not zero ends the process by SIGSEGV; a fault goes to its handler
 * with si_code and si_addr, and kills when blocked; SA_ONSTACK's frame is
 * on the alternate stack (EPERM to change it there, ENOMEM under
 * MINSIGSTKSZ); ITIMER_REAL runs SIGALRM's handler; rt_sigtimedwait takes
 * a blocked pending signal, then -EAGAIN.
 */
#include "core_abi.h"
#include <klib/errno.h>
#include <klib/string.h>
#include <task/task.h>

#define SIGILL     4
#define SIGUSR1    10
#define SIGSEGV    11
#define SIGUSR2    12
#define HANDLER    0x7000ul /* a "user address" the fake recognises as the handler */
#define RESTORER   0x7100ul
#define SIGINFO_SZ 128
#define UC_OFF     128 /* the ucontext inside the frame */
#define UC_SIGMASK (UC_OFF + 40)
#define SC_REGS    (UC_OFF + 176) /* pc, x1..x31 */
#define RESERVED   (SC_REGS + 772)
#define NO_AREA    0x40000000ul
#define SCRATCH(u) ((u)->sp0 - 4096)

static uint64_t mask_now(void)
{
	uint64_t m;

	process_sigmask(process_current(), 0, NULL, &m);
	return m;
}

static void handle(int sig, unsigned long flags)
{
	struct process_sigaction a = {
	    .handler = HANDLER, .flags = flags | PROCESS_SA_RESTORER, .restorer = RESTORER};

	process_sigaction(process_current(), sig, &a, NULL);
}

static uint32_t read32(uintptr_t va)
{
	uint32_t v = 0xdeadbeef;

	fake_user_read(&v, va, sizeof(v));
	return v;
}

static uint64_t read64(uintptr_t va)
{
	uint64_t v = 0xdeadbeef;

	fake_user_read(&v, va, sizeof(v));
	return v;
}

/* ---- the frame and the way back ---- */
static struct {
	uint64_t sp_before, pc_before, sp, a0, a1, a2, ra, pc_saved, sp_saved, mask_in, mask_saved;
	uint32_t signo, code, pid;
	long kill_ret, mask_after, pid_self, sp_after, pc_after;
	uint64_t ra2;
	uint8_t text[8];
} fr;

static enum hal_user_event frame(struct fake_user *u, struct hal_user_trap *t)
{
	if (u->pc == HANDLER && u->step == 2) { /* no SA_RESTORER: the kernel's return page */
		fr.ra2 = u->ra;
		fake_user_read(fr.text, u->ra, sizeof(fr.text));
		return SYS(u, NR_rt_sigreturn, 0);
	}
	if (u->pc == HANDLER) { /* the handler: look at the frame, return */
		fr.sp = u->sp, fr.a0 = u->a[0], fr.a1 = u->a[1], fr.a2 = u->a[2], fr.ra = u->ra;
		fr.signo = read32(u->a[1]), fr.code = read32(u->a[1] + 8);
		fr.pid = read32(u->a[1] + 16);
		fr.pc_saved = read64(u->a[2] - UC_OFF + SC_REGS);
		fr.sp_saved = read64(u->a[2] - UC_OFF + SC_REGS + 16);
		fr.mask_saved = read64(u->sp + UC_SIGMASK);
		fr.mask_in = mask_now();
		return SYS(u, NR_rt_sigreturn, 0);
	}
	switch (u->step++) {
	case 0:
		handle(SIGUSR1, 0);
		fr.pid_self = process_current()->pid;
		fr.sp_before = u->sp;
		return SYS(u, NR_kill, process_current()->pid, SIGUSR1);
	case 1: /* back from the handler, where kill returned */
		fr.kill_ret = fake_ret(u);
		fr.mask_after = (long)mask_now();
		fr.sp_after = (long)u->sp;
		fr.pc_after = (long)u->pc;
		process_sigaction(process_current(), SIGUSR1,
		                  &(struct process_sigaction){.handler = HANDLER}, NULL);
		return SYS(u, NR_kill, process_current()->pid, SIGUSR1);
	case 2:
		return SYS(u, NR_exit, 0);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_handler_frame_and_sigreturn(void **state)
{
	(void)state;
	proc_test_program("/frame", frame);
	assert_int_equal(core_run("/frame"), EXITED(0));
	assert_int_equal(fr.a0, SIGUSR1);
	assert_int_equal(fr.sp % 16, 0);
	assert_true(fr.sp + 1088 <= fr.sp_before);
	assert_int_equal(fr.a1, fr.sp);
	assert_int_equal(fr.a2, fr.sp + UC_OFF);
	assert_int_equal(fr.ra, RESTORER);
	assert_int_equal(fr.signo, SIGUSR1);
	assert_int_equal(fr.code, PROCESS_SI_USER);
	assert_int_equal(fr.pid, fr.pid_self);
	assert_int_equal(fr.sp_saved, fr.sp_before);
	assert_int_equal(fr.mask_in,
	                 PROCESS_SIGBIT(SIGUSR1)); /* the signal is blocked in its handler */
	assert_int_equal(fr.mask_saved, 0);
	assert_int_equal(fr.kill_ret, 0); /* the call's result survived the handler */
	assert_int_equal(fr.mask_after, 0);
	assert_int_equal(fr.sp_after, fr.sp_before);
	assert_int_equal(fr.pc_after, fr.pc_saved);
	/* riscv64: li a7, 139; ecall (Linux's __vdso_rt_sigreturn) */
	assert_true(fr.ra2 != 0 && fr.ra2 != RESTORER);
	assert_memory_equal(fr.text, ((uint8_t[]){0x93, 0x08, 0xb0, 0x08, 0x73, 0, 0, 0}), 8);
}

/* ---- order: the lowest first, the next nests on it ---- */
static int order[4];
static int norder;

static enum hal_user_event ordering(struct fake_user *u, struct hal_user_trap *t)
{
	uint64_t both = PROCESS_SIGBIT(SIGUSR1) | PROCESS_SIGBIT(SIGUSR2);

	if (u->pc == HANDLER) {
		if (norder < 4)
			order[norder++] = (int)u->a[0];
		return SYS(u, NR_rt_sigreturn, 0);
	}
	switch (u->step++) {
	case 0:
		handle(SIGUSR1, 0);
		handle(SIGUSR2, 0);
		process_sigmask(process_current(), 0, &both, NULL);
		return SYS(u, NR_kill, process_current()->pid, SIGUSR2);
	case 1:
		return SYS(u, NR_kill, process_current()->pid, SIGUSR1);
	case 2:
		process_sigmask(process_current(), 1, &both, NULL);
		return SYS(u, NR_getpid, 0);
	case 3:
		return SYS(u, NR_exit, 0);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_lowest_first_and_nested(void **state)
{
	(void)state;
	proc_test_program("/order", ordering);
	assert_int_equal(core_run("/order"), EXITED(0));
	/* SIGUSR1's frame is built first; SIGUSR2's on top of it runs first (Linux's loop). */
	assert_int_equal(norder, 2);
	assert_int_equal(order[0], SIGUSR2);
	assert_int_equal(order[1], SIGUSR1);
}

/* ---- SA_RESTART ---- */
static struct {
	long restarted_pid, child, intr_ret;
	int handlers;
} rs;

static enum hal_user_event restarting(struct fake_user *u, struct hal_user_trap *t)
{
	if (u->pc == HANDLER) {
		rs.handlers++;
		return SYS(u, NR_rt_sigreturn, 0);
	}
	switch (u->step++) {
	case 0:
		handle(SIGUSR1, PROCESS_SA_RESTART);
		return SYS(u, NR_clone, SIGCHLD);
	case 1:
		if (fake_ret(u) == 0) { /* the child: signal the parent in its wait, then go */
			u->step = 100;
			return SYS(u, NR_sched_yield, 0);
		}
		rs.child = fake_ret(u);
		return SYS(u, NR_wait4, fake_ret(u), 0, 0);
	case 2: /* wait4 ran again after the handler and collected the child */
		rs.restarted_pid = fake_ret(u);
		handle(SIGUSR1, 0);
		return SYS(u, NR_clone, SIGCHLD);
	case 3:
		if (fake_ret(u) == 0) {
			u->step = 100;
			return SYS(u, NR_sched_yield, 0);
		}
		return SYS(u, NR_wait4, fake_ret(u), 0, 0);
	case 4:
		rs.intr_ret = fake_ret(u);
		return SYS(u, NR_wait4, -1, 0, 0);
	case 5:
		return SYS(u, NR_exit, 0);
	case 100: { /* once the parent sleeps in wait4 */
		struct process *parent = process_current()->parent;
		struct task_info ti;

		task_get_info(parent->task, &ti);
		if (ti.activity != TASK_ACT_SLEEPING) {
			u->step--;
			return SYS(u, NR_sched_yield, 0);
		}
		u->v[2] = (uint64_t)rs.handlers;
		return SYS(u, NR_kill, (unsigned long)parent->pid, SIGUSR1);
	}
	case 101: /* exit only once the handler ran: the wait must see the signal first */
		if ((uint64_t)__atomic_load_n(&rs.handlers, __ATOMIC_SEQ_CST) == u->v[2]) {
			u->step--;
			return SYS(u, NR_sched_yield, 0);
		}
		return SYS(u, NR_exit, 0);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_restart_or_eintr(void **state)
{
	(void)state;
	proc_test_program("/restart", restarting);
	assert_int_equal(core_run("/restart"), EXITED(0));
	assert_int_equal(rs.handlers, 2);
	assert_int_equal(rs.restarted_pid, rs.child);
	assert_int_equal(rs.intr_ret, -EINTR);
}

/* ---- a bad frame, a fault to a handler, a blocked fault ---- */
static struct {
	long bad_status, blocked_status;
	uint32_t fault_signo, fault_code;
	uint64_t fault_addr;
} bf;

static enum hal_user_event bad_child(struct fake_user *u, struct hal_user_trap *t)
{
	uint32_t one = 1;
	uint64_t segv = PROCESS_SIGBIT(SIGSEGV);

	if (u->pc == HANDLER) { /* spoil the frame's reserved word, then return through it */
		fake_user_write(u->sp + RESERVED, &one, sizeof(one));
		return SYS(u, NR_rt_sigreturn, 0);
	}
	switch (u->v[1]) {
	case 0:
		handle(SIGUSR1, 0);
		return SYS(u, NR_kill, process_current()->pid, SIGUSR1);
	default: /* a fault with its signal blocked */
		handle(SIGSEGV, 0);
		process_sigmask(process_current(), 0, &segv, NULL);
		return fake_fault(u, t, NO_AREA, HAL_ACCESS_READ);
	}
}

static enum hal_user_event bad(struct fake_user *u, struct hal_user_trap *t)
{
	if (u->step >= 100)
		return bad_child(u, t);
	if (u->pc == HANDLER) {
		bf.fault_signo = read32(u->a[1]);
		bf.fault_code = read32(u->a[1] + 8);
		bf.fault_addr = read64(u->a[1] + 16);
		u->step = 10; /* leave as siglongjmp would: not through the frame */
		process_sigmask(process_current(), 2, &(uint64_t){0}, NULL);
		u->pc = 0x1000;
		return SYS(u, NR_getpid, 0);
	}
	switch (u->step++) {
	case 0:
		return SYS(u, NR_clone, SIGCHLD);
	case 1:
		if (fake_ret(u) == 0) {
			u->step = 100;
			return bad_child(u, t);
		}
		return SYS(u, NR_wait4, fake_ret(u), SCRATCH(u), 0);
	case 2:
		bf.bad_status = read32(SCRATCH(u));
		u->v[1] = 1;
		return SYS(u, NR_clone, SIGCHLD);
	case 3:
		if (fake_ret(u) == 0) {
			u->step = 100;
			return bad_child(u, t);
		}
		return SYS(u, NR_wait4, fake_ret(u), SCRATCH(u), 0);
	case 4:
		bf.blocked_status = read32(SCRATCH(u));
		handle(SIGSEGV, 0);
		return fake_fault(u, t, NO_AREA + 8, HAL_ACCESS_WRITE);
	case 10:
		return SYS(u, NR_exit, 0);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_bad_frame_and_faults(void **state)
{
	(void)state;
	proc_test_program("/bad", bad);
	kit_test_output_reset();
	assert_int_equal(core_run("/bad"), EXITED(0));
	assert_int_equal(bf.bad_status, KILLED(SIGSEGV));
	assert_true(kit_test_output_has("bad signal frame"));
	assert_int_equal(bf.blocked_status, KILLED(SIGSEGV));
	assert_int_equal(bf.fault_signo, SIGSEGV);
	assert_int_equal(bf.fault_code, PROCESS_SEGV_MAPERR);
	assert_int_equal(bf.fault_addr, NO_AREA + 8);
}

/* ---- the alternate stack, ITIMER_REAL, sigtimedwait ---- */
#define ALT_SIZE 8192ul
static struct {
	long on_alt, eperm, small, alarm_set, alarm_sig, timedwait, timedwait_code, again;
	uint64_t alt, sp;
} as;

static enum hal_user_event alt_and_timers(struct fake_user *u, struct hal_user_trap *t)
{
	struct process *p = process_current();
	struct process_sigstack ss = {.sp = SCRATCH(u) - 4 * 4096, .size = ALT_SIZE};
	struct process_siginfo info;
	uint64_t usr2 = PROCESS_SIGBIT(SIGUSR2);

	if (u->pc == HANDLER) {
		if (u->a[0] == SIGUSR1) {
			as.sp = u->sp;
			as.on_alt = u->sp >= as.alt && u->sp < as.alt + ALT_SIZE;
			as.eperm = process_sigaltstack(p, u->sp, &ss, NULL);
		} else {
			as.alarm_sig = (long)u->a[0];
		}
		return SYS(u, NR_rt_sigreturn, 0);
	}
	switch (u->step++) {
	case 0:
		as.alt = ss.sp;
		ss.size = PROCESS_MINSIGSTKSZ - 1;
		as.small = process_sigaltstack(p, u->sp, &ss, NULL);
		ss.size = ALT_SIZE;
		process_sigaltstack(p, u->sp, &ss, NULL);
		handle(SIGUSR1, PROCESS_SA_ONSTACK);
		return SYS(u, NR_kill, p->pid, SIGUSR1);
	case 1: /* ITIMER_REAL in 1 ms: SIGALRM's handler runs at a return to user mode */
		handle(14, 0);
		as.alarm_set = process_setitimer(p, 1000000, 0, NULL, NULL);
		return SYS(u, NR_sched_yield, 0);
	case 2:
		if (!as.alarm_sig) {
			u->step--;
			return SYS(u, NR_sched_yield, 0);
		}
		process_sigmask(p, 0, &usr2, NULL);
		return SYS(u, NR_kill, p->pid, SIGUSR2);
	case 3:
		as.timedwait = process_sigtimedwait(p, usr2, 0, &info);
		as.timedwait_code = info.code;
		as.again = process_sigtimedwait(p, usr2, 0, &info);
		return SYS(u, NR_exit, 0);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_altstack_timer_timedwait(void **state)
{
	(void)state;
	proc_test_program("/alt", alt_and_timers);
	assert_int_equal(core_run("/alt"), EXITED(0));
	assert_int_equal(as.small, -ENOMEM);
	assert_true(as.on_alt); /* SA_ONSTACK: the frame is on the alternate stack */
	assert_int_equal(as.eperm, -EPERM);
	assert_int_equal(as.alarm_set, 0);
	assert_int_equal(as.alarm_sig, 14);
	assert_int_equal(as.timedwait, SIGUSR2);
	assert_int_equal(as.timedwait_code, PROCESS_SI_USER);
	assert_int_equal(as.again, -EAGAIN);
}

/* ---- job control: SIGSTOP, wait4 WUNTRACED, SIGCONT, WCONTINUED ---- */
static struct {
	long child, stopped, stopped_status, again, cont, cont_status, end_status;
} jc;

static enum hal_user_event job_control(struct fake_user *u, struct hal_user_trap *t)
{
	if (u->step >= 100) { /* the child: system calls until it is killed */
		u->step = 100;
		return SYS(u, NR_sched_yield, 0);
	}
	switch (u->step++) {
	case 0:
		return SYS(u, NR_clone, SIGCHLD);
	case 1:
		if (fake_ret(u) == 0) {
			u->step = 100;
			return SYS(u, NR_sched_yield, 0);
		}
		jc.child = fake_ret(u);
		return SYS(u, NR_kill, jc.child, PROCESS_SIGSTOP);
	case 2:
		return SYS(u, NR_wait4, jc.child, SCRATCH(u), PROCESS_WUNTRACED);
	case 3:
		jc.stopped = fake_ret(u);
		jc.stopped_status = read32(SCRATCH(u));
		return SYS(u, NR_wait4, jc.child, SCRATCH(u), PROCESS_WUNTRACED | PROCESS_WNOHANG);
	case 4:
		jc.again = fake_ret(u);
		return SYS(u, NR_kill, jc.child, PROCESS_SIGCONT);
	case 5:
		return SYS(u, NR_wait4, jc.child, SCRATCH(u), PROCESS_WCONTINUED);
	case 6:
		jc.cont = fake_ret(u);
		jc.cont_status = read32(SCRATCH(u));
		return SYS(u, NR_kill, jc.child, SIGKILL);
	case 7:
		return SYS(u, NR_wait4, jc.child, SCRATCH(u), 0);
	case 8:
		jc.end_status = read32(SCRATCH(u));
		return SYS(u, NR_exit, 0);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_stop_and_continue(void **state)
{
	(void)state;
	proc_test_program("/jobs", job_control);
	assert_int_equal(core_run("/jobs"), EXITED(0));
	assert_int_equal(jc.stopped, jc.child);
	assert_int_equal(jc.stopped_status, (PROCESS_SIGSTOP << 8) | 0x7f);
	assert_int_equal(jc.again, 0); /* reported once */
	assert_int_equal(jc.cont, jc.child);
	assert_int_equal(jc.cont_status, 0xffff);
	assert_int_equal(jc.end_status, KILLED(SIGKILL));
}

/*
 * ---- restart_syscall: a call that left its rest in p->restart
 * (-ERESTART_RESTARTBLOCK) goes on there when no handler runs (a stop and
 * SIGCONT), and is -EINTR when one does, even with SA_RESTART ----
 */
static struct {
	long child, stopped, handler_ret, rest_ret, rest_nr, direct_ret;
	int handlers;
} rb;

/* The child sleeps; the parent waits for that before it signals. */
static bool child_sleeping(void)
{
	unsigned long flags = process_lock();
	struct process *c = process_find((int32_t)rb.child);
	struct task *task = c ? c->task : NULL; /* it lives until it has the last signal */
	struct task_info ti;

	process_unlock(flags);
	if (!task)
		return false;
	task_get_info(task, &ti);
	return ti.activity == TASK_ACT_SLEEPING;
}

static enum hal_user_event restart_block(struct fake_user *u, struct hal_user_trap *t)
{
	if (u->pc == HANDLER) {
		rb.handlers++;
		return SYS(u, NR_rt_sigreturn, 0);
	}
	switch (u->step++) {
	case 0:
		return SYS(u, NR_clone, SIGCHLD);
	case 1:
		if (fake_ret(u) == 0) {
			u->step = 100;
			return SYS(u, NR_nanosleep, 0);
		}
		rb.child = fake_ret(u);
		return SYS(u, NR_sched_yield, 0);
	case 2:
		if (!child_sleeping()) {
			u->step--;
			return SYS(u, NR_sched_yield, 0);
		}
		return SYS(u, NR_kill, rb.child, PROCESS_SIGSTOP);
	case 3:
		return SYS(u, NR_wait4, rb.child, SCRATCH(u), PROCESS_WUNTRACED);
	case 4:
		rb.stopped = fake_ret(u);
		return SYS(u, NR_kill, rb.child, PROCESS_SIGCONT);
	case 5: /* the child went on through restart_syscall and now sleeps again */
		if (!child_sleeping()) {
			u->step--;
			return SYS(u, NR_sched_yield, 0);
		}
		return SYS(u, NR_kill, rb.child, SIGUSR1);
	case 6:
		return SYS(u, NR_wait4, rb.child, SCRATCH(u), 0);
	case 7:
		return SYS(u, NR_exit, 0);
	case 100: /* the child: the rest ran, with restart_syscall's number */
		rb.rest_ret = fake_ret(u);
		rb.rest_nr = (long)u->nr;
		handle(SIGUSR1, PROCESS_SA_RESTART);
		return SYS(u, NR_nanosleep, 0);
	case 101: /* a handler ran: -EINTR, and nothing left to restart */
		rb.handler_ret = fake_ret(u);
		return SYS(u, NR_restart_syscall, 0);
	case 102:
		rb.direct_ret = fake_ret(u);
		return SYS(u, NR_exit, 0);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_restart_block(void **state)
{
	(void)state;
	proc_test_program("/restart-block", restart_block);
	assert_int_equal(core_run("/restart-block"), EXITED(0));
	assert_int_equal(rb.stopped, rb.child);
	assert_int_equal(rb.rest_ret, 42);
	assert_int_equal(rb.rest_nr, NR_restart_syscall);
	assert_int_equal(rb.handlers, 1);
	assert_int_equal(rb.handler_ret, -EINTR);
	assert_int_equal(rb.direct_ret, -EINTR);
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
	    cmocka_unit_test_setup(test_handler_frame_and_sigreturn, setup),
	    cmocka_unit_test_setup(test_lowest_first_and_nested, setup),
	    cmocka_unit_test_setup(test_restart_or_eintr, setup),
	    cmocka_unit_test_setup(test_restart_block, setup),
	    cmocka_unit_test_setup(test_bad_frame_and_faults, setup),
	    cmocka_unit_test_setup(test_altstack_timer_timedwait, setup),
	    cmocka_unit_test_setup(test_stop_and_continue, setup),
	};

	proc_test_boot();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
