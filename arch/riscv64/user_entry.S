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
 * Layout of struct hal_user_context words (user.c asserts it):
 *   0..31 x0..x31 (x0 unused)   32 pc      33 sstatus  34 scause  35 stval
 *   36 kernel sp   37 kernel gp   38..69 f0..f31   70 fcsr
 */
#define U_X(n)     ((n) * 8)
#define U_PC       (32 * 8)
#define U_SSTATUS  (33 * 8)
#define U_SCAUSE   (34 * 8)
#define U_STVAL    (35 * 8)
#define U_KSP      (36 * 8)
#define U_KGP      (37 * 8)
#define U_F(n)     ((38 + (n)) * 8)
#define U_FCSR     (70 * 8)

#define SSTATUS_SPIE     0x20
#define SSTATUS_SPP      0x100
#define SSTATUS_FS       0x6000 /* 1 Initial, 2 Clean, 3 Dirty */
#define SSTATUS_FS_DIRTY_BIT 0x2000 /* Dirty minus Clean */

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
	sd	sp, U_KSP(a0)
	sd	gp, U_KGP(a0)

	/* The context's FP registers, then FS = Clean. */
	li	t0, SSTATUS_FS
	csrs	sstatus, t0
	fld	f0, U_F(0)(a0)
	fld	f1, U_F(1)(a0)
	fld	f2, U_F(2)(a0)
	fld	f3, U_F(3)(a0)
	fld	f4, U_F(4)(a0)
	fld	f5, U_F(5)(a0)
	fld	f6, U_F(6)(a0)
	fld	f7, U_F(7)(a0)
	fld	f8, U_F(8)(a0)
	fld	f9, U_F(9)(a0)
	fld	f10, U_F(10)(a0)
	fld	f11, U_F(11)(a0)
	fld	f12, U_F(12)(a0)
	fld	f13, U_F(13)(a0)
	fld	f14, U_F(14)(a0)
	fld	f15, U_F(15)(a0)
	fld	f16, U_F(16)(a0)
	fld	f17, U_F(17)(a0)
	fld	f18, U_F(18)(a0)
	fld	f19, U_F(19)(a0)
	fld	f20, U_F(20)(a0)
	fld	f21, U_F(21)(a0)
	fld	f22, U_F(22)(a0)
	fld	f23, U_F(23)(a0)
	fld	f24, U_F(24)(a0)
	fld	f25, U_F(25)(a0)
	fld	f26, U_F(26)(a0)
	fld	f27, U_F(27)(a0)
	fld	f28, U_F(28)(a0)
	fld	f29, U_F(29)(a0)
	fld	f30, U_F(30)(a0)
	fld	f31, U_F(31)(a0)
	ld	t0, U_FCSR(a0)
	fscsr	t0
	li	t0, SSTATUS_FS_DIRTY_BIT
	csrc	sstatus, t0

	/* sret to U-mode (SPP = 0), where supervisor interrupts are always on. */
	li	t0, SSTATUS_SPP
	csrc	sstatus, t0
	li	t0, SSTATUS_SPIE
	csrs	sstatus, t0
	ld	t0, U_PC(a0)
	csrw	sepc, t0
	csrw	sscratch, a0

	ld	x1, U_X(1)(a0)
	ld	x2, U_X(2)(a0)
	ld	x3, U_X(3)(a0)
	ld	x4, U_X(4)(a0)
	ld	x5, U_X(5)(a0)
	ld	x6, U_X(6)(a0)
	ld	x7, U_X(7)(a0)
	ld	x8, U_X(8)(a0)
	ld	x9, U_X(9)(a0)
	ld	x11, U_X(11)(a0)
	ld	x12, U_X(12)(a0)
	ld	x13, U_X(13)(a0)
	ld	x14, U_X(14)(a0)
	ld	x15, U_X(15)(a0)
	ld	x16, U_X(16)(a0)
	ld	x17, U_X(17)(a0)
	ld	x18, U_X(18)(a0)
	ld	x19, U_X(19)(a0)
	ld	x20, U_X(20)(a0)
	ld	x21, U_X(21)(a0)
	ld	x22, U_X(22)(a0)
	ld	x23, U_X(23)(a0)
	ld	x24, U_X(24)(a0)
	ld	x25, U_X(25)(a0)
	ld	x26, U_X(26)(a0)
	ld	x27, U_X(27)(a0)
	ld	x28, U_X(28)(a0)
	ld	x29, U_X(29)(a0)
	ld	x30, U_X(30)(a0)
	ld	x31, U_X(31)(a0)
	ld	x10, U_X(10)(a0)
	sret

