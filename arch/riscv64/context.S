/*
 * Context switch (hal/context.h). A suspended context keeps ra, sp and the
 * callee-saved s0-s11 in a 112-byte frame on its own stack (13 registers,
 * padded to keep sp 16-byte aligned); struct hal_context holds sp at offset
 * 0. Caller-saved registers need no saving: the C caller already assumes
 * they are clobbered by the call. gp and tp are global to the hart and left
 * alone.
 */
#include <arch/cpu.h>

#define FRAME 112
#define CTX_STACK_BASE 8 /* offsetof(struct hal_context, stack_base) */

	.section .text
	.balign 4

/* void hal_context_switch(struct hal_context *from, struct hal_context *to) */
	.globl hal_context_switch
hal_context_switch:
	addi	sp, sp, -FRAME
	sd	ra, 0*8(sp)
	sd	s0, 1*8(sp)
	sd	s1, 2*8(sp)
	sd	s2, 3*8(sp)
	sd	s3, 4*8(sp)
	sd	s4, 5*8(sp)
	sd	s5, 6*8(sp)
	sd	s6, 7*8(sp)
	sd	s7, 8*8(sp)
	sd	s8, 9*8(sp)
	sd	s9, 10*8(sp)
	sd	s10, 11*8(sp)
	sd	s11, 12*8(sp)
	sd	sp, 0(a0)
	/* fall through: resume 'to' */

/* void hal_context_exit(struct hal_context *from, struct hal_context *to) */
	.globl hal_context_exit
hal_context_exit:
	ld	sp, 0(a1)
	/*
	 * The trap entry checks sp against the running stack's bottom to catch
	 * overflows (arch/cpu.h): point it at the resumed stack. A context with no
	 * known base is the boot flow, on the boot stack. Interrupts are off
	 * here, so no trap can see the old bottom with the new sp.
	 */
	ld	t0, CTX_STACK_BASE(a1)
	bnez	t0, 1f
	la	t0, __boot_stack_bottom
1:	sd	t0, HART_STACK_BOTTOM(gp)
	ld	ra, 0*8(sp)
	ld	s0, 1*8(sp)
	ld	s1, 2*8(sp)
	ld	s2, 3*8(sp)
	ld	s3, 4*8(sp)
	ld	s4, 5*8(sp)
	ld	s5, 6*8(sp)
	ld	s6, 7*8(sp)
	ld	s7, 8*8(sp)
	ld	s8, 9*8(sp)
	ld	s9, 10*8(sp)
	ld	s10, 11*8(sp)
	ld	s11, 12*8(sp)
	addi	sp, sp, FRAME
	ret

/*
 * First instruction of a new context (its saved ra, see context.c): s1 holds
 * the entry function and s2 its argument; s0 (the frame pointer) is zero so
 * backtraces end here.
 */
	.globl riscv_context_start
riscv_context_start:
	mv	a0, s2
	jalr	s1
	call	riscv_context_returned
