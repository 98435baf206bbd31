/*
 * The CPUs a space may be cached on (struct hal_asid's cpus, hal/mmu.h),
 * for every architecture's hal_asid_get/put/flush. A joining CPU sets its
 * bit before it switches to the table; a CPU changing the table writes the
 * entries, then reads the set: with a full fence on both sides, either the
 * flush reaches the joiner or the joiner's walk sees the new entries.
 */
#ifndef ARCH_COMMON_ASID_H
#define ARCH_COMMON_ASID_H

#include <hal/mmu.h>
#include <hal/smp.h>

static inline void asid_cpus_join(struct hal_asid *a, unsigned cpu)
{
	__atomic_fetch_or(&a->cpus, HAL_CPU_BIT(cpu), __ATOMIC_SEQ_CST);
}

static inline void asid_cpus_leave(struct hal_asid *a, unsigned cpu)
{
	__atomic_fetch_and(&a->cpus, ~HAL_CPU_BIT(cpu), __ATOMIC_SEQ_CST);
}

static inline void asid_cpus_flush(struct hal_asid *a, unsigned asid, uintptr_t va, size_t len)
{
	hal_cpumask_t cpus;

	/* The table's new entries before the read of the set. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	cpus = __atomic_load_n(&a->cpus, __ATOMIC_RELAXED);
	if (cpus)
		hal_mmu_flush_range_cpus(cpus, asid, va, len);
}

/*
 * The generation allocator (asid.c) for an architecture with ids: use at
 * most 'bits' of them (0: none; fewer than 2 * HAL_NR_CPUS + 1 ids count as
 * none, since each CPU may keep its id through a rollover). Returns the bits
 * used; 0 means every space is id 0 and hal_mmu_switch must flush. Once, on
 * the boot CPU, before the first hal_asid_get().
 */
unsigned asid_set_bits(unsigned bits);

#endif
