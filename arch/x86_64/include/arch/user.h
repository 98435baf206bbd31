/*
 * x86-64's user context (hal/user.h): what user_entry.S saves and loads.
 * The general registers are kept by their number in the instruction
 * encoding (rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8..r15), which is
 * hal_user_reg()'s numbering too. The FP state is an XSAVE area (Intel
 * SDM vol. 1, 13.4: the 512-byte FXSAVE image, the 64-byte header, then
 * AVX's upper halves of the YMM registers) where the CPU has XSAVE, else
 * the FXSAVE image alone (10.5.1); its first 512 bytes are the fpstate of
 * Linux's signal frame either way. The offsets are plain numbers for the
 * assembly; user.c checks them against the struct.
 */
#ifndef ARCH_USER_H
#define ARCH_USER_H

/* clang-format off */
#define UC_REG(n)   ((n) * 8)  /* by encoding number: rax 0 ... r15 15 */
#define UC_RIP      (16 * 8)
#define UC_RFLAGS   (17 * 8)
#define UC_FS_BASE  (18 * 8)   /* IA32_FS_BASE: the thread pointer (TLS) */
#define UC_GS_BASE  (19 * 8)   /* the user's GS base (IA32_KERNEL_GS_BASE while the kernel runs) */
#define UC_VECTOR   (20 * 8)   /* what trapped: an IDT vector, or UC_VEC_SYSCALL */
#define UC_ERROR    (21 * 8)   /* the exception's error code (0 where it has none) */
#define UC_ORIG_RAX (22 * 8)   /* rax at the syscall (the number), for a restart */
#define UC_CR2      (23 * 8)   /* a page fault's address (CR2), for the signal frame */
#define UC_FXSAVE   (24 * 8)   /* UC_FP_SIZE bytes, 64-byte aligned (XSAVE's) */
#define UC_FP_SIZE  1024       /* x87, SSE and AVX take 832 (CPUID 0xd); more is not enabled */
#define UC_SIZE     (UC_FXSAVE + UC_FP_SIZE)
#define UC_VEC_SYSCALL 0x100   /* past the IDT's 256 vectors: the syscall instruction */

#define UC_RAX 0
#define UC_RCX 1
#define UC_RDX 2
#define UC_RBX 3
#define UC_RSP 4
#define UC_RBP 5
#define UC_RSI 6
#define UC_RDI 7
/* clang-format on */

#ifndef __ASSEMBLER__
#include <stdint.h>

struct hal_user_context {
	_Alignas(64) uint64_t r[16];
	uint64_t rip, rflags;
	uint64_t fs_base, gs_base;
	uint64_t vector, error, orig_rax, cr2;
	_Alignas(64) uint8_t fxsave[UC_FP_SIZE];
};

/*
 * The user FP state's size (user.c): the XSAVE area's for the features
 * enabled in XCR0, or 0 when the CPU has no XSAVE (the FXSAVE image
 * alone); and those features (XCR0). For the Linux signal frame.
 */
unsigned x86_64_user_xsave_size(void);
uint64_t x86_64_user_xfeatures(void);
#endif

#endif
