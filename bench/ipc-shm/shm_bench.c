/*
 * ipc-shm against Linux, side by side in one run: the same workloads
 * through Linux's system calls and through ipc-shm over the real memory
 * components on the host (bench_side.h). For each figure the two sides
 * alternate, REPEAT runs each; the figure is the median, and the ratio is
 * Linux's median over ours.
 *
 *   cycle       shmget(IPC_PRIVATE, 4 KiB) + shmat + write one byte + shmdt +
 *               IPC_RMID, per cycle
 *   at_dt       shmat + shmdt of an existing 4 KiB segment, per pair
 *   key_N       shmget(existing key, 0, 0) of one key with N segments in the
 *               namespace (N = 16, 1024, 32768): the lookup itself
 *   key_N_rand  the same with a random one of the N keys each time: adds the
 *               cache misses of touching N segments' records
 *               (both after one untimed lookup of every key: steady state)
 *   touch64     shmat of a 64 MiB segment + first write to each 4 KiB page,
 *               per attach (and per page)
 *
 *   bench-ipc-shm [iterations [linux|ipc-shm|both [figure]]]   (make bench-shm)
 *
 * A side or a figure given: only that one (for perf record and the like).
 *
 * Linux's side needs root for the 32768-segment lookups (a fresh IPC
 * namespace with shmmni = 32768); without it those rows show "-".
 */
#include "bench_side.h"
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <time.h>
#include <unistd.h>

#define REPEAT    7
#define PAGE      4096ul
#define KEY_BASE  0x5000
#define KIT_MORE  10 /* ours runs this many times more iterations: it is that much faster */
#define SETTLE_US 50000

static const struct bench_side *sides[2] = {&bench_kit, &bench_linux};
static bool side_on[2] = {true, true};

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

static void die(const struct bench_side *s, const char *what)
{
	fprintf(stderr, "bench-ipc-shm: %s: %s failed\n", s->name, what);
	exit(1);
}

/* ns per get+at+touch+dt+rmid cycle. */
static double bench_cycle(const struct bench_side *s, long n)
{
	double t0 = now_ns();

	for (long i = 0; i < n; i++) {
		int id = s->get(IPC_PRIVATE, PAGE, 0600);
		uintptr_t p;

		if (id < 0)
			die(s, "get");
		p = s->at(id);
		if (!p)
			die(s, "at");
		s->touch(p);
		if (s->dt(p) || s->rmid(id))
			die(s, "dt/rmid");
	}
	return (now_ns() - t0) / n;
}

/* ns per at+dt pair. */
static double bench_at_dt(const struct bench_side *s, long n)
{
	int id = s->get(IPC_PRIVATE, PAGE, 0600);
	double t0, t;

	if (id < 0)
		die(s, "get");
	t0 = now_ns();
	for (long i = 0; i < n; i++) {
		uintptr_t p = s->at(id);

		if (!p || s->dt(p))
			die(s, "at/dt");
	}
	t = (now_ns() - t0) / n;
	s->rmid(id);
	return t;
}

/* ns per get of an existing key with 'nseg' segments present; -1 if shmmni is too low. */
static double bench_key(const struct bench_side *s, int nseg, long n, bool hot)
{
	int *ids = malloc(sizeof(int) * (size_t)nseg);
	uint32_t x = 12345;
	double t0, t;

	if (!ids)
		die(s, "malloc");
	if (s->shmmni() < nseg) {
		free(ids);
		return -1;
	}
	for (int i = 0; i < nseg; i++) {
		ids[i] = s->get(KEY_BASE + i, 1, IPC_CREAT | 0600);
		if (ids[i] < 0)
			die(s, "get IPC_CREAT");
	}
	/* Steady state: every key looked up once before the clock starts (the caches are warm). */
	for (int i = 0; i < nseg; i++)
		if (s->get(KEY_BASE + i, 0, 0) != ids[i])
			die(s, "get existing");
	t0 = now_ns();
	for (long i = 0; i < n; i++) {
		x = hot ? (uint32_t)nseg / 2 : x * 1103515245u + 12345u;
		if (s->get(KEY_BASE + (int)(x % (uint32_t)nseg), 0, 0) < 0)
			die(s, "get existing");
	}
	t = (now_ns() - t0) / n;
	for (int i = 0; i < nseg; i++)
		s->rmid(ids[i]);
	free(ids);
	return t;
}

/* ns to attach 64 MiB and touch each page once. */
static double bench_touch64(const struct bench_side *s)
{
	size_t len = 64ul << 20;
	int id = s->get(IPC_PRIVATE, len, 0600);
	double t0, t;
	uintptr_t p;

	if (id < 0)
		die(s, "get 64 MiB");
	t0 = now_ns();
	p = s->at(id);
	if (!p)
		die(s, "at 64 MiB");
	for (size_t off = 0; off < len; off += PAGE)
		s->touch(p + off);
	t = now_ns() - t0;
	if (s->dt(p) || s->rmid(id))
		die(s, "dt/rmid 64 MiB");
	return t;
}

enum workload { CYCLE, AT_DT, KEY, KEY_RAND, TOUCH64 };

