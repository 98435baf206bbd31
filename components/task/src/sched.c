/*
 * The scheduler core: switching, blocking and waking, the timer tick and
 * preemption. Which task runs next is the policy's business (sched_*.c).
 *
 * Locking. Each CPU's state (run queue, timer list, the state of its tasks)
 * is guarded by cpu->lock, always taken with interrupts off. A switch starts
 * with the lock held in the outgoing task and ends by releasing it in the
 * incoming one (sched_finish_switch), so no other CPU could see a task
 * half-switched. Only the boot CPU runs tasks today; see the README for what
 * SMP still needs.
 *
 * Interrupts are off across every switch; each task restores its own
 * interrupt state when it resumes. A task preempted by the tick was switched
 * out from inside the timer interrupt: it resumes there, returns from the
 * interrupt, and the platform's return path restores its interrupt state.
 */
#include <hal/cpu.h>
#include <hal/time.h>
#include <klib/errno.h>
#include <klib/panic.h>
#include "task_internal.h"

struct task_cpu task_cpu0 = {
	.lock = HAL_SPINLOCK_INIT,
	.sleepers = LIST_HEAD_INIT(task_cpu0.sleepers),
	.armed = TASK_FOREVER,
};

/* Charge the CPU time since t->exec_start to the running task t. */
static void account(struct task_cpu *cpu, struct task *t, uint64_t now)
{
	uint64_t delta;

	if (!TASK_ACCOUNTING)
		return;
	delta = now - t->exec_start;
	t->exec_start = now;
	t->runtime_ns += delta;
	if (t != cpu->idle)
		sched_policy_charge(&cpu->rq, t, delta);
}

/*
 * A stack without a guard page (the default allocators) is overrun
 * silently; debug builds at least notice at the next switch, while the
 * damage is fresh. The main task runs on the boot stack, which has no canary.
 */
static void check_stack(const struct task *t)
{
#ifdef CONFIG_DEBUG
	if (t->block && *(const uint64_t *)t->block != TASK_STACK_CANARY)
		panic("task '%s' overran its stack (%zu-byte block at %p)", t->name, t->block_size, t->block);
#else
	(void)t;
#endif
}

static void switch_space(struct task_cpu *cpu, struct task *next)
{
	if (next->space && next->space != cpu->active_space) {
		cpu->active_space = next->space;
		next->activate(next->space);
	}
}

/*
 * The caller's side of the switch, checked in every build (a flag and a
 * word): with interrupts on, the tick could enter the scheduler in the
 * middle of the switch; without the CPU's lock, a wakeup on another path
 * could queue a task that is still running.
 */
static void check_switch(struct task_cpu *cpu)
{
	bool irq = hal_irq_enabled(), locked = hal_spin_is_locked(&cpu->lock);

	if (unlikely(irq || !locked))
		panic("sched_switch: interrupts %s, CPU lock %s (it needs them off and held)",
		      irq ? "on" : "off", locked ? "held" : "free");
}

void sched_switch(struct task_cpu *cpu, enum sched_why why)
{
	struct task *prev = cpu->current, *next;
	uint64_t now;

	check_switch(cpu);
	/* The clock is read only when something needs it: it can cost as much
	 * as the rest of the switch. */
	now = TASK_ACCOUNTING ? hal_time_ns() : 0;
	account(cpu, prev, now);
	check_stack(prev);
	if (prev->state == TASK_RUNNING) {
		prev->state = TASK_READY;
		if (prev != cpu->idle)
			sched_policy_enqueue(&cpu->rq, prev, why);
	}
	next = sched_policy_pick(&cpu->rq);
	if (!next)
		next = cpu->idle;
	cpu->need_resched = false;
	if (next == prev) {
		prev->state = TASK_RUNNING;
		hal_spin_unlock(&cpu->lock);
		return;
	}
	if (why == SCHED_PREEMPT)
		prev->preemptions++;
	if (prev == cpu->idle) /* the tick starts again with real work */
		cpu->next_tick = (TASK_ACCOUNTING ? now : hal_time_ns()) + TICK_NS;
	next->state = TASK_RUNNING;
	next->exec_start = now;
	next->switches_in++;
	cpu->current = next;
	cpu->prev = prev;
	switch_space(cpu, next);
	timer_program(cpu, false);
	if (prev->state == TASK_EXITED)
		hal_context_exit(&prev->ctx, &next->ctx);
	hal_context_switch(&prev->ctx, &next->ctx);
	sched_finish_switch(cpu);
}

