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
 * operation is for this CPU only (the non-shareable forms): with SMP, the
 * inner-shareable forms (tlbi ...is, dsb ish) reach every CPU without an
 * IPI.
 */
#include <hal/cpu.h>
#include <hal/memmap.h>
#include <hal/mmu.h>
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

void hal_mmu_flush_range(uintptr_t va, size_t len)
{
	uintptr_t p = va & ~(uintptr_t)4095, end = va + len;

	if (len / 4096 > CONFIG_AARCH64_TLB_FLUSH_PAGES) {
		tlb_flush_all();
		return;
	}
	__asm__ __volatile__("dsb ishst" ::: "memory");
	/* vaae1: every address-space id, and every level of the walk for that address. */
	for (; p < end; p += 4096)
		__asm__ __volatile__("tlbi vaae1, %0" ::"r"(TLBI_VA(p)) : "memory");
	__asm__ __volatile__("dsb nsh\n\tisb" ::: "memory");
}

void hal_mmu_switch(uint64_t user_root_pa, unsigned asid)
{
	uint64_t root = user_root_pa ? user_root_pa : hal_virt_to_phys(empty_table);

	__asm__ __volatile__("dsb ishst" ::: "memory");
	sysreg_write(ttbr0_el1, root | (uint64_t)(asid & 0xffff) << TTBR_ASID_SHIFT);
	isb();
	/* Ids are not allocated yet (every space is 0): the last space's entries must go. */
	__asm__ __volatile__(
	    "tlbi aside1, %0\n\tdsb nsh\n\tisb" ::"r"((uint64_t)(asid & 0xffff) << TTBR_ASID_SHIFT)
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
	sysreg_write(ttbr0_el1, user);
	isb();
	tlb_flush_all(); /* the identity map's entries */
	hal_irq_restore(flags);
}
#endif
