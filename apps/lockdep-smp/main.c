/*
 * lockdep-smp: the lock-order checker sees an AB/BA inversion whose two
 * halves ran on different CPUs. One task, pinned to CPU 0, takes A then B
 * and ends; only then does a second, pinned to CPU 1, take B then A: the
 * run never deadlocks, but the checker's graph is global, so it reports
 * the second order the moment it is tried.
 */
#include <hal/smp.h>
#include <kit/kit.h>
#include <klib/panic.h>
#include <klib/printf.h>
#include <sync/mutex.h>
#include <task/task.h>

static struct mutex a = MUTEX_INIT(a, "lock_a");
static struct mutex b = MUTEX_INIT(b, "lock_b");

static unsigned here(void)
{
	unsigned long flags = hal_irq_save();
	unsigned cpu = hal_cpu_id();

	hal_irq_restore(flags);
	return cpu;
}

static int a_then_b(void *arg)
{
	(void)arg;
	kprintf("lockdep-smp: cpu %u takes lock_a then lock_b\n", here());
	mutex_lock(&a);
	mutex_lock(&b);
	mutex_unlock(&b);
	mutex_unlock(&a);
	return 0;
}

static int b_then_a(void *arg)
{
	(void)arg;
	kprintf("lockdep-smp: cpu %u takes lock_b then lock_a\n", here());
	mutex_lock(&b);
	mutex_lock(&a);
	mutex_unlock(&a);
	mutex_unlock(&b);
	return 0;
}

static void run_on(unsigned cpu, task_fn_t fn)
{
	struct task_attr attr = {.cpus = HAL_CPU_BIT(cpu)};
	struct task *t;

	if (task_create(&t, "order", fn, NULL, &attr) < 0 || task_join(t, NULL) < 0)
		panic("lockdep-smp: cannot run a task on cpu %u", cpu);
}

int app_main(void)
{
	if (hal_cpu_count() < 2) {
		kprintf("lockdep-smp: needs 2 cpus, has %u\n", hal_cpu_count());
		return 1;
	}
	run_on(0, a_then_b);
	run_on(1, b_then_a);
#if defined(CONFIG_SYNC_LOCKDEP) && defined(CONFIG_SYNC_DEBUG_PANIC)
	kprintf("lockdep-smp: the inversion was not reported\n");
	return 1;
#else
	/* The same exit status as a report, so one expected file serves both builds. */
	panic("lockdep-smp: this build's lock-order checker does not stop on a report");
#endif
}
