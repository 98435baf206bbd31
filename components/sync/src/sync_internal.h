/* sync's private helpers. */
#ifndef SYNC_INTERNAL_H
#define SYNC_INTERNAL_H

#include <klib/compiler.h>

struct task;

/*
 * A lock used the wrong way, found by a debug check: print the message,
 * then panic (CONFIG_SYNC_DEBUG_PANIC) or carry on as a warning. Compiled
 * out of non-debug builds; the API still returns its errno there. There the
 * arguments stay unevaluated operands of sizeof: still type-checked, and the
 * variables that exist only to be reported are still used.
 */
void sync_report(const char *fmt, ...) KIT_PRINTF(1, 2);
#ifdef CONFIG_DEBUG
#define SYNC_REPORT(...) sync_report(__VA_ARGS__)
#else
#define SYNC_REPORT(...) ((void)sizeof((sync_report(__VA_ARGS__), 0)))
#endif

/* The name of a task for messages ("(none)" for NULL). */
const char *sync_task_name(const struct task *t);

#endif
