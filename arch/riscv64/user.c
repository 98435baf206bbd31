/*
 * User mode on riscv64 (hal/user.h): the C side of user_entry.S. A trap
 * from U-mode comes back here with the user's registers in the context and
 * interrupts off; this decodes scause, handles a timer interrupt as the
 * kernel-mode path would, and tells the caller what happened.
 */
#include <hal/cpu.h>
#include <hal/user.h>
#include "riscv.h"

enum { U_PC = 32, U_SSTATUS, U_SCAUSE, U_STVAL, U_KSP, U_KGP, U_F0, U_FCSR = U_F0 + 32 };
_Static_assert(U_FCSR < sizeof(((struct hal_user_context *)0)->words) / 8, "user context layout");

void riscv_user_enter(struct hal_user_context *uc);

enum {
	EXC_INST_MISALIGNED = 0, EXC_INST_ACCESS = 1, EXC_ILLEGAL = 2, EXC_BREAKPOINT = 3,
	EXC_LOAD_MISALIGNED = 4, EXC_LOAD_ACCESS = 5, EXC_STORE_MISALIGNED = 6,
	EXC_STORE_ACCESS = 7, EXC_ECALL_U = 8, EXC_INST_PAGE_FAULT = 12,
	EXC_LOAD_PAGE_FAULT = 13, EXC_STORE_PAGE_FAULT = 15,
};

void hal_user_init(struct hal_user_context *uc, uintptr_t pc, uintptr_t sp)
{
	for (unsigned i = 0; i < sizeof(uc->words) / sizeof(uc->words[0]); i++)
		uc->words[i] = 0;
	uc->words[U_PC] = pc;
	uc->words[2] = sp;
}

static enum hal_access access_of(unsigned long code)
{
	switch (code) {
	case EXC_INST_MISALIGNED: case EXC_INST_ACCESS: case EXC_INST_PAGE_FAULT:
		return HAL_ACCESS_EXEC;
	case EXC_LOAD_MISALIGNED: case EXC_LOAD_ACCESS: case EXC_LOAD_PAGE_FAULT:
		return HAL_ACCESS_READ;
	default:
		return HAL_ACCESS_WRITE;
	}
}

static enum hal_user_event decode(struct hal_user_context *uc, struct hal_user_trap *trap)
{
	unsigned long scause = uc->words[U_SCAUSE];
	unsigned long code = scause & ~SCAUSE_INTERRUPT;

	trap->cause = scause;
	trap->pc = uc->words[U_PC];
	trap->addr = uc->words[U_STVAL];
	trap->access = access_of(code);
	if (scause & SCAUSE_INTERRUPT) {
		if (code == IRQ_S_TIMER)
			riscv_timer_interrupt(); /* may switch tasks, as from kernel mode */
		return HAL_USER_INTERRUPT;
	}
	switch (code) {
	case EXC_ECALL_U:
		uc->words[U_PC] += 4; /* return past the ecall */
		return HAL_USER_SYSCALL;
	case EXC_INST_PAGE_FAULT: case EXC_LOAD_PAGE_FAULT: case EXC_STORE_PAGE_FAULT:
		return HAL_USER_PAGE_FAULT;
	case EXC_ILLEGAL:
		return HAL_USER_ILLEGAL;
	case EXC_BREAKPOINT:
		return HAL_USER_BREAKPOINT;
	case EXC_INST_MISALIGNED: case EXC_LOAD_MISALIGNED: case EXC_STORE_MISALIGNED:
		return HAL_USER_MISALIGNED;
	default:
		return HAL_USER_ACCESS;
	}
}

enum hal_user_event hal_user_run(struct hal_user_context *uc, struct hal_user_trap *trap)
{
	enum hal_user_event ev;

	/* Off until sret: a trap between setting sscratch and sret would be
	 * taken for one from user mode. */
	hal_irq_disable();
	riscv_user_enter(uc);
	ev = decode(uc, trap);
	hal_irq_enable();
	return ev;
}

uintptr_t hal_user_pc(const struct hal_user_context *uc) { return uc->words[U_PC]; }
void hal_user_set_pc(struct hal_user_context *uc, uintptr_t pc) { uc->words[U_PC] = pc; }
uintptr_t hal_user_sp(const struct hal_user_context *uc) { return uc->words[2]; }
void hal_user_set_sp(struct hal_user_context *uc, uintptr_t sp) { uc->words[2] = sp; }
void hal_user_set_tls(struct hal_user_context *uc, uintptr_t tls) { uc->words[4] = tls; }

/* Linux riscv64: the number in a7, arguments in a0..a5, the result in a0. */
unsigned long hal_user_syscall_nr(const struct hal_user_context *uc) { return uc->words[17]; }

unsigned long hal_user_syscall_arg(const struct hal_user_context *uc, unsigned i)
{
	return i < 6 ? uc->words[10 + i] : 0;
}

void hal_user_set_return(struct hal_user_context *uc, long value) { uc->words[10] = (uint64_t)value; }

uint64_t hal_user_reg(const struct hal_user_context *uc, unsigned n)
{
	return n < 32 ? uc->words[n] : 0;
}

const char *hal_user_reg_name(unsigned n)
{
	static const char *const abi[32] = {
		"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0",
		"a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5",
		"s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
	};
	return n < 32 ? abi[n] : 0;
}
