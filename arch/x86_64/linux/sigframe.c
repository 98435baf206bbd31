/*
 * x86-64's struct rt_sigframe (Linux's arch/x86/kernel/signal_64.c,
 * asm/sigframe.h, uapi/asm/{ucontext,sigcontext}.h): the return address
 * (the sa_restorer the handler's ret goes to), the ucontext (flags, link,
 * stack_t, the sigcontext with r8..r15, rdi, rsi, rbp, rbx, rdx, rax, rcx,
 * rsp, rip, rflags, the selectors, err, trapno, oldmask, cr2 and the
 * fpstate pointer, then the 64-bit signal mask), the siginfo, and above
 * them the FP state fpstate points to: the XSAVE area, whose software
 * bytes (the FXSAVE image's last 48, Linux's struct _fpx_sw_bytes) say so
 * by FP_XSTATE_MAGIC1, its size and features, with FP_XSTATE_MAGIC2 right
 * after it (Linux's arch/x86/kernel/fpu/signal.c); or, on a CPU without
 * XSAVE, the FXSAVE image alone. The handler starts with rsp at
 * the return address, 8 off 16-byte alignment as after a call; its ret
 * leaves rsp 16 past the buffer's start, where rt_sigreturn reads it back
 * (LINUX_ARCH_SIGRETURN_SP). Offsets are plain numbers from the buffer's
 * start; this file is the layout.
 */
#include <arch/user.h>
#include <klib/errno.h>
#include <klib/string.h>
#include <linux-generic/frame_bytes.h>
#include <process/linux_sigframe.h>

/* clang-format off */
#define FR_PRETCODE    8
#define FR_UC          16
#define UC_FLAGS       (FR_UC + 0)
#define UC_STACK_SP    (FR_UC + 16)
#define UC_STACK_FLAGS (FR_UC + 24)
#define UC_STACK_SIZE  (FR_UC + 32)
#define UC_MCONTEXT    (FR_UC + 40)
#define UC_SIGMASK     (FR_UC + 296)
#define FR_INFO        (FR_UC + 304)
#define FR_FPSTATE     (FR_INFO + 128)     /* 64 bytes past a 16-byte aligned start */
#define FR_END         (FR_FPSTATE + 1040)  /* UC_FP_SIZE and MAGIC2, to 16 bytes */
#define FP_SW_BYTES    464                 /* struct _fpx_sw_bytes in the FXSAVE image */
#define FP_XSTATE_MAGIC1 0x46505853u
#define FP_XSTATE_MAGIC2 0x46505845u
#define UC_FP_XSTATE   0x1                 /* the fpstate is an XSAVE area */
#define SC_R8          (UC_MCONTEXT + 0)   /* r8..r15 */
#define SC_RDI         (UC_MCONTEXT + 64)
#define SC_RSI         (UC_MCONTEXT + 72)
#define SC_RBP         (UC_MCONTEXT + 80)
#define SC_RBX         (UC_MCONTEXT + 88)
#define SC_RDX         (UC_MCONTEXT + 96)
#define SC_RAX         (UC_MCONTEXT + 104)
#define SC_RCX         (UC_MCONTEXT + 112)
#define SC_RSP         (UC_MCONTEXT + 120)
#define SC_RIP         (UC_MCONTEXT + 128)
#define SC_EFLAGS      (UC_MCONTEXT + 136)
#define SC_CS          (UC_MCONTEXT + 144) /* then gs, fs, ss: 16 bits each */
#define SC_SS          (UC_MCONTEXT + 150)
#define SC_ERR         (UC_MCONTEXT + 152)
#define SC_TRAPNO      (UC_MCONTEXT + 160)
#define SC_OLDMASK     (UC_MCONTEXT + 168)
#define SC_CR2         (UC_MCONTEXT + 176)
#define SC_FPSTATE     (UC_MCONTEXT + 184)
#define UC_SIGCONTEXT_SS     0x2           /* the frame's ss is the real one */
#define UC_STRICT_RESTORE_SS 0x4           /* sigreturn takes it as it is */
#define USER_CS        0x33
#define USER_DS        0x2b
/* FIX_EFLAGS: what sigreturn takes from the frame (AC OF DF TF SF ZF AF PF CF RF). */
#define FIX_EFLAGS     0x50dd5ull
/* clang-format on */

