/*
 * The MMU of the calling CPU: TLB maintenance, the translation roots, the
 * kernel's own page table, and the stack bound that trap entry checks.
 * Implemented by the architecture.
 *
 * Two halves. The kernel half (the upper half of the address space) is one
 * table, installed once per CPU by hal_mmu_init(). The user half is the
 * table of the address space the CPU runs, switched by hal_mmu_switch() and
 * tagged with an address-space id so that, where the hardware keeps
 * translations apart by id, a switch need not flush the TLB. How the halves
 * meet the hardware:
 *   riscv64   satp holds one root for both: a user table carries copies of
 *             the kernel's root entries (paging keeps them in step) and
 *             satp.ASID is the id; with no user space, the kernel's table.
 *   aarch64   TTBR1_EL1 holds the kernel table for good, TTBR0_EL1 the user
 *             table with the ASID in its top bits: nothing is copied.
 *   x86-64    CR3 holds one root for both, like riscv64, with the PCID.
 * paging knows which (a format whose halves are split borrows nothing).
 *
 * Ids: 0 is valid everywhere. No allocator hands out others yet, and the
 * riscv64 switch flushes the whole TLB, so reusing 0 for every space is
 * correct; an allocator makes the flush unnecessary (with SMP it must
 * also retire an id on every CPU that used it).
 *
 * On the host platform the process runs in Linux's page table: the flushes
 * and the switch do nothing and hal_mmu_init() says -ENOSYS.
 *
 * Every function here but hal_mmu_flush_range_cpus() is for the calling CPU
 * only, may be called with interrupts on or off, and never sleeps. A change
 * to a table another CPU may be using needs that CPU's TLB flushed too:
 * hal_mmu_flush_range_cpus().
 */
#ifndef HAL_MMU_H
#define HAL_MMU_H

#include <stddef.h>
#include <stdint.h>
#include <hal/smp.h>

/* hal_mmu_flush_range_cpus()'s asid for "every address space". */
#define HAL_ASID_ALL (~0u)

/* Drop every cached translation of the calling CPU. */
void hal_mmu_flush_all(void);

/* Drop the cached translations of [va, va + len), in every address space (all of them if that is
 * cheaper). */
void hal_mmu_flush_range(uintptr_t va, size_t len);

/*
 * Drop the cached translations of [va, va + len) tagged 'asid' (or in every
 * address space: HAL_ASID_ALL; global kernel mappings are only dropped by
 * that) on every CPU in cpus, the calling one included if it is in the set.
 * When it returns, none of them will use a translation of the range cached
 * before the call: the caller has changed the table, then flushes, then may
 * free what the old entries pointed at. Bits of CPUs that are not online
 * are ignored. Like the local flush it may drop more than asked (all of a
 * CPU's TLB for a long range).
 *
 * riscv64: SBI RFENCE remote_sfence_vma(_asid), which OpenSBI completes on
 * every target before it returns; without RFENCE, a cross-CPU call that
 * runs sfence.vma on each target. Without CONFIG_SMP (and on the host): the
 * local flush, if CPU 0 is in the set.
 *
 * Task context or interrupts off, not from an interrupt handler (it may
 * wait for other CPUs like hal_cpu_call, and then hal_cpu_call's rule on
 * locks held applies; SBI RFENCE reaches the harts in M-mode, whatever
 * their interrupt enable); never sleeps.
 */
void hal_mmu_flush_range_cpus(hal_cpumask_t cpus, unsigned asid, uintptr_t va, size_t len);

/*
 * Translate the user half through the table whose root is at user_root_pa
 * (a table of the kernel table's format), tagged 'asid'; 0 for
 * user_root_pa: no user half, the kernel's table alone. Earlier writes to
 * the table are visible to the walker afterwards.
 */
void hal_mmu_switch(uint64_t user_root_pa, unsigned asid);

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
