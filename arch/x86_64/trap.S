/*
 * The interrupt and exception entry: 256 stubs of 16 bytes, one per IDT
 * vector (trap.c points the gates at x86_64_trap_stubs + 16 * vector).
 * Each pushes a zero where the CPU pushes no error code (so every frame
 * has one: Intel SDM vol. 3, table 6-1), then its vector, and joins the
 * common path, which saves the general registers under the CPU's frame
 * (struct x86_64_trap_frame), calls x86_64_trap and returns with iretq.
 *
 * In long mode the CPU aligns rsp to 16 before pushing its five words;
 * with the two pushed here and the fifteen registers the frame is 176
 * bytes, so the C call sees the ABI's alignment. A frame from ring 3 (its
 * cs's low bits) is not handled here: it goes to user_entry.S, which saves
 * the user's registers in its context and returns to the kernel code that
 * entered user mode. So only ring-0 frames reach x86_64_trap, and the GS
 * base is the kernel's throughout.
 */
	.section .text
	.balign	16
	.globl	x86_64_trap_stubs
x86_64_trap_stubs:
	vector = 0
	.rept	256
	.balign	16
	.if vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21 || \
	    vector == 29 || vector == 30
	.else
	pushq	$0
	.endif
	pushq	$vector
	jmp	trap_common
	vector = vector + 1
	.endr

trap_common:
#ifdef CONFIG_HAL_USER_MODE
	testb	$3, 24(%rsp)		/* the cs the CPU pushed, over vector and error code */
	jnz	x86_64_user_trap
#endif
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	cld
	movq	%rsp, %rdi
	call	x86_64_trap
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	addq	$16, %rsp	/* vector and error code */
	iretq
