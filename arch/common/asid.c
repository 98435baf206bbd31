/*
 * The address-space id allocator (struct hal_asid, hal/mmu.h) of every
 * architecture with tagged TLBs (riscv64's satp.ASID, aarch64's TTBR0_EL1.ASID, x86-64's PCIDs):
 * asid_bits of ids (asid_setup, at boot); 0 is the kernel table's, user
 * spaces get 1 and up. An id is handed out once per
 * generation, never freed: a destroyed space's stale entries carry an id
 * nobody switches to until the next generation, which every CPU enters
 * with its whole TLB flushed (asid_flush_pending, acted on at its next
 * asid_get, the only way to switch to a user id: arch_asid_flush_local).
 *
 * With several CPUs a rollover must not take away the id of a space a
 * CPU is running: that CPU goes on with it, and no flush of the space
 * would reach it under a new id. So each CPU publishes the id it runs
 * (asid_active); the rollover moves them to asid_reserved, and a space
 * whose old id (generation included) is reserved keeps it in the new
 * generation; fresh ids skip the reserved ones. (The scheme of Linux's
 * arm64 allocator, written from its description.) A CPU whose
 * asid_active the rollover zeroed takes the locked path at its next switch,
 * so the lock-free path never hands out an id across a rollover.
 */
#include <hal/cpu.h>
#include <hal/mmu.h>
#include <hal/smp.h>
#include <hal/spinlock.h>
#include "asid.h"

static unsigned asid_bits;             /* 0: no ids, every switch flushes */
static uint64_t asid_gen = 1ull << 16; /* generation << 16; the first is 1 */
static unsigned asid_next = 1;
static hal_spinlock_t asid_lock = HAL_SPINLOCK_INIT;
static uint64_t asid_active[HAL_NR_CPUS];   /* the v each CPU runs; 0 after a rollover */
static uint64_t asid_reserved[HAL_NR_CPUS]; /* the v each CPU ran at the last rollover; locked */
static hal_cpumask_t asid_flush_pending;    /* CPUs to flush before their next switch; locked */

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

/* A space that ran on some CPU at the rollover keeps its id: every such CPU's entry moves on. */
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
	/* Fresh: no CPU caches it under this id (those that did under the old one flush first). */
	__atomic_store_n(&a->cpus, 0, __ATOMIC_RELAXED);
	/* Nothing is cached under it; the architecture orders the table's writes before the walks.
	 */
	arch_asid_fresh(asid_id(v));
	return v;
}

unsigned asid_get(struct hal_asid *a)
{
	unsigned cpu = hal_cpu_id();
	/* Acquire: a fresh id's emptied set (asid_new) is seen before this CPU joins it. */
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
	/* After asid_new: a rollover there asks this CPU too. */
	if (asid_flush_pending & HAL_CPU_BIT(cpu)) {
		asid_flush_pending &= ~HAL_CPU_BIT(cpu);
		arch_asid_flush_local();
	}
	__atomic_store_n(&asid_active[cpu], v, __ATOMIC_RELAXED);
	asid_cpus_join(a, cpu);
	hal_spin_unlock(&asid_lock);
	return asid_id(v);
}

void asid_put(struct hal_asid *a)
{
	if (!asid_bits)
		asid_cpus_leave(a, hal_cpu_id()); /* the switch flushes everything */
}

void asid_flush(struct hal_asid *a, uintptr_t va, size_t len)
{
	uint64_t v = __atomic_load_n(&a->v, __ATOMIC_RELAXED);

	asid_cpus_flush(a, asid_bits ? asid_id(v) : 0, va, len);
}

void asid_setup(unsigned hw_bits, unsigned max_bits)
{
	asid_bits = hw_bits < max_bits ? hw_bits : max_bits;
	/* Each CPU may keep its id through a rollover: with too few, fresh ones run out. */
	if ((1u << asid_bits) <= 2 * HAL_NR_CPUS)
		asid_bits = 0;
}

bool asid_enabled(void)
{
	return asid_bits != 0;
}
