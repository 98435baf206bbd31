/*
 * Tasks: kernel threads of control, each with its own stack, scheduled by
 * the policy chosen in Kconfig (FIFO, round-robin or fair) on every CPU
 * (with CONFIG_SMP each CPU has its own queue; a task may move between
 * CPUs whenever it can be preempted, within its affinity).
 *
 * task_init() turns the running flow (kit_start, on the boot stack) into the
 * task "main", starts the idle task and the timer tick, and enables
 * interrupts. A task ends by returning from its function or by task_exit();
 * a joinable task's stack is freed by task_join(), a detached task's as soon
 * as it has switched away for the last time.
 *
 * Time is hal_time_ns(); deadlines are absolute; TASK_FOREVER never comes.
 * Functions that may sleep must be called from a task, with interrupts
 * enabled and preemption allowed.
 *
 * Per function below: the context it may be called from ("task": a task
 * after task_init; "any": an interrupt handler and the boot flow before
 * task_init too), whether it may sleep, and the locks held on entry and
 * exit. No function here is called with, or returns with, a lock of the
 * caller's held unless it says so; none takes a sleeping lock. Sleeping
 * with preemption disabled, or in the idle task, panics in every build.
 */
#ifndef TASK_TASK_H
#define TASK_TASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <hal/cpu.h>
#include <hal/smp.h>
#include <task/preempt.h>
#include <task/stack.h>
#include <task/wait.h>

struct task; /* opaque */

typedef int (*task_fn_t)(void *arg);

#define TASK_NAME_MAX 16 /* bytes, with the NUL; longer names are cut */
#define TASK_NICE_MIN (-20)
#define TASK_NICE_MAX 19

struct task_attr {
	size_t stack_size;  /* bytes of stack block, at least 8192; 0: CONFIG_TASK_STACK_SIZE */
	int nice;           /* -20 (most CPU) .. 19 (least); used by the fair scheduler */
	bool detached;      /* nobody joins it: freed when it ends */
	bool stopped;       /* made but not run until task_start() (to finish setting it up) */
	hal_cpumask_t cpus; /* the CPUs it may run on (its affinity); 0: its creator's */
};

/* The boot flow, once, interrupts disabled; never sleeps; enables interrupts.
 * Returns 0, or -EBUSY if called twice. */
int task_init(void);

/*
 * A new task running fn(arg), ready to run (it does not preempt the caller).
 * attr may be NULL (defaults). Returns 0 and stores the task in *out (may be
 * NULL for detached tasks), or -EINVAL (no fn, nice out of range, stack_size
 * below 8192, out NULL for a joinable task), -ENOMEM (no stack), -EAGAIN
 * (before task_init). Task, interrupts enabled (the stack allocator's
 * context); never sleeps.
 */
int task_create(struct task **out, const char *name, task_fn_t fn, void *arg,
                const struct task_attr *attr);

/* Let a task made with attr.stopped run (once; nothing happens to a task already started).
 * Task; never sleeps. */
void task_start(struct task *t);

/*
 * The CPUs 't' may run on (Linux's CPU affinity). task_set_affinity keeps
 * the online ones of 'cpus' (-EINVAL if none is left, or t is an idle
 * task); a task running or queued on a CPU the new set excludes moves at
 * its next switch (the caller itself: before this returns, if it may be
 * preempted). Without CONFIG_SMP the set is always CPU 0. Task; never
 * sleeps, takes t's CPU's lock.
 */
int task_set_affinity(struct task *t, hal_cpumask_t cpus);
hal_cpumask_t task_affinity(const struct task *t);

#ifdef CONFIG_SMP
/*
 * The function hal_smp_start() gives the other CPUs when tasks are in the
 * image: it waits (serving IPIs) until task_init() has run on the boot
 * CPU, then becomes that CPU's idle task. Does not return.
 */
__attribute__((noreturn)) void task_secondary_main(void);
#endif

/* End the calling task with 'status' (as returning it from its function).
 * Task (not main), preemption enabled, no lock held; does not return. */
__attribute__((noreturn)) void task_exit(int status);

/*
 * Wait for 't' to end, store its status (if status is not NULL) and free it.
 * -EDEADLK: t is the caller; -EINVAL: t is detached, the main or idle task,
 * or already being joined. Task; sleeps until t ends.
 */
int task_join(struct task *t, int *status);

/* Nobody will join 't': it is freed when it ends (now, if it has). -EINVAL as
 * task_join. Task; never sleeps. */
int task_detach(struct task *t);

/* Let other ready tasks run (under every policy, FIFO included). Task,
 * preemption enabled; switches away (a no-op before task_init). */
void task_yield(void);

/* Sleep until hal_time_ns() >= deadline (timer-driven: the CPU idles
 * meanwhile). Task, preemption enabled (checked, a panic, even when the
 * deadline has passed); sleeps unless the deadline has passed. */
void task_sleep_until(uint64_t deadline_ns);
void task_sleep_ns(uint64_t ns);
/*
 * The same, ended early by an interruption in 'intr' (TASK_WAIT_KILLABLE,
 * TASK_WAIT_INTERRUPTIBLE; task/wait.h): 0 once the deadline has come (even
 * if an interruption came too, as Linux's nanosleep), else -EINTR (at once
 * if one is already raised).
 */
