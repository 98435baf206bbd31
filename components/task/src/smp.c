/*
 * Tasks on every CPU (CONFIG_SMP): starting the other CPUs' schedulers,
 * reschedule IPIs, pulling work when idle, the tick's balance, and moving a
 * task to a CPU its affinity allows.
 *
 * Each CPU schedules its own queue under its own lock. A task moves between
 * CPUs only while it is ready and on no CPU: the idle CPU pulls a queued
 * task (sched_pull), the tick of a CPU with nothing queued takes one from a
 * CPU with two or more queued (sched_balance), and a task whose affinity
 * excludes its CPU is pushed (sched_push). Each move holds both CPUs' locks,
 * taken in CPU-id order (or, from the tick, the second one with trylock), so
 * a task cannot be half switched out on its old CPU when it is picked on the
 * new one: its old CPU's lock is held across its switch.
 *
 * Wakeups. A task wakes on the CPU it slept on. If that CPU is another and
 * must reschedule (it idles, or the policy says the woken task preempts),
 * it is kicked (hal_cpu_kick); its IPI handler (sched_ipi) switches. If it
 * is busy, an idle CPU that the task may run on is kicked instead, and pulls.
 * A kicked CPU is out of the idle set until it looks again, so a burst of
 * wakeups kicks as many idle CPUs; a pull that leaves tasks queued, and a
 * kicked CPU that takes other work, kick the next one (under FIFO no tick
 * balances later).
 * The idle set is a Dekker pair with the queues: a waker queues, then reads
 * the set; an idle CPU is in the set before it looks at the queues, and each
 * side fences in between, so either the idle CPU sees the task or the waker
 * sees the idle CPU and kicks it (a kick pending before wfi makes it return).
 */
#include <hal/cpu.h>
#include <hal/smp.h>
#include <hal/time.h>
#include <klib/errno.h>
#include <klib/panic.h>
#include "task_internal.h"

/* CPUs whose idle task runs: candidates for a kick to pull. */
static hal_cpumask_t idle_cpus;

/*
 * Leaving idle ('cpu' locked, switching to a task), a CPU that is out of the
 * set already was claimed by a waker since it last looked at the queues
 * (sched_kick_idle): that waker's task may be queued elsewhere, and this
 * CPU has other work, so it passes the kick on.
 */
void sched_idle_set(struct task_cpu *cpu, bool idle)
{
	hal_cpumask_t me = HAL_CPU_BIT(cpu->id);

	if (idle)
		__atomic_fetch_or(&idle_cpus, me, __ATOMIC_SEQ_CST);
	else if (!(__atomic_fetch_and(&idle_cpus, ~me, __ATOMIC_SEQ_CST) & me))
		sched_kick_idle(cpu, ~(hal_cpumask_t)0);
}

void sched_wake_kick(struct task_cpu *cpu, struct task *t)
{
	unsigned self = hal_cpu_id();

	if (cpu->id != self && cpu->need_resched) {
		hal_cpu_kick(HAL_CPU_BIT(cpu->id));
		return;
	}
	if (cpu->current == cpu->idle)
		return; /* it is this CPU, idle, in an interrupt: it switches on return */
	sched_kick_idle(cpu, t->affinity);
}

/*
 * The kicked CPU is taken out of the idle set (claimed) until its idle loop
 * looks at the queues again: the next waker kicks another one, not the same
 * one again before it has pulled (it takes one task per look).
 */
void sched_kick_idle(struct task_cpu *cpu, hal_cpumask_t cpus)
{
	hal_cpumask_t idle;

	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* the task is queued before the set is read */
	idle = __atomic_load_n(&idle_cpus, __ATOMIC_SEQ_CST) & cpus & ~HAL_CPU_BIT(hal_cpu_id()) &
	       ~HAL_CPU_BIT(cpu->id);
	for (; idle; idle &= idle - 1) {
		hal_cpumask_t one = idle & -idle;

		if (__atomic_fetch_and(&idle_cpus, ~one, __ATOMIC_SEQ_CST) & one) {
			hal_cpu_kick(one);
			return;
		}
	}
}

/* Both locks, lower id first: the order every two-CPU move takes them in. */
static void lock_two(struct task_cpu *a, struct task_cpu *b)
{
	if (a->id < b->id) {
		hal_spin_lock(&a->lock);
		hal_spin_lock(&b->lock);
	} else {
		hal_spin_lock(&b->lock);
		hal_spin_lock(&a->lock);
	}
}

