/*
 * Round-robin: CPU-bound tasks that never yield take turns in a fixed
 * cyclic order, each turn exactly CONFIG_TASK_RR_SLICE_TICKS ticks (ticks
 * are counted by the tick handler, so a slow or loaded host changes how
 * long a tick is, not how many a turn lasts). A task sees its turn when it
 * first runs in it; if the host stops QEMU for longer than a tick right
 * after a switch, a whole turn can pass unseen, so each turn also records
 * how many switches the spinners had: only consecutive turns with exactly
 * one switch between them are judged, and most of them must be. A turn can
 * also read a tick off in two ways, both from host stalls: a stall between a
 * switch and the spinner's first look shifts a tick from one turn to the one
 * before; and after a stall the tick keeps its phase, so the next tick can
 * follow within microseconds, while the spinner still holds preemption off
 * for the switch the first one asked for, and that turn reads one long on
 * its own. Stalls hit tasks at random, a wrong slice hits one task every
 * turn: so no judged turn may be more than a tick off, and at most a third
 * of each task's judged turns may be off at all. Prints each turn and each
 * task's ticks.
 *
 * A spinner never yields or blocks, so the scheduler's own count must say
 * that every turn but its last ended by preemption: checked against the
 * task's switch count, which host stalls cannot disturb.
 */
#include <klib/printf.h>
#include <task/preempt.h>
#include "demo.h"

#define SPINNERS 3
#define TURNS    10

struct turn {
	int who;
	uint64_t first_tick, switches;
};

static struct task *spinners[SPINNERS];
static struct turn turns[SPINNERS * TURNS * 2];
static int nturns, my_turns[SPINNERS];
static struct task_info last_look[SPINNERS]; /* each spinner, in its last turn */
static volatile int last_runner = -1;

static uint64_t spinner_switches(void)
{
	struct task_info info;
	uint64_t n = 0;

	for (int i = 0; i < SPINNERS; i++) {
		task_get_info(spinners[i], &info);
		n += info.switches_in;
	}
	return n;
}

static int spin(void *arg)
{
	int me = (int)(intptr_t)arg, done = 0;

	while (!done) {
		preempt_disable();
		if (last_runner != me) {
			last_runner = me;
			if (nturns < (int)(sizeof(turns) / sizeof(turns[0])))
				turns[nturns++] =
				    (struct turn){me, task_ticks(), spinner_switches()};
			my_turns[me]++;
		}
		done = 1;
		for (int i = 0; i < SPINNERS; i++)
			done &= my_turns[i] >= TURNS;
		preempt_enable();
	}
	task_get_info(spinners[me], &last_look[me]);
	return 0;
}

bool demo_policy(void)
{
	uint64_t ticks[SPINNERS] = {0};
	int good = 1, preempted = 1, judged = 0, pairs = 0, exact = 0;
	int task_judged[SPINNERS] = {0}, task_off[SPINNERS] = {0};
	bool ok = true;

	preempt_disable(); /* all exist before any runs */
	for (int i = 0; i < SPINNERS; i++)
		spinners[i] = demo_spawn("spinner", spin, (void *)(intptr_t)i, 0);
	preempt_enable();
	for (int i = 0; i < SPINNERS; i++)
		demo_join(spinners[i]);

	kprintf("  turns (task:ticks):");
	for (int i = 0; i + 1 < nturns; i++) {
		uint64_t len = turns[i + 1].first_tick - turns[i].first_tick;

		kprintf(" %d:%llu", turns[i].who, (unsigned long long)len);
		/* The first turn may start between ticks; in the last round each
		 * spinner sees that all are done and ends at once. */
		if (i == 0 || i + SPINNERS >= nturns)
			continue;
		pairs++;
		if (turns[i + 1].switches != turns[i].switches + 1)
			continue; /* a turn passed unseen in between */
		judged++;
		/* The order must be exact. A turn's length is read when the
		 * spinner first runs in it, so a host that stalls QEMU right
		 * after a switch makes one turn read a tick short and the one
		 * before a tick long, and a catch-up tick can land in a turn
		 * whose switch is pending: most turns must be exact, none
		 * further off. */
		good &= turns[i + 1].who == (turns[i].who + 1) % SPINNERS &&
		        len + 1 >= CONFIG_TASK_RR_SLICE_TICKS &&
		        len <= CONFIG_TASK_RR_SLICE_TICKS + 1;
		exact += len == CONFIG_TASK_RR_SLICE_TICKS;
		task_judged[turns[i].who]++;
		task_off[turns[i].who] += len != CONFIG_TASK_RR_SLICE_TICKS;
		ticks[turns[i].who] += len;
	}
	kprintf("\n");
	for (int i = 0; i < SPINNERS; i++)
		good &= task_off[i] * 3 <= task_judged[i];
	ok &= demo_verdict(
	    good && judged * 3 >= pairs * 2,
	    "policy round-robin: %d of %d turns judged, each in cyclic order and %d ticks long",
	    judged, pairs, CONFIG_TASK_RR_SLICE_TICKS);
	kprintf("  (%d of the %d judged turns read exactly %d ticks; the others one off, "
	        "from host stalls)\n",
	        exact, judged, CONFIG_TASK_RR_SLICE_TICKS);
	kprintf("  judged ticks per task: %llu %llu %llu\n", (unsigned long long)ticks[0],
	        (unsigned long long)ticks[1], (unsigned long long)ticks[2]);
	for (int i = 0; i < SPINNERS; i++)
		preempted &= last_look[i].switches_in >= TURNS &&
		             last_look[i].preemptions + 1 == last_look[i].switches_in;
	ok &= demo_verdict(preempted,
	                   "policy round-robin: every turn but the last ended by preemption "
	                   "(preemptions %llu %llu %llu, turns %llu %llu %llu)",
	                   (unsigned long long)last_look[0].preemptions,
	                   (unsigned long long)last_look[1].preemptions,
	                   (unsigned long long)last_look[2].preemptions,
	                   (unsigned long long)last_look[0].switches_in,
	                   (unsigned long long)last_look[1].switches_in,
	                   (unsigned long long)last_look[2].switches_in);
	return ok;
}
