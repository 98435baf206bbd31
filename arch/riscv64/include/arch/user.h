/*
 * riscv64's user context (hal/user.h): what user_entry.S saves and loads.
 * The offsets are plain numbers for the assembly; user.c checks them
 * against the struct.
 */
#ifndef ARCH_USER_H
#define ARCH_USER_H

/* clang-format off */
#define UC_X(n)    ((n) * 8)          /* x1..x31; x0's slot holds nothing */
#define UC_PC      (32 * 8)
#define UC_SSTATUS (33 * 8)
#define UC_SCAUSE  (34 * 8)
#define UC_STVAL   (35 * 8)
#define UC_KSP     (36 * 8)           /* the kernel's sp while the context runs */
#define UC_KGP     (37 * 8)           /* the kernel's gp (its hart) */
#define UC_F(n)    ((38 + (n)) * 8)   /* f0..f31 */
#define UC_FCSR    (70 * 8)
#define UC_FP_HART (71 * 8)           /* the hart that last loaded f and fcsr; 0: none */
#define UC_FP_SEQ  (72 * 8)           /* that load's number on that hart */
/* clang-format on */

#ifndef __ASSEMBLER__
#include <stdint.h>

struct hal_user_context {
	_Alignas(16) uint64_t x[32];
	uint64_t pc, sstatus, scause, stval;
	uint64_t ksp, kgp;
	uint64_t f[32];
	uint64_t fcsr;
	/*
	 * Which load of the FP registers put f and fcsr on a hart: entry skips
	 * loading them again while that hart has loaded nothing since, for this
	 * context (its fp_owner). A copy of a context keeps the numbers but not
	 * the address, so it loads; whoever changes f or fcsr other than by a
	 * trap's save sets fp_hart to 0 (hal_user_init, hal_user_fp_restore).
	 */
	uint64_t fp_hart, fp_seq;
};

/* Linux riscv64: the number in a7, arguments in a0..a5 (hal/user.h). */
#define HAL_USER_SYSCALL_INLINE 1

static inline unsigned long hal_user_syscall_nr(const struct hal_user_context *uc)
{
	return uc->x[17];
}

static inline unsigned long hal_user_syscall_arg(const struct hal_user_context *uc, unsigned i)
{
	return i < 6 ? uc->x[10 + i] : 0;
}
#endif

#endif
