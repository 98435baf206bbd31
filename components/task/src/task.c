/*
 * Task life cycle: creation, exit, join, detach, and the per-task settings.
 *
 * A task's record sits at the top of its stack block, so creating a task is
 * one allocation and freeing it one free. The main task (the boot flow) and
 * its record are static. An ended task stays on its stack until the next
 * switch; only then (sched_finish_switch -> task_reap) is it marked dead, and
 * only a dead task's block is freed, by its joiner or, if detached, at once.
 */
#include <hal/cpu.h>
#include <hal/time.h>
#include <klib/errno.h>
#include <klib/panic.h>
#include <klib/string.h>
#include "task_internal.h"

/* Smallest stack block: the record, the first frames and a trap frame. */
#define TASK_MIN_BLOCK 8192u
/* Kconfig keeps TASK_LOCAL_SIZE small enough for this (the record is at the block's top). */
_Static_assert(sizeof(struct task) + 3072 <= TASK_MIN_BLOCK,
               "the task record leaves less than 3 KiB of stack in the smallest block");

hal_spinlock_t task_life_lock = HAL_SPINLOCK_INIT;

static struct task task_main;
static const struct task_stack_ops *stack_ops = &task_default_stack_ops;
static unsigned long next_id = 2; /* 0: idle, 1: main */

int task_set_stack_ops(const struct task_stack_ops *ops)
{
	if (!ops)
		ops = &task_default_stack_ops;
	if (!ops->alloc || !ops->free)
		return -EINVAL;
	WRITE_ONCE(stack_ops, ops);
	return 0;
}

void task_init_record(struct task *t, const char *name, int nice)
{
	kstrlcpy(t->name, name ? name : "task", sizeof(t->name));
	t->nice = nice;
	wq_init(&t->exit_wq);
	list_init(&t->rq_node);
	list_init(&t->timer_node);
	sched_policy_task_init(t);
}

/* Every task starts here, in its own context, right after its first switch. */
static void task_entry(void *arg)
{
	struct task *self = arg;

	sched_finish_switch(this_cpu());
	hal_irq_enable();
	task_exit(self->fn(self->arg));
}

/* A record at the top of a fresh stack block; NULL when out of memory. */
static struct task *task_alloc(size_t size, const char *name, int nice)
{
	const struct task_stack_ops *ops = READ_ONCE(stack_ops);
	size_t rec = ALIGN_UP(sizeof(struct task), 16);
	char *block = ops->alloc(size);
	struct task *t;

	if (!block)
		return NULL;
	t = (struct task *)(block + size - rec);
	memset(t, 0, sizeof(*t));
	*(uint64_t *)(void *)block = TASK_STACK_CANARY;
	t->block = block;
	t->block_size = size;
	t->stack_ops = ops;
	task_init_record(t, name, nice);
	hal_context_init(&t->ctx, block, size - rec, task_entry, t);
	return t;
}

static void task_free(struct task *t)
{
	const struct task_stack_ops *ops = t->stack_ops;
	void *block = t->block;
	size_t size = t->block_size;

	ops->free(block, size); /* t itself is gone after this */
}

/* CPU 'id''s idle task, and its queue; before the CPU schedules. */
static int task_cpu_init(unsigned id)
{
	struct task_cpu *cpu = &task_cpus[id];
	struct task *idle;

	idle = task_alloc(ALIGN_UP((size_t)CONFIG_TASK_STACK_SIZE, 4096), "idle", TASK_NICE_MAX);
	if (!idle)
		return -ENOMEM;
	idle->id = 0;
#ifdef CONFIG_SMP
	hal_spin_init(&cpu->lock);
	list_init(&cpu->sleepers);
	list_init(&cpu->pushq);
	cpu->armed = TASK_FOREVER;
	cpu->id = id;
	idle->cpu = id;
	idle->affinity = HAL_CPU_BIT(id);
#endif
	sched_cpu_init(cpu, idle);
	return 0;
}

int task_init(void)
{
	unsigned ncpus = hal_cpu_count();
	int rc;

	if (this_cpu()->current)
		return -EBUSY;
	/* Every CPU's idle task now, while allocating is the boot flow's business. */
	for (unsigned id = 0; id < ncpus; id++)
		if ((rc = task_cpu_init(id)) != 0)
			return rc;
	task_init_record(&task_main, "main", 0);
	task_main.id = 1;
#ifdef CONFIG_SMP
	task_main.affinity = hal_cpu_online_mask();
#endif
	sched_start(&task_main);
#ifdef CONFIG_SMP
	sched_smp_start();
#endif
	hal_irq_enable();
	return 0;
}

