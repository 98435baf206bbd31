/*
 * The scheduler core: switching, blocking and waking, the timer tick and
 * preemption. Which task runs next is the policy's business (sched_*.c).
 *
 * Locking. Each CPU's state (run queue, timer list, the state of its tasks)
 * is guarded by cpu->lock, always taken with interrupts off. A switch starts
 * with the lock held in the outgoing task and ends by releasing it in the
 * incoming one (sched_finish_switch), so no other CPU could see a task
 * half-switched: a task is never picked, pulled or woken elsewhere while
 * its context is still being saved (the on_cpu race), because all of those
 * need the lock that the switch holds. With SMP each CPU has its own queue,
 * timer list and idle task; smp.c moves tasks between CPUs.
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

struct task_cpu task_cpus[HAL_NR_CPUS] = {
    [0] =
        {
            .lock = HAL_SPINLOCK_INIT,
            .sleepers = LIST_HEAD_INIT(task_cpus[0].sleepers),
            .armed = TASK_FOREVER,
        },
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
		panic("task '%s' overran its stack (%zu-byte block at %p)", t->name, t->block_size,
		      t->block);
#else
	(void)t;
#endif
}

static void switch_space(struct task_cpu *cpu, struct task *next)
{
	if (next->space && next->space != cpu->active_space) {
		cpu->active_space = next->space;
		cpu->active_fn = next->activate;
		next->activate(next->space);
	}
#ifdef CONFIG_SMP
	/*
	 * A task without a space (idle, a kernel task) runs on the kernel's
	 * table: the space's last task may have gone to another CPU, which
	 * may tear the space down while this one still had it installed (and
	 * a new space at the same address would not be switched to).
	 */
	else if (!next->space && cpu->active_space) {
		cpu->active_space = NULL;
		cpu->active_fn(NULL);
	}
#endif
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
		if (prev == cpu->idle)
			;
		else if (likely(sched_allowed(cpu, prev)))
			sched_policy_enqueue(&cpu->rq, prev, why);
		else /* its affinity changed: moved once the switch is over */
			sched_push_later(cpu, prev);
	}
	next = sched_policy_pick(&cpu->rq);
	if (!next)
		next = cpu->idle;
	else if (cpu->rq.nr_ready) /* more than this CPU can run now: an idle one may pull */
		sched_kick_idle(cpu, ~(hal_cpumask_t)0);
	cpu->need_resched = false;
	if (next == prev) {
		prev->state = TASK_RUNNING;
		sched_unlock(cpu);
		return;
	}
	if (why == SCHED_PREEMPT)
		prev->preemptions++;
	if (prev == cpu->idle) { /* the tick starts again with real work */
		cpu->next_tick = (TASK_ACCOUNTING ? now : hal_time_ns()) + TICK_NS;
		sched_idle_set(cpu, false);
	} else if (next == cpu->idle) {
		sched_idle_set(cpu, true);
	}
	next->state = TASK_RUNNING;
	next->exec_start = now;
	next->switches_in++;
	cpu->switches++;
	cpu->current = next;
	hal_cpu_set_local(next); /* task_current() */
	cpu->prev = prev;
	switch_space(cpu, next);
	timer_program(cpu, false);
	if (prev->state == TASK_EXITED)
		hal_context_exit(&prev->ctx, &next->ctx);
	hal_context_switch(&prev->ctx, &next->ctx);
	/* Resumed, maybe on another CPU (it was pulled while ready): that one's lock is held. */
	sched_finish_switch(this_cpu());
}

void sched_finish_switch(struct task_cpu *cpu)
{
	struct task *prev = cpu->prev;
	/* Read under the lock: once it is dropped another CPU may wake a prev that blocked. */
	bool exited = prev->state == TASK_EXITED;

	sched_unlock(cpu);
	/* Off its stack at last: a task that ended can now be freed or joined. */
	if (exited)
		task_reap(prev);
}

/*
 * A woken task goes back to the CPU it slept on (its timer list and cache
 * are there); if that CPU is busy, an idle one is kicked to pull it. One
 * whose affinity changed while it slept is moved when the lock is dropped
 * (sched_unlock).
 */
bool sched_wake_locked(struct task_cpu *cpu, struct task *t)
{
	if (t->state != TASK_BLOCKED)
		return false;
	timer_del_sleeper(t);
	t->state = TASK_READY;
	if (unlikely(!sched_allowed(cpu, t))) {
		sched_push_later(cpu, t);
		return true;
	}
	sched_policy_enqueue(&cpu->rq, t, SCHED_WAKEUP);
	if (cpu->current == cpu->idle || sched_policy_wakeup_preempts(&cpu->rq, cpu->current, t))
		cpu->need_resched = true;
	sched_wake_kick(cpu, t);
	return true;
}

/* With t's CPU locked (task_cpu_lock); drops the lock, restores flags. */
static bool wake_unlock(struct task_cpu *cpu, struct task *t, unsigned long flags)
{
	bool woke = sched_wake_locked(cpu, t);

	sched_unlock(cpu);
	hal_irq_restore(flags);
	return woke;
}

bool sched_wake(struct task *t)
{
	unsigned long flags = hal_irq_save();

	return wake_unlock(task_cpu_lock(t), t, flags);
}

void task_interrupt(struct task *t, unsigned intr)
{
	unsigned long flags = hal_irq_save();
	struct task_cpu *cpu = task_cpu_lock(t);

	t->intr |= intr;
	if (t->state == TASK_BLOCKED && (t->sleep_intr & intr)) {
		wake_unlock(cpu, t, flags);
		return;
	}
	hal_spin_unlock_irqrestore(&cpu->lock, flags);
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
	struct task_cpu *cpu = this_cpu(); /* interrupts are off: it stays ours */
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
	unsigned long flags = hal_irq_save();
	struct task_cpu *cpu = this_cpu();

	if (!cpu->current) {
		hal_irq_restore(flags);
		return;
	}
	check_may_sleep(cpu, "task_yield");
	hal_spin_lock(&cpu->lock);
	sched_switch(cpu, SCHED_YIELD);
	hal_irq_restore(flags);
}

