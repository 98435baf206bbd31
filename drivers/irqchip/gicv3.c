/*
 * GICv3 (drivers/gicv3.h). Memory-mapped registers by word index; the CPU
 * interface through its system registers, named by encoding so that any
 * assembler takes them.
 */
#include <drivers/gicv3.h>
#include <klib/errno.h>

/* clang-format off */
#define GICD_CTLR        (0x0000 / 4)
#define GICD_TYPER       (0x0004 / 4)
#define GICD_IGROUPR     (0x0080 / 4)
#define GICD_ISENABLER   (0x0100 / 4)
#define GICD_ICENABLER   (0x0180 / 4)
#define GICD_ICPENDR     (0x0280 / 4)
#define GICD_IPRIORITYR  (0x0400 / 4)
#define GICD_IROUTER     0x6000          /* byte offset: 64-bit registers */
#define GICD_CTLR_RWP    (1u << 31)
/* Non-secure view: group 1, its affinity-routed form, affinity routing. With
 * one security state (DS=1) the same bits enable both groups and ARE. */
#define GICD_CTLR_ON     (1u << 0 | 1u << 1 | 1u << 4)

#define GICR_STRIDE      0x20000         /* RD_base + SGI_base frames */
#define GICR_VLPI_STRIDE 0x40000         /* GICv4: two more frames */
#define GICR_WAKER       0x0014
#define GICR_TYPER       0x0008
#define GICR_TYPER_VLPIS (1ull << 1)
#define GICR_TYPER_LAST  (1ull << 4)
#define WAKER_SLEEP      (1u << 1)       /* ProcessorSleep */
#define WAKER_ASLEEP     (1u << 2)       /* ChildrenAsleep */
#define SGI_BASE         0x10000
#define GICR_IGROUPR0    (0x0080 / 4)
#define GICR_ISENABLER0  (0x0100 / 4)
#define GICR_ICENABLER0  (0x0180 / 4)
#define GICR_ICPENDR0    (0x0280 / 4)
#define GICR_IPRIORITYR  (0x0400 / 4)

#define ICC_PMR_EL1      "S3_0_C4_C6_0"
#define ICC_IAR1_EL1     "S3_0_C12_C12_0"
#define ICC_EOIR1_EL1    "S3_0_C12_C12_1"
#define ICC_BPR1_EL1     "S3_0_C12_C12_3"
#define ICC_CTLR_EL1     "S3_0_C12_C12_4"
#define ICC_SRE_EL1      "S3_0_C12_C12_5"
#define ICC_IGRPEN1_EL1  "S3_0_C12_C12_7"
#define ICC_SGI1R_EL1    "S3_0_C12_C11_5"
/* clang-format on */

#define PRIO_ALL 0xa0a0a0a0u /* one priority for all, below the mask (as gicv2.c) */
#define PMR_OPEN 0xf0

#define sysreg_read(r)                                                                             \
	({                                                                                         \
		uint64_t v_;                                                                       \
		__asm__ __volatile__("mrs %0, " r : "=r"(v_));                                     \
		v_;                                                                                \
	})
#define sysreg_write(r, v) __asm__ __volatile__("msr " r ", %0" ::"r"((uint64_t)(v)) : "memory")

/* MPIDR_EL1's affinity fields packed as GICR_TYPER and GICD_IROUTER have them. */
static uint32_t affinity32(uint64_t mpidr)
{
	return (uint32_t)((mpidr >> 32 & 0xff) << 24 | (mpidr & 0xffffff));
}

static uint64_t irouter(uint64_t mpidr)
{
	return (mpidr >> 32 & 0xff) << 32 | (mpidr & 0xffffff);
}

static void dist_wait(struct gicv3 *g)
{
	while (g->dist[GICD_CTLR] & GICD_CTLR_RWP)
		;
}

void gicv3_init(struct gicv3 *g, void *dist, void *rdist, size_t rdist_size, uint64_t mpidr)
{
	g->dist = dist;
	g->rdist = rdist;
	g->rdist_size = rdist_size;
	g->lines = ((g->dist[GICD_TYPER] & 0x1f) + 1) * 32;
	if (g->lines > 1020)
		g->lines = 1020;
	g->dist[GICD_CTLR] = 0;
	dist_wait(g);
	for (unsigned i = 32; i < g->lines; i += 32) {
		g->dist[GICD_IGROUPR + i / 32] = ~0u;
		g->dist[GICD_ICENABLER + i / 32] = ~0u;
		g->dist[GICD_ICPENDR + i / 32] = ~0u;
	}
	for (unsigned i = 32; i < g->lines; i += 4)
		g->dist[GICD_IPRIORITYR + i / 4] = PRIO_ALL;
	for (unsigned i = 32; i < g->lines; i++)
		*(volatile uint64_t *)((volatile uint8_t *)g->dist + GICD_IROUTER + 8 * i) =
		    irouter(mpidr);
	dist_wait(g);
	g->dist[GICD_CTLR] = GICD_CTLR_ON;
	dist_wait(g);
}

