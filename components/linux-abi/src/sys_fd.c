/*
 * Calls on file descriptors: read, write and their vector and positioned
 * forms, lseek, close, dup, dup3, fcntl, getdents64, ioctl, fsync,
 * fdatasync, sync, syncfs. Each decodes its arguments, checks the user
 * memory, and calls the vfs (fs/read_write.c, fs/file.c, fs/fcntl.c,
 * fs/readdir.c, fs/ioctl.c, fs/sync.c give the order of the checks).
 */
#include <devfs/devfs.h>
#include <klib/compiler.h>
#include <klib/errno.h>
#include <klib/string.h>
#include <page-alloc/page_alloc.h>
#include <vfs/fs.h>
#include <vfs/pipe.h>
#include <linux-arch/unistd.h>
#include "abi_internal.h"

#define IOV_MAX         1024 /* UIO_MAXIOV */
#define MAX_RW          0x7ffff000ul
#define O_CLOEXEC       VFS_O_CLOEXEC
#define FD_CLOEXEC      1
#define F_DUPFD         0
#define F_GETFD         1
#define F_SETFD         2
#define F_GETFL         3
#define F_SETFL         4
#define F_DUPFD_CLOEXEC 1030
#define F_SETPIPE_SZ    1031
#define F_GETPIPE_SZ    1032
#define FIONREAD        0x541b
#define FIONBIO         0x5421
#define FIONCLEX        0x5450
#define FIOCLEX         0x5451
#define O_NDELAY        VFS_O_NONBLOCK
#define LX_SIGPIPE      13

/* A user buffer as a vfs iterator: one range, or an iovec array copied in. */
struct uio {
	struct vfs_iter it;
	struct process *p;
	uintptr_t base;
	uint64_t (*iov)[2]; /* kmalloc'd; NULL: one range at base */
	unsigned nseg;
	bool oom; /* a copy found no free frame (io() calls the OOM killer) */
};

/*
 * One copy, made with the file's locks held (the offset lock, the inode's,
 * the terminal's). A page that finds no free frame must not wait for the
 * OOM killer's victim here: the victim may be asleep on one of those locks
 * and could never exit. The copy fails as Linux's does when a kernel-mode
 * fault runs out of memory (-EFAULT), and io() runs the OOM killer once the
 * locks are dropped.
 */
static int uio_user(struct uio *u, uintptr_t ua, void *k, size_t n, bool to_buf)
{
	int rc =
	    to_buf ? as_copy_to_user(u->p->as, ua, k, n) : as_copy_from_user(u->p->as, k, ua, n);

	if (rc == -ENOMEM)
		u->oom = true;
	return rc ? -EFAULT : 0;
}

static int uio_copy(struct vfs_iter *it, size_t off, void *k, size_t n, bool to_buf)
{
	struct uio *u = container_of(it, struct uio, it);
	char *kb = k;

	if (!u->iov)
		return uio_user(u, u->base + off, kb, n, to_buf);
	for (unsigned i = 0; i < u->nseg && n; i++) {
		size_t len = (size_t)u->iov[i][1], chunk;
		int rc;

		if (off >= len) {
			off -= len;
			continue;
		}
		chunk = MIN(len - off, n);
		rc = uio_user(u, u->iov[i][0] + off, kb, chunk, to_buf);
		if (rc < 0)
			return rc;
		kb += chunk;
		n -= chunk;
		off = 0;
	}
	return 0;
}

static void uio_init(struct uio *u, struct process *p, uintptr_t buf, size_t len)
{
	*u = (struct uio){.it = {.copy = uio_copy, .len = len}, .p = p, .base = buf};
	if (!lx_access_ok(buf, len))
		u->it.bad = -EFAULT;
}

/* import_iovec: at most IOV_MAX segments, each readable or writable, the total capped. */
static void uio_vec(struct uio *u, struct process *p, uintptr_t uiov, long cnt)
{
	size_t total = 0;

	*u = (struct uio){.it = {.copy = uio_copy}, .p = p};
	if (cnt < 0 || cnt > IOV_MAX) {
		u->it.bad = -EINVAL;
		return;
	}
	if (cnt == 0)
		return;
	if (!(u->iov = kmalloc((size_t)cnt * sizeof(*u->iov)))) {
		u->it.bad = -ENOMEM;
		return;
	}
	if (lx_copy_in(p, u->iov, uiov, (size_t)cnt * sizeof(*u->iov)) < 0) {
		u->it.bad = -EFAULT;
		return;
	}
	u->nseg = (unsigned)cnt;
	for (unsigned i = 0; i < u->nseg; i++) {
		if ((int64_t)u->iov[i][1] < 0) {
			u->it.bad = -EINVAL;
			return;
		}
		if (u->iov[i][1] > MAX_RW - total)
			u->iov[i][1] = MAX_RW - total;
		if (!lx_access_ok(u->iov[i][0], u->iov[i][1])) {
			u->it.bad = -EFAULT;
			return;
		}
		total += u->iov[i][1];
	}
	u->it.len = total;
}

