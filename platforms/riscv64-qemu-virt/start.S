/*
 * Image entry. OpenSBI (fw_jump or fw_dynamic) or U-Boot's booti jumps here
 * in S-mode with the MMU off: a0 = hart id (any hart may win OpenSBI's boot
 * lottery), a1 = physical address of the device tree.
 */
	.option norvc              /* the header's first word must be a 4-byte jump */

	.section .text.head, "ax"
	.globl _start
_start:
	/*
	 * RISC-V Linux Image header (Linux: Documentation/riscv/boot-image-header.rst),
	 * so U-Boot's booti accepts the flat image. 64 bytes, little endian.
	 */
	j	entry                  /* code0 */
	.word	0                      /* code1 */
	.dword	0x200000               /* text_offset: load 2 MiB above the start of RAM */
	.dword	__image_size           /* image_size: everything up to the end of bss */
	.dword	0                      /* flags: little-endian kernel */
	.word	2                      /* version 0.2 */
	.word	0                      /* res1 */
	.dword	0                      /* res2 */
	.ascii	"RISCV\0\0\0"          /* magic (deprecated) */
	.ascii	"RSC\x05"              /* magic2 */
	.word	0                      /* res3 */

entry:
	rdtime	s2                     /* when the image was entered, for "entry to main" */
	mv	s0, a0
	mv	s1, a1
	csrw	sie, zero              /* no interrupts until the kernel asks */
	csrci	sstatus, 2             /* SIE off */
	la	t0, riscv_trap_entry
	csrw	stvec, t0              /* direct mode: every trap reports, even this early */
	csrw	sscratch, zero
	/* User mode may read time, cycle and instret (rdtime, rdcycle, rdinstret). */
	li	t0, 7
	csrw	scounteren, t0
	mv	tp, zero
	.option push
	.option norelax
	la	gp, riscv_hart0        /* per-hart data for the trap entry (hart.h) */
	.option pop

	/*
	 * The boot stack lies below .bss (linker.ld): C runs on it before .bss
	 * is cleared, first to check that .bss is inside RAM at all. The loader
	 * only wrote text and data; a .bss past the end of RAM (a static stack
	 * pool bigger than the machine) would fault while being cleared, before
	 * anything could say why.
	 */
	la	sp, __boot_stack_top
	mv	fp, zero
	mv	a0, s1
	call	riscv_check_image_fits

	/* Zero .bss; the linker script aligns both ends to 8 bytes. */
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:
	mv	a0, s0
	mv	a1, s1
	mv	a2, s2
	call	riscv_boot
	/* riscv_boot does not return; if it does, stop here visibly. */
3:	wfi
	j	3b
