/*
 * The physical memory map: RAM, the ranges inside it that are already taken
 * (firmware, the kernel image, the device tree, an initrd), and the device
 * registers the board drives. A page allocator takes RAM minus everything
 * else. The board fills it (from the device tree on boards that have one).
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
	HAL_MEM_MMIO,     /* registers of a device the board drives (not RAM) */
	/*
	 * RAM the boot tables do not reach (arch_memmap_ready ran out of them):
	 * taken until the kernel's own page table maps it, which hands it to
	 * page-alloc (page_alloc_init_late).
	 */
	HAL_MEM_UNMAPPED,
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
 * The kernel's view of physical memory, from the architecture, inline
 * (<arch/memory.h>): riscv64 reaches RAM through a direct map in the upper
 * half, the host at its own addresses.
 *
 *   void *hal_phys_to_virt(uint64_t pa)
 *	Where RAM at pa is (pa below HAL_PHYS_LIMIT).
 *   uint64_t hal_virt_to_phys(const void *va)
 *	The physical address of a direct-map or kernel-image address.
 *   void *hal_io_addr(uint64_t pa)
 *	Where the registers at pa are, for a HAL_MEM_MMIO region below
 *	HAL_IO_LIMIT, once the board's memory map is complete
 *	(arch_memmap_ready, kit/board.h).
 *
 * RAM at or above HAL_PHYS_LIMIT, and devices at or above HAL_IO_LIMIT,
 * cannot be reached: a board leaves them out of the map, saying so.
 */
#include <arch/memory.h>

/* Where the running image's sections are (linked addresses), page-aligned (for W^X mappings). */
struct hal_kernel_layout {
	uintptr_t image_start, image_end;   /* everything, bss and boot stack included */
	uintptr_t text_start, text_end;     /* read + execute */
	uintptr_t rodata_start, rodata_end; /* read-only */
	uintptr_t data_start, data_end;     /* read + write: data, bss, boot stack */
};

/* NULL on platforms that do not load the kernel into RAM they manage (host). */
const struct hal_kernel_layout *hal_kernel_layout(void);

#endif
