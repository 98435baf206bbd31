/* Open flags, I/O and offsets, stat and statfs, file descriptors, device files. */
#define _GNU_SOURCE
#include "fs_conformance.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <unistd.h>

#define TMPFS_MAGIC 0x01021994
/* Below mmap_min_addr: never mapped (volatile: the compiler must not judge it). */
static void *volatile bad_ptr = (void *)16;
#define BAD_PTR bad_ptr

static long xopen(const char *path, int flags, mode_t mode)
{
	return sys(open(path, flags, mode));
}

static void show_open(const char *what, const char *path, int flags, mode_t mode)
{
	long fd = xopen(path, flags, mode);

	report("open %s -> %s", what, res(fd));
	if (fd >= 0)
		close((int)fd);
}

static const char *type_of(mode_t m)
{
	return S_ISREG(m)    ? "regular"
	       : S_ISDIR(m)  ? "directory"
	       : S_ISLNK(m)  ? "symlink"
	       : S_ISCHR(m)  ? "char device"
	       : S_ISFIFO(m) ? "fifo"
	                     : "other";
}

void test_open(void)
{
	struct stat st;
	int fd;

	show_open("O_CREAT|O_EXCL new", "f", O_CREAT | O_EXCL | O_RDWR, 0666);
	show_open("O_CREAT|O_EXCL existing", "f", O_CREAT | O_EXCL | O_RDWR, 0666);
	stat("f", &st);
	report("open: created mode 0666 under umask 022 -> %o", (unsigned)(st.st_mode & 07777));
	show_open("O_CREAT existing (no O_EXCL)", "f", O_CREAT | O_RDWR, 0600);
	show_open("missing, no O_CREAT", "missing", O_RDONLY, 0);
	show_open("O_CREAT in a missing directory", "nodir/f", O_CREAT | O_RDWR, 0644);
	mkdir("d", 0755);
	show_open("a directory O_RDONLY", "d", O_RDONLY, 0);
	show_open("a directory O_WRONLY", "d", O_WRONLY, 0);
	show_open("a directory O_RDWR", "d", O_RDWR, 0);
	show_open("a directory O_CREAT", "d", O_CREAT | O_RDONLY, 0644);
	show_open("\"new/\" O_CREAT", "new/", O_CREAT | O_RDWR, 0644);
	show_open("a file O_DIRECTORY", "f", O_RDONLY | O_DIRECTORY, 0);
	show_open("\"f/\" (a file with a trailing slash)", "f/", O_RDONLY, 0);
	show_open("O_DIRECTORY|O_CREAT", "g", O_RDWR | O_DIRECTORY | O_CREAT, 0644);
	symlink("f", "lf");
	symlink("made", "dangling");
	show_open("a link O_NOFOLLOW", "lf", O_RDONLY | O_NOFOLLOW, 0);
	show_open("a dangling link O_CREAT|O_EXCL", "dangling", O_CREAT | O_EXCL | O_RDWR, 0644);
	show_open("a dangling link O_CREAT", "dangling", O_CREAT | O_RDWR, 0640);
	report("open: the dangling link's target was made: %s", yes_no(stat("made", &st) == 0));
	fd = open("lf", O_PATH | O_NOFOLLOW);
	report("open a link O_PATH|O_NOFOLLOW -> %s", res(sys(fd)));
	if (fd >= 0) {
		char c;

		report("read on an O_PATH fd -> %s", res(sys(read(fd, &c, 1))));
		report("fstat on an O_PATH fd -> %s, a symlink: %s", res(sys(fstat(fd, &st))),
		       yes_no(S_ISLNK(st.st_mode)));
		close(fd);
	}
	/* O_TRUNC and O_APPEND */
	make_file("t", "0123456789", 10, 0644);
	show_open("O_TRUNC", "t", O_WRONLY | O_TRUNC, 0);
	stat("t", &st);
	report("open: size after O_TRUNC -> %lld", (long long)st.st_size);
	make_file("a", "abc", 3, 0644);
	fd = open("a", O_WRONLY | O_APPEND);
	lseek(fd, 0, SEEK_SET);
	report("O_APPEND write -> %s", res(sys(write(fd, "de", 2))));
	report("O_APPEND offset after the write -> %lld", (long long)lseek(fd, 0, SEEK_CUR));
	int fl = fcntl(fd, F_GETFL);
	report("F_GETFL: access O_WRONLY %s, O_APPEND %s", yes_no((fl & O_ACCMODE) == O_WRONLY),
	       yes_no(fl & O_APPEND));
	report("F_SETFL ~O_APPEND -> %s, O_APPEND now %s", res(sys(fcntl(fd, F_SETFL, 0))),
	       yes_no(fcntl(fd, F_GETFL) & O_APPEND));
	close(fd);
	stat("a", &st);
	report("O_APPEND file size -> %lld", (long long)st.st_size);
}

