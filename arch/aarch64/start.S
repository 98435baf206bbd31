/*
 * Image entry. QEMU's -kernel or U-Boot's booti jumps here as the arm64
 * boot protocol says (Linux: Documentation/arch/arm64/booting.rst): on the
 * boot CPU, at EL2 or EL1, MMU and data cache off, x0 = physical address
 * of the device tree, the image loaded at a 2 MiB boundary and cleaned to
 * the point of coherency, the other CPUs waiting in the firmware (PSCI).
 *
 * At EL2 the kernel gives itself EL1 (nothing trapped, the counters and
 * GICv3's system registers open to it) and drops there. The image is
 * linked in the upper half (arch/memory.h) but entered at its load
 * address: until translation is on, only PC-relative addressing is used
 * (adrp, adr, ldr =literal), which works wherever the image is. Then:
 * clear .bss, build the boot tables (early.c), turn translation on with
 * an identity map of the image in TTBR0 (the next instruction is fetched
 * at the same address) and the kernel in TTBR1, and jump to the linked
 * addresses.
 */
#include <arch/cpu.h>
#include <arch/sysreg.h>

	.macro	adr_l, reg, sym
	adrp	\reg, \sym
	add	\reg, \reg, :lo12:\sym
	.endm

	/* EL1 as the kernel runs in it, translation still off. Clobbers x9. */
	.macro	el1_setup
	ldr	x9, =SCTLR_MMU_OFF
	msr	sctlr_el1, x9
	isb
	adr_l	x9, early_vectors      /* a trap before translation is on is reported */
	msr	vbar_el1, x9
	ldr	x9, =CPACR_FPEN_EL0TRAP
	msr	cpacr_el1, x9
	msr	mdscr_el1, xzr
	mov	x9, #CNTKCTL_EL0VCTEN
	msr	cntkctl_el1, x9
	msr	tpidr_el1, xzr
	msr	sp_el0, xzr
	isb
	.endm

	/* TCR_EL1 into x9: 48-bit halves, 4 KiB granule, the CPU's physical address size, and
	 * 16-bit ASIDs where the CPU has them (ID_AA64MMFR0_EL1). Clobbers x10-x12. */
	.macro	tcr_value
	ldr	x9, =TCR_BASE
	mrs	x10, id_aa64mmfr0_el1
	and	x11, x10, #0xf         /* PARange */
	cmp	x11, #5
	mov	x12, #5                /* 48 bits: more needs 52-bit descriptors */
	csel	x11, x11, x12, ls
	orr	x9, x9, x11, lsl #TCR_IPS_SHIFT
	ubfx	x11, x10, #4, #4       /* ASIDBits: 2 means 16 */
	cmp	x11, #2
	b.ne	9f
	orr	x9, x9, #TCR_AS
9:
	.endm

	/* Translation on with TTBR0 = \ttbr0, TTBR1 = \ttbr1 (registers); runs on at the next
	 * instruction, through TTBR0's identity map. Clobbers x9-x12. */
	.macro	mmu_on, ttbr0, ttbr1
	ldr	x9, =MAIR_VALUE
	msr	mair_el1, x9
	tcr_value
	msr	tcr_el1, x9
	msr	ttbr0_el1, \ttbr0
	msr	ttbr1_el1, \ttbr1
	isb
	tlbi	vmalle1                /* nothing a loader cached may survive */
	dsb	nsh
	ic	iallu
	dsb	nsh
	isb
	ldr	x9, =SCTLR_MMU_ON
	msr	sctlr_el1, x9
	isb
	ic	iallu                  /* fetched from memory with the MMU off: fetch again */
	dsb	nsh
	isb
	.endm

	.section .text.head, "ax"
	.globl _start
_start:
	/*
	 * The arm64 Image header, so QEMU's -kernel and U-Boot's booti accept
	 * the flat image. 64 bytes, little endian.
	 */
	b	entry                  /* code0 */
	.word	0                      /* code1 */
	.quad	0                      /* text_offset: at a 2 MiB boundary */
	.quad	__image_size           /* image_size: everything up to the end of the boot stack */
	.quad	0xa                    /* flags: little endian, 4 KiB pages, anywhere in RAM */
	.quad	0, 0, 0                /* res2, res3, res4 */
	.ascii	"ARM\x64"              /* magic */
	.word	0                      /* res5 */

