/*
 * QEMU's aarch64 virt machine: board_start() (kit/board.h) reads the device
 * tree QEMU or U-Boot handed over (kit/boot_fdt.h), finds the devices this
 * board drives by their compatible strings (the PL011 UART, the PL031 RTC,
 * the GIC, v2 or v3), and what the architecture needs (the generic timer's
 * interrupt, PSCI's conduit), puts their registers in the memory map, and
 * starts the kit.
 */
#include <arch/board.h>
#include <arch/cpu.h>
#include <arch/psci.h>
#include <drivers/gicv2.h>
#include <drivers/gicv3.h>
#include <drivers/pl031.h>
#include <hal/platform.h>
#include <hal/smp.h>
#include <hal/time.h>
#include <kit/board.h>
#include <kit/boot_fdt.h>
#include <kit/kit.h>
#include <klib/compiler.h>
#include <klib/log.h>
#include <klib/string.h>
#include "board.h"

/* clang-format off */
#define GIC_PPI_BASE   16 /* a device tree's PPI n is INTID 16 + n */
#define TIMER_VIRT     2  /* timer interrupts: secure, non-secure physical, virtual, hyp */
#define GIC_CELL_PPI   1  /* first cell of a GIC interrupt specifier: 0 SPI, 1 PPI */
/* clang-format on */

struct virt_board virt_board;

/* Where things are, until they are mapped. */
static struct {
	uint64_t uart, rtc;
	uint64_t gicd, gicc_or_gicr, gicr_size;
	int gic; /* 2, 3, 0: none found */
	unsigned timer_intid;
	uint32_t timer_hz;
	enum aarch64_psci_conduit psci;
} found;

static union {
	struct gicv2 v2;
	struct gicv3 v3;
} gic;
/* Per CPU, by logical id (each filled by its CPU's cpu_init): how SGIs reach it. */
static struct gicv3_cpu gic_cpus[HAL_NR_CPUS]; /* GICv3: its redistributor */
static uint64_t gic_mpidr[HAL_NR_CPUS];        /* GICv3: its affinity */
static uint8_t gic_targets[HAL_NR_CPUS];       /* GICv2: its bit in target lists */
static uint64_t realtime_offset_ns;            /* the RTC at boot, less the clock then */

const char *hal_platform_name(void)
{
	return CONFIG_PLATFORM_NAME;
}

/* The PL031 counts whole seconds: read once, then carried on by the counter. */
uint64_t hal_time_realtime_ns(void)
{
	return realtime_offset_ns ? realtime_offset_ns + hal_time_ns() : 0;
}

/* Region 'index' of the device's "reg" joins the memory map: where it is (and its size), 0 if it
 * has none we can reach. */
static uint64_t take(const struct fdt *f, int node, uint32_t ac, uint32_t sc, int index,
                     uint64_t *size_out)
{
	uint64_t base, size;

	if (fdt_reg_cells(f, node, ac, sc, index, &base, &size) < 0 || !size ||
	    !boot_mem_add(base, size, HAL_MEM_MMIO))
		return 0;
	if (size_out)
		*size_out = size;
	return base;
}

static void scan_gic(const struct fdt *f, int node, uint32_t ac, uint32_t sc, int version)
{
	found.gicd = take(f, node, ac, sc, 0, NULL);
	found.gicc_or_gicr = take(f, node, ac, sc, 1, &found.gicr_size);
	if (found.gicd && found.gicc_or_gicr)
		found.gic = version;
	else
		klog_warn("board", "the GIC's registers are missing from its reg: ignored");
}

