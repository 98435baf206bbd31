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
#include <process/sysno.h>
#include <task/task.h>
#include "process_internal.h"

#define SIGILL  4
#define SIGTRAP 5
#define SIGBUS  7
#define SIGSEGV 11

static const char *access_name(enum hal_access a)
{
	return a == HAL_ACCESS_WRITE ? "write" : a == HAL_ACCESS_EXEC ? "exec" : "read";
}

/* Linux prints nothing by default; a kit user debugging a program wants one line. */
static void report_fault(struct process *p, const struct hal_user_trap *t, const char *what, int sig)
{
	klog_warn("process", "[%d] %s: %s (%s of 0x%lx at pc 0x%lx, cause %lu): killed by signal %d",
		  p->pid, p->comm, what, access_name(t->access), (unsigned long)t->addr,
		  (unsigned long)t->pc, t->cause, sig);
}

static void do_syscall(struct process *p)
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
}

/*
 * A fault the space cannot serve: SIGSEGV for no area or a forbidden
 * access; SIGBUS when the area's backend has no page to give (a mapped
 * file's page past its end, or no room for it), as Linux's VM_FAULT_SIGBUS.
 * No free frame (an anonymous page, a copy-on-write copy, a file's page)
 * is Linux's VM_FAULT_OOM: the OOM killer frees one (or ends p) and the
 * access runs again.
 */
static int page_fault(struct process *p, const struct hal_user_trap *t)
{
	int rc = as_fault(p->as, t->addr, (unsigned)t->access);

	if (rc == 0)
		return 0;
	if (rc == -ENOMEM) {
		process_oom(p);
		return 0;
	}
	if (rc == -EFAULT || rc == -EACCES) {
		report_fault(p, t, "segmentation fault", SIGSEGV);
		return SIGSEGV;
	}
	report_fault(p, t, "bus error", SIGBUS);
	return SIGBUS;
}

static int handle_trap(struct process *p, enum hal_user_event ev, const struct hal_user_trap *t)
{
	switch (ev) {
	case HAL_USER_SYSCALL:
		do_syscall(p);
		return 0;
	case HAL_USER_INTERRUPT:
		return 0;
	case HAL_USER_PAGE_FAULT:
		return page_fault(p, t);
	case HAL_USER_ILLEGAL:
		report_fault(p, t, "illegal instruction", SIGILL);
		return SIGILL;
	case HAL_USER_BREAKPOINT:
		report_fault(p, t, "breakpoint", SIGTRAP);
		return SIGTRAP;
	case HAL_USER_MISALIGNED:
		report_fault(p, t, "misaligned access", SIGBUS);
		return SIGBUS;
	case HAL_USER_ACCESS:
	default:
		report_fault(p, t, "access fault", SIGSEGV);
		return SIGSEGV;
	}
}

int process_run(void *arg)
{
	struct process *p = arg;
	struct hal_user_trap trap;
	int sig;

	for (;;) {
		/* On every way back to user mode: a fatal signal ends the process here. */
		if ((sig = __atomic_load_n(&p->sig_fatal, __ATOMIC_ACQUIRE)) != 0)
			process_exit(p, sig & 0x7f);
		sig = handle_trap(p, hal_user_run(&p->uc, &trap), &trap);
		if (sig)
			process_exit(p, sig);
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
	 * run before it knows its space. On CPU 0 only: addr-space does not
	 * yet track the CPUs a space is active on, so its TLB invalidations
	 * reach the calling CPU alone (issue 10's next step).
	 */
	struct task_attr attr = {.detached = false, .stopped = true, .cpus = 1};
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
