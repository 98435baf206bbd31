/*
 * Acting on signals on the way back to user mode (Linux's get_signal,
 * handle_signal, arch_do_signal_or_restart), and the calls that wait for
 * signals or return from their handlers: rt_sigreturn, sigaltstack,
 * rt_sigsuspend, rt_sigtimedwait.
 *
 * A handler runs on a frame the architecture lays out (linux_arch.h:
 * Linux's struct rt_sigframe) on the user's stack or the alternate one. It
 * returns to its SA_RESTORER, or else to a page the kernel maps into the
 * process at its first handler: read-only and executable, holding the
 * rt_sigreturn call (Linux puts it in the vDSO; glibc gives no
 * restorer). The page is private anonymous memory: fork shares it
 * copy-on-write, exec drops it with the space.
 */
#include <klib/errno.h>
#include <klib/log.h>
#include <klib/string.h>
#include <page-alloc/page_alloc.h>
#include <linux-arch/unistd.h>
#include <process/linux_sigframe.h>
#include <task/task.h>
#include "process_internal.h"

#define SIGFPE 8

static void put32(uint8_t *b, size_t off, uint32_t v)
{
	memcpy(b + off, &v, sizeof(v));
}

static void put64(uint8_t *b, size_t off, uint64_t v)
{
	memcpy(b + off, &v, sizeof(v));
}

/* Linux's siginfo_t on 64-bit architectures: signo, errno, code, then the union at 16. */
void process_siginfo_encode(const struct process_siginfo *info, uint8_t out[PROCESS_SIGINFO_SIZE])
{
	int s = info->signo;
	bool fault = s == PROCESS_SIGSEGV || s == PROCESS_SIGBUS || s == PROCESS_SIGILL ||
	             s == PROCESS_SIGTRAP || s == SIGFPE;

	memset(out, 0, PROCESS_SIGINFO_SIZE);
	put32(out, 0, (uint32_t)info->signo);
	put32(out, 4, (uint32_t)info->err);
	put32(out, 8, (uint32_t)info->code);
	if (fault && info->code > 0 && info->code != PROCESS_SI_KERNEL) {
		put64(out, 16, info->addr); /* _sigfault */
		return;
	}
	if (info->code == PROCESS_SI_TIMER) { /* _timer: tid, overrun, sigval */
		put32(out, 16, (uint32_t)info->timerid);
		put32(out, 20, (uint32_t)info->overrun);
		put64(out, 24, info->value);
		return;
	}
	put32(out, 16, (uint32_t)info->pid);
	put32(out, 20, info->uid);
	if (s == PROCESS_SIGCHLD && info->code > 0 && info->code != PROCESS_SI_KERNEL)
		put32(out, 24, (uint32_t)info->status); /* _sigchld; utime, stime 0 */
	else
		put64(out, 24, info->value); /* _rt's sigval (0 for kill) */
}

/* Linux's on_sig_stack: sp inside the alternate stack (none while SS_AUTODISARM). */
static bool on_stack(const struct process_sigstack *ss, uintptr_t sp)
{
	if (ss->flags & PROCESS_SS_AUTODISARM)
		return false;
	return ss->size && sp > ss->sp && sp - ss->sp <= ss->size;
}

/* Linux's sas_ss_flags: what sigaltstack and the frame's uc_stack report. */
static int stack_flags(const struct process_sigstack *ss, uintptr_t sp)
{
	int mode = !ss->size ? PROCESS_SS_DISABLE : on_stack(ss, sp) ? PROCESS_SS_ONSTACK : 0;

	return mode | (ss->flags & PROCESS_SS_AUTODISARM);
}

int process_sigaltstack(struct process *p, uintptr_t sp, const struct process_sigstack *ss,
                        struct process_sigstack *old)
{
	unsigned long flags = process_lock();
	struct process_sigstack *cur = &p->sig_altstack;
	int rc = 0, mode;