static void unlock_two(struct task_cpu *a, struct task_cpu *b)
{
	hal_spin_unlock(&a->lock);
	hal_spin_unlock(&b->lock);
}

/* Move the queued 't' from src's queue to dst's; both locked. */
static void migrate(struct task_cpu *src, struct task_cpu *dst, struct task *t)
{
	sched_policy_dequeue(&src->rq, t);
	WRITE_ONCE(t->cpu, dst->id);
	sched_policy_enqueue(&dst->rq, t, SCHED_MIGRATE);
}

/* A task queued on src that dst may run; src locked. The one queued longest is left. */
static struct task *steal_one(struct task_cpu *src, const struct task_cpu *dst)
{
	struct list_node *pos;
	struct task *found = NULL;

	list_for_each(pos, &src->rq.queue)
	{
		struct task *t = list_entry(pos, struct task, rq_node);

		if (sched_allowed(dst, t))
			found = t;
	}
	return found;
}

/* The CPU other than cpu with the most queued tasks, at least 'min'; NULL if none. */
static struct task_cpu *busiest(const struct task_cpu *cpu, unsigned min)
{
	hal_cpumask_t online = hal_cpu_online_mask();
	struct task_cpu *best = NULL;
	unsigned most = min - 1;

	for (; online; online &= online - 1) {
		struct task_cpu *c = &task_cpus[__builtin_ctzll(online)];
		unsigned n = READ_ONCE(c->rq.nr_ready);

		if (c != cpu && n > most) {
			most = n;
			best = c;
		}
	}
	return best;
}

/*
 * The idle 'cpu' takes a task queued on another CPU. If it leaves tasks
 * queued there it kicks another idle CPU: the wakers' kicks may have gone
 * to CPUs that found other work, and without a tick (FIFO) nothing else
 * would look.
 */
bool sched_pull(struct task_cpu *cpu)
{
	struct task_cpu *src;
	struct task *t = NULL;
	unsigned left = 0;

	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* in the idle set before the queues are read */
	src = busiest(cpu, 1);
	if (!src)
		return false;
	lock_two(cpu, src);
	if (src->rq.nr_ready && (t = steal_one(src, cpu))) {
		migrate(src, cpu, t);
		left = src->rq.nr_ready;
	}
	unlock_two(cpu, src);
	if (left)
		sched_kick_idle(src, ~(hal_cpumask_t)0);
	return t != NULL;
}

/*
 * From the tick, 'cpu' locked: with nothing queued here while another CPU
 * has two or more waiting, take one. Trylock: the order of the two locks
 * cannot be chosen here, and a missed balance is retried at the next tick.
 */
void sched_balance(struct task_cpu *cpu)
{
	struct task_cpu *src;
	struct task *t;

	if (cpu->rq.nr_ready)
		return;
	src = busiest(cpu, 2);
	if (!src || !hal_spin_trylock(&src->lock))
		return;
	if (src->rq.nr_ready >= 2 && (t = steal_one(src, cpu)))
		migrate(src, cpu, t);
	hal_spin_unlock(&src->lock);
}

void sched_push_later(struct task_cpu *cpu, struct task *t)
{
	list_add_tail(&cpu->pushq, &t->timer_node);
}

/* Where 't' may go: an idle CPU it allows, else the one of them with the fewest queued. */
static struct task_cpu *push_target(const struct task *t)
{
	hal_cpumask_t allowed = t->affinity & hal_cpu_online_mask();
	hal_cpumask_t idle = allowed & __atomic_load_n(&idle_cpus, __ATOMIC_SEQ_CST);
	struct task_cpu *best = NULL;

	if (idle)
		return &task_cpus[__builtin_ctzll(idle)];
	for (; allowed; allowed &= allowed - 1) {
		struct task_cpu *c = &task_cpus[__builtin_ctzll(allowed)];

		if (!best || READ_ONCE(c->rq.nr_ready) < READ_ONCE(best->rq.nr_ready))
			best = c;
	}
	return best;
}

/*
 * 't' is ready and on no queue, t->cpu is 'from', no lock held: only this
 * path moves it (pulls take queued tasks; a wakeup finds it not blocked).
 * Its affinity may change meanwhile: checked again with both locks held.
 */
