/*
 * What the x86-64 architecture needs from a board's boot code
 * (platforms/<board>/), besides kit/board.h's contract: a reference clock
 * to calibrate the TSC and the local APIC timer against (a PC's PIT), and
 * a way to fail the boot before the console exists.
 */
#ifndef ARCH_BOARD_H
#define ARCH_BOARD_H

#include <stdint.h>
#include <klib/compiler.h>

/*
 * Implemented by the board: say what is wrong on the console (the board's hal_console_write) and
 * power off as a failure (hal_power_off(1)). For the boot.
 */
KIT_NORETURN void x86_64_boot_fail(const char *msg);

/*
 * Start the clock and the timer: measure the TSC's and the local APIC
 * timer's rates over wait_us(ctx, us), which busy-waits us microseconds by
 * a clock of known rate (interrupts off), then route the local APIC timer
 * to its vector (TSC-deadline mode when CPUID has it, else one-shot). Once,
 * on the boot CPU, after arch_memmap_ready(), before anything reads the
 * clock or arms the timer. 0, or -ENODEV (no local APIC, or no invariant
 * counter to measure).
 */
/*
 * The boot CPU's local APIC registers (IA32_APIC_BASE): the board lists
 * them in its memory map as HAL_MEM_MMIO, for xAPIC mode (x2APIC reaches
 * them as MSRs).
 */
uint64_t x86_64_apic_pa(void);

int x86_64_time_init(void (*wait_us)(void *ctx, unsigned us), void *ctx);

#endif
