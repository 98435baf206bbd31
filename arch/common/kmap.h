/*
 * The kernel's own page table, built with paging by kmap.c for every
 * architecture with an MMU, and what kmap.c needs from the architecture.
 * Private to arch/.
 */
#ifndef ARCH_COMMON_KMAP_H
#define ARCH_COMMON_KMAP_H

#include <stdint.h>

#ifdef CONFIG_PAGING
#include <paging/paging.h>

/* Implemented by the architecture (arch/<arch>/mmu.c). */
const struct pt_format *arch_kernel_format(void); /* the kernel table's format (Kconfig) */
void arch_mmu_set_kernel(paddr_t root); /* translate the kernel half through root from now on */

/* What the kernel table has at addr, in words, for fault reports. */
const char *kmap_describe(uintptr_t addr);
#else
static inline const char *kmap_describe(uintptr_t addr)
{
	(void)addr;
	return "paging off";
}
#endif

/* Task stacks with guard pages from base on, in the kernel table (kstack.c). */
void kstack_init(uintptr_t base);

#endif
