/*
 * The memory map from the device tree: RAM from the /memory nodes; taken
 * ranges from /reserved-memory (OpenSBI's own region is there), the
 * reservation block, the image itself, the device tree and any initrd.
 */
#include <hal/memmap.h>
#include <klib/compiler.h>
#include <klib/panic.h>
#include <klib/string.h>
#include "riscv.h"

#define MAX_REGIONS 32

extern char __kernel_start[], __kernel_end[];
extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __data_end[];

static struct hal_mem_region regions[MAX_REGIONS];
static size_t nregions;
static uint64_t ram_size;
static struct hal_kernel_layout layout;

static void add(uint64_t base, uint64_t size, enum hal_mem_type type)
{
	if (size == 0)
		return;
	/* Dropping a reserved range would let the allocator hand it out: refuse. */
	if (nregions == MAX_REGIONS)
		panic("memmap: more than %d memory ranges in the device tree", MAX_REGIONS);
	regions[nregions++] = (struct hal_mem_region){base, size, type};
	if (type == HAL_MEM_RAM)
		ram_size += size;
}

static void add_reg_ranges(const struct fdt *f, int node, enum hal_mem_type type)
{
	uint64_t base, size;

	for (int i = 0; fdt_reg(f, node, i, &base, &size) == 0; i++)
		add(base, size, type);
}

static void add_initrd(const struct fdt *f)
{
	int chosen = fdt_path(f, "/chosen"), len1, len2;
	const void *s, *e;

	if (chosen < 0)
		return;
	s = fdt_prop(f, chosen, "linux,initrd-start", &len1);
	e = fdt_prop(f, chosen, "linux,initrd-end", &len2);
	if (!s || !e || (len1 != 4 && len1 != 8) || (len2 != 4 && len2 != 8))
		return;
	uint64_t start = fdt_read_cells(s, len1 / 4), end = fdt_read_cells(e, len2 / 4);
	if (end > start)
		add(start, end - start, HAL_MEM_INITRD);
}

void riscv_memmap_init(void)
{
	const struct fdt *f = &riscv_board.fdt;
	uint64_t base, size;
	int node, rsv;

	for (node = fdt_first_child(f, fdt_root(f)); node >= 0; node = fdt_next_sibling(f, node)) {
		const char *type = fdt_prop_str(f, node, "device_type");
		if (type && strcmp(type, "memory") == 0)
			add_reg_ranges(f, node, HAL_MEM_RAM);
	}
	rsv = fdt_path(f, "/reserved-memory");
	if (rsv >= 0)
		for (node = fdt_first_child(f, rsv); node >= 0; node = fdt_next_sibling(f, node))
			add_reg_ranges(f, node, HAL_MEM_RESERVED);
	for (int i = 0; fdt_mem_rsv(f, i, &base, &size) == 0; i++)
		add(base, size, HAL_MEM_RESERVED);

	add((uintptr_t)__kernel_start, (uintptr_t)(__kernel_end - __kernel_start), HAL_MEM_KERNEL);
	add(riscv_board.fdt_pa, ALIGN_UP((uint64_t)f->size, 4096), HAL_MEM_FDT);
	add_initrd(f);

	layout = (struct hal_kernel_layout){
		.text_start = (uintptr_t)__text_start, .text_end = (uintptr_t)__text_end,
		.rodata_start = (uintptr_t)__rodata_start, .rodata_end = (uintptr_t)__rodata_end,
		.data_start = (uintptr_t)__data_start, .data_end = (uintptr_t)__data_end,
	};
}

size_t hal_mem_regions(const struct hal_mem_region **out)
{
	*out = regions;
	return nregions;
}

uint64_t hal_mem_ram_size(void)
{
	return ram_size;
}

void *hal_phys_to_virt(uint64_t pa)
{
	return (void *)(uintptr_t)pa;
}

uint64_t hal_virt_to_phys(const void *va)
{
	return (uint64_t)(uintptr_t)va;
}

const struct hal_kernel_layout *hal_kernel_layout(void)
{
	return &layout;
}
