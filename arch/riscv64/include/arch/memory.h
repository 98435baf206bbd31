/*
 * riscv64's kernel address space (hal/memmap.h's translations, inline).
 *
 * The kernel lives in the upper half, so the whole lower half belongs to
 * user space (AS_USER_TOP, Linux's TASK_SIZE): 256 GiB under Sv39, 128 TiB
 * under Sv48. Everything below lies in the top 256 GiB, which is Sv39's
 * upper half and, under Sv48, the last root entry: one layout serves both.
 *
 *   0xffffffc000000000  direct map of physical memory, va = pa + ARCH_DMAP_BASE (128 GiB)
 *   0xffffffe000000000  device registers, va = pa + ARCH_IO_BASE (32 GiB)
 *   0xffffffe800000000  task stacks with guard pages (arch/common/kstack.c)
 *   0xffffffff80200000  the image (linker.ld): text, rodata, data, bss, boot stack
 *
 * The image is loaded anywhere 2 MiB-aligned (booti's rule, and how the boot
 * table maps it, early.c) and reached at its linked address; its frames
 * are not in the direct map's W^X table (arch/common/kmap.c), so kernel
 * text has no writable alias.
 */
#ifndef ARCH_MEMORY_H
#define ARCH_MEMORY_H

/* clang-format off */
#define ARCH_DMAP_BASE   0xffffffc000000000ul
#define ARCH_DMAP_SIZE   (128ul << 30)
#define ARCH_IO_BASE     0xffffffe000000000ul
#define ARCH_IO_SIZE     (32ul << 30)
#define ARCH_KSTACK_BASE 0xffffffe800000000ul
#define ARCH_KSTACK_SIZE (64ul << 30)
#define ARCH_KERNEL_BASE 0xffffffff80000000ul /* the image's 1 GiB; linker.ld links at +2 MiB */
/* clang-format on */

#ifndef __ASSEMBLER__
#include <stdint.h>

/* The image's linked address minus its load address (set once by early.c). */
extern uintptr_t riscv_kernel_offset;

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

	return v >= ARCH_KERNEL_BASE ? v - riscv_kernel_offset : v - ARCH_DMAP_BASE;
}

/* Device registers at pa (a HAL_MEM_MMIO region, below ARCH_IO_SIZE). */
static inline void *hal_io_addr(uint64_t pa)
{
	return (void *)(uintptr_t)(pa + ARCH_IO_BASE);
}
#endif

#endif
