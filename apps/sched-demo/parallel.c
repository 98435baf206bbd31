/*
 * With SMP, in place of the single-CPU policy checks: tasks really run at
 * once on every CPU, and affinity moves them.
 *
 * Parallel: one CPU-bound task per CPU, made on this CPU; idle CPUs pull
 * them. Each disables preemption, then counts itself in and spins until
 * all have: on fewer CPUs than tasks this could never end, since no task
 * with preemption off leaves its CPU. Then each does its share of work,
 * preemption still off, and says which CPU it ran on.
 *
 * Affinity: task i is made pinned to CPU i (task_attr.cpus) and checks
 * where it runs; then it moves itself to CPU i+1 (task_set_affinity) and
 * checks again.
 */
#include <hal/smp.h>
#include <klib/printf.h>
#include "demo.h"

#define WORK 200000

static unsigned arrived;
static unsigned long work[HAL_NR_CPUS];
static unsigned ran_on[HAL_NR_CPUS];

static int parallel(void *arg)
{
	unsigned me = (unsigned)(uintptr_t)arg, n = hal_cpu_count();

	preempt_disable();
	ran_on[me] = hal_cpu_id();
	__atomic_fetch_add(&arrived, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&arrived, __ATOMIC_SEQ_CST) < n)
		;
	/* All are in, each with preemption off on a CPU of its own: now each works. */
	for (unsigned long k = 0; k < WORK; k++)
		__atomic_store_n(&work[me], k + 1, __ATOMIC_RELAXED);
	preempt_enable();
	return 0;
}

struct pin {
	unsigned idx;
	unsigned first, second; /* CPU before and after the move */
	int rc;
};

static int pinned(void *arg)
{
	struct pin *p = arg;
	unsigned n = hal_cpu_count();
	unsigned long flags = hal_irq_save();

	p->first = hal_cpu_id();
	hal_irq_restore(flags);
	p->rc = task_set_affinity(task_current(), HAL_CPU_BIT((p->idx + 1) % n));
	flags = hal_irq_save();
	p->second = hal_cpu_id();
	hal_irq_restore(flags);
	return 0;
}

bool demo_parallel(void)
{
	unsigned n = hal_cpu_count(), good = 0, pins = 0;
	struct task *t[HAL_NR_CPUS];
	struct pin pin[HAL_NR_CPUS];
	hal_cpumask_t used = 0;
	bool ok = true;

	for (unsigned i = 0; i < n; i++)
		t[i] = demo_spawn("parallel", parallel, (void *)(uintptr_t)i, 0);
	for (unsigned i = 0; i < n; i++)
		demo_join(t[i]);
	for (unsigned i = 0; i < n; i++) {
		good += work[i] == WORK;
		used |= HAL_CPU_BIT(ran_on[i]);
	}
	ok &=
	    demo_verdict(good == n && used == hal_cpu_online_mask(),
	                 "parallel: %u tasks with preemption off were in at once, on cpus 0x%llx; "
	                 "%u did all their work",
	                 n, (unsigned long long)used, good);

	for (unsigned i = 0; i < n; i++) {
		struct task_attr attr = {.cpus = HAL_CPU_BIT(i)};

		pin[i] = (struct pin){.idx = i, .rc = -1};
		if (task_create(&t[i], "pinned", pinned, &pin[i], &attr) < 0)
			return demo_verdict(false, "affinity: task_create");
	}
	for (unsigned i = 0; i < n; i++) {
		demo_join(t[i]);
		pins += pin[i].rc == 0 && pin[i].first == i && pin[i].second == (i + 1) % n;
	}
	ok &= demo_verdict(pins == n,
	                   "affinity: %u of %u tasks ran on the cpu they were pinned to, "
	                   "then on the one they moved to",
	                   pins, n);
	return ok;
}
