/*
 * riscv64's part of hal/cpu.h, inline: the hart id, interrupt enable
 * (sstatus.SIE), waiting and the spin-wait hint.
 *
 * Per-hart data. In S-mode gp always points at the running hart's struct
 * riscv_hart (start.S sets it, on the boot hart and on each secondary; the
 * kernel is built without gp-relative addressing, so nothing else uses gp,
 * and the user entry saves the user's gp and loads the hart's back). gp
 * rather than tp: tp is the register the trap entry swaps with sscratch to
 * tell a trap from user mode, so it cannot hold anything in S-mode. The
 * trap entry keeps its scratch slots and the stack bound it checks here;
 * the hart's ids and its per-CPU pointer (hal_cpu_local) live here too.
 * One block per CPU: riscv_harts[] (boot.c), the boot hart's first.
 * Included by assembly too: offsets are plain numbers.
 */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <arch/csr.h>

/* clang-format off */
#define HART_T0           0  /* trap entry scratch: t0 */
#define HART_SP           8  /* trap entry scratch: the interrupted sp */
#define HART_STACK_BOTTOM 16 /* lowest usable address of the current stack; 0: unchecked */
#define HART_OVERFLOW_TOP 24 /* top of the emergency stack for overflow reports */
#define HART_ID           32 /* the hart id the firmware gave (a0 at entry) */
#define HART_BOOT_SP      56 /* a secondary's first stack (start.S) */
#define HART_FP_OWNER     64 /* the user context whose FP registers the hart holds (user_entry.S) */
#define HART_FP_SEQ       72 /* how many times the hart loaded a context's FP registers */
#define HART_SIZE         80 /* sizeof(struct riscv_hart) */
/* clang-format on */

#ifndef __ASSEMBLER__
#include <stdbool.h>

struct riscv_hart {
	unsigned long t0, sp;
	unsigned long stack_bottom;
	unsigned long overflow_top;
	unsigned long hartid;
	unsigned long cpu; /* logical id (hal_cpu_id) */
	void *local;       /* hal_cpu_local() */
	unsigned long boot_sp;
	void *fp_owner;       /* user_entry.S: whose FP registers these are */
	unsigned long fp_seq; /* user_entry.S: FP loads so far, the last one's number */
};
_Static_assert(__builtin_offsetof(struct riscv_hart, stack_bottom) == HART_STACK_BOTTOM &&
                   __builtin_offsetof(struct riscv_hart, overflow_top) == HART_OVERFLOW_TOP &&
                   __builtin_offsetof(struct riscv_hart, hartid) == HART_ID &&
                   __builtin_offsetof(struct riscv_hart, boot_sp) == HART_BOOT_SP &&
                   __builtin_offsetof(struct riscv_hart, fp_owner) == HART_FP_OWNER &&
                   __builtin_offsetof(struct riscv_hart, fp_seq) == HART_FP_SEQ &&
                   sizeof(struct riscv_hart) == HART_SIZE,
               "arch/cpu.h offsets");

/*
 * The calling hart's data. Stable while the caller cannot migrate. With
 * SMP a task may resume on another hart after any switch, so the read is
 * volatile: the compiler must not keep an earlier hart's gp across a call.
 */
static inline struct riscv_hart *riscv_hart_self(void)
{
	struct riscv_hart *h;

#ifdef CONFIG_SMP
	__asm__ __volatile__("mv %0, gp" : "=r"(h));
#else
	__asm__("mv %0, gp" : "=r"(h));
#endif
	return h;
}

static inline unsigned hal_cpu_id(void)
{
#ifdef CONFIG_SMP
	return (unsigned)riscv_hart_self()->cpu;
#else
	return 0;
#endif
}

static inline unsigned long hal_cpu_hwid(void)
{
	return riscv_hart_self()->hartid;
}

static inline void *hal_cpu_local(void)
{
	return riscv_hart_self()->local;
}

static inline void hal_cpu_set_local(void *p)
{
	riscv_hart_self()->local = p;
}

static inline unsigned long hal_irq_save(void)
{
	unsigned long old;

	__asm__ __volatile__("csrrc %0, sstatus, %1" : "=r"(old) : "rK"(SSTATUS_SIE) : "memory");
	return old & SSTATUS_SIE;
}

/* flags is 0 or SSTATUS_SIE (hal_irq_save's result): setting it back needs no branch. */
static inline void hal_irq_restore(unsigned long flags)
{
	__asm__ __volatile__("csrs sstatus, %0" ::"r"(flags) : "memory");
}

static inline void hal_irq_enable(void)
{
	csr_set(sstatus, SSTATUS_SIE);
}

static inline void hal_irq_disable(void)
{
	csr_clear(sstatus, SSTATUS_SIE);
}

static inline bool hal_irq_enabled(void)
{
	return (csr_read(sstatus) & SSTATUS_SIE) != 0;
}

/* wfi wakes on a pending enabled interrupt even while SIE is clear. */
static inline void hal_cpu_wait(void)
{
	__asm__ __volatile__("wfi" ::: "memory");
}

/* Zihintpause 'pause', a hint: a no-op on harts without it. */
static inline void hal_cpu_relax(void)
{
	__asm__ __volatile__(".word 0x0100000f" ::: "memory");
}
#endif

#endif
