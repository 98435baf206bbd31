/* The task benchmark's parts. */
#ifndef TASK_BENCH_H
#define TASK_BENCH_H

#include <stdint.h>

/* Counters around a measured loop: time always, instructions where the platform can count them. */
struct bench_sample {
	uint64_t ns;
	uint64_t instructions; /* 0 where not counted */
};

void bench_platform_start(struct bench_sample *s);
void bench_platform_stop(struct bench_sample *s);
/* Platform extras: the Linux comparison on the host, the counter check on riscv64. */
void bench_platform_report(uint64_t yield_ns_per_switch);

#endif
