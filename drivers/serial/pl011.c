/* PL011 UART, polled (drivers/pl011.h). */
#include <drivers/pl011.h>

/* Word offsets of the registers. */
#define UARTDR  0          /* data */
#define UARTFR  (0x18 / 4) /* flags */
#define FR_BUSY (1u << 3)  /* transmitting (the FIFO or the shift register holds data) */
#define FR_RXFE (1u << 4)  /* receive FIFO empty */
#define FR_TXFF (1u << 5)  /* transmit FIFO full */

void pl011_init(struct pl011 *u, void *base)
{
	u->base = base;
}

void pl011_putc(struct pl011 *u, char c)
{
	while (u->base[UARTFR] & FR_TXFF)
		;
	u->base[UARTDR] = (uint8_t)c;
}

int pl011_getc(struct pl011 *u)
{
	if (u->base[UARTFR] & FR_RXFE)
		return -1;
	return (int)(u->base[UARTDR] & 0xff);
}

void pl011_flush(struct pl011 *u)
{
	while (u->base[UARTFR] & FR_BUSY)
		;
}
