/*
 * aarch64's user context (hal/user.h): what user_entry.S saves and loads.
 * The offsets are plain numbers for the assembly; user.c checks them
 * against the struct.
 */
#ifndef ARCH_USER_H
#define ARCH_USER_H

/* clang-format off */
#define UC_X(n)     ((n) * 8)            /* x0..x30 */
#define UC_SP       (31 * 8)             /* SP_EL0 */
#define UC_PC       (32 * 8)             /* ELR_EL1 */
#define UC_PSTATE   (33 * 8)             /* SPSR_EL1: only NZCV is the user's */
#define UC_TPIDR    (34 * 8)             /* TPIDR_EL0: the thread pointer (TLS) */
#define UC_ESR      (35 * 8)             /* the trap's syndrome, */
#define UC_FAR      (36 * 8)             /* its faulting address, */
#define UC_VECTOR   (37 * 8)             /* and which vector took it (arch/sysreg.h's VEC_*) */
#define UC_FP_LIVE  (38 * 8)             /* the FP registers hold this context's: EL0 may use them */
#define UC_V(n)     (40 * 8 + (n) * 16)  /* v0..v31, 128 bits each */
#define UC_FPSR     (40 * 8 + 32 * 16)
#define UC_FPCR     (UC_FPSR + 8)
/* clang-format on */

#ifndef __ASSEMBLER__
#include <stdint.h>

struct hal_user_context {
	_Alignas(16) uint64_t x[31];
	uint64_t sp, pc, pstate, tpidr;
	uint64_t esr, far, vector;
	uint64_t fp_live, pad;
	_Alignas(16) uint64_t v[32][2];
	uint64_t fpsr, fpcr;
};
#endif

#endif
