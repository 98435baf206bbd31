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
 * the user half's cached entries.
 *
 * PCIDs (Intel SDM vol. 3, 4.10.1), where CPUID has them: CR4.PCIDE on,
 * CR3's low 12 bits are the space's id from arch/common/asid.c (0: the
 * kernel's table), and a CR3 write with bit 63 set switches without a
 * flush, so switching spaces flushes nothing. invlpg drops entries of the
 * current PCID (and global ones) only: a range of another space is dropped
 * by INVPCID's individual-address form where the CPU has INVPCID, else the
 * whole id is marked stale on this CPU (pcid_stale) and the next switch to
 * it writes CR3 without bit 63, which flushes that id: Linux's fallback
 * too. Without PCIDs every space is id 0 and a switch flushes the user
 * half.
 */
#include <klib/compiler.h>
#include <klib/log.h>
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

/* clang-format off */
#define CR4_PGE          (1ul << 7)
#define CR4_LA57         (1ul << 12)
#define CR4_PCIDE        (1ul << 17)
#define CR3_NOFLUSH      (1ull << 63)
#define CR3_PCID         0xfffull
#define PCIDS            4096
#define INVPCID_ADDR     0 /* one address of one PCID */
#define INVPCID_CONTEXT  1 /* every non-global entry of one PCID */
#define CPUID1_ECX_PCID  (1u << 17)
#define CPUID7_EBX_INVPCID (1u << 10)
/* clang-format on */

static uint64_t kernel_root; /* CR3 with no user half; 0: the boot table */
static bool pcid, invpcid;
/* Per CPU, the PCIDs to flush at the next switch to them (no INVPCID); each CPU its own. */
static uint64_t pcid_stale[HAL_NR_CPUS][PCIDS / 64];

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

static void invpcid_op(unsigned type, unsigned id, uintptr_t va)
{
	struct {
		uint64_t pcid, addr;
	} d = {id, va};

	__asm__ __volatile__("invpcid %0, %1" ::"m"(d), "r"((uint64_t)type) : "memory");
}

/* Toggling CR4.PGE drops every entry, global ones and every PCID's included (SDM vol. 3, 4.10.4.1).
 */
void hal_mmu_flush_all(void)
{
	unsigned long flags = hal_irq_save();
	uint64_t cr4 = read_cr4();

	write_cr4(cr4 & ~CR4_PGE);
	write_cr4(cr4);
	hal_irq_restore(flags);
}

static unsigned current_pcid(void)
{
	return pcid ? (unsigned)(read_cr3() & CR3_PCID) : 0;
}

/* Another PCID than the current one: INVPCID, or a flush at the next switch to it. */
static void flush_other(unsigned id, uintptr_t va, size_t len)
{
	uintptr_t p = va & ~(uintptr_t)4095, end = va + len;

	if (!invpcid) {
		pcid_stale[hal_cpu_id()][id / 64] |= 1ull << (id % 64);
		return;
	}
	if (len / 4096 > CONFIG_X86_64_TLB_FLUSH_PAGES) {
		invpcid_op(INVPCID_CONTEXT, id, 0);
		return;
	}
	for (; p < end; p += 4096)
		invpcid_op(INVPCID_ADDR, id, p);
}

/* A CR3 write without bit 63 drops the current PCID's non-global entries and the paging-structure
 * caches. */
void hal_tlb_flush_asid(unsigned asid)
{
	unsigned long flags;

	if (asid == HAL_TLB_ANY_ASID) {
		hal_mmu_flush_all();
		return;
	}
	flags = hal_irq_save();
	if (asid == current_pcid())
		write_cr3(read_cr3());
	else
		flush_other(asid, 0, ~(size_t)0);
	hal_irq_restore(flags);
}

/* invlpg drops the page's entries of the current PCID, global ones too, and the paging-structure
 * caches. */
void hal_tlb_flush_range(unsigned asid, uintptr_t va, size_t len)
{
	uintptr_t p = va & ~(uintptr_t)4095, end = va + len;
	unsigned long flags;

	if (len / 4096 > CONFIG_X86_64_TLB_FLUSH_PAGES || (asid == HAL_TLB_ANY_ASID && pcid)) {
		/* Every space's range: with PCIDs, one invlpg per id would be needed. */
		hal_tlb_flush_asid(asid);
		return;
	}
	flags = hal_irq_save();
	if (asid != HAL_TLB_ANY_ASID && asid != current_pcid())
		flush_other(asid, va, len);
	else
		for (; p < end; p += 4096)
			__asm__ __volatile__("invlpg (%0)" ::"r"(p) : "memory");
	hal_irq_restore(flags);
}

/* A new generation: every PCID's entries go (the global ones with them, which is harmless). */
void arch_asid_flush_local(void)
{
	hal_mmu_flush_all();
	for (unsigned i = 0; i < PCIDS / 64; i++)
		pcid_stale[hal_cpu_id()][i] = 0;
}

/* x86 orders table writes before the walker's reads by itself; nothing is cached under a fresh id.
 */
void arch_asid_fresh(unsigned id)
{
	(void)id;
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
	x86_64_flush_remote(cpus & hal_cpu_online_mask() & ~self, asid, va, len);
#endif
	if (cpus & self)
		hal_tlb_flush_range(asid, va, len);
	hal_irq_restore(flags);
}

/* Whether a switch to id must flush it (a range of it was dropped while it was not current). */
static bool pcid_take_stale(unsigned id)
{
	uint64_t *w = &pcid_stale[hal_cpu_id()][id / 64], bit = 1ull << (id % 64);

	if (!(*w & bit))
		return false;
	*w &= ~bit;
	return true;
}

/* x86 orders table writes before the walker's reads by itself: a CR3 write is enough. */
void hal_mmu_switch(uint64_t user_root_pa, unsigned asid)
{
	unsigned long flags;

	if (!pcid || !asid_enabled()) {
		if (user_root_pa)
			write_cr3(user_root_pa);
		else if (kernel_root)
			write_cr3(kernel_root);
		return;
	}
	flags = hal_irq_save();
	if (!user_root_pa)
		write_cr3(kernel_root | CR3_NOFLUSH); /* PCID 0: nothing of a user's */
	else
		write_cr3(user_root_pa | asid | (pcid_take_stale(asid) ? 0 : CR3_NOFLUSH));
	hal_irq_restore(flags);
}

/*
 * PCIDs on the calling CPU, where the boot CPU found them; CR3's id must be
 * 0 then (SDM 4.10.1). Unused in a build with neither SMP nor paging.
 */
KIT_UNUSED static void pcid_cpu_init(void)
{
	if (pcid)
		write_cr4(read_cr4() | CR4_PCIDE);
}

#ifdef CONFIG_SMP
uint64_t x86_64_mmu_kernel_cr3(void)
{
	return kernel_root ? kernel_root : hal_virt_to_phys(X86_64_BOOT_ROOT);
}

/* An application processor, on the kernel's table since trampoline.S (the boot one without
 * paging), drops what it cached of the trampoline's. */
void x86_64_mmu_cpu_init(void)
{
	hal_mmu_flush_all();
	pcid_cpu_init();
}
#endif

void hal_stack_set_bottom(uintptr_t bottom)
{
	x86_64_cpu_self()->stack_bottom = bottom;
}

#ifdef CONFIG_PAGING
/* 1 GiB pages in the direct map where the CPU has them; 5 levels with X86_64_LA57 (start.S turned
 * CR4.LA57 on). */
const struct pt_format *arch_kernel_format(void)
{
	bool gib = cpuid(0x80000000, 0).eax >= 0x80000001 &&
	           (cpuid(0x80000001, 0).edx & CPUID81_EDX_PDPE1GB);

#ifdef CONFIG_X86_64_LA57
	return gib ? &pt_format_x86_64_la57 : &pt_format_x86_64_la57_2m;
#else
	return gib ? &pt_format_x86_64 : &pt_format_x86_64_2m;
#endif
}

void arch_mmu_set_kernel(paddr_t root)
{
#ifdef CONFIG_X86_64_LA57
	/* From CR4 itself: start.S set it, and the boot tests look for this line. */
	if (read_cr4() & CR4_LA57)
		klog_info("mmu", "5-level paging (LA57): 57-bit virtual addresses, %s tables",
		          pt_format_name(arch_kernel_format()));
#endif
	kernel_root = root;
	write_cr3(root);
	hal_mmu_flush_all();
	pcid = CONFIG_X86_64_PCID_BITS && (cpuid(1, 0).ecx & CPUID1_ECX_PCID);
	invpcid = pcid && cpuid(0, 0).eax >= 7 && (cpuid(7, 0).ebx & CPUID7_EBX_INVPCID);
	asid_setup(pcid ? 12 : 0, CONFIG_X86_64_PCID_BITS);
	pcid = pcid && asid_enabled();
	pcid_cpu_init();
}
#endif