	if (old) {
		*old = *cur;
		old->flags = stack_flags(cur, sp);
	}
	if (ss) {
		mode = ss->flags & ~PROCESS_SS_AUTODISARM;
		if (on_stack(cur, sp))
			rc = -EPERM;
		else if (mode != PROCESS_SS_DISABLE && mode != PROCESS_SS_ONSTACK && mode != 0)
			rc = -EINVAL;
		else if (mode == PROCESS_SS_DISABLE)
			*cur = (struct process_sigstack){0};
		else if (ss->size < PROCESS_MINSIGSTKSZ)
			rc = -ENOMEM;
		else
			*cur = (struct process_sigstack){ss->sp, ss->flags & PROCESS_SS_AUTODISARM,
			                                 ss->size};
	}
	process_unlock(flags);
	return rc;
}

/* User memory of p, a frame that cannot be filled for want of memory after the OOM killer. */
static int copy_out(struct process *p, uintptr_t dst, const void *src, size_t len)
{
	int rc;

	while ((rc = as_copy_to_user(p->as, dst, src, len)) == -ENOMEM)
		if (process_oom(p) < 0)
			break;
	return rc;
}

static int copy_in(struct process *p, void *dst, uintptr_t src, size_t len)
{
	int rc;

	while ((rc = as_copy_from_user(p->as, dst, src, len)) == -ENOMEM)
		if (process_oom(p) < 0)
			break;
	return rc;
}

/* The return page, mapped the first time a handler without SA_RESTORER runs. */
static int trampoline(struct process *p, uintptr_t *out)
{
	const unsigned rw = AS_PROT_READ | AS_PROT_WRITE | AS_PROT_USER;
	uintptr_t va;
	int rc;

	if (p->leader->sig_trampoline) {
		*out = p->leader->sig_trampoline;
		return 0;
	}
	if ((rc = as_map_anon(p->as, 0, PAGE_SIZE, rw, AS_MAP_PRIVATE, &va)) < 0)
		return rc;
	rc = copy_out(p, va, linux_arch_sigreturn_code, linux_arch_sigreturn_size);
	if (rc == 0)
		rc = as_protect(p->as, va, PAGE_SIZE, AS_PROT_READ | AS_PROT_EXEC | AS_PROT_USER);
	if (rc < 0) {
		as_unmap(p->as, va, PAGE_SIZE);
		return rc;
	}
	*out = p->leader->sig_trampoline = va;
	return 0;
}

/* A handler's frame (Linux's setup_rt_frame, get_sigframe). 0 or -errno: p gets SIGSEGV. */
static int setup_frame(struct process *p, const struct process_siginfo *info,
                       const struct process_sigaction *act, uint64_t oldmask,
                       const struct process_sigstack *ss)
{
	uint8_t siginfo[PROCESS_SIGINFO_SIZE];
	struct linux_arch_sigframe f = {.handler = act->handler, .sig = info->signo};
	struct hal_user_context uc = p->uc;
	/* Below the ABI's red zone, which a leaf function may be using (Linux's get_sigframe). */
	uintptr_t sp = hal_user_sp(&uc) - LINUX_ARCH_STACK_REDZONE;
	uint8_t *buf;
	int rc;

	/* On the alternate stack already and no room left: a bogus frame, as Linux's. */
	if (on_stack(ss, sp) && !on_stack(ss, sp - LINUX_ARCH_SIGFRAME_SIZE))
		return -EFAULT;
	if ((act->flags & PROCESS_SA_ONSTACK) && ss->size && !on_stack(ss, sp))
		sp = ss->sp + ss->size;
	if (sp < LINUX_ARCH_SIGFRAME_SIZE)
		return -EFAULT;
	f.frame = (sp - LINUX_ARCH_SIGFRAME_SIZE) & ~(uintptr_t)15;
	if (act->flags & PROCESS_SA_RESTORER)
		f.restorer = act->restorer;
	else if ((rc = trampoline(p, &f.restorer)) < 0)
		return rc;
	process_siginfo_encode(info, siginfo);
	f.info = siginfo;
	f.mask = oldmask;
	f.stack = (struct linux_arch_stack){ss->sp, stack_flags(ss, hal_user_sp(&uc)), ss->size};
	if (!(buf = kmalloc(LINUX_ARCH_SIGFRAME_SIZE)))
		return -ENOMEM;
	linux_arch_sigframe_build(buf, &uc, &f);
	rc = copy_out(p, f.frame, buf, LINUX_ARCH_SIGFRAME_SIZE);
	kfree(buf);
	if (rc == 0)
		p->uc = uc;
	return rc;
}

