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
#include <page-alloc/page_alloc.h>
#include "abi_internal.h"
#include "nr.h"

#define TCGETS 0x5401
#define AT_EMPTY_PATH 0x1000
#define IOV_MAX 1024
#define S_IFCHR 0020000
#define PATH_MAX 4096

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

/*
 * Like a terminal opened read-write on 0, 1 and 2: any of them writes to
 * it. Linux's vfs_write: the fd, then access_ok() on the whole buffer (a
 * kernel address is -EFAULT even for 0 bytes), then the copy.
 */
static long do_write(struct process *p, long fd, uintptr_t ubuf, size_t len)
{
	if (!fd_ok(p, fd))
		return -EBADF;
	if (!lx_access_ok(ubuf, len))
		return -EFAULT;
	return console_write(p, ubuf, len);
}

/* The console has no input: end of file. A buffer is still checked as Linux's vfs_read does. */
static long do_read(struct process *p, long fd, uintptr_t ubuf, size_t len)
{
	if (!fd_ok(p, fd))
		return -EBADF;
	return lx_access_ok(ubuf, len) ? 0 : -EFAULT;
}

/*
 * Linux's import_iovec: the count, then every entry read and checked
 * (access_ok, a negative length) before any transfer.
 */
static long check_iov(struct process *p, uintptr_t uiov, long cnt)
{
	if (cnt < 0 || cnt > IOV_MAX)
		return -EINVAL;
	for (long i = 0; i < cnt; i++) {
		uint64_t iov[2];

		if (lx_copy_in(p, iov, uiov + (uintptr_t)i * 16, sizeof(iov)) < 0)
			return -EFAULT;
		if ((int64_t)iov[1] < 0)
			return -EINVAL;
		if (!lx_access_ok(iov[0], iov[1]))
			return -EFAULT;
	}
	return 0;
}

static long do_readv(struct process *p, long fd, uintptr_t uiov, long cnt)
{
	if (!fd_ok(p, fd))
		return -EBADF;
	return check_iov(p, uiov, cnt); /* then end of file: 0 */
}

static long do_writev(struct process *p, long fd, uintptr_t uiov, long cnt)
{
	long total = 0, rc;

	if (!fd_ok(p, fd))
		return -EBADF;
	if ((rc = check_iov(p, uiov, cnt)) < 0)
		return rc;
	for (long i = 0; i < cnt; i++) {
		uint64_t iov[2];

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

/* A path argument: Linux's getname (-EFAULT, -ENAMETOOLONG, "" is -ENOENT); none exists here. */
static long no_such_path(struct process *p, uintptr_t upath)
{
	char *path;
	long len = lx_strdup_in(p, upath, PATH_MAX, &path);

	if (len < 0)
		return len;
	kfree(path);
	return -ENOENT;
}

/* struct stat of riscv64 (asm-generic): 128 bytes. The console: a tty-like char device. */
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

	/* Linux 6.11+: fstatat(fd, NULL, buf, AT_EMPTY_PATH) is fstat(fd). */
	if (!upath && flags == AT_EMPTY_PATH && dirfd >= 0)
		return fd_ok(p, dirfd) ? stat_console(p, ust) : -EBADF;
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
		return do_read(p, fd, a[1], a[2]);
	case NR_readv:
		return do_readv(p, fd, a[1], (long)a[2]);
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
		return no_such_path(p, a[1]);
	case NR_getcwd:
		if (a[1] < 2)
			return -ERANGE;
		return lx_copy_out(p, a[0], "/", 2) < 0 ? -EFAULT : 2;
	default:
		return -ENOSYS;
	}
}
