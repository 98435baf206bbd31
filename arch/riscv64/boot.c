/*
 * C entry of the riscv64 image (from start.S): read the device tree, bring
 * up the console, then hand over to the shared start-up (kit_start).
 */
#include <kit/kit.h>
#include <klib/compiler.h>
#include <hal/mmu.h>
#include <hal/power.h>
#include "hart.h"
#include "riscv.h"

struct riscv_board riscv_board;

extern char __boot_stack_bottom[];

/* The boot hart's trap-entry data (hart.h); in .data, so it is valid before .bss is cleared. */
char riscv_overflow_stack[CONFIG_RISCV_OVERFLOW_STACK_SIZE] KIT_ALIGNED(16);
struct riscv_hart riscv_hart0 = {
	.overflow_top = (unsigned long)(riscv_overflow_stack + CONFIG_RISCV_OVERFLOW_STACK_SIZE),
};

void riscv_boot(unsigned long hartid, uint64_t fdt_pa, uint64_t entry_ticks);

static void early_fail(const char *msg)
{
	/* No console yet beyond SBI: say what went wrong, then fail the run. */
	while (*msg)
		sbi_legacy_putchar(*msg++);
	sbi_shutdown(true);
	for (;;)
		__asm__ __volatile__("wfi");
}

void riscv_boot(unsigned long hartid, uint64_t fdt_pa, uint64_t entry_ticks)
{
	int rc;

	hal_stack_set_bottom((uintptr_t)__boot_stack_bottom);
	riscv_board.boot_hart = hartid;
	riscv_board.entry_ticks = entry_ticks;
	riscv_board.fdt_pa = fdt_pa;
	if (fdt_init(&riscv_board.fdt, (const void *)(uintptr_t)fdt_pa, 0) < 0)
		early_fail("riscv64: no valid device tree in a1 (bad magic or header)\n");
	rc = riscv_dt_scan();
	if (rc == -2)
		early_fail("riscv64: device tree has no timebase-frequency\n");
	if (rc < 0)
		early_fail("riscv64: device tree nests too deep or is corrupt\n");
	riscv_memmap_init();
	riscv_chosen_init();
	kit_start();
}
