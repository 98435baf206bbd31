/*
 * Placement micro-benchmark (host): what it costs addr-space to find room
 * for one more area as a space fills up, the way a program calling shmat or
 * mmap without an address thousands of times makes it do.
 *
 * For each N, a fresh space gets N one-page areas placed by the space
 * (as_map without an address, an object-backed backend, so that no two
 * merge: each is an area, as each shmat is), then a second round of
 * placements after every other area is unmapped (the space full of holes
 * a free-area search must look past). Printed: ns per placement for the
 * first 1000, the last 1000, and all N; the hole round likewise; and ns per
 * unmap of those N/2 areas. Each
 * figure is the median of RUNS runs. Nothing is faulted in: the page table
 * only gets its splits, so the figure is the area bookkeeping. The RAM is
 * written once before, so that the host's first-touch faults on it (its
 * own lazy allocation) do not land in the timed loops.
 *
 *   make bench     (no sanitizers; prints the figures)
 */
#include "fake_hal.h"
#include <addr-space/addr_space.h>
#include <klib/errno.h>
#include <klib/port.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RUNS 5
#define PG   4096ul

void klib_port_write(const char *s, size_t len)
{
	fwrite(s, 1, len, stderr);
}

void klib_port_panic(void)
{
	abort();
}

static int never_fault(struct as_area *a, uint64_t pgoff, unsigned access, paddr_t *pa)
{
	(void)a;
	(void)pgoff;
	(void)access;
	(void)pa;
	return -EFAULT;
}

static const struct as_backend object = {.name = "bench-object", .fault = never_fault};

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v)
{
	qsort(v, RUNS, sizeof(double), cmp);
	return v[RUNS / 2];
}

static void place(struct addr_space *as, uintptr_t *at)
{
	int rc =
	    as_map(as, 0, PG, AS_PROT_READ | AS_PROT_USER, AS_MAP_SHARED, &object, NULL, 0, at);

	if (rc) {
		fprintf(stderr, "bench-placement: as_map failed: %d\n", rc);
		exit(1);
	}
}

/* N placements into an empty space, then N/2 into its holes; ns per placement. */
static void one_run(size_t n, uintptr_t *at, double out[5])
{
	struct addr_space *as;
	double t0, t1, t2, t3, t4;

	if (as_create(&as)) {
		fprintf(stderr, "bench-placement: as_create failed\n");
		exit(1);
	}
	t0 = now_ns();
	for (size_t i = 0; i < 1000; i++)
		place(as, &at[i]);
	t1 = now_ns();
	for (size_t i = 1000; i < n - 1000; i++)
		place(as, &at[i]);
	t2 = now_ns();
	for (size_t i = n - 1000; i < n; i++)
		place(as, &at[i]);
	t3 = now_ns();
	for (size_t i = 0; i < n; i += 2)
		as_unmap(as, at[i], PG);
	t4 = now_ns();
	for (size_t i = 0; i < n; i += 2)
		place(as, &at[i]);
	out[0] = (t1 - t0) / 1000;
	out[1] = (t3 - t2) / 1000;
	out[2] = (t3 - t0) / (double)n;
	out[3] = (now_ns() - t4) / (double)(n / 2);
	out[4] = (t4 - t3) / (double)(n / 2);
	as_destroy(as);
}

int main(int argc, char **argv)
{
	static const size_t sizes[] = {2000, 5000, 20000, 65000};
	static uintptr_t at[65000];
	size_t max = argc > 1 ? strtoul(argv[1], NULL, 0) : 65000;
	paddr_t base = (paddr_t)(uintptr_t)fake_hal_ram(256u << 20, 2u << 20);

	/* Touched once first: the host's own page faults on fresh RAM are not the kit's cost. */
	memset((void *)(uintptr_t)base, 0, 256u << 20);
	if (page_alloc_add_range(base, 256u << 20)) {
		fprintf(stderr, "bench-placement: page_alloc_add_range failed\n");
		return 1;
	}
	printf("%8s %12s %12s %12s %16s %10s   (ns per call, median of %d)\n", "areas",
	       "first 1000", "last 1000", "all", "into the holes", "unmap", RUNS);
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]) && sizes[s] <= max; s++) {
		double r[5][RUNS], v[5];

		for (int run = 0; run < RUNS; run++) {
			double o[5];

			one_run(sizes[s], at, o);
			for (int k = 0; k < 5; k++)
				r[k][run] = o[k];
		}
		for (int k = 0; k < 5; k++)
			v[k] = median(r[k]);
		printf("%8zu %12.0f %12.0f %12.0f %16.0f %10.0f\n", sizes[s], v[0], v[1], v[2],
		       v[3], v[4]);
		fflush(stdout);
	}
	return 0;
}
