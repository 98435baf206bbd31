/*
 * shmscale: how shmat + shmdt scales with CPUs, where the program runs (the
 * kit or Linux, same static binary). P processes, each pinned to CPU
 * i % (CPUs it may use) and attaching and detaching its own 4 KiB segment
 * n times, all at once (they start together on a pipe). Prints each
 * process's wall time per pair (CLOCK_MONOTONIC) and their mean; run it
 * with P = 1 and P = 2 on a 2-CPU machine and divide: 1.0 is perfect
 * scaling, 2.0 none at all. -u: each process in an IPC namespace of its own
 * (unshare(CLONE_NEWIPC)), so that the processes share no shm lock at all.
 *
 *   shmscale [-u] [-p processes] [-n pairs]  (default 1 process, 20000 pairs)
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_PROCS 64

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

static int pairs(int id, long n)
{
	for (long i = 0; i < n; i++) {
		void *a = shmat(id, NULL, 0);

		if (a == (void *)-1 || shmdt(a) != 0)
			return -1;
	}
	return 0;
}

static int own_ns;

/* Child i: pin, make its segment, warm up, say ready, wait for go, time n pairs, report. */
static void child(int i, long n, int ready, int go, int out)
{
	cpu_set_t mine, all;
	unsigned long long t0, ns;
	int id, cpu, k = 0;
	char c;

	CPU_ZERO(&mine);
	if (sched_getaffinity(0, sizeof(all), &all) == 0) {
		for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
			if (CPU_ISSET(cpu, &all) && k++ == i % CPU_COUNT(&all))
				break;
		CPU_SET(cpu, &mine);
		if (sched_setaffinity(0, sizeof(mine), &mine) != 0)
			perror("shmscale: sched_setaffinity");
	}
	if (own_ns && unshare(CLONE_NEWIPC) != 0) {
		perror("shmscale: unshare(CLONE_NEWIPC)");
		_exit(1);
	}
	id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	if (id < 0 || pairs(id, n / 10 + 1) != 0) {
		perror("shmscale: shmget/shmat/shmdt");
		_exit(1);
	}
	if (write(ready, "r", 1) != 1 || read(go, &c, 1) != 1)
		_exit(1);
	t0 = now_ns();
	if (pairs(id, n) != 0) {
		perror("shmscale: shmat/shmdt");
		_exit(1);
	}
	ns = now_ns() - t0;
	shmctl(id, IPC_RMID, NULL);
	if (write(out, &ns, sizeof(ns)) != sizeof(ns))
		_exit(1);
	_exit(0);
}

int main(int argc, char **argv)
{
	int procs = 1, opt, ready[2], go[2], out[2], st, bad = 0;
	long n = 20000;
	double sum = 0;
	char c;

	while ((opt = getopt(argc, argv, "up:n:")) != -1) {
		if (opt == 'u')
			own_ns = 1;
		else if (opt == 'p')
			procs = atoi(optarg);
		else if (opt == 'n')
			n = strtol(optarg, NULL, 10);
		else
			procs = 0;
	}
	if (procs < 1 || procs > MAX_PROCS || n < 1) {
		fprintf(stderr, "usage: shmscale [-u] [-p processes (1-%d)] [-n pairs]\n",
		        MAX_PROCS);
		return 2;
	}
	if (pipe(ready) || pipe(go) || pipe(out))
		return 1;
	fflush(stdout);
	for (int i = 0; i < procs; i++)
		if (fork() == 0)
			child(i, n, ready[1], go[0], out[1]);
	for (int i = 0; i < procs; i++)
		if (read(ready[0], &c, 1) != 1)
			return 1;
	for (int i = 0; i < procs; i++)
		if (write(go[1], "g", 1) != 1)
			return 1;
	printf("shmscale: %d processes%s, %ld shmat+shmdt pairs each, ns per pair:", procs,
	       own_ns ? " (own IPC namespaces)" : "", n);
	for (int i = 0; i < procs; i++) {
		unsigned long long ns;

		if (read(out[0], &ns, sizeof(ns)) != sizeof(ns))
			return 1;
		sum += (double)ns / (double)n;
		printf(" %.0f", (double)ns / (double)n);
	}
	for (int i = 0; i < procs; i++)
		if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
			bad++;
	printf("; mean %.0f\n", sum / procs);
	return bad ? 1 : 0;
}
