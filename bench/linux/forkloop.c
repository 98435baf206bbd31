/*
 * forkloop: what creating and ending a process costs, where the program
 * runs (Linux or the kit, same binary). n times: fork, the child _exits at
 * once, the parent waits for it. Prints the time per fork+exit+wait
 * (CLOCK_MONOTONIC); bench_linux.py counts instructions from outside.
 *
 *   forkloop [-n forks]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long n = 100;
	int opt, st;

	while ((opt = getopt(argc, argv, "n:")) != -1) {
		if (opt != 'n' || (n = strtol(optarg, NULL, 10)) < 1) {
			fprintf(stderr, "usage: forkloop [-n forks]\n");
			return 2;
		}
	}
	fflush(stdout);
	unsigned long long t0 = now_ns();
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			printf("forkloop: fork: %s\n", strerror(errno));
			return 1;
		}
		if (pid == 0)
			_exit(0);
		if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			printf("forkloop: child %d: wait failed or bad status\n", (int)pid);
			return 1;
		}
	}
	unsigned long long t1 = now_ns();
	printf("forkloop: %ld forks, %.0f ns per fork+exit+wait\n", n,
	       (double)(t1 - t0) / (double)n);
	return 0;
}
