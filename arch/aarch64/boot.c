/*
 * C entry of the aarch64 image (from start.S, translation on, at the linked
 * addresses, on the boot stack, interrupts masked, at EL1): the boot CPU's
 * data, the identity map out of the user half, then the board
 * (kit/board.h), which reads the device tree and starts the kit.
 */
#include <arch/sysreg.h>
#include <hal/memmap.h>
#include <hal/mmu.h>
#include <hal/smp.h>
#include <kit/board.h>
#include <klib/compiler.h>
#include "aarch64.h"

extern char __boot_stack_bottom[];
extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __data_end[], __kernel_start[], __kernel_end[];

/*
 * Each CPU's trap-entry data (arch/cpu.h), the boot CPU's first; in .data,
 * so the boot CPU's is valid before .bss is cleared. smp.c fills in the
 * others before it starts their CPUs.
 */
char aarch64_overflow_stack[HAL_NR_CPUS][CONFIG_AARCH64_OVERFLOW_STACK_SIZE] KIT_ALIGNED(16);
struct aarch64_cpu aarch64_cpus[HAL_NR_CPUS] = {
    /* The ABI's 16-byte alignment, whatever size Kconfig was given. */
    [0] = {.overflow_top = (unsigned long)(aarch64_overflow_stack[0] +
                                           ALIGN_DOWN(CONFIG_AARCH64_OVERFLOW_STACK_SIZE, 16))},
};

static const struct hal_kernel_layout layout = {
    .image_start = (uintptr_t)__kernel_start,
    .image_end = (uintptr_t)__kernel_end,
    .text_start = (uintptr_t)__text_start,
    .text_end = (uintptr_t)__text_end,
    .rodata_start = (uintptr_t)__rodata_start,
    .rodata_end = (uintptr_t)__rodata_end,
    .data_start = (uintptr_t)__data_start,
    .data_end = (uintptr_t)__data_end,
};

uint64_t aarch64_entry_ticks;

KIT_NORETURN void aarch64_boot(uint64_t fdt_pa, uint64_t entry_ticks);

KIT_NORETURN void aarch64_boot(uint64_t fdt_pa, uint64_t entry_ticks)
{
	aarch64_cpus[0].mpidr = sysreg_read(mpidr_el1) & AARCH64_MPIDR_AFFINITY;
	aarch64_entry_ticks = entry_ticks;
	aarch64_asid_init();
	hal_mmu_switch(0, 0); /* no user half: the identity map was for the jump only */
	hal_stack_set_bottom((uintptr_t)__boot_stack_bottom);
	board_start(fdt_pa);
}

const struct hal_kernel_layout *hal_kernel_layout(void)
{
	return &layout;
}