int task_create(struct task **out, const char *name, task_fn_t fn, void *arg,
                const struct task_attr *attr)
{
	static const struct task_attr defaults;
	size_t size;
	struct task *t;

	if (!attr)
		attr = &defaults;
	size = ALIGN_UP(attr->stack_size ? attr->stack_size : (size_t)CONFIG_TASK_STACK_SIZE, 4096);
	if (!fn || attr->nice < TASK_NICE_MIN || attr->nice > TASK_NICE_MAX ||
	    size < TASK_MIN_BLOCK || (!out && !attr->detached) ||
	    (attr->cpus && !(attr->cpus & hal_cpu_online_mask())))
		return -EINVAL;
	if (!this_cpu()->current)
		return -EAGAIN;
	t = task_alloc(size, name, attr->nice);
	if (!t)
		return -ENOMEM;
	t->fn = fn;
	t->arg = arg;
	t->detached = attr->detached;
	t->id = __atomic_fetch_add(&next_id, 1, __ATOMIC_RELAXED);
#ifdef CONFIG_SMP
	t->affinity =
	    attr->cpus ? attr->cpus & hal_cpu_online_mask() : task_affinity(task_current());
#endif
	if (out)
		*out = t;
	t->state = TASK_NEW;
	if (!attr->stopped)
		sched_add_new(t);
	return 0;
}

void task_start(struct task *t)
{
	if (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) == TASK_NEW)
		sched_add_new(t);
}

hal_cpumask_t task_affinity(const struct task *t)
{
#ifdef CONFIG_SMP
	return READ_ONCE(t->affinity);
#else
	(void)t;
	return 1;
#endif
}

#ifndef CONFIG_SMP
int task_set_affinity(struct task *t, hal_cpumask_t cpus)
{
	return !t || t->id == 0 || !(cpus & 1) ? -EINVAL : 0;
}
#endif

void task_exit(int status)
{
	struct task_cpu *cpu;
	struct task *self;

	hal_irq_disable();
	cpu = this_cpu();
	self = cpu->current;
	if (self == &task_main)
		panic("task_exit: the main task cannot exit; return from app_main to end the run");
	if (unlikely(cpu->preempt_count != 0)) /* every build: the count would stay with the CPU */
		panic("task '%s' exits with preemption disabled", self->name);
	self->exit_status = status;
	hal_spin_lock(&cpu->lock);
	self->state = TASK_EXITED;
	sched_switch(cpu, SCHED_BLOCK);
	__builtin_unreachable();
}

void task_reap(struct task *t)
{
	bool free_now;

	hal_spin_lock(&task_life_lock);
	t->state = TASK_DEAD;
	t->dead = true;
	free_now = t->detached;
	if (!free_now)
		wq_wake_all(&t->exit_wq);
	hal_spin_unlock(&task_life_lock);
	if (free_now)
		task_free(t);
}

/* Only tasks made by task_create can be joined or detached, once. */
static int check_joinable(const struct task *t)
{
	if (!t || t == &task_main || t->id == 0 /* an idle task */ || t->detached || t->joining)
		return -EINVAL;
	return 0;
}

int task_join(struct task *t, int *status)
{
	unsigned long flags;
	int rc;

	if (t == task_current())
		return -EDEADLK;
	flags = hal_spin_lock_irqsave(&task_life_lock);
	rc = check_joinable(t);
	if (rc == 0) {
		t->joining = true;
		while (!t->dead)
			wq_wait(&t->exit_wq, &task_life_lock, TASK_FOREVER);
		if (status)
			*status = t->exit_status;
	}
	hal_spin_unlock_irqrestore(&task_life_lock, flags);
	if (rc == 0)
		task_free(t);
	return rc;
}

int task_detach(struct task *t)
{
	unsigned long flags = hal_spin_lock_irqsave(&task_life_lock);
	int rc = check_joinable(t);
	bool dead = false;

	if (rc == 0) {
		t->detached = true;
		dead = t->dead;
	}
	hal_spin_unlock_irqrestore(&task_life_lock, flags);
	if (dead)
		task_free(t);
	return rc;
}

const char *task_name(const struct task *t)
{
	return t->name;
}

