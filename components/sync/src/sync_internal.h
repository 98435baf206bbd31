/* sync's private helpers. */
#ifndef SYNC_INTERNAL_H
#define SYNC_INTERNAL_H

#include <klib/compiler.h>

struct task;

/*
 * A lock used the wrong way, found by a debug check: print the message,
 * then panic (CONFIG_SYNC_DEBUG_PANIC) or carry on as a warning. Compiled
 * out of non-debug builds; the API still returns its errno there. The
 * arguments stay inside sizeof there: never evaluated, still type-checked
 * against the format, and variables kept only for the message count as
 * used (-Wunused-variable in release builds otherwise).
 */
void sync_report(const char *fmt, ...) KIT_PRINTF(1, 2);
#ifdef CONFIG_DEBUG
#define SYNC_REPORT(...) sync_report(__VA_ARGS__)
#else
int sync_report_unused(const char *fmt, ...) KIT_PRINTF(1, 2); /* declared only */
#define SYNC_REPORT(...) ((void)sizeof(sync_report_unused(__VA_ARGS__)))
#endif

/*
 * A call used the wrong way returns 'err': SYNC_MISUSE reports it as above,
 * naming that errno (so the report says what a build that carries on gets),
 * and is 'err'.
 */
#ifdef CONFIG_DEBUG
int sync_misuse(int err, const char *fmt, ...) KIT_PRINTF(2, 3);
#define SYNC_MISUSE(err, ...) sync_misuse((err), __VA_ARGS__)
#else
#define SYNC_MISUSE(err, ...) ((void)sizeof(sync_report_unused(__VA_ARGS__)), (err))
#endif

/* The name of a task for messages ("(none)" for NULL). */
const char *sync_task_name(const struct task *t);

#endif
