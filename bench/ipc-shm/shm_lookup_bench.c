/*
 * ipc-shm's key lookup, the one workload that needs no real address space:
 * shm_get(existing key, 0, 0) with 16, 1024 and 32768 segments in the
 * namespace, one key over and over (key_N) and a random one each time
 * (key_N_rand), on the host with the unit tests' fake heap and pthread-mutex
 * locks (behind their lock-order checker). The rest of the comparison with
 * linux_shm_bench.c (cycle, at_dt, touch64) waits for the real addr-space
 * and page-alloc. Built in the unit-test tree; run-lookup.sh builds it
 * without sanitizers. Output: "key_N[_rand] value ns" lines, medians of 7 runs.
 */
#include "fake.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define REPEAT 7

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

static double bench_key(int nseg, long n, bool hot)
{
	struct shm_limits l;
	struct shm_ns *ns;
	struct fake_proc p;
	uint32_t x = 12345;
	double t0, t;

	shm_default_limits(&l);
	l.shmmni = CONFIG_IPC_SHM_IDS;
	ns = fake_ns(&l);
	fake_proc_init(&p, 1, 0, 0);
	for (int i = 0; i < nseg; i++)
		if (shm_get(ns, &p.c, 0x5000 + i, 1, IPC_CREAT | 0600) < 0)
			abort();
	t0 = now_ns();
	for (long i = 0; i < n; i++) {
		x = hot ? (uint32_t)nseg / 2 : x * 1103515245u + 12345u;
		if (shm_get(ns, &p.c, 0x5000 + (int)(x % (uint32_t)nseg), 0, 0) < 0)
			abort();
	}
	t = (now_ns() - t0) / n;
	fake_proc_exit(ns, &p);
	shm_ns_destroy(ns);
	return t;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 2000000;
	static const int nsegs[] = {16, 1024, 32768};

	for (int hot = 1; hot >= 0; hot--) {
		for (size_t k = 0; k < sizeof(nsegs) / sizeof(nsegs[0]); k++) {
			double v[REPEAT];

			for (int r = 0; r < REPEAT; r++)
				v[r] = bench_key(nsegs[k], n, hot);
			qsort(v, REPEAT, sizeof(v[0]), cmp_double);
			printf("key_%d%s %.1f ns\n", nsegs[k], hot ? "" : "_rand", v[REPEAT / 2]);
		}
	}
	return 0;
}
