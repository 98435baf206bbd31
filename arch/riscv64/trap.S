/*
 * Supervisor trap entry. Saves the whole integer register file and the trap
 * CSRs in a struct riscv_trap_frame on the current stack, calls
 * riscv_trap(frame), then restores everything (sepc and sstatus included, so
 * a handler may redirect the return) and returns with sret.
 *
 * Stack overflow: a trap taken with less than a frame of stack left above
 * the current stack's bottom (arch/cpu.h) would fault again on the guard page
 * below it, forever. So before touching the stack the entry compares sp with
 * that bottom, using the hart's scratch slots (through gp, keeping sscratch
 * free for the user-mode entry), and in that case builds the frame on the
 * hart's emergency stack instead; riscv_trap() sees the interrupted sp and
 * reports the overflow.
 *
 * Layout (struct riscv_trap_frame, riscv.h): x0..x31 at 8*i (x0's slot
 * holds nothing), then sepc, sstatus, scause, stval. 36 words = 288 bytes,
 * a multiple of 16.
 */
#include <arch/cpu.h>

#define FRAME_SIZE (36 * 8)

	.section .text
	.balign 4
	.globl riscv_trap_entry
riscv_trap_entry:
#ifdef CONFIG_HAL_USER_MODE
	/*
	 * sscratch is 0 in S-mode and the user context while user code runs
	 * (user_entry.S): a non-zero swap result means the trap came from U-mode.
	 */
	csrrw	tp, sscratch, tp
	beqz	tp, 2f
	j	riscv_user_trap
2:	csrrw	tp, sscratch, tp        /* tp back, sscratch 0 again */
#endif
	sd	t0, HART_T0(gp)
	sd	sp, HART_SP(gp)
	ld	t0, HART_STACK_BOTTOM(gp)
	addi	t0, t0, FRAME_SIZE
	bgeu	sp, t0, 1f
	ld	sp, HART_OVERFLOW_TOP(gp) /* no room for a frame: the emergency stack */
1:	addi	sp, sp, -FRAME_SIZE
	ld	t0, HART_T0(gp)
	sd	x1, 1*8(sp)
	sd	x3, 3*8(sp)
	sd	x4, 4*8(sp)
	sd	x5, 5*8(sp)
	sd	x6, 6*8(sp)
	sd	x7, 7*8(sp)
	sd	x8, 8*8(sp)
	sd	x9, 9*8(sp)
	sd	x10, 10*8(sp)
	sd	x11, 11*8(sp)
	sd	x12, 12*8(sp)
	sd	x13, 13*8(sp)
	sd	x14, 14*8(sp)
	sd	x15, 15*8(sp)
	sd	x16, 16*8(sp)
	sd	x17, 17*8(sp)
	sd	x18, 18*8(sp)
	sd	x19, 19*8(sp)
	sd	x20, 20*8(sp)
	sd	x21, 21*8(sp)
	sd	x22, 22*8(sp)
	sd	x23, 23*8(sp)
	sd	x24, 24*8(sp)
	sd	x25, 25*8(sp)
	sd	x26, 26*8(sp)
	sd	x27, 27*8(sp)
	sd	x28, 28*8(sp)
	sd	x29, 29*8(sp)
	sd	x30, 30*8(sp)
	sd	x31, 31*8(sp)
	ld	t0, HART_SP(gp)
	sd	t0, 2*8(sp)            /* the interrupted sp */
	csrr	t0, sepc
	sd	t0, 32*8(sp)
	csrr	t0, sstatus
	sd	t0, 33*8(sp)
	csrr	t0, scause
	sd	t0, 34*8(sp)
	csrr	t0, stval
	sd	t0, 35*8(sp)

	mv	a0, sp
	call	riscv_trap

	ld	t0, 32*8(sp)
	csrw	sepc, t0
	ld	t0, 33*8(sp)
	csrw	sstatus, t0
	ld	x1, 1*8(sp)
	/*
	 * Not x3 (gp): it is the hart's, and the interrupted flow may resume on
	 * another hart than the one it trapped on (preempted here, then run
	 * elsewhere by the scheduler): it must find that hart's block.
	 */
	ld	x4, 4*8(sp)
	ld	x5, 5*8(sp)
	ld	x6, 6*8(sp)
	ld	x7, 7*8(sp)
	ld	x8, 8*8(sp)
	ld	x9, 9*8(sp)
	ld	x10, 10*8(sp)
	ld	x11, 11*8(sp)
	ld	x12, 12*8(sp)
	ld	x13, 13*8(sp)
	ld	x14, 14*8(sp)
	ld	x15, 15*8(sp)
	ld	x16, 16*8(sp)
	ld	x17, 17*8(sp)
	ld	x18, 18*8(sp)
	ld	x19, 19*8(sp)
	ld	x20, 20*8(sp)
	ld	x21, 21*8(sp)
	ld	x22, 22*8(sp)
	ld	x23, 23*8(sp)
	ld	x24, 24*8(sp)
	ld	x25, 25*8(sp)
	ld	x26, 26*8(sp)
	ld	x27, 27*8(sp)
	ld	x28, 28*8(sp)
	ld	x29, 29*8(sp)
	ld	x30, 30*8(sp)
	ld	x31, 31*8(sp)
	ld	x2, 2*8(sp)
	sret