int task_sleep_until_intr(uint64_t deadline_ns, unsigned intr)
{
	unsigned long flags = hal_irq_save();
	int rc = 0;

	/* Checked even when the deadline has passed (Linux's might_sleep): a caller that may
	 * not sleep is caught however late the clock is read. */
	check_may_sleep(this_cpu(), "sleep");
	if (deadline_ns > hal_time_ns())
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
	struct task_cpu *cpu;
	unsigned long flags;

	if (!hal_irq_enabled())
		return;
	flags = hal_irq_save();
	cpu = this_cpu();
	if (!READ_ONCE(cpu->need_resched) || cpu->preempt_count || !cpu->current) {
		hal_irq_restore(flags);
		return;
	}
	hal_spin_lock(&cpu->lock);
	if (cpu->need_resched)
		sched_switch(cpu, SCHED_PREEMPT);
	else
		hal_spin_unlock(&cpu->lock);
	hal_irq_restore(flags);
}

/*
 * The count is the CPU's. With SMP the increment is made with interrupts
 * off: a task preempted between finding its CPU and storing the count
 * could resume elsewhere and raise the old CPU's. Once it is non-zero the
 * task stays where it is, so the decrement needs no such care.
 */
void preempt_disable(void)
{
#ifdef CONFIG_SMP
	unsigned long flags = hal_irq_save();

	this_cpu()->preempt_count++;
	hal_irq_restore(flags);
#else
	this_cpu()->preempt_count++;
#endif
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
	unsigned long flags = hal_irq_save();
	unsigned n = this_cpu()->preempt_count;

	hal_irq_restore(flags);
	return n;
}

/*
 * The timer interrupt: wake sleepers whose deadline passed, count a tick if
 * one is due, re-arm the one-shot timer, and preempt the interrupted task if
 * the policy says so and preemption is allowed.
 */
void sched_timer_interrupt(void *arg)
{
	struct task_cpu *cpu = this_cpu(); /* each CPU's timer interrupts itself */
	uint64_t now = hal_time_ns();
	struct task *cur;

	(void)arg;
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
		sched_balance(cpu);
		if (cpu->rq.nr_ready)
			sched_kick_idle(cpu, ~(hal_cpumask_t)0);
	}
	timer_program(cpu, true);
	if (cpu->need_resched && cpu->preempt_count == 0)
		sched_switch(cpu, SCHED_PREEMPT);
	else
		sched_unlock(cpu);
}

uint64_t task_ticks(void)
{
	unsigned long flags = hal_irq_save();
	uint64_t n = READ_ONCE(this_cpu()->ticks);

	hal_irq_restore(flags);
	return n;
}

const char *task_sched_name(void)
{
	return sched_policy_name;
}

/* A new task starts on its creator's CPU if its affinity allows (task_create sets it). */
void sched_add_new(struct task *t)
{
	unsigned long flags = hal_irq_save();
	struct task_cpu *cpu = this_cpu();

	hal_spin_lock(&cpu->lock);
	t->state = TASK_READY;
#ifdef CONFIG_SMP
	t->cpu = cpu->id;
	if (unlikely(!sched_allowed(cpu, t))) {
		sched_push_later(cpu, t);
		sched_unlock(cpu);
		hal_irq_restore(flags);
		return;
	}
#endif
	sched_policy_enqueue(&cpu->rq, t, SCHED_NEW);
	sched_wake_kick(cpu, t);
	hal_spin_unlock_irqrestore(&cpu->lock, flags);
}

/* The idle task: run whatever is ready, else pull, else halt until an interrupt. */
int sched_idle_main(void *arg)
{
	struct task_cpu *cpu = arg;

	for (;;) {
		hal_irq_disable();
		hal_spin_lock(&cpu->lock);
		if (cpu->rq.nr_ready) {
			sched_switch(cpu, SCHED_YIELD);
		} else {
			hal_spin_unlock(&cpu->lock);
			/* In the idle set (a kick took it out) before other queues are read. */
			sched_idle_set(cpu, true);
			/* Checked with interrupts off, so a wakeup cannot slip in
			 * between (a waker kicks an idle CPU after queueing); wfi
			 * returns once an interrupt is pending. */
			if (!sched_pull(cpu))
				hal_cpu_wait();
		}
		hal_irq_enable(); /* the pending interrupt runs here */
	}
	return 0;
}

/* One CPU's queue and idle task; before the CPU schedules. */
void sched_cpu_init(struct task_cpu *cpu, struct task *idle)
{
	sched_policy_init(&cpu->rq);
	idle->fn = sched_idle_main;
	idle->arg = cpu;
	idle->state = TASK_READY;
	cpu->idle = idle;
}

void sched_start(struct task *main)
{
	struct task_cpu *cpu = this_cpu();
	unsigned long flags = hal_spin_lock_irqsave(&cpu->lock);
	uint64_t now = hal_time_ns();

	main->state = TASK_RUNNING;
	main->exec_start = now;
	main->switches_in = 1;
	cpu->current = main;
	hal_cpu_set_local(main);
	cpu->next_tick = now + TICK_NS;
	hal_timer_set_handler(sched_timer_interrupt, NULL);
	timer_program(cpu, true);
	hal_spin_unlock_irqrestore(&cpu->lock, flags);
}
