/*
 * User mode on riscv64 (hal/user.h): the C side of user_entry.S. A trap
 * from U-mode comes back here with the user's registers in the context and
 * interrupts off; this decodes scause, handles a timer interrupt as the
 * kernel-mode path would, and tells the caller what happened.
 */
#include <hal/cpu.h>
#include <hal/user.h>
#include <klib/string.h>
#include <stddef.h>
#include "riscv.h"

#define UC_OFFSET_IS(field, off)                                                                   \
	_Static_assert(offsetof(struct hal_user_context, field) == (off), #field)
UC_OFFSET_IS(x, UC_X(0));
UC_OFFSET_IS(pc, UC_PC);
UC_OFFSET_IS(sstatus, UC_SSTATUS);
UC_OFFSET_IS(scause, UC_SCAUSE);
UC_OFFSET_IS(stval, UC_STVAL);
UC_OFFSET_IS(ksp, UC_KSP);
UC_OFFSET_IS(kgp, UC_KGP);
UC_OFFSET_IS(f, UC_F(0));
UC_OFFSET_IS(fcsr, UC_FCSR);
UC_OFFSET_IS(fp_hart, UC_FP_HART);
UC_OFFSET_IS(fp_seq, UC_FP_SEQ);

enum { REG_SP = 2, REG_TP = 4, REG_A0 = 10, REG_A7 = 17 };

void riscv_user_enter(struct hal_user_context *uc);

void hal_user_init(struct hal_user_context *uc, uintptr_t pc, uintptr_t sp)
{
	memset(uc, 0, sizeof(*uc));
	uc->pc = pc;
	uc->x[REG_SP] = sp;
}

static enum hal_access access_of(unsigned long code)
{
	switch (code) {
	case EXC_INST_MISALIGNED:
	case EXC_INST_ACCESS:
	case EXC_INST_PAGE_FAULT:
		return HAL_ACCESS_EXEC;
	case EXC_LOAD_MISALIGNED:
	case EXC_LOAD_ACCESS:
	case EXC_LOAD_PAGE_FAULT:
		return HAL_ACCESS_READ;
	default:
		return HAL_ACCESS_WRITE;
	}
}

static enum hal_user_event decode(struct hal_user_context *uc, struct hal_user_trap *trap)
{
	unsigned long scause = uc->scause;
	unsigned long code = scause & ~SCAUSE_INTERRUPT;

	trap->cause = scause;
	trap->pc = uc->pc;
	trap->addr = uc->stval;
	trap->access = access_of(code);
	if (scause & SCAUSE_INTERRUPT) {
		if (code == IRQ_S_TIMER)
			riscv_timer_interrupt(); /* may switch tasks, as from kernel mode */
#ifdef CONFIG_SMP
		else if (code == IRQ_S_SOFT)
			riscv_ipi_interrupt();
#endif
		return HAL_USER_INTERRUPT;
	}
	switch (code) {
	case EXC_ECALL_U:
		uc->pc += 4; /* return past the ecall */
		return HAL_USER_SYSCALL;
	case EXC_INST_PAGE_FAULT:
	case EXC_LOAD_PAGE_FAULT:
	case EXC_STORE_PAGE_FAULT:
		return HAL_USER_PAGE_FAULT;
	case EXC_ILLEGAL:
		return HAL_USER_ILLEGAL;
	case EXC_BREAKPOINT:
		return HAL_USER_BREAKPOINT;
	case EXC_INST_MISALIGNED:
	case EXC_LOAD_MISALIGNED:
	case EXC_STORE_MISALIGNED:
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

uintptr_t hal_user_pc(const struct hal_user_context *uc)
{
	return uc->pc;
}

void hal_user_set_pc(struct hal_user_context *uc, uintptr_t pc)
{
	uc->pc = pc;
}

uintptr_t hal_user_sp(const struct hal_user_context *uc)
{
	return uc->x[REG_SP];
}

void hal_user_set_sp(struct hal_user_context *uc, uintptr_t sp)
{
	uc->x[REG_SP] = sp;
}

void hal_user_set_tls(struct hal_user_context *uc, uintptr_t tls)
{
	uc->x[REG_TP] = tls;
}

uintptr_t hal_user_tls(const struct hal_user_context *uc)
{
	return uc->x[REG_TP];
}

/* Linux riscv64: the result in a0 (the number and arguments: arch/user.h). */
_Static_assert(REG_A7 == 17 && REG_A0 == 10, "arch/user.h's system-call registers");

long hal_user_return(const struct hal_user_context *uc)
{
	return (long)uc->x[REG_A0];
}

void hal_user_set_return(struct hal_user_context *uc, long value)
{
	uc->x[REG_A0] = (uint64_t)value;
}

uint64_t hal_user_reg(const struct hal_user_context *uc, unsigned n)
{
	return n < 32 ? uc->x[n] : 0;
}

void hal_user_set_reg(struct hal_user_context *uc, unsigned n, uint64_t value)
{
	if (n > 0 && n < 32)
		uc->x[n] = value;
}

/* ecall is 4 bytes (there is no compressed form). */
void hal_user_syscall_restart(struct hal_user_context *uc, unsigned long arg0)
{
	uc->pc -= 4;
	uc->x[REG_A0] = arg0;
}

void hal_user_syscall_redirect(struct hal_user_context *uc, unsigned long nr)
{
	uc->pc -= 4;
	uc->x[REG_A7] = nr;
}

/* f0..f31 then fcsr's 32 bits: the order of Linux's __riscv_d_ext_state. */
void hal_user_fp_save(const struct hal_user_context *uc, void *buf, size_t len)
{
	uint32_t fcsr = (uint32_t)uc->fcsr;
	size_t n = len < sizeof(uc->f) ? len : sizeof(uc->f);

	memset(buf, 0, len);
	memcpy(buf, uc->f, n);
	if (len >= sizeof(uc->f) + sizeof(fcsr))
		memcpy((uint8_t *)buf + sizeof(uc->f), &fcsr, sizeof(fcsr));
}

void hal_user_fp_restore(struct hal_user_context *uc, const void *buf, size_t len)
{
	uint32_t fcsr;
	size_t n = len < sizeof(uc->f) ? len : sizeof(uc->f);

	memcpy(uc->f, buf, n);
	uc->fp_hart = 0; /* changed: the next entry loads them */
	if (len >= sizeof(uc->f) + sizeof(fcsr)) {
		memcpy(&fcsr, (const uint8_t *)buf + sizeof(uc->f), sizeof(fcsr));
		uc->fcsr = fcsr;
	}
}

const char *hal_user_reg_name(unsigned n)
{
	return n < 32 ? riscv_reg_names[n] : NULL;
}
