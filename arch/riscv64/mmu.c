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
#include <hal/spinlock.h>
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
 * kernel table's, user spaces get 1 and up. An id is handed out once per
 * generation, never freed: a destroyed space's stale entries carry an id
 * nobody switches to until the next generation, which every hart enters
 * with its whole TLB flushed (asid_flush_pending, acted on at its next
 * hal_asid_get, the only way to switch to a user id).
 *
 * With several harts a rollover must not take away the id of a space a
 * hart is running: that hart goes on with it, and no flush of the space
 * would reach it under a new id. So each hart publishes the id it runs
 * (asid_active); the rollover moves them to asid_reserved, and a space
 * whose old id (generation included) is reserved keeps it in the new
 * generation; fresh ids skip the reserved ones. (The scheme of Linux's
 * arm64 allocator, written from its description.) A hart whose
 * asid_active the rollover zeroed takes the locked path at its next switch,
 * so the lock-free path never hands out an id across a rollover.
 */
static unsigned asid_bits;
static uint64_t asid_gen = 1ull << 16; /* generation << 16; the first is 1 */
static unsigned asid_next = 1;
static hal_spinlock_t asid_lock = HAL_SPINLOCK_INIT;
static uint64_t asid_active[HAL_NR_CPUS];   /* the v each hart runs; 0 after a rollover */
static uint64_t asid_reserved[HAL_NR_CPUS]; /* the v each hart ran at the last rollover; locked */
static hal_cpumask_t asid_flush_pending;    /* harts to flush before their next switch; locked */

static inline unsigned asid_id(uint64_t v)
{
	return (unsigned)(v & 0xffff);
}

static inline uint64_t asid_gen_of(uint64_t v)
{
	return v & ~0xffffull;
}

static bool asid_is_reserved(unsigned id)
{
	for (unsigned i = 0; i < HAL_NR_CPUS; i++)
		if (asid_reserved[i] && asid_id(asid_reserved[i]) == id)
			return true;
	return false;
}

/* A space that ran on some hart at the rollover keeps its id: every such hart's entry moves on. */
static bool asid_keep_reserved(uint64_t old, uint64_t v)
{
	bool hit = false;

	for (unsigned i = 0; i < HAL_NR_CPUS; i++)
		if (asid_reserved[i] == old) {
			asid_reserved[i] = v;
			hit = true;
		}
	return hit;
}

static void asid_rollover(void)
{
	uint64_t v;

	__atomic_store_n(&asid_gen, asid_gen + (1ull << 16), __ATOMIC_RELAXED);
	asid_next = 1;
	for (unsigned i = 0; i < HAL_NR_CPUS; i++) {
		v = __atomic_exchange_n(&asid_active[i], 0, __ATOMIC_RELAXED);
		if (v) /* 0: no switch since the last rollover, whose reservation stands */
			asid_reserved[i] = v;
	}
	asid_flush_pending = hal_cpu_online_mask();
}

/* A's id for this generation: its old one if reserved, else a fresh one. With asid_lock. */
static uint64_t asid_new(struct hal_asid *a)
{
	uint64_t old = a->v, v;

	for (;;) {
		if (old && asid_keep_reserved(old, asid_gen | asid_id(old)))
			return asid_gen | asid_id(old);
		while (!(asid_next >> asid_bits) && asid_is_reserved(asid_next))
			asid_next++;
		if (!(asid_next >> asid_bits))
			break;
		asid_rollover();
	}
	v = asid_gen | asid_next++;
	/* Fresh: no hart caches it under this id (those that did under the old one flush first). */
	__atomic_store_n(&a->cpus, 0, __ATOMIC_RELAXED);
	/* Nothing is cached under it; the fence orders the table's writes before the walks. */
	hal_tlb_flush_asid(asid_id(v));
	return v;
}

unsigned hal_asid_get(struct hal_asid *a)
{
	unsigned cpu = hal_cpu_id();
	/* Acquire: a fresh id's emptied set (asid_new) is seen before this hart joins it. */
	uint64_t v = __atomic_load_n(&a->v, __ATOMIC_ACQUIRE);
	uint64_t now = __atomic_load_n(&asid_active[cpu], __ATOMIC_RELAXED);

	if (!asid_bits) {
		asid_cpus_join(a, cpu);
		return 0;
	}
	/* Lock-free while nothing rolled over: a rollover zeroes asid_active[cpu] first. */
	if (now && asid_gen_of(v) == __atomic_load_n(&asid_gen, __ATOMIC_RELAXED) &&
	    __atomic_compare_exchange_n(&asid_active[cpu], &now, v, false, __ATOMIC_RELAXED,
	                                __ATOMIC_RELAXED)) {
		asid_cpus_join(a, cpu);
		return asid_id(v);
	}
	hal_spin_lock(&asid_lock);
	v = a->v;
	if (asid_gen_of(v) != asid_gen) {
		v = asid_new(a);
		__atomic_store_n(&a->v, v, __ATOMIC_RELEASE);
	}
	/* After asid_new: a rollover there asks this hart too. */
	if (asid_flush_pending & HAL_CPU_BIT(cpu)) {
		asid_flush_pending &= ~HAL_CPU_BIT(cpu);
		sfence_vma_all();
	}
	__atomic_store_n(&asid_active[cpu], v, __ATOMIC_RELAXED);
	asid_cpus_join(a, cpu);
	hal_spin_unlock(&asid_lock);
	return asid_id(v);
}

void hal_asid_put(struct hal_asid *a)
{
	if (!asid_bits)
		asid_cpus_leave(a, hal_cpu_id()); /* the switch flushes everything */
}

void hal_asid_flush(struct hal_asid *a, uintptr_t va, size_t len)
{
	uint64_t v = __atomic_load_n(&a->v, __ATOMIC_RELAXED);

	asid_cpus_flush(a, asid_bits ? asid_id(v) : 0, va, len);
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
	if (asid_bits)
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
	asid_bits =
	    (unsigned)__builtin_popcountl(csr_read(satp) >> SATP_ASID_SHIFT & SATP_ASID_MASK);
	if (asid_bits > CONFIG_RISCV_ASID_BITS)
		asid_bits = CONFIG_RISCV_ASID_BITS;
	/* Each hart may keep its id through a rollover: with too few, fresh ones run out. */
	if ((1u << asid_bits) <= 2 * HAL_NR_CPUS)
		asid_bits = 0;
	csr_write(satp, riscv_kernel_satp);
	sfence_vma_all();
}
#endif
