/*
 * The calls an architecture kept from before their replacements, which
 * asm-generic no longer has: open, stat, mkdir, fork, pause, alarm, ...
 * Each is the call that replaced it, with the arguments Linux's own
 * wrapper passes (fs/open.c, fs/namei.c, fs/stat.c, kernel/fork.c: open is
 * do_sys_open(AT_FDCWD, ...), and so on), so there is one implementation
 * of each. A number the architecture's linux-arch/unistd.h does not define
 * is compiled out, as is everything here on asm-generic architectures.
 * arch_prctl, where the architecture has it, is here too: it sets the
 * thread pointer the same way clone's CLONE_SETTLS does.
 */
#include <klib/compiler.h>
#include <klib/errno.h>
#include <hal/time.h>
#include <hal/user.h>
#include <task/wait.h>
#include <linux-arch/unistd.h>
#include "abi_internal.h"

/* clang-format off */
#define AT_FDCWD            ((unsigned long)-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR        0x200
#define O_WRONLY_CREAT_TRUNC 01101 /* creat's flags: O_WRONLY | O_CREAT | O_TRUNC */
#define CLONE_VM            0x00000100
#define CLONE_VFORK         0x00004000
#define SIGCHLD             17
#define ARCH_SET_GS         0x1001
#define ARCH_SET_FS         0x1002
#define ARCH_GET_FS         0x1003
#define ARCH_GET_GS         0x1004
#define NSEC                1000000000ull
/* clang-format on */

typedef long (*lx_group_t)(struct process *, unsigned long, const unsigned long *);

/* Unused where the architecture kept none of these calls. */
KIT_UNUSED static long as(struct process *p, lx_group_t group, unsigned long nr, unsigned long a0,
                          unsigned long a1, unsigned long a2, unsigned long a3, unsigned long a4)
{
	const unsigned long b[6] = {a0, a1, a2, a3, a4, 0};

	return group(p, nr, b);
}

#ifdef NR_dup2
/* Linux's ksys_dup2: the same fd twice is only checked, not closed and reopened. */
static long do_dup2(struct process *p, unsigned long oldfd, unsigned long newfd)
{
	struct vfs_file *f;

	if (oldfd != newfd)
		return as(p, lx_sys_fd, NR_dup3, oldfd, newfd, 0, 0, 0);
	if (!(f = lx_fget(p, (int)oldfd)))
		return -EBADF;
	vfs_file_put(f);
	return (long)newfd;
}
#endif

#ifdef NR_time
static long do_time(struct process *p, uintptr_t tloc)
{
	int64_t t = (int64_t)(hal_time_realtime_ns() / NSEC);

	if (tloc && lx_copy_out(p, tloc, &t, sizeof(t)) < 0)
		return -EFAULT;
	return t;
}
#endif

#ifdef NR_alarm
/* Linux's alarm_setitimer: the old time left in seconds, rounded to the nearest, at least 1. */
static long do_alarm(struct process *p, unsigned seconds)
{
	uint64_t old, interval;
	int rc;

	if ((rc = process_setitimer(p, (uint64_t)seconds * NSEC, 0, &old, &interval)) < 0)
		return rc;
	if ((old / NSEC == 0 && old) || old % NSEC / 1000 >= 500000)
		return (long)(old / NSEC + 1);
	return (long)(old / NSEC);
}
#endif

#ifdef NR_arch_prctl
/*
 * Linux's do_arch_prctl_64 for the FS base (glibc's TLS) and the GS base
 * (linux-arch/abi.h's LINUX_ARCH_USER_GS_BASE). A base past the user half
 * is -EPERM, as Linux's; the other codes (CPUID faulting, the vDSO's
 * placement, shadow stacks) are -EINVAL.
 */
static long do_arch_prctl(struct process *p, int code, unsigned long addr)
{
	uint64_t base;

	switch (code) {
	case ARCH_SET_FS:
		if (addr >= CONFIG_ARCH_USER_TOP)
			return -EPERM;
		hal_user_set_tls(&p->uc, addr);
		return 0;
	case ARCH_GET_FS:
		base = hal_user_tls(&p->uc);
		return lx_copy_out(p, addr, &base, sizeof(base)) < 0 ? -EFAULT : 0;
#ifdef LINUX_ARCH_USER_GS_BASE
	case ARCH_SET_GS:
		if (addr >= CONFIG_ARCH_USER_TOP)
			return -EPERM;
		LINUX_ARCH_USER_GS_BASE(&p->uc) = addr;
		return 0;
	case ARCH_GET_GS:
		base = LINUX_ARCH_USER_GS_BASE(&p->uc);
		return lx_copy_out(p, addr, &base, sizeof(base)) < 0 ? -EFAULT : 0;
#endif
	default:
		return -EINVAL;
	}
}
#endif

