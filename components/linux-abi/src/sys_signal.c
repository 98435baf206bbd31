/*
 * Signals, as far as this kernel goes: actions and the mask are recorded
 * and reported back (glibc's start-up and abort() need that), and decide
 * what kill() does (process keeps the pending set); but no handler is ever
 * run. A fatal signal (a user fault, kill) ends the process with Linux's
 * default action, whatever action was installed.
 */
#include <klib/errno.h>
#include <klib/string.h>
#include <linux-arch/unistd.h>
#include "abi_internal.h"

#define SIGKILL 9
#define SIGSTOP 19
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#define SIGACTION_SIZE 24

static long do_sigaction(struct process *p, int sig, uintptr_t uact, uintptr_t uold, size_t setsize)
{
	uint8_t act[SIGACTION_SIZE], old[SIGACTION_SIZE];
	unsigned long flags;

	/* Linux's order: the size, the new action, the signal; the old action is
	 * written last, so a bad address there fails after the change. */
	if (setsize != 8)
		return -EINVAL;
	if (uact && lx_copy_in(p, act, uact, sizeof(act)) < 0)
		return -EFAULT;
	if (sig < 1 || sig > LX_NSIG || (uact && (sig == SIGKILL || sig == SIGSTOP)))
		return -EINVAL;
	flags = process_lock(); /* kill() reads the actions of its target */
	memcpy(old, lx(p)->sigaction[sig - 1], sizeof(old));
	if (uact)
		memcpy(lx(p)->sigaction[sig - 1], act, sizeof(act));
	process_unlock(flags);
	if (uact)
		process_signals_changed(p); /* a pending signal now ignored is dropped */
	if (uold && lx_copy_out(p, uold, old, SIGACTION_SIZE) < 0)
		return -EFAULT;
	return 0;
}

static long do_sigprocmask(struct process *p, int how, uintptr_t uset, uintptr_t uold, size_t setsize)
{
	const uint64_t unblockable = (1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1));
	uint64_t set, *mask = &lx(p)->sigmask;
	unsigned long flags;

	uint64_t old = *mask;

	/* Linux's order: the size, the new set, how, and only then the old set. */
	if (setsize != 8)
		return -EINVAL;
	if (uset) {
		if (lx_copy_in(p, &set, uset, 8) < 0)
			return -EFAULT;
		switch (how) {
		case SIG_BLOCK: set = old | set; break;
		case SIG_UNBLOCK: set = old & ~set; break;
		case SIG_SETMASK: break;
		default: return -EINVAL;
		}
		flags = process_lock(); /* kill() reads the mask of its target */
		*mask = set & ~unblockable;
		process_unlock(flags);
		process_signals_changed(p); /* an unblocked pending signal acts now */
	}
	if (uold && lx_copy_out(p, uold, &old, 8) < 0)
		return -EFAULT;
	return 0;
}

/* rt_sigpending: the pending signals the process blocks (the others have acted). */
static long do_sigpending(struct process *p, uintptr_t uset, size_t setsize)
{
	uint64_t set;

	if (setsize > 8)
		return -EINVAL;
	set = process_sigpending(p) & lx(p)->sigmask;
	return lx_copy_out(p, uset, &set, setsize) < 0 ? -EFAULT : 0;
}

/*
 * What kill() does to p, by its mask and its action for sig (Linux's
 * prepare_signal, sig_fatal): a blocked signal is held pending (SIGKILL
 * and SIGSTOP cannot be blocked); SIG_IGN, and the default action of the
 * signals Linux ignores by default (SIGCHLD, SIGCONT, SIGURG, SIGWINCH),
 * drop it; the stop signals are dropped too (no job control here); every
 * other default action ends the process. A handler cannot run here, so a
 * handled signal ends the process as its default would: documented in
 * docs/linux-programs.md. Called by process with its tree lock held.
 */
enum process_sig_action lx_signal_action(struct process *p, int sig)
{
	uint64_t handler;

	if (sig == SIGKILL)
		return PROCESS_SIG_FATAL;
	if (sig == SIGSTOP)
		return PROCESS_SIG_DISCARD;
	if (lx(p)->sigmask & (1ull << (sig - 1)))
		return PROCESS_SIG_HOLD;
	if (sig >= 20 && sig <= 22) /* SIGTSTP, SIGTTIN, SIGTTOU */
		return PROCESS_SIG_DISCARD;
	memcpy(&handler, lx(p)->sigaction[sig - 1], sizeof(handler));
	if (handler == 1) /* SIG_IGN */
		return PROCESS_SIG_DISCARD;
	if (handler == 0 && (sig == 17 || sig == 18 || sig == 23 || sig == 28))
		return PROCESS_SIG_DISCARD; /* ignored by default */
	return PROCESS_SIG_FATAL;
}

/*
 * Linux's kill_ok_by_cred: the sender's real or effective uid is the
 * target's real or saved uid, or the sender has CAP_KILL. The target's
 * effective uid and the sender's saved uid do not count.
 */
bool lx_may_signal(struct process *from, struct process *to)
{
	const struct cred *c = &lx(from)->cred, *t = to->abi ? &lx(to)->cred : NULL;

	if (t && (c->euid == t->suid || c->euid == t->ruid || c->ruid == t->suid ||
		  c->ruid == t->ruid))
		return true;
	return cred_capable(c, CRED_CAP_KILL);
}

long lx_sys_signal(struct process *p, unsigned long nr, const unsigned long *a)
{
	switch (nr) {
	case NR_rt_sigaction:
		return do_sigaction(p, (int)a[0], a[1], a[2], a[3]);
	case NR_rt_sigprocmask:
		return do_sigprocmask(p, (int)a[0], a[1], a[2], a[3]);
	case NR_rt_sigpending:
		return do_sigpending(p, a[0], a[1]);
	case NR_sigaltstack:
		/* A new stack is read (Linux's EFAULT) but not kept: no handler runs on it. */
		if (a[0]) {
			uint64_t ss[3];
			if (lx_copy_in(p, ss, a[0], sizeof(ss)) < 0)
				return -EFAULT;
		}
		if (a[1]) { /* the old stack: none (ss_flags SS_DISABLE) */
			uint64_t ss[3] = {0, 2, 0};
			if (lx_copy_out(p, a[1], ss, sizeof(ss)) < 0)
				return -EFAULT;
		}
		return 0;
	default:
		return -ENOSYS;
	}
}
