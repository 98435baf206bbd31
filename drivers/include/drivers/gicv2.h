/*
 * ARM Generic Interrupt Controller v2 ("arm,cortex-a15-gic", "arm,gic-400"
 * in a device tree): a distributor shared by the CPUs and a memory-mapped
 * CPU interface, banked per CPU at one address (GICv2 architecture
 * specification, chapter 4).
 *
 * Every interrupt gets one priority and is level-triggered or as the
 * firmware left it; shared interrupts go to the CPU that enabled them. The
 * interrupt id is the GIC's INTID: 0-15 software-generated (SGI), 16-31
 * private to a CPU (PPI: the timers), 32 and up shared (SPI).
 *
 * Call gicv2_init() once, then gicv2_cpu_init() on each CPU that takes
 * interrupts (the boot CPU, then every secondary), with interrupts off.
 * gicv2_ack()/gicv2_eoi() run in the interrupt handler; the SGI calls
 * (another CPU's interrupt) from any context. None sleeps.
 */
#ifndef DRIVERS_GICV2_H
#define DRIVERS_GICV2_H

#include <stdint.h>
#include <drivers/gic.h>

struct gicv2 {
	volatile uint32_t *dist; /* GICD_* */
	volatile uint32_t *cpu;  /* GICC_* */
	unsigned lines;          /* interrupt ids 0 .. lines - 1 exist */
};

/* The distributor off, every shared interrupt disabled and set up, then on. */
void gicv2_init(struct gicv2 *g, void *dist, void *cpu);
/* The calling CPU: its private interrupts disabled, its interface on. */
void gicv2_cpu_init(struct gicv2 *g);
/* Let interrupt intid through to the calling CPU. 0, or -EINVAL past the last line. */
int gicv2_enable(struct gicv2 *g, unsigned intid);
/* Acknowledge the highest pending interrupt: its GICC_IAR value (INTID in bits 9:0, GIC_SPURIOUS:
 * none). */
uint32_t gicv2_ack(struct gicv2 *g);
/* End it: iar is what gicv2_ack() returned. */
void gicv2_eoi(struct gicv2 *g, uint32_t iar);
/* The calling CPU's bit in SGI target lists (0 on a GIC with one CPU interface). */
uint8_t gicv2_cpu_mask(struct gicv2 *g);
/* Raise SGI intid (0-15) on the CPUs whose gicv2_cpu_mask() bits are in targets. Earlier stores
 * are visible to them first. */
void gicv2_send_sgi(struct gicv2 *g, uint8_t targets, unsigned intid);
/* Clear SGI intid's pending state on the calling CPU, whoever raised it. */
void gicv2_clear_sgi(struct gicv2 *g, unsigned intid);

#endif