long lx_sys_legacy(struct process *p, unsigned long nr, const unsigned long *a)
{
	(void)p; /* as above */
	(void)a;
	switch (nr) {
#ifdef NR_open
	case NR_open:
		return as(p, lx_sys_file, NR_openat, AT_FDCWD, a[0], a[1], a[2], 0);
	case NR_creat:
		return as(p, lx_sys_file, NR_openat, AT_FDCWD, a[0], O_WRONLY_CREAT_TRUNC, a[1], 0);
	case NR_stat:
		return as(p, lx_sys_stat, NR_newfstatat, AT_FDCWD, a[0], a[1], 0, 0);
	case NR_lstat:
		return as(p, lx_sys_stat, NR_newfstatat, AT_FDCWD, a[0], a[1], AT_SYMLINK_NOFOLLOW,
		          0);
	case NR_access:
		return as(p, lx_sys_file, NR_faccessat, AT_FDCWD, a[0], a[1], 0, 0);
	case NR_mkdir:
		return as(p, lx_sys_file, NR_mkdirat, AT_FDCWD, a[0], a[1], 0, 0);
	case NR_mknod:
		return as(p, lx_sys_file, NR_mknodat, AT_FDCWD, a[0], a[1], a[2], 0);
	case NR_rmdir:
		return as(p, lx_sys_file, NR_unlinkat, AT_FDCWD, a[0], AT_REMOVEDIR, 0, 0);
	case NR_unlink:
		return as(p, lx_sys_file, NR_unlinkat, AT_FDCWD, a[0], 0, 0, 0);
	case NR_rename:
		return as(p, lx_sys_file, NR_renameat2, AT_FDCWD, a[0], AT_FDCWD, a[1], 0);
	case NR_link:
		return as(p, lx_sys_file, NR_linkat, AT_FDCWD, a[0], AT_FDCWD, a[1], 0);
	case NR_symlink:
		return as(p, lx_sys_file, NR_symlinkat, a[0], AT_FDCWD, a[1], 0, 0);
	case NR_readlink:
		return as(p, lx_sys_file, NR_readlinkat, AT_FDCWD, a[0], a[1], a[2], 0);
	case NR_chmod:
		return as(p, lx_sys_file, NR_fchmodat, AT_FDCWD, a[0], a[1], 0, 0);
	case NR_chown:
		return as(p, lx_sys_file, NR_fchownat, AT_FDCWD, a[0], a[1], a[2], 0);
	case NR_lchown:
		return as(p, lx_sys_file, NR_fchownat, AT_FDCWD, a[0], a[1], a[2],
		          AT_SYMLINK_NOFOLLOW);
#endif
#ifdef NR_dup2
	case NR_dup2:
		return do_dup2(p, a[0], a[1]);
#endif
#ifdef NR_fork
	case NR_fork:
		return as(p, lx_sys_thread, NR_clone, SIGCHLD, 0, 0, 0, 0);
	case NR_vfork:
		return as(p, lx_sys_thread, NR_clone, CLONE_VFORK | CLONE_VM | SIGCHLD, 0, 0, 0, 0);
#endif
#ifdef NR_getpgrp
	case NR_getpgrp:
		return as(p, lx_sys_proc, NR_getpgid, 0, 0, 0, 0, 0);
#endif
#ifdef NR_pause
	case NR_pause:
		return process_sigpause(p, NULL, TASK_FOREVER);
#endif
#ifdef NR_time
	case NR_time:
		return do_time(p, a[0]);
#endif
#ifdef NR_alarm
	case NR_alarm:
		return do_alarm(p, (unsigned)a[0]);
#endif
#ifdef NR_arch_prctl
	case NR_arch_prctl:
		return do_arch_prctl(p, (int)a[0], a[1]);
#endif
	}
	return -ENOSYS;
}
