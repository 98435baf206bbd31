/*
 * long aarch64_semihost_call(unsigned long op, const void *arg)
 * The semihosting call: the operation in w0, its argument (a pointer to a
 * parameter block, or a value) in x1, the answer in x0. Where nobody
 * provides semihosting, hlt #0xf000 is undefined; the trap entries
 * recognise this instruction, skip it and answer -1 (trap.c, start.S).
 */
	.section .text
	.balign	4
	.globl	aarch64_semihost_call
aarch64_semihost_call:
	.globl	aarch64_semihost_insn
aarch64_semihost_insn:
	hlt	#0xf000
	ret
