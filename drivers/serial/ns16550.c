/* NS16550 UART, polled (drivers/ns16550.h). */
#include <drivers/ns16550.h>

#define UART_RBR 0 /* receive buffer (read) */
#define UART_THR 0 /* transmit holding (write) */
#define UART_LSR 5 /* line status */
#define LSR_DR   0x01
#define LSR_THRE 0x20
#define LSR_TEMT 0x40 /* transmitter completely empty */

static volatile uint8_t *reg(struct ns16550 *u, unsigned r)
{
	return u->base + (r << u->reg_shift);
}

void ns16550_init(struct ns16550 *u, void *base, unsigned reg_shift)
{
	u->base = base;
	u->reg_shift = reg_shift;
}

void ns16550_putc(struct ns16550 *u, char c)
{
	while (!(*reg(u, UART_LSR) & LSR_THRE))
		;
	*reg(u, UART_THR) = (uint8_t)c;
}

int ns16550_getc(struct ns16550 *u)
{
	if (!(*reg(u, UART_LSR) & LSR_DR))
		return -1;
	return *reg(u, UART_RBR);
}

void ns16550_flush(struct ns16550 *u)
{
	while (!(*reg(u, UART_LSR) & LSR_TEMT))
		;
}