void sched_finish_switch(struct task_cpu *cpu)
{
	struct task *prev = cpu->prev;

	hal_spin_unlock(&cpu->lock);
	/* Off its stack at last: a task that ended can now be freed or joined. */
	if (prev->state == TASK_EXITED)
		task_reap(prev);
}

bool sched_wake_locked(struct task_cpu *cpu, struct task *t)
{
	if (t->state != TASK_BLOCKED)
		return false;
	timer_del_sleeper(t);
	t->state = TASK_READY;
	sched_policy_enqueue(&cpu->rq, t, SCHED_WAKEUP);
	if (cpu->current == cpu->idle || sched_policy_wakeup_preempts(&cpu->rq, cpu->current, t))
		cpu->need_resched = true;
	return true;
}

bool sched_wake(struct task *t)
{
	struct task_cpu *cpu = this_cpu();
	unsigned long flags = hal_spin_lock_irqsave(&cpu->lock);
	bool woke = sched_wake_locked(cpu, t);

	hal_spin_unlock_irqrestore(&cpu->lock, flags);
	return woke;
}

/*
 * Checked in every build: each is a load, and each mistake stops the CPU
 * for every task (the preemption count is the CPU's, not the task's).
 */
static void check_may_sleep(struct task_cpu *cpu, const char *what)
{
	if (!cpu->current)
		panic("%s called before task_init", what);
	if (unlikely(cpu->preempt_count != 0))
		panic("%s: task '%s' would sleep with preemption disabled (count %u)", what,
		      cpu->current->name, cpu->preempt_count);
	if (unlikely(cpu->current == cpu->idle))
		panic("%s: the idle task must not sleep", what);
}

int sched_block(hal_spinlock_t *lock, uint64_t deadline, unsigned intr)
{
	struct task_cpu *cpu = this_cpu();
	struct task *self = cpu->current;

	check_may_sleep(cpu, "sleep");
	hal_spin_lock(&cpu->lock);
	/* Checked under the CPU's lock, which task_interrupt takes: none is lost. */
	if (self->intr & intr) {
		hal_spin_unlock(&cpu->lock);
		return -EINTR;
	}
	self->state = TASK_BLOCKED;
	self->sleep_intr = intr;
	if (deadline != TASK_FOREVER)
		timer_add_sleeper(cpu, self, deadline);
	if (lock)
		hal_spin_unlock(lock);
	sched_switch(cpu, SCHED_BLOCK);
	if (lock)
		hal_spin_lock(lock);
	return 0;
}

void task_yield(void)
{
	struct task_cpu *cpu = this_cpu();
	unsigned long flags;

	if (!cpu->current)
		return;
	check_may_sleep(cpu, "task_yield");
	flags = hal_irq_save();
	hal_spin_lock(&cpu->lock);
	sched_switch(cpu, SCHED_YIELD);
	hal_irq_restore(flags);
}

int task_sleep_until_intr(uint64_t deadline_ns, unsigned intr)
{
	unsigned long flags;
	int rc;

	if (deadline_ns <= hal_time_ns())
		return 0;
	flags = hal_irq_save();
	rc = sched_block(NULL, deadline_ns, intr);
	hal_irq_restore(flags);
	/* Only the timer or an interruption wakes a sleeper: the deadline decides which (as
	 * Linux's do_nanosleep, an expired timer wins over a signal). */
	if (rc == 0 && hal_time_ns() < deadline_ns)
		rc = -EINTR;
	return rc;
}

void task_sleep_until(uint64_t deadline_ns)
{
	task_sleep_until_intr(deadline_ns, 0);
}

void task_sleep_ns(uint64_t ns)
{
	uint64_t now = hal_time_ns();

	task_sleep_until(ns > TASK_FOREVER - now ? TASK_FOREVER : now + ns);
}

