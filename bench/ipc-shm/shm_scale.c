/*
 * How shmat + shmdt scales with CPUs: N host threads, each one CPU of an SMP
 * kernel (the unit tests' fake hal with CONFIG_SMP: a thread's struct
 * host_cpu is its CPU) and one process (its own address space and caller),
 * each attaching and detaching its own 4 KiB segment of one namespace, all
 * at once. The spaces hold nothing else; their page tables, made by the
 * warm-up's first attach, stay, so a pair takes (counted with a throwaway
 * build) no frame, the namespace's lock twice (the attach's lookup, the
 * detach that may be the last), the segment's own lock four times, and
 * page_lock twice (kmalloc and kfree of the area's record) without the
 * heap's per-CPU arrays, never with them.
 *
 * The second figure is the frame allocator's alone: page_alloc(0) +
 * page_free pairs on each CPU at once, page tables' and user pages' path.
 *
 *   bench-shm-scale [pairs [cpus...]]     (default 20000 pairs; 1 2 4 CPUs)
 *
 * Prints, per CPU count, the median over REPEAT runs of the cost of one
 * pair: the threads' CPU time per pair (CLOCK_THREAD_CPUTIME_ID: what the
 * work and any spinning cost, not time spent descheduled by a loaded host
 * or asleep on a pthread mutex), and wall time per pair per thread (what a
 * thread waits, lock sleeps included, and the host's own scheduling too).
 * bench/ipc-shm/shm_scale.py runs two builds of it (PAGE_ALLOC_PCP_HIGH and
 * PAGE_ALLOC_HEAP_PCP_HIGH 0, and the defaults) alternately and prints the
 * ratios.
 */
#include "fake_hal.h"
#include "host_ops.h"
#include <addr-space/addr_space.h>
#include <hal/cpu.h>
#include <hal/smp.h>
#include <ipc-shm/shm.h>
#include <klib/port.h>
#include <page-alloc/page_alloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define KIT_RAM (256ul << 20)
#define REPEAT  7

static struct shm_ns *ns;
static pthread_barrier_t start, stop;

struct worker {
	unsigned cpu;
	int id;
	long pairs;
	struct shm_task task;
	struct shm_caller caller;
	double cpu_ns, wall_ns;
};

void klib_port_write(const char *s, size_t len)
{
	fwrite(s, 1, len, stderr);
}

void klib_port_panic(void)
{
	abort();
}

static double clock_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static bool frames_only; /* the second figure: page_alloc(0) + page_free */

