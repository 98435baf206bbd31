/*
 * clone and clone3's arguments and their checks, apart from the calls so
 * that host tests can try every combination (klib alone).
 */
#ifndef LINUX_ABI_CLONE_FLAGS_H
#define LINUX_ABI_CLONE_FLAGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// clang-format off
#define CSIGNAL              0x000000ffull
#define CLONE_NEWTIME        0x00000080ull
#define CLONE_VM             0x00000100ull
#define CLONE_FS             0x00000200ull
#define CLONE_FILES          0x00000400ull
#define CLONE_SIGHAND        0x00000800ull
#define CLONE_PIDFD          0x00001000ull
#define CLONE_PTRACE         0x00002000ull
#define CLONE_VFORK          0x00004000ull
#define CLONE_PARENT         0x00008000ull
#define CLONE_THREAD         0x00010000ull
#define CLONE_NEWNS          0x00020000ull
#define CLONE_SYSVSEM        0x00040000ull
#define CLONE_SETTLS         0x00080000ull
#define CLONE_PARENT_SETTID  0x00100000ull
#define CLONE_CHILD_CLEARTID 0x00200000ull
#define CLONE_DETACHED       0x00400000ull
#define CLONE_UNTRACED       0x00800000ull
#define CLONE_CHILD_SETTID   0x01000000ull
#define CLONE_NEWCGROUP      0x02000000ull
#define CLONE_NEWUTS         0x04000000ull
#define CLONE_NEWIPC         0x08000000ull
#define CLONE_NEWUSER        0x10000000ull
#define CLONE_NEWPID         0x20000000ull
#define CLONE_NEWNET         0x40000000ull
#define CLONE_IO             0x80000000ull
#define CLONE_CLEAR_SIGHAND  0x100000000ull
#define CLONE_INTO_CGROUP    0x200000000ull
// clang-format on

/* The namespaces copy_namespaces and unshare_nsproxy_namespaces make (CAP_SYS_ADMIN). */
#define LX_CLONE_NEW_NSPROXY                                                                       \
	(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNET |                 \
	 CLONE_NEWCGROUP | CLONE_NEWTIME)

/* Linux's struct kernel_clone_args, as far as this kernel reads it. */
struct lx_clone {
	uint64_t flags;       /* without the exit signal */
	uint64_t exit_signal; /* legacy clone: flags & CSIGNAL */
	uint64_t stack, stack_size, tls;
	uint64_t parent_tid, child_tid, pidfd;
	uint64_t set_tid, set_tid_size, cgroup;
	bool clone3;
};

/*
 * clone3's own checks (copy_clone_args_from_user, clone3_args_valid but
 * the stack's access_ok): 0 or -EINVAL.
 */
int lx_clone3_check(const struct lx_clone *c);

/*
 * The checks of kernel_clone and copy_process, in Linux's order (-EINVAL),
 * copy_namespaces's (-EPERM for a new namespace without 'admin', the
 * caller's CAP_SYS_ADMIN, unless CLONE_NEWUSER comes with it; -EINVAL for
 * CLONE_NEWIPC with CLONE_SYSVSEM), then what this kernel does not do
 * (-EINVAL with *why saying it): namespaces but CLONE_NEWIPC, a thread in
 * a new IPC namespace (a thread group has one here), pidfds, CLONE_PARENT,
 * CLONE_CLEAR_SIGHAND, cgroups, set_tid, a thread that does not share
 * files and fs, CLONE_SIGHAND without CLONE_THREAD, and CLONE_VM without
 * CLONE_THREAD except with CLONE_VFORK (vfork, posix_spawn: the child gets
 * a copy of the space while its parent sleeps). 'init': the caller is pid
 * 1. Any context.
 */
int lx_clone_check(const struct lx_clone *c, bool init, bool admin, const char **why);

/*
 * unshare(flags): ksys_unshare's implied flags (CLONE_NEWUSER brings
 * CLONE_THREAD and CLONE_FS, CLONE_VM CLONE_SIGHAND, CLONE_SIGHAND
 * CLONE_THREAD, CLONE_NEWNS CLONE_FS), check_unshare_flags (-EINVAL: an
 * unknown flag, or CLONE_THREAD, CLONE_SIGHAND or CLONE_VM while the group
 * has other threads, '!single'), unshare_nsproxy_namespaces's -EPERM (no
 * 'admin'), then what this kernel does not do (-EINVAL with *why): every
 * new namespace but CLONE_NEWIPC, CLONE_NEWIPC while the group has other
 * threads, CLONE_FS and CLONE_FILES. The flags to act on, or the error.
 * Any context.
 */
long lx_unshare_check(uint64_t flags, bool single, bool admin, const char **why);

#endif