static void uio_done(struct uio *u)
{
	kfree(u->iov);
}

/*
 * The I/O calls share one shape: the file (-EBADF), the buffer, the vfs.
 * A write past RLIMIT_FSIZE is -EFBIG and sends SIGXFSZ, as Linux's
 * generic_write_check_limits. A write to a pipe without readers sends
 * SIGPIPE when the pipe says so (vfs_iter.sigpipe), whatever it returns:
 * -EPIPE, or the bytes written before the last reader went.
 */
enum io { IO_READ, IO_WRITE, IO_PREAD, IO_PWRITE };

static long do_io(struct process *p, int fd, struct uio *u, enum io op, int64_t pos)
{
	struct vfs_file *f = lx_fget(p, fd);
	struct vfs_cred cr;
	bool xfsz = false;
	long rc;

	if (!f) {
		uio_done(u);
		return -EBADF;
	}
	lx_vfs_cred(p, &cr);
	switch (op) {
	case IO_READ:
		rc = vfs_read(f, &u->it);
		break;
	case IO_WRITE:
		rc = vfs_write(f, &u->it, &cr, &xfsz);
		break;
	case IO_PREAD:
		rc = vfs_pread(f, &u->it, pos);
		break;
	default:
		rc = vfs_pwrite(f, &u->it, pos, &cr, &xfsz);
	}
	vfs_file_put(f);
	uio_done(u);
	if (xfsz)
		lx_send_xfsz(p);
	if (u->it.sigpipe)
		lx_send_self(p, LX_SIGPIPE); /* pipe_write's send_sig, after a partial write too */
	return rc;
}

/*
 * A call whose copy found no free frame and so moved nothing runs the OOM
 * killer, with no lock held, and is made again, as Linux's fault handler
 * retries after out_of_memory(); one that moved some bytes returns them.
 */
static long io(struct process *p, const unsigned long *a, enum io op, bool vec)
{
	struct uio u;
	int64_t pos = (int64_t)a[3];
	long rc;

	do {
		if (vec)
			uio_vec(&u, p, a[1], (long)a[2]);
		else
			uio_init(&u, p, a[1], a[2]);
		rc = do_io(p, (int)a[0], &u, op, pos);
	} while (rc == -EFAULT && u.oom && process_oom(p) == 0);
	return rc;
}

static long do_lseek(struct process *p, int fd, int64_t off, unsigned long whence)
{
	struct vfs_file *f = lx_fget(p, fd);
	int64_t rc;

	if (!f)
		return -EBADF;
	rc = whence > VFS_SEEK_HOLE ? -EINVAL : vfs_lseek(f, off, (int)whence);
	vfs_file_put(f);
	return rc;
}

static unsigned nofile(struct process *p)
{
	uint64_t n = lx(p)->rlim[LX_RLIMIT_NOFILE].cur;

	return n > CONFIG_VFS_NR_OPEN ? CONFIG_VFS_NR_OPEN : (unsigned)n;
}

/* dup and F_DUPFD: a new fd >= min for fd's file. */
static long dup_from(struct process *p, int fd, unsigned long min, bool cloexec)
{
	struct vfs_file *f = lx_fget(p, fd);
	int rc;

	if (!f)
		return -EBADF;
	rc = vfs_fd_install(lx(p)->files, f, (unsigned)min, nofile(p), cloexec);
	if (rc < 0)
		vfs_file_put(f);
	return rc;
}

