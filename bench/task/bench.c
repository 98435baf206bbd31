/*
 * Context-switch benchmark. Three measurements, each repeated ROUNDS times
 * and reported as the median:
 *   - hal_context_switch between two bare contexts (the register switch);
 *   - task_yield between two tasks (the whole scheduler path: interrupt
 *     masking, run-queue lock, accounting, the policy, the switch);
 *   - the platform's extra (bench_*.c): Linux sched_yield between two
 *     pinned processes on the host, the instruction counter check on riscv64.
 * A "switch" is one hand-over of the CPU; a round trip is two.
 */
#include <kit/kit.h>
#include <hal/context.h>
#include <hal/cpu.h>
#include <hal/platform.h>
#include <klib/printf.h>
#include <task/task.h>
#include "bench.h"

#define ROUNDS   5
#define SWITCHES CONFIG_BENCH_SWITCHES

static struct hal_context main_ctx, peer_ctx;
static _Alignas(16) unsigned char peer_stack[16384];

static void peer(void *arg)
{
	(void)arg;
	for (;;)
		hal_context_switch(&peer_ctx, &main_ctx);
}

static struct bench_sample raw_switch(void)
{
	struct bench_sample s;
	unsigned long flags = hal_irq_save();

	hal_context_init(&peer_ctx, peer_stack, sizeof(peer_stack), peer, NULL);
	bench_platform_start(&s);
	for (long i = 0; i < SWITCHES / 2; i++)
		hal_context_switch(&main_ctx, &peer_ctx);
	bench_platform_stop(&s);
	hal_irq_restore(flags);
	return s;
}

static int yielder(void *arg)
{
	(void)arg;
	for (long i = 0; i < SWITCHES / 2; i++)
		task_yield();
	return 0;
}

static struct bench_sample start_sample;

static int timed_yielder(void *arg)
{
	bench_platform_start(&start_sample);
	return yielder(arg);
}

static struct bench_sample task_switch(void)
{
	struct task *a, *b;
	struct bench_sample s;

	/* main waits in the join: only the two yielders are ready. */
	if (task_create(&a, "a", timed_yielder, NULL, NULL) < 0 ||
	    task_create(&b, "b", yielder, NULL, NULL) < 0) {
		kprintf("bench: cannot create tasks\n");
		return (struct bench_sample){0};
	}
	task_join(a, NULL);
	s = start_sample;
	bench_platform_stop(&s); /* main runs again once both yielders are done */
	task_join(b, NULL);
	return s;
}

static struct bench_sample median(struct bench_sample *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j].ns < v[j - 1].ns; j--) {
			struct bench_sample t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

static void report(const char *what, struct bench_sample s)
{
	kprintf("bench: %-34s %4llu.%llu ns per switch", what,
	        (unsigned long long)(s.ns / SWITCHES),
	        (unsigned long long)(s.ns * 10 / SWITCHES % 10));
	if (s.instructions)
		kprintf(", %llu instructions per round trip",
		        (unsigned long long)(s.instructions * 2 / SWITCHES));
	kprintf("\n");
}

int app_main(void)
{
	struct bench_sample raw[ROUNDS], yield[ROUNDS], r, y;

	kprintf("bench: %s, scheduler %s, %d switches x %d rounds (median shown)\n",
	        hal_platform_name(), task_sched_name(), SWITCHES, ROUNDS);
	for (int i = 0; i < ROUNDS; i++) {
		raw[i] = raw_switch();
		yield[i] = task_switch();
	}
	r = median(raw, ROUNDS);
	y = median(yield, ROUNDS);
	report("hal_context_switch (registers only):", r);
	report("task_yield between two tasks:", y);
	bench_platform_report(y.ns / SWITCHES);
	return 0;
}