static void pairs(struct worker *w, long n)
{
	for (long i = 0; frames_only && i < n; i++) {
		paddr_t pa = page_alloc(0);

		if (pa == PADDR_NONE)
			abort();
		page_free(pa, 0);
	}
	for (long i = 0; !frames_only && i < n; i++) {
		intptr_t a = shm_at(ns, &w->caller, w->id, 0, 0);

		if (a < 0 || shm_dt(ns, &w->caller, (uintptr_t)a) != 0) {
			fprintf(stderr, "shm_scale: CPU %u: shmat/shmdt failed (%ld)\n", w->cpu,
			        (long)a);
			abort();
		}
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct host_cpu cpu = {.id = w->cpu};
	double c0, t0;

	host_cpu_tls = &cpu;
	host_shm_set_pid(w->caller.pid);
	pairs(w, w->pairs / 10 + 1); /* warm: caches, lists, the lazily built tables */
	pthread_barrier_wait(&start);
	c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	t0 = clock_ns(CLOCK_MONOTONIC);
	pairs(w, w->pairs);
	w->wall_ns = clock_ns(CLOCK_MONOTONIC) - t0;
	w->cpu_ns = clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
	pthread_barrier_wait(&stop);
	host_cpu_tls = NULL;
	return NULL;
}

/* One run on n CPUs: the mean over the threads of CPU and wall time per pair. */
static void run(unsigned n, long npairs, double *cpu_ns, double *wall_ns)
{
	/* A frame pair is ~10 times cheaper: as many times more, for the threads to overlap. */
	npairs *= frames_only ? 10 : 1;

	struct worker w[HAL_NR_CPUS];
	pthread_t t[HAL_NR_CPUS];

	pthread_barrier_init(&start, NULL, n);
	pthread_barrier_init(&stop, NULL, n);
	for (unsigned i = 0; i < n; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].cpu = i;
		w[i].pairs = npairs;
		w[i].caller.pid = (int32_t)(100 + i);
		shm_task_init(&w[i].task);
		w[i].caller.task = &w[i].task;
		host_shm_set_pid(w[i].caller.pid);
		if (as_create(&w[i].caller.as) != 0 ||
		    (w[i].id = shm_get(ns, &w[i].caller, IPC_PRIVATE, 4096, IPC_CREAT | 0600)) <
		        0) {
			fprintf(stderr, "shm_scale: no space or segment for CPU %u\n", i);
			exit(1);
		}
	}
	for (unsigned i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, worker_main, &w[i]) != 0)
			exit(1);
	*cpu_ns = *wall_ns = 0;
	for (unsigned i = 0; i < n; i++) {
		pthread_join(t[i], NULL);
		*cpu_ns += w[i].cpu_ns / (double)npairs / n;
		*wall_ns += w[i].wall_ns / (double)npairs / n;
	}
	for (unsigned i = 0; i < n; i++) {
		host_shm_set_pid(w[i].caller.pid);
		if (shm_ctl(ns, &w[i].caller, w[i].id, IPC_RMID, NULL) != 0)
			exit(1);
		shm_task_exit(ns, &w[i].task);
		as_destroy(w[i].caller.as);
	}
	pthread_barrier_destroy(&start);
	pthread_barrier_destroy(&stop);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	long npairs = argc > 1 ? atol(argv[1]) : 20000;
	unsigned cpus[8] = {1, 2, 4}, ncpus = 3;
	struct shm_limits limits;
	void *ram = fake_hal_ram(KIT_RAM, 2ul << 20);
	size_t free0;

	if (argc > 2)
		for (ncpus = 0; ncpus < 8 && (int)ncpus + 2 < argc; ncpus++)
			cpus[ncpus] = (unsigned)atoi(argv[ncpus + 2]);
	if (!ram || npairs <= 0)
		return 1;
	madvise(ram, KIT_RAM, MADV_HUGEPAGE);
	memset(ram, 0, KIT_RAM);
	if (page_alloc_add_range((paddr_t)(uintptr_t)ram, KIT_RAM) != 0 || as_init() != 0)
		return 1;
	shm_default_limits(&limits);
	if (shm_ns_create(&ns, &limits, &host_shm_ops) != 0)
		return 1;
	run(1, 100, &(double){0}, &(double){0}); /* what stays allocated once used: id tables */
	free0 = page_free_count();
	printf(
	    "# shmat+shmdt pairs, %ld per CPU per run, median of %d runs; PAGE_ALLOC_PCP_HIGH %d, "
	    "PAGE_ALLOC_HEAP_PCP_HIGH %d\n",
	    npairs, REPEAT,
#ifdef CONFIG_PAGE_ALLOC_PCP_HIGH
	    CONFIG_PAGE_ALLOC_PCP_HIGH,
#else
	    0,
#endif
#ifdef CONFIG_PAGE_ALLOC_HEAP_PCP_HIGH
	    CONFIG_PAGE_ALLOC_HEAP_PCP_HIGH
#else
	    0
#endif
	);
	for (unsigned k = 0; k < 2 * ncpus; k++) {
		unsigned n = cpus[k % ncpus];
		double c[REPEAT], wl[REPEAT];

		frames_only = k >= ncpus;
		if (n < 1 || n > HAL_NR_CPUS) {
			fprintf(stderr, "shm_scale: 1 to %d CPUs\n", HAL_NR_CPUS);
			return 1;
		}
		for (int r = 0; r < REPEAT; r++)
			run(n, npairs, &c[r], &wl[r]);
		qsort(c, REPEAT, sizeof(double), cmp_double);
		qsort(wl, REPEAT, sizeof(double), cmp_double);
		printf("%s cpus %u cpu_ns %.1f wall_ns %.1f\n", frames_only ? "frames" : "shm", n,
		       c[REPEAT / 2], wl[REPEAT / 2]);
		fflush(stdout);
	}
	if (page_free_count() != free0) {
		fprintf(stderr, "shm_scale: %zu frames free at the end, %zu at the start\n",
		        page_free_count(), free0);
		return 1;
	}
	return 0;
}
