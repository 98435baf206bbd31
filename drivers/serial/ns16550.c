/* NS16550 UART, polled (drivers/ns16550.h). */
#include <drivers/ns16550.h>
#include <stddef.h>
#ifdef CONFIG_ARCH_HAS_PORT_IO
#include <drivers/ioport.h>
#endif

#define UART_RBR 0 /* receive buffer (read) */
#define UART_THR 0 /* transmit holding (write) */
#define UART_LSR 5 /* line status */
#define LSR_DR   0x01
#define LSR_THRE 0x20
#define LSR_TEMT 0x40 /* transmitter completely empty */

static uint8_t rd(struct ns16550 *u, unsigned r)
{
#ifdef CONFIG_ARCH_HAS_PORT_IO
	if (!u->base)
		return ioport_in8((uint16_t)(u->port + r));
#endif
	return u->base[r << u->reg_shift];
}

static void wr(struct ns16550 *u, unsigned r, uint8_t v)
{
#ifdef CONFIG_ARCH_HAS_PORT_IO
	if (!u->base) {
		ioport_out8((uint16_t)(u->port + r), v);
		return;
	}
#endif
	u->base[r << u->reg_shift] = v;
}

void ns16550_init(struct ns16550 *u, void *base, unsigned reg_shift)
{
	u->base = base;
	u->reg_shift = reg_shift;
}

#ifdef CONFIG_ARCH_HAS_PORT_IO
void ns16550_init_port(struct ns16550 *u, uint16_t port)
{
	u->base = NULL;
	u->reg_shift = 0;
	u->port = port;
}
#endif

void ns16550_putc(struct ns16550 *u, char c)
{
	while (!(rd(u, UART_LSR) & LSR_THRE))
		;
	wr(u, UART_THR, (uint8_t)c);
}

int ns16550_getc(struct ns16550 *u)
{
	if (!(rd(u, UART_LSR) & LSR_DR))
		return -1;
	return rd(u, UART_RBR);
}

void ns16550_flush(struct ns16550 *u)
{
	while (!(rd(u, UART_LSR) & LSR_TEMT))
		;
}
