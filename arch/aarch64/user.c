/*
 * User mode on aarch64 (hal/user.h): the C side of user_entry.S. A trap
 * from EL0 comes back here with the user's registers in the context and
 * interrupts masked; this decodes ESR_EL1, handles an interrupt as the
 * kernel-mode path would, loads the FP/SIMD registers on their first use,
 * and tells the caller what happened.
 */
#include <hal/cpu.h>
#include <hal/user.h>
#include <klib/string.h>
#include <stddef.h>
#include "aarch64.h"

#define UC_OFFSET_IS(field, off)                                                                   \
	_Static_assert(offsetof(struct hal_user_context, field) == (off), #field)
UC_OFFSET_IS(x, UC_X(0));
UC_OFFSET_IS(sp, UC_SP);
UC_OFFSET_IS(pc, UC_PC);
UC_OFFSET_IS(pstate, UC_PSTATE);
UC_OFFSET_IS(tpidr, UC_TPIDR);
UC_OFFSET_IS(esr, UC_ESR);
UC_OFFSET_IS(far, UC_FAR);
UC_OFFSET_IS(vector, UC_VECTOR);
UC_OFFSET_IS(fp_live, UC_FP_LIVE);
UC_OFFSET_IS(v, UC_V(0));
UC_OFFSET_IS(fpsr, UC_FPSR);
UC_OFFSET_IS(fpcr, UC_FPCR);

enum { REG_X0 = 0, REG_X8 = 8 };

/* With the top byte ignored (TCR_EL1.TBI0), a user address's tag is not part of it. */
static inline uint64_t untag(uint64_t addr)
{
	return addr & 0x00ffffffffffffffull;
}

void aarch64_user_enter(struct hal_user_context *uc);
void aarch64_fp_load(const struct hal_user_context *uc);
void aarch64_fp_save(struct hal_user_context *uc);

void hal_user_init(struct hal_user_context *uc, uintptr_t pc, uintptr_t sp)
{
	memset(uc, 0, sizeof(*uc));
	uc->pc = pc;
	uc->sp = sp;
}

static enum hal_user_event abort_event(uint64_t esr)
{
	unsigned fsc = ISS_FSC(ESR_ISS(esr));

	switch (fsc & 0x3c) {
	case 0x04: /* translation */
	case 0x08: /* access flag */
	case 0x0c: /* permission */
		return HAL_USER_PAGE_FAULT;
	}
	return fsc == 0x21 ? HAL_USER_MISALIGNED : HAL_USER_ACCESS;
}

static enum hal_user_event decode_sync(struct hal_user_context *uc, struct hal_user_trap *trap)
{
	uint64_t esr = uc->esr;

	switch (ESR_EC(esr)) {
	case EC_SVC64:
		return HAL_USER_SYSCALL; /* ELR_EL1 is already past the svc */
	case EC_IABT_LOW:
		trap->access = HAL_ACCESS_EXEC;
		return abort_event(esr);
	case EC_DABT_LOW:
		trap->access = ESR_ISS(esr) & ISS_WNR ? HAL_ACCESS_WRITE : HAL_ACCESS_READ;
		return abort_event(esr);
	case EC_PC_ALIGN:
		trap->access = HAL_ACCESS_EXEC;
		trap->addr = uc->pc;
		return HAL_USER_MISALIGNED;
	case EC_SP_ALIGN:
		trap->addr = uc->sp;
		return HAL_USER_MISALIGNED;
	case EC_BRK64:
		return HAL_USER_BREAKPOINT;
	default:
		/* Undefined instructions, and the system registers, SVE and SME
		 * state EL0 is not given (the auxiliary vector does not offer them). */
		return HAL_USER_ILLEGAL;
	}
}

static enum hal_user_event decode(struct hal_user_context *uc, struct hal_user_trap *trap)
{
	trap->cause = uc->esr;
	trap->pc = uc->pc;
	trap->addr = untag(uc->far);
	trap->access = HAL_ACCESS_READ;
	switch (uc->vector & 3) {
	case VEC_SYNC:
		return decode_sync(uc, trap);
	case VEC_IRQ:
		trap->cause = 0;
		aarch64_irq(); /* may switch tasks, as from kernel mode */
		return HAL_USER_INTERRUPT;
	default:
		/* An FIQ (nothing is routed there) or an SError (an asynchronous abort):
		 * what the process did is unknown, and its memory may be damaged. */
		trap->cause = uc->vector;
		return HAL_USER_ACCESS;
	}
}

static bool fp_trap(const struct hal_user_context *uc)
{
	return (uc->vector & 3) == VEC_SYNC && ESR_EC(uc->esr) == EC_FP_ACCESS;
}

enum hal_user_event hal_user_run(struct hal_user_context *uc, struct hal_user_trap *trap)
{
	enum hal_user_event ev;

	/* Masked until eret: a trap in between would be taken for one from user mode. */
	hal_irq_disable();
	for (;;) {
		aarch64_user_enter(uc);
		if (!fp_trap(uc))
			break;
		/* The first FP/SIMD instruction of this run: the registers
		 * become uc's, and it runs again. */
		aarch64_fp_load(uc);
		uc->fp_live = 1;
	}
	/* Saved before anything else may run and use them (the interrupt may switch tasks). */
	if (uc->fp_live) {
		aarch64_fp_save(uc);
		uc->fp_live = 0;
	}
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
	return uc->sp;
}

void hal_user_set_sp(struct hal_user_context *uc, uintptr_t sp)
{
	uc->sp = sp;
}

void hal_user_set_tls(struct hal_user_context *uc, uintptr_t tls)
{
	uc->tpidr = tls;
}

uintptr_t hal_user_tls(const struct hal_user_context *uc)
{
	return uc->tpidr;
}

/* Linux arm64: the number in x8, arguments in x0..x5, the result in x0. */
unsigned long hal_user_syscall_nr(const struct hal_user_context *uc)
{
	return uc->x[REG_X8];
}

unsigned long hal_user_syscall_arg(const struct hal_user_context *uc, unsigned i)
{
	return i < 6 ? uc->x[REG_X0 + i] : 0;
}

long hal_user_return(const struct hal_user_context *uc)
{
	return (long)uc->x[REG_X0];
}

void hal_user_set_return(struct hal_user_context *uc, long value)
{
	uc->x[REG_X0] = (uint64_t)value;
}

/* x0..x30, then sp. */
uint64_t hal_user_reg(const struct hal_user_context *uc, unsigned n)
{
	return n < 31 ? uc->x[n] : n == 31 ? uc->sp : 0;
}

const char *hal_user_reg_name(unsigned n)
{
	return n < 31 ? aarch64_reg_names[n] : n == 31 ? "sp" : NULL;
}

/* svc is 4 bytes, as every A64 instruction. */
void hal_user_syscall_restart(struct hal_user_context *uc, unsigned long arg0)
{
	uc->pc -= 4;
	uc->x[0] = arg0;
}

/* The number is in x8. */
void hal_user_syscall_redirect(struct hal_user_context *uc, unsigned long nr)
{
	uc->pc -= 4;
	uc->x[8] = nr;
}

/* x0..x30, then sp (31). */
void hal_user_set_reg(struct hal_user_context *uc, unsigned n, uint64_t value)
{
	if (n < 31)
		uc->x[n] = value;
	else if (n == 31)
		uc->sp = value;
}

/* v0..v31 (16 bytes each), then fpsr and fpcr as 32-bit words: 520 bytes. */
void hal_user_fp_save(const struct hal_user_context *uc, void *buf, size_t len)
{
	uint32_t ctl[2] = {(uint32_t)uc->fpsr, (uint32_t)uc->fpcr};
	size_t n = len < sizeof(uc->v) ? len : sizeof(uc->v);

	memset(buf, 0, len);
	memcpy(buf, uc->v, n);
	if (len >= sizeof(uc->v) + sizeof(ctl))
		memcpy((uint8_t *)buf + sizeof(uc->v), ctl, sizeof(ctl));
}

void hal_user_fp_restore(struct hal_user_context *uc, const void *buf, size_t len)
{
	uint32_t ctl[2];
	size_t n = len < sizeof(uc->v) ? len : sizeof(uc->v);

	memcpy(uc->v, buf, n);
	if (len >= sizeof(uc->v) + sizeof(ctl)) {
		memcpy(ctl, (const uint8_t *)buf + sizeof(uc->v), sizeof(ctl));
		uc->fpsr = ctl[0];
		uc->fpcr = ctl[1];
	}
}
