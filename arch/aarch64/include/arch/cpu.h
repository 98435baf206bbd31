/*
 * aarch64's part of hal/cpu.h, inline: the CPU ids and per-CPU pointer,
 * interrupt masking (PSTATE.I and F through DAIF), waiting and the
 * spin-wait hint. One CPU so far (no CONFIG_SMP on aarch64): the logical
 * id is 0, as hal/smp.h's SMP-off stubs assume.
 *
 * Per-CPU data. TPIDR_EL1 always points at the running CPU's struct
 * aarch64_cpu (start.S sets it on the boot CPU; a secondary CPU sets its
 * own). User mode cannot read or change it. The trap entry keeps its
 * scratch slots and the stack bound it checks there; the CPU's hardware
 * id and hal_cpu_local()'s pointer live there too, and so will whatever
 * else is per CPU (the GIC redistributor; with SMP, another CPU gets its
 * own struct).
 * Included by assembly too: offsets are plain numbers.
 */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

/* clang-format off */
#define CPU_X1           0  /* trap entry scratch: x1, x2 */
#define CPU_SP           16 /* trap entry scratch: the interrupted sp */
#define CPU_STACK_BOTTOM 24 /* lowest usable address of the current stack; 0: unchecked */
#define CPU_OVERFLOW_TOP 32 /* top of the emergency stack for overflow reports */
#define CPU_ID           40 /* MPIDR_EL1's affinity fields: the id PSCI and the GIC know */
/* clang-format on */

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

struct aarch64_cpu {
	unsigned long x1, x2, sp;
	unsigned long stack_bottom;
	unsigned long overflow_top;
	unsigned long mpidr;
	void *local; /* hal_cpu_local() */
};
_Static_assert(__builtin_offsetof(struct aarch64_cpu, sp) == CPU_SP &&
                   __builtin_offsetof(struct aarch64_cpu, stack_bottom) == CPU_STACK_BOTTOM &&
                   __builtin_offsetof(struct aarch64_cpu, overflow_top) == CPU_OVERFLOW_TOP &&
                   __builtin_offsetof(struct aarch64_cpu, mpidr) == CPU_ID,
               "arch/cpu.h offsets");

/* The calling CPU's data. Stable while the caller cannot migrate (one CPU so far). */
static inline struct aarch64_cpu *aarch64_cpu_self(void)
{
	struct aarch64_cpu *c;

	__asm__("mrs %0, tpidr_el1" : "=r"(c));
	return c;
}

/* MPIDR_EL1's Aff3, Aff2, Aff1, Aff0 (bits 39:32 and 23:0): the id firmware calls the CPU by. */
#define AARCH64_MPIDR_AFFINITY 0xff00ffffffull

/* The logical id: 0, the boot CPU, the only one until aarch64 has CONFIG_SMP. */
static inline unsigned hal_cpu_id(void)
{
	return 0;
}

/* Aff3 in bits 31:24 above Aff2:Aff1:Aff0, as Linux's /proc/cpuinfo and PSCI's CPU_ON take them. */
static inline unsigned long hal_cpu_hwid(void)
{
	unsigned long id = aarch64_cpu_self()->mpidr;

	return (id >> 32) << 24 | (id & 0xffffff);
}

static inline void *hal_cpu_local(void)
{
	return aarch64_cpu_self()->local;
}

static inline void hal_cpu_set_local(void *p)
{
	aarch64_cpu_self()->local = p;
}

/* IRQ and FIQ together: the GIC signals IRQ, and nothing may arrive as FIQ unseen. */
static inline unsigned long hal_irq_save(void)
{
	unsigned long daif;

	__asm__ __volatile__("mrs %0, daif\n\tmsr daifset, #3" : "=r"(daif) : : "memory");
	return daif;
}

static inline void hal_irq_restore(unsigned long flags)
{
	__asm__ __volatile__("msr daif, %0" ::"r"(flags) : "memory");
}

static inline void hal_irq_enable(void)
{
	__asm__ __volatile__("msr daifclr, #3" ::: "memory");
}

static inline void hal_irq_disable(void)
{
	__asm__ __volatile__("msr daifset, #3" ::: "memory");
}

static inline bool hal_irq_enabled(void)
{
	unsigned long daif;

	__asm__ __volatile__("mrs %0, daif" : "=r"(daif));
	return !(daif & (1ul << 7));
}

/* wfi wakes on a pending interrupt whatever PSTATE.I says (the Arm ARM's "WFI wake-up events"). */
static inline void hal_cpu_wait(void)
{
	__asm__ __volatile__("dsb sy\n\twfi" ::: "memory");
}

static inline void hal_cpu_relax(void)
{
	__asm__ __volatile__("yield" ::: "memory");
}
#endif

#endif
