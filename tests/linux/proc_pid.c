/*
 * The /proc conformance program's process files: stat, status, children
 * asleep and dead, cmdline, environ, exe, cwd, root, limits, fd/, maps,
 * oom_score_adj and comm.
 */
#define _GNU_SOURCE
#include "proc_conformance.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* The fields of a stat line after "(comm)": [0] is the state. */
static int stat_fields(const char *text, char comm[64], char fields[64][32])
{
	const char *open = strchr(text, '('), *close = strrchr(text, ')'), *p;
	int n = 0;

	if (!open || !close || close < open || (size_t)(close - open - 1) >= 64)
		return 0;
	memcpy(comm, open + 1, (size_t)(close - open - 1));
	comm[close - open - 1] = '\0';
	for (p = close + 1; *p == ' ' && n < 64; n++) {
		size_t len = strcspn(++p, " \n");

		snprintf(fields[n], 32, "%.*s", (int)len, p);
		p += len;
	}
	return n + 2; /* pid and comm */
}

/* What the kernel takes as the name: the last part of the program's path, 15 bytes at most. */
static void expected_comm(char out[16])
{
	const char *base = strrchr(self_path, '/');

	snprintf(out, 16, "%s", base ? base + 1 : self_path);
}

void test_self_stat(void)
{
	char *text = slurp("/proc/self/stat", NULL), comm[64] = "", want[16], f[64][32];
	int n = text ? stat_fields(text, comm, f) : 0;

	expected_comm(want);
	report("/proc/self/stat: %d fields", n);
	report("stat: pid is getpid(): %s, comm is the program's name: %s, state R: %s",
	       yes_no(text && atol(text) == getpid()), yes_no(!strcmp(comm, want)),
	       yes_no(n > 2 && !strcmp(f[0], "R")));
	report("stat: ppid is getppid(): %s, pgid is getpgid(0): %s, sid is getsid(0): %s",
	       yes_no(n > 3 && atol(f[1]) == getppid()), yes_no(n > 4 && atol(f[2]) == getpgid(0)),
	       yes_no(n > 5 && atol(f[3]) == getsid(0)));
	report("stat: num_threads 1: %s, vsize > 0: %s, rss > 0: %s",
	       yes_no(n > 19 && !strcmp(f[17], "1")), yes_no(n > 22 && atol(f[20]) > 0),
	       yes_no(n > 23 && atol(f[21]) > 0));
	free(text);
	text = slurp("/proc/self/statm", NULL);
	{
		unsigned long size, res, shared, txt, lib, data, dt;

		report("statm: 7 numbers: %s, size >= resident: %s",
		       yes_no(text && sscanf(text, "%lu %lu %lu %lu %lu %lu %lu", &size, &res,
		                             &shared, &txt, &lib, &data, &dt) == 7),
		       yes_no(text && size >= res));
	}
	free(text);
}

/* Does status's line 'key' read 'want'? The line says 'what' was expected (never a pid). */
static void status_is(const char *text, const char *key, const char *want, const char *what)
{
	char line[256];

	report(
	    "status %s %s: %s", key, what,
	    yes_no(line_with(text, key, line, sizeof(line)) && !strcmp(line + strlen(key), want)));
}

static void status_line(const char *text, const char *key, const char *want)
{
	char what[128];
	size_t n = 0;

	for (const char *p = want; *p && n + 3 < sizeof(what); p++)
		n += (size_t)snprintf(what + n, sizeof(what) - n, *p == '\t' ? "\\t" : "%c", *p);
	status_is(text, key, want, what);
}

static void setuid_status(void *arg)
{
	char *text;

	(void)arg;
	become_user(1000, 1000);
	text = slurp("/proc/self/status", NULL);
	status_line(text, "Uid:", "\t1000\t1000\t1000\t1000");
	status_line(text, "Gid:", "\t1000\t1000\t1000\t1000");
	free(text);
}

void test_status(void)
{
	char *text, want[64], line[256];
	sigset_t set;

	umask(027);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	text = slurp("/proc/self/status", NULL);
	umask(022);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	if (!text)
		fatal("/proc/self/status -> %s", res(-errno));
	expected_comm(want + 1);
	want[0] = '\t';
	status_line(text, "Name:", want);
	status_line(text, "Umask:", "\t0027");
	status_line(text, "State:", "\tR (running)");
	snprintf(want, sizeof(want), "\t%d", getpid());
	status_is(text, "Tgid:", want, "getpid()");
	status_is(text, "Pid:", want, "getpid()");
	snprintf(want, sizeof(want), "\t%d", getppid());
	status_is(text, "PPid:", want, "getppid()");
	status_line(text, "Uid:", "\t0\t0\t0\t0");
	status_line(text, "Gid:", "\t0\t0\t0\t0");
	status_line(text, "Threads:", "\t1");
	status_line(text, "SigBlk:", "\t0000000000000200");
	report(
	    "status Groups: ends with a space: %s, VmRSS: present: %s",
	    yes_no(line_with(text, "Groups:", line, sizeof(line)) && line[strlen(line) - 1] == ' '),
	    yes_no(line_with(text, "VmRSS:", line, sizeof(line))));
	free(text);
	report("as uid 1000: %s", child_run(setuid_status, NULL));
}