int task_sleep_until_intr(uint64_t deadline_ns, unsigned intr);

/* Any context, no lock, never sleeps: the accessors below too. */
/*
 * The running task (NULL before task_init). The scheduler keeps it in the
 * CPU's per-CPU pointer (hal_cpu_local), so this is a load or two, inline:
 * every mutex operation asks. With SMP, interrupts are off around the read:
 * a task preempted between finding its CPU's block and loading the pointer
 * could resume on another CPU and read the task now running on the first.
 */
static inline struct task *task_current(void)
{
#ifdef CONFIG_SMP
	unsigned long flags = hal_irq_save();
	struct task *t = hal_cpu_local();

	hal_irq_restore(flags);
	return t;
#else
	return hal_cpu_local();
#endif
}

const char *task_name(const struct task *t);
unsigned long task_id(const struct task *t);

/* -20..19, Linux's nice scale: each step is about 1.25x the CPU share under
 * the fair scheduler. -EINVAL out of range. Takes effect from now on.
 * Any context; never sleeps. */
int task_set_nice(struct task *t, int nice);

/* What a task is doing now (/proc's state letter: R for the first two, S or D when asleep). */
enum task_activity {
	TASK_ACT_RUNNING,  /* on the CPU */
	TASK_ACT_READY,    /* waiting for the CPU */
	TASK_ACT_SLEEPING, /* blocked: on a wait queue, or until a deadline */
	TASK_ACT_EXITED,   /* ended */
};

struct task_info {
	unsigned long id;
	const char *name;
	int nice;
	uint64_t runtime_ns;  /* CPU time charged to the task (0 without CONFIG_TASK_ACCOUNTING) */
	uint64_t switches_in; /* times it was switched to */
	uint64_t preemptions; /* times the tick (or a wakeup) switched it out */
	enum task_activity activity;
};
/* A snapshot of 't' (which must not be freed meanwhile). Any context; takes the CPU's lock. */
void task_get_info(const struct task *t, struct task_info *info);

/* Every CPU's counters since task_init, summed, for /proc/stat, /proc/uptime and /proc/loadavg. */
struct task_cpu_stats {
	uint64_t idle_ns;  /* CPU time of the idle task (0 without CONFIG_TASK_ACCOUNTING) */
	uint64_t switches; /* context switches */
	unsigned ready;    /* tasks running or ready to run, the idle task apart */
};
/* Any context; takes each CPU's lock in turn. */
void task_cpu_stats(struct task_cpu_stats *out);

/* Timer ticks of the calling CPU since task_init (the FIFO scheduler needs none: only
 * sleeps arm the timer). Any context. */
uint64_t task_ticks(void);

/* "fifo", "round-robin" or "fair". Any context. */
const char *task_sched_name(void);

/*
 * Address spaces: 't' runs in 'space', and activate(space) is called when
 * the CPU switches to 't' from a task in another space (as_activate: it
 * switches the CPU's user half). A task without a space (the default, space NULL) runs in whichever
 * space is active, as Linux kernel threads borrow the last one; with CONFIG_SMP it runs on the
 * kernel's table alone (activate(NULL) at the switch), because the space's last task may end on
 * another CPU and destroy the space meanwhile. Whoever
 * destroys a space must first make sure it is not task_active_space(): the
 * running task gives its space up by setting its space to NULL, which
 * calls the old space's activate(NULL) at once (the kernel's table).
 * -EINVAL: a space without an activate function. Task; never sleeps;
 * activate() is called with interrupts off and the CPU's scheduler lock
 * held, so it must not sleep or take a lock of its own.
 */
int task_set_space(struct task *t, void *space, void (*activate)(void *space));
void *task_active_space(void);

/*
 * Interruptions (TASK_INTR_*, task/wait.h): how a layer above task cuts a
 * task's sleep short. process raises TASK_INTR_FATAL when a process is to
 * die (SIGKILL, a fatal signal, the OOM killer) and will raise
 * TASK_INTR_SIGNAL for a signal a handler must see; task knows nothing of
 * signals. task_interrupt() raises 'intr' on 't' and, if t sleeps in a wait
 * that one of them ends, wakes it (that wait returns -EINTR). Raised
 * interruptions stay until task_interrupt_clear() (the layer clears
 * TASK_INTR_SIGNAL once nothing is pending; TASK_INTR_FATAL stays until
 * the task ends). Any context, interrupt handlers included; takes the CPU's
 * lock, so callers may hold the lock of a wait queue (lock order: that
 * lock, then the CPU's). task_interrupts() reads the raised set (a
 * snapshot).
 */
void task_interrupt(struct task *t, unsigned intr);
void task_interrupt_clear(struct task *t, unsigned intr);
unsigned task_interrupts(const struct task *t);

/*
 * One pointer for whatever runs the task (process: its struct process), so
 * that "the current process" is task_owner(task_current()). NULL by
 * default; task_owner(NULL) is NULL. Any context; never sleep.
 */
void task_set_owner(struct task *t, void *owner);
void *task_owner(const struct task *t);
/*
 * CONFIG_TASK_LOCAL_SIZE bytes of per-task storage, zeroed at creation, for
 * a layer above task (sync's lock-order checker keeps the locks a task holds
 * there). NULL if the size is 0. Any context; never sleeps.
 */
void *task_local(struct task *t);

#endif
