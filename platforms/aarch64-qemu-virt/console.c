/*
 * Console: the PL011 UART the device tree names, written directly; before
 * the device tree is read, or if it names no UART, semihosting's (QEMU's
 * own console, when it runs with semihosting).
 */
#include <arch/semihost.h>
#include <hal/console.h>
#include "board.h"

void hal_console_putc(char c)
{
	if (!virt_board.uart.base) {
		aarch64_semihost_putc(c);
		return;
	}
	pl011_putc(&virt_board.uart, c);
}

void hal_console_write(const char *s, size_t len)
{
	while (len--)
		hal_console_putc(*s++);
}

int hal_console_getc(void)
{
	return virt_board.uart.base ? pl011_getc(&virt_board.uart) : -1;
}

void virt_console_flush(void)
{
	if (virt_board.uart.base)
		pl011_flush(&virt_board.uart);
}
