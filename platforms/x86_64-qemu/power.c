/*
 * Power off with a status QEMU's exit status carries.
 *
 * A failure (status 1-127) goes to QEMU's isa-debug-exit, which exits with
 * (status << 1) | 1: 3, 5, ..., 255; scripts/run.py maps it back
 * (run.json's "exit": "isa-debug-exit"). Statuses outside 1-127 (which
 * would not survive the shift into an 8-bit exit status) become 1.
 * Success cannot pass there (0 would exit 1): it powers off through
 * ACPI's S5 (acpi.c), which QEMU ends with exit status 0; without ACPI it
 * resets the machine through the chipset's reset control register, 0xcf9
 * (ICH9 and PIIX3 datasheets: bit 1 system reset, bit 2 do it), which QEMU
 * run with -no-reboot (run.py does) also ends with 0.
 */
#include <arch/board.h>
#include <drivers/ioport.h>
#include <drivers/isa_debug_exit.h>
#include <hal/console.h>
#include <hal/cpu.h>
#include <hal/power.h>
#include <klib/printf.h>
#include "board.h"

#define RESET_SYS 0x02
#define RESET_CPU 0x04

void hal_power_off(int status)
{
	hal_irq_disable();
	pc_console_flush();
	if (status != 0) {
		isa_debug_exit(PC_DEBUG_EXIT, status < 1 || status > 127 ? 1 : (uint32_t)status);
		kprintf("power: exit status %d: no isa-debug-exit at port %#x to carry it\n",
		        status, PC_DEBUG_EXIT);
		pc_console_flush();
	}
	acpi_power_off();
	ioport_out8(PC_RESET, RESET_SYS);
	ioport_out8(PC_RESET, RESET_SYS | RESET_CPU);
	for (;;)
		hal_cpu_wait();
}

void x86_64_boot_fail(const char *msg)
{
	while (*msg)
		hal_console_putc(*msg++);
	hal_power_off(1);
}
