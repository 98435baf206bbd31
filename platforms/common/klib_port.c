/* klib's two needs (klib/port.h), met with the hal for every platform. */
#include <klib/port.h>
#include <hal/console.h>
#include <hal/power.h>

void klib_port_write(const char *s, size_t len)
{
	hal_console_write(s, len);
}

void klib_port_panic(void)
{
	/* 3: a distinct status for "the kernel panicked". */
	hal_power_off(3);
}
