/*
 * The file calls through the layer, as riscv64 programs make them: the
 * console on fds 0-2, files in /tmp (open, read, write, vectors, seek,
 * stat's layout, statfs, getdents64), user pointers that fault, paths too
 * long, fds out of range, dup/dup3/fcntl, an offset shared across fork, a
 * MAP_SHARED file mapping shared across fork (LTP's results page),
 * close-on-exec across execve, execve's EACCES, and RLIMIT_FSIZE's
 * SIGXFSZ (fatal by default, EFBIG alone when ignored).
 */
#include "abi_test.h"
#include <stdlib.h>
#include <string.h>

#define NR_getcwd       17
#define NR_dup          23
#define NR_dup3         24
#define NR_fcntl        25
#define NR_ioctl        29
#define NR_mkdirat      34
#define NR_statfs       43
#define NR_ftruncate    46
#define NR_chdir        49
#define NR_openat       56
#define NR_close        57
#define NR_getdents64   61
#define NR_lseek        62
#define NR_read         63
#define NR_write        64
#define NR_writev       66
#define NR_pread64      67
#define NR_pwrite64     68
#define NR_rt_sigaction 134
#define NR_prlimit64    261
#define NR_fstat        80
#define NR_newfstatat   79
#define NR_msync        227

#define AT_FDCWD     -100
#define PATH_MAX     4096
#define O_RDWR       02
#define O_CREAT      0100
#define O_CLOEXEC    02000000
#define F_GETFD      1
#define TCGETS       0x5401
#define SIGXFSZ      25
#define SIG_IGN      1
#define RLIMIT_FSIZE 1
#define BAD          0x40000000ul         /* between the program and its stack: no area */
#define KERNEL       0xffffffc000000000ul /* past user space: access_ok fails */

static struct {
	long fd, wrote, seek, nread, bad_read, kernel_read, ebadf, writev, readback;
	long fstat, st_mode, st_size, stat_dir, dir_mode, statfs, f_type;
	long dup, getfd, dup3, getfd3, dup3_same, mkdir, getdents, cwd_len, chdir, cwd2_len;
	long tty, notty, bad_path, long_path, forked, off_after_child;
	long map, child_status, seen, msync, close, close_again;
	char data[16], cwd[32], cwd2[32], dents[64];
} r;

static void put(uintptr_t va, const void *s, size_t n)
{
	fake_user_write(va, s, n);
}

static long u32_at(uintptr_t va)
{
	return (long)abi_read_u32(va);
}

/* The names of the linux_dirent64 records at va (n bytes), space-separated. */
static void dirent_names(uintptr_t va, long n, char *out, size_t size)
{
	uint8_t buf[512];

	out[0] = 0;
	if (n <= 0 || (size_t)n > sizeof(buf) || fake_user_read(buf, va, (size_t)n) < 0)
		return;
	for (long off = 0; off < n;) {
		uint16_t reclen;

		memcpy(&reclen, buf + off + 16, 2);
		strncat(out, (char *)buf + off + 19, size - strlen(out) - 2);
		strcat(out, " ");
		off += reclen;
	}
}

static enum hal_user_event files(struct fake_user *u, struct hal_user_trap *t)
{
	uintptr_t s = SCRATCH(u), path = s + 3 * PG, buf = s + 2 * PG;

