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

int lx_clone_check(const struct lx_clone *c, bool init, const char **why)
{
	const uint64_t known = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
	                       CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID |
	                       CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | CLONE_VFORK |
	                       CLONE_DETACHED | CLONE_UNTRACED | CLONE_PTRACE;
	uint64_t f = c->flags;
	int rc;

	*why = NULL;
	if ((rc = linux_check(c, init)) < 0)
		return rc;
	if (f & ~known)
		*why =
		    "namespaces, pidfds, CLONE_PARENT, CLONE_IO, CLONE_CLEAR_SIGHAND and cgroups "
		    "are not supported";
	else if (c->set_tid_size)
		*why = "set_tid is not supported";
	else if ((f & CLONE_THREAD) && (f & (CLONE_FILES | CLONE_FS)) != (CLONE_FILES | CLONE_FS))
		*why = "a thread shares its files and fs here (CLONE_FILES|CLONE_FS)";
	else if ((f & CLONE_SIGHAND) && !(f & CLONE_THREAD))
		*why = "shared signal actions between processes are not supported";
	else if ((f & CLONE_VM) && !(f & CLONE_THREAD) && !(f & CLONE_VFORK))
		*why = "CLONE_VM without CLONE_THREAD needs CLONE_VFORK here";
	return *why ? -EINVAL : 0;
}
