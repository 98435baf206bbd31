/*
 * affinity: sched_getaffinity, sched_setaffinity and getcpu as Linux
 * answers them (a plain Linux program), on a machine of several CPUs:
 * the set is every online CPU and sysconf(_SC_NPROCESSORS_ONLN) agrees;
 * the errnos of each call in Linux's order; a process pinned to each CPU
 * in turn runs there; a child inherits its parent's set; another user
 * may not change a root process's set. Prints one line per check and a
 * summary; exits 0 when every check passed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures;

static void check(int ok, const char *what)
{
	printf("affinity: %s: %s\n", what, ok ? "ok" : "FAILED");
	failures += !ok;
}

/* The raw calls: glibc's wrappers hide the getaffinity size and fill the rest. */
static long get_raw(pid_t pid, size_t len, void *mask)
{
	return syscall(SYS_sched_getaffinity, pid, len, mask);
}

static long set_raw(pid_t pid, size_t len, const void *mask)
{
	return syscall(SYS_sched_setaffinity, pid, len, mask);
}

static int fails_with(long rc, int err)
{
	return rc == -1 && errno == err;
}

static int on_cpu(void)
{
	unsigned cpu = ~0u;

	return syscall(SYS_getcpu, &cpu, NULL, NULL) == 0 ? (int)cpu : -1;
}

static void check_errnos(void)
{
	unsigned long mask[16];
	unsigned long one = 1;

	check(fails_with(get_raw(0, 0, mask), EINVAL), "getaffinity, size 0 -> EINVAL");
	check(fails_with(get_raw(0, 12, mask), EINVAL),
	      "getaffinity, size not a multiple of a long -> EINVAL");
	check(fails_with(get_raw(999999, sizeof(mask), mask), ESRCH),
	      "getaffinity, no such pid -> ESRCH");
	check(fails_with(get_raw(-1, sizeof(mask), mask), ESRCH), "getaffinity, pid -1 -> ESRCH");
	check(fails_with(get_raw(0, sizeof(mask), (void *)8), EFAULT),
	      "getaffinity, bad buffer -> EFAULT");
	check(fails_with(set_raw(0, sizeof(one), (void *)8), EFAULT),
	      "setaffinity, bad buffer -> EFAULT");
	check(fails_with(set_raw(999999, sizeof(one), &one), ESRCH),
	      "setaffinity, no such pid -> ESRCH");
	one = 0;
	check(fails_with(set_raw(0, sizeof(one), &one), EINVAL),
	      "setaffinity, empty set -> EINVAL");
	one = 1ul << 63;
	check(fails_with(set_raw(0, sizeof(one), &one), EINVAL),
	      "setaffinity, only an offline cpu -> EINVAL");
}

static void check_pinning(int ncpus)
{
	cpu_set_t set;
	unsigned char one;
	int where = 0;

	for (int c = 0; c < ncpus; c++) {
		CPU_ZERO(&set);
		CPU_SET(c, &set);
		if (sched_setaffinity(0, sizeof(set), &set) == 0 && on_cpu() == c)
			where++;
	}
	printf("affinity: pinned to each of %d cpus in turn, ran there %d times\n", ncpus, where);
	failures += where != ncpus;
	/* A one-byte set is zero-extended: cpu 0 alone. */
	one = 1;
	check(set_raw(0, 1, &one) == 0 && sched_getaffinity(0, sizeof(set), &set) == 0 &&
	          CPU_COUNT(&set) == 1 && CPU_ISSET(0, &set) && on_cpu() == 0,
	      "setaffinity with a one-byte set: cpu 0 alone");
}

static void check_children(cpu_set_t *all)
{
	cpu_set_t set;
	pid_t c;
	int st;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	sched_setaffinity(0, sizeof(set), &set);
	fflush(stdout);
	c = fork();
	if (c == 0) {
		cpu_set_t got;
		_exit(sched_getaffinity(0, sizeof(got), &got) == 0 && CPU_EQUAL(&got, &set) ? 0
		                                                                            : 1);
	}
	check(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "a child inherits its parent's set");
	sched_setaffinity(0, sizeof(*all), all);
	fflush(stdout);
	c = fork();
	if (c == 0) {
		pid_t parent = getppid();
		if (setuid(1000) != 0)
			_exit(2);
		_exit(fails_with(sched_setaffinity(parent, sizeof(set), &set), EPERM) ? 0 : 1);
	}
	check(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "another user sets root's set -> EPERM");
}

int main(void)
{
	cpu_set_t all;
	unsigned long raw[16];
	long size;
	int ncpus;

	printf("affinity: start\n");
	if (sched_getaffinity(0, sizeof(all), &all) != 0) {
		perror("affinity: sched_getaffinity");
		return 1;
	}
	ncpus = CPU_COUNT(&all);
	printf("affinity: %d cpus in the set, sysconf(_SC_NPROCESSORS_ONLN) %ld\n", ncpus,
	       sysconf(_SC_NPROCESSORS_ONLN));
	failures += sysconf(_SC_NPROCESSORS_ONLN) != ncpus;
	for (int c = 0; c < ncpus; c++)
		failures += !CPU_ISSET(c, &all); /* the first ncpus: no CPU is offline */
	size = get_raw(0, sizeof(raw), raw);
	check(size > 0 && size <= (long)sizeof(raw) && size % sizeof(long) == 0,
	      "getaffinity returns the kernel's mask size");
	check_errnos();
	check_pinning(ncpus);
	check_children(&all);
	printf("affinity: %d failed\n", failures);
	return failures != 0;
}