/* The virtual timer's interrupt: the third of four, each <type number flags>, a PPI. */
static void scan_timer(const struct fdt *f, int node)
{
	int len;
	const uint32_t *irq = fdt_prop(f, node, "interrupts", &len);

	if (!irq || len < (TIMER_VIRT + 1) * 12 ||
	    fdt_read_cells(&irq[TIMER_VIRT * 3], 1) != GIC_CELL_PPI) {
		klog_warn("board", "the timer node has no virtual timer PPI: ignored");
		return;
	}
	found.timer_intid = GIC_PPI_BASE + (unsigned)fdt_read_cells(&irq[TIMER_VIRT * 3 + 1], 1);
	if (!fdt_prop_u32(f, node, "clock-frequency", &found.timer_hz))
		found.timer_hz = 0;
}

static void scan_psci(const struct fdt *f, int node)
{
	const char *method = fdt_prop_str(f, node, "method");

	if (!fdt_is_compatible(f, node, "arm,psci-0.2") &&
	    !fdt_is_compatible(f, node, "arm,psci-1.0")) {
		klog_warn("board",
		          "PSCI 0.1 (function ids from the tree) is not supported: no power-off");
		return;
	}
	if (method && strcmp(method, "hvc") == 0)
		found.psci = PSCI_CONDUIT_HVC;
	else if (method && strcmp(method, "smc") == 0)
		found.psci = PSCI_CONDUIT_SMC;
	else
		klog_warn("board", "PSCI's method is neither hvc nor smc: no power-off");
}

static void scan_device(const struct fdt *f, int node, uint32_t ac, uint32_t sc)
{
	if (!found.uart && fdt_is_compatible(f, node, "arm,pl011"))
		found.uart = take(f, node, ac, sc, 0, NULL);
	else if (!found.rtc && fdt_is_compatible(f, node, "arm,pl031"))
		found.rtc = take(f, node, ac, sc, 0, NULL);
	else if (!found.gic && (fdt_is_compatible(f, node, "arm,cortex-a15-gic") ||
	                        fdt_is_compatible(f, node, "arm,gic-400")))
		scan_gic(f, node, ac, sc, 2);
	else if (!found.gic && fdt_is_compatible(f, node, "arm,gic-v3"))
		scan_gic(f, node, ac, sc, 3);
	else if (!found.timer_intid && fdt_is_compatible(f, node, "arm,armv8-timer"))
		scan_timer(f, node);
	else if (!found.psci && fdt_is_compatible(f, node, "arm,psci"))
		scan_psci(f, node);
}

#ifdef CONFIG_SMP
/* The cpus nodes' reg: MPIDR_EL1's affinity fields, which PSCI's CPU_ON takes. */
unsigned board_cpu_hwids(uint64_t *ids, unsigned max)
{
	return boot_fdt_cpu_hwids(ids, max);
}
#endif

static void *io(uint64_t pa)
{
	return pa ? hal_io_addr(pa) : NULL;
}

/* The GIC as the architecture's interrupt entry uses it (arch/board.h). */
static int gicv2_cpu(void *ctx)
{
	gicv2_cpu_init(ctx);
	gic_targets[hal_cpu_id()] = gicv2_cpu_mask(ctx);
	return 0;
}

static uint32_t gicv2_take(void *ctx, uint32_t *token)
{
	*token = gicv2_ack(ctx);
	return *token & 0x3ff; /* bits 12:10 name the CPU that sent an SGI */
}

static void gicv2_end(void *ctx, uint32_t token)
{
	gicv2_eoi(ctx, token);
}

static int gicv2_on(void *ctx, unsigned intid)
{
	return gicv2_enable(ctx, intid);
}

static void gicv2_sgi(void *ctx, unsigned intid, uint64_t cpus)
{
	uint8_t targets = 0;

	for (; cpus; cpus &= cpus - 1)
		targets |= gic_targets[__builtin_ctzll(cpus)];
	gicv2_send_sgi(ctx, targets, intid);
}

static void gicv2_sgi_clear(void *ctx, unsigned intid)
{
	gicv2_clear_sgi(ctx, intid);
}

