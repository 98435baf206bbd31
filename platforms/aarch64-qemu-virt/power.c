/*
 * Power off through PSCI's SYSTEM_OFF, which QEMU turns into a successful
 * exit. PSCI carries no status, so a failure leaves through semihosting's
 * exit with its status first (QEMU exits with it); without semihosting
 * the run still stops, and the console says the status is lost.
 */
#include <arch/psci.h>
#include <arch/semihost.h>
#include <hal/cpu.h>
#include <hal/power.h>
#include <klib/printf.h>
#include "board.h"

void hal_power_off(int status)
{
	hal_irq_disable();
	if (status != 0) {
		virt_console_flush();
		aarch64_semihost_exit(status < 0 || status > 255 ? 1 : status);
		kprintf("power: exit status %d: no semihosting to carry it (QEMU -semihosting)\n",
		        status);
	}
	virt_console_flush();
	aarch64_psci_system_off();
	for (;;)
		hal_cpu_wait();
}
