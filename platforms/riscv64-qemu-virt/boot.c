/*
 * C entry of the riscv64 image (from start.S): read the device tree, bring
 * up the console, then hand over to the shared start-up (kit_start).
 */
#include <kit/kit.h>
#include <klib/printf.h>
#include <klib/string.h>
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

static uintptr_t find_device(const char *compat, unsigned *shift)
{
	int node = fdt_find_compatible(&riscv_board.fdt, -1, compat);
	uint64_t addr, size;
	uint32_t v;

	if (node < 0 || fdt_reg(&riscv_board.fdt, node, 0, &addr, &size) < 0)
		return 0;
	if (shift)
		*shift = fdt_prop_u32(&riscv_board.fdt, node, "reg-shift", &v) ? v : 0;
	return (uintptr_t)addr;
}

int riscv_parse_fdt(uint64_t fdt_pa)
{
	struct fdt *f = &riscv_board.fdt;
	uint32_t tb;
	int node, rc;

	rc = fdt_init(f, (const void *)(uintptr_t)fdt_pa, 0);
	if (rc < 0)
		return rc;
	riscv_board.fdt_pa = fdt_pa;

	/* The timebase is a property of /cpus (or, on some trees, of each cpu). */
	node = fdt_path(f, "/cpus");
	if (node < 0)
		return -1;
	if (!fdt_prop_u32(f, node, "timebase-frequency", &tb)) {
		int cpu = fdt_first_child(f, node);
		if (cpu < 0 || !fdt_prop_u32(f, cpu, "timebase-frequency", &tb))
			return -2;
	}
	if (tb == 0)
		return -2;
	riscv_board.timebase_hz = tb;

	riscv_board.uart_base = find_device("ns16550a", &riscv_board.uart_shift);
	riscv_board.test_base = find_device("sifive,test1", NULL);
	if (!riscv_board.test_base)
		riscv_board.test_base = find_device("sifive,test0", NULL);
	riscv_board.rtc_base = find_device("google,goldfish-rtc", NULL);

	node = fdt_path(f, "/chosen");
	riscv_board.cmdline = node >= 0 ? fdt_prop_str(f, node, "bootargs") : NULL;
	if (!riscv_board.cmdline)
		riscv_board.cmdline = "";
	return 0;
}

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
	rc = riscv_parse_fdt(fdt_pa);
	if (rc == -1)
		early_fail("riscv64: device tree has no /cpus node\n");
	if (rc == -2)
		early_fail("riscv64: device tree has no timebase-frequency\n");
	if (rc < 0)
		early_fail("riscv64: no valid device tree in a1 (bad magic or header)\n");
	riscv_console_init();
	riscv_memmap_init();
	kit_start();
}
