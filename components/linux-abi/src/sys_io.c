/*
 * Files, as far as this kernel has them: fds 0, 1 and 2 are the console,
 * open for reading and writing as a terminal is (reads see end of file,
 * writes go to the console), and there is no file
 * system for programs to open (the initrd is only where programs come
 * from). Every other fd is -EBADF.
 */
#include <hal/console.h>
#include <klib/errno.h>
#include <klib/string.h>
#include <linux-arch/unistd.h>
#include "abi_internal.h"

#define TCGETS 0x5401
#define AT_EMPTY_PATH 0x1000
#define IOV_MAX 1024
#define S_IFCHR 0020000

static bool fd_ok(struct process *p, long fd)
{
	return fd >= 0 && fd < 3 && (lx(p)->fds >> fd) & 1;
}

static long console_write(struct process *p, uintptr_t ubuf, size_t len)
{
	char chunk[256];
	size_t done = 0;

	while (done < len) {
		size_t n = len - done < sizeof(chunk) ? len - done : sizeof(chunk);

		if (lx_copy_in(p, chunk, ubuf + done, n) < 0)
			return done ? (long)done : -EFAULT;
		hal_console_write(chunk, n);
		done += n;
	}
	return (long)done;
}

/* Like a terminal opened read-write on 0, 1 and 2: any of them writes to it. */
static long do_write(struct process *p, long fd, uintptr_t ubuf, size_t len)
{
	if (!fd_ok(p, fd))
		return -EBADF;
	if ((long)len < 0)
		return -EINVAL;
	return console_write(p, ubuf, len);
}

static long do_writev(struct process *p, long fd, uintptr_t uiov, long cnt)
{
	long total = 0;

	if (!fd_ok(p, fd))
		return -EBADF;
	if (cnt < 0 || cnt > IOV_MAX)
		return -EINVAL;
	for (long i = 0; i < cnt; i++) {
		uint64_t iov[2];
		long rc;

		if (lx_copy_in(p, iov, uiov + (uintptr_t)i * 16, sizeof(iov)) < 0)
			return total ? total : -EFAULT;
		if (!iov[1])
			continue;
		if ((rc = do_write(p, fd, iov[0], iov[1])) < 0)
			return total ? total : rc;
		total += rc;
	}
	return total;
}

/* struct stat as asm-generic lays it out: 128 bytes. The console: a tty-like char device. */
static long stat_console(struct process *p, uintptr_t ust)
{
	uint8_t st[128];
	uint32_t mode = S_IFCHR | 0620, nlink = 1, blksize = 1024;
	uint64_t rdev = (136ull << 8) | 0; /* /dev/pts/0's numbers */

	memset(st, 0, sizeof(st));
	memcpy(st + 16, &mode, 4);
	memcpy(st + 20, &nlink, 4);
	memcpy(st + 32, &rdev, 8);
	memcpy(st + 56, &blksize, 4);
	return lx_copy_out(p, ust, st, sizeof(st));
}

static long do_newfstatat(struct process *p, long dirfd, uintptr_t upath, uintptr_t ust, long flags)
{
	char c;

	if (lx_copy_in(p, &c, upath, 1) < 0)
		return -EFAULT;
	if (c != '\0')
		return -ENOENT; /* no file system */
	if (!(flags & AT_EMPTY_PATH))
		return -ENOENT;
	return fd_ok(p, dirfd) ? stat_console(p, ust) : -EBADF;
}

long lx_sys_io(struct process *p, unsigned long nr, const unsigned long *a)
{
	long fd = (long)(int)a[0];

	switch (nr) {
	case NR_write:
		return do_write(p, fd, a[1], a[2]);
	case NR_writev:
		return do_writev(p, fd, a[1], (long)a[2]);
	case NR_read:
	case NR_readv:
		return fd_ok(p, fd) ? 0 : -EBADF; /* the console has no input here: end of file */
	case NR_close:
		if (!fd_ok(p, fd))
			return -EBADF;
		lx(p)->fds &= ~(1u << fd);
		return 0;
	case NR_fstat:
		return fd_ok(p, fd) ? stat_console(p, a[1]) : -EBADF;
	case NR_newfstatat:
		return do_newfstatat(p, fd, a[1], a[2], (long)a[3]);
	case NR_ioctl:
		return fd_ok(p, fd) ? -ENOTTY : -EBADF; /* TCGETS and the rest: not a terminal */
	case NR_lseek:
		return fd_ok(p, fd) ? -ESPIPE : -EBADF;
	case NR_openat:
	case NR_readlinkat:
	case NR_faccessat:
		return -ENOENT;
	case NR_getcwd:
		if (a[1] < 2)
			return -ERANGE;
		return lx_copy_out(p, a[0], "/", 2) < 0 ? -EFAULT : 2;
	default:
		return -ENOSYS;
	}
}
