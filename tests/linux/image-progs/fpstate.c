/* The user's floating-point state survives what the kernel does between
 * two of its instructions: a task switch to another process computing with
 * other values and another rounding mode, and signal handlers that compute
 * too (their frame must give the registers back). Each process repeats a
 * long chain of double arithmetic held in registers (no call inside, so
 * the compiler spills nothing) under a 1 ms interval timer, and compares
 * the result with the same chain computed before any of it began. */
#define _GNU_SOURCE
#include <fenv.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define STEPS 20000000

static volatile double sink;
static volatile long handled;

static double chain(double x)
{
	for (long i = 0; i < STEPS; i++)
		x = x * 1.0000001 + 0.3;
	return x;
}

/* Other values in the FP registers, and another rounding mode, while it runs. */
static void on_alarm(int sig)
{
	double a = sig * 0.1, b = 3.7;

	fesetround(FE_DOWNWARD);
	for (int i = 0; i < 200; i++) {
		a = a * 1.5 - b;
		b = b / 1.25 + a;
	}
	sink = a + b;
	handled++;
}

/* The chain under the timer; 0 if it came out as 'want', bit for bit. */
static int run(double seed, double want)
{
	struct itimerval t = {{0, 1000}, {0, 1000}};
	struct itimerval off;
	double got;

	memset(&off, 0, sizeof(off));
	setitimer(ITIMER_REAL, &t, NULL);
	got = chain(seed);
	setitimer(ITIMER_REAL, &off, NULL);
	return memcmp(&got, &want, sizeof(got)) != 0;
}

int main(void)
{
	double near, up;
	int bad, status = 0;
	pid_t c;

	signal(SIGALRM, on_alarm);
	near = chain(1.0);
	fesetround(FE_UPWARD);
	up = chain(2.0);
	fesetround(FE_TONEAREST);
	printf("fpstate: references differ: %s\n", memcmp(&near, &up, sizeof(near)) ? "yes" : "no");
	fflush(stdout);
	c = fork();
	if (c == 0) {
		fesetround(FE_UPWARD);
		_exit(run(2.0, up) || fegetround() != FE_UPWARD);
	}
	bad = run(1.0, near) || fegetround() != FE_TONEAREST;
	waitpid(c, &status, 0);
	printf("fpstate: parent's chain intact: %s, child's chain intact: %s, handlers ran: %s\n",
	       bad ? "no" : "yes", WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "yes" : "no",
	       handled > 0 ? "yes" : "no");
	return bad || status;
}