static long do_dup3(struct process *p, int oldfd, int newfd, unsigned long flags)
{
	if (flags & ~(unsigned long)O_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	return vfs_fd_dup2(lx(p)->files, oldfd, newfd, nofile(p), flags & O_CLOEXEC);
}

/* fcntl on an O_PATH fd: only these (check_fcntl_cmd). */
static bool path_cmd(unsigned cmd)
{
	return cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC || cmd == F_GETFD || cmd == F_SETFD ||
	       cmd == F_GETFL;
}

static long do_fcntl(struct process *p, int fd, unsigned cmd, unsigned long arg)
{
	struct vfs_file *f = lx_fget(p, fd);
	struct vfs_cred cr;
	unsigned fl;
	long rc;

	if (!f)
		return -EBADF;
	if ((vfs_file_flags(f) & VFS_O_PATH) && !path_cmd(cmd)) {
		vfs_file_put(f);
		return -EBADF;
	}
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		rc = (unsigned)arg >= nofile(p)
		         ? -EINVAL
		         : dup_from(p, fd, (unsigned)arg, cmd == F_DUPFD_CLOEXEC);
		break;
	case F_GETFD:
		rc = vfs_fd_get_cloexec(lx(p)->files, fd);
		break;
	case F_SETFD:
		rc = vfs_fd_set_cloexec(lx(p)->files, fd, arg & FD_CLOEXEC);
		break;
	case F_GETFL:
		rc = lx_open_flags_out(vfs_file_flags(f));
		break;
	case F_SETFL:
		lx_vfs_cred(p, &cr);
		fl = lx_open_flags_in((unsigned)arg | ((arg & O_NDELAY) ? VFS_O_NONBLOCK : 0));
		rc = vfs_file_set_flags(f, fl, &cr);
		break;
	case F_SETPIPE_SZ:
		rc = vfs_pipe_set_size(f, (unsigned)arg,
		                       cred_capable(&lx(p)->cred, CRED_CAP_SYS_RESOURCE));
		break;
	case F_GETPIPE_SZ:
		rc = vfs_pipe_get_size(f);
		break;
	default:
		rc = -EINVAL; /* locks, leases, owners, seals: not here */
	}
	vfs_file_put(f);
	return rc;
}

/* linux_dirent64, as filldir64 lays it out: 19 bytes of header, the name, 8-aligned. */
struct dirents {
	uint8_t *buf;
	size_t size, used;
	size_t count; /* the caller's buffer */
	size_t last;  /* offset of the last record, for its d_off */
	bool full;
};

static bool put_dirent(void *ctx, const char *name, size_t len, uint64_t ino, unsigned type,
                       uint64_t next)
{
	struct dirents *d = ctx;
	size_t reclen = ALIGN_UP(19 + len + 1, 8);
	uint8_t *r;
	uint16_t rl = (uint16_t)reclen;

	if (d->used + reclen > d->count || d->used + reclen > d->size) {
		d->full = true;
		return false;
	}
	r = d->buf + d->used;
	memset(r, 0, reclen);
	memcpy(r, &ino, 8);
	memcpy(r + 8, &next, 8);
	memcpy(r + 16, &rl, 2);
	r[18] = (uint8_t)type;
	memcpy(r + 19, name, len);
	d->last = d->used;
	d->used += reclen;
	return true;
}

static long do_getdents(struct process *p, int fd, uintptr_t ubuf, unsigned long count)
{
	struct vfs_file *f = lx_fget(p, fd);
	struct dirents d = {.count = (unsigned)count};
	long rc;

	if (!f)
		return -EBADF;
	d.size = MIN(d.count, 16 * PAGE_SIZE); /* a call may give fewer entries than fit */
	if (!(d.buf = kmalloc(d.size ? d.size : 1))) {
		vfs_file_put(f);
		return -ENOMEM;
	}
	rc = vfs_getdents(f, put_dirent, &d);
	if (rc >= 0 && d.used == 0 && d.full)
		rc = -EINVAL; /* not even one entry fits */
	else if (rc >= 0 && d.used && lx_copy_out(p, ubuf, d.buf, d.used) < 0)
		rc = -EFAULT;
	else if (rc >= 0)
		rc = (long)d.used;
	kfree(d.buf);
	vfs_file_put(f);
	return rc;
}

