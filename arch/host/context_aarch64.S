/*
 * Stack switch for the host platform on aarch64 (AAPCS64). A suspended
 * context keeps the callee-saved x19-x28, the frame pointer x29, the link
 * register x30 and the low halves of v8-v15 (d8-d15, callee-saved too) on
 * its own stack, 160 bytes; only the stack pointer is stored elsewhere.
 * FPCR is left alone: no kernel code changes it (as x86_64's MXCSR).
 */
	.text

#define FRAME 160

/* void host_context_swap(void **save_sp, void *load_sp) */
	.globl host_context_swap
	.type host_context_swap, %function
host_context_swap:
	sub	sp, sp, #FRAME
	stp	x19, x20, [sp, #0]
	stp	x21, x22, [sp, #16]
	stp	x23, x24, [sp, #32]
	stp	x25, x26, [sp, #48]
	stp	x27, x28, [sp, #64]
	stp	x29, x30, [sp, #80]
	stp	d8, d9, [sp, #96]
	stp	d10, d11, [sp, #112]
	stp	d12, d13, [sp, #128]
	stp	d14, d15, [sp, #144]
	mov	x9, sp
	str	x9, [x0]
	mov	sp, x1
	ldp	x19, x20, [sp, #0]
	ldp	x21, x22, [sp, #16]
	ldp	x23, x24, [sp, #32]
	ldp	x25, x26, [sp, #48]
	ldp	x27, x28, [sp, #64]
	ldp	x29, x30, [sp, #80]
	ldp	d8, d9, [sp, #96]
	ldp	d10, d11, [sp, #112]
	ldp	d12, d13, [sp, #128]
	ldp	d14, d15, [sp, #144]
	add	sp, sp, #FRAME
	ret
	.size host_context_swap, . - host_context_swap

/*
 * void *host_context_prepare(void *top, void (*entry)(void *), void *arg):
 * lay out a new context's first frame under top (16-byte aligned) and
 * return its stack pointer: zeros, but x19 = entry, x20 = arg and
 * x30 = host_context_start, which then runs with sp = top.
 */
	.globl host_context_prepare
	.type host_context_prepare, %function
host_context_prepare:
	sub	x3, x0, #FRAME
	mov	x4, x3
1:	stp	xzr, xzr, [x4], #16
	cmp	x4, x0
	b.ne	1b
	stp	x1, x2, [x3, #0]       /* x19, x20 */
	adr	x4, host_context_start
	str	x4, [x3, #88]          /* x30 */
	mov	x0, x3
	ret
	.size host_context_prepare, . - host_context_prepare

/* First instruction of a new context: x19 holds the entry function, x20 its argument. */
	.globl host_context_start
	.type host_context_start, %function
host_context_start:
	mov	x0, x19
	mov	x1, x20
	bl	host_context_enter
	brk	#0
	.size host_context_start, . - host_context_start

	.section .note.GNU-stack, "", %progbits
