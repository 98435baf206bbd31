/*
 * sched-demo: N tasks contend for a mutex and a semaphore and sleep on
 * timers, under whichever scheduler the configuration picked; then the
 * scheduler's own behaviour is shown and judged by the demo itself: FIFO
 * order, round-robin time slices, fair shares by weight. Every check prints
 * a PASS or FAIL line; the exit status is 0 only if all passed. The checks
 * are on orders and ratios with margins, never on absolute times, so a
 * loaded host cannot fail them.
 */
#include <kit/kit.h>
#include <klib/printf.h>
#include <klib/panic.h>
#include <stdarg.h>
#include "demo.h"

bool demo_verdict(bool ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf(": %s\n", ok ? "PASS" : "FAIL");
	return ok;
}

struct task *demo_spawn(const char *name, task_fn_t fn, void *arg, int nice)
{
	struct task_attr attr = {.nice = nice};
	struct task *t;
	int rc = task_create(&t, name, fn, arg, &attr);

	if (rc < 0)
		panic("sched-demo: cannot create task %s: %d", name, rc);
	return t;
}

int demo_join(struct task *t)
{
	int status = -1;

	if (task_join(t, &status) < 0)
		panic("sched-demo: join failed");
	return status;
}

int app_main(void)
{
	bool ok = true;

	kprintf("sched-demo: scheduler %s, tick %d Hz\n", task_sched_name(), CONFIG_TASK_TICK_HZ);
	ok &= demo_contention();
#ifdef CONFIG_SMP
	/* The policy checks judge one CPU's order of turns: with several, tasks run at once. */
	ok &= demo_parallel();
#else
	ok &= demo_policy();
#endif
	kprintf("sched-demo: %s\n", ok ? "all checks passed" : "SOME CHECKS FAILED");
	return ok ? 0 : 1;
}
