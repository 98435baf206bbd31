/*
 * The per-process area limit (Linux's vm.max_map_count, 65530): one-page
 * mappings of alternating protection (so that no two merge) until mmap
 * fails, which must be with ENOMEM after about 65530 areas in all. At the
 * limit an munmap that would cut a hole in a mapping fails with ENOMEM too,
 * one that removes a whole mapping works, and mmap works again after it.
 *
 * "maps shmat N" times N shmat calls of one 4 KiB segment, then N shmdt,
 * instead (a benchmark for docs/benchmarks.md: nothing is checked).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

#define MAX 70000

static void *addr[MAX];

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int bench_shmat(int n)
{
	int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	double t0, t1, t2;

	if (id < 0 || n < 1 || n > MAX) {
		fprintf(stderr, "maps: shmget: %s (or a bad count)\n", strerror(errno));
		return 2;
	}
	t0 = now_ms();
	for (int i = 0; i < n; i++)
		if ((addr[i] = shmat(id, NULL, 0)) == (void *)-1) {
			printf("maps: shmat %d failed: %s\n", i, strerror(errno));
			return 1;
		}
	t1 = now_ms();
	for (int i = 0; i < n; i++)
		shmdt(addr[i]);
	t2 = now_ms();
	shmctl(id, IPC_RMID, NULL);
	printf("maps: %d shmat in %.0f ms (%.1f us each), %d shmdt in %.0f ms\n", n, t1 - t0,
	       (t1 - t0) * 1e3 / n, n, t2 - t1);
	return 0;
}

int main(int argc, char **argv)
{
	char *three;
	int n = 0, err, hole, whole, again;

	if (argc == 3 && strcmp(argv[1], "shmat") == 0)
		return bench_shmat(atoi(argv[2]));
	three = mmap(NULL, 3 * 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (three == MAP_FAILED)
		return 2;
	for (;;) {
		void *p = mmap(NULL, 4096, n % 2 ? PROT_READ : PROT_NONE,
		               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			err = errno;
			break;
		}
		if (n == MAX) {
			printf("maps: %d mappings and no limit\n", n);
			return 1;
		}
		addr[n++] = p;
	}
	printf("maps: mmap failed with %s after %d new mappings\n",
	       err == ENOMEM ? "ENOMEM" : strerror(err), n);
	hole = munmap(three + 4096, 4096) == 0 ? 0 : errno;
	whole = munmap(addr[n - 1], 4096);
	again = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED;
	printf("maps: at the limit: a hole in a mapping %s, a whole mapping %s, mmap again %s\n",
	       hole == ENOMEM ? "ENOMEM"
	       : hole         ? strerror(hole)
	                      : "allowed",
	       whole ? "failed" : "unmapped", again ? "failed" : "works");
	return !(err == ENOMEM && hole == ENOMEM && !whole && !again);
}