static void sleeper(void *arg)
{
	(void)arg;
	for (;;)
		nanosleep(&(struct timespec){100, 0}, NULL);
}

/* The state letter of pid's stat, polled until it is 'want' (or 2000 looks). */
static char wait_state(pid_t pid, char want)
{
	char path[64], comm[64], f[64][32];
	char state = '?';

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	for (int i = 0; i < 2000 && state != want; i++) {
		char *text = slurp(path, NULL);

		state = text && stat_fields(text, comm, f) > 2 ? f[0][0] : '?';
		free(text);
		if (state != want)
			nanosleep(&(struct timespec){0, 5000000}, NULL);
	}
	return state;
}

void test_children(void)
{
	pid_t pid = fork();
	char path[64], name[16], buf[64];
	struct stat st;
	int fd, status;
	bool seen;
	long n;
	DIR *d;
	struct dirent *e;

	if (pid < 0)
		fatal("fork -> %s", res(-errno));
	if (pid == 0) {
		sleeper(NULL);
		_exit(0);
	}
	snprintf(path, sizeof(path), "/proc/%d", pid);
	snprintf(name, sizeof(name), "%d", pid);
	report("a child asleep in nanosleep shows state S: %s",
	       yes_no(wait_state(pid, 'S') == 'S'));
	d = opendir("/proc");
	for (seen = false; d && (e = readdir(d));)
		seen |= !strcmp(e->d_name, name);
	if (d)
		closedir(d);
	n = sys(stat(path, &st));
	report("getdents /proc lists the child: %s, stat -> %s, owner root: %s", yes_no(seen),
	       res(n), yes_no(n == 0 && st.st_uid == 0));
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY);
	report("open the child's stat -> %s", res(sys(fd)));
	report("kill(child, SIGKILL) -> %s", res(sys(kill(pid, SIGKILL))));
	report("the child dead and not waited for shows state Z: %s",
	       yes_no(wait_state(pid, 'Z') == 'Z'));
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	{
		char *text = slurp(path, NULL), line[64];

		report("its status says State:\\tZ (zombie): %s",
		       yes_no(text && line_with(text, "State:", line, sizeof(line)) &&
		              !strcmp(line, "State:\tZ (zombie)")));
		free(text);
	}
	n = sys(waitpid(pid, &status, 0));
	report("waitpid -> %s, killed by SIGKILL: %s", res(n),
	       yes_no(n == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL));
	report("stat of the reaped child's /proc/<pid> -> %s", res(sys(stat(path, &st))));
	report("read of its stat opened before -> %s", res(sys(read(fd, buf, sizeof(buf)))));
	close(fd);
}

static char *joined(char *const *v, size_t *len)
{
	size_t n = 0;
	char *s;

	for (char *const *p = v; *p; p++)
		n += strlen(*p) + 1;
	s = malloc(n + 1);
	*len = 0;
	for (char *const *p = v; *p; p++) {
		memcpy(s + *len, *p, strlen(*p) + 1);
		*len += strlen(*p) + 1;
	}
	return s;
}

static const char limits_header[] =
    "Limit                     Soft Limit           Hard Limit           Units     \n";

