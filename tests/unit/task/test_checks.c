/*
 * The preconditions task checks in every build, not only in debug builds
 * (each costs a load or two): a switch needs interrupts off and the CPU's
 * lock held, a wait-queue sleep interrupts off, and a task may not end with
 * preemption disabled. Each is shown to fire, and to leave nothing changed.
 * And a task's record starts fresh in a stack block full of garbage.
 * Reaches into task's private scheduler on purpose: sched_switch is only
 * called from inside the component.
 */
#include "harness.h"
#include "kit_test.h"
#include "task_internal.h"
#include <hal/cpu.h>
#include <setjmp.h>
#include <task/preempt.h>
#include <task/stack.h>
#include "host.h"

static int returns_five(void *arg)
{
	(void)arg;
	return 5;
}

static void test_switch_needs_interrupts_off_and_the_cpu_lock(void **state)
{
	struct task_cpu *cpu = this_cpu();
	unsigned long flags;
	(void)state;

	expect_panic(sched_switch(cpu, SCHED_YIELD));
	assert_true(kit_test_output_has("sched_switch: interrupts on, CPU lock free"));
	flags = hal_irq_save();
	expect_panic(sched_switch(cpu, SCHED_YIELD));
	hal_irq_restore(flags);
	assert_true(kit_test_output_has("sched_switch: interrupts off, CPU lock free"));
	/* Refused before anything changed: the scheduler still works. */
	assert_ptr_equal(cpu->current, task_current());
	assert_int_equal(harness_join(harness_spawn("after", returns_five, NULL, 0)), 5);
}

static void sleep_with_interrupts_on(void)
{
	static struct wait_queue wq = WAIT_QUEUE_INIT(wq);
	static hal_spinlock_t lock = HAL_SPINLOCK_INIT;

	hal_spin_lock(&lock); /* without _irqsave */
	expect_panic(wq_wait(&wq, &lock, TASK_FOREVER));
	hal_spin_unlock(&lock);
	assert_true(kit_test_output_has("wq_wait needs interrupts disabled"));
	assert_true(wq_empty(&wq));
}

static void test_wait_queue_sleep_needs_interrupts_off(void **state)
{
	(void)state;
	/* Unchecked, the sleep goes ahead with interrupts on and the next tick
	 * deadlocks on the CPU's lock: the watchdog ends the run then. */
	KIT_TEST_WAIT("wq_wait's refusal to sleep with interrupts on", sleep_with_interrupts_on());
}

static int exit_with_preemption_disabled(void *arg)
{
	jmp_buf jb;
	(void)arg;

	preempt_disable();
	kit_test_panic_jmp = &jb;
	if (setjmp(jb) == 0) {
		task_exit(1);
		return 2; /* not reached: task_exit either panics or ends the task */
	}
	kit_test_panic_jmp = NULL;
	kpanic_reset();
	preempt_enable();
	return 0;
}

static void test_a_task_may_not_exit_with_preemption_disabled(void **state)
{
	(void)state;
	kit_test_output_reset();
	assert_int_equal(
	    harness_join(harness_spawn("exiter", exit_with_preemption_disabled, NULL, 0)), 0);
	assert_true(kit_test_output_has("task 'exiter' exits with preemption disabled"));
	assert_int_equal(preempt_count(), 0);
}

/*
 * A stack block need not come zeroed (task/stack.h promises no such thing):
 * a task made in one full of garbage starts with a fresh record. Before it
 * first runs it has used no time and been switched to never; it runs, and
 * is joined with its status.
 */
static void *garbage_alloc(size_t size)
{
	unsigned char *b = host_task_stack_ops.alloc(size);

	for (size_t i = 0; b && i < size; i++)
		b[i] = (unsigned char)(0xa5 + 7 * i);
	return b;
}

static void garbage_free(void *base, size_t size)
{
	host_task_stack_ops.free(base, size);
}

static const struct task_stack_ops garbage_ops = {garbage_alloc, garbage_free};

static void test_a_record_made_over_garbage_starts_fresh(void **state)
{
	struct task_info info;
	struct task *t;
	(void)state;

	assert_int_equal(task_set_stack_ops(&garbage_ops), 0);
	preempt_disable(); /* it does not run before the look below */
	t = harness_spawn("fresh", returns_five, NULL, 0);
	task_get_info(t, &info);
	preempt_enable();
	assert_int_equal(task_set_stack_ops(&host_task_stack_ops), 0);
	assert_string_equal(info.name, "fresh");
	assert_int_equal(info.runtime_ns, 0);
	assert_int_equal(info.switches_in, 0);
	assert_int_equal(info.preemptions, 0);
	assert_int_equal(harness_join(t), 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_switch_needs_interrupts_off_and_the_cpu_lock),
	    cmocka_unit_test(test_a_task_may_not_exit_with_preemption_disabled),
	    cmocka_unit_test(test_a_record_made_over_garbage_starts_fresh),
	    /* Last: unchecked, it would leave the CPU's lock held by a sleeper. */
	    cmocka_unit_test(test_wait_queue_sleep_needs_interrupts_off),
	};
	harness_boot();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
