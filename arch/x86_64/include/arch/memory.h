/*
 * x86-64's kernel address space (hal/memmap.h's translations, inline).
 *
 * 48-bit virtual addresses (4-level paging): the user half is 0 to 2^47,
 * the kernel half from 0xffff800000000000 (canonical addresses), each
 * window one entry of the PML4 (512 GiB). With 5-level paging
 * (X86_64_LA57) the same addresses are all under the PML5's last entry,
 * which holds the same PML4, and user space reaches 2^56 - 4096
 * (ARCH_USER_TOP; ARCH_USER_WINDOW keeps what a program gets without
 * asking below 2^47 - 4096, as Linux's DEFAULT_MAP_WINDOW):
 *
 *   0xffff800000000000  direct map of physical memory, va = pa + ARCH_DMAP_BASE (512 GiB)
 *   0xffff808000000000  device registers, va = pa + ARCH_IO_BASE (512 GiB), uncached
 *   0xffff810000000000  task stacks with guard pages (arch/common/kstack.c)
 *   0xffffffff80000000  the image (linker.ld): text, rodata, data, bss, boot stack
 *
 * The image is linked at 0xffffffff80100000 and loaded at physical 1 MiB
 * (the Multiboot header says so, start.S), so its offset is a constant:
 * the kernel code model (-mcmodel=kernel) wants the top 2 GiB.
 */
#ifndef ARCH_MEMORY_H
#define ARCH_MEMORY_H

/* clang-format off */
#define ARCH_DMAP_BASE   0xffff800000000000ul
#define ARCH_DMAP_SIZE   (512ul << 30)
#define ARCH_IO_BASE     0xffff808000000000ul
#define ARCH_IO_SIZE     (512ul << 30)
#define ARCH_KSTACK_BASE 0xffff810000000000ul
#define ARCH_KSTACK_SIZE (64ul << 30)
#define ARCH_KERNEL_BASE 0xffffffff80000000ul /* virtual address of physical 0 in the image's map */
#define ARCH_LOAD_ADDR   0x100000ul           /* where the Multiboot loader puts the image */
/* clang-format on */

#ifndef __ASSEMBLER__
#include <stdint.h>

/* RAM at or above this physical address is beyond the direct map, devices beyond the I/O window. */
#define HAL_PHYS_LIMIT ARCH_DMAP_SIZE
#define HAL_IO_LIMIT   ARCH_IO_SIZE

static inline void *hal_phys_to_virt(uint64_t pa)
{
	return (void *)(uintptr_t)(pa + ARCH_DMAP_BASE);
}

/* Both the direct map and the image have a physical address. */
static inline uint64_t hal_virt_to_phys(const void *va)
{
	uintptr_t v = (uintptr_t)va;

	return v >= ARCH_KERNEL_BASE ? v - ARCH_KERNEL_BASE : v - ARCH_DMAP_BASE;
}

/* Device registers at pa (a HAL_MEM_MMIO region, below ARCH_IO_SIZE). */
static inline void *hal_io_addr(uint64_t pa)
{
	return (void *)(uintptr_t)(pa + ARCH_IO_BASE);
}
#endif

#endif
