/*
 * The boot page tables.
 *
 * start.S calls aarch64_early_map() with translation off, at the image's
 * load address, which is not the address it is linked at. So this file
 * reaches everything PC-relative (adrp), and nothing in it may load an
 * absolute address from memory and use it: no pointer tables, no jump
 * tables (it is built with -fno-jump-tables), no calls out of the file.
 * Memory is Device memory until translation is on, so every access is
 * aligned (-mstrict-align). The one absolute address read on purpose is
 * linked_start, to learn the offset.
 *
 * Two tables, one per half (48-bit addresses, 4 KiB granule):
 * - TTBR1's, the kernel's: the image at its linked address in 2 MiB
 *   blocks, read, write and execute (with paging, arch/common/kmap.c
 *   replaces the whole table by a W^X one); the direct map's two 1 GiB
 *   blocks from the device tree's start, which hold any tree.
 * - TTBR0's, the identity map of the image's gigabytes: the instruction
 *   after the one that turns translation on is fetched at the load
 *   address. It stays for what must run with no kernel table (mmu.c's
 *   table switch; secondary CPUs' entry, with SMP).
 * Once the board has read its memory map, arch_memmap_ready() adds the
 * direct map's gigabytes of every RAM bank and the I/O window's of every
 * device (as device memory). Without paging these tables are the
 * kernel's for good.
 */
#include <arch/board.h>
#include <arch/memory.h>
#include <arch/psci.h>
#include <arch/semihost.h>
#include <arch/sysreg.h>
#include <hal/memmap.h>
#include <kit/board.h>
#include <stddef.h>

/* clang-format off */
#define D_VALID    (1ul << 0)
#define D_TABLE    (1ul << 1)  /* a table (levels 3 to 1), else a block */
#define D_ATTR(i)  ((uint64_t)(i) << 2)
#define D_SH_INNER (3ul << 8)
#define D_AF       (1ul << 10)
#define D_PXN      (1ul << 53)
#define D_UXN      (1ul << 54)
#define KERNEL_RWX (D_ATTR(ATTR_NORMAL) | D_UXN)
#define NORMAL_RW  (D_ATTR(ATTR_NORMAL) | D_UXN | D_PXN)
#define DEVICE_RW  (D_ATTR(ATTR_DEVICE) | D_UXN | D_PXN)
/* clang-format on */
#define SIZE_2M (1ul << 21)
#define SIZE_1G (1ul << 30)

extern char _start[], __kernel_end[];

/* TTBR1: the root, the direct map's and the I/O window's gigabytes, the image's gigabyte (2 MiB
 * blocks). TTBR0: the identity map's root and gigabytes. */
static uint64_t boot_root[512] __attribute__((aligned(4096)));
static uint64_t boot_dmap[512] __attribute__((aligned(4096)));
static uint64_t boot_io[512] __attribute__((aligned(4096)));
static uint64_t boot_img_l1[512] __attribute__((aligned(4096)));
static uint64_t boot_img_l2[512] __attribute__((aligned(4096)));
static uint64_t boot_id_root[512] __attribute__((aligned(4096)));
static uint64_t boot_id_l1[512] __attribute__((aligned(4096)));

uintptr_t aarch64_kernel_offset;
uint64_t aarch64_boot_ttbr0;   /* the identity map, for mmu.c and secondary CPUs */
uint64_t aarch64_kernel_ttbr1; /* the kernel's table, for secondary CPUs (aarch64.h) */

/* The linked address of _start, as data: the compiler cannot turn this read into adrp. */
static const volatile uintptr_t linked_start = (uintptr_t)_start;

struct early_map {
	uint64_t ttbr0, ttbr1; /* returned in x0 and x1 */
};
struct early_map aarch64_early_map(uint64_t fdt_pa);

/* Index of va in a table at 'level' (3: the root, 1 GiB entries at 1, 2 MiB at 0... as paging). */
static unsigned idx(uintptr_t va, unsigned level)
{
	return (unsigned)(va >> (12 + 9 * level)) & 511;
}

static uint64_t block(uint64_t pa, uint64_t attrs)
{
	return pa | attrs | D_VALID | D_AF | D_SH_INNER;
}

static uint64_t table(const uint64_t *t)
{
	return (uintptr_t)t | D_VALID | D_TABLE;
}

void aarch64_boot_fail(const char *msg)
{
	aarch64_semihost_write(msg);
	aarch64_semihost_exit(1);
	aarch64_psci_system_off();
	for (;;)
		__asm__ __volatile__("wfi");
}

/* The gigabyte blocks of the window table t that cover physical [pa, pa + size). */
static void map_gigabytes(uint64_t *t, uint64_t pa, uint64_t size, uint64_t attrs)
{
	for (uint64_t g = pa & ~(SIZE_1G - 1); g < pa + size; g += SIZE_1G)
		t[idx(g, 2)] = block(g, attrs);
}

struct early_map aarch64_early_map(uint64_t fdt_pa)
{
	uintptr_t pa = (uintptr_t)_start, va = linked_start;
	uintptr_t size = (uintptr_t)(__kernel_end - _start);

	if ((va - pa) & (SIZE_2M - 1))
		aarch64_boot_fail("aarch64: the image must be loaded at a 2 MiB boundary\n");
	if (size > SIZE_1G - (va & (SIZE_1G - 1)))
		aarch64_boot_fail(
		    "aarch64: the image does not fit its gigabyte of address space\n");
	if ((pa + size - 1) >> 48 || pa >> 39 != (pa + size - 1) >> 39)
		aarch64_boot_fail(
		    "aarch64: the image is loaded where the identity map cannot reach\n");
	boot_root[idx(ARCH_DMAP_BASE, 3)] = table(boot_dmap);
	boot_root[idx(ARCH_IO_BASE, 3)] = table(boot_io);
	boot_root[idx(va, 3)] = table(boot_img_l1);
	boot_img_l1[idx(va, 2)] = table(boot_img_l2);
	for (uintptr_t off = 0; off < size; off += SIZE_2M)
		boot_img_l2[idx(va + off, 1)] = block(pa + off, KERNEL_RWX);
	boot_id_root[idx(pa, 3)] = table(boot_id_l1);
	map_gigabytes(boot_id_l1, pa, size, KERNEL_RWX);
	/* A tree is far smaller than a gigabyte: two blocks hold it wherever it starts. */
	if (fdt_pa > ARCH_DMAP_SIZE - 2 * SIZE_1G)
		aarch64_boot_fail("aarch64: the device tree (x0) is beyond the direct map\n");
	map_gigabytes(boot_dmap, fdt_pa, SIZE_1G, NORMAL_RW);
	aarch64_kernel_offset = va - pa;
	aarch64_boot_ttbr0 = (uintptr_t)boot_id_root;
	aarch64_kernel_ttbr1 = (uintptr_t)boot_root;
	return (struct early_map){(uintptr_t)boot_id_root, (uintptr_t)boot_root};
}

void arch_memmap_ready(void)
{
	const struct hal_mem_region *r;
	size_t n = hal_mem_regions(&r);

	/* The board's memory map keeps RAM and devices inside their windows (hal/memmap.h). */
	for (size_t i = 0; i < n; i++) {
		if (r[i].type == HAL_MEM_RAM)
			map_gigabytes(boot_dmap, r[i].base, r[i].size, NORMAL_RW);
		else if (r[i].type == HAL_MEM_MMIO)
			map_gigabytes(boot_io, r[i].base, r[i].size, DEVICE_RW);
	}
	/* Invalid entries are never cached: the new ones need only be visible to the walker. */
	__asm__ __volatile__("dsb ishst\n\tisb" ::: "memory");
}
