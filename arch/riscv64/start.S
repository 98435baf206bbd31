/*
 * Image entry. OpenSBI (fw_jump or fw_dynamic) or U-Boot's booti jumps here
 * in S-mode with the MMU off: a0 = hart id (any hart may win OpenSBI's boot
 * lottery), a1 = physical address of the device tree.
 *
 * The image is linked in the upper half (arch/memory.h) but entered at its
 * load address. Until translation is on, only PC-relative addressing is used
 * (la is auipc+addi under medany), which works wherever the image is:
 * clear .bss, build the boot page table (early.c), turn translation on and
 * continue at the linked addresses.
 */
#include <arch/cpu.h>
#include <arch/csr.h>

	.option norvc              /* the header's first word must be a 4-byte jump */

	.section .text.head, "ax"
	.globl _start
_start:
	/*
	 * RISC-V Linux Image header (Linux: Documentation/arch/riscv/boot-image-header.rst),
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
#ifdef CONFIG_SMP
	/*
	 * One hart boots. OpenSBI 1.1's hart_start marks a hart START_PENDING
	 * before it stores where that hart is to start, so a started hart that
	 * wakes in between comes here, fw_jump's address, instead of to
	 * riscv_secondary_entry (it then cleared .bss under the running kernel:
	 * a crash at pc 0 on about one SMP boot in a few hundred). A hart that
	 * loses this lottery goes where it was sent (late_hart, below).
	 */
	la	t0, boot_lottery
	li	t1, 1
	amoswap.w.aq t1, t1, (t0)
	bnez	t1, late_hart
#endif
	rdtime	s2                     /* when the image was entered, for "entry to main" */
	mv	s0, a0                 /* s0 is fp: from here on the frame pointer is not one */
	mv	s1, a1
	csrw	sie, zero              /* no interrupts until the kernel asks */
	csrci	sstatus, SSTATUS_SIE
	la	t0, early_trap
	csrw	stvec, t0              /* direct mode: a trap before the MMU is on is reported */
	csrw	sscratch, zero
	/* User mode may read time, cycle and instret (rdtime, rdcycle, rdinstret). */
	li	t0, 7
	csrw	scounteren, t0
	mv	tp, zero
	mv	gp, zero

	/*
	 * The boot stack lies below .bss (linker.ld): C runs on it before .bss
	 * is cleared, first to check that .bss is inside RAM and clear of the
	 * device tree (early.c), which the loader did not check.
	 */
	la	sp, __boot_stack_top
	mv	a0, s1
	call	riscv_early_check

	/* Zero .bss; the linker script aligns both ends to 8 bytes. */
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:
	la	sp, __boot_stack_top   /* its load address, for early.c */
	mv	a0, s1
	call	riscv_early_map        /* a0: the satp value, a1: linked minus load address */

	/*
	 * Translation on. The boot table maps nothing at the load address, so
	 * the fetch after the satp write faults, and the trap vector is the
	 * linked address of the next instruction: no identity mapping needed.
	 * The fence orders the table's stores before the walker reads them.
	 */
	la	t0, 3f
	add	t0, t0, a1
	csrw	stvec, t0
	sfence.vma
	csrw	satp, a0
	.balign 4
3:	la	t0, riscv_trap_entry
	csrw	stvec, t0
	.option push
	.option norelax
	la	gp, riscv_harts        /* per-hart data for the trap entry (arch/cpu.h) */
	.option pop
	la	sp, __boot_stack_top
	mv	a0, s0                 /* the hart id, from s0 before fp is cleared */
	mv	a1, s1
	mv	a2, s2
	mv	fp, zero
	call	riscv_boot
	/* riscv_boot does not return; if it does, stop here visibly. */
4:	wfi
	j	4b

#ifdef CONFIG_SMP
/*
 * A secondary hart, started by SBI HSM hart_start (smp.c): S-mode,
 * translation off, a0 = its hart id, a1 = the physical address of its
 * struct riscv_hart, whose boot_sp smp.c has set. The boot hart has built
 * the kernel's final page table and cleared .bss long ago, so this only
 * switches to that table the way the boot hart did (the fetch after the
 * satp write faults to the linked address in stvec) and sets gp and sp.
 * la is PC-relative: before translation it yields load addresses, so the
 * two globals below are read where the image really is.
 */
	.pushsection .text
	.balign 4
	.globl riscv_secondary_entry
riscv_secondary_entry:
	csrw	sie, zero
	csrci	sstatus, SSTATUS_SIE
	la	t0, early_trap
	csrw	stvec, t0
	csrw	sscratch, zero
	li	t0, 7
	csrw	scounteren, t0
	mv	tp, zero
	mv	s1, a1
	la	t0, riscv_kernel_offset
	ld	t1, 0(t0)              /* linked minus load address */
	la	t0, riscv_kernel_satp
	ld	t2, 0(t0)
	la	t0, 1f
	add	t0, t0, t1
	csrw	stvec, t0
	sfence.vma
	csrw	satp, t2
	.balign 4
1:	la	t0, riscv_trap_entry
	csrw	stvec, t0
	add	gp, s1, t1             /* this hart's struct riscv_hart, linked address */
	ld	sp, HART_BOOT_SP(gp)
	mv	fp, zero
	call	riscv_secondary_boot
2:	wfi
	j	2b

/*
 * A started hart that entered at _start (above): a0 = its hart id. smp.c
 * publishes the hart's block (hartid, then boot_sp, then a fence) before
 * hart_start, so the block whose hartid is a0 and whose boot_sp is set is
 * this hart's; until it is seen, look again. Translation is off: la gives
 * load addresses, which riscv_secondary_entry expects in a1.
 */
late_hart:
	la	t0, riscv_harts
	li	t1, CONFIG_NR_CPUS
1:	ld	t2, HART_ID(t0)
	ld	t3, HART_BOOT_SP(t0)
	bne	t2, a0, 3f
	beqz	t3, 3f
	fence	r, r
	mv	a1, t0
	j	riscv_secondary_entry
3:	addi	t0, t0, HART_SIZE
	addi	t1, t1, -1
	bnez	t1, 1b
	j	late_hart
	.popsection

	.pushsection .data
	.balign	4
boot_lottery:                      /* in .data: clearing .bss must not reset it */
	.word	0
	.popsection
#endif

/*
 * A trap before translation is on cannot reach the kernel's trap entry
 * (its addresses are not mapped yet): say so through the SBI console and
 * shut down as a failure.
 */
	.balign 4
early_trap:
	la	s3, early_trap_msg
1:	lbu	a0, 0(s3)
	beqz	a0, 2f
	li	a7, 1                  /* SBI legacy console putchar */
	ecall
	addi	s3, s3, 1
	j	1b
2:	li	a7, 0x53525354         /* SBI SRST: shutdown, reason "system failure" */
	li	a6, 0
	li	a0, 0
	li	a1, 1
	ecall
3:	wfi
	j	3b

	.section .rodata
early_trap_msg:
	.asciz	"riscv64: trap before the MMU was on (early boot); stopping\n"
