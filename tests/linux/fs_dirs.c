/* Directories, links, rename, path errors, permissions, times, a full tmpfs. */
#define _GNU_SOURCE
#include "fs_conformance.h"

#include <errno.h>
#include <sys/sysmacros.h>
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#define NOBODY 65534
/* Below mmap_min_addr: never mapped (volatile: the compiler must not judge it). */
static void *volatile bad_ptr = (void *)16;
#define BAD_PTR bad_ptr

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in a directory, sorted (orders differ between file systems), with getdents64. */
static void list(const char *what, const char *dir)
{
	char buf[1024], names[512] = "", *v[32];
	int fd = open(dir, O_RDONLY | O_DIRECTORY), n = 0;
	long got;

	if (fd < 0) {
		report("%s: open -> %s", what, res(-errno));
		return;
	}
	while ((got = getdents64(fd, buf, sizeof(buf))) > 0)
		for (long off = 0; off < got;) {
			struct dirent64 *e = (struct dirent64 *)(buf + off);

			if (n < 32)
				v[n++] = strdup(e->d_name);
			off += e->d_reclen;
		}
	close(fd);
	qsort(v, (size_t)n, sizeof(v[0]), cmp_str);
	for (int i = 0; i < n; i++) {
		strncat(names, v[i], sizeof(names) - strlen(names) - 2);
		strcat(names, " ");
		free(v[i]);
	}
	report("%s: %s", what, names);
}

void test_dirs(void)
{
	char cwd[128], buf[64];
	struct stat st;
	int fd;

	report("mkdir dd -> %s", res(sys(mkdir("dd", 0777))));
	stat("dd", &st);
	report("mkdir: mode 0777 under umask 022 -> %o, nlink %lu", (unsigned)(st.st_mode & 07777),
	       (unsigned long)st.st_nlink);
	report("mkdir dd again -> %s", res(sys(mkdir("dd", 0777))));
	report("mkdir dd/sub/ (trailing slash) -> %s", res(sys(mkdir("dd/sub/", 0755))));
	stat("dd", &st);
	report("parent nlink with a subdirectory -> %lu", (unsigned long)st.st_nlink);
	report("mkdir with set-id bits 07777 -> %s", ({
		       long r = sys(mkdir("dd/all", 07777));
		       stat("dd/all", &st);
		       res(r);
	       }));
	report("  its mode -> %o", (unsigned)(st.st_mode & 07777));
	report("mkdir in a file -> %s", res(sys(mkdir("f/x", 0755))));
	report("mkdir . -> %s", res(sys(mkdir(".", 0755))));
	make_file("dd/file", "x", 1, 0644);
	list("getdents64 of dd", "dd");
	report("rmdir a non-empty directory -> %s", res(sys(rmdir("dd"))));
	report("rmdir a file -> %s", res(sys(rmdir("dd/file"))));
	report("rmdir dd/. -> %s", res(sys(rmdir("dd/."))));
	report("rmdir dd/sub/.. -> %s", res(sys(rmdir("dd/sub/.."))));
	report("unlink a directory -> %s", res(sys(unlink("dd/sub"))));
	report("unlink \"dd/file/\" -> %s", res(sys(unlink("dd/file/"))));
	report("unlinkat with flag 0x1 -> %s", res(sys(unlinkat(AT_FDCWD, "dd/file", 1))));
	/* The working directory. */
	report("chdir dd/sub -> %s", res(sys(chdir("dd/sub"))));
	report("getcwd ends with /dd/sub: %s", ({
		       getcwd(cwd, sizeof(cwd));
		       yes_no(strlen(cwd) > 7 && !strcmp(cwd + strlen(cwd) - 7, "/dd/sub"));
	       }));
	report("getcwd into 4 bytes -> %s", res(getcwd(buf, 4) ? 0 : -errno));
	report("rmdir the working directory -> %s", res(sys(rmdir("../sub"))));
	report("getcwd of a removed directory -> %s", res(getcwd(cwd, sizeof(cwd)) ? 0 : -errno));
	report("chdir .. from it -> %s", res(sys(chdir(".."))));
	report("chdir a file -> %s", res(sys(chdir("file"))));
	fd = open(".", O_RDONLY);
	report("chdir .. then fchdir back -> %s, %s", res(sys(chdir(".."))), res(sys(fchdir(fd))));
	report("getcwd ends with /dd: %s", ({
		       getcwd(cwd, sizeof(cwd));
		       yes_no(!strcmp(cwd + strlen(cwd) - 3, "/dd"));
	       }));
	close(fd);
	report("fchdir to a file fd -> %s", ({
		       fd = open("file", O_RDONLY);
		       long r = sys(fchdir(fd));
		       close(fd);
		       res(r);
	       }));
	chdir("..");
	/* *at calls from a directory fd. */
	fd = open("dd", O_RDONLY | O_DIRECTORY);
	report("mkdirat(dd fd, \"at\") -> %s", res(sys(mkdirat(fd, "at", 0700))));
	report("fstatat(dd fd, \"at\") -> %s, a directory: %s", res(sys(fstatat(fd, "at", &st, 0))),
	       yes_no(S_ISDIR(st.st_mode)));
	report("openat(dd fd, absolute path) ignores the fd -> %s", ({
		       int f2 = openat(fd, "/dev/null", O_RDONLY);
		       long r = sys(f2);
		       if (f2 >= 0)
			       close(f2);
		       res(r);
	       }));
	report("unlinkat(dd fd, \"at\", AT_REMOVEDIR) -> %s",
	       res(sys(unlinkat(fd, "at", AT_REMOVEDIR))));
	close(fd);
	report("umask(077) returns the old mask -> %o", (unsigned)umask(077));
	make_file("masked", "", 0, 0);
	report("a file created with 0666 under umask 077 -> %o", ({
		       int f2 = open("masked2", O_CREAT | O_RDWR, 0666);
		       fstat(f2, &st);
		       close(f2);
		       (unsigned)(st.st_mode & 07777);
	       }));
	umask(022);
}

