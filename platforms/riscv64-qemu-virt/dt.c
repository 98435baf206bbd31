/*
 * One pass over the device tree for everything the platform needs: the
 * timebase, RAM and reserved ranges, the UART / test finisher / RTC, and
 * /chosen (command line, initrd). A single walk keeps boot fast: repeated
 * whole-tree searches cost milliseconds under QEMU.
 */
#include <klib/string.h>
#include <hal/memmap.h>
#include "riscv.h"

#define MAX_DEPTH 16

struct level {
	int node;
	uint32_t ac, sc; /* cells this node's children use for "reg" */
	bool reserved;   /* this node is /reserved-memory */
};

static bool name_is(const char *name, const char *want)
{
	size_t n = strlen(want);

	return strncmp(name, want, n) == 0 && (name[n] == '\0' || name[n] == '@');
}

static uintptr_t first_reg(const struct fdt *f, int node, const struct level *parent)
{
	uint64_t addr, size;

	if (fdt_reg_cells(f, node, parent->ac, parent->sc, 0, &addr, &size) < 0)
		return 0;
	return (uintptr_t)addr;
}

static void add_regs(const struct fdt *f, int node, const struct level *parent,
		     enum hal_mem_type type)
{
	uint64_t base, size;

	for (int i = 0; fdt_reg_cells(f, node, parent->ac, parent->sc, i, &base, &size) == 0; i++)
		riscv_memmap_add(base, size, type);
}

/* Only found here: chosen.c reads them once the memory map is complete. */
static void scan_chosen(const struct fdt *f, int node)
{
	struct riscv_chosen *c = &riscv_board.chosen;

	c->bootargs = fdt_prop(f, node, "bootargs", &c->bootargs_len);
	c->initrd_start = fdt_prop(f, node, "linux,initrd-start", &c->initrd_start_len);
	c->initrd_end = fdt_prop(f, node, "linux,initrd-end", &c->initrd_end_len);
	/* The tree is in RAM and the MMU is off: chosen.c may erase the seeds in place. */
	c->rng_seed = (void *)fdt_prop(f, node, "rng-seed", &c->rng_seed_len);
	c->kaslr_seed = (void *)fdt_prop(f, node, "kaslr-seed", &c->kaslr_seed_len);
}

static void scan_device(const struct fdt *f, int node, const struct level *parent)
{
	uint32_t v;

	if (!riscv_board.uart_base && fdt_is_compatible(f, node, "ns16550a")) {
		riscv_board.uart_base = first_reg(f, node, parent);
		riscv_board.uart_shift = fdt_prop_u32(f, node, "reg-shift", &v) ? v : 0;
	} else if (!riscv_board.test_base && (fdt_is_compatible(f, node, "sifive,test1") ||
					      fdt_is_compatible(f, node, "sifive,test0"))) {
		riscv_board.test_base = first_reg(f, node, parent);
	} else if (!riscv_board.rtc_base && fdt_is_compatible(f, node, "google,goldfish-rtc")) {
		riscv_board.rtc_base = first_reg(f, node, parent);
	}
}

int riscv_dt_scan(void)
{
	const struct fdt *f = &riscv_board.fdt;
	struct level stack[MAX_DEPTH];
	int depth = 0, node = fdt_root(f);
	uint32_t tb;
	uint64_t base, size;

	for (; node >= 0; node = fdt_next_node_depth(f, node, &depth)) {
		const char *name = fdt_name(f, node), *type;
		struct level *me, *parent;

		if (depth < 0 || depth >= MAX_DEPTH || !name)
			return -1;
		me = &stack[depth];
		parent = depth ? &stack[depth - 1] : NULL;
		me->node = node;
		fdt_child_cells(f, node, &me->ac, &me->sc);
		me->reserved = depth == 1 && name_is(name, "reserved-memory");
		if (!parent)
			continue;

		type = fdt_prop_str(f, node, "device_type");
		if (type && strcmp(type, "memory") == 0)
			add_regs(f, node, parent, HAL_MEM_RAM);
		else if (parent->reserved)
			add_regs(f, node, parent, HAL_MEM_RESERVED);
		else if (depth == 1 && name_is(name, "cpus") &&
			 fdt_prop_u32(f, node, "timebase-frequency", &tb))
			riscv_board.timebase_hz = tb;
		else if (depth == 2 && !riscv_board.timebase_hz && name_is(name, "cpu") &&
			 fdt_prop_u32(f, node, "timebase-frequency", &tb))
			riscv_board.timebase_hz = tb;
		else if (depth == 1 && name_is(name, "chosen"))
			scan_chosen(f, node);
		else
			scan_device(f, node, parent);
	}
	for (int i = 0; fdt_mem_rsv(f, i, &base, &size) == 0; i++)
		riscv_memmap_add(base, size, HAL_MEM_RESERVED);
	return riscv_board.timebase_hz ? 0 : -2;
}
