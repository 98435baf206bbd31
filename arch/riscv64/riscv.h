/* riscv64 architecture internals, shared by the files of arch/riscv64. */
#ifndef RISCV_ARCH_H
#define RISCV_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <arch/cpu.h>
#include <arch/csr.h>
#include <hal/smp.h>

/* Saved by trap.S; x[2] is the interrupted sp. */
struct riscv_trap_frame {
	unsigned long x[32];
	unsigned long sepc, sstatus, scause, stval;
};
_Static_assert(sizeof(struct riscv_trap_frame) == 36 * 8, "trap.S frame layout");

/* scause exception codes (interrupts have SCAUSE_INTERRUPT set). */
enum {
	EXC_INST_MISALIGNED = 0,
	EXC_INST_ACCESS = 1,
	EXC_ILLEGAL = 2,
	EXC_BREAKPOINT = 3,
	EXC_LOAD_MISALIGNED = 4,
	EXC_LOAD_ACCESS = 5,
	EXC_STORE_MISALIGNED = 6,
	EXC_STORE_ACCESS = 7,
	EXC_ECALL_U = 8,
	EXC_ECALL_S = 9,
	EXC_INST_PAGE_FAULT = 12,
	EXC_LOAD_PAGE_FAULT = 13,
	EXC_STORE_PAGE_FAULT = 15,
};

/* "store page fault", ... (trap.c) */
const char *riscv_cause_name(unsigned long scause);
/* The integer registers' ABI names, x0..x31 (trap.c). */
extern const char *const riscv_reg_names[32];

/* Each hart's data (boot.c), the boot hart's first: gp points at the running hart's. */
extern struct riscv_hart riscv_harts[];
extern char riscv_overflow_stack[][CONFIG_RISCV_OVERFLOW_STACK_SIZE];

/* satp of the kernel's own table: the boot table (early.c), then paging's (mmu.c). */
extern unsigned long riscv_kernel_satp;

/* The timer interrupt, from the trap entry or the user-mode exit (time.c). */
void riscv_timer_interrupt(void);

#ifdef CONFIG_SMP
/* The supervisor software interrupt (an IPI), from the trap entry or the user-mode exit (smp.c). */
void riscv_ipi_interrupt(void);
/* The remote half of hal_mmu_flush_range_cpus: cpus excludes the caller (smp.c). */
void riscv_flush_remote(hal_cpumask_t cpus, unsigned asid, uintptr_t va, size_t len);
#endif

static inline uint64_t rdtime(void)
{
	uint64_t t;

	__asm__ __volatile__("rdtime %0" : "=r"(t));
	return t;
}

#endif
