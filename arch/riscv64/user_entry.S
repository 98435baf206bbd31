/*
 * User mode entry and exit (hal/user.h).
 *
 * riscv_user_enter(uc) saves the kernel's callee-saved registers on the
 * task's kernel stack, records that stack and the hart pointer (gp) in uc,
 * loads the user's registers and srets to user mode. While user code runs,
 * sscratch holds uc; in S-mode it is always 0. That is how riscv_trap_entry
 * (trap.S) tells a trap from user mode from one taken in the kernel: it
 * swaps tp with sscratch and looks at what it got.
 *
 * A trap from user mode lands in riscv_user_trap with tp = uc: the user's
 * registers go back into uc, the kernel stack and gp come back from it, and
 * riscv_user_enter "returns" to its caller, which reads the trap from uc.
 * Interrupts stay off throughout (the trap cleared sstatus.SIE).
 *
 * Floating point: the kernel never uses the FPU, so the FP registers belong
 * to whichever user context ran last. Entry loads uc's and leaves
 * sstatus.FS Clean; the hardware makes it Dirty on the first FP write, and
 * only then does the exit store them back. This file alone is assembled
 * with the F and D extensions (see CMakeLists.txt).
 *
 * The layout of struct hal_user_context is arch/user.h's (UC_*).
 */
#include <arch/cpu.h>
#include <arch/csr.h>
#include <arch/user.h>

#define SSTATUS_FS_DIRTY_BIT (SSTATUS_FS_DIRTY - SSTATUS_FS_CLEAN)

#define KFRAME 112 /* ra, s0-s11, padded to 16 bytes */

	.section .text
	.balign 4

/* void riscv_user_enter(struct hal_user_context *uc); interrupts off. */
	.globl riscv_user_enter
riscv_user_enter:
	addi	sp, sp, -KFRAME
	sd	ra, 0*8(sp)
	sd	s0, 1*8(sp)
	sd	s1, 2*8(sp)
	sd	s2, 3*8(sp)
	sd	s3, 4*8(sp)
	sd	s4, 5*8(sp)
	sd	s5, 6*8(sp)
	sd	s6, 7*8(sp)
	sd	s7, 8*8(sp)
	sd	s8, 9*8(sp)
	sd	s9, 10*8(sp)
	sd	s10, 11*8(sp)
	sd	s11, 12*8(sp)
	sd	sp, UC_KSP(a0)
	sd	gp, UC_KGP(a0)

	/* The context's FP registers, then FS = Clean. Not loaded again while
	 * this hart holds them: it loaded them for this context (fp_owner), and
	 * the context's numbers name that load (a copy of the context, or one
	 * whose registers were changed, does not match). */
	li	t0, SSTATUS_FS
	csrs	sstatus, t0
	ld	t0, HART_FP_OWNER(gp)
	bne	t0, a0, 1f
	ld	t0, UC_FP_HART(a0)
	bne	t0, gp, 1f
	ld	t0, UC_FP_SEQ(a0)
	ld	t1, HART_FP_SEQ(gp)
	beq	t0, t1, 2f
1:
	fld	f0, UC_F(0)(a0)
	fld	f1, UC_F(1)(a0)
	fld	f2, UC_F(2)(a0)
	fld	f3, UC_F(3)(a0)
	fld	f4, UC_F(4)(a0)
	fld	f5, UC_F(5)(a0)
	fld	f6, UC_F(6)(a0)
	fld	f7, UC_F(7)(a0)
	fld	f8, UC_F(8)(a0)
	fld	f9, UC_F(9)(a0)
	fld	f10, UC_F(10)(a0)
	fld	f11, UC_F(11)(a0)
	fld	f12, UC_F(12)(a0)
	fld	f13, UC_F(13)(a0)
	fld	f14, UC_F(14)(a0)
	fld	f15, UC_F(15)(a0)
	fld	f16, UC_F(16)(a0)
	fld	f17, UC_F(17)(a0)
	fld	f18, UC_F(18)(a0)
	fld	f19, UC_F(19)(a0)
	fld	f20, UC_F(20)(a0)
	fld	f21, UC_F(21)(a0)
	fld	f22, UC_F(22)(a0)
	fld	f23, UC_F(23)(a0)
	fld	f24, UC_F(24)(a0)
	fld	f25, UC_F(25)(a0)
	fld	f26, UC_F(26)(a0)
	fld	f27, UC_F(27)(a0)
	fld	f28, UC_F(28)(a0)
	fld	f29, UC_F(29)(a0)
	fld	f30, UC_F(30)(a0)
	fld	f31, UC_F(31)(a0)
	ld	t0, UC_FCSR(a0)
	fscsr	t0

	ld	t0, HART_FP_SEQ(gp)
	addi	t0, t0, 1
	sd	t0, HART_FP_SEQ(gp)
	sd	t0, UC_FP_SEQ(a0)
	sd	gp, UC_FP_HART(a0)
	sd	a0, HART_FP_OWNER(gp)
