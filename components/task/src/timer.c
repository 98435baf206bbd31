/*
 * Deadlines and the hal's one-shot timer. Blocked tasks with a deadline sit
 * in the CPU's timer list, soonest first; the timer is armed for the
 * earlier of the first deadline and, while a task runs under a preemptive
 * policy, the next tick. The idle CPU therefore takes no ticks (it sleeps
 * until the next deadline), and neither does the FIFO policy, which never
 * preempts. All with cpu->lock held.
 */
#include <hal/time.h>
#include "task_internal.h"

void timer_add_sleeper(struct task_cpu *cpu, struct task *t, uint64_t deadline)
{
	struct list_node *pos;

	t->wake_at = deadline;
	/* After those with the same deadline: they wake in the order they slept. */
	list_for_each(pos, &cpu->sleepers) if (list_entry(pos, struct task, timer_node)->wake_at >
	                                       deadline) break;
	list_insert_between(&t->timer_node, pos->prev, pos);
}

void timer_del_sleeper(struct task *t)
{
	list_del(&t->timer_node);
}

void timer_wake_expired(struct task_cpu *cpu, uint64_t now)
{
	struct task *t;

	while ((t = list_first_entry(&cpu->sleepers, struct task, timer_node)) && t->wake_at <= now)
		sched_wake_locked(cpu, t);
}

/*
 * 'exact': from the interrupt, where the timer has just fired and must be
 * set precisely. Otherwise (on a switch) an interrupt already armed earlier
 * than needed is left alone: it costs one spurious interrupt at worst,
 * where re-arming would cost a timer write on every switch.
 */
void timer_program(struct task_cpu *cpu, bool exact)
{
	struct task *first = list_first_entry(&cpu->sleepers, struct task, timer_node);
	uint64_t want = first ? first->wake_at : TASK_FOREVER;

	if (sched_policy_ticks && cpu->current != cpu->idle && cpu->next_tick < want)
		want = cpu->next_tick;
	if (want == cpu->armed || (!exact && want > cpu->armed))
		return;
	cpu->armed = want;
	if (want == TASK_FOREVER)
		hal_timer_cancel();
	else
		hal_timer_arm(want);
}