void test_io(void)
{
	char buf[32] = {0};
	struct iovec iov[2] = {{buf, 3}, {buf + 10, 4}};
	struct stat st;
	int fd = open("io", O_CREAT | O_RDWR, 0644);

	report("write 10 -> %s", res(sys(write(fd, "0123456789", 10))));
	report("lseek SEEK_SET 2 -> %lld", (long long)lseek(fd, 2, SEEK_SET));
	report("readv 3+4 -> %ld", (long)readv(fd, iov, 2));
	report("readv read \"%.3s\" and \"%.4s\"", buf, buf + 10);
	report("pread 4 at 6 -> %ld", (long)pread(fd, buf, 4, 6));
	report("offset unchanged by pread -> %lld", (long long)lseek(fd, 0, SEEK_CUR));
	report("pwrite at -1 -> %s", res(sys(pwrite(fd, "x", 1, -1))));
	report("lseek SEEK_END -3 -> %lld", (long long)lseek(fd, -3, SEEK_END));
	report("lseek to -1 -> %s", res(sys(lseek(fd, -1, SEEK_SET))));
	report("lseek whence 9 -> %s", res(sys(lseek(fd, 0, 9))));
	/* A hole: a write 1 MiB away; the gap reads as zeros. */
	report("pwrite 1 at 1 MiB -> %ld", (long)pwrite(fd, "!", 1, 1 << 20));
	memset(buf, 'z', sizeof(buf));
	report("pread 8 from the hole -> %ld, all zero: %s", (long)pread(fd, buf, 8, 4096),
	       yes_no(memcmp(buf, "\0\0\0\0\0\0\0\0", 8) == 0));
	report("SEEK_DATA from 100 -> %lld", (long long)lseek(fd, 100, SEEK_DATA));
	report("SEEK_HOLE from 0 -> %lld", (long long)lseek(fd, 0, SEEK_HOLE));
	report("SEEK_DATA from 4096 -> %lld", (long long)lseek(fd, 4096, SEEK_DATA));
	report("SEEK_DATA past the end -> %s", res(sys(lseek(fd, 2 << 20, SEEK_DATA))));
	/* truncate */
	report("ftruncate to 5 -> %s", res(sys(ftruncate(fd, 5))));
	report("ftruncate to -1 -> %s", res(sys(ftruncate(fd, -1))));
	report("ftruncate to 8 -> %s", res(sys(ftruncate(fd, 8))));
	memset(buf, 'z', sizeof(buf));
	report("pread 8 -> %ld: \"%.5s\" then zeros: %s", (long)pread(fd, buf, 8, 0), buf,
	       yes_no(memcmp(buf + 5, "\0\0\0", 3) == 0));
	report("truncate by name to 0 -> %s", res(sys(truncate("io", 0))));
	fstat(fd, &st);
	report("size now -> %lld", (long long)st.st_size);
	report("truncate a directory -> %s", res(sys(truncate("d", 0))));
	pwrite(fd, "abc", 3, 0);
	close(fd);
	fd = open("io", O_RDONLY);
	report("ftruncate of an O_RDONLY fd -> %s", res(sys(ftruncate(fd, 0))));
	report("write on an O_RDONLY fd -> %s", res(sys(write(fd, "x", 1))));
	report("read into a bad pointer -> %s", res(sys(read(fd, BAD_PTR, 1))));
	close(fd);
	fd = open("io", O_WRONLY);
	report("write from a bad pointer -> %s", res(sys(write(fd, BAD_PTR, 1))));
	report("write 0 bytes from a bad pointer -> %s", res(sys(write(fd, BAD_PTR, 0))));
	report("read on an O_WRONLY fd -> %s", res(sys(read(fd, buf, 1))));
	report("fsync -> %s, fdatasync -> %s", res(sys(fsync(fd))), res(sys(fdatasync(fd))));
	close(fd);
	/* RLIMIT_FSIZE: EFBIG (and SIGXFSZ, ignored here so both kernels answer alike). */
	signal(SIGXFSZ, SIG_IGN);
	struct rlimit old, lim = {100, RLIM_INFINITY};
	getrlimit(RLIMIT_FSIZE, &old);
	setrlimit(RLIMIT_FSIZE, &lim);
	fd = open("big", O_CREAT | O_RDWR, 0644);
	/* (Reported once the limit is gone: stdout may be a file too.) */
	long at95 = sys(pwrite(fd, buf, 10, 95)), at100 = sys(pwrite(fd, buf, 1, 100));
	long grow = sys(ftruncate(fd, 200));
	setrlimit(RLIMIT_FSIZE, &old);
	close(fd);
	report("RLIMIT_FSIZE 100: pwrite 10 at 95 -> %ld", at95);
	report("RLIMIT_FSIZE 100: pwrite at 100 -> %s", res(at100));
	report("RLIMIT_FSIZE 100: ftruncate to 200 -> %s", res(grow));
}

