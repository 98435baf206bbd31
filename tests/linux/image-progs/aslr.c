/*
 * Address-space layout, seen from user space: three runs of this program
 * (fork + execve of itself) report where their stack, their first mmap and
 * their break are, through a System V segment. With randomization (Linux's
 * kernel.randomize_va_space = 2) the three differ; booted with
 * "norandmaps" they are equal. Either way the break grows after an mmap
 * (mmap goes top-down under the stack, the break up from the program).
 * Exits 0 when every check it can make alone passed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#define RUNS 3

struct where {
	uintptr_t stack, map, brk, brk_grown;
};

static int child(int id, int run)
{
	struct where *w = shmat(id, NULL, 0);
	void *map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int local = 0;

	if (w == (void *)-1 || map == MAP_FAILED)
		return 1;
	w[run].stack = (uintptr_t)&local;
	w[run].map = (uintptr_t)map;
	w[run].brk = (uintptr_t)sbrk(0);
	w[run].brk_grown = sbrk(1 << 20) == (void *)-1 ? 0 : (uintptr_t)sbrk(0);
	return 0;
}

static const char *differ(uintptr_t a, uintptr_t b, uintptr_t c)
{
	return a == b && b == c ? "same" : "differ";
}

int main(int argc, char **argv)
{
	struct where *w;
	int id, bad = 0;

	if (argc == 4 && strcmp(argv[1], "--child") == 0)
		return child(atoi(argv[2]), atoi(argv[3]));
	id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	w = shmat(id, NULL, 0);
	if (id < 0 || w == (void *)-1) {
		perror("aslr: shm");
		return 2;
	}
	for (int run = 0; run < RUNS; run++) {
		char ids[16], runs[16];
		int st;

		snprintf(ids, sizeof(ids), "%d", id);
		snprintf(runs, sizeof(runs), "%d", run);
		fflush(stdout);
		pid_t c = fork();
		if (c == 0) {
			execl(argv[0], argv[0], "--child", ids, runs, (char *)NULL);
			_exit(127);
		}
		if (waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			bad++;
	}
	for (int run = 0; run < RUNS; run++) {
		/* The break grew after the mmap, and the pieces are in Linux's order. */
		if (w[run].brk_grown != w[run].brk + (1 << 20))
			bad++;
		if (!(w[run].brk < w[run].map && w[run].map < w[run].stack))
			bad++;
	}
	printf("aslr: stack %s, mmap %s, brk %s across %d runs\n",
	       differ(w[0].stack, w[1].stack, w[2].stack), differ(w[0].map, w[1].map, w[2].map),
	       differ(w[0].brk, w[1].brk, w[2].brk), RUNS);
	printf("aslr: the break grew by 1 MiB after an mmap in %s\n",
	       bad ? "NOT every run" : "every run");
	shmdt(w);
	shmctl(id, IPC_RMID, NULL);
	return bad != 0;
}