void test_links(void)
{
	char buf[64], name[16], target[16];
	struct stat st;
	long n;

	make_file("orig", "data", 4, 0644);
	report("link -> %s", res(sys(link("orig", "hard"))));
	stat("orig", &st);
	report("nlink after link -> %lu", (unsigned long)st.st_nlink);
	report("link to an existing name -> %s", res(sys(link("orig", "hard"))));
	report("link a directory -> %s", res(sys(link("d", "dlink"))));
	report("link a missing file -> %s", res(sys(link("missing", "x"))));
	report("unlink orig -> %s", res(sys(unlink("orig"))));
	stat("hard", &st);
	report("the other name keeps the data: nlink %lu size %lld", (unsigned long)st.st_nlink,
	       (long long)st.st_size);
	report("symlink -> %s", res(sys(symlink("hard", "soft"))));
	n = readlink("soft", buf, sizeof(buf));
	report("readlink -> %ld \"%.*s\"", n, (int)(n > 0 ? n : 0), buf);
	report("readlink into 2 bytes -> %ld", (long)readlink("soft", buf, 2));
	report("readlink a file -> %s", res(sys(readlink("hard", buf, sizeof(buf)))));
	report("readlink with size 0 -> %s", res(sys(readlink("soft", buf, 0))));
	report("symlink to \"\" -> %s", res(sys(symlink("", "empty"))));
	report("symlink over an existing name -> %s", res(sys(symlink("x", "hard"))));
	report("linkat AT_SYMLINK_FOLLOW -> %s",
	       res(sys(linkat(AT_FDCWD, "soft", AT_FDCWD, "via", AT_SYMLINK_FOLLOW))));
	lstat("via", &st);
	report("  the new name is the file, not the link: %s", yes_no(S_ISREG(st.st_mode)));
	report("linkat bad flags -> %s", res(sys(linkat(AT_FDCWD, "soft", AT_FDCWD, "v2", 0x10))));
	/* 40 links are followed; the 41st is ELOOP. */
	make_file("l0", "", 0, 0644);
	for (int i = 1; i <= 41; i++) {
		snprintf(name, sizeof(name), "l%d", i);
		snprintf(target, sizeof(target), "l%d", i - 1);
		symlink(target, name);
	}
	report("stat through 40 links -> %s", res(sys(stat("l40", &st))));
	report("stat through 41 links -> %s", res(sys(stat("l41", &st))));
	symlink("loop", "loop");
	report("open a link to itself -> %s", res(sys(open("loop", O_RDONLY))));
}

