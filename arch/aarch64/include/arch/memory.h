/*
 * aarch64's kernel address space (hal/memmap.h's translations, inline).
 *
 * 48-bit virtual addresses and two tables: TTBR0_EL1 translates the lower
 * half (the user's, 0 to 2^48, Linux's TASK_SIZE with 48-bit VAs) and
 * TTBR1_EL1 the upper half, the kernel's:
 *
 *   0xffff000000000000  direct map of physical memory, va = pa + ARCH_DMAP_BASE (512 GiB)
 *   0xffff008000000000  device registers, va = pa + ARCH_IO_BASE (512 GiB)
 *   0xffff010000000000  task stacks with guard pages (arch/common/kstack.c)
 *   0xffffffff80000000  the image (linker.ld): text, rodata, data, bss, boot stack
 *
 * Each window is one entry of the upper table's root. QEMU's virt machine
 * has its RAM from 1 GiB up to 256 GiB and its devices below 1 GiB and
 * from 256 GiB: the windows hold both. The image is loaded anywhere
 * 2 MiB-aligned (the arm64 boot protocol's rule, and how the boot table
 * maps it, early.c) and reached at its linked address; its frames are not
 * in the direct map's W^X table (arch/common/kmap.c), so kernel text has no
 * writable alias.
 */
#ifndef ARCH_MEMORY_H
#define ARCH_MEMORY_H

/* clang-format off */
#define ARCH_DMAP_BASE   0xffff000000000000ul
#define ARCH_DMAP_SIZE   (512ul << 30)
#define ARCH_IO_BASE     0xffff008000000000ul
#define ARCH_IO_SIZE     (512ul << 30)
#define ARCH_KSTACK_BASE 0xffff010000000000ul
#define ARCH_KSTACK_SIZE (64ul << 30)
#define ARCH_KERNEL_BASE 0xffffffff80000000ul /* the image's 1 GiB; linker.ld links there */
/* clang-format on */

#ifndef __ASSEMBLER__
#include <stdint.h>

/* The image's linked address minus its load address (set once by early.c). */
extern uintptr_t aarch64_kernel_offset;

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

	return v >= ARCH_KERNEL_BASE ? v - aarch64_kernel_offset : v - ARCH_DMAP_BASE;
}

/* Device registers at pa (a HAL_MEM_MMIO region, below ARCH_IO_SIZE). */
static inline void *hal_io_addr(uint64_t pa)
{
	return (void *)(uintptr_t)(pa + ARCH_IO_BASE);
}
#endif

#endif
