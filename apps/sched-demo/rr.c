/*
 * Round-robin: CPU-bound tasks that never yield take turns in a fixed
 * cyclic order, each turn exactly CONFIG_TASK_RR_SLICE_TICKS ticks (ticks
 * are counted by the tick handler, so a slow or loaded host changes how
 * long a tick is, not how many a turn lasts). Prints each task's turns and
 * ticks.
 */
#include <hal/time.h>
#include <klib/printf.h>
#include <task/preempt.h>
#include "demo.h"

#define SPINNERS 3
#define TURNS 10

struct turn {
	int who;
	uint64_t first_tick;
};

static struct turn turns[SPINNERS * TURNS + SPINNERS];
static int nturns, my_turns[SPINNERS];
static volatile int last_runner = -1;

static int spin(void *arg)
{
	int me = (int)(intptr_t)arg, done = 0;

	while (!done) {
		preempt_disable();
		if (last_runner != me) {
			last_runner = me;
			if (nturns < (int)(sizeof(turns) / sizeof(turns[0])))
				turns[nturns++] = (struct turn){me, task_ticks()};
			my_turns[me]++;
		}
		done = 1;
		for (int i = 0; i < SPINNERS; i++)
			done &= my_turns[i] >= TURNS;
		preempt_enable();
	}
	return 0;
}

bool demo_policy(void)
{
	struct task *t[SPINNERS];
	uint64_t ticks[SPINNERS] = {0};
	int in_order = 1, exact = 1, checked = 0;
	bool ok = true;

	for (int i = 0; i < SPINNERS; i++)
		t[i] = demo_spawn("spinner", spin, (void *)(intptr_t)i, 0);
	for (int i = 0; i < SPINNERS; i++)
		demo_join(t[i]);

	kprintf("  turns (task:ticks):");
	for (int i = 0; i < nturns; i++) {
		in_order &= turns[i].who == i % SPINNERS;
		/* The first turn may start between ticks; in the last round each
		 * spinner sees that all are done and ends at once. */
		if (i + 1 < nturns) {
			uint64_t len = turns[i + 1].first_tick - turns[i].first_tick;
			kprintf(" %d:%llu", turns[i].who, (unsigned long long)len);
			if (i >= 1 && i + SPINNERS < nturns) {
				exact &= len == CONFIG_TASK_RR_SLICE_TICKS;
				ticks[turns[i].who] += len;
				checked++;
			}
		}
	}
	kprintf("\n");
	ok &= demo_verdict(in_order && exact && checked >= SPINNERS * (TURNS - 2),
			   "policy round-robin: %d turns in cyclic order, each %d ticks", checked,
			   CONFIG_TASK_RR_SLICE_TICKS);
	uint64_t lo = ticks[0], hi = ticks[0];
	for (int i = 1; i < SPINNERS; i++) {
		lo = ticks[i] < lo ? ticks[i] : lo;
		hi = ticks[i] > hi ? ticks[i] : hi;
	}
	ok &= demo_verdict(hi - lo <= CONFIG_TASK_RR_SLICE_TICKS,
			   "policy round-robin: ticks per task %llu %llu %llu (equal to one slice)",
			   (unsigned long long)ticks[0], (unsigned long long)ticks[1],
			   (unsigned long long)ticks[2]);
	return ok;
}
