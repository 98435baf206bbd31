/*
 * What the aarch64 architecture needs from a board's boot code
 * (platforms/<board>/), besides kit/board.h's contract: its interrupt
 * controller, the generic timer's interrupt, and how to reach the firmware
 * (PSCI). The board finds them in its device tree.
 */
#ifndef ARCH_BOARD_H
#define ARCH_BOARD_H

#include <stdint.h>
#include <klib/compiler.h>

/*
 * Say what is wrong (through semihosting, which works before the board's
 * console exists, and with translation off) and power off as a failure:
 * semihosting's exit with status 1, else PSCI's SYSTEM_OFF once
 * aarch64_psci_init() has run, else wait forever. For the boot.
 */
KIT_NORETURN void aarch64_boot_fail(const char *msg);

/*
 * The interrupt controller, as the architecture's interrupt entry uses it.
 * Every function is called with interrupts masked, on the CPU concerned,
 * and never sleeps.
 */
struct aarch64_irqchip {
	void *ctx;
	/* Set up the calling CPU's interface (the boot CPU's: from
	 * aarch64_irq_init). 0 or -errno. */
	int (*cpu_init)(void *ctx);
	/* Acknowledge the highest pending interrupt: its INTID, 1020 or more for none;
	 * *token is what eoi() takes. */
	uint32_t (*ack)(void *ctx, uint32_t *token);
	void (*eoi)(void *ctx, uint32_t token);
	/* Let intid through to the calling CPU. 0 or -errno. */
	int (*enable)(void *ctx, unsigned intid);
	/*
	 * With CONFIG_SMP: raise software interrupt intid (0-15) on each CPU in
	 * cpus (logical ids, bit i for CPU i, each of which has run cpu_init),
	 * earlier stores visible to them first; any context. And clear intid's
	 * pending state on the calling CPU.
	 */
	void (*send_sgi)(void *ctx, unsigned intid, uint64_t cpus);
	void (*clear_sgi)(void *ctx, unsigned intid);
};

/*
 * The board's interrupt controller, once its shared part is set up: its
 * interface on the calling (boot) CPU comes up here. Once, before
 * aarch64_time_init(). 0 or the cpu_init error.
 */
int aarch64_irq_init(const struct aarch64_irqchip *chip);

/*
 * A secondary CPU's interface comes up (cpu_init) and lets through the
 * private interrupts (SGIs, PPIs: the timer's, the IPI) attached so far,
 * the same on every CPU. On that CPU, interrupts masked, its logical id
 * set. 0 or the cpu_init error.
 */
int aarch64_irq_cpu_init(void);

/*
 * The generic timer: its counter's frequency (the device tree's
 * clock-frequency; 0: CNTFRQ_EL0, as firmware set it) and the INTID of the
 * EL1 virtual timer (the device tree's third timer interrupt, a PPI). Once,
 * after aarch64_irq_init(), before anything reads the clock or arms the
 * timer. 0, or -EINVAL (no frequency) or the controller's error.
 */
int aarch64_time_init(uint64_t freq_hz, unsigned virt_timer_intid);

#endif