static const struct aarch64_irqchip chip_v2 = {.ctx = &gic.v2,
                                               .cpu_init = gicv2_cpu,
                                               .ack = gicv2_take,
                                               .eoi = gicv2_end,
                                               .enable = gicv2_on,
                                               .send_sgi = gicv2_sgi,
                                               .clear_sgi = gicv2_sgi_clear};

static int gicv3_cpu(void *ctx)
{
	unsigned cpu = hal_cpu_id();

	gic_mpidr[cpu] = aarch64_cpu_self()->mpidr;
	return gicv3_cpu_init(ctx, &gic_cpus[cpu], gic_mpidr[cpu]);
}

static uint32_t gicv3_take(void *ctx, uint32_t *token)
{
	(void)ctx;
	return *token = gicv3_ack();
}

static void gicv3_end(void *ctx, uint32_t token)
{
	(void)ctx;
	gicv3_eoi(token);
}

static int gicv3_on(void *ctx, unsigned intid)
{
	return gicv3_enable(ctx, &gic_cpus[hal_cpu_id()], intid);
}

/* One write per target CPU: a list per cluster would save writes on machines with many CPUs. */
static void gicv3_sgi(void *ctx, unsigned intid, uint64_t cpus)
{
	(void)ctx;
	for (; cpus; cpus &= cpus - 1)
		gicv3_send_sgi(gic_mpidr[__builtin_ctzll(cpus)], intid);
}

static void gicv3_sgi_clear(void *ctx, unsigned intid)
{
	(void)ctx;
	gicv3_clear_pending(&gic_cpus[hal_cpu_id()], intid);
}

static const struct aarch64_irqchip chip_v3 = {.ctx = &gic.v3,
                                               .cpu_init = gicv3_cpu,
                                               .ack = gicv3_take,
                                               .eoi = gicv3_end,
                                               .enable = gicv3_on,
                                               .send_sgi = gicv3_sgi,
                                               .clear_sgi = gicv3_sgi_clear};

static void start_interrupts(void)
{
	const struct aarch64_irqchip *chip;

	if (found.gic == 2) {
		gicv2_init(&gic.v2, io(found.gicd), io(found.gicc_or_gicr));
		chip = &chip_v2;
	} else if (found.gic == 3) {
		gicv3_init(&gic.v3, io(found.gicd), io(found.gicc_or_gicr), found.gicr_size,
		           aarch64_cpu_self()->mpidr);
		chip = &chip_v3;
	} else {
		aarch64_boot_fail("aarch64-qemu-virt: the device tree names no GICv2 or GICv3\n");
	}
	if (aarch64_irq_init(chip) < 0)
		aarch64_boot_fail("aarch64-qemu-virt: the GIC has no interface for the boot CPU\n");
	if (!found.timer_intid)
		aarch64_boot_fail("aarch64-qemu-virt: the device tree has no arm,armv8-timer\n");
	if (aarch64_time_init(found.timer_hz, found.timer_intid) < 0)
		aarch64_boot_fail("aarch64-qemu-virt: the generic timer has no frequency, or its "
		                  "interrupt cannot be enabled\n");
}

KIT_NORETURN void board_start(uint64_t fdt_pa)
{
	if (boot_fdt_init(fdt_pa) < 0)
		aarch64_boot_fail(
		    "aarch64-qemu-virt: no valid device tree in x0 (bad magic or header)\n");
	if (boot_fdt_scan(scan_device) < 0)
		aarch64_boot_fail(
		    "aarch64-qemu-virt: the device tree nests too deep or is corrupt\n");
	aarch64_psci_init(found.psci);
	boot_mem_done();
	arch_memmap_ready();
	if (found.uart)
		pl011_init(&virt_board.uart, io(found.uart));
	start_interrupts();
	if (found.rtc)
		realtime_offset_ns = pl031_read_s(io(found.rtc)) * 1000000000ull - hal_time_ns();
	boot_chosen_init();
	kit_start();
}
