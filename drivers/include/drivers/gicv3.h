/*
 * ARM Generic Interrupt Controller v3 ("arm,gic-v3" in a device tree): a
 * distributor for the shared interrupts, one redistributor per CPU for its
 * private ones, and the CPU interface as AArch64 system registers (GICv3
 * architecture specification, chapters 11 and 12). Affinity routing is on;
 * every interrupt is in the non-secure group 1, signalled to EL1 as IRQ.
 *
 * Interrupt ids as GICv2's (drivers/gicv2.h): 0-15 SGI, 16-31 PPI, 32 and
 * up SPI. Each CPU finds its redistributor with gicv3_cpu_init() and keeps
 * the struct gicv3_cpu it fills (per-CPU data), with interrupts off. The
 * acknowledge and end calls read and write the calling CPU's system
 * registers. None sleeps.
 */
#ifndef DRIVERS_GICV3_H
#define DRIVERS_GICV3_H

#include <stddef.h>
#include <stdint.h>
#include <drivers/gic.h>

struct gicv3 {
	volatile uint32_t *dist; /* GICD_* */
	volatile uint8_t *rdist; /* the redistributors' region */
	size_t rdist_size;
	unsigned lines; /* interrupt ids 0 .. lines - 1 exist */
};

/* One CPU's redistributor. */
struct gicv3_cpu {
	volatile uint32_t *sgi; /* its SGI_base frame: the registers of the CPU's SGIs and PPIs */
};

/*
 * The distributor off, every shared interrupt disabled and routed to the
 * CPU whose affinity is 'mpidr' (MPIDR_EL1's Aff3..Aff0 fields), then on
 * with affinity routing.
 */
void gicv3_init(struct gicv3 *g, void *dist, void *rdist, size_t rdist_size, uint64_t mpidr);
/*
 * The calling CPU (affinity 'mpidr'): find and wake its redistributor, its
 * private interrupts disabled, its system-register interface on. 0, or
 * -ENODEV when no redistributor in the region has this affinity.
 */
int gicv3_cpu_init(struct gicv3 *g, struct gicv3_cpu *c, uint64_t mpidr);
/* Let interrupt intid through (a private one: c's CPU's). 0, or -EINVAL past the last line. */
int gicv3_enable(struct gicv3 *g, struct gicv3_cpu *c, unsigned intid);
/* Acknowledge the highest pending group-1 interrupt: its INTID, GIC_SPURIOUS when none. */
uint32_t gicv3_ack(void);
/* End it (priority drop and deactivation): intid is what gicv3_ack() returned. */
void gicv3_eoi(uint32_t intid);
/* Raise SGI intid (0-15) on the CPU whose affinity is 'mpidr' (MPIDR_EL1's layout). Earlier stores
 * are visible to it first. Any context. */
void gicv3_send_sgi(uint64_t mpidr, unsigned intid);
/* Clear private interrupt intid's (an SGI's or PPI's) pending state on c's CPU. */
void gicv3_clear_pending(struct gicv3_cpu *c, unsigned intid);

#endif
