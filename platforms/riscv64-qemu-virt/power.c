/*
 * Power off through SBI SRST. OpenSBI 1.1 turns every SRST shutdown into
 * QEMU's "pass" exit, whatever the reason, so a failure is written to the
 * sifive,test finisher first: QEMU then exits with that status.
 */
#include <arch/sbi.h>
#include <drivers/sifive_test.h>
#include <hal/cpu.h>
#include <hal/power.h>
#include "board.h"

void hal_power_off(int status)
{
	hal_irq_disable();
	virt_console_flush();
	if (status != 0 && virt_board.test)
		sifive_test_finish(virt_board.test,
		                   status < 0 || status > 255 ? 1u : (unsigned)status);
	sbi_shutdown(status != 0);
	for (;;)
		hal_cpu_wait();
}
