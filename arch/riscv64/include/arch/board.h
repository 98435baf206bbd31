/*
 * What the riscv64 architecture needs from a board's boot code
 * (platforms/<board>/), besides kit/board.h's contract.
 */
#ifndef ARCH_BOARD_H
#define ARCH_BOARD_H

#include <stdint.h>
#include <klib/compiler.h>

/*
 * Say what is wrong through the SBI console and shut down as a failure:
 * for the boot, before the board's console exists. Works before
 * translation is on too (early.c uses it there).
 */
KIT_NORETURN void riscv_boot_fail(const char *msg);

/*
 * The frequency of the time CSR (the device tree's timebase-frequency).
 * Called once, before anything reads the clock or arms the timer.
 */
void riscv_time_init(uint64_t timebase_hz);

#endif
