/*
 * The MMU of the calling hart (hal/mmu.h): TLB maintenance, satp, and the
 * stack bound the trap entry checks. The kernel's tables themselves are
 * built elsewhere: the boot table by early.c, the W^X one with paging by
 * arch/common/kmap.c, which asks here for the format and hands back the root.
 *
 * satp holds one root for both halves: a user table carries copies of the
 * kernel's root entries (paging keeps them in step), and with no user space
 * the kernel's own table is installed.
 */
#include <hal/cpu.h>
#include <hal/mmu.h>
#include "../common/asid.h"
#include "riscv.h"
#ifdef CONFIG_PAGING
#include <paging/paging.h>
#include "../common/kmap.h"
#endif

#ifdef CONFIG_RISCV_SV48
#define SATP_MODE SATP_MODE_SV48
#else
#define SATP_MODE SATP_MODE_SV39
#endif

static inline void sfence_vma_all(void)
{
	__asm__ __volatile__("sfence.vma" ::: "memory");
}

void hal_mmu_flush_all(void)
{
	sfence_vma_all();
}

/*
 * sfence.vma rs1, rs2 (privileged spec 1.12, 4.2.1): rs1 = x0 covers every
 * address, table entries included; an address covers only the leaf entries
 * for it. rs2 = x0 covers every address space and global mappings; an ASID
 * covers that space's non-global entries alone. x0 in rs2 is the register,
 * not a zero ASID, hence the two forms below.
 */
void hal_tlb_flush_asid(unsigned asid)
{
	if (asid == HAL_TLB_ANY_ASID)
		sfence_vma_all();
	else
		__asm__ __volatile__("sfence.vma zero, %0" ::"r"((unsigned long)asid) : "memory");
}

void hal_tlb_flush_range(unsigned asid, uintptr_t va, size_t len)
{
	uintptr_t p = va & ~(uintptr_t)4095, end = va + len;

	if (len / 4096 > CONFIG_RISCV_TLB_FLUSH_PAGES) {
		hal_tlb_flush_asid(asid);
		return;
	}
	for (; p < end; p += 4096) {
		if (asid == HAL_TLB_ANY_ASID)
			__asm__ __volatile__("sfence.vma %0, zero" ::"r"(p) : "memory");
		else
			__asm__ __volatile__("sfence.vma %0, %1" ::"r"(p), "r"((unsigned long)asid)
			                     : "memory");
	}
}

/*
 * ASIDs: satp keeps asid_bits of them (0 to 16, probed at boot); 0 is the
 * kernel table's, user spaces get 1 and up, from arch/common/asid.c's
 * allocator (generations, ids kept through a rollover by the harts running
 * them). A hart entering a new generation flushes its whole TLB; a fresh
 * id's sfence.vma orders the table's writes before the walks.
 */
void arch_asid_flush_local(void)
{
	sfence_vma_all();
}

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

void hal_mmu_flush_range_cpus(hal_cpumask_t cpus, unsigned asid, uintptr_t va, size_t len)
{
	unsigned long flags = hal_irq_save(); /* this CPU stays this CPU */
	hal_cpumask_t self = HAL_CPU_BIT(hal_cpu_id());

#ifdef CONFIG_SMP
	riscv_flush_remote(cpus & hal_cpu_online_mask() & ~self, asid, va, len);
#endif
	if (cpus & self)
		hal_tlb_flush_range(asid, va, len);
	hal_irq_restore(flags);
}

static void satp_write(unsigned long satp)
{
	/* Order earlier table writes before the walker can use the new root. */
	sfence_vma_all();
	csr_write(satp, satp);
	/* Without ASIDs the old space's entries look like the new one's. */
	sfence_vma_all();
}

void hal_mmu_switch(uint64_t user_root_pa, unsigned asid)
{
	unsigned long satp = riscv_kernel_satp;

	if (user_root_pa)
		satp = SATP_MODE << SATP_MODE_SHIFT |
		       ((unsigned long)asid & SATP_ASID_MASK) << SATP_ASID_SHIFT |
		       user_root_pa >> 12;
	if (asid_enabled())
		csr_write(satp, satp); /* every space keeps its own entries: nothing to flush */
	else
		satp_write(satp);
}

void hal_stack_set_bottom(uintptr_t bottom)
{
	riscv_hart_self()->stack_bottom = bottom;
}

#ifdef CONFIG_PAGING
const struct pt_format *arch_kernel_format(void)
{
#ifdef CONFIG_RISCV_SV48
	return &pt_format_sv48;
#else
	return &pt_format_sv39;
#endif
}

void arch_mmu_set_kernel(paddr_t root)
{
	riscv_kernel_satp = SATP_MODE << SATP_MODE_SHIFT | root >> 12;
	satp_write(riscv_kernel_satp);
	/* satp.ASID is WARL: the bits that stick are the ones the hart has. */
	csr_write(satp, riscv_kernel_satp | SATP_ASID_MASK << SATP_ASID_SHIFT);
	asid_setup(
	    (unsigned)__builtin_popcountl(csr_read(satp) >> SATP_ASID_SHIFT & SATP_ASID_MASK),
	    CONFIG_RISCV_ASID_BITS);
	csr_write(satp, riscv_kernel_satp);
	sfence_vma_all();
}
#endif
