/*
 * aarch64's part of hal/cpu.h, inline: the CPU ids and per-CPU pointer,
 * interrupt masking (PSTATE.I and F through DAIF), waiting and the
 * spin-wait hint.
 *
 * Per-CPU data. TPIDR_EL1 always points at the running CPU's struct
 * aarch64_cpu (start.S sets it, on the boot CPU and on each secondary).
 * User mode cannot read or change it. The trap entry keeps its scratch
 * slots and the stack bound it checks there; the CPU's ids and
 * hal_cpu_local()'s pointer live there too. One block per CPU:
 * aarch64_cpus[] (boot.c), the boot CPU's first; each in its own cache
 * line pair, since the trap entry writes its slots on every trap.
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
#define CPU_BOOT_SP      64 /* a secondary's first stack (start.S) */
#define CPU_SIZE         128 /* sizeof(struct aarch64_cpu) */
/* clang-format on */

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

struct aarch64_cpu {
	unsigned long x1, x2, sp;
	unsigned long stack_bottom;
	unsigned long overflow_top;
	unsigned long mpidr;
	void *local;       /* hal_cpu_local() */
	unsigned long cpu; /* logical id (hal_cpu_id) */
	unsigned long boot_sp;
} __attribute__((aligned(64)));
_Static_assert(__builtin_offsetof(struct aarch64_cpu, sp) == CPU_SP &&
                   __builtin_offsetof(struct aarch64_cpu, stack_bottom) == CPU_STACK_BOTTOM &&
                   __builtin_offsetof(struct aarch64_cpu, overflow_top) == CPU_OVERFLOW_TOP &&
                   __builtin_offsetof(struct aarch64_cpu, mpidr) == CPU_ID &&
                   __builtin_offsetof(struct aarch64_cpu, boot_sp) == CPU_BOOT_SP &&
                   sizeof(struct aarch64_cpu) == CPU_SIZE,
               "arch/cpu.h offsets");

/*
 * The calling CPU's data. Stable while the caller cannot migrate. With
 * SMP a task may resume on another CPU after any switch, so the read is
 * volatile: the compiler must not keep an earlier CPU's TPIDR_EL1 across
 * a call.
 */
static inline struct aarch64_cpu *aarch64_cpu_self(void)
{
	struct aarch64_cpu *c;

#ifdef CONFIG_SMP
	__asm__ __volatile__("mrs %0, tpidr_el1" : "=r"(c));
#else
	__asm__("mrs %0, tpidr_el1" : "=r"(c));
#endif
	return c;
}

/* MPIDR_EL1's Aff3, Aff2, Aff1, Aff0 (bits 39:32 and 23:0): the id firmware calls the CPU by. */
#define AARCH64_MPIDR_AFFINITY 0xff00ffffffull

static inline unsigned hal_cpu_id(void)
{
#ifdef CONFIG_SMP
	return (unsigned)aarch64_cpu_self()->cpu;
#else
	return 0;
#endif
}

/* Aff3 in bits 31:24 above Aff2:Aff1:Aff0, in one 32-bit number (PSCI and the GIC take the MPIDR
 * layout, struct aarch64_cpu's mpidr). */
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