void test_rename(void)
{
	struct stat st, st2;

	mkdir("r", 0755);
	mkdir("r/a", 0755);
	mkdir("r/a/b", 0755);
	mkdir("r/empty", 0755);
	make_file("r/f", "f", 1, 0644);
	make_file("r/g", "g", 1, 0644);
	stat("r/f", &st);
	report("rename a file -> %s", res(sys(rename("r/f", "r/f2"))));
	stat("r/f2", &st2);
	report("  the same inode under the new name: %s", yes_no(st.st_ino == st2.st_ino));
	report("rename over another file -> %s", res(sys(rename("r/f2", "r/g"))));
	report("rename a file onto itself -> %s", res(sys(rename("r/g", "r/g"))));
	report("rename a missing file -> %s", res(sys(rename("r/none", "r/x"))));
	report("rename a directory into itself -> %s", res(sys(rename("r/a", "r/a/b/c"))));
	report("rename over an ancestor -> %s", res(sys(rename("r/a/b", "r/a"))));
	report("rename a directory over a file -> %s", res(sys(rename("r/a", "r/g"))));
	report("rename a file over a directory -> %s", res(sys(rename("r/g", "r/empty"))));
	report("rename a directory over an empty one -> %s", res(sys(rename("r/a", "r/empty"))));
	report("rename \"r/g/\" -> %s", res(sys(rename("r/g/", "r/h"))));
	report("rename r/. -> %s", res(sys(rename("r/.", "r/x"))));
	report("renameat2 RENAME_NOREPLACE onto a file -> %s",
	       res(sys(renameat2(AT_FDCWD, "r/g", AT_FDCWD, "r/empty", RENAME_NOREPLACE))));
	make_file("r/h", "h", 1, 0644);
	report("renameat2 RENAME_EXCHANGE -> %s",
	       res(sys(renameat2(AT_FDCWD, "r/g", AT_FDCWD, "r/empty", RENAME_EXCHANGE))));
	lstat("r/g", &st);
	report("  r/g is now a directory: %s", yes_no(S_ISDIR(st.st_mode)));
	report("renameat2 RENAME_EXCHANGE with a missing name -> %s",
	       res(sys(renameat2(AT_FDCWD, "r/h", AT_FDCWD, "r/none", RENAME_EXCHANGE))));
	report("renameat2 NOREPLACE|EXCHANGE -> %s",
	       res(sys(renameat2(AT_FDCWD, "r/h", AT_FDCWD, "r/g",
	                         RENAME_NOREPLACE | RENAME_EXCHANGE))));
	report("renameat2 flag 0x8 -> %s",
	       res(sys(renameat2(AT_FDCWD, "r/h", AT_FDCWD, "r/i", 8))));
	stat("r", &st);
	report("r's nlink after the moves -> %lu", (unsigned long)st.st_nlink);
}

void test_paths(void)
{
	char *p = malloc(5000);
	struct stat st;

	memset(p, 'n', 300);
	p[256] = 0;
	report("a 256-byte name -> %s", res(sys(open(p, O_RDONLY))));
	p[255] = 0;
	report("a 255-byte name (absent) -> %s", res(sys(open(p, O_RDONLY))));
	for (int i = 0; i < 4096; i += 2)
		p[i] = '.', p[i + 1] = '/';
	p[4095] = 0;
	report("a 4095-byte path of ./ -> %s", res(sys(stat(p, &st))));
	p[4095] = '.';
	p[4096] = 0;
	report("a 4096-byte path -> %s", res(sys(stat(p, &st))));
	report("a file as a directory in the middle -> %s", res(sys(stat("s/x", &st))));
	report("a bad path pointer -> %s", res(sys(open(BAD_PTR, O_RDONLY))));
	report("open \"\" -> %s", res(sys(open("", O_RDONLY))));
	report("/.. is / -> %s", yes_no(stat("/..", &st) == 0 && st.st_ino == ({
		                                                         struct stat r;
		                                                         stat("/", &r);
		                                                         r.st_ino;
	                                                         }) &&
	                                st.st_dev == ({
		                                struct stat r;
		                                stat("/", &r);
		                                r.st_dev;
	                                })));
	report("access F_OK -> %s, bad mode 8 -> %s", res(sys(access("s", F_OK))),
	       res(sys(access("s", 8))));
	report("faccessat bad flag -> %s", res(sys(syscall(439, AT_FDCWD, "s", R_OK, 0x8000))));
	free(p);
}