void test_stat(void)
{
	struct stat st;
	struct statfs sf;
	int fd;

	make_file("s", "12345", 5, 0640);
	report("stat a 5-byte file -> %s: %s %o size %lld nlink %lu uid %u",
	       res(sys(stat("s", &st))), type_of(st.st_mode), (unsigned)(st.st_mode & 07777),
	       (long long)st.st_size, (unsigned long)st.st_nlink, (unsigned)st.st_uid);
	report("stat a directory -> %s: %s nlink %lu", res(sys(stat("d", &st))),
	       type_of(st.st_mode), (unsigned long)st.st_nlink);
	report("lstat a link -> %s: %s size %lld", res(sys(lstat("lf", &st))), type_of(st.st_mode),
	       (long long)st.st_size);
	report("stat through the link -> %s: %s", res(sys(stat("lf", &st))), type_of(st.st_mode));
	report("stat missing -> %s", res(sys(stat("missing", &st))));
	report("stat \"\" -> %s", res(sys(stat("", &st))));
	report("fstatat AT_EMPTY_PATH on a file fd -> %s", ({
		       fd = open("s", O_RDONLY);
		       long r = sys(fstatat(fd, "", &st, AT_EMPTY_PATH));
		       close(fd);
		       res(r);
	       }));
	report("fstatat with flag 0x8000 -> %s", res(sys(fstatat(AT_FDCWD, "s", &st, 0x8000))));
	report("fstatat with a file as dirfd -> %s", ({
		       fd = open("s", O_RDONLY);
		       long r = sys(fstatat(fd, "x", &st, 0));
		       close(fd);
		       res(r);
	       }));
	report("fstatat with fd 1000 -> %s", res(sys(fstatat(1000, "x", &st, 0))));
	report("fstat on fd -1 -> %s", res(sys(fstat(-1, &st))));
	report("stat into a bad pointer -> %s", res(sys(stat("s", BAD_PTR))));
	/* statx */
	struct statx sx;
	report("statx -> %s, basic stats and btime in the mask: %s, size %llu",
	       res(sys(statx(AT_FDCWD, "s", 0, STATX_BASIC_STATS | STATX_BTIME, &sx))),
	       yes_no((sx.stx_mask & (STATX_BASIC_STATS | STATX_BTIME)) ==
	              (STATX_BASIC_STATS | STATX_BTIME)),
	       (unsigned long long)sx.stx_size);
	report("statx reserved mask bit -> %s",
	       res(sys(statx(AT_FDCWD, "s", 0, 0x80000000u, &sx))));
	/* tmpfs's own numbers */
	stat(".", &st);
	report("a tmpfs directory's size with 20-byte entries -> %s",
	       yes_no(st.st_size % 20 == 0 && st.st_size >= 40));
	report("statfs -> %s, tmpfs: %s, block size %ld, name length %ld",
	       res(sys(statfs(".", &sf))), yes_no(sf.f_type == TMPFS_MAGIC), (long)sf.f_bsize,
	       (long)sf.f_namelen);
	fd = open("s", O_RDONLY);
	report("fstatfs -> %s, tmpfs: %s", res(sys(fstatfs(fd, &sf))),
	       yes_no(sf.f_type == TMPFS_MAGIC));
	close(fd);
	report("statfs missing -> %s", res(sys(statfs("missing", &sf))));
	/* A hole costs nothing. */
	fd = open("sparse", O_CREAT | O_RDWR, 0644);
	ftruncate(fd, 1 << 20);
	fstat(fd, &st);
	report("a 1 MiB hole: size %lld, blocks %lld", (long long)st.st_size,
	       (long long)st.st_blocks);
	close(fd);
}