entry:
	mrs	x22, cntvct_el0        /* when the image was entered, for "entry to main" */
	mov	x21, x0                /* the device tree */
	msr	daifset, #0xf
	mrs	x9, CurrentEL
	cmp	x9, #CURRENT_EL2
	b.eq	el2
	cmp	x9, #CURRENT_EL1
	b.eq	el1
	/* EL3: no firmware runs below the image, and there is no console and
	 * no way to report it yet. Stop. */
7:	wfi
	b	7b

/*
 * EL2: the kernel is the only guest. EL1 is AArch64 and traps nothing to
 * EL2; it may use both counters and timers (virtual = physical), FP/SIMD,
 * pointer authentication if the CPU has it, and GICv3's system registers.
 * EL1 reads MPIDR_EL1 and MIDR_EL1 through VMPIDR_EL2 and VPIDR_EL2, which
 * reset to unknown values: they get the real ones.
 * (A macro: the boot CPU and each secondary run it.) Clobbers x9-x11.
 */
	.macro	drop_to_el1, target
	ldr	x9, =HCR_RW
	mrs	x10, id_aa64isar1_el1
	ubfx	x11, x10, #4, #8       /* APA, API: address authentication */
	cbz	x11, 9f
	ldr	x11, =(HCR_API | HCR_APK)
	orr	x9, x9, x11
9:	msr	hcr_el2, x9
	mrs	x9, cnthctl_el2
	orr	x9, x9, #(CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN)
	msr	cnthctl_el2, x9
	msr	cntvoff_el2, xzr
	mrs	x9, midr_el1
	msr	vpidr_el2, x9
	mrs	x9, mpidr_el1
	msr	vmpidr_el2, x9
	ldr	x9, =CPTR_EL2_NOTRAP
	msr	cptr_el2, x9
	msr	hstr_el2, xzr
	mrs	x9, id_aa64pfr0_el1
	ubfx	x9, x9, #24, #4        /* GIC: system-register interface present */
	cbz	x9, 8f
	mrs	x9, S3_4_C12_C9_5      /* ICC_SRE_EL2 */
	orr	x9, x9, #ICC_SRE_EL2_SRE
	orr	x9, x9, #ICC_SRE_EL2_ENABLE
	msr	S3_4_C12_C9_5, x9
	isb
	msr	S3_4_C12_C11_0, xzr    /* ICH_HCR_EL2: no virtual interrupts */
8:	ldr	x9, =SCTLR_MMU_OFF
	msr	sctlr_el1, x9
	mov	x9, #(PSR_DAIF | PSR_MODE_EL1H)
	msr	spsr_el2, x9
	adr	x9, \target
	msr	elr_el2, x9
	eret
	.endm

el2:
	drop_to_el1 el1

el1:
	el1_setup

	/*
	 * .bss and the boot stack are written with the cache off, then read
	 * through it: drop whatever the cache holds for them first (lines the
	 * loader left, clean or not) and again once the tables are written.
	 */
	adr_l	x0, __bss_start
	adr_l	x1, __kernel_end
	bl	dcache_inval
	adr_l	x9, __bss_start
	adr_l	x10, __bss_end
3:	cmp	x9, x10
	b.hs	4f
	str	xzr, [x9], #8
	b	3b
4:	adr_l	x9, __boot_stack_top   /* its load address, for early.c */
	mov	sp, x9
	mov	x0, x21
	bl	aarch64_early_map      /* x0: TTBR0 (identity), x1: TTBR1 (kernel) */
	mov	x19, x0
	mov	x20, x1
	adr_l	x0, __bss_start
	adr_l	x1, __kernel_end
	bl	dcache_inval

	mmu_on	x19, x20
	ldr	x9, =high              /* its linked address */
	br	x9

high:
	adr_l	x9, aarch64_vectors
	msr	vbar_el1, x9
	adr_l	x9, aarch64_cpus       /* per-CPU data for the trap entry (arch/cpu.h) */
	msr	tpidr_el1, x9
	adr_l	x9, __boot_stack_top
	mov	sp, x9
	isb
	mov	x0, x21
	mov	x1, x22
	mov	x29, xzr
	mov	x30, xzr
	bl	aarch64_boot
	/* aarch64_boot does not return; if it does, stop here visibly. */
