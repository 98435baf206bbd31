/*
 * shm_bench: what System V shared memory costs a user program, per system
 * call pair, wherever the program runs (Linux, qemu-riscv64, the unikit
 * image). A static Linux program like shm_demo, with the same small set of
 * system calls (plus fork and wait4 for the rdinstret probe).
 *
 *   shm_bench [-n pairs] [-r rounds] [-c] [-i]
 *
 *   at_dt   shmat + shmdt of one existing 4 KiB segment, per pair
 *   cycle   (-c) shmget(IPC_PRIVATE, 4 KiB) + shmat + write one byte +
 *           shmdt + IPC_RMID, per cycle
 *
 * Each figure is the median over the rounds of (round time / pairs), timed
 * with clock_gettime(CLOCK_MONOTONIC). With -i (or SHM_BENCH_INSTRET=1 in
 * the environment) it also counts retired instructions per pair with
 * rdinstret, on riscv64 only. The counter counts the kernel's instructions
 * too, which is the point. It is trusted only after a check: a
 * child process reads it first (if the kernel has not enabled the counter
 * for user mode, scounteren.IR, rdinstret is an illegal instruction and
 * kills the child), then a loop of known length must read as that many
 * instructions. QEMU counts instructions only with -icount shift=0; without
 * it, and always under qemu-riscv64 user mode, the "counter" follows the
 * host clock, and the figure is skipped with the reason.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SEG_SIZE   4096
#define MAX_ROUNDS 101
#define LOOP_ITERS 100000 /* the calibration loop: 2 instructions each */

struct figure {
	double ns[MAX_ROUNDS];
	double instret[MAX_ROUNDS];
};

static bool use_instret; /* the counter passed its check */

__attribute__((noreturn)) static void die(const char *what)
{
	printf("shm_bench: %s -> %s\n", what,
	       strerrorname_np(errno) ? strerrorname_np(errno) : "?");
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#if defined(__riscv)
static inline uint64_t instret(void)
{
	uint64_t v;

	__asm__ volatile("rdinstret %0" : "=r"(v));
	return v;
}

/* Instructions the counter shows across a loop of 2 * iters + 1 (the
 * first rdinstret retires inside the window, the second does not). */
static uint64_t loop_instret(uint64_t iters)
{
	uint64_t a, b;

	__asm__ volatile("rdinstret %0\n"
	                 "1: addi %1, %1, -1\n"
	                 "bnez %1, 1b\n"
	                 "rdinstret %2"
	                 : "=&r"(a), "+r"(iters), "=&r"(b));
	return b - a;
}

/* Does rdinstret work here and count instructions? NULL if so, or why not. */
static const char *instret_check(char *why, size_t len)
{
	pid_t pid;
	int st;

	fflush(stdout); /* the child must not print our buffer again */
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		(void)instret();
		_exit(0);
	}
	if (waitpid(pid, &st, 0) != pid)
		die("waitpid");
	if (WIFSIGNALED(st)) {
		snprintf(why, len,
		         "rdinstret traps (the probe was killed by SIG%s): the kernel "
		         "has not enabled it for user mode",
		         sigabbrev_np(WTERMSIG(st)) ?: "?");
		return why;
	}
	/* The smallest of a few runs: an interrupt in one adds its handler. */
	uint64_t want = 2 * LOOP_ITERS + 1, best = UINT64_MAX;
	for (int i = 0; i < 5; i++) {
		uint64_t got = loop_instret(LOOP_ITERS);

		if (got < best)
			best = got;
	}
	if (best < want || best > want + 16) {
		snprintf(why, len,
		         "rdinstret does not count instructions (a loop of %llu reads as "
		         "%llu; QEMU counts them only with -icount shift=0, never in user mode)",
		         (unsigned long long)want, (unsigned long long)best);
		return why;
	}
	return NULL;
}
#else
static uint64_t instret(void)
{
	return 0;
}

static const char *instret_check(char *why, size_t len)
{
	snprintf(why, len, "rdinstret exists on riscv64 only");
	return why;
}
#endif

static void at_dt(int id, long n)
{
	for (long i = 0; i < n; i++) {
		void *p = shmat(id, NULL, 0);

		if (p == (void *)-1)
			die("shmat");
		if (shmdt(p) < 0)
			die("shmdt");
	}
}

