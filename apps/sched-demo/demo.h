/* sched-demo's parts: the common contention checks and one policy check. */
#ifndef SCHED_DEMO_H
#define SCHED_DEMO_H

#include <stdbool.h>
#include <stdint.h>
#include <task/task.h>

#define MS 1000000ull

/* Print "<what>: PASS" or "<what>: FAIL" and return ok. */
bool demo_verdict(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Create a task or stop the demo with a message. */
struct task *demo_spawn(const char *name, task_fn_t fn, void *arg, int nice);
int demo_join(struct task *t);

/* Tasks contending for a mutex and a semaphore, sleeping on timers. */
bool demo_contention(void);
/* What the configured scheduler promises on one CPU (fifo.c, rr.c or fair.c). */
bool demo_policy(void);
/* With SMP instead: tasks run at once on every CPU, affinity moves them (parallel.c). */
bool demo_parallel(void);

#endif