/* The redistributor whose GICR_TYPER affinity is the CPU's, walking the frames up to the last. */
static volatile uint8_t *find_rdist(struct gicv3 *g, uint64_t mpidr)
{
	size_t off = 0;

	while (off + GICR_STRIDE <= g->rdist_size) {
		volatile uint8_t *rd = g->rdist + off;
		uint64_t typer = *(volatile uint64_t *)(rd + GICR_TYPER);

		if ((uint32_t)(typer >> 32) == affinity32(mpidr))
			return rd;
		if (typer & GICR_TYPER_LAST)
			break;
		off += typer & GICR_TYPER_VLPIS ? GICR_VLPI_STRIDE : GICR_STRIDE;
	}
	return NULL;
}

int gicv3_cpu_init(struct gicv3 *g, struct gicv3_cpu *c, uint64_t mpidr)
{
	volatile uint8_t *rd = find_rdist(g, mpidr);
	volatile uint32_t *waker;

	if (!rd)
		return -ENODEV;
	waker = (volatile uint32_t *)(rd + GICR_WAKER);
	*waker &= ~WAKER_SLEEP;
	while (*waker & WAKER_ASLEEP)
		;
	c->sgi = (volatile uint32_t *)(rd + SGI_BASE);
	c->sgi[GICR_IGROUPR0] = ~0u;
	c->sgi[GICR_ICENABLER0] = ~0u;
	for (unsigned i = 0; i < 32; i += 4)
		c->sgi[GICR_IPRIORITYR + i / 4] = PRIO_ALL;

	sysreg_write(ICC_SRE_EL1, sysreg_read(ICC_SRE_EL1) | 1); /* SRE: the system registers */
	__asm__ __volatile__("isb" ::: "memory");
	sysreg_write(ICC_PMR_EL1, PMR_OPEN);
	sysreg_write(ICC_BPR1_EL1, 0);
	sysreg_write(ICC_CTLR_EL1, 0); /* EOImode 0: an end also deactivates */
	sysreg_write(ICC_IGRPEN1_EL1, 1);
	__asm__ __volatile__("isb" ::: "memory");
	return 0;
}

int gicv3_enable(struct gicv3 *g, struct gicv3_cpu *c, unsigned intid)
{
	if (intid >= g->lines)
		return -EINVAL;
	if (intid < 32)
		c->sgi[GICR_ISENABLER0] = 1u << intid;
	else
		g->dist[GICD_ISENABLER + intid / 32] = 1u << (intid % 32);
	return 0;
}

uint32_t gicv3_ack(void)
{
	uint32_t intid = (uint32_t)sysreg_read(ICC_IAR1_EL1) & 0xffffff;

	/* The acknowledge must be done before the handler reads the device. */
	__asm__ __volatile__("dsb sy" ::: "memory");
	return intid;
}

void gicv3_eoi(uint32_t intid)
{
	sysreg_write(ICC_EOIR1_EL1, intid);
	__asm__ __volatile__("isb" ::: "memory");
}

/*
 * ICC_SGI1R_EL1 (GICv3 specification, 12.2.23): Aff3 [55:48], Aff2
 * [39:32], Aff1 [23:16] name a cluster, TargetList [15:0] CPUs in it by
 * Aff0 % 16, RS [47:44] which sixteen (Aff0 / 16), INTID [27:24]; IRM 0:
 * to the list.
 */
void gicv3_send_sgi(uint64_t mpidr, unsigned intid)
{
	unsigned aff0 = (unsigned)(mpidr & 0xff);
	uint64_t v = (mpidr >> 32 & 0xff) << 48 | (mpidr >> 16 & 0xff) << 32 |
	             (uint64_t)(aff0 / 16) << 44 | (uint64_t)(intid & 0xf) << 24 |
	             (mpidr >> 8 & 0xff) << 16 | 1u << (aff0 % 16);

	/* A system register write is no memory access: a dsb orders the stores before it. */
	__asm__ __volatile__("dsb ishst" ::: "memory");
	sysreg_write(ICC_SGI1R_EL1, v);
	__asm__ __volatile__("isb" ::: "memory");
}

void gicv3_clear_pending(struct gicv3_cpu *c, unsigned intid)
{
	if (intid < 32)
		c->sgi[GICR_ICPENDR0] = 1u << intid;
}
