/*
 * The MMU of the calling CPU (hal/mmu.h): TLB maintenance, the two
 * translation roots, and the stack bound the trap entry checks. The kernel's
 * tables themselves are built elsewhere: the boot tables by early.c, the
 * W^X one with paging by arch/common/kmap.c, which asks here for the format
 * and hands back the root.
 *
 * TTBR1_EL1 holds the kernel's table for good; TTBR0_EL1 the user half's,
 * tagged with the address-space id, or an empty table when there is none.
 * Kernel entries are global and user entries not (paging's nG), so a
 * switch drops only the user half's cached entries.
 *
 * The barriers: a dsb makes table writes visible to the walker before a
 * TLB invalidation or a root change; a dsb after the invalidation waits for
 * it; an isb makes the next instructions translate the new way. Every
 * operation is for this CPU only (the non-shareable forms) but
 * hal_mmu_flush_range_cpus(), which with SMP uses the inner-shareable
 * forms (tlbi ...is, dsb ish): they reach every CPU without an IPI.
 */
#include <hal/cpu.h>
#include <hal/memmap.h>
#include <hal/mmu.h>
#include <hal/smp.h>
#include "../common/asid.h"
#include "aarch64.h"
#ifdef CONFIG_PAGING
#include <paging/paging.h>
#include "../common/kmap.h"
#endif

#define TLBI_VA(va) (((uint64_t)(va) >> 12) & ((1ull << 44) - 1)) /* VA[55:12] */

/* TTBR0 with no user half: an empty root, every address a translation fault. */
static uint64_t empty_table[512] __attribute__((aligned(4096)));

static void tlb_flush_all(void)
{
	__asm__ __volatile__("dsb ishst\n\ttlbi vmalle1\n\tdsb nsh\n\tisb" ::: "memory");
}

void hal_mmu_flush_all(void)
{
	tlb_flush_all();
}

/* The operand of tlbi aside1 and of the by-address forms: ASID in bits 63:48. */
static uint64_t tlbi_asid(unsigned asid)
{
	return (uint64_t)(asid & 0xffff) << TTBR_ASID_SHIFT;
}

/*
 * aside1 drops the space's non-global entries and leaves the kernel's
 * (global) ones; HAL_TLB_ANY_ASID is every entry, as vmalle1.
 */
void hal_tlb_flush_asid(unsigned asid)
{
	if (asid == HAL_TLB_ANY_ASID) {
		tlb_flush_all();
		return;
	}
	__asm__ __volatile__("dsb ishst\n\ttlbi aside1, %0\n\tdsb nsh\n\tisb" ::"r"(tlbi_asid(asid))
	                     : "memory");
}

/*
 * The "last level" forms (vale1: that ASID and global entries; vaale1: every
 * ASID) drop only the leaf entries for an address and keep the walk caches,
 * which is all hal/mmu.h promises for a range: a freed table gets
 * hal_tlb_flush_asid().
 */
void hal_tlb_flush_range(unsigned asid, uintptr_t va, size_t len)
{
	uintptr_t p = va & ~(uintptr_t)4095, end = va + len;

	if (len / 4096 > CONFIG_AARCH64_TLB_FLUSH_PAGES) {
		hal_tlb_flush_asid(asid);
		return;
	}
	__asm__ __volatile__("dsb ishst" ::: "memory");
	for (; p < end; p += 4096) {
		if (asid == HAL_TLB_ANY_ASID)
			__asm__ __volatile__("tlbi vaale1, %0" ::"r"(TLBI_VA(p)) : "memory");
		else
			__asm__ __volatile__("tlbi vale1, %0" ::"r"(tlbi_asid(asid) | TLBI_VA(p))
			                     : "memory");
	}
	__asm__ __volatile__("dsb nsh\n\tisb" ::: "memory");
}

#ifdef CONFIG_SMP
/*
 * The same flushes broadcast to every CPU of the inner-shareable domain
 * (the ...is forms): the hardware delivers them, and the dsb ish after
 * them waits until every CPU has dropped the entries and finished the
 * accesses that used them (Arm ARM, D8.13 "TLB maintenance"). No IPI, no
 * waiting for the targets to take an interrupt: a CPU spinning with
 * interrupts off is flushed all the same. The cost is that every CPU
 * drops the entries, not only those in the set; a CPU that never ran the
 * space has none to drop.
 */
