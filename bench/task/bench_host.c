/*
 * Host: the same hand-over between two Linux processes pinned to one CPU,
 * in the same run. Each waits for its turn in a shared page, calling
 * sched_yield() until the other process has run and passed the turn back,
 * so every hand-over is one sched_yield and one real process switch.
 */
#include <hal/time.h>
#include <klib/printf.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bench.h"

#define LINUX_SWITCHES 200000
#define LINUX_ROUNDS   5

void bench_platform_start(struct bench_sample *s)
{
	s->ns = hal_time_ns();
	s->instructions = 0;
}

void bench_platform_stop(struct bench_sample *s)
{
	s->ns = hal_time_ns() - s->ns;
}

static void player(volatile int *turn, int me, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) != 0)
		_exit(2);
	for (int i = 0; i < LINUX_SWITCHES / 2; i++) {
		while (__atomic_load_n(turn, __ATOMIC_ACQUIRE) != me)
			sched_yield();
		__atomic_store_n(turn, !me, __ATOMIC_RELEASE);
	}
	_exit(0);
}

/* ns per hand-over between two processes pinned to 'cpu', or 0 on failure. */
static uint64_t linux_yield_ns(int cpu)
{
	volatile int *turn =
	    mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t pid[2];
	uint64_t start, ns;
	int ok = 1, status;

	if (turn == MAP_FAILED)
		return 0;
	*turn = 0;
	start = hal_time_ns();
	for (int me = 0; me < 2; me++) {
		pid[me] = fork();
		if (pid[me] == 0)
			player(turn, me, cpu);
	}
	for (int me = 0; me < 2; me++)
		ok &= pid[me] > 0 && waitpid(pid[me], &status, 0) == pid[me] && WIFEXITED(status) &&
		      WEXITSTATUS(status) == 0;
	ns = hal_time_ns() - start;
	munmap((void *)turn, 4096);
	return ok ? ns / LINUX_SWITCHES : 0;
}

void bench_platform_report(uint64_t yield_ns_per_switch)
{
	uint64_t v[LINUX_ROUNDS], linux_ns;
	int cpu = sched_getcpu();

	for (int i = 0; i < LINUX_ROUNDS; i++)
		v[i] = linux_yield_ns(cpu < 0 ? 0 : cpu);
	for (int i = 1; i < LINUX_ROUNDS; i++)
		for (int j = i; j > 0 && v[j] < v[j - 1]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	linux_ns = v[LINUX_ROUNDS / 2];
	kprintf("bench: %-34s %6llu ns per switch (pinned to CPU %d, %d switches x %d rounds)\n",
	        "Linux sched_yield, two processes:", (unsigned long long)linux_ns, cpu,
	        LINUX_SWITCHES, LINUX_ROUNDS);
	if (linux_ns && yield_ns_per_switch)
		kprintf("bench: task_yield is %llux faster than Linux sched_yield here\n",
		        (unsigned long long)(linux_ns / yield_ns_per_switch));
}
