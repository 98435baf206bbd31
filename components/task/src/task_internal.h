/* task's private state: the task record, the CPU's run queue, and the core's internal calls. */
#ifndef TASK_INTERNAL_H
#define TASK_INTERNAL_H

#include <hal/context.h>
#include <hal/smp.h>
#include <hal/spinlock.h>
#include <klib/compiler.h>
#include <klib/list.h>
#include <task/task.h>

enum task_state {
	TASK_NEW,     /* made stopped (task_attr.stopped), not started yet */
	TASK_RUNNING, /* on the CPU */
	TASK_READY,   /* in the run queue (idle: waiting to be picked) */
	TASK_BLOCKED, /* asleep: on a wait queue and/or the timer list */
	TASK_EXITED,  /* ended, still on its stack until the next switch */
	TASK_DEAD,    /* off the CPU for good: its stack may be freed */
};

struct task {
	struct hal_context ctx;
	enum task_state state;

	/* Scheduling policy (sched_*.c): run-queue link and bookkeeping. */
	struct list_node rq_node;
	uint64_t vruntime;   /* fair: weighted CPU time */
	unsigned weight;     /* fair: from nice */
	unsigned slice_left; /* round-robin: ticks left in the slice */
	int nice;

	/* Sleeping with a deadline: link in the CPU's timer list. */
	struct list_node timer_node;
	uint64_t wake_at;

	/* Interruptions (task_interrupt), under the CPU's lock. */
	unsigned intr;       /* TASK_INTR_* raised and not cleared */
	unsigned sleep_intr; /* while blocked: the interruptions that end the sleep */

#ifdef CONFIG_SMP
	/*
	 * The CPU whose lock guards this task's state and whose run queue or
	 * timer list it is on. Changes only while the task is ready and off
	 * every CPU (never running, never half switched), with that CPU's
	 * lock held and, when it moves to a queue, the new CPU's too.
	 */
	unsigned cpu;
	hal_cpumask_t affinity; /* the CPUs it may run on; under the lock of 'cpu' */
#endif

	/* Accounting. */
	uint64_t exec_start; /* when it last went on the CPU or was charged */
	uint64_t runtime_ns, switches_in, preemptions;

	/* Life cycle, under task_life_lock ('dead': task_reap has run; 'state' is the CPU
	 * lock's, and may still change on another CPU while a joiner looks). */
	int exit_status;
	bool detached, joining, dead;
	struct wait_queue exit_wq;

	/* The stack block this record lives in, and who made it. */
	void *block;
	size_t block_size;
	const struct task_stack_ops *stack_ops;

	void *space;
	void (*activate)(void *space);
	void *owner; /* task_set_owner() */

	task_fn_t fn;
	void *arg;
	unsigned long id;
	char name[TASK_NAME_MAX];
#if CONFIG_TASK_LOCAL_SIZE > 0
	_Alignas(16) unsigned char local[CONFIG_TASK_LOCAL_SIZE];
#endif
};

/* The run queue of one CPU, used by the policy. */
struct sched_rq {
	struct list_node queue; /* ready tasks, in the policy's order */
	unsigned nr_ready;
	uint64_t min_vruntime; /* fair: never decreases */
};

/*
 * One CPU's scheduler state. 'lock' guards it, the run queue and the timer
 * list. Its own cache line: other CPUs take the lock to wake and pull.
 */
struct task_cpu {
	hal_spinlock_t lock;
	struct task *current, *idle, *prev;
	struct sched_rq rq;
	unsigned preempt_count;
	bool need_resched;
	struct list_node sleepers; /* blocked tasks with a deadline, soonest first */
	uint64_t ticks, next_tick;
	uint64_t switches; /* context switches since task_init (/proc/stat's ctxt) */
	uint64_t armed;    /* deadline the hal timer is set to, or TASK_FOREVER */
	void *active_space;
	void (*active_fn)(void *space); /* active_space's activate function */
#ifdef CONFIG_SMP
	unsigned id; /* hal_cpu_id() of the CPU */
	/* Ready tasks this CPU may not run (affinity changed), linked by timer_node: sched_unlock
	 * moves them. */
	struct list_node pushq;
#endif
} KIT_ALIGNED(64);

