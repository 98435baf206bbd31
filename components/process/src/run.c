/*
 * The life of a process's task: user mode until a trap, then whatever the
 * trap asks for. A page fault is first offered to the address space (a lazy
 * page, a copy-on-write copy); one that finds no free frame goes to the OOM
 * killer and runs again; one it cannot serve is SIGSEGV (SIGBUS when a
 * mapped file has no page to give), the other user faults have their own
 * signals, and the process ends as Linux's default action would end it. The
 * kernel carries on.
 */
#include <klib/errno.h>
#include <klib/log.h>
#include <linux-arch/abi.h>
#include <process/sysno.h>
#include <task/task.h>
#include "process_internal.h"

static const char *access_name(enum hal_access a)
{
	return a == HAL_ACCESS_WRITE ? "write" : a == HAL_ACCESS_EXEC ? "exec" : "read";
}

/* Linux prints nothing by default; a kit user debugging a program wants one line. */
static void report_fault(struct process *p, const struct hal_user_trap *t, const char *what,
                         int sig)
{
	klog_warn("process",
	          "[%d] %s: %s (%s of 0x%lx at pc 0x%lx, cause %lu): killed by signal %d", p->pid,
	          p->comm, what, access_name(t->access), (unsigned long)t->addr,
	          (unsigned long)t->pc, t->cause, sig);
}

static void do_syscall(struct process *p, struct process_syscall *sys)
{
	unsigned long args[6];
	unsigned long nr = hal_user_syscall_nr(&p->uc);
	long ret = -ENOSYS;

	for (unsigned i = 0; i < 6; i++)
		args[i] = hal_user_syscall_arg(&p->uc, i);
	if (process_abi_ops && process_abi_ops->syscall)
		ret = process_abi_ops->syscall(p, nr, args);
	else
		sysno_report_unknown(nr);
	hal_user_set_return(&p->uc, ret);
	sys->ret = ret;
	sys->arg0 = args[0];
}

/*
 * A fault goes to p's handler (Linux's force_sig_fault), or ends p when it
 * has none, blocks or ignores the signal: then one line says so.
 */
static void fault(struct process *p, const struct hal_user_trap *t, const char *what, int sig,
                  int code, uintptr_t addr)
{
	struct process_siginfo info = {.signo = sig, .code = code, .addr = addr};
	unsigned long flags = process_lock();
	bool handled = p->leader->sig_action[sig - 1].handler > PROCESS_SIG_IGN &&
	               !(p->sig_blocked & PROCESS_SIGBIT(sig));

	process_unlock(flags);
	if (!handled)
		report_fault(p, t, what, sig);
	process_force_fault(p, &info);
}

/*
 * A fault the space cannot serve: SIGSEGV for no area (SEGV_MAPERR) or a
 * forbidden access (SEGV_ACCERR); SIGBUS when the area's backend has no
 * page to give (a mapped file's page past its end, or no room for it), as
 * Linux's VM_FAULT_SIGBUS. No free frame (an anonymous page, a
 * copy-on-write copy, a file's page) is Linux's VM_FAULT_OOM: the OOM
 * killer frees one (or ends p) and the access runs again.
 */
static void page_fault(struct process *p, const struct hal_user_trap *t)
{
	int rc = as_fault(p->as, t->addr, (unsigned)t->access);

	if (rc == 0)
		return;
	if (rc == -ENOMEM)
		process_oom(p);
	else if (rc == -EFAULT)
		fault(p, t, "segmentation fault", PROCESS_SIGSEGV, PROCESS_SEGV_MAPERR, t->addr);
	else if (rc == -EACCES)
		fault(p, t, "segmentation fault", PROCESS_SIGSEGV, PROCESS_SEGV_ACCERR, t->addr);
	else
		fault(p, t, "bus error", PROCESS_SIGBUS, PROCESS_BUS_ADRERR, t->addr);
}

/* Returns whether the trap was a system call (its result in *sys). */
static bool handle_trap(struct process *p, enum hal_user_event ev, const struct hal_user_trap *t,
                        struct process_syscall *sys)
{
	switch (ev) {
	case HAL_USER_SYSCALL:
		do_syscall(p, sys);
		return true;
	case HAL_USER_INTERRUPT:
		break;
	case HAL_USER_PAGE_FAULT:
		page_fault(p, t);
		break;
	case HAL_USER_ILLEGAL:
		fault(p, t, "illegal instruction", PROCESS_SIGILL, LINUX_ARCH_ILL_CODE, t->pc);
		break;
	case HAL_USER_BREAKPOINT: /* the architecture's si_code; SI_KERNEL carries no address */
		fault(p, t, "breakpoint", PROCESS_SIGTRAP, LINUX_ARCH_BRK_CODE,
		      LINUX_ARCH_BRK_CODE == PROCESS_SI_KERNEL ? 0 : t->pc);
		break;
	case HAL_USER_MISALIGNED:
		fault(p, t, "misaligned access", PROCESS_SIGBUS, PROCESS_BUS_ADRALN, t->addr);
		break;
	case HAL_USER_ARITH:
		fault(p, t, "arithmetic exception", PROCESS_SIGFPE, (int)t->arith, t->pc);
		break;
	case HAL_USER_ACCESS:
	default: /* Linux: an access fault is SIGSEGV, with the architecture's si_code */
		fault(p, t, "access fault", PROCESS_SIGSEGV, LINUX_ARCH_ACCESS_CODE, t->addr);
		break;
	}
	return false;
}

int process_run(void *arg)
{
	struct process *p = arg;
	struct process_syscall sys;
	struct hal_user_trap trap;
	bool syscall = false;

	for (;;) {
		/* On every way back to user mode: a fatal signal ends the process, handlers run. */
		process_signal_deliver(p, syscall ? &sys : NULL);
		syscall = handle_trap(p, hal_user_run(&p->uc, &trap), &trap, &sys);
	}
}

static void activate(void *space)
{
	as_activate(space);
}

int process_start_task(struct process *p)
{
	/*
	 * Joined when the process is freed (exit.c). Made stopped: it must not
	 * run before it knows its space. On the CPUs its creator may run on
	 * (Linux: a child inherits its parent's affinity); a space's TLB
	 * invalidations reach every CPU that may cache it (paging, hal).
	 */
	struct task_attr attr = {.detached = false, .stopped = true, .cpus = 0};
	unsigned long flags;
	struct task *t;
	int rc;

	rc = task_create(&t, p->comm, process_run, p, &attr);
	if (rc == 0) {
		flags = process_lock(); /* kill() reads it to interrupt the task */
		p->task = t;
		process_unlock(flags);
		task_set_owner(t, p);
		rc = task_set_space(t, p->as, activate);
		task_start(t);
	}
	return rc;
}
