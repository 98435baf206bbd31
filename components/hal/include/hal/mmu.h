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
 *   x86-64    CR3 holds one root for both, like riscv64 (no PCIDs yet: every
 *             space is id 0 and a CR3 write drops the non-global entries).
 * paging knows which (a format whose halves are split borrows nothing).
 *
 * Ids: the hal hands them out (hal_asid_get), where the hardware has them:
 * each user space gets one at its first switch and keeps it until the ids
 * run out, when a new generation starts with the whole TLB flushed and
 * every space takes a new id at its next switch. A switch then flushes
 * nothing. 0 is the kernel table's. Without ids (riscv64 harts whose satp
 * keeps no ASID bits, the host) every space is 0 and the switch flushes. With SMP a rollover must
 * also retire the ids other CPUs hold (not done yet: user spaces run on the boot CPU only).
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

/* The asid of hal_tlb_flush_*() for a change to the kernel's (global) translations: every space. */
#define HAL_TLB_ANY_ASID (~0u)

/* Drop every cached translation of the calling CPU. */
void hal_mmu_flush_all(void);

/*
 * A leaf entry of [va, va + len) in the table tagged 'asid' changed (or
 * HAL_TLB_ANY_ASID: in the kernel's table): drop the calling CPU's cached
 * translations of that range, page by page, or all of the space's at once
 * past the architecture's threshold (CONFIG_RISCV_TLB_FLUSH_PAGES). Only
 * leaf entries: after freeing a table, hal_tlb_flush_asid().
 */
void hal_tlb_flush_range(unsigned asid, uintptr_t va, size_t len);

/*
 * Drop every translation the calling CPU caches for the space tagged
 * 'asid', table (non-leaf) entries included, but not the kernel's global
 * ones; HAL_TLB_ANY_ASID: everything, as hal_mmu_flush_all().
 */
void hal_tlb_flush_asid(unsigned asid);

/* A space's id as the hal keeps it: zero-initialise it with the space. */
struct hal_asid {
	uint64_t v; /* generation and id; 0: none yet */
};

/* hal_asid_cached(): no translation of the space can be in the TLB. */
#define HAL_ASID_NONE (~0u - 1)

/*
 * The id to switch to the space with (hal_mmu_switch): its own if it still
 * holds one of this generation, else a fresh one (whose stale entries, if
 * any, it drops), starting a new generation and flushing the whole TLB when
 * they run out. 0 where the hardware has no ids.
 */
unsigned hal_asid_get(struct hal_asid *a);

/*
 * The id the space's translations may be cached under now, though it is
 * not the running space: HAL_ASID_NONE if it holds none of this
 * generation, or the hardware has no ids (a switch flushes everything).
 * A change to an inactive space's table flushes under this id.
 */
unsigned hal_asid_cached(const struct hal_asid *a);

/*
 * Drop the cached translations of [va, va + len) tagged 'asid' (or in every
 * address space: HAL_TLB_ANY_ASID; global kernel mappings are only dropped by
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
 * the table are visible to the walker afterwards (a flush under the asid
 * ordered them, or the id is fresh from hal_asid_get, which fences it).
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
