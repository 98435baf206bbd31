/*
 * ARM PrimeCell PL011 UART ("arm,pl011" in a device tree), polled. The
 * firmware (QEMU, U-Boot) has already set up the line, so there is no
 * set-up: only the data and flag registers are used (PL011 TRM, "Register
 * descriptions"). Calls may come from any context with interrupts on or
 * off and never sleep; serialising them is the caller's business.
 */
#ifndef DRIVERS_PL011_H
#define DRIVERS_PL011_H

#include <stdint.h>

struct pl011 {
	volatile uint32_t *base;
};

void pl011_init(struct pl011 *u, void *base);
/* Wait for room in the transmit FIFO, then send c. */
void pl011_putc(struct pl011 *u, char c);
/* A received byte, or -1 if none is waiting. Never blocks. */
int pl011_getc(struct pl011 *u);
/* Wait until every byte written has left the UART (before power-off). */
void pl011_flush(struct pl011 *u);

#endif
