#include <klib/panic.h>
#include <klib/printf.h>
#include <klib/port.h>
#include <stdarg.h>

static volatile int panicking;

void kpanic_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	/* A panic while printing a panic must not recurse forever. */
	if (panicking++) {
		static const char again[] = "\nPANIC (nested)\n";
		klib_port_write(again, sizeof(again) - 1);
		klib_port_panic();
	}
	kprintf("\nPANIC at %s:%d: ", file, line);
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	klib_port_panic();
}

void kpanic_reset(void)
{
	panicking = 0;
}
