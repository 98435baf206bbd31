/*
 * Context switch (hal/context.h). A suspended context keeps the
 * callee-saved rbx, rbp, r12-r15 and its return address in a frame on its
 * own stack (System V AMD64 ABI, 3.2.1); struct hal_context holds rsp at
 * offset 0. Caller-saved registers need no saving: the C caller already
 * assumes they are clobbered by the call. Kernel C keeps off the x87 and
 * SSE registers (arch.cmake), so no FP state either, and the GS base (the
 * CPU's data) stays with the CPU.
 */
#include <arch/cpu.h>

#define CTX_STACK_BASE 8 /* offsetof(struct hal_context, stack_base) */

	.section .text

/* void hal_context_switch(struct hal_context *from, struct hal_context *to) */
	.globl	hal_context_switch
hal_context_switch:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	/* fall through: resume 'to' */

/* void hal_context_exit(struct hal_context *from, struct hal_context *to) */
	.globl	hal_context_exit
hal_context_exit:
	movq	(%rsi), %rsp
	/*
	 * The trap entry checks the stack against the running stack's bottom
	 * (arch/cpu.h): point it at the resumed stack. A context with no known
	 * base is the boot flow, on the boot stack. Interrupts are off here.
	 */
	movq	CTX_STACK_BASE(%rsi), %rax
	testq	%rax, %rax
	jnz	1f
	leaq	__boot_stack_bottom(%rip), %rax
1:	movq	%rax, %gs:CPU_STACK_BOTTOM
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret

/*
 * First instruction of a new context (its return address, see context.c):
 * rbx holds the entry function and r12 its argument; rbp is zero so
 * backtraces end here.
 */
	.globl	x86_64_context_start
x86_64_context_start:
	movq	%r12, %rdi
	call	*%rbx
	call	x86_64_context_returned
	ud2