static void push(struct task_cpu *from, struct task *t)
{
	for (bool done = false; !done;) {
		struct task_cpu *to;

		hal_spin_lock(&from->lock);
		to = push_target(t);
		hal_spin_unlock(&from->lock);
		kassertf(to, "task '%s' has no online CPU in its affinity", t->name);
		if (to == from) {
			hal_spin_lock(&from->lock);
		} else {
			lock_two(from, to);
		}
		done = sched_allowed(to, t);
		if (done) {
			if (TASK_ACCOUNTING) /* a fair vruntime is relative to its queue */
				t->vruntime -= MIN(t->vruntime, from->rq.min_vruntime);
			WRITE_ONCE(t->cpu, to->id);
			sched_policy_enqueue(&to->rq, t, SCHED_MIGRATE);
			to->need_resched |= to->current == to->idle;
			if (to->id != hal_cpu_id() && to->need_resched)
				hal_cpu_kick(HAL_CPU_BIT(to->id));
		}
		hal_spin_unlock(&from->lock);
		if (to != from)
			hal_spin_unlock(&to->lock);
	}
}

void sched_unlock(struct task_cpu *cpu)
{
	struct list_node moving;

	if (likely(list_empty(&cpu->pushq))) {
		hal_spin_unlock(&cpu->lock);
		return;
	}
	list_init(&moving);
	list_splice_tail(&moving, &cpu->pushq);
	hal_spin_unlock(&cpu->lock);
	while (!list_empty(&moving)) {
		struct task *t = list_entry(list_pop(&moving), struct task, timer_node);

		push(cpu, t);
	}
}

int task_set_affinity(struct task *t, hal_cpumask_t cpus)
{
	struct task_cpu *cpu;
	unsigned long flags;

	cpus &= hal_cpu_online_mask();
	if (!t || t->id == 0 || !cpus)
		return -EINVAL;
	flags = hal_irq_save();
	cpu = task_cpu_lock(t);
	WRITE_ONCE(t->affinity, cpus);
	if (!sched_allowed(cpu, t)) {
		if (t->state == TASK_READY && list_linked(&t->rq_node)) {
			sched_policy_dequeue(&cpu->rq, t); /* queued here: moved at once */
			sched_push_later(cpu, t);
		} else if (t->state == TASK_RUNNING) {
			cpu->need_resched = true; /* its switch moves it (sched_switch) */
			if (cpu != this_cpu())
				hal_cpu_kick(HAL_CPU_BIT(cpu->id));
		}
		/* A sleeper moves when it wakes (sched_wake_locked); a new or moving one when
		 * queued. */
	}
	sched_unlock(cpu);
	hal_irq_restore(flags);
	sched_preempt_point(); /* the caller itself, if it must leave this CPU */
	return 0;
}

/*
 * The reschedule IPI (hal_cpu_set_kick_handler): a CPU that queued a task
 * here, or changed the running one's affinity, set need_resched first.
 * Interrupt context, interrupts off; may switch, like the tick.
 */
static void sched_ipi(void)
{
	struct task_cpu *cpu = this_cpu();

	if (!cpu->current)
		return; /* before this CPU's scheduler started */
	hal_spin_lock(&cpu->lock);
	if (cpu->need_resched && cpu->preempt_count == 0)
		sched_switch(cpu, SCHED_PREEMPT);
	else
		sched_unlock(cpu);
}

static bool tasks_started;

/* On the boot CPU, from task_init: let the others run their idle tasks. */
void sched_smp_start(void)
{
	hal_cpu_set_kick_handler(sched_ipi);
	__atomic_store_n(&tasks_started, true, __ATOMIC_RELEASE);
	hal_cpu_kick(hal_cpu_online_mask());
}

void task_secondary_main(void)
{
	struct task_cpu *cpu;
	struct hal_context boot = {0}; /* hal_context_exit may read it (the host's sanitizers) */
	struct task *idle;

	/* Interrupts are taken only around wfi: the kick cannot slip in between check and wait. */
	hal_irq_disable();
	while (!__atomic_load_n(&tasks_started, __ATOMIC_ACQUIRE)) {
		hal_cpu_wait();
		hal_irq_enable(); /* cross-CPU calls, the start kick */
		hal_irq_disable();
	}
	cpu = this_cpu();
	idle = cpu->idle;
	kassertf(idle, "cpu %u came online after task_init", hal_cpu_id());
	hal_spin_lock(&cpu->lock);
	idle->state = TASK_RUNNING;
	cpu->current = idle;
	hal_cpu_set_local(idle);
	cpu->prev = idle;
	cpu->next_tick = hal_time_ns() + TICK_NS;
	sched_idle_set(cpu, true);
	/* Its boot stack is left for good (hal's, a few KiB): the idle task has its own, with a
	 * guard page where the architecture gives one. It starts in task_entry, which unlocks. */
	hal_context_exit(&boot, &idle->ctx);
}