/* Linux's force_sigsegv: a frame that could not be built; SIGSEGV's handler is dropped first. */
static void frame_failed(struct process *p, int sig)
{
	struct process_siginfo segv = {.signo = PROCESS_SIGSEGV, .code = PROCESS_SI_KERNEL};
	unsigned long flags = process_lock();

	if (sig == PROCESS_SIGSEGV)
		p->leader->sig_action[sig - 1].handler = PROCESS_SIG_DFL;
	process_unlock(flags);
	klog_warn("process", "[%d] %s: no room for the frame of signal %d's handler", p->pid,
	          p->comm, sig);
	process_force_fault(p, &segv);
}

/*
 * The interrupted system call: -EINTR, or run again (Linux's
 * arch_do_signal_or_restart); one that left the rest of its work in
 * p->restart goes on through restart_syscall(2).
 */
static void restart(struct process *p, const struct process_syscall *sys, bool handler,
                    unsigned long sa_flags)
{
	if (!sys)
		return;
	switch (sys->ret) {
	case -ERESTART_RESTARTBLOCK:
		if (handler) {
			p->restart.fn = NULL;
			hal_user_set_return(&p->uc, -EINTR);
		} else {
			hal_user_syscall_redirect(&p->uc, NR_restart_syscall);
		}
		return;
	case -ERESTARTNOHAND:
		break;
	case -ERESTARTSYS:
		handler = handler && !(sa_flags & PROCESS_SA_RESTART);
		break;
	case -ERESTARTNOINTR:
		handler = false;
		break;
	default:
		return;
	}
	if (handler)
		hal_user_set_return(&p->uc, -EINTR);
	else
		hal_user_syscall_restart(&p->uc, sys->arg0);
}

/* Linux's do_group_exit by a signal; the message for the signals a user wants to see. */
__attribute__((noreturn)) static void die(struct process *p, int sig)
{
	process_exit(p, sig & 0x7f);
}

/*
 * Linux's do_signal_stop for one thread: p sleeps (killable) while its
 * group is stopped; the last thread to arrive completes the stop. Called
 * with the tree lock held (flags from process_lock), returns with it
 * released.
 */
static void park_locked(struct process *p, unsigned long flags)
{
	hal_spinlock_t *lock = process_tree_lock();
	struct process *g = p->leader;

	g->stop_parked++;
	process_stop_check_locked(g);
	while (g->stopped && !p->sig_fatal)
		if (wq_wait_intr(&g->stop_wq, lock, TASK_FOREVER, TASK_WAIT_KILLABLE) == -EINTR)
			break;
	g->stop_parked--;
	hal_spin_unlock_irqrestore(lock, flags);
}

/*
 * Linux's dequeue_signal: the next signal of 'set' that p may take, p's
 * own first (a fault of p's own is never left behind a group's signal),
 * then its group's; it leaves the pending set, its siginfo in *info. 0:
 * none. Tree lock held.
 */
static int dequeue_locked(struct process *p, uint64_t set, struct process_siginfo *info)
{
	struct process *g = p->leader;
	int sig;

	if ((sig = (int)process_sig_next(p->thread_pending & set, 0)) != 0) {
		p->thread_pending &= ~PROCESS_SIGBIT(sig);
		*info = p->thread_info[sig - 1];
	} else if ((sig = (int)process_sig_next(g->sig_pending & set, 0)) != 0) {
		g->sig_pending &= ~PROCESS_SIGBIT(sig);
		*info = g->sig_info[sig - 1];
	}
	return sig;
}

