/*
 * Per-hart data the trap entry reaches through gp. In S-mode gp always
 * points at the running hart's struct riscv_hart (start.S sets it; the
 * kernel is built without gp-relative addressing, so nothing else uses gp).
 * A later user-mode entry must load it again after saving the user's gp.
 * Included by assembly too: offsets are plain numbers.
 */
#ifndef RISCV_HART_H
#define RISCV_HART_H

#define HART_T0           0  /* trap entry scratch: t0 */
#define HART_SP           8  /* trap entry scratch: the interrupted sp */
#define HART_STACK_BOTTOM 16 /* lowest usable address of the current stack; 0: unchecked */
#define HART_OVERFLOW_TOP 24 /* top of the emergency stack for overflow reports */

#ifndef __ASSEMBLER__
struct riscv_hart {
	unsigned long t0, sp;
	unsigned long stack_bottom;
	unsigned long overflow_top;
};
_Static_assert(__builtin_offsetof(struct riscv_hart, stack_bottom) == HART_STACK_BOTTOM &&
	       __builtin_offsetof(struct riscv_hart, overflow_top) == HART_OVERFLOW_TOP,
	       "hart.h offsets");

extern struct riscv_hart riscv_hart0;
extern char riscv_overflow_stack[];
#endif

#endif
