/*
 * One pass over the device tree for everything a board needs: RAM and
 * reserved ranges, the timebase, /chosen (command line, initrd), and each
 * other node for the board to recognise its devices. A single walk keeps
 * boot fast: repeated whole-tree searches cost milliseconds under QEMU.
 */
#include <klib/errno.h>
#include <klib/string.h>
#include "boot_fdt_internal.h"

#define MAX_DEPTH 16

struct boot_fdt_state boot_fdt_state;

struct level {
	int node;
	uint32_t ac, sc; /* cells this node's children use for "reg" */
	bool reserved;   /* this node is /reserved-memory */
};

int boot_fdt_init(uint64_t pa)
{
	boot_fdt_state.pa = pa;
	return fdt_init(&boot_fdt_state.fdt, hal_phys_to_virt(pa), 0) < 0 ? -EINVAL : 0;
}

const struct fdt *boot_fdt(void)
{
	return &boot_fdt_state.fdt;
}

uint64_t boot_fdt_timebase_hz(void)
{
	return boot_fdt_state.timebase_hz;
}

static bool name_is(const char *name, const char *want)
{
	size_t n = strlen(want);

	return strncmp(name, want, n) == 0 && (name[n] == '\0' || name[n] == '@');
}

int boot_fdt_reg(const struct fdt *f, int node, uint32_t addr_cells, uint32_t size_cells,
                 uint64_t *base, uint64_t *size)
{
	return fdt_reg_cells(f, node, addr_cells, size_cells, 0, base, size) < 0 ? -ENOENT : 0;
}

static void add_regs(const struct fdt *f, int node, const struct level *parent,
                     enum hal_mem_type type)
{
	uint64_t base, size;

	for (int i = 0; fdt_reg_cells(f, node, parent->ac, parent->sc, i, &base, &size) == 0; i++)
		boot_mem_add(base, size, type);
}

/* Only found here: chosen.c reads them once the memory map is complete. */
static void scan_chosen(const struct fdt *f, int node)
{
	struct boot_chosen *c = &boot_fdt_state.chosen;

	c->bootargs = fdt_prop(f, node, "bootargs", &c->bootargs_len);
	c->initrd_start = fdt_prop(f, node, "linux,initrd-start", &c->initrd_start_len);
	c->initrd_end = fdt_prop(f, node, "linux,initrd-end", &c->initrd_end_len);
	/* The tree is in RAM, writable through the boot-time direct map: chosen.c wipes seeds. */
	c->rng_seed = (void *)fdt_prop(f, node, "rng-seed", &c->rng_seed_len);
	c->kaslr_seed = (void *)fdt_prop(f, node, "kaslr-seed", &c->kaslr_seed_len);
}

/* The Devicetree Specification's timebase-frequency: /cpus's, else the first cpu's (the walk meets
 * /cpus first). */
static void scan_timebase(const struct fdt *f, int node)
{
	uint32_t tb;

	if (!boot_fdt_state.timebase_hz && fdt_prop_u32(f, node, "timebase-frequency", &tb))
		boot_fdt_state.timebase_hz = tb;
}

#ifdef CONFIG_SMP
/* The children of /cpus, read when the architecture starts its CPUs (smp.c). */
unsigned boot_fdt_cpu_hwids(uint64_t *ids, unsigned max)
{
	const struct fdt *f = &boot_fdt_state.fdt;
	unsigned n = 0;
	uint32_t ac, sc;

	if (boot_fdt_state.cpus < 0)
		return 0;
	fdt_child_cells(f, boot_fdt_state.cpus, &ac, &sc);
	for (int cpu = fdt_first_child(f, boot_fdt_state.cpus); cpu >= 0;
	     cpu = fdt_next_sibling(f, cpu)) {
		const char *type = fdt_prop_str(f, cpu, "device_type");
		const char *status = fdt_prop_str(f, cpu, "status");
		uint64_t id, unused;

		if (!type || strcmp(type, "cpu") != 0 ||
		    (status && strcmp(status, "okay") != 0 && strcmp(status, "ok") != 0))
			continue;
		if (fdt_reg_cells(f, cpu, ac, sc, 0, &id, &unused) < 0)
			continue;
		if (n < max)
			ids[n] = id;
		n++;
	}
	return n;
}
#endif

int boot_fdt_scan(boot_fdt_node_fn device)
{
	const struct fdt *f = &boot_fdt_state.fdt;
	struct level stack[MAX_DEPTH];
	int depth = 0, node = fdt_root(f);
	uint64_t base, size;

#ifdef CONFIG_SMP
	boot_fdt_state.cpus = -1;
#endif
	for (; node >= 0; node = fdt_next_node_depth(f, node, &depth)) {
		const char *name = fdt_name(f, node), *type;
		struct level *me, *parent;

		if (depth < 0 || depth >= MAX_DEPTH || !name)
			return -EINVAL;
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
		else if ((depth == 1 && name_is(name, "cpus")) ||
		         (depth == 2 && name_is(name, "cpu"))) {
#ifdef CONFIG_SMP
			if (depth == 1)
				boot_fdt_state.cpus = node;
#endif
			scan_timebase(f, node);
		} else if (depth == 1 && name_is(name, "chosen"))
			scan_chosen(f, node);
		else
			device(f, node, parent->ac, parent->sc);
	}
	for (int i = 0; fdt_mem_rsv(f, i, &base, &size) == 0; i++)
		boot_mem_add(base, size, HAL_MEM_RESERVED);
	return 0;
}
