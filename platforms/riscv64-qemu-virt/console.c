/*
 * Console: the 16550 UART the device tree names, written directly (no trap
 * into firmware per character); before the device tree is read, or if it
 * names no UART, the SBI legacy putchar.
 */
#include <arch/sbi.h>
#include <hal/console.h>
#include "board.h"

void hal_console_putc(char c)
{
	if (!virt_board.uart.base) {
		sbi_legacy_putchar(c);
		return;
	}
	ns16550_putc(&virt_board.uart, c);
}

void hal_console_write(const char *s, size_t len)
{
	while (len--)
		hal_console_putc(*s++);
}

int hal_console_getc(void)
{
	return virt_board.uart.base ? ns16550_getc(&virt_board.uart) : -1;
}

void virt_console_flush(void)
{
	if (virt_board.uart.base)
		ns16550_flush(&virt_board.uart);
}