static void as_nobody(void *arg)
{
	struct stat st;
	int fd;

	(void)arg;
	if (setgroups(0, NULL) < 0 || setgid(NOBODY) < 0 || setuid(NOBODY) < 0)
		fatal("dropping to nobody -> %s", res(-errno));
	report("nobody: open a 0600 file -> %s", res(sys(open("p/secret", O_RDONLY))));
	report("nobody: open a 0644 file for writing -> %s", res(sys(open("p/pub", O_WRONLY))));
	report("nobody: stat through a 0700 directory -> %s", res(sys(stat("p/closed/x", &st))));
	report("nobody: create in a 0755 directory -> %s", res(sys(open("p/new", O_CREAT, 0644))));
	report("nobody: access R_OK on the 0600 file -> %s", res(sys(access("p/secret", R_OK))));
	report("nobody: chmod root's file -> %s", res(sys(chmod("p/pub", 0777))));
	report("nobody: chown its own file to root -> %s", res(sys(chown("p/sticky/mine", 0, -1))));
	report("nobody: utimensat(NULL) on root's 0644 file -> %s",
	       res(sys(utimensat(AT_FDCWD, "p/pub", NULL, 0))));
	report("nobody: utimensat(NULL) on root's 0666 file -> %s",
	       res(sys(utimensat(AT_FDCWD, "p/shared", NULL, 0))));
	report("nobody: explicit times on root's 0666 file -> %s",
	       res(sys(utimensat(AT_FDCWD, "p/shared", (struct timespec[2]){{1, 0}, {1, 0}}, 0))));
	report("nobody: unlink root's file in a sticky directory -> %s",
	       res(sys(unlink("p/sticky/roots"))));
	report("nobody: unlink its own file there -> %s", res(sys(unlink("p/sticky/mine"))));
	report("nobody: mknod a device -> %s",
	       res(sys(mknod("p/sticky/dev", S_IFCHR | 0600, makedev(1, 3)))));
	report("nobody: mount -> %s", res(sys(mount("none", "p/closed", "tmpfs", 0, NULL))));
	fd = open("p/shared", O_RDWR);
	report("nobody: write a 0666 file -> %s", res(sys(write(fd, "n", 1))));
	close(fd);
}

void test_perms(void)
{
	mkdir("p", 0755);
	mkdir("p/closed", 0700);
	mkdir("p/sticky", 01777);
	chmod("p/sticky", 01777); /* past the umask */
	make_file("p/secret", "s", 1, 0600);
	make_file("p/pub", "p", 1, 0644);
	make_file("p/shared", "s", 1, 0666);
	make_file("p/sticky/roots", "r", 1, 0666);
	make_file("p/sticky/mine", "m", 1, 0644);
	chown("p/sticky/mine", NOBODY, NOBODY);
	make_file("p/closed/x", "x", 1, 0644);
	report("nobody's checks -> %s", child_run(as_nobody, NULL));
	report("root: open the 0600 file -> %s", res(sys(open("p/secret", O_RDONLY))));
	report("root: set-id bits kept by root's chmod: %s", ({
		       struct stat st;
		       chmod("p/pub", 06755);
		       stat("p/pub", &st);
		       yes_no((st.st_mode & 07777) == 06755);
	       }));
	report("root: chown clears them -> %s", ({
		       struct stat st;
		       chown("p/pub", NOBODY, -1);
		       stat("p/pub", &st);
		       yes_no((st.st_mode & 06000) == 0);
	       }));
}

