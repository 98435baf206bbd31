/*
 * User mode entry and exit (hal/user.h).
 *
 * aarch64_user_enter(uc) saves the kernel's callee-saved registers on the
 * task's kernel stack, with uc at the lowest address, loads the user's
 * registers (SP_EL0, TPIDR_EL0, ELR_EL1 and SPSR_EL1 for the pc and the
 * flags) and erets to EL0. SP_EL1 keeps pointing at that frame while user
 * code runs, so a trap from EL0 (the vector table's third group, trap.S)
 * finds uc at [sp]: the user's registers go back into uc, the exception
 * state with them, and aarch64_user_enter "returns" to its caller, which
 * reads the trap from uc. Interrupts stay masked throughout (the trap
 * masked them).
 *
 * FP/SIMD: the kernel never uses v0-v31, so they hold whatever user
 * context loaded them last. Entry leaves EL0's FP instructions trapping
 * (CPACR_EL1.FPEN) unless uc->fp_live says the registers are uc's; the
 * first FP instruction then traps, user.c loads uc's registers and sets
 * fp_live, and the instruction runs again (aarch64_fp_load). On the way
 * out, a context that used them has them saved (aarch64_fp_save).
 *
 * The layout of struct hal_user_context is arch/user.h's (UC_*).
 */
#include <arch/sysreg.h>
#include <arch/user.h>

#define KFRAME 112 /* uc, x19-x30, padded to 16 bytes */

	.section .text
	.balign 4

/* void aarch64_user_enter(struct hal_user_context *uc); interrupts masked. */
	.globl aarch64_user_enter
