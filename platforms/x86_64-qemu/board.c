/*
 * QEMU's PC (q35 or pc), booted by Multiboot: board_start() (kit/board.h)
 * brings up COM1 (its I/O ports need no mapping, so the console works from
 * the first line), moves the legacy PICs off the exception vectors and
 * masks them (the local APIC takes interrupts), reads the loader's memory
 * map, command line and initrd (kit/boot_multiboot.h), lists the local
 * APIC's registers, finds ACPI's soft-off, and starts the clock against
 * the PIT and the kit.
 */
#include <arch/board.h>
#include <drivers/i8254.h>
#include <drivers/i8259.h>
#include <drivers/mc146818.h>
#include <hal/console.h>
#include <hal/platform.h>
#include <hal/time.h>
#include <kit/board.h>
#include <kit/boot_multiboot.h>
#include <kit/kit.h>
#include <klib/compiler.h>
#include "board.h"

struct pc_board pc_board;
static uint64_t realtime_offset_ns; /* the RTC at boot, less the clock then */

const char *hal_platform_name(void)
{
	return CONFIG_PLATFORM_NAME;
}

/* The CMOS clock counts whole seconds: read once, then carried on by the TSC. */
uint64_t hal_time_realtime_ns(void)
{
	return realtime_offset_ns ? realtime_offset_ns + hal_time_ns() : 0;
}

KIT_NORETURN void board_start(uint64_t info_pa)
{
	uint64_t rtc_s;

	ns16550_init_port(&pc_board.uart, PC_COM1);
	/* SeaBIOS leaves its "Booting from ROM.." line open: start our own. */
	hal_console_write("\n", 1);
	i8259_disable(PC_PIC_VECTOR);
	if (boot_mb_init(info_pa) < 0)
		x86_64_boot_fail("x86_64-qemu: the Multiboot information names no RAM\n");
	boot_mem_add(x86_64_apic_pa(), 4096, HAL_MEM_MMIO);
	boot_mem_done();
	arch_memmap_ready();
	acpi_init();
	if (x86_64_time_init(i8254_wait_us, NULL) < 0)
		x86_64_boot_fail("x86_64-qemu: no local APIC, or its timer or the TSC does not "
		                 "count\n");
	if ((rtc_s = mc146818_read_s()))
		realtime_offset_ns = rtc_s * 1000000000ull - hal_time_ns();
	kit_start();
}
