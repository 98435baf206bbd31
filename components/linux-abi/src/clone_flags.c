/* clone's checks (Linux's kernel/fork.c: kernel_clone, copy_process, clone3_args_valid). */
#include <klib/errno.h>
#include "clone_flags.h"

#define LX_MAX_PID_NS_LEVEL 32
#define LX_NSIG             64
#define LX_INT_MAX          0x7fffffffull

int lx_clone3_check(const struct lx_clone *c)
{
	if (c->set_tid_size > LX_MAX_PID_NS_LEVEL)
		return -EINVAL;
	if (!c->set_tid != !c->set_tid_size)
		return -EINVAL;
	if ((c->exit_signal & ~CSIGNAL) || c->exit_signal > LX_NSIG)
		return -EINVAL;
	if ((c->flags & CLONE_INTO_CGROUP) && c->cgroup > LX_INT_MAX)
		return -EINVAL;
	if (c->flags & ~(0xffffffffull | CLONE_CLEAR_SIGHAND | CLONE_INTO_CGROUP))
		return -EINVAL;
	/* The legacy exit-signal bits are not flags in clone3. */
	if (c->flags & (CLONE_DETACHED | (CSIGNAL & ~CLONE_NEWTIME)))
		return -EINVAL;
	if ((c->flags & (CLONE_SIGHAND | CLONE_CLEAR_SIGHAND)) ==
	    (CLONE_SIGHAND | CLONE_CLEAR_SIGHAND))
		return -EINVAL;
	if ((c->flags & (CLONE_THREAD | CLONE_PARENT)) && c->exit_signal)
		return -EINVAL;
	if (!c->stack != !c->stack_size)
		return -EINVAL;
	return 0;
}

/* Linux's own rules, in its order. */
static int linux_check(const struct lx_clone *c, bool init)
{
	uint64_t f = c->flags;

	if ((f & CLONE_PIDFD) && (f & CLONE_PARENT_SETTID) && c->pidfd == c->parent_tid)
		return -EINVAL; /* kernel_clone: both would write the same word */
	if ((f & (CLONE_NEWNS | CLONE_FS)) == (CLONE_NEWNS | CLONE_FS))
		return -EINVAL;
	if ((f & (CLONE_NEWUSER | CLONE_FS)) == (CLONE_NEWUSER | CLONE_FS))
		return -EINVAL;
	if ((f & CLONE_THREAD) && !(f & CLONE_SIGHAND))
		return -EINVAL;
	if ((f & CLONE_SIGHAND) && !(f & CLONE_VM))
		return -EINVAL;
	if ((f & CLONE_PARENT) && init)
		return -EINVAL; /* init's siblings would have no one to reap them */
	if ((f & CLONE_THREAD) && (f & (CLONE_NEWUSER | CLONE_NEWPID)))
		return -EINVAL;
	if ((f & CLONE_PIDFD) && (f & CLONE_DETACHED))
		return -EINVAL;
	return 0;
}

/* copy_namespaces and unshare_nsproxy_namespaces: privilege, then CLONE_SYSVSEM's undo list. */
static int ns_check(uint64_t f, bool admin)
{
	if (!(f & LX_CLONE_NEW_NSPROXY))
		return 0;
	/* A new user namespace would give the caller CAP_SYS_ADMIN in it (not here: refused below).
	 */
	if (!admin && !(f & CLONE_NEWUSER))
		return -EPERM;
	/* The new namespace's semaphores could not be reached from the shared undo list. */
	if ((f & (CLONE_NEWIPC | CLONE_SYSVSEM)) == (CLONE_NEWIPC | CLONE_SYSVSEM))
		return -EINVAL;
	return 0;
}

int lx_clone_check(const struct lx_clone *c, bool init, bool admin, const char **why)
{
	const uint64_t known = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
	                       CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID |
	                       CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | CLONE_VFORK |
	                       CLONE_DETACHED | CLONE_UNTRACED | CLONE_PTRACE | CLONE_NEWIPC;
	uint64_t f = c->flags;
	int rc;

	*why = NULL;
	if ((rc = linux_check(c, init)) < 0)
		return rc;
	if ((rc = ns_check(f, admin)) < 0)
		return rc;
	if (f & ~known)
		*why = "namespaces other than CLONE_NEWIPC, pidfds, CLONE_PARENT, CLONE_IO, "
		       "CLONE_CLEAR_SIGHAND and cgroups are not supported";
	else if (c->set_tid_size)
		*why = "set_tid is not supported";
	else if ((f & CLONE_THREAD) && (f & CLONE_NEWIPC))
		*why =
		    "a thread group has one IPC namespace here: no CLONE_NEWIPC with CLONE_THREAD";
	else if ((f & CLONE_THREAD) && (f & (CLONE_FILES | CLONE_FS)) != (CLONE_FILES | CLONE_FS))
		*why = "a thread shares its files and fs here (CLONE_FILES|CLONE_FS)";
	else if ((f & CLONE_SIGHAND) && !(f & CLONE_THREAD))
		*why = "shared signal actions between processes are not supported";
	else if ((f & CLONE_VM) && !(f & CLONE_THREAD) && !(f & CLONE_VFORK))
		*why = "CLONE_VM without CLONE_THREAD needs CLONE_VFORK here";
	return *why ? -EINVAL : 0;
}

long lx_unshare_check(uint64_t f, bool single, bool admin, const char **why)
{
	const uint64_t known = CLONE_THREAD | CLONE_FS | CLONE_NEWNS | CLONE_SIGHAND | CLONE_VM |
	                       CLONE_FILES | CLONE_SYSVSEM | CLONE_NEWUTS | CLONE_NEWIPC |
	                       CLONE_NEWNET | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWCGROUP |
	                       CLONE_NEWTIME;
	int rc;

	*why = NULL;
	if (f & CLONE_NEWUSER)
		f |= CLONE_THREAD | CLONE_FS;
	if (f & CLONE_VM)
		f |= CLONE_SIGHAND;
	if (f & CLONE_SIGHAND)
		f |= CLONE_THREAD;
	if (f & CLONE_NEWNS)
		f |= CLONE_FS;
	if (f & ~known)
		return -EINVAL;
	/* Linux pretends to unshare these when nothing shares them, and refuses otherwise. */
	if ((f & (CLONE_THREAD | CLONE_SIGHAND | CLONE_VM)) && !single)
		return -EINVAL;
	if ((rc = ns_check(f & ~CLONE_SYSVSEM, admin)) < 0)
		return rc;
	if (f & (LX_CLONE_NEW_NSPROXY | CLONE_NEWUSER) & ~CLONE_NEWIPC)
		*why = "namespaces other than CLONE_NEWIPC are not supported";
	else if (f & (CLONE_FS | CLONE_FILES))
		*why = "unsharing files and fs (CLONE_FILES, CLONE_FS) is not supported";
	else if ((f & CLONE_NEWIPC) && !single)
		*why =
		    "a thread group has one IPC namespace here: no CLONE_NEWIPC with other threads";
	return *why ? -EINVAL : (long)f;
}