	(void)t;
	switch (u->step++) {
	case 0:
		put(path, "/tmp/f", 7);
		return SYS(u, NR_openat, AT_FDCWD, path, O_CREAT | O_RDWR, 0644);
	case 1:
		r.fd = fake_ret(u);
		put(buf, "hello", 5);
		return SYS(u, NR_write, r.fd, buf, 5);
	case 2:
		r.wrote = fake_ret(u);
		return SYS(u, NR_lseek, r.fd, 1, 0);
	case 3:
		r.seek = fake_ret(u);
		return SYS(u, NR_read, r.fd, buf, 16);
	case 4:
		r.nread = fake_ret(u);
		fake_user_read(r.data, buf, 4);
		return SYS(u, NR_read, r.fd, BAD, 16); /* at the end: the buffer is never touched */
	case 5:
		r.bad_read = fake_ret(u);
		return SYS(u, NR_read, r.fd, KERNEL, 16);
	case 6:
		r.kernel_read = fake_ret(u);
		return SYS(u, NR_write, 99, buf, 1);
	case 7: {
		uint64_t iov[4] = {buf, 2, buf + 2, 3};

		r.ebadf = fake_ret(u);
		put(s, iov, sizeof(iov));
		return SYS(u, NR_writev, r.fd, s, 2);
	}
	case 8:
		r.writev = fake_ret(u);
		return SYS(u, NR_pread64, r.fd, buf + 100, 16, 5);
	case 9:
		r.readback = fake_ret(u);
		return SYS(u, NR_fstat, r.fd, s);
	case 10:
		r.fstat = fake_ret(u);
		r.st_mode = u32_at(s + 16);
		r.st_size = u32_at(s + 48);
		put(path, "/tmp", 5);
		return SYS(u, NR_newfstatat, AT_FDCWD, path, s, 0);
	case 11:
		r.stat_dir = fake_ret(u);
		r.dir_mode = u32_at(s + 16);
		return SYS(u, NR_statfs, path, s);
	case 12:
		r.statfs = fake_ret(u);
		r.f_type = u32_at(s);
		return SYS(u, NR_dup, r.fd);
	case 13:
		r.dup = fake_ret(u);
		return SYS(u, NR_fcntl, r.dup, F_GETFD);
	case 14:
		r.getfd = fake_ret(u);
		return SYS(u, NR_dup3, r.fd, 10, O_CLOEXEC);
	case 15:
		r.dup3 = fake_ret(u);
		return SYS(u, NR_fcntl, 10, F_GETFD);
	case 16:
		r.getfd3 = fake_ret(u);
		return SYS(u, NR_dup3, 10, 10, 0);
	case 17:
		r.dup3_same = fake_ret(u);
		put(path, "/tmp/d", 7);
		return SYS(u, NR_mkdirat, AT_FDCWD, path, 0755);
	case 18:
		r.mkdir = fake_ret(u);
		put(path, "/tmp", 5);
		return SYS(u, NR_openat, AT_FDCWD, path, 0, 0);
	case 19:
		return SYS(u, NR_getdents64, fake_ret(u), buf, 512);
	case 20:
		r.getdents = fake_ret(u);
		dirent_names(buf, r.getdents, r.dents, sizeof(r.dents));
		return SYS(u, NR_getcwd, buf, 32);
	case 21:
		r.cwd_len = fake_ret(u);
		fake_user_read(r.cwd, buf, sizeof(r.cwd) - 1);
		return SYS(u, NR_chdir, path);
	case 22:
		r.chdir = fake_ret(u);
		return SYS(u, NR_getcwd, buf, 32);
	case 23:
		r.cwd2_len = fake_ret(u);
		fake_user_read(r.cwd2, buf, sizeof(r.cwd2) - 1);
		return SYS(u, NR_ioctl, 1, TCGETS, s);
	case 24:
		r.tty = fake_ret(u);
		return SYS(u, NR_ioctl, r.fd, TCGETS, s);
	case 25:
		r.notty = fake_ret(u);
		return SYS(u, NR_openat, AT_FDCWD, BAD, 0, 0);
	case 26: {
		char *p = malloc(PATH_MAX + 1);

		r.bad_path = fake_ret(u);
		memset(p, 'a', PATH_MAX);
		p[PATH_MAX] = 0;
		put(s, p, PATH_MAX + 1);
		free(p);
		return SYS(u, NR_openat, AT_FDCWD, s, 0, 0);
	}
	case 27:
		r.long_path = fake_ret(u);
		return SYS(u, NR_lseek, r.fd, 0, 0);
	case 28: /* a child moves the offset it shares with us */
		return SYS(u, NR_clone, SIGCHLD);
	case 29:
		u->v[0] = fake_ret(u) == 0; /* the child (r is the parent's record) */
		if (u->v[0])
			return SYS(u, NR_read, r.fd, buf, 3);
		r.forked = fake_ret(u);
		return SYS(u, NR_wait4, r.forked, 0, 0);
	case 30:
		if (u->v[0]) /* the child, after its read */
			return SYS(u, NR_exit_group, 0);
		return SYS(u, NR_lseek, r.fd, 0, 1);
	case 31: /* a shared mapping of the file: the child's store reaches the file */
		r.off_after_child = fake_ret(u);
		return SYS(u, NR_mmap, 0, PG, PROT_READ | PROT_WRITE, MAP_SHARED, r.fd, 0);
	case 32:
		r.map = fake_ret(u);
		return SYS(u, NR_clone, SIGCHLD);
	case 33:
		if (fake_ret(u) == 0) {
			put(r.map, "X", 1);
			return SYS(u, NR_exit_group, 0);
		}
		return SYS(u, NR_wait4, fake_ret(u), s, 0);
	case 34:
		r.child_status = u32_at(s);
		return SYS(u, NR_pread64, r.fd, buf, 1, 0);
	case 35:
		fake_user_read(&r.seen, buf, 1);
		return SYS(u, NR_msync, r.map, PG, 4 /* MS_SYNC */);
	case 36:
		r.msync = fake_ret(u);
		return SYS(u, NR_close, r.fd);
	case 37:
		r.close = fake_ret(u);
		return SYS(u, NR_close, r.fd);
	case 38:
		r.close_again = fake_ret(u);
		return SYS(u, NR_exit_group, 0);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_files(void **state)
{
	(void)state;
	proc_test_program("/files", files);
	assert_int_equal(abi_run("/files", NULL), EXITED(0));
	assert_int_equal(r.fd, 3); /* 0-2 are the console */
	assert_int_equal(r.wrote, 5);
	assert_int_equal(r.seek, 1);
	assert_int_equal(r.nread, 4);
	assert_memory_equal(r.data, "ello", 4);
	assert_int_equal(r.bad_read, 0);
	assert_int_equal(r.kernel_read, -EFAULT);
	assert_int_equal(r.ebadf, -EBADF);
	assert_int_equal(r.writev, 5);
	assert_int_equal(r.readback, 5);
	assert_int_equal(r.fstat, 0);
	assert_int_equal(r.st_mode, 0100644);
	assert_int_equal(r.st_size, 10);
	assert_int_equal(r.stat_dir, 0);
	assert_int_equal(r.dir_mode, 041777);
	assert_int_equal(r.statfs, 0);
	assert_int_equal(r.f_type, 0x01021994);
	assert_int_equal(r.dup, 4);
	assert_int_equal(r.getfd, 0);
	assert_int_equal(r.dup3, 10);
	assert_int_equal(r.getfd3, 1);
	assert_int_equal(r.dup3_same, -EINVAL);
	assert_int_equal(r.mkdir, 0);
	assert_true(r.getdents > 0);
	assert_string_equal(r.dents, ". .. f d ");
	assert_int_equal(r.cwd_len, 2);
	assert_string_equal(r.cwd, "/");
	assert_int_equal(r.chdir, 0);
	assert_int_equal(r.cwd2_len, 5);
	assert_string_equal(r.cwd2, "/tmp");
	assert_int_equal(r.tty, 0);
	assert_int_equal(r.notty, -ENOTTY);
	assert_int_equal(r.bad_path, -EFAULT);
	assert_int_equal(r.long_path, -ENAMETOOLONG);
	assert_int_equal(r.off_after_child, 3);
	assert_true(r.map > 0);
	assert_int_equal(r.child_status, EXITED(0));
	assert_int_equal(r.seen, 'X');
	assert_int_equal(r.msync, 0);
	assert_int_equal(r.close, 0);
	assert_int_equal(r.close_again, -EBADF);
}

/* close-on-exec: an fd marked so is gone in the new program, the others stay. */
static struct {
	long kept, closed, noexec, exec_dir;
} x;

static enum hal_user_event after_exec(struct fake_user *u, struct hal_user_trap *t)
{
	switch (u->step++) {
	case 0:
		return SYS(u, NR_fcntl, 3, F_GETFD);
	case 1:
		x.kept = fake_ret(u);
		return SYS(u, NR_fcntl, 4, F_GETFD);
	case 2:
		x.closed = fake_ret(u);
		return SYS(u, NR_exit_group, 0);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static enum hal_user_event exec_cloexec(struct fake_user *u, struct hal_user_trap *t)
{
	uintptr_t s = SCRATCH(u), argv = s + 64;
	uint64_t args[2] = {s, 0};

	switch (u->step++) {
	case 0:
		put(s + 128, "/tmp/plain", 11);
		return SYS(u, NR_openat, AT_FDCWD, s + 128, O_CREAT | O_RDWR, 0644);
	case 1:
		return SYS(u, NR_openat, AT_FDCWD, s + 128, O_RDWR | O_CLOEXEC, 0);
	case 2: /* /tmp/plain has no x bit: EACCES */
		put(argv, args, sizeof(args));
		put(s, "/tmp/plain", 11);
		return SYS(u, NR_execve, s, argv, 0);
	case 3:
		x.noexec = fake_ret(u);
		put(s, "/tmp", 5);
		return SYS(u, NR_execve, s, argv, 0);
	case 4:
		x.exec_dir = fake_ret(u);
		put(s, "/after_exec", 12);
		return SYS(u, NR_execve, s, argv, 0);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_cloexec_and_exec_permission(void **state)
{
	(void)state;
	proc_test_program("/exec_cloexec", exec_cloexec);
	proc_test_program("/after_exec", after_exec);
	assert_int_equal(abi_run("/exec_cloexec", NULL), EXITED(0));
	assert_int_equal(x.noexec, -EACCES);
	assert_int_equal(x.exec_dir, -EACCES);
	assert_int_equal(x.kept, 0);
	assert_int_equal(x.closed, -EBADF);
}

/*
 * RLIMIT_FSIZE 100 (Linux's generic_write_check_limits, inode_newsize_ok):
 * a write at 100 or a truncate to 200 is EFBIG and sends SIGXFSZ, whose
 * default action ends the process; ignored, only EFBIG remains, and a
 * write across the limit is cut short at it.
 */
static struct {
	long write_status, truncate_status, ign_write, ign_across, ign_truncate;
} fz;

/* The parent forks a child per default-action case, then runs the ignored case itself. */
static enum hal_user_event fsize(struct fake_user *u, struct hal_user_trap *t)
{
	uintptr_t s = SCRATCH(u), buf = s + PG;
	uint64_t lim[2] = {100, ~0ull}, ign[3] = {SIG_IGN, 0, 0};

	switch (u->step++) {
	case 0:
		return SYS(u, NR_clone, SIGCHLD);
	case 1:
		if (fake_ret(u) == 0) {
			u->v[0] = 0; /* write, default action */
			u->step = 100;
			return SYS(u, NR_sched_yield, 0);
		}
		return SYS(u, NR_wait4, fake_ret(u), s, 0);
	case 2:
		fz.write_status = u32_at(s);
		return SYS(u, NR_clone, SIGCHLD);
	case 3:
		if (fake_ret(u) == 0) {
			u->v[0] = 1; /* truncate, default action */
			u->step = 100;
			return SYS(u, NR_sched_yield, 0);
		}
		return SYS(u, NR_wait4, fake_ret(u), s, 0);
	case 4:
		fz.truncate_status = u32_at(s);
		u->v[0] = 2; /* SIGXFSZ ignored */
		u->step = 100;
		return SYS(u, NR_sched_yield, 0);
	case 100:
		put(s, lim, sizeof(lim));
		return SYS(u, NR_prlimit64, 0, RLIMIT_FSIZE, s, 0);
	case 101:
		put(s + 64, ign, sizeof(ign));
		return SYS(u, NR_rt_sigaction, SIGXFSZ, u->v[0] == 2 ? s + 64 : 0, 0, 8);
	case 102:
		put(s + 128, "/tmp/big", 9);
		return SYS(u, NR_openat, AT_FDCWD, s + 128, O_CREAT | O_RDWR, 0644);
	case 103:
		u->v[3] = (uint64_t)fake_ret(u);
		if (u->v[0] == 1)
			return SYS(u, NR_ftruncate, u->v[3], 200);
		return SYS(u, NR_pwrite64, u->v[3], buf, 1, 100);
	case 104:
		if (u->v[0] != 2)
			return SYS(u, NR_exit_group, 1); /* SIGXFSZ should have ended it */
		fz.ign_write = fake_ret(u);
		return SYS(u, NR_pwrite64, u->v[3], buf, 10, 95);
	case 105:
		fz.ign_across = fake_ret(u);
		return SYS(u, NR_ftruncate, u->v[3], 200);
	case 106:
		fz.ign_truncate = fake_ret(u);
		return SYS(u, NR_exit_group, 0);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_rlimit_fsize_sends_sigxfsz(void **state)
{
	(void)state;
	proc_test_program("/fsize", fsize);
	assert_int_equal(abi_run("/fsize", NULL), EXITED(0));
	assert_int_equal(fz.write_status, KILLED(SIGXFSZ));
	assert_int_equal(fz.truncate_status, KILLED(SIGXFSZ));
	assert_int_equal(fz.ign_write, -EFBIG);
	assert_int_equal(fz.ign_across, 5);
	assert_int_equal(fz.ign_truncate, -EFBIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_files),
	    cmocka_unit_test(test_cloexec_and_exec_permission),
	    cmocka_unit_test(test_rlimit_fsize_sends_sigxfsz),
	};

	proc_test_boot();
	proc_test_reset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