_Static_assert(FR_END == LINUX_ARCH_SIGFRAME_SIZE, "pad + rt_sigframe + fpstate is 1488 bytes");
_Static_assert(FR_END - FR_FPSTATE >= UC_FP_SIZE + 4, "the largest XSAVE area and MAGIC2 fit");
_Static_assert(FR_INFO - FR_PRETCODE == 312, "pretcode + ucontext");

/* The general registers in the sigcontext's order, by encoding number (arch/user.h). */
static const unsigned char sc_order[16] = {8, 9, 10, 11, 12, 13, 14, 15, 7, 6, 5, 3, 2, 0, 1, 4};

/* mov $15, %eax (__NR_rt_sigreturn); syscall: only for a handler without SA_RESTORER. */
const uint8_t linux_arch_sigreturn_code[] = {
    0xb8, 0x0f, 0x00, 0x00, 0x00, /* mov $15, %eax */
    0x0f, 0x05,                   /* syscall */
};
const size_t linux_arch_sigreturn_size = sizeof(linux_arch_sigreturn_code);

/*
 * Linux's get_sigframe_size() (arch/x86/kernel/signal.c,
 * init_sigframe_size, and fpu/signal.c's fpu__get_fpstate_size):
 * sizeof(struct rt_sigframe) 440 + 15 of alignment + the FP state (the
 * XSAVE area and FP_XSTATE_MAGIC2's 4 bytes, or the 512-byte FXSAVE
 * image) + the 112 of a 32-bit frame's struct fregs_state, which a kernel
 * with IA32_EMULATION (Debian's) counts for every program + 63 of XSAVE
 * alignment, rounded up to 16: 1152 with FXSAVE, 1472 with x87, SSE and
 * AVX (the host's figure for its own features, 3376 with AVX-512, fits
 * the same sum).
 */
uint64_t linux_arch_minsigstksz(void)
{
	unsigned xsize = x86_64_user_xsave_size();

	return (440 + 15 + (xsize ? xsize + 4 : 512) + 112 + 63 + 15) & ~15ul;
}

void linux_arch_sigframe_build(void *out, struct hal_user_context *uc,
                               const struct linux_arch_sigframe *f)
{
	uint8_t *buf = out;
	unsigned xsize = x86_64_user_xsave_size();

	memset(buf, 0, LINUX_ARCH_SIGFRAME_SIZE);
	put64(buf, FR_PRETCODE, f->restorer);
	put64(buf, UC_FLAGS, UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS | (xsize ? UC_FP_XSTATE : 0));
	put64(buf, UC_STACK_SP, f->stack.sp);
	put32(buf, UC_STACK_FLAGS, (uint32_t)f->stack.flags);
	put64(buf, UC_STACK_SIZE, f->stack.size);
	for (unsigned i = 0; i < 16; i++)
		put64(buf, SC_R8 + 8 * i, uc->r[sc_order[i]]);
	put64(buf, SC_RIP, uc->rip);
	put64(buf, SC_EFLAGS, uc->rflags);
	put16(buf, SC_CS, USER_CS);
	put16(buf, SC_SS, USER_DS);
	/* Linux's thread.trap_nr and error_code: the last exception's (none: 0). */
	if (uc->vector < 32) {
		put64(buf, SC_ERR, uc->error);
		put64(buf, SC_TRAPNO, uc->vector);
	}
	put64(buf, SC_OLDMASK, f->mask);
	put64(buf, SC_CR2, uc->cr2);
	put64(buf, SC_FPSTATE, f->frame + FR_FPSTATE);
	put64(buf, UC_SIGMASK, f->mask);
	memcpy(buf + FR_INFO, f->info, 128);
	hal_user_fp_save(uc, buf + FR_FPSTATE, xsize ? xsize : 512);
	if (xsize) {
		put32(buf, FR_FPSTATE + FP_SW_BYTES, FP_XSTATE_MAGIC1);
		put32(buf, FR_FPSTATE + FP_SW_BYTES + 4, xsize + 4); /* extended_size */
		put64(buf, FR_FPSTATE + FP_SW_BYTES + 8, x86_64_user_xfeatures());
		put32(buf, FR_FPSTATE + FP_SW_BYTES + 16, xsize); /* xstate_size */
		put32(buf, FR_FPSTATE + xsize, FP_XSTATE_MAGIC2);
	}

	/* Linux's x64_setup_rt_frame: rax 0 for handlers declared without a prototype. */
	uc->rip = f->handler;
	uc->r[UC_RSP] = f->frame + FR_PRETCODE;
	uc->r[UC_RDI] = (uint64_t)f->sig;
	uc->r[UC_RSI] = f->frame + FR_INFO;
	uc->r[UC_RDX] = f->frame + FR_UC;
	uc->r[UC_RAX] = 0;
	/* The handler starts with DF clear (the ABI) and not single-stepping (Linux clears TF). */
	uc->rflags &= ~(0x400ull | 0x100ull);
}