void test_times(void)
{
	struct timespec t[2] = {{1000, 0}, {2000, 0}};
	struct stat st;
	int fd;

	make_file("tm", "x", 1, 0644);
	report("utimensat explicit -> %s", res(sys(utimensat(AT_FDCWD, "tm", t, 0))));
	stat("tm", &st);
	report("  atime %lld mtime %lld", (long long)st.st_atime, (long long)st.st_mtime);
	report(
	    "utimensat bad nanoseconds -> %s",
	    res(sys(utimensat(AT_FDCWD, "tm", (struct timespec[2]){{0, 1000000000}, {0, 0}}, 0))));
	report("utimensat both UTIME_OMIT on a missing file -> %s",
	       res(sys(utimensat(AT_FDCWD, "missing",
	                         (struct timespec[2]){{0, UTIME_OMIT}, {0, UTIME_OMIT}}, 0))));
	report("utimensat bad flag -> %s", res(sys(utimensat(AT_FDCWD, "tm", t, 0x2))));
	fd = open("tm", O_WRONLY);
	write(fd, "y", 1);
	fstat(fd, &st);
	report("a write moves mtime past 2000: %s, ctime too: %s, atime stays: %s",
	       yes_no(st.st_mtime > 2000), yes_no(st.st_ctime > 2000), yes_no(st.st_atime == 1000));
	close(fd);
	utimensat(AT_FDCWD, "tm", t, 0);
	fd = open("tm", O_RDONLY);
	char c;
	read(fd, &c, 1);
	fstat(fd, &st);
	report("a read moves an old atime (relatime): %s", yes_no(st.st_atime > 1000));
	close(fd);
	utimensat(AT_FDCWD, "tm", t, 0);
	chmod("tm", 0600);
	stat("tm", &st);
	report("chmod moves ctime, not mtime: %s",
	       yes_no(st.st_ctime > 2000 && st.st_mtime == 2000));
	utimensat(AT_FDCWD, "tm", (struct timespec[2]){{0, UTIME_OMIT}, {0, UTIME_NOW}}, 0);
	stat("tm", &st);
	report("UTIME_OMIT atime, UTIME_NOW mtime: atime %lld, mtime moved: %s",
	       (long long)st.st_atime, yes_no(st.st_mtime > 2000));
	t[0].tv_sec = 5000;
	utimensat(AT_FDCWD, "d", t, 0);
	make_file("d/new", "", 0, 0644);
	stat("d", &st);
	report("a new entry moves its directory's mtime: %s", yes_no(st.st_mtime > 2000));
	symlink("tm", "tmlink");
	report("utimensat AT_SYMLINK_NOFOLLOW on a link -> %s", ({
		       long r = sys(utimensat(AT_FDCWD, "tmlink", t, AT_SYMLINK_NOFOLLOW));
		       lstat("tmlink", &st);
		       res(r);
	       }));
	report("  the link's own mtime -> %lld", (long long)st.st_mtime);
}

/* A tmpfs of 4 pages fills up: a write stops at its end, then ENOSPC. */
void test_full(void)
{
	static char buf[5 * 4096];
	struct statfs sf;
	int fd;

	mkdir("small", 0755);
	report("mount tmpfs size=16k -> %s",
	       res(sys(mount("tmpfs", "small", "tmpfs", MS_NOSUID, "size=16k,mode=0755"))));
	report("statfs: tmpfs %s, 4 blocks: %s, 4 free: %s", ({
		       statfs("small", &sf);
		       yes_no(sf.f_type == 0x01021994);
	       }),
	       yes_no(sf.f_blocks == 4), yes_no(sf.f_bfree == 4));
	report("mount with a bad option -> %s",
	       res(sys(mount("tmpfs", "small", "tmpfs", 0, "size=16k,colour=blue"))));
	report("mount an unknown type -> %s", res(sys(mount("x", "small", "nofs", 0, NULL))));
	report("mount on a missing directory -> %s",
	       res(sys(mount("tmpfs", "missing", "tmpfs", 0, NULL))));
	fd = open("small/f", O_CREAT | O_RDWR, 0644);
	report("write 20 KiB into 16 KiB -> %ld", (long)sys(write(fd, buf, sizeof(buf))));
	report("write more -> %s", res(sys(write(fd, buf, 1))));
	report("rewrite a page that exists -> %ld", (long)sys(pwrite(fd, buf, 100, 0)));
	report("a hole costs nothing: ftruncate to 1 MiB -> %s", res(sys(ftruncate(fd, 1 << 20))));
	report("fill the hole -> %s", res(sys(pwrite(fd, buf, 1, 1 << 19))));
	statfs("small", &sf);
	report("statfs free blocks -> %ld", (long)sf.f_bfree);
	report("umount while a file is open -> %s", res(sys(umount("small"))));
	report("mkdir in the full file system -> %s", res(sys(mkdir("small/d", 0755))));
	close(fd);
	report("unlink the file -> %s", res(sys(unlink("small/f"))));
	statfs("small", &sf);
	report("statfs free blocks after -> %ld", (long)sf.f_bfree);
	report("umount -> %s", res(sys(umount("small"))));
	report("umount again (not a mount) -> %s", res(sys(umount("small"))));
	report("umount2 bad flags -> %s", res(sys(umount2("small", 0x100))));
}
