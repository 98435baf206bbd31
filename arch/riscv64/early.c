/*
 * The boot page table.
 *
 * start.S calls riscv_early_map() with translation off, at the image's load
 * address, which is not the address it is linked at. So this file reaches
 * everything PC-relative (medany), and nothing in it may load an absolute
 * address from memory and use it: no pointer tables, no jump tables (it is
 * built with -fno-jump-tables), no calls out of the file. The one absolute
 * address read on purpose is linked_start, to learn the offset.
 *
 * The table is Sv39, which every RV64 hart with paging has, and maps:
 * - the image at its linked address in 2 MiB pages, read, write and
 *   execute (with paging, arch/common/kmap.c replaces the whole table by a
 *   W^X one);
 * - the direct map's two gigapages from the device tree's start, which
 *   hold any tree.
 * Once the board has read its memory map, arch_memmap_ready() adds, at the
 * linked addresses, the direct map's gigapages of every RAM bank and the
 * I/O window's gigapages of every device. Without paging this table is the
 * kernel's for good.
 */
#include <arch/board.h>
#include <arch/csr.h>
#include <arch/memory.h>
#include <arch/sbi.h>
#include <hal/memmap.h>
#include <kit/board.h>
#include <stddef.h>

/* clang-format off */
#define PTE_V (1ul << 0)
#define PTE_R (1ul << 1)
#define PTE_W (1ul << 2)
#define PTE_X (1ul << 3)
#define PTE_G (1ul << 5)
#define PTE_A (1ul << 6)
#define PTE_D (1ul << 7)
/* clang-format on */
#define SIZE_2M (1ul << 21)
#define SIZE_1G (1ul << 30)

extern char _start[], __kernel_end[];

/* The root, and the table of the image's gigabyte (2 MiB pages). */
static uint64_t boot_root[512] __attribute__((aligned(4096)));
static uint64_t boot_image[512] __attribute__((aligned(4096)));

uintptr_t riscv_kernel_offset;
unsigned long riscv_kernel_satp;

/* The linked address of _start, as data: the compiler cannot turn this read into auipc. */
static const volatile uintptr_t linked_start = (uintptr_t)_start;

struct early_map {
	unsigned long satp, offset; /* returned in a0 and a1 */
};
struct early_map riscv_early_map(uint64_t fdt_pa);

static unsigned vpn(uintptr_t va, unsigned level)
{
	return (unsigned)(va >> (12 + 9 * level)) & 511;
}

static uint64_t leaf(uint64_t pa, uint64_t prot)
{
	return pa >> 12 << 10 | prot | PTE_V | PTE_A | PTE_D | PTE_G;
}

void riscv_boot_fail(const char *msg)
{
	for (; *msg; msg++)
		sbi_call(SBI_EXT_LEGACY_PUTCHAR, 0, (unsigned char)*msg, 0, 0);
	sbi_call(SBI_EXT_SRST, 0, SBI_SRST_SHUTDOWN, SBI_SRST_REASON_FAILURE, 0);
	for (;;)
		__asm__ __volatile__("wfi");
}

/* The gigapages of the window at 'base' that cover physical [pa, pa + size). */
static void map_gigapages(uintptr_t base, uint64_t pa, uint64_t size)
{
	for (uint64_t g = pa & ~(SIZE_1G - 1); g < pa + size; g += SIZE_1G)
		boot_root[vpn(base + g, 2)] = leaf(g, PTE_R | PTE_W);
}

struct early_map riscv_early_map(uint64_t fdt_pa)
{
	uintptr_t pa = (uintptr_t)_start, va = linked_start;
	uintptr_t size = (uintptr_t)(__kernel_end - _start);

	if ((va - pa) & (SIZE_2M - 1))
		riscv_boot_fail("riscv64: the image must be loaded at a 2 MiB boundary\n");
	if (size > SIZE_1G - (va & (SIZE_1G - 1)))
		riscv_boot_fail("riscv64: the image does not fit its gigabyte of address space\n");
	boot_root[vpn(va, 2)] = (uintptr_t)boot_image >> 12 << 10 | PTE_V;
	for (uintptr_t off = 0; off < size; off += SIZE_2M)
		boot_image[vpn(va + off, 1)] = leaf(pa + off, PTE_R | PTE_W | PTE_X);
	/* A tree is far smaller than a gigabyte: two gigapages hold it wherever it starts. */
	if (fdt_pa > ARCH_DMAP_SIZE - SIZE_1G)
		riscv_boot_fail("riscv64: the device tree (a1) is beyond the direct map\n");
	map_gigapages(ARCH_DMAP_BASE, fdt_pa, SIZE_1G);
	riscv_kernel_offset = va - pa;
	riscv_kernel_satp = SATP_MODE_SV39 << SATP_MODE_SHIFT | (uintptr_t)boot_root >> 12;
	return (struct early_map){riscv_kernel_satp, va - pa};
}

void arch_memmap_ready(void)
{
	const struct hal_mem_region *r;
	size_t n = hal_mem_regions(&r);

	/* The board's memory map keeps RAM and devices inside their windows (hal/memmap.h). */
	for (size_t i = 0; i < n; i++)
		if (r[i].type == HAL_MEM_RAM || r[i].type == HAL_MEM_MMIO)
			map_gigapages(r[i].type == HAL_MEM_RAM ? ARCH_DMAP_BASE : ARCH_IO_BASE,
			              r[i].base, r[i].size);
	/* Invalid entries may have been cached: the new ones must be seen. */
	__asm__ __volatile__("sfence.vma" ::: "memory");
}
