/*
 * The smallest S-mode image that does what hello's boot path must do: print
 * one line through the SBI console and shut down through SBI SRST. It is the
 * baseline for the boot-time comparison in docs/benchmarks.md.
 */
	.section .text
	.globl _start
_start:
	la	s0, msg
1:	lbu	a0, 0(s0)
	beqz	a0, 2f
	li	a7, 0x01               /* legacy console putchar */
	ecall
	addi	s0, s0, 1
	j	1b
2:	li	a7, 0x53525354         /* SRST */
	li	a6, 0                  /* system_reset */
	li	a0, 0                  /* shutdown */
	li	a1, 0                  /* no reason */
	ecall
3:	wfi
	j	3b

	.section .rodata
msg:	.asciz "minimal: hello\n"
