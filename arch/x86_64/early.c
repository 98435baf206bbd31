/*
 * The boot tables' windows (arch/memory.h), once the board has read its
 * memory map: arch_memmap_ready() maps every RAM bank in the direct map
 * and every device's registers in the I/O window (uncached: PCD and PWT,
 * which with the PAT's power-on value select UC), a GiB at a time. start.S
 * mapped the direct map's first GiB already.
 *
 * A GiB is one 1 GiB page where the CPU has them (CPUID pdpe1gb), else a
 * page directory of 2 MiB pages from a pool in the image
 * (CONFIG_X86_64_BOOT_MAP_TABLES): there is no allocator yet. Devices
 * come first. RAM that does not fit is marked HAL_MEM_UNMAPPED in the
 * memory map, so page-alloc leaves it until the kernel's own table (kmap.c)
 * maps it, with paging; without, it stays unused, saying so (the default
 * pool covers every RAM size the x86_64-qemu board offers).
 *
 * With SMP it also puts the application processors' trampoline in its
 * page below 1 MiB (trampoline.S), which only this table reaches.
 */
#include <hal/memmap.h>
#include <kit/board.h>
#include <kit/boot_multiboot.h>
#include <klib/log.h>
#include <klib/string.h>
#include "x86_64.h"

/* clang-format off */
#define PTE_P   (1ul << 0)
#define PTE_W   (1ul << 1)
#define PTE_PWT (1ul << 3)
#define PTE_PCD (1ul << 4)
#define PTE_PS  (1ul << 7)
#define PTE_NX  (1ul << 63) /* start.S made sure the CPU has it */
/* clang-format on */
#define SIZE_2M (1ul << 21)
#define SIZE_1G (1ul << 30)
#define PML4_IO 257 /* ARCH_IO_BASE's entry */

#ifdef CONFIG_PAGING
#define UNMAPPED_RAM "the kernel's table maps it"
#else
#define UNMAPPED_RAM "left unused"
#endif

static uint64_t boot_pdpt_io[512] __attribute__((aligned(4096)));
static uint64_t boot_pd_pool[CONFIG_X86_64_BOOT_MAP_TABLES][512] __attribute__((aligned(4096)));
static unsigned boot_pd_used;

/* One GiB of the window whose directory is pdpt, at physical gib << 30. */
static bool map_gigabyte(uint64_t *pdpt, uint64_t gib, uint64_t flags, bool huge)
{
	uint64_t *pd;

	if (pdpt[gib & 511] & PTE_P)
		return true;
	if (huge) {
		pdpt[gib & 511] = gib << 30 | flags | PTE_PS;
		return true;
	}
	if (boot_pd_used == CONFIG_X86_64_BOOT_MAP_TABLES)
		return false;
	pd = boot_pd_pool[boot_pd_used++];
	for (uint64_t i = 0; i < 512; i++)
		pd[i] = ((gib << 30) + i * SIZE_2M) | flags | PTE_PS;
	pdpt[gib & 511] = hal_virt_to_phys(pd) | PTE_P | PTE_W;
	return true;
}

/* Map r (a copy: boot_mem_add appends to the map being walked); false if some is left out. */
static bool map_range(uint64_t *pdpt, struct hal_mem_region r, uint64_t flags, bool huge)
{
	for (uint64_t g = r.base >> 30; g <= (r.base + r.size - 1) >> 30; g++) {
		uint64_t from = g << 30 > r.base ? g << 30 : r.base, end = r.base + r.size;

		if (map_gigabyte(pdpt, g, flags, huge))
			continue;
		klog_warn("boot",
		          "[%#llx, %#llx) past X86_64_BOOT_MAP_TABLES (%d, no 1 GiB pages): %s",
		          (unsigned long long)from, (unsigned long long)end,
		          CONFIG_X86_64_BOOT_MAP_TABLES,
		          r.type != HAL_MEM_RAM ? "unreachable" : UNMAPPED_RAM);
		if (r.type == HAL_MEM_RAM)
			boot_mem_add(from, end - from, HAL_MEM_UNMAPPED);
		return false;
	}
	return true;
}

/* While the boot table still maps the low MiB, and the loader's information there is read. */
static void copy_trampoline(void)
{
#ifdef CONFIG_SMP
	memcpy(hal_phys_to_virt(X86_64_TRAMPOLINE_PA), x86_64_trampoline,
	       (size_t)(x86_64_trampoline_end - x86_64_trampoline));
#endif
}

void arch_memmap_ready(void)
{
	const struct hal_mem_region *r;
	size_t n = hal_mem_regions(&r);
	bool huge = cpuid(0x80000000, 0).eax >= 0x80000001 &&
	            (cpuid(0x80000001, 0).edx & CPUID81_EDX_PDPE1GB);

	x86_64_boot_pml4[PML4_IO] = hal_virt_to_phys(boot_pdpt_io) | PTE_P | PTE_W;
	/* Devices first: a few GiBs at most, and the kit cannot start without them. */
	for (size_t i = 0; i < n; i++)
		if (r[i].size && r[i].type == HAL_MEM_MMIO)
			map_range(boot_pdpt_io, r[i], PTE_P | PTE_W | PTE_PCD | PTE_PWT | PTE_NX,
			          huge);
	for (size_t i = 0; i < n; i++)
		if (r[i].size && r[i].type == HAL_MEM_RAM)
			map_range(x86_64_boot_pdpt_low, r[i], PTE_P | PTE_W | PTE_NX, huge);
	/* Only not-present entries changed: x86 caches no translation of those. */
	copy_trampoline();
}
