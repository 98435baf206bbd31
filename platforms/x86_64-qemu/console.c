/* Console: COM1, the 16550 at I/O port 0x3f8, written directly. */
#include <hal/console.h>
#include "board.h"

void hal_console_putc(char c)
{
	ns16550_putc(&pc_board.uart, c);
}

void hal_console_write(const char *s, size_t len)
{
	while (len--)
		hal_console_putc(*s++);
}

int hal_console_getc(void)
{
	return ns16550_getc(&pc_board.uart);
}

void pc_console_flush(void)
{
	ns16550_flush(&pc_board.uart);
}
