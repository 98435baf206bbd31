/*
 * pipe2 and eventfd2 (and pipe and eventfd where the architecture kept
 * them), after Linux's fs/pipe.c (do_pipe2) and fs/eventfd.c
 * (do_eventfd): the files first (-ENOMEM), then the fds (-EMFILE), then
 * the user's array (-EFAULT, with both fds given back), then the fds open.
 */
#include <klib/errno.h>
#include <vfs/pipe.h>
#include <linux-arch/unistd.h>
#include "abi_internal.h"

static unsigned nofile(struct process *p)
{
	uint64_t n = lx(p)->rlim[LX_RLIMIT_NOFILE].cur;

	return n > CONFIG_VFS_NR_OPEN ? CONFIG_VFS_NR_OPEN : (unsigned)n;
}

static long do_pipe2(struct process *p, uintptr_t ufds, unsigned long uflags)
{
	unsigned flags = lx_open_flags_in((unsigned)uflags);
	struct vfs_file *rd, *wr;
	struct vfs_cred cr;
	int32_t fds[2];
	int rc;

	lx_vfs_cred(p, &cr);
	if ((rc = vfs_pipe(flags, &cr, &rd, &wr)) < 0)
		return rc;
	if ((fds[0] = vfs_fd_reserve(lx(p)->files, 0, nofile(p))) < 0) {
		rc = fds[0];
		goto out;
	}
	if ((fds[1] = vfs_fd_reserve(lx(p)->files, 0, nofile(p))) < 0) {
		rc = fds[1];
		vfs_fd_unreserve(lx(p)->files, fds[0]);
		goto out;
	}
	if (lx_copy_out(p, ufds, fds, sizeof(fds)) < 0) {
		rc = -EFAULT;
		vfs_fd_unreserve(lx(p)->files, fds[0]);
		vfs_fd_unreserve(lx(p)->files, fds[1]);
		goto out;
	}
	vfs_fd_fill(lx(p)->files, fds[0], rd, flags & VFS_O_CLOEXEC);
	vfs_fd_fill(lx(p)->files, fds[1], wr, flags & VFS_O_CLOEXEC);
	return 0;
out:
	vfs_file_put(rd);
	vfs_file_put(wr);
	return rc;
}

static long do_eventfd2(struct process *p, unsigned count, unsigned long uflags)
{
	unsigned flags = lx_open_flags_in((unsigned)uflags);
	struct vfs_file *f;
	int rc, fd;

	if ((rc = vfs_eventfd(count, flags, &f)) < 0)
		return rc;
	if ((fd = vfs_fd_reserve(lx(p)->files, 0, nofile(p))) < 0) {
		vfs_file_put(f);
		return fd;
	}
	vfs_fd_fill(lx(p)->files, fd, f, flags & VFS_O_CLOEXEC);
	return fd;
}

long lx_sys_pipe(struct process *p, unsigned long nr, const unsigned long *a)
{
	switch (nr) {
	case NR_pipe2:
		return do_pipe2(p, a[0], (unsigned)a[1]);
	case NR_eventfd2:
		return do_eventfd2(p, (unsigned)a[0], (unsigned)a[1]);
#ifdef NR_pipe
	case NR_pipe:
		return do_pipe2(p, a[0], 0);
#endif
#ifdef NR_eventfd
	case NR_eventfd:
		return do_eventfd2(p, (unsigned)a[0], 0);
#endif
	default:
		return -ENOSYS;
	}
}
