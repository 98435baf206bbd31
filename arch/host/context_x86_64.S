/*
 * Stack switch for the host platform on x86_64 (System V ABI). A suspended
 * context keeps the callee-saved rbp, rbx, r12-r15 and its return address on
 * its own stack; only the stack pointer is stored elsewhere. The MXCSR and
 * x87 control words are callee-saved too, but no kernel code changes them,
 * so they are left alone (as Linux does for its kernel threads).
 */
	.text

/* void host_context_swap(void **save_sp, void *load_sp) */
	.globl host_context_swap
	.type host_context_swap, @function
host_context_swap:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.size host_context_swap, . - host_context_swap

/*
 * void *host_context_prepare(void *top, void (*entry)(void *), void *arg):
 * lay out a new context's first frame under top (16-byte aligned) and
 * return its stack pointer. The frame is what host_context_swap pops:
 * r15 r14 r13 r12 rbx rbp, the return address, then 16 bytes of zeros, so
 * host_context_start runs with its stack pointer 16-byte aligned.
 */
	.globl host_context_prepare
	.type host_context_prepare, @function
host_context_prepare:
	leaq	-72(%rdi), %rax
	xorl	%ecx, %ecx
1:	movq	$0, (%rax,%rcx,8)
	incl	%ecx
	cmpl	$9, %ecx
	jne	1b
	movq	%rdx, 16(%rax)         /* r13: the argument */
	movq	%rsi, 24(%rax)         /* r12: the entry function */
	leaq	host_context_start(%rip), %rcx
	movq	%rcx, 48(%rax)         /* the return address */
	ret
	.size host_context_prepare, . - host_context_prepare

/*
 * First instruction of a new context (its return address): r12 holds the
 * entry function and r13 its argument; the stack pointer is 16-byte
 * aligned here, as the call below needs.
 */
	.globl host_context_start
	.type host_context_start, @function
host_context_start:
	movq	%r12, %rdi
	movq	%r13, %rsi
	call	host_context_enter
	ud2
	.size host_context_start, . - host_context_start

	.section .note.GNU-stack, "", @progbits
