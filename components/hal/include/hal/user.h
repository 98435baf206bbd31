/*
 * User mode: run a user context until it traps back into the kernel.
 *
 * The kernel keeps each user thread's registers in a struct
 * hal_user_context (the integer and floating-point registers and the pc).
 * hal_user_run() loads them, drops to user mode in whichever address space
 * is active, and returns on the first trap from user mode: a system call, a
 * fault, or an interrupt (already handled when it returns). The kernel side
 * is therefore a plain loop in a task, on its kernel stack:
 *
 *	for (;;) {
 *		switch (hal_user_run(&uc, &trap)) {
 *		case HAL_USER_SYSCALL: ...hal_user_set_return(&uc, do_syscall(...)); break;
 *		case HAL_USER_PAGE_FAULT: ...as_fault(), or kill the process; break;
 *		...
 *		}
 *	}
 *
 * An architecture that can run user code sets CONFIG_HAL_USER.
 */
#ifndef HAL_USER_H
#define HAL_USER_H

#include <stddef.h>
#include <stdint.h>
#include <hal/trap.h>

/*
 * struct hal_user_context comes from the architecture (<arch/user.h>): its
 * size and layout are the architecture's (riscv64: x1..x31, pc, the trap
 * CSRs, f0..f31 and fcsr, and the kernel's own stack pointer while the
 * context runs). Opaque to callers: embed it; initialise it with
 * hal_user_init().
 */
#include <arch/user.h>

enum hal_user_event {
	HAL_USER_SYSCALL,    /* the system-call instruction; the pc is past it */
	HAL_USER_PAGE_FAULT, /* trap->addr, trap->access: resolve it or signal SIGSEGV */
	HAL_USER_INTERRUPT,  /* an interrupt came; it has been handled */
	HAL_USER_ILLEGAL,    /* illegal instruction: SIGILL */
	HAL_USER_BREAKPOINT, /* SIGTRAP */
	HAL_USER_MISALIGNED, /* misaligned access the hardware refused: SIGBUS */
	HAL_USER_ACCESS,     /* access fault outside paging (PMP, bus): SIGSEGV */
	HAL_USER_ARITH,      /* an arithmetic exception the hardware traps (trap->arith): SIGFPE */
};

/* What HAL_USER_ARITH was: Linux's FPE_* si_codes (include/uapi/asm-generic/siginfo.h). */
enum hal_arith {
	HAL_ARITH_INTDIV = 1, /* integer divide by zero */
	HAL_ARITH_INTOVF = 2, /* integer overflow (x86's quotient too large for its register) */
	HAL_ARITH_FLTDIV = 3, /* floating-point divide by zero */
	HAL_ARITH_FLTOVF = 4, /* floating-point overflow */
	HAL_ARITH_FLTUND = 5, /* floating-point underflow */
	HAL_ARITH_FLTRES = 6, /* floating-point inexact result */
	HAL_ARITH_FLTINV = 7, /* floating-point invalid operation */
	HAL_ARITH_FLTSUB = 8, /* subscript out of range */
};

struct hal_user_trap {
	uintptr_t addr;         /* faulting address (page faults, misaligned, access) */
	enum hal_access access; /* what the faulting instruction tried */
	uintptr_t pc;           /* where the trap was taken */
	unsigned long cause;    /* the architecture's trap cause (riscv64's scause), for messages */
	enum hal_arith arith;   /* HAL_USER_ARITH's kind */
};

/* A fresh context: every register zero (the FP/SIMD control registers at the
 * architecture's reset values), starting at pc with stack pointer sp. */
void hal_user_init(struct hal_user_context *uc, uintptr_t pc, uintptr_t sp);

/*
 * Run 'uc' in user mode until it traps. Call it from a task with interrupts
 * enabled; it returns with them enabled.
 */
enum hal_user_event hal_user_run(struct hal_user_context *uc, struct hal_user_trap *trap);

/* The registers a kernel touches by meaning, not by number. */
uintptr_t hal_user_pc(const struct hal_user_context *uc);
void hal_user_set_pc(struct hal_user_context *uc, uintptr_t pc);
uintptr_t hal_user_sp(const struct hal_user_context *uc);
void hal_user_set_sp(struct hal_user_context *uc, uintptr_t sp);
void hal_user_set_tls(struct hal_user_context *uc, uintptr_t tls);
/* The thread pointer hal_user_set_tls() sets (x86-64's FS base: arch_prctl(ARCH_GET_FS)). */
uintptr_t hal_user_tls(const struct hal_user_context *uc);

/*
 * The system call being made: its number and arguments 0..5. Read at every
 * system call (all six): an architecture may define the two inline in
 * <arch/user.h> and say so with HAL_USER_SYSCALL_INLINE.
 */
#ifndef HAL_USER_SYSCALL_INLINE
unsigned long hal_user_syscall_nr(const struct hal_user_context *uc);
unsigned long hal_user_syscall_arg(const struct hal_user_context *uc, unsigned i);
#endif
/* What the system call returns to user mode (a value or -errno). */
void hal_user_set_return(struct hal_user_context *uc, long value);
/*
 * What the result register holds now (riscv64's a0, x86-64's rax): what a
 * call that restores every register (rt_sigreturn) "returns".
 */
long hal_user_return(const struct hal_user_context *uc);
/*
 * Make the system call just made run again on the way back (a signal
 * interrupted it and its handler asked for a restart, or none ran): the pc
 * goes back over the system-call instruction and argument 0, which the
 * return value overwrote, is 'arg0' again.
 */
void hal_user_syscall_restart(struct hal_user_context *uc, unsigned long arg0);
/*
 * Make system call 'nr' run on the way back in place of the one just made
 * (Linux's restart_syscall after -ERESTART_RESTARTBLOCK): the pc goes back
 * over the system-call instruction and the number register is 'nr'.
 */
void hal_user_syscall_redirect(struct hal_user_context *uc, unsigned long nr);

/*
 * Integer register n by the architecture's numbering (fault reports,
 * signal frames). Setting a register the architecture hardwires (riscv64's
 * x0) or one past the last does nothing.
 */
uint64_t hal_user_reg(const struct hal_user_context *uc, unsigned n);
void hal_user_set_reg(struct hal_user_context *uc, unsigned n, uint64_t value);
/*
 * The floating-point registers, for signal frames: 'len' bytes in the
 * architecture's order (riscv64: f0..f31 as 64-bit words, then fcsr as a
 * 32-bit word, 260 bytes), zeros past what it has; restore reads the same.
 */
void hal_user_fp_save(const struct hal_user_context *uc, void *buf, size_t len);
void hal_user_fp_restore(struct hal_user_context *uc, const void *buf, size_t len);
/* Architecture register names for reports ("ra", "sp", ...); NULL past the last. */
const char *hal_user_reg_name(unsigned n);

#endif
