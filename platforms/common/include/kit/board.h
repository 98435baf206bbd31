/*
 * The boot contract between an architecture's entry code (arch/<arch>/) and
 * a board (platforms/<board>/).
 *
 * The architecture's entry runs first: it sets up a stack, clears .bss,
 * turns translation on if it has an MMU (mapping at least the image and
 * what its boot argument points at), installs its trap vector, records the
 * entry time and the boot CPU's id, and calls board_start() on the boot
 * CPU, interrupts off.
 */
#ifndef KIT_BOARD_H
#define KIT_BOARD_H

#include <stdint.h>

/*
 * Implemented by the board: read what the boot loader handed over
 * (boot_arg: the device tree's physical address where the architecture's
 * boot protocol passes one; 0 if none),
 * fill the memory map (hal/memmap.h) with RAM, taken ranges and the device
 * registers it drives, call arch_memmap_ready(), bring up its console, and
 * call kit_start(). Never returns.
 */
__attribute__((noreturn)) void board_start(uint64_t boot_arg);

/*
 * Implemented by the board, with CONFIG_SMP: the hardware ids of the CPUs
 * the machine has (the boot CPU's among them), in the firmware's order,
 * at most max of them in ids. Returns how many it has in all (more than
 * max when some did not fit). Called by the architecture's
 * hal_smp_start() on the boot CPU, after board_start() has read the
 * machine's description.
 */
unsigned board_cpu_hwids(uint64_t *ids, unsigned max);

/*
 * Implemented by the architecture: the memory map is complete; make every
 * RAM bank and device of it reachable (hal_phys_to_virt, hal_io_addr).
 * Before this only the image and the boot argument's memory are mapped.
 * Called once, by the board, on the boot CPU.
 */
void arch_memmap_ready(void);

#endif