void test_fds(void)
{
	int fd = open("s", O_RDONLY), d, d2;
	char c;
	struct rlimit lim, old;

	d = dup(fd);
	report("dup -> %s, the same offset: %s", res(sys(d)), ({
		       read(fd, &c, 1);
		       yes_no(lseek(d, 0, SEEK_CUR) == 1);
	       }));
	close(d);
	report("dup gives the lowest free fd: %s", yes_no(dup(fd) == d));
	report("dup of fd 1000 -> %s", res(sys(dup(1000))));
	report("F_GETFD of a dup -> %d", fcntl(d, F_GETFD));
	d2 = fcntl(fd, F_DUPFD_CLOEXEC, 100);
	report("F_DUPFD_CLOEXEC 100 -> at least 100: %s, FD_CLOEXEC: %d", yes_no(d2 >= 100),
	       fcntl(d2, F_GETFD));
	report("F_SETFD 0 -> %s, now %d", res(sys(fcntl(d2, F_SETFD, 0))), fcntl(d2, F_GETFD));
	report("dup3 same fd -> %s", res(sys(dup3(d, d, 0))));
	report("dup3 bad flags -> %s", res(sys(dup3(fd, d2, 4))));
	report("dup2 same fd -> %s", yes_no(dup2(d, d) == d));
	report("dup3 to fd 200 with O_CLOEXEC -> %s, FD_CLOEXEC %d",
	       res(sys(dup3(fd, 200, O_CLOEXEC))), fcntl(200, F_GETFD));
	report("close 200 -> %s, again -> %s", res(sys(close(200))), res(sys(close(200))));
	report("fcntl on fd 1000 -> %s", res(sys(fcntl(1000, F_GETFD))));
	report("fcntl unknown command 9999 -> %s", res(sys(fcntl(fd, 9999))));
	getrlimit(RLIMIT_NOFILE, &old);
	lim = (struct rlimit){64, old.rlim_max};
	setrlimit(RLIMIT_NOFILE, &lim);
	report("RLIMIT_NOFILE 64: dup2 to 64 -> %s", res(sys(dup2(fd, 64))));
	report("RLIMIT_NOFILE 64: F_DUPFD from 64 -> %s", res(sys(fcntl(fd, F_DUPFD, 64))));
	int dups[64], n = 0;
	while (n < 64 && (dups[n] = dup(fd)) >= 0)
		n++;
	report("RLIMIT_NOFILE 64: dup until it fails -> %s", res(n < 64 ? -errno : 0));
	while (n > 0)
		close(dups[--n]);
	setrlimit(RLIMIT_NOFILE, &old);
	close(d);
	close(d2);
	close(fd);
	report("getdents on a file -> %s", ({
		       char buf[256];
		       fd = open("s", O_RDONLY);
		       long rr = sys(getdents64(fd, buf, sizeof(buf)));
		       close(fd);
		       res(rr);
	       }));
}

void test_devices(void)
{
	char buf[64];
	struct stat st;
	int fd;

	fd = open("/dev/null", O_RDWR);
	report("/dev/null: read -> %ld, write 5 -> %ld", (long)read(fd, buf, 64),
	       (long)write(fd, "xxxxx", 5));
	fstat(fd, &st);
	report("/dev/null: %s %u,%u mode %o", type_of(st.st_mode), major(st.st_rdev),
	       minor(st.st_rdev), (unsigned)(st.st_mode & 07777));
	report("/dev/null: lseek 10 -> %lld", (long long)lseek(fd, 10, SEEK_SET));
	report("/dev/null: TCGETS -> %s", res(sys(ioctl(fd, TCGETS, buf))));
	close(fd);
	fd = open("/dev/zero", O_RDONLY);
	memset(buf, 1, sizeof(buf));
	report("/dev/zero: read 64 -> %ld, zeros: %s", (long)read(fd, buf, 64),
	       yes_no(memcmp(buf, (char[64]){0}, 64) == 0));
	close(fd);
	fd = open("/dev/full", O_WRONLY);
	report("/dev/full: write -> %s", res(sys(write(fd, "x", 1))));
	close(fd);
	fd = open("/dev/urandom", O_RDONLY);
	report("/dev/urandom: read 32 -> %ld", (long)read(fd, buf, 32));
	close(fd);
	report("/dev/random: a char device 1,8: %s",
	       yes_no(stat("/dev/random", &st) == 0 && S_ISCHR(st.st_mode) &&
	              st.st_rdev == makedev(1, 8)));
	report("open /dev/null with O_DIRECT -> %s", ({
		       fd = open("/dev/null", O_RDONLY | O_DIRECT);
		       long r = sys(fd);
		       if (fd >= 0)
			       close(fd);
		       res(r);
	       }));
}
