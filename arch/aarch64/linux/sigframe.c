/*
 * aarch64's struct rt_sigframe (Linux's arch/arm64/kernel/signal.c and
 * uapi/asm/{ucontext,sigcontext}.h): the siginfo, then the ucontext, whose
 * uc_mcontext is struct sigcontext (fault_address, x0..x30, sp, pc,
 * pstate) with 4096 reserved bytes holding records: the fpsimd_context
 * (v0..v31, fpsr, fpcr), then the END record (magic 0, size 0). After the
 * frame, Linux's frame record {x29, x30} for unwinders, which the handler's
 * x29 points to. Offsets are plain numbers (checked against glibc's
 * ucontext_t and the uapi fpsimd_context); this file is the layout.
 */
#include <arch/user.h>
#include <stdbool.h>
#include <klib/errno.h>
#include <klib/string.h>
#include <linux-generic/frame_bytes.h>
#include <process/linux_sigframe.h>

/* clang-format off */
#define FR_INFO        0
#define FR_UC          128
#define UC_STACK_SP    (FR_UC + 16)
#define UC_STACK_FLAGS (FR_UC + 24)
#define UC_STACK_SIZE  (FR_UC + 32)
#define UC_SIGMASK     (FR_UC + 40)
#define UC_MCONTEXT    (FR_UC + 176)
#define SC_FAULT_ADDR  (UC_MCONTEXT + 0)
#define SC_REGS        (UC_MCONTEXT + 8)   /* x0..x30 */
#define SC_SP          (UC_MCONTEXT + 256)
#define SC_PC          (UC_MCONTEXT + 264)
#define SC_PSTATE      (UC_MCONTEXT + 272)
#define SC_RESERVED    (UC_MCONTEXT + 288) /* 4096 bytes of records */
#define SC_RESERVED_SIZE 4096
#define FRAME_RECORD   (SC_RESERVED + SC_RESERVED_SIZE) /* sizeof(struct rt_sigframe) */
#define FRAME_END      (FRAME_RECORD + 16)
#define FPSIMD_MAGIC   0x46508001u
#define FPSIMD_SIZE    528                 /* head, fpsr, fpcr, then v0..v31 at +16 */
#define ESR_MAGIC      0x45535201u
#define PSTATE_NZCV    0xf0000000ull       /* what a user may set (valid_user_regs) */
/* clang-format on */

_Static_assert(FRAME_END == LINUX_ARCH_SIGFRAME_SIZE, "rt_sigframe + frame record is 4704 bytes");

/* mov x8, #139 (__NR_rt_sigreturn); svc #0: only for a handler without SA_RESTORER. */
const uint8_t linux_arch_sigreturn_code[] = {
    0x68, 0x11, 0x80, 0xd2, /* movz x8, #139 */
    0x01, 0x00, 0x00, 0xd4, /* svc #0 */
};
const size_t linux_arch_sigreturn_size = sizeof(linux_arch_sigreturn_code);

void linux_arch_sigframe_build(void *out, struct hal_user_context *uc,
                               const struct linux_arch_sigframe *f)
{
	uint8_t *buf = out;
	size_t fp = SC_RESERVED;

	memset(buf, 0, LINUX_ARCH_SIGFRAME_SIZE);
	memcpy(buf + FR_INFO, f->info, 128);
	put64(buf, UC_STACK_SP, f->stack.sp);
	put32(buf, UC_STACK_FLAGS, (uint32_t)f->stack.flags);
	put64(buf, UC_STACK_SIZE, f->stack.size);
	put64(buf, UC_SIGMASK, f->mask);
	put64(buf, SC_FAULT_ADDR, uc->far);
	for (unsigned n = 0; n < 31; n++)
		put64(buf, SC_REGS + 8 * n, uc->x[n]);
	put64(buf, SC_SP, uc->sp);
	put64(buf, SC_PC, uc->pc);
	put64(buf, SC_PSTATE, uc->pstate);
	put32(buf, fp, FPSIMD_MAGIC);
	put32(buf, fp + 4, FPSIMD_SIZE);
	put32(buf, fp + 8, (uint32_t)uc->fpsr);
	put32(buf, fp + 12, (uint32_t)uc->fpcr);
	memcpy(buf + fp + 16, uc->v, sizeof(uc->v));
	/* The END record after it is the zeros memset left. */
	put64(buf, FRAME_RECORD, uc->x[29]);
	put64(buf, FRAME_RECORD + 8, uc->x[30]);

	/* Linux passes info and uc whether or not SA_SIGINFO was asked for. */
	uc->pc = f->handler;
	uc->sp = f->frame;
	uc->x[0] = (uint64_t)f->sig;
	uc->x[1] = f->frame + FR_INFO;
	uc->x[2] = f->frame + FR_UC;
	uc->x[29] = f->frame + FRAME_RECORD;
	uc->x[30] = f->restorer;
}

/* Linux's parse_user_sigframe: fpsimd (required, once), esr (ignored), then END. */
static int restore_records(const uint8_t *buf, struct hal_user_context *uc)
{
	size_t off = SC_RESERVED, end = SC_RESERVED + SC_RESERVED_SIZE;
	bool have_fp = false;

	while (off + 8 <= end) {
		uint32_t magic = get32(buf, off), size = get32(buf, off + 4);

		if (magic == 0)
			return size == 0 && have_fp ? 0 : -EINVAL;
		if (size < 8 || size % 16 || size > end - off)
			return -EINVAL;
		if (magic == FPSIMD_MAGIC) {
			if (have_fp || size != FPSIMD_SIZE)
				return -EINVAL;
			uc->fpsr = get32(buf, off + 8);
			uc->fpcr = get32(buf, off + 12);
			memcpy(uc->v, buf + off + 16, sizeof(uc->v));
			have_fp = true;
		} else if (magic != ESR_MAGIC) {
			return -EINVAL;
		}
		off += size;
	}
	return -EINVAL;
}

int linux_arch_sigframe_restore(const void *in, struct hal_user_context *uc, uint64_t *mask,
                                struct linux_arch_stack *stack)
{
	const uint8_t *buf = in;
	struct hal_user_context next = *uc;
	int rc;

	if ((rc = restore_records(buf, &next)) < 0)
		return rc;
	for (unsigned n = 0; n < 31; n++)
		next.x[n] = get64(buf, SC_REGS + 8 * n);
	next.sp = get64(buf, SC_SP);
	next.pc = get64(buf, SC_PC);
	next.pstate = (uc->pstate & ~PSTATE_NZCV) | (get64(buf, SC_PSTATE) & PSTATE_NZCV);
	*mask = get64(buf, UC_SIGMASK);
	stack->sp = get64(buf, UC_STACK_SP);
	stack->flags = (int32_t)get32(buf, UC_STACK_FLAGS);
	stack->size = get64(buf, UC_STACK_SIZE);
	*uc = next;
	return 0;
}

/* The frame's size is fixed here: process gives AT_IGNORE in AT_MINSIGSTKSZ's place. */
uint64_t linux_arch_minsigstksz(void)
{
	return 0;
}
