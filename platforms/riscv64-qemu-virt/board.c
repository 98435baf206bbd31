/*
 * QEMU's riscv64 virt machine: board_start() (kit/board.h) reads the device
 * tree OpenSBI or U-Boot handed over (kit/boot_fdt.h), finds the devices
 * this board drives by their compatible strings (the 16550 UART, the
 * sifive test finisher, the goldfish RTC), puts their registers in the
 * memory map, and starts the kit.
 */
#include <arch/board.h>
#include <drivers/goldfish_rtc.h>
#include <hal/platform.h>
#include <hal/time.h>
#include <kit/board.h>
#include <kit/boot_fdt.h>
#include <kit/kit.h>
#include <klib/compiler.h>
#include "board.h"

struct virt_board virt_board;

/* Where the devices are, until they are mapped. */
static struct {
	uint64_t uart, test, rtc;
	uint32_t uart_shift;
} found;

const char *hal_platform_name(void)
{
	return CONFIG_PLATFORM_NAME;
}

uint64_t hal_time_realtime_ns(void)
{
	return virt_board.rtc ? goldfish_rtc_read_ns(virt_board.rtc) : 0;
}

/* The device's registers join the memory map; returns where they are, 0 if it has none we can
 * reach. */
static uint64_t take(const struct fdt *f, int node, uint32_t ac, uint32_t sc)
{
	uint64_t base, size;

	if (boot_fdt_reg(f, node, ac, sc, &base, &size) < 0 || !size ||
	    !boot_mem_add(base, size, HAL_MEM_MMIO))
		return 0;
	return base;
}

static void scan_device(const struct fdt *f, int node, uint32_t ac, uint32_t sc)
{
	uint32_t v;

	if (!found.uart && fdt_is_compatible(f, node, "ns16550a")) {
		found.uart = take(f, node, ac, sc);
		found.uart_shift = fdt_prop_u32(f, node, "reg-shift", &v) ? v : 0;
	} else if (!found.test && (fdt_is_compatible(f, node, "sifive,test1") ||
	                           fdt_is_compatible(f, node, "sifive,test0"))) {
		found.test = take(f, node, ac, sc);
	} else if (!found.rtc && fdt_is_compatible(f, node, "google,goldfish-rtc")) {
		found.rtc = take(f, node, ac, sc);
	}
}

#ifdef CONFIG_SMP
unsigned board_cpu_hwids(uint64_t *ids, unsigned max)
{
	return boot_fdt_cpu_hwids(ids, max);
}
#endif

static void *io(uint64_t pa)
{
	return pa ? hal_io_addr(pa) : NULL;
}

KIT_NORETURN void board_start(uint64_t fdt_pa)
{
	if (boot_fdt_init(fdt_pa) < 0)
		riscv_boot_fail(
		    "riscv64-qemu-virt: no valid device tree in a1 (bad magic or header)\n");
	if (boot_fdt_scan(scan_device) < 0)
		riscv_boot_fail(
		    "riscv64-qemu-virt: the device tree nests too deep or is corrupt\n");
	if (!boot_fdt_timebase_hz())
		riscv_boot_fail("riscv64-qemu-virt: the device tree has no timebase-frequency\n");
	riscv_time_init(boot_fdt_timebase_hz());
	boot_mem_done();
	arch_memmap_ready();
	if (found.uart)
		ns16550_init(&virt_board.uart, io(found.uart), found.uart_shift);
	virt_board.test = io(found.test);
	virt_board.rtc = io(found.rtc);
	boot_chosen_init();
	kit_start();
}
