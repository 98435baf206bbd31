/*
 * The MMU of the calling CPU (hal/mmu.h): TLB maintenance, the root in
 * CR3, and the stack bound the trap entry checks. The boot tables are
 * start.S's and early.c's; the kernel's W^X table, with paging, is built
 * by arch/common/kmap.c in paging's x86-64 format, which hands back the
 * root here.
 *
 * One root for both halves, as on riscv64: a user table carries copies of
 * the kernel's root entries (paging keeps them in step), and the kernel's
 * entries are global (CR4.PGE, set by start.S), so a CR3 write drops only
 * the user half's cached entries. No PCIDs yet: every space is id 0 and a
 * switch flushes the user half.
 */
#include <hal/cpu.h>
#include <hal/memmap.h>
#include <hal/mmu.h>
#include <hal/smp.h>
#include "../common/asid.h"
#include "x86_64.h"
#ifdef CONFIG_PAGING
#include <paging/paging.h>
#include "../common/kmap.h"
#endif

#define CR4_PGE (1ul << 7)

static uint64_t kernel_root; /* CR3 with no user half; 0: the boot table */

static uint64_t read_cr4(void)
{
	uint64_t v;

	__asm__ __volatile__("mov %%cr4, %0" : "=r"(v));
	return v;
}

static void write_cr4(uint64_t v)
{
	__asm__ __volatile__("mov %0, %%cr4" ::"r"(v) : "memory");
}

/* Toggling CR4.PGE drops every entry, global ones included (SDM vol. 3, 4.10.4.1). */
void hal_mmu_flush_all(void)
{
	unsigned long flags = hal_irq_save();
	uint64_t cr4 = read_cr4();

	write_cr4(cr4 & ~CR4_PGE);
	write_cr4(cr4);
	hal_irq_restore(flags);
}

/* A CR3 write drops the non-global entries and every paging-structure cache. */
void hal_tlb_flush_asid(unsigned asid)
{
	if (asid == HAL_TLB_ANY_ASID)
		hal_mmu_flush_all();
	else
		write_cr3(read_cr3());
}

/* invlpg drops the page's entries, global ones too, and the paging-structure caches. */
void hal_tlb_flush_range(unsigned asid, uintptr_t va, size_t len)
{
	uintptr_t p = va & ~(uintptr_t)4095, end = va + len;

	if (len / 4096 > CONFIG_X86_64_TLB_FLUSH_PAGES) {
		hal_tlb_flush_asid(asid);
		return;
	}
	for (; p < end; p += 4096)
		__asm__ __volatile__("invlpg (%0)" ::"r"(p) : "memory");
}

unsigned hal_asid_get(struct hal_asid *a)
{
	asid_cpus_join(a, hal_cpu_id());
	return 0;
}

/* Every space is 0 and the switch flushes: a CPU switching away caches nothing of it. */
void hal_asid_put(struct hal_asid *a)
{
	asid_cpus_leave(a, hal_cpu_id());
}

void hal_asid_flush(struct hal_asid *a, uintptr_t va, size_t len)
{
	asid_cpus_flush(a, 0, va, len);
}

void hal_mmu_flush_range_cpus(hal_cpumask_t cpus, unsigned asid, uintptr_t va, size_t len)
{
	unsigned long flags = hal_irq_save(); /* this CPU stays this CPU */
	hal_cpumask_t self = HAL_CPU_BIT(hal_cpu_id());

#ifdef CONFIG_SMP
	x86_64_flush_remote(cpus & hal_cpu_online_mask() & ~self, asid, va, len);
#endif
	if (cpus & self)
		hal_tlb_flush_range(asid, va, len);
	hal_irq_restore(flags);
}

/* x86 orders table writes before the walker's reads by itself: a CR3 write is enough. */
void hal_mmu_switch(uint64_t user_root_pa, unsigned asid)
{
	(void)asid;
	if (user_root_pa)
		write_cr3(user_root_pa);
	else if (kernel_root)
		write_cr3(kernel_root);
}

#ifdef CONFIG_SMP
/* An application processor leaves the trampoline's table for the kernel's (the boot one without
 * paging), dropping what it cached of the first. */
void x86_64_mmu_cpu_init(void)
{
	write_cr3(kernel_root ? kernel_root : hal_virt_to_phys(x86_64_boot_pml4));
	hal_mmu_flush_all();
}
#endif

void hal_stack_set_bottom(uintptr_t bottom)
{
	x86_64_cpu_self()->stack_bottom = bottom;
}

#ifdef CONFIG_PAGING
/* 1 GiB pages in the direct map where the CPU has them. */
const struct pt_format *arch_kernel_format(void)
{
	bool gib = cpuid(0x80000000, 0).eax >= 0x80000001 &&
	           (cpuid(0x80000001, 0).edx & CPUID81_EDX_PDPE1GB);

	return gib ? &pt_format_x86_64 : &pt_format_x86_64_2m;
}

void arch_mmu_set_kernel(paddr_t root)
{
	kernel_root = root;
	write_cr3(root);
	hal_mmu_flush_all();
}
#endif
