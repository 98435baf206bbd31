/*
 * The physical memory map: RAM, and the ranges inside it that are already
 * taken (firmware, the kernel image, the device tree, an initrd). A page
 * allocator takes RAM minus everything else.
 */
#ifndef HAL_MEMMAP_H
#define HAL_MEMMAP_H

#include <stddef.h>
#include <stdint.h>

enum hal_mem_type {
	HAL_MEM_RAM,      /* usable RAM bank */
	HAL_MEM_RESERVED, /* firmware or device-tree reserved range */
	HAL_MEM_KERNEL,   /* the running image, bss and boot stack included */
	HAL_MEM_FDT,      /* the device tree blob */
	HAL_MEM_INITRD,   /* an initial ramdisk */
};

struct hal_mem_region {
	uint64_t base;
	uint64_t size;
	enum hal_mem_type type;
};

/* Every region, in no particular order; the array lives as long as the kernel. */
size_t hal_mem_regions(const struct hal_mem_region **regions);

/* Total bytes of RAM. */
uint64_t hal_mem_ram_size(void);

/*
 * The kernel's view of physical memory. Both platforms map RAM at its
 * physical address (identity); code that must not assume so goes through
 * these.
 */
void *hal_phys_to_virt(uint64_t pa);
uint64_t hal_virt_to_phys(const void *va);

/* Where the running image's sections are, page-aligned (for W^X mappings). */
struct hal_kernel_layout {
	uintptr_t text_start, text_end;     /* read + execute */
	uintptr_t rodata_start, rodata_end; /* read-only */
	uintptr_t data_start, data_end;     /* read + write: data, bss, boot stack */
};

/* NULL on platforms that do not load the kernel into RAM they manage (host). */
const struct hal_kernel_layout *hal_kernel_layout(void);

#endif
