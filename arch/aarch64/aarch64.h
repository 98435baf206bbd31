/* aarch64 architecture internals, shared by the files of arch/aarch64. */
#ifndef AARCH64_ARCH_H
#define AARCH64_ARCH_H

#include <stdbool.h>
#include <stdint.h>
#include <arch/cpu.h>
#include <arch/sysreg.h>

/* Saved by trap.S. */
struct aarch64_trap_frame {
	unsigned long x[31];
	unsigned long sp; /* the interrupted sp */
	unsigned long elr, spsr, esr, far;
	unsigned long vector; /* VEC_* (arch/sysreg.h): which entry of the table */
	unsigned long pad;
};
_Static_assert(sizeof(struct aarch64_trap_frame) == 38 * 8, "trap.S frame layout");

/* "data abort (permission fault, write)", ... for an ESR_EL1 value, into buf (trap.c). */
const char *aarch64_esr_name(uint64_t esr, char *buf, unsigned long size);
/* The general-purpose registers' names, x0..x30 (trap.c). */
extern const char *const aarch64_reg_names[31];

/* Each CPU's data (boot.c), the boot CPU's first: TPIDR_EL1 points at the running CPU's. */
extern struct aarch64_cpu aarch64_cpus[];
extern char aarch64_overflow_stack[][CONFIG_AARCH64_OVERFLOW_STACK_SIZE];

/* How many ASID bits to use (mmu.c): once, on the boot CPU, before the first switch. */
void aarch64_asid_init(void);

/* The identity map's table (early.c): what TTBR0 holds while the kernel table changes. */
extern uint64_t aarch64_boot_ttbr0;
/* TTBR1_EL1 of the kernel's table: the boot table (early.c), then paging's (mmu.c). */
extern uint64_t aarch64_kernel_ttbr1;
/* void aarch64_replace_ttbr1(uint64_t ttbr1, uint64_t empty_ttbr1), called at its physical
 * address (start.S). */
void aarch64_replace_ttbr1(uint64_t ttbr1, uint64_t empty_ttbr1);

/* Take the pending interrupt: acknowledge, end, run its handler (irq.c). Interrupts masked. */
void aarch64_irq(void);
/*
 * Run fn for interrupt intid from now on, and let it through to this CPU.
 * fn runs after the interrupt's end, interrupts masked: a level-triggered
 * source must be quieted by fn before anything else; fn may switch tasks.
 * 0, -EBUSY (taken), -EINVAL (out of range), or the controller's error.
 */
int aarch64_irq_attach(unsigned intid, void (*fn)(void));
/* Raise SGI intid on each CPU of cpus; clear it on this one (the board's controller, irq.c). */
void aarch64_sgi_send(unsigned intid, uint64_t cpus);
void aarch64_sgi_clear(unsigned intid);

/* Is this the semihosting instruction (semihost.S), and did it trap for want of semihosting? */
bool aarch64_semihost_fixup(uint64_t pc);

static inline uint64_t cntvct(void)
{
	uint64_t t;

	/* The isb keeps the read from being done early, before the code before it. */
	__asm__ __volatile__("isb\n\tmrs %0, cntvct_el0" : "=r"(t) : : "memory");
	return t;
}

#endif
