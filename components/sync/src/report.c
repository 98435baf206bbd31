/* How debug checks report a misused lock. */
#include <klib/panic.h>
#include <klib/printf.h>
#include <task/task.h>
#include <stdarg.h>
#include "sync_internal.h"

const char *sync_task_name(const struct task *t)
{
	return t ? task_name(t) : "(none)";
}

#ifdef CONFIG_DEBUG
void sync_report(const char *fmt, ...)
{
	va_list ap;

	kprintf("\nsync: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
#ifdef CONFIG_SYNC_DEBUG_PANIC
	panic("sync: lock misuse (see the report above)");
#endif
}
#endif
