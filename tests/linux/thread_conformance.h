/* What thread_conformance.c's parts share: its transcript and helpers. */
#ifndef TESTS_LINUX_THREAD_CONFORMANCE_H
#define TESTS_LINUX_THREAD_CONFORMANCE_H

#include <stdbool.h>
#include <sys/types.h>

extern const char *self; /* argv[0], to exec again */

/* One transcript line (printf format, no newline). */
void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "ok" for r >= 0, else the errno's name for -r. */
const char *errname(long r);
const char *yes_no(bool b);
/* Wait for a child: "exit N" or "signal N". */
const char *wait_for(pid_t pid);

/* thread_signals.c: masks, pending sets and alternate stacks per thread. */
void check_thread_signals(void);
int thread_signals_exec_child(void);

#endif
