/*
 * Address-space ids for every architecture's hal_asid_get/put/flush
 * (hal/mmu.h): the allocator (asid.c), and the CPUs a space may be cached
 * on (struct hal_asid's cpus). A joining CPU sets its
 * bit before it switches to the table; a CPU changing the table writes the
 * entries, then reads the set: with a full fence on both sides, either the
 * flush reaches the joiner or the joiner's walk sees the new entries.
 */
#ifndef ARCH_COMMON_ASID_H
#define ARCH_COMMON_ASID_H

#include <stdbool.h>
#include <hal/mmu.h>
#include <hal/smp.h>

/*
 * The allocator (asid.c). asid_setup: the hardware has hw_bits of id, the
 * configuration allows max_bits; too few for every CPU to keep one through
 * a rollover (2 * HAL_NR_CPUS or fewer ids) means none. Once, at boot,
 * before any space is switched to. asid_enabled: whether ids are in use
 * (else every switch must flush, and a CPU leaves a space's set at
 * hal_asid_put).
 */
void asid_setup(unsigned hw_bits, unsigned max_bits);
bool asid_enabled(void);
/* hal_asid_get, hal_asid_put, hal_asid_flush: as hal/mmu.h says, for an architecture's wrappers. */
unsigned asid_get(struct hal_asid *a);
void asid_put(struct hal_asid *a);
void asid_flush(struct hal_asid *a, uintptr_t va, size_t len);
/* Implemented by the architecture: drop every user id's entries from this CPU's TLB (a new
 * generation; interrupts off, the allocator's lock held). */
void arch_asid_flush_local(void);
/* Implemented by the architecture: id is fresh (nothing on this CPU may be cached under it in
 * this generation); order the table's writes before the walks under it. Lock held. */
void arch_asid_fresh(unsigned id);

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

#endif