static void tlb_flush_range_is(unsigned asid, uintptr_t va, size_t len)
{
	uintptr_t p = va & ~(uintptr_t)4095, end = va + len;

	__asm__ __volatile__("dsb ishst" ::: "memory");
	if (len / 4096 > CONFIG_AARCH64_TLB_FLUSH_PAGES) {
		if (asid == HAL_TLB_ANY_ASID)
			__asm__ __volatile__("tlbi vmalle1is" ::: "memory");
		else
			__asm__ __volatile__("tlbi aside1is, %0" ::"r"(tlbi_asid(asid)) : "memory");
	} else {
		for (; p < end; p += 4096) {
			if (asid == HAL_TLB_ANY_ASID)
				__asm__ __volatile__("tlbi vaale1is, %0" ::"r"(TLBI_VA(p))
				                     : "memory");
			else
				__asm__ __volatile__(
				    "tlbi vale1is, %0" ::"r"(tlbi_asid(asid) | TLBI_VA(p))
				    : "memory");
		}
	}
	__asm__ __volatile__("dsb ish\n\tisb" ::: "memory");
}
#endif

/*
 * Another CPU in the set: the broadcast form, which reaches the caller too.
 * The caller alone: the local form, cheaper (it waits for no other CPU's
 * TLB). Without CONFIG_SMP there is no other CPU.
 */
void hal_mmu_flush_range_cpus(hal_cpumask_t cpus, unsigned asid, uintptr_t va, size_t len)
{
#ifdef CONFIG_SMP
	unsigned long flags = hal_irq_save(); /* this CPU stays this CPU */
	hal_cpumask_t self = HAL_CPU_BIT(hal_cpu_id());

	if (cpus & hal_cpu_online_mask() & ~self)
		tlb_flush_range_is(asid, va, len);
	else if (cpus & self)
		hal_tlb_flush_range(asid, va, len);
	hal_irq_restore(flags);
#else
	if (cpus & 1)
		hal_tlb_flush_range(asid, va, len);
#endif
}

/*
 * ASIDs: ID_AA64MMFR0_EL1.ASIDBits says 8 or 16 (start.S sets TCR_EL1.AS
 * for 16, so TTBR0's and the tlbi operands' whole field counts); at most
 * CONFIG_AARCH64_ASID_BITS of them are used. The generations are
 * arch/common/asid.c's; TCR_EL1.A1 is 0, so TTBR0 carries the id and one
 * write changes table and id together.
 */
void aarch64_asid_init(void)
{
	asid_setup((sysreg_read(id_aa64mmfr0_el1) >> 4 & 0xf) == 2 ? 16 : 8,
	           CONFIG_AARCH64_ASID_BITS);
}

/* A CPU entering a new generation drops every user id's entries (this CPU's TLB only). */
void arch_asid_flush_local(void)
{
	hal_mmu_flush_all();
}

/* A fresh id: nothing may be cached under it; the flush's barriers order the table's writes. */
void arch_asid_fresh(unsigned id)
{
	hal_tlb_flush_asid(id);
}

unsigned hal_asid_get(struct hal_asid *a)
{
	return asid_get(a);
}

void hal_asid_put(struct hal_asid *a)
{
	asid_put(a);
}

void hal_asid_flush(struct hal_asid *a, uintptr_t va, size_t len)
{
	asid_flush(a, va, len);
}

void hal_mmu_switch(uint64_t user_root_pa, unsigned asid)
{
	uint64_t root = user_root_pa ? user_root_pa : hal_virt_to_phys(empty_table);

	/* The table's writes reach the walker before it can walk it. */
	__asm__ __volatile__("dsb ishst" ::: "memory");
	sysreg_write(ttbr0_el1, root | tlbi_asid(asid));
	isb();
	/* Without ids every space is ASID 0: the last space's entries must go. */
	if (!asid_enabled())
		__asm__ __volatile__("tlbi aside1, %0\n\tdsb nsh\n\tisb" ::"r"(tlbi_asid(asid))
		                     : "memory");
}

void hal_stack_set_bottom(uintptr_t bottom)
{
	aarch64_cpu_self()->stack_bottom = bottom;
}

#ifdef CONFIG_PAGING
const struct pt_format *arch_kernel_format(void)
{
	return &pt_format_aarch64_4k_upper;
}

/*
 * The new table maps what the boot table maps, with other block sizes: the
 * switch goes through an empty TTBR1 and a TLB flush, run from the
 * identity map (start.S: aarch64_replace_ttbr1).
 */
void arch_mmu_set_kernel(paddr_t root)
{
	/* Its physical address: the image's linked address less the offset. */
	void (*replace)(uint64_t, uint64_t) = (void (*)(uint64_t, uint64_t))(
	    (uintptr_t)aarch64_replace_ttbr1 - aarch64_kernel_offset);
	unsigned long flags = hal_irq_save();
	uint64_t user = sysreg_read(ttbr0_el1);

	__asm__ __volatile__("dsb ishst" ::: "memory");
	sysreg_write(ttbr0_el1, aarch64_boot_ttbr0);
	isb();
	replace(root, hal_virt_to_phys(empty_table));
	aarch64_kernel_ttbr1 = root;
	sysreg_write(ttbr0_el1, user);
	isb();
	tlb_flush_all(); /* the identity map's entries */
	hal_irq_restore(flags);
}
#endif
