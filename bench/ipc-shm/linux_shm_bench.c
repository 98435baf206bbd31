/*
 * The Linux side of ipc-shm's benchmark: the same workloads through Linux's
 * own shmget/shmat/shmdt/shmctl on this machine, to be run side by side
 * with ipc-shm's (see docs/benchmarks.md). Each figure is the median of
 * REPEAT runs; the machine is shared and noisy, so compare medians taken in
 * one session.
 *
 *   cycle     shmget(IPC_PRIVATE, 4 KiB) + shmat + write one byte + shmdt +
 *             IPC_RMID, per cycle
 *   at_dt     shmat + shmdt of an existing 4 KiB segment, per pair
 *   key_N     shmget(existing key, 0, 0) of one key, with N segments in the
 *             namespace (N = 16, 1024, 32768; needs shmmni >= N: run it in
 *             a fresh IPC namespace as root, as run-linux.sh does): the
 *             cost of the lookup itself, which must not grow with N
 *   key_N_rand the same with a random one of the N keys each time: adds
 *             the cache misses of touching N segments
 *   touch64   shmat of a 64 MiB segment + first write to each 4 KiB page
 *
 * Output: one "name value unit" line per figure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <time.h>

#define REPEAT 7
#define PAGE 4096ul

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return v[n / 2];
}

static void die(const char *what)
{
	fprintf(stderr, "linux_shm_bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* ns per get+at+touch+dt+rmid cycle. */
static double bench_cycle(long n)
{
	double t0 = now_ns();

	for (long i = 0; i < n; i++) {
		int id = shmget(IPC_PRIVATE, PAGE, 0600);
		char *p;

		if (id < 0)
			die("shmget");
		p = shmat(id, NULL, 0);
		if (p == (void *)-1)
			die("shmat");
		p[0] = 1;
		if (shmdt(p) || shmctl(id, IPC_RMID, NULL))
			die("shmdt/rmid");
	}
	return (now_ns() - t0) / n;
}

/* ns per shmat+shmdt pair. */
static double bench_at_dt(long n)
{
	int id = shmget(IPC_PRIVATE, PAGE, 0600);
	double t0, t;

	if (id < 0)
		die("shmget");
	t0 = now_ns();
	for (long i = 0; i < n; i++) {
		void *p = shmat(id, NULL, 0);

		if (p == (void *)-1 || shmdt(p))
			die("shmat/shmdt");
	}
	t = (now_ns() - t0) / n;
	shmctl(id, IPC_RMID, NULL);
	return t;
}

/* ns per shmget of an existing key, with 'nseg' segments present. */
static double bench_key(int nseg, long n, bool hot)
{
	int *ids = malloc(sizeof(int) * (size_t)nseg);
	uint32_t x = 12345;
	double t0, t;

	if (!ids)
		die("malloc");
	for (int i = 0; i < nseg; i++) {
		ids[i] = shmget(0x5000 + i, 1, IPC_CREAT | 0600);
		if (ids[i] < 0) {
			for (int j = 0; j < i; j++)
				shmctl(ids[j], IPC_RMID, NULL);
			free(ids);
			return -1; /* shmmni too low: reported as skipped */
		}
	}
	t0 = now_ns();
	for (long i = 0; i < n; i++) {
		x = hot ? (uint32_t)nseg / 2 : x * 1103515245u + 12345u;
		if (shmget(0x5000 + (int)(x % (uint32_t)nseg), 0, 0) < 0)
			die("shmget existing");
	}
	t = (now_ns() - t0) / n;
	for (int i = 0; i < nseg; i++)
		shmctl(ids[i], IPC_RMID, NULL);
	free(ids);
	return t;
}

/* ns for attaching 64 MiB and touching each page once. */
static double bench_touch64(void)
{
	size_t len = 64ul << 20;
	int id = shmget(IPC_PRIVATE, len, 0600);
	double t0, t;
	char *p;

	if (id < 0)
		die("shmget 64 MiB");
	t0 = now_ns();
	p = shmat(id, NULL, 0);
	if (p == (void *)-1)
		die("shmat 64 MiB");
	for (size_t off = 0; off < len; off += PAGE)
		p[off] = 1;
	t = now_ns() - t0;
	shmdt(p);
	shmctl(id, IPC_RMID, NULL);
	return t;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 20000;
	static const int nsegs[] = {16, 1024, 32768};
	double v[REPEAT];

	for (int r = 0; r < REPEAT; r++)
		v[r] = bench_cycle(n);
	printf("cycle %.0f ns\n", median(v, REPEAT));
	for (int r = 0; r < REPEAT; r++)
		v[r] = bench_at_dt(n);
	printf("at_dt %.0f ns\n", median(v, REPEAT));
	for (int hot = 1; hot >= 0; hot--) {
		for (size_t k = 0; k < sizeof(nsegs) / sizeof(nsegs[0]); k++) {
			for (int r = 0; r < REPEAT; r++)
				v[r] = bench_key(nsegs[k], 10 * n, hot);
			if (v[0] < 0)
				printf("key_%d%s skipped (shmmni below %d)\n", nsegs[k], hot ? "" : "_rand",
				       nsegs[k]);
			else
				printf("key_%d%s %.1f ns\n", nsegs[k], hot ? "" : "_rand",
				       median(v, REPEAT));
		}
	}
	for (int r = 0; r < REPEAT; r++)
		v[r] = bench_touch64();
	printf("touch64 %.0f us\n", median(v, REPEAT) / 1000);
	return 0;
}
