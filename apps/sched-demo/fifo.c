/*
 * FIFO: tasks run in the order they became ready, a yield goes to the back
 * of the queue, and a running task is never preempted, not even when a
 * timer interrupt wakes a sleeper in the middle of its long computation.
 */
#include <hal/time.h>
#include <klib/printf.h>
#include "demo.h"

#define TASKS 4
#define LAPS  5

static int order[TASKS * LAPS], norder;

static int lapper(void *arg)
{
	for (int i = 0; i < LAPS; i++) {
		order[norder++] = (int)(intptr_t)arg;
		task_yield();
	}
	return 0;
}

static volatile int sleeper_ran;
static int events[3], nevents;

static int sleeper(void *arg)
{
	(void)arg;
	task_sleep_ns(2 * MS); /* its timer interrupt comes during the spin */
	sleeper_ran = 1;
	events[nevents++] = 3;
	return 0;
}

static int spinner(void *arg)
{
	uint64_t end = hal_time_ns() + 30 * MS;
	(void)arg;

	events[nevents++] = 1;
	while (hal_time_ns() < end && !sleeper_ran)
		;
	events[nevents++] = 2;
	return 0;
}

bool demo_policy(void)
{
	struct task *t[TASKS], *s, *p;
	bool rotation = true, ok = true;

	for (int i = 0; i < TASKS; i++)
		t[i] = demo_spawn("lapper", lapper, (void *)(intptr_t)i, 0);
	for (int i = 0; i < TASKS; i++)
		demo_join(t[i]);
	kprintf("  run order:");
	for (int i = 0; i < norder; i++) {
		kprintf(" %d", order[i]);
		rotation &= order[i] == i % TASKS;
	}
	kprintf("\n");
	ok &= demo_verdict(rotation && norder == TASKS * LAPS,
	                   "policy fifo: %d tasks x %d yields ran in strict rotation", TASKS, LAPS);

	s = demo_spawn("sleeper", sleeper, NULL, 0);
	p = demo_spawn("spinner", spinner, NULL, 0);
	demo_join(p);
	demo_join(s);
	ok &= demo_verdict(
	    nevents == 3 && events[0] == 1 && events[1] == 2 && events[2] == 3,
	    "policy fifo: a 30 ms computation kept the CPU when a timer woke another task");
	return ok;
}