2:
	li	t0, SSTATUS_FS_DIRTY_BIT
	csrc	sstatus, t0

	/* sret to U-mode (SPP = 0), where supervisor interrupts are always on. */
	li	t0, SSTATUS_SPP
	csrc	sstatus, t0
	li	t0, SSTATUS_SPIE
	csrs	sstatus, t0
	ld	t0, UC_PC(a0)
	csrw	sepc, t0
	csrw	sscratch, a0

	ld	x1, UC_X(1)(a0)
	ld	x2, UC_X(2)(a0)
	ld	x3, UC_X(3)(a0)
	ld	x4, UC_X(4)(a0)
	ld	x5, UC_X(5)(a0)
	ld	x6, UC_X(6)(a0)
	ld	x7, UC_X(7)(a0)
	ld	x8, UC_X(8)(a0)
	ld	x9, UC_X(9)(a0)
	ld	x11, UC_X(11)(a0)
	ld	x12, UC_X(12)(a0)
	ld	x13, UC_X(13)(a0)
	ld	x14, UC_X(14)(a0)
	ld	x15, UC_X(15)(a0)
	ld	x16, UC_X(16)(a0)
	ld	x17, UC_X(17)(a0)
	ld	x18, UC_X(18)(a0)
	ld	x19, UC_X(19)(a0)
	ld	x20, UC_X(20)(a0)
	ld	x21, UC_X(21)(a0)
	ld	x22, UC_X(22)(a0)
	ld	x23, UC_X(23)(a0)
	ld	x24, UC_X(24)(a0)
	ld	x25, UC_X(25)(a0)
	ld	x26, UC_X(26)(a0)
	ld	x27, UC_X(27)(a0)
	ld	x28, UC_X(28)(a0)
	ld	x29, UC_X(29)(a0)
	ld	x30, UC_X(30)(a0)
	ld	x31, UC_X(31)(a0)
	ld	x10, UC_X(10)(a0)
	sret

/* Reached from riscv_trap_entry with tp = uc and the user's tp in sscratch. */
	.globl riscv_user_trap
riscv_user_trap:
	sd	x1, UC_X(1)(tp)
	sd	x2, UC_X(2)(tp)
	sd	x3, UC_X(3)(tp)
	sd	x5, UC_X(5)(tp)
	sd	x6, UC_X(6)(tp)
	sd	x7, UC_X(7)(tp)
	sd	x8, UC_X(8)(tp)
	sd	x9, UC_X(9)(tp)
	sd	x10, UC_X(10)(tp)
	sd	x11, UC_X(11)(tp)
	sd	x12, UC_X(12)(tp)
	sd	x13, UC_X(13)(tp)
	sd	x14, UC_X(14)(tp)
	sd	x15, UC_X(15)(tp)
	sd	x16, UC_X(16)(tp)
	sd	x17, UC_X(17)(tp)
	sd	x18, UC_X(18)(tp)
	sd	x19, UC_X(19)(tp)
	sd	x20, UC_X(20)(tp)
	sd	x21, UC_X(21)(tp)
	sd	x22, UC_X(22)(tp)
	sd	x23, UC_X(23)(tp)
	sd	x24, UC_X(24)(tp)
	sd	x25, UC_X(25)(tp)
	sd	x26, UC_X(26)(tp)
	sd	x27, UC_X(27)(tp)
	sd	x28, UC_X(28)(tp)
	sd	x29, UC_X(29)(tp)
	sd	x30, UC_X(30)(tp)
	sd	x31, UC_X(31)(tp)
	csrr	t0, sscratch
	sd	t0, UC_X(4)(tp)
	csrw	sscratch, zero          /* back in S-mode: sscratch is 0 */
	csrr	t0, sepc
	sd	t0, UC_PC(tp)
	csrr	t0, scause
	sd	t0, UC_SCAUSE(tp)
	csrr	t0, stval
	sd	t0, UC_STVAL(tp)
	csrr	t0, sstatus
	sd	t0, UC_SSTATUS(tp)

	/* FP registers only if user code wrote one (FS Dirty). */
	li	t1, SSTATUS_FS
	and	t2, t0, t1
	bne	t2, t1, 1f
	fsd	f0, UC_F(0)(tp)
	fsd	f1, UC_F(1)(tp)
	fsd	f2, UC_F(2)(tp)
	fsd	f3, UC_F(3)(tp)
	fsd	f4, UC_F(4)(tp)
	fsd	f5, UC_F(5)(tp)
	fsd	f6, UC_F(6)(tp)
	fsd	f7, UC_F(7)(tp)
	fsd	f8, UC_F(8)(tp)
	fsd	f9, UC_F(9)(tp)
	fsd	f10, UC_F(10)(tp)
	fsd	f11, UC_F(11)(tp)
	fsd	f12, UC_F(12)(tp)
	fsd	f13, UC_F(13)(tp)
	fsd	f14, UC_F(14)(tp)
	fsd	f15, UC_F(15)(tp)
	fsd	f16, UC_F(16)(tp)
	fsd	f17, UC_F(17)(tp)
	fsd	f18, UC_F(18)(tp)
	fsd	f19, UC_F(19)(tp)
	fsd	f20, UC_F(20)(tp)
	fsd	f21, UC_F(21)(tp)
	fsd	f22, UC_F(22)(tp)
	fsd	f23, UC_F(23)(tp)
	fsd	f24, UC_F(24)(tp)
	fsd	f25, UC_F(25)(tp)
	fsd	f26, UC_F(26)(tp)
	fsd	f27, UC_F(27)(tp)
	fsd	f28, UC_F(28)(tp)
	fsd	f29, UC_F(29)(tp)
	fsd	f30, UC_F(30)(tp)
	fsd	f31, UC_F(31)(tp)
	frcsr	t0
	sd	t0, UC_FCSR(tp)
	li	t0, SSTATUS_FS_DIRTY_BIT
	csrc	sstatus, t0
1:
	ld	sp, UC_KSP(tp)
	ld	gp, UC_KGP(tp)
	ld	ra, 0*8(sp)
	ld	s0, 1*8(sp)
	ld	s1, 2*8(sp)
	ld	s2, 3*8(sp)
	ld	s3, 4*8(sp)
	ld	s4, 5*8(sp)
	ld	s5, 6*8(sp)
	ld	s6, 7*8(sp)
	ld	s7, 8*8(sp)
	ld	s8, 9*8(sp)
	ld	s9, 10*8(sp)
	ld	s10, 11*8(sp)
	ld	s11, 12*8(sp)
	addi	sp, sp, KFRAME
	ret
