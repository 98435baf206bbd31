/*
 * NS16550-compatible UART ("ns16550a" in a device tree), polled. The
 * firmware has already programmed the line settings, so there is no
 * set-up: only registers at base, each 1 << reg_shift bytes apart, or, on
 * an architecture with I/O ports, at consecutive ports from 'port' (a PC's
 * COM1 is at 0x3f8).
 * Calls may come from any context with interrupts on or off and never
 * sleep; serialising them is the caller's business.
 */
#ifndef DRIVERS_NS16550_H
#define DRIVERS_NS16550_H

#include <stdint.h>

struct ns16550 {
	volatile uint8_t *base;
	unsigned reg_shift;
	uint16_t port; /* base NULL: the registers are I/O ports from here */
};

void ns16550_init(struct ns16550 *u, void *base, unsigned reg_shift);
#ifdef CONFIG_ARCH_HAS_PORT_IO
void ns16550_init_port(struct ns16550 *u, uint16_t port);
#endif
/* Wait for room in the transmitter, then send c. */
void ns16550_putc(struct ns16550 *u, char c);
/* A received byte, or -1 if none is waiting. Never blocks. */
int ns16550_getc(struct ns16550 *u);
/* Wait until every byte written has left the UART (before power-off). */
void ns16550_flush(struct ns16550 *u);

#endif
