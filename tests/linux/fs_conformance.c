/*
 * File system conformance program: the file calls Linux programs make,
 * checked against what they return, one line per check (see
 * fs_conformance.h). It needs root (it mounts a small tmpfs and drops to
 * nobody in children) and exits 0 when every check ran, 1 on a fatal
 * error, 2 when not root.
 */
#define _GNU_SOURCE
#include "fs_conformance.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t main_pid;
static char scratch[64];

void make_file(const char *name, const void *data, size_t size, mode_t mode)
{
	int fd = open(name, O_CREAT | O_TRUNC | O_WRONLY, mode);

	if (fd < 0 || write(fd, data, size) != (ssize_t)size || fchmod(fd, mode) < 0)
		fatal("making %s -> %s", name, res(-errno));
	close(fd);
}

/* Remove a tree (the scratch directory at the end). */
static void remove_tree(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	DIR *d;
	struct dirent *e;

	if (fd < 0) {
		unlinkat(dirfd, name, 0);
		return;
	}
	if (!(d = fdopendir(fd)))
		fatal("fdopendir -> %s", res(-errno));
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			remove_tree(fd, e->d_name);
	closedir(d);
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0)
		fatal("removing %s -> %s", name, res(-errno));
}

int main(int argc, char **argv)
{
	(void)argv;
	if (argc != 1) {
		report("usage: fs_conformance (no arguments)");
		return 2;
	}
	report("fs_conformance: start");
	if (geteuid() != 0) {
		report("fs_conformance: SKIP: needs root (it mounts a tmpfs and drops to nobody)");
		return 2;
	}
	main_pid = getpid();
	umask(022);
	snprintf(scratch, sizeof(scratch), "/dev/shm/fs_conformance.XXXXXX");
	/* 0755: nobody's checks below need to search it (mkdtemp makes it 0700). */
	if (!mkdtemp(scratch) || chmod(scratch, 0755) < 0 || chdir(scratch) < 0)
		fatal("scratch directory under /dev/shm -> %s", res(-errno));
	report("setup: a scratch directory in /dev/shm, umask 022");

	test_open();
	test_io();
	test_stat();
	test_fds();
	test_devices();
	test_dirs();
	test_links();
	test_rename();
	test_paths();
	test_perms();
	test_times();
	test_full();
	test_mmap();
	test_exec();

	if (chdir("/") < 0)
		fatal("chdir / -> %s", res(-errno));
	remove_tree(AT_FDCWD, scratch);
	report("cleanup: scratch directory removed");
	report("summary: %u checks", report_count() + 1);
	return 0;
}