struct figure {
	const char *name;
	enum workload w;
	int nseg;
	double unit; /* ns per printed unit */
	const char *unit_name;
	double med[2]; /* per side; < 0: skipped */
};

static double run_once(const struct bench_side *s, const struct figure *f, long n)
{
	switch (f->w) {
	case CYCLE:
		return bench_cycle(s, n);
	case AT_DT:
		return bench_at_dt(s, n);
	case KEY:
		return bench_key(s, f->nseg, 10 * n, true);
	case KEY_RAND:
		return bench_key(s, f->nseg, 10 * n, false);
	case TOUCH64:
		return bench_touch64(s);
	}
	return -1;
}

/* REPEAT runs of each side, alternating; the medians. */
static void measure(struct figure *f, long n)
{
	double v[2][REPEAT];

	for (int r = 0; r < REPEAT; r++) {
		for (int k = 0; k < 2; k++) {
			if (!side_on[k])
				continue;
			v[k][r] = run_once(sides[k], f, k == 0 ? n * KIT_MORE : n);
			/*
			 * Let the kernel finish what it defers (RCU frees of the
			 * segments just removed) before the other side's clock runs.
			 */
			usleep(SETTLE_US);
		}
	}
	for (int k = 0; k < 2; k++) {
		f->med[k] = -1;
		if (!side_on[k] || v[k][0] < 0)
			continue;
		qsort(v[k], REPEAT, sizeof(double), cmp_double);
		f->med[k] = v[k][REPEAT / 2];
	}
}

static void print_value(double ns, const struct figure *f)
{
	char buf[32];

	if (ns < 0)
		snprintf(buf, sizeof(buf), "-");
	else
		snprintf(buf, sizeof(buf), "%.*f %s", ns / f->unit < 100 ? 1 : 0, ns / f->unit,
		         f->unit_name);
	printf(" %14s", buf);
}

static void print_figure(const struct figure *f)
{
	printf("%-16s", f->name);
	print_value(f->med[0], f);
	print_value(f->med[1], f);
	if (f->med[0] > 0 && f->med[1] > 0)
		printf(" %11.1fx", f->med[1] / f->med[0]);
	if (f->w == TOUCH64 && f->med[0] > 0 && f->med[1] > 0)
		printf("   per page: %.0f ns / %.0f ns", f->med[0] / 16384, f->med[1] / 16384);
	printf("\n");
}

static void print_growth(const char *name, const struct figure *small, const struct figure *big)
{
	printf("%-16s", name);
	for (int k = 0; k < 2; k++) {
		if (small->med[k] > 0 && big->med[k] > 0)
			printf(" %13.2fx", big->med[k] / small->med[k]);
		else
			printf(" %14s", "-");
	}
	printf("\n");
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 5000;
	struct figure figs[] = {
	    {"cycle", CYCLE, 0, 1, "ns", {0}},
	    {"at_dt", AT_DT, 0, 1, "ns", {0}},
	    {"key_16", KEY, 16, 1, "ns", {0}},
	    {"key_1024", KEY, 1024, 1, "ns", {0}},
	    {"key_32768", KEY, 32768, 1, "ns", {0}},
	    {"key_16_rand", KEY_RAND, 16, 1, "ns", {0}},
	    {"key_1024_rand", KEY_RAND, 1024, 1, "ns", {0}},
	    {"key_32768_rand", KEY_RAND, 32768, 1, "ns", {0}},
	    {"touch64", TOUCH64, 0, 1e6, "ms", {0}},
	};
	const size_t nfigs = sizeof(figs) / sizeof(figs[0]);

	const char *side = argc > 2 ? argv[2] : "both", *only = argc > 3 ? argv[3] : NULL;

	if (n <= 0 || (strcmp(side, "linux") && strcmp(side, "ipc-shm") && strcmp(side, "both"))) {
		fprintf(stderr, "usage: %s [iterations [linux|ipc-shm|both [figure]]]\n", argv[0]);
		return 2;
	}
	for (int k = 0; k < 2; k++) {
		const char *why;

		if (strcmp(side, "both") && strcmp(side, sides[k]->name))
			side_on[k] = false;
		else if ((why = sides[k]->init())) {
			fprintf(stderr, "bench-ipc-shm: %s: %s\n", sides[k]->name, why);
			side_on[k] = false;
		}
	}
	printf(
	    "# %ld iterations (ours %dx more), medians of %d alternating runs; shmmni %ld / %ld\n",
	    n, KIT_MORE, REPEAT, side_on[0] ? sides[0]->shmmni() : 0,
	    side_on[1] ? sides[1]->shmmni() : 0);
	printf("%-16s %14s %14s %12s\n", "figure", sides[0]->name, sides[1]->name, "linux/ours");
	for (size_t i = 0; i < nfigs; i++) {
		if (only && strcmp(only, figs[i].name))
			continue;
		measure(&figs[i], n);
		print_figure(&figs[i]);
	}
	if (only)
		return 0;
	printf("%-16s %14s %14s\n", "growth", sides[0]->name, sides[1]->name);
	print_growth("key 32768/16", &figs[2], &figs[4]);
	print_growth("rand 32768/16", &figs[5], &figs[7]);
	return 0;
}