/* Nothing to do: the common case, without the tree lock. */
static bool nothing_to_do(struct process *p, const struct process_syscall *sys)
{
	if (__atomic_load_n(&p->sig_fatal, __ATOMIC_ACQUIRE) || p->sig_restore_saved ||
	    __atomic_load_n(&p->leader->stopped, __ATOMIC_ACQUIRE))
		return false;
	if (sys && sys->ret <= -ERESTARTSYS && sys->ret >= -ERESTART_RESTARTBLOCK)
		return false;
	return !p->task || !(task_interrupts(p->task) & TASK_INTR_SIGNAL);
}

/*
 * Apart from process_signal_deliver: its frame (the saved action, info and
 * stack, ~1 KiB, twelve registers) is set up only when there is something
 * to do, not on every return to user mode.
 */
static __attribute__((noinline)) void deliver(struct process *p, const struct process_syscall *sys)
{
	struct process_sigaction act;
	struct process_siginfo info;
	struct process_sigstack ss;
	uint64_t oldmask, newmask;
	unsigned long flags;
	int sig;

	for (;;) {
		flags = process_lock();
		if ((sig = __atomic_load_n(&p->sig_fatal, __ATOMIC_ACQUIRE)) != 0) {
			process_unlock(flags);
			die(p, sig);
		}
		if (p->leader->stopped) {
			park_locked(p, flags);
			continue; /* SIGCONT, or to die */
		}
		if (!(sig = dequeue_locked(p, ~p->sig_blocked, &info))) {
			if (p->sig_restore_saved) { /* no handler ran: sigsuspend's mask goes */
				p->sig_restore_saved = false;
				process_sig_setmask_locked(p, p->sig_saved);
			}
			process_sig_recalc_locked(p);
			process_unlock(flags);
			restart(p, sys, false, 0);
			return;
		}
		act = p->leader->sig_action[sig - 1];
		if (process_sig_ignored_locked(p, sig) ||
		    (act.handler == PROCESS_SIG_DFL && p->pid == 1)) {
			process_unlock(flags);
			continue;
		}
		if (act.handler == PROCESS_SIG_DFL && process_sig_stops(sig)) {
			/* An orphaned group ignores job control's stops (not SIGSTOP). */
			if (sig != PROCESS_SIGSTOP &&
			    process_pgrp_orphaned_locked(p->leader->pgid)) {
				process_unlock(flags);
				continue;
			}
			process_stop_group_locked(p, sig);
			process_unlock(flags);
			continue; /* the loop parks it */
		}
		if (act.handler == PROCESS_SIG_DFL) {
			process_make_fatal_locked(p, sig);
			process_unlock(flags);
			die(p, sig);
		}
		oldmask = p->sig_restore_saved ? p->sig_saved : p->sig_blocked;
		p->sig_restore_saved = false;
		newmask = p->sig_blocked | act.mask;
		if (!(act.flags & PROCESS_SA_NODEFER))
			newmask |= PROCESS_SIGBIT(sig);
		if (act.flags & PROCESS_SA_RESETHAND)
			p->leader->sig_action[sig - 1].handler = PROCESS_SIG_DFL;
		ss = p->sig_altstack;
		process_unlock(flags);

		restart(p, sys, true, act.flags);
		sys = NULL; /* decided: a further signal's frame saves the result as it is */
		if (setup_frame(p, &info, &act, oldmask, &ss) < 0) {
			frame_failed(p, sig);
			continue;
		}
		flags = process_lock();
		process_sig_setmask_locked(p, newmask); /* Linux's signal_delivered */
		if (ss.flags & PROCESS_SS_AUTODISARM)
			p->sig_altstack = (struct process_sigstack){0};
		process_unlock(flags);
	}
}

void process_signal_deliver(struct process *p, const struct process_syscall *sys)
{
	if (!nothing_to_do(p, sys))
		deliver(p, sys);
}

