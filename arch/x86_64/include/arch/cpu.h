/*
 * x86-64's part of hal/cpu.h, inline: the CPU ids and per-CPU pointer,
 * interrupt masking (RFLAGS.IF), waiting and the spin-wait hint.
 *
 * Per-CPU data. The GS base (MSR IA32_GS_BASE) points at the running CPU's
 * struct x86_64_cpu, whose first word points at itself so that one
 * %gs-relative load finds it (boot.c sets it on the boot CPU). The trap
 * entry's stack bound, the local APIC id and hal_cpu_local()'s pointer
 * live there, and what the user entry needs (user_entry.S): the kernel
 * stack pointer to come back to from ring 3 (also the TSS's RSP0) and a
 * word to park the user's rsp in on a syscall. Ring 3 has its own GS
 * base: every entry from and exit to it is a swapgs.
 * Included by assembly too: offsets are plain numbers.
 */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

/* clang-format off */
#define CPU_SELF         0  /* this struct's own address */
#define CPU_STACK_BOTTOM 8  /* lowest usable address of the current stack; 0: unchecked */
#define CPU_APIC_ID      16 /* the local APIC's id: the id firmware (ACPI's MADT) knows */
#define CPU_USER_KSP     32 /* while user code runs: the kernel rsp its traps return to */
#define CPU_USER_RSP     40 /* the user's rsp, from syscall entry until it is in the context */
#define CPU_TSS          48 /* this CPU's TSS, whose RSP0 is CPU_USER_KSP */
#define CPU_ID           56 /* the logical id (hal_cpu_id) */
#define CPU_WAIT_IRQOFF  64 /* 1 while hal_cpu_wait() halts for a caller with interrupts off */
#define CPU_DEFERRED     65 /* interrupts taken in that halt, to be taken again (smp.c) */
#define RFLAGS_IF        (1ul << 9)
/* clang-format on */

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

struct x86_64_cpu {
	struct x86_64_cpu *self;
	unsigned long stack_bottom;
	unsigned long apic_id;
	void *local; /* hal_cpu_local() */
	unsigned long user_ksp, user_rsp;
	void *tss;
	unsigned long cpu;
	unsigned char wait_irqoff, deferred;
	unsigned char replaying; /* held back, raised again, not yet taken (smp.c) */
};
_Static_assert(__builtin_offsetof(struct x86_64_cpu, stack_bottom) == CPU_STACK_BOTTOM &&
                   __builtin_offsetof(struct x86_64_cpu, apic_id) == CPU_APIC_ID &&
                   __builtin_offsetof(struct x86_64_cpu, user_ksp) == CPU_USER_KSP &&
                   __builtin_offsetof(struct x86_64_cpu, user_rsp) == CPU_USER_RSP &&
                   __builtin_offsetof(struct x86_64_cpu, tss) == CPU_TSS &&
                   __builtin_offsetof(struct x86_64_cpu, cpu) == CPU_ID &&
                   __builtin_offsetof(struct x86_64_cpu, wait_irqoff) == CPU_WAIT_IRQOFF &&
                   __builtin_offsetof(struct x86_64_cpu, deferred) == CPU_DEFERRED,
               "arch/cpu.h offsets");

/*
 * The calling CPU's data. Stable while the caller cannot migrate. With SMP
 * a task may resume on another CPU after any switch, so the load is
 * volatile: the compiler must not keep an earlier CPU's pointer across a
 * call.
 */
static inline struct x86_64_cpu *x86_64_cpu_self(void)
{
	struct x86_64_cpu *c;

#ifdef CONFIG_SMP
	__asm__ __volatile__("movq %%gs:0, %0" : "=r"(c));
#else
	__asm__("movq %%gs:0, %0" : "=r"(c));
#endif
	return c;
}

static inline unsigned hal_cpu_id(void)
{
#ifdef CONFIG_SMP
	unsigned long id;

	__asm__ __volatile__("movq %%gs:%c1, %0" : "=r"(id) : "i"(CPU_ID));
	return (unsigned)id;
#else
	return 0;
#endif
}