void sched_preempt_point(void)
{
	struct task_cpu *cpu = this_cpu();
	unsigned long flags;

	if (!READ_ONCE(cpu->need_resched) || cpu->preempt_count || !cpu->current || !hal_irq_enabled())
		return;
	flags = hal_irq_save();
	hal_spin_lock(&cpu->lock);
	if (cpu->need_resched)
		sched_switch(cpu, SCHED_PREEMPT);
	else
		hal_spin_unlock(&cpu->lock);
	hal_irq_restore(flags);
}

void preempt_disable(void)
{
	this_cpu()->preempt_count++;
	barrier();
}

void preempt_enable(void)
{
	struct task_cpu *cpu = this_cpu();

	barrier();
	kassertf(cpu->preempt_count > 0, "preempt_enable without preempt_disable");
	if (--cpu->preempt_count == 0)
		sched_preempt_point();
}

unsigned preempt_count(void)
{
	return this_cpu()->preempt_count;
}

/*
 * The timer interrupt: wake sleepers whose deadline passed, count a tick if
 * one is due, re-arm the one-shot timer, and preempt the interrupted task if
 * the policy says so and preemption is allowed.
 */
void sched_timer_interrupt(void *arg)
{
	struct task_cpu *cpu = arg;
	uint64_t now = hal_time_ns();
	struct task *cur;

	hal_spin_lock(&cpu->lock);
	cpu->armed = TASK_FOREVER; /* it fired: one-shot */
	cur = cpu->current;
	timer_wake_expired(cpu, now);
	if (sched_policy_ticks && cur != cpu->idle && now >= cpu->next_tick) {
		cpu->ticks++;
		cpu->next_tick += TICK_NS;
		if (cpu->next_tick <= now)
			cpu->next_tick = now + TICK_NS;
		account(cpu, cur, now);
		if (sched_policy_tick(&cpu->rq, cur))
			cpu->need_resched = true;
	}
	timer_program(cpu, true);
	if (cpu->need_resched && cpu->preempt_count == 0)
		sched_switch(cpu, SCHED_PREEMPT);
	else
		hal_spin_unlock(&cpu->lock);
}

uint64_t task_ticks(void)
{
	return READ_ONCE(this_cpu()->ticks);
}

const char *task_sched_name(void)
{
	return sched_policy_name;
}

void sched_add_new(struct task *t)
{
	struct task_cpu *cpu = this_cpu();
	unsigned long flags = hal_spin_lock_irqsave(&cpu->lock);

	t->state = TASK_READY;
	sched_policy_enqueue(&cpu->rq, t, SCHED_NEW);
	hal_spin_unlock_irqrestore(&cpu->lock, flags);
}

/* The idle task: run whatever is ready, else halt until an interrupt. */
static int idle_main(void *arg)
{
	struct task_cpu *cpu = arg;

	for (;;) {
		hal_irq_disable();
		hal_spin_lock(&cpu->lock);
		if (cpu->rq.nr_ready) {
			sched_switch(cpu, SCHED_YIELD);
		} else {
			hal_spin_unlock(&cpu->lock);
			/* Checked with interrupts off, so a wakeup cannot slip in
			 * between; wfi returns once an interrupt is pending. */
			hal_cpu_wait();
		}
		hal_irq_enable(); /* the pending interrupt runs here */
	}
	return 0;
}

void sched_start(struct task *main, struct task *idle)
{
	struct task_cpu *cpu = this_cpu();
	unsigned long flags = hal_spin_lock_irqsave(&cpu->lock);
	uint64_t now = hal_time_ns();

	sched_policy_init(&cpu->rq);
	idle->fn = idle_main;
	idle->arg = cpu;
	idle->state = TASK_READY;
	cpu->idle = idle;
	main->state = TASK_RUNNING;
	main->exec_start = now;
	main->switches_in = 1;
	cpu->current = main;
	cpu->next_tick = now + TICK_NS;
	hal_timer_set_handler(sched_timer_interrupt, cpu);
	timer_program(cpu, true);
	hal_spin_unlock_irqrestore(&cpu->lock, flags);
}