/* The terminal ioctls with their argument's size and direction; others go as they are. */
static long do_ioctl(struct process *p, int fd, unsigned cmd, uintptr_t uarg)
{
	struct vfs_file *f = lx_fget(p, fd);
	uint8_t arg[DEVFS_TERMIOS_SIZE];
	size_t in = 0, out = 0;
	int32_t v;
	long rc;

	if (!f)
		return -EBADF;
	if (vfs_file_flags(f) & VFS_O_PATH) {
		vfs_file_put(f);
		return -EBADF;
	}
	switch (cmd) {
	case FIOCLEX:
	case FIONCLEX:
		rc = vfs_fd_set_cloexec(lx(p)->files, fd, cmd == FIOCLEX);
		goto out;
	case FIONBIO:
		if ((rc = lx_copy_in(p, &v, uarg, sizeof(v))) == 0) {
			struct vfs_cred cr;
			unsigned fl = vfs_file_flags(f);

			lx_vfs_cred(p, &cr);
			rc = vfs_file_set_flags(f, v ? fl | VFS_O_NONBLOCK : fl & ~VFS_O_NONBLOCK,
			                        &cr);
		}
		goto out;
	case FIONREAD:
		if (VFS_S_ISREG(vfs_file_inode(f)->mode)) {
			int64_t pos = vfs_lseek(f, 0, VFS_SEEK_CUR);
			uint64_t size = vfs_inode_size(vfs_file_inode(f));

			v = (int32_t)((uint64_t)pos < size ? size - (uint64_t)pos : 0);
			rc = lx_copy_out(p, uarg, &v, sizeof(v));
			goto out;
		}
		if (vfs_file_is_pipe(f)) {
			if ((rc = vfs_ioctl(f, VFS_FIONREAD, &v)) == 0)
				rc = lx_copy_out(p, uarg, &v, sizeof(v));
			goto out;
		}
		break;
	case DEVFS_TCGETS:
		out = DEVFS_TERMIOS_SIZE;
		break;
	case DEVFS_TCSETS:
	case DEVFS_TCSETSW:
	case DEVFS_TCSETSF:
		in = DEVFS_TERMIOS_SIZE;
		break;
	case DEVFS_TIOCGWINSZ:
		out = DEVFS_WINSIZE_SIZE;
		break;
	case DEVFS_TIOCSWINSZ:
		in = DEVFS_WINSIZE_SIZE;
		break;
	}
	if (!vfs_file_is_tty(f)) {
		rc = vfs_ioctl(f, cmd, NULL); /* -ENOTTY where no driver answers */
	} else if (in && lx_copy_in(p, arg, uarg, in) < 0) {
		rc = -EFAULT;
	} else if ((rc = vfs_ioctl(f, cmd, (in || out) ? arg : NULL)) == 0 && out &&
	           lx_copy_out(p, uarg, arg, out) < 0) {
		rc = -EFAULT;
	}
out:
	vfs_file_put(f);
	return rc;
}

static long do_fsync(struct process *p, int fd)
{
	struct vfs_file *f = lx_fget(p, fd);
	long rc;

	if (!f)
		return -EBADF;
	rc = vfs_fsync(f);
	vfs_file_put(f);
	return rc;
}

/* syncfs: the fd's file system has nothing to write back. */
static long do_syncfs(struct process *p, int fd)
{
	struct vfs_file *f = lx_fget(p, fd);

	if (!f)
		return -EBADF;
	vfs_file_put(f);
	return 0;
}

long lx_sys_fd(struct process *p, unsigned long nr, const unsigned long *a)
{
	int fd = (int)a[0];

	switch (nr) {
	case NR_read:
		return io(p, a, IO_READ, false);
	case NR_write:
		return io(p, a, IO_WRITE, false);
	case NR_readv:
		return io(p, a, IO_READ, true);
	case NR_writev:
		return io(p, a, IO_WRITE, true);
	case NR_pread64:
		return io(p, a, IO_PREAD, false);
	case NR_pwrite64:
		return io(p, a, IO_PWRITE, false);
	case NR_preadv:
		return io(p, a, IO_PREAD, true);
	case NR_pwritev:
		return io(p, a, IO_PWRITE, true);
	case NR_lseek:
		return do_lseek(p, fd, (int64_t)a[1], a[2]);
	case NR_close:
		return vfs_fd_close(lx(p)->files, fd);
	case NR_dup:
		return dup_from(p, fd, 0, false);
	case NR_dup3:
		return do_dup3(p, fd, (int)a[1], a[2]);
	case NR_fcntl:
		return do_fcntl(p, fd, (unsigned)a[1], a[2]);
	case NR_getdents64:
		return do_getdents(p, fd, a[1], a[2]);
	case NR_ioctl:
		return do_ioctl(p, fd, (unsigned)a[1], a[2]);
	case NR_fsync:
	case NR_fdatasync:
		return do_fsync(p, fd);
	case NR_sync:
		return 0; /* memory file systems: nothing to write back */
	case NR_syncfs:
		return do_syncfs(p, fd);
	default:
		return -ENOSYS;
	}
}