unsigned long task_id(const struct task *t)
{
	return t->id;
}

int task_set_nice(struct task *t, int nice)
{
	struct task_cpu *cpu;
	unsigned long flags;

	if (nice < TASK_NICE_MIN || nice > TASK_NICE_MAX)
		return -EINVAL;
	flags = hal_irq_save();
	cpu = task_cpu_lock(t);
	sched_policy_set_nice(t, nice);
	hal_spin_unlock_irqrestore(&cpu->lock, flags);
	return 0;
}

void task_get_info(const struct task *t, struct task_info *info)
{
	unsigned long flags = hal_irq_save();
	struct task_cpu *cpu = task_cpu_lock((struct task *)t);
	uint64_t running = TASK_ACCOUNTING && t == cpu->current ? hal_time_ns() - t->exec_start : 0;

	*info = (struct task_info){
	    .id = t->id,
	    .name = t->name,
	    .nice = t->nice,
	    .runtime_ns = t->runtime_ns + running,
	    .switches_in = t->switches_in,
	    .preemptions = t->preemptions,
	    .activity = t->state == TASK_RUNNING                         ? TASK_ACT_RUNNING
	                : t->state == TASK_READY || t->state == TASK_NEW ? TASK_ACT_READY
	                : t->state == TASK_BLOCKED                       ? TASK_ACT_SLEEPING
	                                                                 : TASK_ACT_EXITED,
	};
	hal_spin_unlock_irqrestore(&cpu->lock, flags);
}

static void add_cpu_stats(struct task_cpu *cpu, struct task_cpu_stats *out)
{
	unsigned long flags = hal_spin_lock_irqsave(&cpu->lock);
	struct task *idle = cpu->idle;
	uint64_t running =
	    TASK_ACCOUNTING && idle && idle == cpu->current ? hal_time_ns() - idle->exec_start : 0;

	out->idle_ns += idle ? idle->runtime_ns + running : 0;
	out->switches += cpu->switches;
	out->ready += cpu->rq.nr_ready + (cpu->current && cpu->current != idle);
	hal_spin_unlock_irqrestore(&cpu->lock, flags);
}

void task_cpu_stats(struct task_cpu_stats *out)
{
	*out = (struct task_cpu_stats){0};
	for (unsigned id = 0; id < hal_cpu_count(); id++)
		add_cpu_stats(&task_cpus[id], out);
}

int task_set_space(struct task *t, void *space, void (*activate)(void *space))
{
	struct task_cpu *cpu;
	unsigned long flags;

	if (space && !activate)
		return -EINVAL;
	flags = hal_irq_save();
	cpu = task_cpu_lock(t);
	t->space = space;
	t->activate = activate;
	/*
	 * The running task moves at once; others when they are switched to.
	 * A running task leaving its space for none leaves it here, under the
	 * lock: done by the caller afterwards, a preemption in between could
	 * move it to another CPU and leave the space installed on this one.
	 * Forgetting the old space also means a later space allocated at the
	 * same address is still activated.
	 */
	if (t != cpu->current || cpu != this_cpu()) {
		/* not running here: its next switch activates the space */
	} else if (space && space != cpu->active_space) {
		cpu->active_space = space;
		cpu->active_fn = activate;
		activate(space);
	} else if (!space && cpu->active_space) {
		cpu->active_space = NULL;
		cpu->active_fn(NULL);
	}
	hal_spin_unlock_irqrestore(&cpu->lock, flags);
	return 0;
}

void *task_active_space(void)
{
	unsigned long flags = hal_irq_save();
	void *space = this_cpu()->active_space;

	hal_irq_restore(flags);
	return space;
}

void task_interrupt_clear(struct task *t, unsigned intr)
{
	unsigned long flags = hal_irq_save();
	struct task_cpu *cpu = task_cpu_lock(t);

	t->intr &= ~intr;
	hal_spin_unlock_irqrestore(&cpu->lock, flags);
}

unsigned task_interrupts(const struct task *t)
{
	return READ_ONCE(t->intr);
}

void task_set_owner(struct task *t, void *owner)
{
	t->owner = owner;
}

void *task_owner(const struct task *t)
{
	return t ? t->owner : NULL;
}

void *task_local(struct task *t)
{
#if CONFIG_TASK_LOCAL_SIZE > 0
	return t->local;
#else
	(void)t;
	return NULL;
#endif
}
