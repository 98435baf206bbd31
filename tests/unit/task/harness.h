/*
 * Running real tasks in a unit test: the host hal (timer signal as the tick,
 * real context switches), guarded mmap stacks, and task_init() so the test's
 * main() becomes the task "main". Plus a shared event log and a bound on
 * every wait (kit_test_wait_seconds(), KIT_TEST_WAIT), so a broken scheduler
 * fails a test within seconds, naming what it waited for, instead of
 * hanging it.
 */
#ifndef TASK_TEST_HARNESS_H
#define TASK_TEST_HARNESS_H

#include <stdint.h>
#include <hal/time.h>
#include <task/task.h>
#include "kit_test.h"

/* Once per test binary, before the first task call. */
void harness_boot(void);

/* hal_time_ns() 2 * kit_test_wait_seconds() from now: loops waiting for an event give up there. */
uint64_t harness_give_up(void);
/* Fail the test (from the main task) if 'deadline' has passed. */
void harness_check_deadline(uint64_t deadline, const char *what);

/*
 * Yield until 'cond' holds; check 'cond' afterwards. Works in any task (a
 * helper task reports failure through its exit status). If it never holds,
 * the watchdog names 'cond' after kit_test_wait_seconds().
 */
#define HARNESS_YIELD_UNTIL(cond)                                                                  \
	KIT_TEST_WAIT(#cond, for (uint64_t give_up_ = harness_give_up();                           \
	                          !(cond) && hal_time_ns() < give_up_;) task_yield())

/* An append-only log of small integers, safe from any task. */
#define HARNESS_LOG_MAX 4096
extern int harness_log[HARNESS_LOG_MAX];
void harness_log_reset(void);
void harness_log_add(int v);
int harness_log_len(void);
/* Compare the log with 'want' (n entries), printing both on a mismatch. */
void harness_log_expect(const int *want, int n);

/*
 * A CPU hog: always ready, touching nothing, so a task waiting to be
 * preempted always has someone to be preempted for (and the fair scheduler
 * has CPU time to share). Runs until harness_hogs_stop() or harness_give_up().
 */
struct task *harness_hog(int nice);
void harness_hogs_stop(void);

/* Create a joinable task or fail the test. */
struct task *harness_spawn(const char *name, task_fn_t fn, void *arg, int nice);
/* Join it and return its status, or fail the test (the watchdog's, if it never ends). */
int harness_join(struct task *t);

#endif
