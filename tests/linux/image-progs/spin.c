/*
 * Preemption and FP state across processes in the image:
 * - two children compute with doubles and yield in between; each checks
 *   its own FP results bit for bit (the kernel saves FP registers only
 *   when a process dirtied them, so a missed save shows here);
 * - a third child spins in user mode without ever making a system call;
 *   the parent still runs (the timer preempts user mode), kills it with
 *   SIGKILL and sees that in wait4.
 */
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int fp_child(double seed)
{
	volatile double x = seed, y = 0;

	for (int i = 0; i < 2000; i++) {
		y = y * 0.5 + x * 1.25;
		x = x + 1.0 / (i + 1);
		if (i % 50 == 0)
			sched_yield();
	}
	/* The same computation with no yields in between must give the same bits. */
	double rx = seed, ry = 0;
	for (int i = 0; i < 2000; i++) {
		ry = ry * 0.5 + rx * 1.25;
		rx = rx + 1.0 / (i + 1);
	}
	return memcmp((const void *)&y, &ry, sizeof(ry)) ||
	       memcmp((const void *)&x, &rx, sizeof(rx));
}

static const char *status(int st)
{
	static char buf[32];

	if (WIFEXITED(st))
		snprintf(buf, sizeof(buf), "exited %d", WEXITSTATUS(st));
	else
		snprintf(buf, sizeof(buf), "killed by signal %d", WTERMSIG(st));
	return buf;
}

int main(void)
{
	pid_t a, b, c;
	int st;

	fflush(stdout);
	if ((a = fork()) == 0)
		_exit(fp_child(3.0));
	if ((b = fork()) == 0)
		_exit(fp_child(-7.5));
	if ((c = fork()) == 0)
		for (;;)
			; /* no system call, ever */
	waitpid(a, &st, 0);
	printf("spin: FP child 1 %s\n", status(st));
	waitpid(b, &st, 0);
	printf("spin: FP child 2 %s\n", status(st));
	struct timespec ms = {0, 20 * 1000 * 1000};
	nanosleep(&ms, NULL); /* only returns if the spinner is preempted */
	kill(c, SIGKILL);
	waitpid(c, &st, 0);
	printf("spin: spinner %s\n", status(st));
	return 0;
}