aarch64_user_enter:
	sub	sp, sp, #KFRAME
	stp	x0, x19, [sp, #0]
	stp	x20, x21, [sp, #16]
	stp	x22, x23, [sp, #32]
	stp	x24, x25, [sp, #48]
	stp	x26, x27, [sp, #64]
	stp	x28, x29, [sp, #80]
	str	x30, [sp, #96]

	ldr	x1, [x0, #UC_SP]
	msr	sp_el0, x1
	ldr	x1, [x0, #UC_TPIDR]
	msr	tpidr_el0, x1
	msr	tpidrro_el0, xzr
	ldr	x1, [x0, #UC_PC]
	msr	elr_el1, x1
	/* EL0, interrupts unmasked; of the rest of PSTATE only the flags are the user's. */
	ldr	x1, [x0, #UC_PSTATE]
	and	x1, x1, #PSR_NZCV
	msr	spsr_el1, x1
	ldr	x1, [x0, #UC_FP_LIVE]
	ldr	x2, =CPACR_FPEN_EL0TRAP
	ldr	x3, =CPACR_FPEN_NONE
	cmp	x1, #0
	csel	x1, x2, x3, eq
	msr	cpacr_el1, x1

	ldp	x2, x3, [x0, #UC_X(2)]
	ldp	x4, x5, [x0, #UC_X(4)]
	ldp	x6, x7, [x0, #UC_X(6)]
	ldp	x8, x9, [x0, #UC_X(8)]
	ldp	x10, x11, [x0, #UC_X(10)]
	ldp	x12, x13, [x0, #UC_X(12)]
	ldp	x14, x15, [x0, #UC_X(14)]
	ldp	x16, x17, [x0, #UC_X(16)]
	ldp	x18, x19, [x0, #UC_X(18)]
	ldp	x20, x21, [x0, #UC_X(20)]
	ldp	x22, x23, [x0, #UC_X(22)]
	ldp	x24, x25, [x0, #UC_X(24)]
	ldp	x26, x27, [x0, #UC_X(26)]
	ldp	x28, x29, [x0, #UC_X(28)]
	ldr	x30, [x0, #UC_X(30)]
	ldp	x0, x1, [x0, #UC_X(0)]
	eret

/*
 * From the vector table (trap.S) with the trapped x0 and x1 at [sp] and
 * [sp + 8], uc at [sp + 16], x1 = the vector.
 */
	.globl aarch64_user_trap
aarch64_user_trap:
	ldr	x0, [sp, #16]
	str	x1, [x0, #UC_VECTOR]
	stp	x2, x3, [x0, #UC_X(2)]
	stp	x4, x5, [x0, #UC_X(4)]
	stp	x6, x7, [x0, #UC_X(6)]
	stp	x8, x9, [x0, #UC_X(8)]
	stp	x10, x11, [x0, #UC_X(10)]
	stp	x12, x13, [x0, #UC_X(12)]
	stp	x14, x15, [x0, #UC_X(14)]
	stp	x16, x17, [x0, #UC_X(16)]
	stp	x18, x19, [x0, #UC_X(18)]
	stp	x20, x21, [x0, #UC_X(20)]
	stp	x22, x23, [x0, #UC_X(22)]
	stp	x24, x25, [x0, #UC_X(24)]
	stp	x26, x27, [x0, #UC_X(26)]
	stp	x28, x29, [x0, #UC_X(28)]
	str	x30, [x0, #UC_X(30)]
	ldp	x2, x3, [sp], #16
	stp	x2, x3, [x0, #UC_X(0)]
	mrs	x1, sp_el0
	str	x1, [x0, #UC_SP]
	mrs	x1, tpidr_el0
	str	x1, [x0, #UC_TPIDR]
	mrs	x1, elr_el1
	mrs	x2, spsr_el1
	stp	x1, x2, [x0, #UC_PC]
	mrs	x1, esr_el1
	mrs	x2, far_el1
	stp	x1, x2, [x0, #UC_ESR]

	ldp	x0, x19, [sp, #0]
	ldp	x20, x21, [sp, #16]
	ldp	x22, x23, [sp, #32]
	ldp	x24, x25, [sp, #48]
	ldp	x26, x27, [sp, #64]
	ldp	x28, x29, [sp, #80]
	ldr	x30, [sp, #96]
	add	sp, sp, #KFRAME
	ret

/* void aarch64_fp_load(const struct hal_user_context *uc): v0-v31, FPSR, FPCR from uc. */
	.globl aarch64_fp_load
aarch64_fp_load:
	add	x1, x0, #UC_V(0)
	ldp	q0, q1, [x1, #0 * 32]
	ldp	q2, q3, [x1, #1 * 32]
	ldp	q4, q5, [x1, #2 * 32]
	ldp	q6, q7, [x1, #3 * 32]
	ldp	q8, q9, [x1, #4 * 32]
	ldp	q10, q11, [x1, #5 * 32]
	ldp	q12, q13, [x1, #6 * 32]
	ldp	q14, q15, [x1, #7 * 32]
	ldp	q16, q17, [x1, #8 * 32]
	ldp	q18, q19, [x1, #9 * 32]
	ldp	q20, q21, [x1, #10 * 32]
	ldp	q22, q23, [x1, #11 * 32]
	ldp	q24, q25, [x1, #12 * 32]
	ldp	q26, q27, [x1, #13 * 32]
	ldp	q28, q29, [x1, #14 * 32]
	ldp	q30, q31, [x1, #15 * 32]
	ldr	x2, [x0, #UC_FPSR]	/* past ldp's reach */
	ldr	x3, [x0, #UC_FPCR]
	msr	fpsr, x2
	msr	fpcr, x3
	ret

/* void aarch64_fp_save(struct hal_user_context *uc): the registers into uc. */
	.globl aarch64_fp_save
aarch64_fp_save:
	add	x1, x0, #UC_V(0)
	stp	q0, q1, [x1, #0 * 32]
	stp	q2, q3, [x1, #1 * 32]
	stp	q4, q5, [x1, #2 * 32]
	stp	q6, q7, [x1, #3 * 32]
	stp	q8, q9, [x1, #4 * 32]
	stp	q10, q11, [x1, #5 * 32]
	stp	q12, q13, [x1, #6 * 32]
	stp	q14, q15, [x1, #7 * 32]
	stp	q16, q17, [x1, #8 * 32]
	stp	q18, q19, [x1, #9 * 32]
	stp	q20, q21, [x1, #10 * 32]
	stp	q22, q23, [x1, #11 * 32]
	stp	q24, q25, [x1, #12 * 32]
	stp	q26, q27, [x1, #13 * 32]
	stp	q28, q29, [x1, #14 * 32]
	stp	q30, q31, [x1, #15 * 32]
	mrs	x2, fpsr
	mrs	x3, fpcr
	str	x2, [x0, #UC_FPSR]
	str	x3, [x0, #UC_FPCR]
	ret
