/*
 * The MMU of the calling CPU: TLB maintenance, the translation root, the
 * kernel's own page table, and the stack bound that trap entry checks.
 *
 * paging calls the flush and switch functions after changing a table; the
 * platform builds the kernel table with paging (hal_mmu_init). On the host
 * platform the process runs in Linux's page table: the flushes and switch
 * do nothing and hal_mmu_init() says -ENOSYS.
 */
#ifndef HAL_MMU_H
#define HAL_MMU_H

#include <stddef.h>
#include <stdint.h>

/* Drop every cached translation of the calling CPU. */
void hal_mmu_flush_all(void);

/* Drop the cached translations of [va, va + len) (all of them if that is cheaper). */
void hal_mmu_flush_range(uintptr_t va, size_t len);

/*
 * Translate through the table whose root is at root_pa, in the
 * architecture's mode 'mode' (satp.MODE on riscv64: 8 Sv39, 9 Sv48), and
 * flush the TLB. Mode 0 turns translation off.
 */
void hal_mmu_switch(uint64_t root_pa, unsigned mode);

/*
 * Build the kernel's page table (W^X image, unmapped guard pages, RAM,
 * devices) and switch to it. Called once by kit_start() after
 * page_alloc_init(). Returns 0, -ENOSYS on a platform without one, or
 * another negative errno.
 */
int hal_mmu_init(void);

/*
 * The calling CPU now runs on a stack whose lowest usable address is
 * 'bottom', with an unmapped guard page below it. Trap entry compares the
 * stack pointer with it: a trap taken with too little stack left is a stack
 * overflow, reported from a small per-CPU emergency stack instead of
 * faulting again on the guard page. Whoever switches kernel stacks
 * (context switch) calls this; 0 turns the check off.
 */
void hal_stack_set_bottom(uintptr_t bottom);

#endif