/*
 * Linux's restore_sigcontext and fpu__restore_sig. The FP state comes from
 * where the frame's fpstate points: this frame's own image (what glibc
 * leaves there), or nothing, which resets it as Linux does. A pointer
 * elsewhere is refused (Linux would follow it): -EINVAL, a SIGSEGV.
 */
/*
 * Linux's check_xstate_in_sigframe: the software bytes and MAGIC2 say the
 * frame holds a whole XSAVE area of this kernel's size; otherwise only its
 * FXSAVE image counts (fx_only), and the other components start afresh.
 */
static bool xstate_in_frame(const uint8_t *buf)
{
	unsigned xsize = x86_64_user_xsave_size();

	return xsize && get32(buf, FR_FPSTATE + FP_SW_BYTES) == FP_XSTATE_MAGIC1 &&
	       get32(buf, FR_FPSTATE + FP_SW_BYTES + 16) == xsize &&
	       get32(buf, FR_FPSTATE + FP_SW_BYTES + 4) == xsize + 4 &&
	       get32(buf, FR_FPSTATE + xsize) == FP_XSTATE_MAGIC2;
}

int linux_arch_sigframe_restore(const void *in, struct hal_user_context *uc, uint64_t *mask,
                                struct linux_arch_stack *stack)
{
	const uint8_t *buf = in;
	unsigned xsize = x86_64_user_xsave_size();
	uintptr_t frame = uc->r[UC_RSP] - LINUX_ARCH_SIGRETURN_SP;
	uint64_t fp = get64(buf, SC_FPSTATE);
	struct hal_user_context next = *uc;

	if (fp == frame + FR_FPSTATE) {
		hal_user_fp_restore(&next, buf + FR_FPSTATE, xstate_in_frame(buf) ? xsize : 512);
	} else if (fp == 0) {
		struct hal_user_context fresh;

		hal_user_init(&fresh, 0, 0);
		memcpy(next.fxsave, fresh.fxsave, sizeof(next.fxsave));
	} else {
		return -EINVAL;
	}
	for (unsigned i = 0; i < 16; i++)
		next.r[sc_order[i]] = get64(buf, SC_R8 + 8 * i);
	next.rip = get64(buf, SC_RIP);
	next.rflags = (uc->rflags & ~FIX_EFLAGS) | (get64(buf, SC_EFLAGS) & FIX_EFLAGS);
	next.orig_rax = (uint64_t)-1; /* no restart of the interrupted call through this frame */
	*mask = get64(buf, UC_SIGMASK);
	stack->sp = get64(buf, UC_STACK_SP);
	stack->flags = (int32_t)get32(buf, UC_STACK_FLAGS);
	stack->size = get64(buf, UC_STACK_SIZE);
	*uc = next;
	return 0;
}