static void cycle(long n)
{
	for (long i = 0; i < n; i++) {
		int id = shmget(IPC_PRIVATE, SEG_SIZE, IPC_CREAT | 0600);
		volatile char *p;

		if (id < 0)
			die("shmget");
		p = shmat(id, NULL, 0);
		if (p == (void *)-1)
			die("shmat");
		p[0] = 1;
		if (shmdt((void *)p) < 0)
			die("shmdt");
		if (shmctl(id, IPC_RMID, NULL) < 0)
			die("shmctl(IPC_RMID)");
	}
}

/* One round: time (and count) n repetitions of the workload. */
static void round_of(struct figure *f, int r, int id, long n)
{
	uint64_t i0 = use_instret ? instret() : 0, t0 = now_ns();

	if (id >= 0)
		at_dt(id, n);
	else
		cycle(n);
	uint64_t t1 = now_ns(), i1 = use_instret ? instret() : 0;
	f->ns[r] = (double)(t1 - t0) / (double)n;
	f->instret[r] = (double)(i1 - i0) / (double)n;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median, min and max of v[0..n), which it sorts. */
static void stats(double *v, int n, double *med, double *min, double *max)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	*med = v[n / 2];
	*min = v[0];
	*max = v[n - 1];
}

static void report(const char *name, const char *what, struct figure *f, int rounds)
{
	double med, min, max;

	stats(f->ns, rounds, &med, &min, &max);
	printf("shm_bench: %s: %.0f ns per %s (median of %d rounds; min %.0f, max %.0f)\n", name,
	       med, what, rounds, min, max);
	if (use_instret) {
		stats(f->instret, rounds, &med, &min, &max);
		printf("shm_bench: %s: %.0f instructions per %s (rdinstret; median of %d rounds; "
		       "min %.0f, max %.0f)\n",
		       name, med, what, rounds, min, max);
	}
}

__attribute__((noreturn)) static void usage(void)
{
	fprintf(stderr,
	        "usage: shm_bench [-n pairs per round] [-r rounds 1-%d] [-c] [-i]\n"
	        "  -c  also time the shmget+shmat+touch+shmdt+IPC_RMID cycle\n"
	        "  -i  also count instructions with rdinstret (riscv64; or SHM_BENCH_INSTRET=1)\n",
	        MAX_ROUNDS);
	exit(2);
}

static long number(const char *arg, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < 1 || v > max)
		usage();
	return v;
}

int main(int argc, char **argv)
{
	static struct figure f;
	long n = 10000;
	int rounds = 7, opt;
	bool want_cycle = false, want_instret = false;
	const char *env = getenv("SHM_BENCH_INSTRET");
	char why[200];

	while ((opt = getopt(argc, argv, "n:r:ci")) != -1) {
		switch (opt) {
		case 'n':
			n = number(optarg, 100000000);
			break;
		case 'r':
			rounds = (int)number(optarg, MAX_ROUNDS);
			break;
		case 'c':
			want_cycle = true;
			break;
		case 'i':
			want_instret = true;
			break;
		default:
			usage();
		}
	}
	if (optind < argc)
		usage();
	want_instret |= env && strcmp(env, "") != 0 && strcmp(env, "0") != 0;
	if (want_instret) {
		const char *no = instret_check(why, sizeof(why));

		use_instret = !no;
		printf("shm_bench: instret: %s\n",
		       no ? no : "counts instructions (checked on a loop)");
	}

	int id = shmget(IPC_PRIVATE, SEG_SIZE, IPC_CREAT | 0600);
	if (id < 0)
		die("shmget");
	printf("shm_bench: %d rounds of %ld, one %d-byte segment\n", rounds, n, SEG_SIZE);
	at_dt(id, n / 10 + 1); /* warm up: caches, page tables, the kernel's paths */
	for (int r = 0; r < rounds; r++)
		round_of(&f, r, id, n);
	if (shmctl(id, IPC_RMID, NULL) < 0)
		die("shmctl(IPC_RMID)");
	report("at_dt", "shmat+shmdt pair", &f, rounds);
	if (want_cycle) {
		for (int r = 0; r < rounds; r++)
			round_of(&f, r, -1, n);
		report("cycle", "shmget+shmat+touch+shmdt+IPC_RMID", &f, rounds);
	}
	return 0;
}
