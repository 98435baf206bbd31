/*
 * GICv2 (drivers/gicv2.h). Registers by word index. The kernel runs in the
 * non-secure state, or in a GIC without security extensions (QEMU virt
 * without secure=on): in both, bit 0 of GICD_CTLR and GICC_CTLR enables the
 * group its interrupts are in, and they are signalled as IRQ.
 */
#include <drivers/gicv2.h>
#include <klib/errno.h>

/* clang-format off */
#define GICD_CTLR       (0x000 / 4)
#define GICD_TYPER      (0x004 / 4)
#define GICD_ISENABLER  (0x100 / 4)
#define GICD_ICENABLER  (0x180 / 4)
#define GICD_ICPENDR    (0x280 / 4)
#define GICD_IPRIORITYR (0x400 / 4)
#define GICD_ITARGETSR  (0x800 / 4)
#define GICD_SGIR       (0xf00 / 4)
#define GICD_CPENDSGIR  (0xf10 / 4)
#define GICC_CTLR       (0x000 / 4)
#define GICC_PMR        (0x004 / 4)
#define GICC_BPR        (0x008 / 4)
#define GICC_IAR        (0x00c / 4)
#define GICC_EOIR       (0x010 / 4)
/* clang-format on */

/*
 * One priority for every interrupt (in the middle of the 0x00-0xf0 range
 * that an implementation with 16 levels has), below the mask: none preempts
 * another, and the kernel masks them all while it handles one.
 */
#define PRIO_ALL 0xa0a0a0a0u
#define PMR_OPEN 0xf0

void gicv2_init(struct gicv2 *g, void *dist, void *cpu)
{
	uint32_t self;

	g->dist = dist;
	g->cpu = cpu;
	g->lines = ((g->dist[GICD_TYPER] & 0x1f) + 1) * 32;
	if (g->lines > 1020)
		g->lines = 1020;
	g->dist[GICD_CTLR] = 0;
	/* ITARGETSR0..7 are read-only and name the reading CPU. */
	self = g->dist[GICD_ITARGETSR] & 0xff;
	self |= self << 8 | self << 16 | self << 24;
	for (unsigned i = 32; i < g->lines; i += 32) {
		g->dist[GICD_ICENABLER + i / 32] = ~0u;
		g->dist[GICD_ICPENDR + i / 32] = ~0u;
	}
	for (unsigned i = 32; i < g->lines; i += 4) {
		g->dist[GICD_IPRIORITYR + i / 4] = PRIO_ALL;
		g->dist[GICD_ITARGETSR + i / 4] = self;
	}
	g->dist[GICD_CTLR] = 1;
}

void gicv2_cpu_init(struct gicv2 *g)
{
	/* SGIs and PPIs are banked: these registers are the calling CPU's. */
	g->dist[GICD_ICENABLER] = ~0u;
	for (unsigned i = 0; i < 32; i += 4)
		g->dist[GICD_IPRIORITYR + i / 4] = PRIO_ALL;
	g->cpu[GICC_PMR] = PMR_OPEN;
	g->cpu[GICC_BPR] = 0;
	g->cpu[GICC_CTLR] = 1;
}

int gicv2_enable(struct gicv2 *g, unsigned intid)
{
	if (intid >= g->lines)
		return -EINVAL;
	g->dist[GICD_ISENABLER + intid / 32] = 1u << (intid % 32);
	return 0;
}

uint32_t gicv2_ack(struct gicv2 *g)
{
	return g->cpu[GICC_IAR];
}

void gicv2_eoi(struct gicv2 *g, uint32_t iar)
{
	g->cpu[GICC_EOIR] = iar;
}

uint8_t gicv2_cpu_mask(struct gicv2 *g)
{
	/* ITARGETSR0..7 are banked and read-only: each CPU reads its own bit. */
	return (uint8_t)(g->dist[GICD_ITARGETSR] & 0xff);
}

void gicv2_send_sgi(struct gicv2 *g, uint8_t targets, unsigned intid)
{
	/* Stores to normal memory before the write to the device: the targets see what the
	 * interrupt is about. */
	__asm__ __volatile__("dsb ishst" ::: "memory");
	/* TargetListFilter 0: the CPUs of the list. */
	g->dist[GICD_SGIR] = (uint32_t)targets << 16 | (intid & 0xf);
}

void gicv2_clear_sgi(struct gicv2 *g, unsigned intid)
{
	/* One byte per SGI, a bit per source CPU, banked: the calling CPU's, from every source. */
	g->dist[GICD_CPENDSGIR + (intid & 0xf) / 4] = 0xffu << ((intid & 3) * 8);
}
