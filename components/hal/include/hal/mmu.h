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
 * run out, when a new generation starts: every CPU flushes its whole TLB
 * before it next switches, every space takes a new id at its next switch,
 * except those running on some CPU at the rollover, which keep theirs (the
 * CPU runs on without a switch). A switch then flushes nothing. 0 is the
 * kernel table's. Without ids (riscv64 harts whose satp keeps no ASID bits,
 * x86-64, the host) every space is 0 and the switch flushes. riscv64 and
 * aarch64 share the allocator (arch/common/asid.c).
 *
 * The hal also keeps, per space, the CPUs whose TLB may hold its
 * translations (struct hal_asid's cpus): a CPU joins at hal_asid_get(); it
 * leaves at hal_asid_put() where the switch flushes (no ids), and, with ids,
 * when the space takes a fresh id (the old one's entries are then flushed
 * on every CPU before it switches to anything of the new generation). A
 * change to the space's table is flushed on those CPUs alone, for the
 * range alone (hal_asid_flush).
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
	uint64_t v;         /* generation and id; 0: none yet */
	hal_cpumask_t cpus; /* CPUs whose TLB may hold the space's translations (atomic) */
};

/*
 * The id to switch to the space with (hal_mmu_switch), on the calling CPU,
 * which joins the space's CPUs: its own if it still holds one of this
 * generation, or held one that a CPU ran at the rollover; else a fresh one
 * (whose stale entries, if any, it drops), starting a new generation when
 * they run out. This CPU's whole TLB is flushed first if a rollover since
 * its last call asked for it. 0 where the hardware has no ids. Interrupts
 * off (the id belongs to this CPU until its next switch); never sleeps;
 * with ids (riscv64, aarch64) it may take the hal's raw ASID lock inside.
 */
unsigned hal_asid_get(struct hal_asid *a);

/*
 * The calling CPU switches away from the space (to another, or to the
 * kernel's table alone): without ids, the switch flushes its TLB, so it
 * leaves the space's CPUs; with ids, its entries stay and so does it.
 * Interrupts off, before the hal_mmu_switch() it announces; never sleeps.
 */
void hal_asid_put(struct hal_asid *a);

/*
 * Entries of [va, va + len) of the space changed: drop them on every CPU
 * that may cache them, under the space's id (hal_mmu_flush_range_cpus),
 * or nothing if none may (a space that never ran, or whose CPUs all
 * switched away without ids). len SIZE_MAX (va 0): every entry of the
 * space, table entries included, as after a table page was freed. The
 * caller has written the table before the call: a CPU that joins the
 * space concurrently walks the new entries (its switch fences). Task
 * context or interrupts off, not from an interrupt handler (as
 * hal_mmu_flush_range_cpus); never sleeps.
 */
void hal_asid_flush(struct hal_asid *a, uintptr_t va, size_t len);

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
 * runs sfence.vma on each target. aarch64: the inner-shareable tlbi forms
 * and dsb ish, which the hardware broadcasts to every CPU (no IPI; every
 * CPU drops the range, not only those of the set). Without CONFIG_SMP (and
 * on the host): the local flush, if CPU 0 is in the set.
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
