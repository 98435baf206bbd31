#include <klib/log.h>
#include <stdarg.h>

/* One line: "[I] tag: message". Formatted whole so it reaches the console at once. */
void klog_line(const char *lvl, const char *tag, const char *fmt, ...)
{
	char line[160];
	va_list ap;
	int n;

	n = ksnprintf(line, sizeof(line), "[%s] %s: ", lvl, tag);
	va_start(ap, fmt);
	if (n < (int)sizeof(line))
		kvsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	kprintf("%s\n", line);
}
