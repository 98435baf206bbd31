/*
 * The exception vector table (VBAR_EL1) and the kernel's trap entry.
 *
 * Sixteen entries of 128 bytes: {current EL with SP_EL0, current EL with
 * SP_EL1, lower EL AArch64, lower EL AArch32} x {synchronous, IRQ, FIQ,
 * SError}. The kernel always runs on SP_EL1, so traps taken in the kernel
 * come through the second group; the third is user mode (user_entry.S).
 * The first and fourth are never used, and are reported like any trap the
 * kernel does not handle.
 *
 * The kernel entry saves the general registers and the exception state in
 * a struct aarch64_trap_frame on the current stack, calls
 * aarch64_trap(frame), then restores everything (ELR_EL1 and SPSR_EL1
 * included, so a handler may redirect the return) and returns with eret.
 *
 * Stack overflow: a trap taken with less than a frame of stack left above
 * the current stack's bottom (arch/cpu.h) would fault again on the guard
 * page below it, forever. So before touching the stack the entry compares
 * sp with that bottom, using the CPU's scratch slots (through TPIDR_EL1)
 * and SP_EL0 (free while the kernel runs: the user entry saves and loads
 * it), and in that case builds the frame on the CPU's emergency stack
 * instead; aarch64_trap() sees the interrupted sp and reports the
 * overflow.
 *
 * Frame (aarch64.h): x0..x30, sp, elr, spsr, esr, far, vector, pad: 38
 * words = 304 bytes, a multiple of 16.
 */
#include <arch/cpu.h>
#include <arch/sysreg.h>

#define FRAME_SIZE (38 * 8)

	.macro	kernel_vector, vec
	.balign	128
	msr	sp_el0, x0             /* x0 parked */
	mrs	x0, tpidr_el1
	stp	x1, x2, [x0, #CPU_X1]  /* x1, x2 parked */
	mov	x1, #(\vec)
	b	kernel_entry
	.endm

	.macro	user_vector, vec
#ifdef CONFIG_HAL_USER_MODE
	.balign	128
	sub	sp, sp, #16            /* the kernel stack user_entry.S left */
	stp	x0, x1, [sp]
	mov	x1, #(\vec)
	b	aarch64_user_trap
#else
	kernel_vector \vec
#endif
	.endm

	.section .text
	.balign	2048
	.globl	aarch64_vectors
aarch64_vectors:
	kernel_vector VEC_EL1_SP0 + VEC_SYNC
	kernel_vector VEC_EL1_SP0 + VEC_IRQ
	kernel_vector VEC_EL1_SP0 + VEC_FIQ
	kernel_vector VEC_EL1_SP0 + VEC_SERROR
	kernel_vector VEC_EL1 + VEC_SYNC
	kernel_vector VEC_EL1 + VEC_IRQ
	kernel_vector VEC_EL1 + VEC_FIQ
	kernel_vector VEC_EL1 + VEC_SERROR
	user_vector VEC_EL0_64 + VEC_SYNC
	user_vector VEC_EL0_64 + VEC_IRQ
	user_vector VEC_EL0_64 + VEC_FIQ
	user_vector VEC_EL0_64 + VEC_SERROR
	kernel_vector VEC_EL0_32 + VEC_SYNC
	kernel_vector VEC_EL0_32 + VEC_IRQ
	kernel_vector VEC_EL0_32 + VEC_FIQ
	kernel_vector VEC_EL0_32 + VEC_SERROR

/* x0 = this CPU, x1 = the vector; the trapped x0 in SP_EL0, x1 and x2 in the CPU's slots. */
kernel_entry:
	mov	x2, sp
	str	x2, [x0, #CPU_SP]
	ldr	x2, [x0, #CPU_STACK_BOTTOM]
	add	x2, x2, #FRAME_SIZE
	cmp	sp, x2
	b.hs	1f
	ldr	x2, [x0, #CPU_OVERFLOW_TOP] /* no room for a frame: the emergency stack */
	mov	sp, x2
1:	sub	sp, sp, #FRAME_SIZE
	stp	x3, x4, [sp, #3 * 8]
	stp	x5, x6, [sp, #5 * 8]
	stp	x7, x8, [sp, #7 * 8]
	stp	x9, x10, [sp, #9 * 8]
	stp	x11, x12, [sp, #11 * 8]
	stp	x13, x14, [sp, #13 * 8]
	stp	x15, x16, [sp, #15 * 8]
	stp	x17, x18, [sp, #17 * 8]
	stp	x19, x20, [sp, #19 * 8]
	stp	x21, x22, [sp, #21 * 8]
	stp	x23, x24, [sp, #23 * 8]
	stp	x25, x26, [sp, #25 * 8]
	stp	x27, x28, [sp, #27 * 8]
	str	x29, [sp, #29 * 8]
	ldp	x3, x4, [x0, #CPU_X1]
	mrs	x2, sp_el0             /* the trapped x0 */
	stp	x2, x3, [sp, #0 * 8]
	str	x4, [sp, #2 * 8]
	ldr	x2, [x0, #CPU_SP]      /* the interrupted sp */
	stp	x30, x2, [sp, #30 * 8]
	mrs	x2, elr_el1
	mrs	x3, spsr_el1
	stp	x2, x3, [sp, #32 * 8]
	mrs	x2, esr_el1
	mrs	x3, far_el1
	stp	x2, x3, [sp, #34 * 8]
	stp	x1, xzr, [sp, #36 * 8]

	mov	x0, sp
	bl	aarch64_trap

	ldp	x2, x3, [sp, #32 * 8]
	msr	elr_el1, x2
	msr	spsr_el1, x3
	ldp	x0, x1, [sp, #0 * 8]
	ldp	x2, x3, [sp, #2 * 8]
	ldp	x4, x5, [sp, #4 * 8]
	ldp	x6, x7, [sp, #6 * 8]
	ldp	x8, x9, [sp, #8 * 8]
	ldp	x10, x11, [sp, #10 * 8]
	ldp	x12, x13, [sp, #12 * 8]
	ldp	x14, x15, [sp, #14 * 8]
	ldp	x16, x17, [sp, #16 * 8]
	ldp	x18, x19, [sp, #18 * 8]
	ldp	x20, x21, [sp, #20 * 8]
	ldp	x22, x23, [sp, #22 * 8]
	ldp	x24, x25, [sp, #24 * 8]
	ldp	x26, x27, [sp, #26 * 8]
	ldp	x28, x29, [sp, #28 * 8]
	ldr	x30, [sp, #30 * 8]
	add	sp, sp, #FRAME_SIZE    /* back where the trap found it (an overflow never returns) */
	eret
