/* How debug checks report a misused lock. */
#include <klib/errno.h>
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
static void report(int err, const char *fmt, va_list ap)
{
	kprintf("\nsync: ");
	kvprintf(fmt, ap);
	if (err)
		kprintf(" (returns -%s)", kstrerrorname(err));
	kprintf("\n");
#ifdef CONFIG_SYNC_DEBUG_PANIC
	panic("sync: lock misuse (see the report above)");
#endif
}

void sync_report(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(0, fmt, ap);
	va_end(ap);
}

int sync_misuse(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(err, fmt, ap);
	va_end(ap);
	return err;
}
#endif
