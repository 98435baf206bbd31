/*
 * Console: the NS16550 UART named by the device tree, written directly (no
 * trap into firmware per character); before the device tree is read, or if
 * it names no UART, the SBI legacy putchar. OpenSBI has already programmed
 * the line settings, so the UART needs no set-up here.
 */
#include <hal/console.h>
#include "riscv.h"

#define UART_RBR 0 /* receive buffer (read) */
#define UART_THR 0 /* transmit holding (write) */
#define UART_LSR 5 /* line status */
#define LSR_DR   0x01
#define LSR_THRE 0x20
#define LSR_TEMT 0x40 /* transmitter completely empty */

static volatile uint8_t *uart_reg(unsigned reg)
{
	return (volatile uint8_t *)(riscv_board.uart_base + (reg << riscv_board.uart_shift));
}

void hal_console_putc(char c)
{
	if (!riscv_board.uart_base) {
		sbi_legacy_putchar(c);
		return;
	}
	while (!(*uart_reg(UART_LSR) & LSR_THRE))
		;
	*uart_reg(UART_THR) = (uint8_t)c;
}

void hal_console_write(const char *s, size_t len)
{
	while (len--)
		hal_console_putc(*s++);
}

int hal_console_getc(void)
{
	if (!riscv_board.uart_base)
		return -1;
	if (!(*uart_reg(UART_LSR) & LSR_DR))
		return -1;
	return *uart_reg(UART_RBR);
}

/* Wait until every character written has left the UART (before power-off). */
void riscv_console_flush(void)
{
	if (riscv_board.uart_base)
		while (!(*uart_reg(UART_LSR) & LSR_TEMT))
			;
}
