/*
 * C entry of the riscv64 image (from start.S): read the device tree, bring
 * up the console, then hand over to the shared start-up (kit_start).
 */
#include <kit/kit.h>
#include <klib/compiler.h>
#include <klib/printf.h>
#include <klib/string.h>
#include <hal/mmu.h>
#include <hal/power.h>
#include "hart.h"
#include "riscv.h"

struct riscv_board riscv_board;

extern char __boot_stack_bottom[], __kernel_start[], __kernel_end[], __bss_start[], __bss_end[];

/* The boot hart's trap-entry data (hart.h); in .data, so it is valid before .bss is cleared. */
char riscv_overflow_stack[CONFIG_RISCV_OVERFLOW_STACK_SIZE] KIT_ALIGNED(16);
struct riscv_hart riscv_hart0 = {
	/* The ABI's 16-byte alignment, whatever size Kconfig was given. */
	.overflow_top =
	    (unsigned long)(riscv_overflow_stack + ALIGN_DOWN(CONFIG_RISCV_OVERFLOW_STACK_SIZE, 16)),
};

void riscv_check_image_fits(uint64_t fdt_pa);
void riscv_boot(unsigned long hartid, uint64_t fdt_pa, uint64_t entry_ticks);

/*
 * No console yet beyond SBI: say what went wrong, then fail the run. OpenSBI
 * turns every shutdown into QEMU's "pass" (power.c), so the failure goes to
 * the test finisher, found in the tree f when there is one: QEMU exits 1.
 */
static void early_fail(const struct fdt *f, const char *msg)
{
	int node = -1;
	uint64_t finisher, size;

	while (*msg)
		sbi_legacy_putchar(*msg++);
	if (f && (node = fdt_find_compatible(f, -1, "sifive,test1")) < 0)
		node = fdt_find_compatible(f, -1, "sifive,test0");
	if (node >= 0 && fdt_reg(f, node, 0, &finisher, &size) == 0)
		*(volatile uint32_t *)(uintptr_t)finisher = 1u << 16 | 0x3333; /* FAIL, status 1 */
	sbi_shutdown(true);
	for (;;)
		__asm__ __volatile__("wfi");
}

/* The end of the device tree's RAM range holding pa, or 0 if none does. */
static uint64_t ram_end_at(const struct fdt *f, uint64_t pa)
{
	uint32_t ac, sc;
	uint64_t base, size;
	int depth = 0;

	fdt_child_cells(f, fdt_root(f), &ac, &sc);
	for (int node = fdt_root(f); node >= 0; node = fdt_next_node_depth(f, node, &depth)) {
		const char *type = fdt_prop_str(f, node, "device_type");

		if (depth != 1 || !type || strcmp(type, "memory") != 0)
			continue;
		for (int i = 0; fdt_reg_cells(f, node, ac, sc, i, &base, &size) == 0; i++)
			if (pa >= base && pa - base < size)
				return base + size;
	}
	return 0;
}

/*
 * From start.S, on the boot stack, before .bss is cleared: nothing in .bss
 * may be touched yet. The loader checked only what it wrote (text, data),
 * so two things are checked here: that .bss is in RAM (clearing it would
 * fault with no console to say why), and that the firmware did not put the
 * device tree where .bss goes (clearing it would erase the tree: OpenSBI's
 * fw_jump puts it at 0x82200000 whatever the image's size). A tree it
 * cannot read is left for riscv_boot to report.
 */
void riscv_check_image_fits(uint64_t fdt_pa)
{
	uintptr_t start = (uintptr_t)__kernel_start, end = (uintptr_t)__kernel_end;
	uintptr_t bss = (uintptr_t)__bss_start;
	uint64_t ram_end;
	struct fdt f;
	char msg[320];

	if (fdt_init(&f, (const void *)(uintptr_t)fdt_pa, 0) < 0)
		return;
	ram_end = ram_end_at(&f, start);
	if (ram_end < end) {
		ksnprintf(msg, sizeof(msg),
			  "riscv64: the image does not fit in RAM: it spans 0x%lx-0x%lx (%lu KiB, of "
			  "which .bss %lu KiB), RAM there ends at 0x%llx. Give the machine more memory "
			  "(CONFIG_QEMU_MEMORY_MB) or make .bss smaller (a static stack pool?).\n",
			  (unsigned long)start, (unsigned long)end, (unsigned long)(end - start) >> 10,
			  (unsigned long)(__bss_end - __bss_start) >> 10, (unsigned long long)ram_end);
		early_fail(&f, msg);
	}
	if (fdt_pa < end && fdt_pa + f.size > bss) {
		ksnprintf(msg, sizeof(msg),
			  "riscv64: the firmware put the device tree at 0x%llx, inside the image's .bss "
			  "(0x%lx-0x%lx), which is about to be cleared (OpenSBI's fw_jump always puts it "
			  "at 0x82200000, fw_dynamic near the end of RAM). Give the machine more memory, "
			  "boot with fw_dynamic (CONFIG_QEMU_FW_DYNAMIC) or make .bss smaller.\n",
			  (unsigned long long)fdt_pa, (unsigned long)bss, (unsigned long)end);
		early_fail(&f, msg);
	}
}

void riscv_boot(unsigned long hartid, uint64_t fdt_pa, uint64_t entry_ticks)
{
	int rc;

	hal_stack_set_bottom((uintptr_t)__boot_stack_bottom);
	riscv_board.boot_hart = hartid;
	riscv_board.entry_ticks = entry_ticks;
	riscv_board.fdt_pa = fdt_pa;
	if (fdt_init(&riscv_board.fdt, (const void *)(uintptr_t)fdt_pa, 0) < 0)
		early_fail(NULL, "riscv64: no valid device tree in a1 (bad magic or header)\n");
	rc = riscv_dt_scan();
	if (rc == -2)
		early_fail(&riscv_board.fdt, "riscv64: device tree has no timebase-frequency\n");
	if (rc < 0)
		early_fail(&riscv_board.fdt, "riscv64: device tree nests too deep or is corrupt\n");
	riscv_memmap_init();
	riscv_chosen_init();
	kit_start();
}
