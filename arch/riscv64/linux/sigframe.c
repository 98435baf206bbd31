/*
 * riscv64's struct rt_sigframe (Linux's arch/riscv/kernel/signal.c and
 * uapi/asm/{ucontext,sigcontext,ptrace}.h): the siginfo, then the
 * ucontext, whose uc_mcontext is struct sigcontext: sc_regs (pc, then
 * x1..x31, the order of struct user_regs_struct) and the FP union, of
 * which the D state (f0..f31, fcsr) is written. The union's last words
 * are the extension area's reserved word and the END record (magic 0,
 * size 0): without the V extension nothing else follows. Offsets are
 * plain numbers: this file is the layout, written once.
 */
#include <klib/errno.h>
#include <klib/string.h>
#include <linux-generic/frame_bytes.h>
#include <process/linux_sigframe.h>

/* clang-format off */
#define FR_INFO        0
#define FR_UC          128
#define UC_FLAGS       (FR_UC + 0)
#define UC_LINK        (FR_UC + 8)
#define UC_STACK_SP    (FR_UC + 16)
#define UC_STACK_FLAGS (FR_UC + 24)
#define UC_STACK_SIZE  (FR_UC + 32)
#define UC_SIGMASK     (FR_UC + 40)
#define UC_MCONTEXT    (FR_UC + 176)
#define SC_REGS        (UC_MCONTEXT + 0)   /* pc, x1..x31 */
#define SC_FP          (UC_MCONTEXT + 256) /* __riscv_d_ext_state: f[32], fcsr */
#define SC_FP_SIZE     260
#define SC_RESERVED    (UC_MCONTEXT + 772) /* __riscv_extra_ext_header.reserved */
#define SC_HDR_MAGIC   (UC_MCONTEXT + 776)
#define SC_HDR_SIZE    (UC_MCONTEXT + 780)
#define FRAME_END      (UC_MCONTEXT + 784)
#define END_MAGIC      0u
#define REG_RA 1
#define REG_A0 10
/* clang-format on */

_Static_assert(FRAME_END == LINUX_ARCH_SIGFRAME_SIZE, "rt_sigframe is 1088 bytes");

/* li a7, 139 (__NR_rt_sigreturn); ecall: the vDSO's __vdso_rt_sigreturn. */
const uint8_t linux_arch_sigreturn_code[] = {
    0x93, 0x08, 0xb0, 0x08, /* addi a7, zero, 139 */
    0x73, 0x00, 0x00, 0x00, /* ecall */
};
const size_t linux_arch_sigreturn_size = sizeof(linux_arch_sigreturn_code);

void linux_arch_sigframe_build(void *out, struct hal_user_context *uc,
                               const struct linux_arch_sigframe *f)
{
	uint8_t *buf = out;

	memset(buf, 0, LINUX_ARCH_SIGFRAME_SIZE);
	memcpy(buf + FR_INFO, f->info, 128);
	put64(buf, UC_STACK_SP, f->stack.sp);
	put32(buf, UC_STACK_FLAGS, (uint32_t)f->stack.flags);
	put64(buf, UC_STACK_SIZE, f->stack.size);
	put64(buf, UC_SIGMASK, f->mask);
	put64(buf, SC_REGS, hal_user_pc(uc));
	for (unsigned n = 1; n < 32; n++)
		put64(buf, SC_REGS + 8 * n, hal_user_reg(uc, n));
	hal_user_fp_save(uc, buf + SC_FP, SC_FP_SIZE);
	put32(buf, SC_HDR_MAGIC, END_MAGIC); /* reserved and the END record stay 0 */

	/* Linux passes info and uc whether or not SA_SIGINFO was asked for. */
	hal_user_set_pc(uc, f->handler);
	hal_user_set_sp(uc, f->frame);
	hal_user_set_reg(uc, REG_RA, f->restorer);
	hal_user_set_reg(uc, REG_A0, (uint64_t)f->sig);
	hal_user_set_reg(uc, REG_A0 + 1, f->frame + FR_INFO);
	hal_user_set_reg(uc, REG_A0 + 2, f->frame + FR_UC);
}

int linux_arch_sigframe_restore(const void *in, struct hal_user_context *uc, uint64_t *mask,
                                struct linux_arch_stack *stack)
{
	const uint8_t *buf = in;

	/* Linux's restore_sigcontext: the reserved word, then the END record only. */
	if (get32(buf, SC_RESERVED) != 0 || get32(buf, SC_HDR_MAGIC) != END_MAGIC ||
	    get32(buf, SC_HDR_SIZE) != 0)
		return -EINVAL;
	*mask = get64(buf, UC_SIGMASK);
	stack->sp = get64(buf, UC_STACK_SP);
	stack->flags = (int32_t)get32(buf, UC_STACK_FLAGS);
	stack->size = get64(buf, UC_STACK_SIZE);
	hal_user_set_pc(uc, get64(buf, SC_REGS));
	for (unsigned n = 1; n < 32; n++)
		hal_user_set_reg(uc, n, get64(buf, SC_REGS + 8 * n));
	hal_user_fp_restore(uc, buf + SC_FP, SC_FP_SIZE);
	return 0;
}

/* The frame's size is fixed here: process gives AT_IGNORE in AT_MINSIGSTKSZ's place. */
uint64_t linux_arch_minsigstksz(void)
{
	return 0;
}
