/*
 * The memory map from the device tree: RAM from the /memory nodes; taken
 * ranges from /reserved-memory (OpenSBI's own region is there), the
 * reservation block, the image itself, the device tree and any initrd
 * (chosen.c).
 */
#include <hal/memmap.h>
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

void riscv_memmap_add(uint64_t base, uint64_t size, enum hal_mem_type type)
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

/*
 * A range the boot loader also listed as reserved (U-Boot's booti puts the
 * initrd in the reservation block) changes type rather than appearing twice:
 * reserved ranges stay unmapped (mmu.c), and this one must stay readable.
 */
void riscv_memmap_claim(uint64_t base, uint64_t size, enum hal_mem_type type)
{
	bool found = false;

	for (size_t i = 0; i < nregions; i++)
		if (regions[i].type == HAL_MEM_RESERVED && regions[i].base == base &&
		    regions[i].size == size) {
			regions[i].type = type;
			found = true;
		}
	if (!found)
		riscv_memmap_add(base, size, type);
}

/* The device tree's ranges are in (riscv_dt_scan); add the image and the tree itself. */
void riscv_memmap_init(void)
{
	riscv_memmap_add((uintptr_t)__kernel_start, (uintptr_t)(__kernel_end - __kernel_start),
			 HAL_MEM_KERNEL);
	/* Its exact extent: page-alloc leaves out partly covered frames by itself,
	 * and an initrd may start right after it (chosen.c checks for overlap). */
	riscv_memmap_add(riscv_board.fdt_pa, riscv_board.fdt.size, HAL_MEM_FDT);
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
