/*
 * The memory map from the device tree: RAM from the /memory nodes; taken
 * ranges from /reserved-memory (firmware's own region is there), the
 * reservation block, the image itself, the device tree and any initrd
 * (chosen.c); the registers of the devices the board drives.
 */
#include <hal/memmap.h>
#include <klib/log.h>
#include <klib/panic.h>
#include <klib/string.h>
#include "boot_fdt_internal.h"

static struct hal_mem_region regions[CONFIG_BOOT_MEM_REGIONS];
static size_t nregions;
static uint64_t ram_size;

static void add(uint64_t base, uint64_t size, enum hal_mem_type type)
{
	/* Dropping a reserved range would let the allocator hand it out: refuse. */
	if (nregions == CONFIG_BOOT_MEM_REGIONS)
		panic("memmap: more than CONFIG_BOOT_MEM_REGIONS (%d) memory ranges",
		      CONFIG_BOOT_MEM_REGIONS);
	regions[nregions++] = (struct hal_mem_region){base, size, type};
	if (type == HAL_MEM_RAM)
		ram_size += size;
}

/* What of [base, base + size) lies below limit; says what is left out. */
static uint64_t clip(uint64_t base, uint64_t size, uint64_t limit, const char *what)
{
	if (base >= limit || size > limit - base) {
		klog_warn("boot",
		          "%s [%#llx, %#llx) reaches past %#llx, which the kernel cannot map: "
		          "%s",
		          what, (unsigned long long)base, (unsigned long long)(base + size),
		          (unsigned long long)limit, base >= limit ? "ignored" : "cut there");
		return base >= limit ? 0 : limit - base;
	}
	return size;
}

bool boot_mem_add(uint64_t base, uint64_t size, enum hal_mem_type type)
{
	uint64_t kept = size;

	if (type == HAL_MEM_RAM)
		kept = clip(base, size, HAL_PHYS_LIMIT, "RAM");
	else if (type == HAL_MEM_MMIO)
		kept = clip(base, size, HAL_IO_LIMIT, "a device's registers");
	if (kept)
		add(base, kept, type);
	return kept == size;
}

/*
 * A range the boot loader also listed as reserved (U-Boot's booti puts the
 * initrd in the reservation block) changes type rather than appearing twice:
 * reserved ranges stay unmapped (arch/common/kmap.c), and this one must stay
 * readable.
 */
void boot_mem_claim(uint64_t base, uint64_t size, enum hal_mem_type type)
{
	bool found = false;

	for (size_t i = 0; i < nregions; i++)
		if (regions[i].type == HAL_MEM_RESERVED && regions[i].base == base &&
		    regions[i].size == size) {
			regions[i].type = type;
			found = true;
		}
	if (!found)
		boot_mem_add(base, size, type);
}

void boot_mem_done(void)
{
	const struct hal_kernel_layout *k = hal_kernel_layout();
	uint64_t image = hal_virt_to_phys((const void *)k->image_start);

	boot_mem_add(image, k->image_end - k->image_start, HAL_MEM_KERNEL);
	/* Its exact extent: page-alloc leaves out partly covered frames by itself,
	 * and an initrd may start right after it (chosen.c checks for overlap). */
	boot_mem_add(boot_fdt_state.pa, boot_fdt_state.fdt.size, HAL_MEM_FDT);
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