static inline unsigned long hal_cpu_hwid(void)
{
	return x86_64_cpu_self()->apic_id;
}

static inline void *hal_cpu_local(void)
{
	return x86_64_cpu_self()->local;
}

static inline void hal_cpu_set_local(void *p)
{
	x86_64_cpu_self()->local = p;
}

#ifdef CONFIG_SMP
/*
 * Raise again what hal_cpu_wait() held back (smp.c), to be taken once
 * interrupts are on; interrupts off. x86_64_irq_replay_wait also takes it:
 * it returns with interrupts on and what was held back handled.
 */
void x86_64_irq_replay(void);
void x86_64_irq_replay_wait(void);
#endif

/*
 * Before interrupts are enabled: what a halt with them off held back is
 * taken now, as riscv64 takes a pending interrupt the moment it is
 * enabled. Raising it again and leaving it would not do: sti holds
 * interrupts off for one more instruction, and a caller that disables
 * them right away (check, wait, enable, disable) would never take it.
 */
static inline void x86_64_irq_before_enable(void)
{
#ifdef CONFIG_SMP
	unsigned char d;

	__asm__ __volatile__("movb %%gs:%c1, %0" : "=q"(d) : "i"(CPU_DEFERRED));
	if (d)
		x86_64_irq_replay_wait();
#endif
}

static inline unsigned long hal_irq_save(void)
{
	unsigned long flags;

	__asm__ __volatile__("pushfq\n\tpopq %0\n\tcli" : "=r"(flags) : : "memory");
	return flags;
}

static inline void hal_irq_restore(unsigned long flags)
{
	if (flags & RFLAGS_IF) {
		x86_64_irq_before_enable();
		__asm__ __volatile__("sti" ::: "memory");
	} else
		__asm__ __volatile__("cli" ::: "memory");
}

static inline void hal_irq_enable(void)
{
	x86_64_irq_before_enable();
	__asm__ __volatile__("sti" ::: "memory");
}

static inline void hal_irq_disable(void)
{
	__asm__ __volatile__("cli" ::: "memory");
}

static inline bool hal_irq_enabled(void)
{
	unsigned long flags;

	__asm__ __volatile__("pushfq\n\tpopq %0" : "=r"(flags));
	return flags & RFLAGS_IF;
}

/*
 * hlt wakes only for an interrupt it may take (RFLAGS.IF set), unlike wfi.
 * Called with interrupts off, it opens them for the hlt alone: sti delays
 * interrupts by one instruction, so none is taken between sti and hlt, and
 * the one that wakes the CPU is taken inside the halt. Without SMP it is
 * handled there, before this returns interrupts off again: "leaving it
 * pending" (hal/cpu.h) becomes "handled", and callers check their
 * condition again after the wait, as they must anyway. With SMP a handler
 * that may switch tasks must not run there (the caller may be a task in
 * hal_cpu_call, counting on staying on its CPU): CPU_WAIT_IRQOFF tells the
 * timer and the IPI to hold their handlers back (smp.c, time.c), and the
 * next hal_irq_enable()/hal_irq_restore() takes them again, as a pending
 * interrupt would be on riscv64.
 */
static inline void hal_cpu_wait(void)
{
	if (hal_irq_enabled())
		__asm__ __volatile__("hlt" ::: "memory");
#ifdef CONFIG_SMP
	else
		__asm__ __volatile__("movb $1, %%gs:%c0\n\tsti\n\thlt\n\tcli\n\t"
		                     "movb $0, %%gs:%c0" ::"i"(CPU_WAIT_IRQOFF)
		                     : "memory");
#else
	else
		__asm__ __volatile__("sti\n\thlt\n\tcli" ::: "memory");
#endif
}

static inline void hal_cpu_relax(void)
{
	__asm__ __volatile__("pause" ::: "memory");
}
#endif

#endif