/* Reached from riscv_trap_entry with tp = uc and the user's tp in sscratch. */
	.globl riscv_user_trap
riscv_user_trap:
	sd	x1, U_X(1)(tp)
	sd	x2, U_X(2)(tp)
	sd	x3, U_X(3)(tp)
	sd	x5, U_X(5)(tp)
	sd	x6, U_X(6)(tp)
	sd	x7, U_X(7)(tp)
	sd	x8, U_X(8)(tp)
	sd	x9, U_X(9)(tp)
	sd	x10, U_X(10)(tp)
	sd	x11, U_X(11)(tp)
	sd	x12, U_X(12)(tp)
	sd	x13, U_X(13)(tp)
	sd	x14, U_X(14)(tp)
	sd	x15, U_X(15)(tp)
	sd	x16, U_X(16)(tp)
	sd	x17, U_X(17)(tp)
	sd	x18, U_X(18)(tp)
	sd	x19, U_X(19)(tp)
	sd	x20, U_X(20)(tp)
	sd	x21, U_X(21)(tp)
	sd	x22, U_X(22)(tp)
	sd	x23, U_X(23)(tp)
	sd	x24, U_X(24)(tp)
	sd	x25, U_X(25)(tp)
	sd	x26, U_X(26)(tp)
	sd	x27, U_X(27)(tp)
	sd	x28, U_X(28)(tp)
	sd	x29, U_X(29)(tp)
	sd	x30, U_X(30)(tp)
	sd	x31, U_X(31)(tp)
	csrr	t0, sscratch
	sd	t0, U_X(4)(tp)
	csrw	sscratch, zero          /* back in S-mode: sscratch is 0 */
	csrr	t0, sepc
	sd	t0, U_PC(tp)
	csrr	t0, scause
	sd	t0, U_SCAUSE(tp)
	csrr	t0, stval
	sd	t0, U_STVAL(tp)
	csrr	t0, sstatus
	sd	t0, U_SSTATUS(tp)

	/* FP registers only if user code wrote one (FS Dirty). */
	li	t1, SSTATUS_FS
	and	t2, t0, t1
	bne	t2, t1, 1f
	fsd	f0, U_F(0)(tp)
	fsd	f1, U_F(1)(tp)
	fsd	f2, U_F(2)(tp)
	fsd	f3, U_F(3)(tp)
	fsd	f4, U_F(4)(tp)
	fsd	f5, U_F(5)(tp)
	fsd	f6, U_F(6)(tp)
	fsd	f7, U_F(7)(tp)
	fsd	f8, U_F(8)(tp)
	fsd	f9, U_F(9)(tp)
	fsd	f10, U_F(10)(tp)
	fsd	f11, U_F(11)(tp)
	fsd	f12, U_F(12)(tp)
	fsd	f13, U_F(13)(tp)
	fsd	f14, U_F(14)(tp)
	fsd	f15, U_F(15)(tp)
	fsd	f16, U_F(16)(tp)
	fsd	f17, U_F(17)(tp)
	fsd	f18, U_F(18)(tp)
	fsd	f19, U_F(19)(tp)
	fsd	f20, U_F(20)(tp)
	fsd	f21, U_F(21)(tp)
	fsd	f22, U_F(22)(tp)
	fsd	f23, U_F(23)(tp)
	fsd	f24, U_F(24)(tp)
	fsd	f25, U_F(25)(tp)
	fsd	f26, U_F(26)(tp)
	fsd	f27, U_F(27)(tp)
	fsd	f28, U_F(28)(tp)
	fsd	f29, U_F(29)(tp)
	fsd	f30, U_F(30)(tp)
	fsd	f31, U_F(31)(tp)
	frcsr	t0
	sd	t0, U_FCSR(tp)
	li	t0, SSTATUS_FS_DIRTY_BIT
	csrc	sstatus, t0
1:
	ld	sp, U_KSP(tp)
	ld	gp, U_KGP(tp)
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