long process_sigreturn(struct process *p)
{
	struct process_siginfo segv = {.signo = PROCESS_SIGSEGV, .code = PROCESS_SI_KERNEL};
	struct hal_user_context uc = p->uc;
	struct linux_arch_stack st;
	struct process_sigstack ss;
	unsigned long flags;
	uint64_t mask;
	uint8_t *buf = kmalloc(LINUX_ARCH_SIGFRAME_SIZE);
	/* The handler's return may have taken the frame's first words off the stack. */
	uintptr_t frame = hal_user_sp(&uc) - LINUX_ARCH_SIGRETURN_SP;
	int rc = -ENOMEM;

	if (buf && (rc = copy_in(p, buf, frame, LINUX_ARCH_SIGFRAME_SIZE)) == 0)
		rc = linux_arch_sigframe_restore(buf, &uc, &mask, &st);
	kfree(buf);
	if (rc < 0) {
		klog_warn("process", "[%d] %s: bad signal frame at 0x%lx: killed by signal 11",
		          p->pid, p->comm, (unsigned long)hal_user_sp(&p->uc));
		process_force_fault(p, &segv);
		return 0;
	}
	p->uc = uc;
	flags = process_lock();
	process_sig_setmask_locked(p, mask);
	process_unlock(flags);
	/* Linux's restore_altstack: a stack the frame names that cannot be set is left alone. */
	ss = (struct process_sigstack){(uintptr_t)st.sp, st.flags, (size_t)st.size};
	process_sigaltstack(p, hal_user_sp(&uc), &ss, NULL);
	return hal_user_return(&p->uc);
}

long process_sigsuspend(struct process *p, uint64_t mask)
{
	return process_sigpause(p, &mask, TASK_FOREVER);
}

void process_sigmask_swap(struct process *p, uint64_t mask)
{
	unsigned long flags = process_lock();

	p->sig_saved = p->sig_blocked;
	p->sig_restore_saved = true; /* the delivery puts it back */
	process_sig_setmask_locked(p, mask);
	process_unlock(flags);
}

void process_sigmask_restore(struct process *p, bool interrupted)
{
	unsigned long flags;

	if (interrupted)
		return;
	flags = process_lock();
	if (p->sig_restore_saved) {
		p->sig_restore_saved = false;
		process_sig_setmask_locked(p, p->sig_saved);
	}
	process_unlock(flags);
}

long process_sigpause(struct process *p, const uint64_t *mask, uint64_t deadline)
{
	if (mask)
		process_sigmask_swap(p, *mask);
	/* The interruption stays raised: a signal between the unlock and the sleep is not lost. */
	if (task_sleep_until_intr(deadline, TASK_WAIT_INTERRUPTIBLE) == 0)
		return 0;
	return -ERESTARTNOHAND;
}

/* With the tree lock: take the lowest pending signal of 'set' into *info. */
static int take(struct process *p, uint64_t set, struct process_siginfo *info)
{
	int sig = dequeue_locked(p, set, info);

	if (sig)
		process_sig_recalc_locked(p);
	return sig;
}

int process_sigtimedwait(struct process *p, uint64_t set, uint64_t deadline,
                         struct process_siginfo *info)
{
	unsigned long flags = process_lock();
	int sig, rc;

	set &= ~(PROCESS_SIGBIT(PROCESS_SIGKILL) | PROCESS_SIGBIT(PROCESS_SIGSTOP));
	if ((sig = take(p, set, info)) || deadline == 0) {
		process_unlock(flags);
		return sig ? sig : -EAGAIN;
	}
	p->sig_waiting = set; /* these wake it while blocked (Linux's real_blocked) */
	process_sig_recalc_locked(p);
	process_unlock(flags);
	rc = task_sleep_until_intr(deadline, TASK_WAIT_INTERRUPTIBLE);
	flags = process_lock();
	p->sig_waiting = 0;
	sig = take(p, set, info);
	process_sig_recalc_locked(p);
	process_unlock(flags);
	if (sig)
		return sig;
	return rc == 0 ? -EAGAIN : -EINTR;
}
