/*
 * Signals, as far as this kernel goes: actions and the mask are recorded
 * and reported back (glibc's start-up and abort() need that), but no
 * handler is ever run. A fatal signal (a user fault, kill) ends the
 * process with Linux's default action, whatever action was installed.
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
	uint8_t act[SIGACTION_SIZE];

	if (setsize != 8)
		return -EINVAL;
	if (sig < 1 || sig > LX_NSIG || (uact && (sig == SIGKILL || sig == SIGSTOP)))
		return -EINVAL;
	if (uact && lx_copy_in(p, act, uact, sizeof(act)) < 0)
		return -EFAULT;
	if (uold && lx_copy_out(p, uold, lx(p)->sigaction[sig - 1], SIGACTION_SIZE) < 0)
		return -EFAULT;
	if (uact)
		memcpy(lx(p)->sigaction[sig - 1], act, sizeof(act));
	return 0;
}

static long do_sigprocmask(struct process *p, int how, uintptr_t uset, uintptr_t uold, size_t setsize)
{
	const uint64_t unblockable = (1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1));
	uint64_t set, *mask = &lx(p)->sigmask;

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
		*mask = set & ~unblockable;
	}
	if (uold && lx_copy_out(p, uold, &old, 8) < 0)
		return -EFAULT;
	return 0;
}

/*
 * What kill() does to p, by its action for sig: SIG_IGN, and the default
 * action of the signals Linux ignores by default (SIGCHLD, SIGCONT, SIGURG,
 * SIGWINCH), drop it; the stop signals are dropped too (no job control
 * here); every other default action ends the process. A handler cannot
 * run here, so a handled signal ends the process as its default would:
 * documented in docs/linux-programs.md.
 */
bool lx_signal_kills(struct process *p, int sig)
{
	uint64_t handler;

	if (sig == SIGKILL)
		return true;
	if (sig == SIGSTOP || (sig >= 20 && sig <= 22)) /* SIGTSTP, SIGTTIN, SIGTTOU */
		return false;
	memcpy(&handler, lx(p)->sigaction[sig - 1], sizeof(handler));
	if (handler == 1) /* SIG_IGN */
		return false;
	if (handler == 0 && (sig == 17 || sig == 18 || sig == 23 || sig == 28))
		return false; /* ignored by default */
	return true;
}

long lx_sys_signal(struct process *p, unsigned long nr, const unsigned long *a)
{
	switch (nr) {
	case NR_rt_sigaction:
		return do_sigaction(p, (int)a[0], a[1], a[2], a[3]);
	case NR_rt_sigprocmask:
		return do_sigprocmask(p, (int)a[0], a[1], a[2], a[3]);
	case NR_sigaltstack:
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
