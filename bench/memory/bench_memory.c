/*
 * Memory micro-benchmark (host): ns per 4 KiB page to map and unmap 1 GiB
 * of Sv39 table, the same 1 GiB with 2 MiB pages, and ns per one-page
 * page_alloc/page_free. Each figure is the median of several runs. Frames
 * behind the mappings are not touched (only the tables are built).
 *
 *   make bench          (no sanitizers; prints the figures)
 */
#include "fake_hal.h"
#include <klib/port.h>
#include <paging/paging.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define RUNS 7
#define GIB  (1ull << 30)

void klib_port_write(const char *s, size_t len)
{
	fwrite(s, 1, len, stderr);
}

void klib_port_panic(void)
{
	abort();
}

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

static void check(int rc, const char *what)
{
	if (rc) {
		fprintf(stderr, "bench-memory: %s failed: %d\n", what, rc);
		exit(1);
	}
}

int main(void)
{
	double map4k[RUNS], unmap4k[RUNS], map1[RUNS], map2m[RUNS], unmap2m[RUNS], alloc1[RUNS];
	const uint64_t va = 0x40200000, pa = 0x100200000ull; /* 2 MiB- but not 1 GiB-aligned */
	const size_t pages = GIB / 4096;
	struct pt *pt;

	paddr_t base = (paddr_t)(uintptr_t)fake_hal_ram(256u << 20, 2u << 20);
	check(page_alloc_add_range(base, 256u << 20), "page_alloc_add_range");
	check(pt_create(&pt_format_sv39, &pt), "pt_create");

	for (int r = 0; r < RUNS; r++) {
		double t0 = now_ns();
		check(pt_map(pt, va, pa, GIB, PT_READ | PT_WRITE, 0), "map 4K");
		double t1 = now_ns();
		check(pt_unmap(pt, va, GIB, NULL, NULL), "unmap 4K");
		double t2 = now_ns();
		for (size_t i = 0; i < pages; i++)
			pt_map(pt, va + i * 4096, pa + i * 4096, 4096, PT_READ | PT_WRITE, 0);
		double t3 = now_ns();
		check(pt_unmap(pt, va, GIB, NULL, NULL), "unmap 4K");
		double t4 = now_ns();
		check(pt_map(pt, va, pa, GIB, PT_READ | PT_WRITE, PT_MAP_HUGE), "map 2M");
		double t5 = now_ns();
		check(pt_unmap(pt, va, GIB, NULL, NULL), "unmap 2M");
		double t6 = now_ns();
		map4k[r] = (t1 - t0) / pages;
		unmap4k[r] = (t2 - t1) / pages;
		map1[r] = (t3 - t2) / pages;
		map2m[r] = t5 - t4;
		unmap2m[r] = t6 - t5;
		if (pt_table_pages(pt) != 1) {
			fprintf(stderr, "bench-memory: tables leaked\n");
			return 1;
		}
	}
	for (int r = 0; r < RUNS; r++) {
		const int n = 1000000;
		double t0 = now_ns();
		for (int i = 0; i < n; i++)
			page_free(page_alloc(0), 0);
		alloc1[r] = (now_ns() - t0) / n;
	}
	double m4 = median(map4k), u4 = median(unmap4k), m2 = median(map2m), u2 = median(unmap2m);
	printf("bench-memory: median of %d runs, Sv39 table in host memory\n", RUNS);
	printf("map   1 GiB, 4 KiB pages, one call:      %8.2f ns/page  (%.2f ms)\n", m4,
	       m4 * pages / 1e6);
	printf("unmap 1 GiB, 4 KiB pages, one call:      %8.2f ns/page  (%.2f ms)\n", u4,
	       u4 * pages / 1e6);
	printf("map   1 GiB, 4 KiB pages, a call each:   %8.2f ns/page\n", median(map1));
	printf(
	    "map   1 GiB, 2 MiB pages:                %8.0f ns total (%.1fx faster than 4 KiB)\n",
	    m2, m4 * pages / m2);
	printf(
	    "unmap 1 GiB, 2 MiB pages:                %8.0f ns total (%.1fx faster than 4 KiB)\n",
	    u2, u4 * pages / u2);
	printf("page_alloc(0) + page_free:               %8.2f ns/pair\n", median(alloc1));
	pt_destroy(pt);
	return 0;
}
