/*
 * riscv64: instructions from the instret counter. Under QEMU it counts
 * retired instructions only with -icount (otherwise QEMU returns a
 * host-clock-derived value), so bench/task/run.sh boots this image with
 * "-icount shift=0". bench_platform_report() checks the counter first on a
 * loop of a known instruction count and says whether it can be trusted.
 */
#include <klib/printf.h>
#include <hal/time.h>
#include "bench.h"

static inline uint64_t rdinstret(void)
{
	uint64_t v;

	__asm__ __volatile__("rdinstret %0" : "=r"(v));
	return v;
}

void bench_platform_start(struct bench_sample *s)
{
	s->instructions = rdinstret();
	s->ns = hal_time_ns();
}

void bench_platform_stop(struct bench_sample *s)
{
	s->ns = hal_time_ns() - s->ns;
	s->instructions = rdinstret() - s->instructions;
}

void bench_platform_report(uint64_t yield_ns_per_switch)
{
	uint64_t before, after, n = 100000;

	(void)yield_ns_per_switch;
	/* addi + bnez per iteration: exactly 2n instructions. */
	before = rdinstret();
	__asm__ __volatile__("1: addi %0, %0, -1\n\tbnez %0, 1b" : "+r"(n));
	after = rdinstret();
	kprintf("bench: instret over a 200000-instruction loop: %llu (%s)\n",
	        (unsigned long long)(after - before),
	        after - before >= 200000 && after - before <= 200010
	            ? "counts instructions"
	            : "NOT an instruction count: boot with -icount");
}