void test_args_and_links(void)
{
	char *const argv[] = {(char *)self_path, NULL};
	char *text, *want, buf[4200];
	size_t len, wlen;
	struct stat a, b;
	struct rlimit rl;
	long n;
	int fd;

	text = slurp("/proc/self/cmdline", &len);
	want = joined(argv, &wlen);
	report("cmdline is argv, each string with its NUL: %s",
	       yes_no(text && len == wlen && !memcmp(text, want, len)));
	free(text);
	free(want);
	text = slurp("/proc/self/environ", &len);
	want = joined(environ, &wlen);
	report("environ is the environment the program started with: %s",
	       yes_no(text && len == wlen && !memcmp(text, want, len)));
	free(text);
	free(want);
	n = sys(readlink("/proc/self/exe", buf, sizeof(buf) - 1));
	buf[n > 0 ? n : 0] = '\0';
	fd = open("/proc/self/exe", O_RDONLY);
	report("readlink /proc/self/exe -> %s, absolute: %s; open -> %s, the program's file: %s",
	       res(n), yes_no(buf[0] == '/'), res(sys(fd)),
	       yes_no(fd >= 0 && !fstat(fd, &a) && !stat(self_path, &b) && a.st_ino == b.st_ino &&
	              a.st_dev == b.st_dev));
	close(fd);
	if (chdir(scratch) < 0)
		fatal("chdir -> %s", res(-errno));
	n = sys(readlink("/proc/self/cwd", buf, sizeof(buf) - 1));
	buf[n > 0 ? n : 0] = '\0';
	report("readlink /proc/self/cwd -> %s, the directory chdir went to: %s", res(n),
	       yes_no(!strcmp(buf, scratch)));
	n = sys(readlink("/proc/self/root", buf, sizeof(buf) - 1));
	buf[n > 0 ? n : 0] = '\0';
	report("readlink /proc/self/root -> %s \"%s\"", res(n), buf);
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = 100;
	setrlimit(RLIMIT_NOFILE, &rl);
	text = slurp("/proc/self/limits", NULL);
	snprintf(buf, sizeof(buf), "%-25s %-20lu %-20lu %-10s", "Max open files",
	         (unsigned long)rl.rlim_cur, (unsigned long)rl.rlim_max, "files");
	report("limits: Linux's header: %s, Max open files as getrlimit: %s",
	       yes_no(text && !strncmp(text, limits_header, strlen(limits_header))),
	       yes_no(text && strstr(text, buf)));
	free(text);
	text = slurp("/proc/self/mounts", NULL);
	want = slurp("/proc/mounts", NULL);
	report("/proc/self/mounts is /proc/mounts: %s",
	       yes_no(text && want && !strcmp(text, want)));
	free(text);
	free(want);
}

static long link_of(int fd, char *buf, size_t size)
{
	char path[64];
	long n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = sys(readlink(path, buf, size - 1));
	buf[n > 0 ? n : 0] = '\0';
	return n;
}

static mode_t link_mode(int fd)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return lstat(path, &st) < 0 ? 0 : st.st_mode;
}

static bool fd_listed(int fd)
{
	char name[16];
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	bool found = false;

	snprintf(name, sizeof(name), "%d", fd);
	while (d && (e = readdir(d)))
		found |= !strcmp(e->d_name, name);
	if (d)
		closedir(d);
	return found;
}

void test_fds(void)
{
	char path[96], buf[256], fdpath[64];
	struct stat a, b;
	int ro, rw, again;
	long n;

	snprintf(path, sizeof(path), "%s/file", scratch);
	/* High numbers: a directory opened later cannot take the number of one closed. */
	if ((rw = open(path, O_CREAT | O_RDWR, 0644)) < 0 || (ro = open(path, O_RDONLY)) < 0 ||
	    (rw = fcntl(rw, F_DUPFD, 40)) < 0 || (ro = fcntl(ro, F_DUPFD, 50)) < 0)
		fatal("open %s -> %s", path, res(-errno));
	n = link_of(ro, buf, sizeof(buf));
	report("readlink /proc/self/fd/<fd> -> %s, the path opened: %s", res(n),
	       yes_no(!strcmp(buf, path)));
	report("fd links: read-only lr-x------: %s, read-write lrwx------: %s",
	       yes_no(link_mode(ro) == (S_IFLNK | 0500)),
	       yes_no(link_mode(rw) == (S_IFLNK | 0700)));
	report("/proc/self/fd is dr-x------: %s",
	       yes_no(!stat("/proc/self/fd", &a) && a.st_mode == (S_IFDIR | 0500)));
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", ro);
	again = open(fdpath, O_RDONLY);
	report("open /proc/self/fd/<fd> -> %s, the same file: %s", res(sys(again)),
	       yes_no(again >= 0 && !fstat(again, &a) && !fstat(ro, &b) && a.st_ino == b.st_ino));
	close(again);
	report("getdents /proc/self/fd lists it: %s", yes_no(fd_listed(ro)));
	unlink(path);
	snprintf(path + strlen(path), sizeof(path) - strlen(path), " (deleted)");
	report("after unlink the link reads the path and \" (deleted)\": %s",
	       yes_no(link_of(ro, buf, sizeof(buf)) > 0 && !strcmp(buf, path)));
	close(ro);
	n = link_of(ro, buf, sizeof(buf));
	report("after close getdents no longer lists it: %s, readlink -> %s",
	       yes_no(!fd_listed(ro)), res(n));
	close(rw);
}
