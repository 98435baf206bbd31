/*
 * pagefault: what a page fault on fresh anonymous memory costs, where the
 * program runs (Linux or the kit, same binary). Maps n private anonymous
 * pages, writes one byte to each (one fault, one zeroed frame), unmaps them.
 * Prints the time per page (CLOCK_MONOTONIC); bench_linux.py counts
 * instructions from outside.
 *
 *   pagefault [-n pages] [-r rounds]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

static int usage(void)
{
	fprintf(stderr, "usage: pagefault [-n pages] [-r rounds]\n");
	return 2;
}

int main(int argc, char **argv)
{
	long n = 256, rounds = 1;
	int opt;

	while ((opt = getopt(argc, argv, "n:r:")) != -1) {
		if (opt == 'n')
			n = strtol(optarg, NULL, 10);
		else if (opt == 'r')
			rounds = strtol(optarg, NULL, 10);
		else
			return usage();
	}
	if (n < 1 || rounds < 1)
		return usage();
	unsigned long long t0 = now_ns();
	for (long r = 0; r < rounds; r++) {
		volatile char *p = mmap(NULL, (size_t)n * PAGE, PROT_READ | PROT_WRITE,
		                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			printf("pagefault: mmap %ld pages: %s\n", n, strerror(errno));
			return 1;
		}
		for (long i = 0; i < n; i++)
			p[i * PAGE] = 1;
		if (munmap((void *)p, (size_t)n * PAGE) < 0) {
			printf("pagefault: munmap: %s\n", strerror(errno));
			return 1;
		}
	}
	unsigned long long t1 = now_ns();
	printf("pagefault: %ld rounds of %ld pages, %.0f ns per page (fault, zero, unmap)\n",
	       rounds, n, (double)(t1 - t0) / (double)(n * rounds));
	return 0;
}
