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

int task_init(void)
{
	struct task_cpu *cpu = this_cpu();
	struct task *idle;

	if (cpu->current)
		return -EBUSY;
	idle = task_alloc(ALIGN_UP((size_t)CONFIG_TASK_STACK_SIZE, 4096), "idle", TASK_NICE_MAX);
	if (!idle)
		return -ENOMEM;
	idle->id = 0;
	task_init_record(&task_main, "main", 0);
	task_main.id = 1;
	sched_start(&task_main, idle);
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
	    size < TASK_MIN_BLOCK || (!out && !attr->detached))
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
	if (out)
		*out = t;
	sched_add_new(t);
	return 0;
}

void task_exit(int status)
{
	struct task_cpu *cpu = this_cpu();
	struct task *self = cpu->current;

	if (self == &task_main)
		panic("task_exit: the main task cannot exit; return from app_main to end the run");
	if (unlikely(cpu->preempt_count != 0)) /* every build: the count would stay with the CPU */
		panic("task '%s' exits with preemption disabled", self->name);
	hal_irq_disable();
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
	if (!t || t == &task_main || t == this_cpu()->idle || t->detached || t->joining)
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
		while (t->state != TASK_DEAD)
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
		dead = t->state == TASK_DEAD;
	}
	hal_spin_unlock_irqrestore(&task_life_lock, flags);
	if (dead)
		task_free(t);
	return rc;
}

struct task *task_current(void)
{
	return this_cpu()->current;
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
	struct task_cpu *cpu = this_cpu();
	unsigned long flags;

	if (nice < TASK_NICE_MIN || nice > TASK_NICE_MAX)
		return -EINVAL;
	flags = hal_spin_lock_irqsave(&cpu->lock);
	sched_policy_set_nice(t, nice);
	hal_spin_unlock_irqrestore(&cpu->lock, flags);
	return 0;
}

void task_get_info(const struct task *t, struct task_info *info)
{
	struct task_cpu *cpu = this_cpu();
	unsigned long flags = hal_spin_lock_irqsave(&cpu->lock);
	uint64_t running = TASK_ACCOUNTING && t == cpu->current ? hal_time_ns() - t->exec_start : 0;

	*info = (struct task_info){
		.id = t->id,
		.name = t->name,
		.nice = t->nice,
		.runtime_ns = t->runtime_ns + running,
		.switches_in = t->switches_in,
		.preemptions = t->preemptions,
	};
	hal_spin_unlock_irqrestore(&cpu->lock, flags);
}

int task_set_space(struct task *t, void *space, void (*activate)(void *space))
{
	struct task_cpu *cpu = this_cpu();
	unsigned long flags;

	if (space && !activate)
		return -EINVAL;
	flags = hal_spin_lock_irqsave(&cpu->lock);
	t->space = space;
	t->activate = activate;
	/*
	 * The running task moves at once; others when they are switched to.
	 * A running task leaving its space for none has switched the CPU to a
	 * table of its own choosing (the kernel's): forget the old space, so
	 * a later space allocated at the same address is still activated.
	 */
	if (t == cpu->current && space && space != cpu->active_space) {
		cpu->active_space = space;
		activate(space);
	} else if (t == cpu->current && !space) {
		cpu->active_space = NULL;
	}
	hal_spin_unlock_irqrestore(&cpu->lock, flags);
	return 0;
}

void *task_active_space(void)
{
	return this_cpu()->active_space;
}

void task_interrupt(struct task *t, unsigned intr)
{
	struct task_cpu *cpu = this_cpu();
	unsigned long flags = hal_spin_lock_irqsave(&cpu->lock);

	t->intr |= intr;
	if (t->state == TASK_BLOCKED && (t->sleep_intr & intr))
		sched_wake_locked(cpu, t);
	hal_spin_unlock_irqrestore(&cpu->lock, flags);
}

void task_interrupt_clear(struct task *t, unsigned intr)
{
	struct task_cpu *cpu = this_cpu();
	unsigned long flags = hal_spin_lock_irqsave(&cpu->lock);

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