6:	wfi
	b	6b

#ifdef CONFIG_SMP
/*
 * A secondary CPU, started by PSCI CPU_ON (smp.c): at the exception level
 * the boot CPU was entered at (EL2 or EL1), MMU and caches off, x0 = the
 * physical address of its struct aarch64_cpu, whose boot_sp smp.c has set.
 * The boot CPU has built the kernel's final table and cleared .bss long
 * ago, so this only sets up EL1 as the boot CPU did and turns translation
 * on with the identity map in TTBR0 and the kernel's table in TTBR1. With
 * the caches off, its loads read memory: smp.c cleaned the two roots and
 * the block to the point of coherency before CPU_ON. adr_l is PC-relative:
 * before translation it yields load addresses, after it linked ones.
 */
	.pushsection .text
	.globl aarch64_secondary_entry
aarch64_secondary_entry:
	msr	daifset, #0xf
	mov	x21, x0
	mrs	x9, CurrentEL
	cmp	x9, #CURRENT_EL2
	b.ne	1f
	drop_to_el1 1f
1:	el1_setup
	adr_l	x9, aarch64_boot_ttbr0
	ldr	x19, [x9]
	adr_l	x9, aarch64_kernel_ttbr1
	ldr	x20, [x9]
	mmu_on	x19, x20
	ldr	x9, =2f                /* its linked address */
	br	x9
2:	adr_l	x9, aarch64_vectors
	msr	vbar_el1, x9
	adr_l	x9, aarch64_kernel_offset
	ldr	x9, [x9]               /* linked minus load address */
	add	x9, x21, x9            /* this CPU's block, linked address */
	msr	tpidr_el1, x9
	ldr	x10, [x9, #CPU_BOOT_SP]
	mov	sp, x10
	isb
	mov	x29, xzr
	mov	x30, xzr
	bl	aarch64_secondary_boot
3:	wfi
	b	3b
	.popsection
#endif

/* Invalidate the data cache lines of [x0, x1) (by address, to the point of coherency). */
dcache_inval:
	mrs	x3, ctr_el0
	ubfx	x3, x3, #16, #4        /* DminLine: log2 of the line in words */
	mov	x2, #4
	lsl	x2, x2, x3
	sub	x3, x2, #1
	bic	x0, x0, x3
1:	dc	ivac, x0
	add	x0, x0, x2
	cmp	x0, x1
	b.lo	1b
	dsb	sy
	ret

/*
 * void aarch64_replace_ttbr1(uint64_t ttbr1, uint64_t empty_ttbr1)
 * Install a new kernel table. Called at its physical address, through the
 * identity map in TTBR0, interrupts masked: it uses no stack and no
 * kernel address while TTBR1 holds an empty table and the TLB is flushed
 * in between, so no TLB ever holds entries of the old table and the new
 * one at once (they map the same addresses with other block sizes, which
 * the architecture forbids: break-before-make). Returns to the linked
 * address it was called from.
 */
	.globl aarch64_replace_ttbr1
aarch64_replace_ttbr1:
	msr	ttbr1_el1, x1
	isb
	tlbi	vmalle1
	dsb	nsh
	isb
	msr	ttbr1_el1, x0
	isb
	ret

/*
 * A trap before translation is on. The semihosting instruction traps when
 * QEMU runs without semihosting: that one is skipped, answering -1
 * (semihost.S). Anything else is reported (through semihosting, the only
 * console there is) and stops the boot.
 */
early_trap:
	mrs	x9, elr_el1
	adr_l	x10, aarch64_semihost_insn
	cmp	x9, x10
	b.ne	1f
	add	x9, x9, #4
	msr	elr_el1, x9
	mov	x0, #-1
	adr_l	x9, aarch64_semihost_absent
	mov	w10, #1
	strb	w10, [x9]
	eret
1:	adr	x0, msg_trap
	adr_l	x9, __boot_stack_top
	mov	sp, x9
	bl	aarch64_boot_fail      /* early.c: works with translation off */

	.balign	2048
early_vectors:
	.rept	16
	.balign	128
	b	early_trap
	.endr

msg_trap:
	.asciz	"aarch64: trap before the MMU was on (early boot); stopping\n"
	.balign	4