extern struct task_cpu task_cpus[HAL_NR_CPUS];

/*
 * The calling CPU. With SMP a task may move to another CPU whenever it can
 * be preempted: call this with interrupts off (or preemption disabled) and
 * use the result only until they are on again.
 */
static inline struct task_cpu *this_cpu(void)
{
	return &task_cpus[hal_cpu_id()];
}

/* The CPU that owns t, with its lock taken (interrupts off): t cannot move meanwhile. */
static inline struct task_cpu *task_cpu_lock(struct task *t)
{
#ifdef CONFIG_SMP
	for (;;) {
		struct task_cpu *cpu = &task_cpus[READ_ONCE(t->cpu)];

		hal_spin_lock(&cpu->lock);
		if (likely(READ_ONCE(t->cpu) == cpu->id))
			return cpu;
		hal_spin_unlock(&cpu->lock); /* it moved meanwhile: follow it */
	}
#else
	(void)t;
	hal_spin_lock(&task_cpus[0].lock);
	return &task_cpus[0];
#endif
}

/* Guards exit status, joining and exit_wq of every task. Taken before a CPU lock. */
extern hal_spinlock_t task_life_lock;

#define TICK_NS (1000000000ull / CONFIG_TASK_TICK_HZ)

/* Written at the lowest word of every stack block, checked on each switch in debug builds. */
#define TASK_STACK_CANARY 0x57ac4ca7a11de4d5ull

#ifdef CONFIG_TASK_ACCOUNTING
#define TASK_ACCOUNTING 1
#else
#define TASK_ACCOUNTING 0
#endif

/* sched.c: the core. */
enum sched_why { SCHED_NEW, SCHED_WAKEUP, SCHED_YIELD, SCHED_PREEMPT, SCHED_BLOCK, SCHED_MIGRATE };
/* With cpu->lock held, interrupts off; returns with it released, interrupts still off. */
void sched_switch(struct task_cpu *cpu, enum sched_why why);
/* The first thing a task does after being switched to. */
void sched_finish_switch(struct task_cpu *cpu);
/* Make a blocked task ready; cpu->lock held. True if it was blocked. */
bool sched_wake_locked(struct task_cpu *cpu, struct task *t);
bool sched_wake(struct task *t);
/*
 * Sleep until woken, 'deadline', or an interruption in 'intr' (TASK_INTR_*).
 * Interrupts off; 'lock' (may be NULL) is held and is released once the
 * task is asleep, then taken again. -EINTR without sleeping (and without
 * releasing 'lock') if such an interruption is already raised; else 0.
 */
int sched_block(hal_spinlock_t *lock, uint64_t deadline, unsigned intr);
/* Switch now if one is due and allowed (interrupts on, preemption count 0). */
void sched_preempt_point(void);
void sched_timer_interrupt(void *arg);
void sched_cpu_init(struct task_cpu *cpu, struct task *idle);
void sched_start(struct task *main);
void sched_add_new(struct task *t);
int sched_idle_main(void *arg);

/*
 * smp.c: tasks on every CPU (CONFIG_SMP; without it these are empty inlines).
 * sched_wake_kick: 't' was just queued on 'cpu' (its lock held): interrupt
 * that CPU if it must reschedule, or an idle one that may pull 't'.
 * sched_kick_idle: 'cpu' has tasks waiting (its lock held or not): kick an idle CPU of
 * 'cpus' to pull one. sched_pull: the idle 'cpu' (no lock held, interrupts off) takes a ready
 * task from the busiest CPU; true if it did. sched_balance: the tick's
 * periodic balance ('cpu' locked). sched_push_later: 't' is ready, on no
 * queue, on a CPU its affinity excludes ('cpu' locked): sched_unlock, which
 * releases a CPU's lock wherever tasks may have been left so, queues it
 * on a CPU it may run on.
 */
