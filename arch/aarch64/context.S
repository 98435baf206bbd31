/*
 * Context switch (hal/context.h). A suspended context keeps the
 * callee-saved x19-x28, the frame pointer x29 and the return address x30
 * in a 96-byte frame on its own stack; struct hal_context holds sp at
 * offset 0. Caller-saved registers need no saving: the C caller already
 * assumes they are clobbered by the call. The kernel keeps off the FP/SIMD
 * registers (arch.cmake), so d8-d15 need no saving either, and TPIDR_EL1
 * (the CPU's data) stays with the CPU.
 */
#include <arch/cpu.h>

#define FRAME 96
#define CTX_STACK_BASE 8 /* offsetof(struct hal_context, stack_base) */

	.section .text
	.balign 4

/* void hal_context_switch(struct hal_context *from, struct hal_context *to) */
	.globl hal_context_switch
hal_context_switch:
	sub	sp, sp, #FRAME
	stp	x19, x20, [sp, #0]
	stp	x21, x22, [sp, #16]
	stp	x23, x24, [sp, #32]
	stp	x25, x26, [sp, #48]
	stp	x27, x28, [sp, #64]
	stp	x29, x30, [sp, #80]
	mov	x9, sp
	str	x9, [x0]
	/* fall through: resume 'to' */

/* void hal_context_exit(struct hal_context *from, struct hal_context *to) */
	.globl hal_context_exit
hal_context_exit:
	ldr	x9, [x1]
	mov	sp, x9
	/*
	 * The trap entry checks sp against the running stack's bottom to catch
	 * overflows (arch/cpu.h): point it at the resumed stack. A context with no
	 * known base is the boot flow, on the boot stack. Interrupts are off
	 * here, so no trap can see the old bottom with the new sp.
	 */
	ldr	x9, [x1, #CTX_STACK_BASE]
	cbnz	x9, 1f
	adrp	x9, __boot_stack_bottom
	add	x9, x9, :lo12:__boot_stack_bottom
1:	mrs	x10, tpidr_el1
	str	x9, [x10, #CPU_STACK_BOTTOM]
	ldp	x19, x20, [sp, #0]
	ldp	x21, x22, [sp, #16]
	ldp	x23, x24, [sp, #32]
	ldp	x25, x26, [sp, #48]
	ldp	x27, x28, [sp, #64]
	ldp	x29, x30, [sp, #80]
	add	sp, sp, #FRAME
	ret

/*
 * First instruction of a new context (its saved x30, see context.c): x19
 * holds the entry function and x20 its argument; x29 (the frame pointer)
 * and x30 are zero so backtraces end here.
 */
	.globl aarch64_context_start
aarch64_context_start:
	mov	x0, x20
	blr	x19
	bl	aarch64_context_returned
