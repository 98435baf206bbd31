/*
 * C entry of the riscv64 image (from start.S, translation on, at the linked
 * addresses, on the boot stack, interrupts off): the boot hart's data, then
 * the board (kit/board.h), which reads the device tree and starts the kit.
 */
#include <hal/memmap.h>
#include <hal/mmu.h>
#include <hal/smp.h>
#include <kit/board.h>
#include <klib/compiler.h>
#include "riscv.h"

extern char __boot_stack_bottom[];
extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __data_end[], __kernel_start[], __kernel_end[];

/*
 * Each hart's trap-entry data (arch/cpu.h), the boot hart's first; in .data,
 * so the boot hart's is valid before .bss is cleared. smp.c fills in the
 * others before it starts their harts.
 */
char riscv_overflow_stack[HAL_NR_CPUS][CONFIG_RISCV_OVERFLOW_STACK_SIZE] KIT_ALIGNED(16);
struct riscv_hart riscv_harts[HAL_NR_CPUS] = {
    /* The ABI's 16-byte alignment, whatever size Kconfig was given. */
    [0] = {.overflow_top = (unsigned long)(riscv_overflow_stack[0] +
                                           ALIGN_DOWN(CONFIG_RISCV_OVERFLOW_STACK_SIZE, 16))},
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

uint64_t riscv_entry_ticks;

KIT_NORETURN void riscv_boot(unsigned long hartid, uint64_t fdt_pa, uint64_t entry_ticks);

KIT_NORETURN void riscv_boot(unsigned long hartid, uint64_t fdt_pa, uint64_t entry_ticks)
{
	riscv_harts[0].hartid = hartid;
	riscv_entry_ticks = entry_ticks;
	hal_stack_set_bottom((uintptr_t)__boot_stack_bottom);
	board_start(fdt_pa);
}

const struct hal_kernel_layout *hal_kernel_layout(void)
{
	return &layout;
}