#ifdef CONFIG_SMP
void sched_wake_kick(struct task_cpu *cpu, struct task *t);
void sched_kick_idle(struct task_cpu *cpu, hal_cpumask_t cpus);
bool sched_pull(struct task_cpu *cpu);
void sched_balance(struct task_cpu *cpu);
void sched_idle_set(struct task_cpu *cpu, bool idle);
void sched_smp_start(void);
void sched_push_later(struct task_cpu *cpu, struct task *t);
void sched_unlock(struct task_cpu *cpu);
static inline bool sched_allowed(const struct task_cpu *cpu, const struct task *t)
{
	return (t->affinity & HAL_CPU_BIT(cpu->id)) != 0;
}
#else
static inline void sched_wake_kick(struct task_cpu *cpu, struct task *t)
{
	(void)cpu, (void)t;
}
static inline void sched_kick_idle(struct task_cpu *cpu, hal_cpumask_t cpus)
{
	(void)cpu, (void)cpus;
}
static inline bool sched_pull(struct task_cpu *cpu)
{
	(void)cpu;
	return false;
}
static inline void sched_balance(struct task_cpu *cpu)
{
	(void)cpu;
}
static inline void sched_idle_set(struct task_cpu *cpu, bool idle)
{
	(void)cpu, (void)idle;
}
static inline void sched_push_later(struct task_cpu *cpu, struct task *t)
{
	(void)cpu, (void)t;
}
static inline void sched_unlock(struct task_cpu *cpu)
{
	hal_spin_unlock(&cpu->lock);
}
static inline bool sched_allowed(const struct task_cpu *cpu, const struct task *t)
{
	(void)cpu, (void)t;
	return true;
}
#endif

/* timer.c: sleepers and the hal timer; cpu->lock held. */
void timer_add_sleeper(struct task_cpu *cpu, struct task *t, uint64_t deadline);
void timer_del_sleeper(struct task *t);
void timer_wake_expired(struct task_cpu *cpu, uint64_t now);
void timer_program(struct task_cpu *cpu, bool exact);

/* task.c */
void task_reap(struct task *t);
void task_init_record(struct task *t, const char *name, int nice);

/*
 * The scheduling policy (sched_fifo.c, sched_rr.c or sched_fair.c; exactly
 * one is linked). Every call is made with the CPU's lock held and interrupts
 * off; none of them reads the clock, so each can be tested on its own.
 */
extern const char sched_policy_name[];
/* Does the policy need the periodic tick (to preempt)? */
extern const bool sched_policy_ticks;
void sched_policy_init(struct sched_rq *rq);
void sched_policy_task_init(struct task *t);
void sched_policy_set_nice(struct task *t, int nice);
/* Queue a ready task; 'why' is NEW, WAKEUP, YIELD, PREEMPT or MIGRATE (from sched_policy_dequeue).
 */
void sched_policy_enqueue(struct sched_rq *rq, struct task *t, enum sched_why why);
/* Take the queued task 't' off (to move it to another CPU's queue). */
void sched_policy_dequeue(struct sched_rq *rq, struct task *t);
/* Remove and return the task to run next, or NULL. */
struct task *sched_policy_pick(struct sched_rq *rq);
/* 't' (running) used delta_ns of CPU time. */
void sched_policy_charge(struct sched_rq *rq, struct task *t, uint64_t delta_ns);
/* A tick while 'cur' runs (charged first); true: preempt it. */
bool sched_policy_tick(struct sched_rq *rq, struct task *cur);
/* 'woken' became ready while 'cur' runs; true: preempt 'cur'. */
bool sched_policy_wakeup_preempts(struct sched_rq *rq, struct task *cur, struct task *woken);

#endif
