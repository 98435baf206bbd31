/* File mappings across fork, their access rules, SIGBUS past the end, msync; execve's errors. */
#define _GNU_SOURCE
#include "fs_conformance.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static char *shared_map, *private_map;

static void child_writes(void *arg)
{
	(void)arg;
	memcpy(shared_map, "child", 5);
	memcpy(private_map, "child", 5);
}

static void touch_past_end(void *arg)
{
	volatile char *p = arg;

	(void)p[4096]; /* the file has one page: the second one is past its end */
}

static void write_read_only(void *arg)
{
	*(volatile char *)arg = 'x';
}

void test_mmap(void)
{
	char buf[8] = {0};
	long pg = sysconf(_SC_PAGESIZE);
	int fd, ro;
	void *m;

	make_file("map", "parent..", 8, 0644);
	fd = open("map", O_RDWR);
	/* LTP's results page: a shared file mapping written by a child. */
	shared_map = mmap(NULL, (size_t)pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	private_map = mmap(NULL, (size_t)pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	report("mmap MAP_SHARED -> %s, MAP_PRIVATE -> %s", yes_no(shared_map != MAP_FAILED),
	       yes_no(private_map != MAP_FAILED));
	report("a child writes both -> %s", child_run(child_writes, NULL));
	report("the shared mapping shows the child's write: %s",
	       yes_no(!memcmp(shared_map, "child", 5)));
	report("the private mapping shows the file: %s", yes_no(!memcmp(private_map, "child", 5)));
	pread(fd, buf, 5, 0);
	report("read(2) sees the child's write through the shared mapping: %s",
	       yes_no(!memcmp(buf, "child", 5)));
	memcpy(private_map, "mine.", 5);
	pread(fd, buf, 5, 0);
	report("a private write stays private: %s", yes_no(!memcmp(buf, "child", 5)));
	pwrite(fd, "write", 5, 0);
	report("write(2) shows in the shared mapping: %s", yes_no(!memcmp(shared_map, "write", 5)));
	report("msync MS_SYNC -> %s", res(sys(msync(shared_map, (size_t)pg, MS_SYNC))));
	report("msync MS_SYNC|MS_ASYNC -> %s",
	       res(sys(msync(shared_map, (size_t)pg, MS_SYNC | MS_ASYNC))));
	report("msync of an unaligned address -> %s", res(sys(msync(shared_map + 1, 1, MS_SYNC))));
	munmap(private_map, (size_t)pg);
	report("msync of an unmapped range -> %s",
	       res(sys(msync(private_map, (size_t)pg, MS_SYNC))));
	/* Two pages over a one-page file: the second is past the end. */
	m = mmap(NULL, 2 * (size_t)pg, PROT_READ, MAP_SHARED, fd, 0);
	report("a page past the end of the file -> %s", child_run(touch_past_end, m));
	munmap(m, 2 * (size_t)pg);
	munmap(shared_map, (size_t)pg);
	close(fd);
	/* The access rules. */
	ro = open("map", O_RDONLY);
	report(
	    "mmap MAP_SHARED PROT_WRITE of an O_RDONLY fd -> %s",
	    res(mmap(NULL, (size_t)pg, PROT_WRITE, MAP_SHARED, ro, 0) == MAP_FAILED ? -errno : 0));
	m = mmap(NULL, (size_t)pg, PROT_READ, MAP_SHARED, ro, 0);
	report("mmap MAP_SHARED PROT_READ of an O_RDONLY fd -> %s", yes_no(m != MAP_FAILED));
	report("  mprotect it writable -> %s",
	       res(sys(mprotect(m, (size_t)pg, PROT_READ | PROT_WRITE))));
	report("  a write to it -> %s", child_run(write_read_only, m));
	munmap(m, (size_t)pg);
	m = mmap(NULL, (size_t)pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
	report("mmap MAP_PRIVATE PROT_WRITE of an O_RDONLY fd -> %s", yes_no(m != MAP_FAILED));
	munmap(m, (size_t)pg);
	close(ro);
	fd = open("map", O_WRONLY);
	report(
	    "mmap of an O_WRONLY fd -> %s",
	    res(mmap(NULL, (size_t)pg, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED ? -errno : 0));
	close(fd);
	fd = open("/dev/null", O_RDWR);
	report(
	    "mmap of /dev/null -> %s",
	    res(mmap(NULL, (size_t)pg, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED ? -errno : 0));
	close(fd);
	report(
	    "mmap of fd 1000 -> %s",
	    res(mmap(NULL, (size_t)pg, PROT_READ, MAP_SHARED, 1000, 0) == MAP_FAILED ? -errno : 0));
	fd = open("d", O_RDONLY);
	report(
	    "mmap of a directory -> %s",
	    res(mmap(NULL, (size_t)pg, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED ? -errno : 0));
	close(fd);
}

void test_exec(void)
{
	char *argv[] = {"x", NULL}, *envp[] = {NULL};
	static const char text[] = "just text, no program\n";

	make_file("text", text, sizeof(text) - 1, 0755);
	make_file("noperm", text, sizeof(text) - 1, 0644);
	report("execve a text file with x bits -> %s", res(sys(execve("text", argv, envp))));
	report("execve a file without x bits -> %s", res(sys(execve("noperm", argv, envp))));
	report("execve a directory -> %s", res(sys(execve("d", argv, envp))));
	report("execve a missing file -> %s", res(sys(execve("missing", argv, envp))));
	report("execve through a file -> %s", res(sys(execve("text/x", argv, envp))));
}
