/*
 * User mode on x86-64 (hal/user.h): the C side of user_entry.S. A trap
 * from ring 3 comes back here with the user's registers in the context and
 * interrupts off; this turns the vector and error code into an event,
 * handles an interrupt as the ring-0 path would, and tells the caller what
 * happened. x86_64_user_cpu_init() sets up the syscall instruction and the
 * supervisor protections once per CPU.
 *
 * The user's FP state: XSAVE where CPUID has it (CR4.OSXSAVE, XCR0 = x87,
 * SSE and AVX where the CPU has AVX and its area fits UC_FP_SIZE), saved
 * at each exit by XSAVEOPT where CPUID has it, else XSAVE, and loaded by
 * XRSTOR (user_entry.S, by x86_64_user_fp_mode); else FXSAVE/FXRSTOR.
 * XSAVEOPT's init optimization leaves a component in its initial state
 * unwritten and says so in the header's XSTATE_BV: hal_user_fp_save
 * writes the initial values into the copy it gives out, so the signal
 * frame holds what XSAVE would have written (Linux writes it with XSAVE).
 * An area from user memory (sigreturn) gets a header XRSTOR accepts.
 *
 * SMEP and SMAP are turned on where CPUID offers them (QEMU's max and
 * host models; not qemu64): the kernel never runs user code and never
 * touches user addresses through the user half (addr-space copies through
 * the direct map), so it needs no stac/clac anywhere.
 */
#include <hal/cpu.h>
#include <hal/user.h>
#include <klib/panic.h>
#include <klib/string.h>
#include <stddef.h>
#include "x86_64.h"

#define UC_OFFSET_IS(field, off)                                                                   \
	_Static_assert(offsetof(struct hal_user_context, field) == (off), #field)
UC_OFFSET_IS(r, UC_REG(0));
UC_OFFSET_IS(rip, UC_RIP);
UC_OFFSET_IS(rflags, UC_RFLAGS);
UC_OFFSET_IS(fs_base, UC_FS_BASE);
UC_OFFSET_IS(gs_base, UC_GS_BASE);
UC_OFFSET_IS(vector, UC_VECTOR);
UC_OFFSET_IS(error, UC_ERROR);
UC_OFFSET_IS(orig_rax, UC_ORIG_RAX);
UC_OFFSET_IS(cr2, UC_CR2);
UC_OFFSET_IS(fxsave, UC_FXSAVE);
_Static_assert(sizeof(struct hal_user_context) == UC_SIZE, "arch/user.h layout");

/* clang-format off */
#define PF_P    (1u << 0)
#define PF_W    (1u << 1)
#define PF_RSVD (1u << 3)
#define PF_I    (1u << 4)
#define CR0_MP   (1ul << 1)  /* wait/fwait honour TS (no TS is ever set) */
#define CR0_EM   (1ul << 2)  /* x87 emulation: off */
#define CR0_NE   (1ul << 5)  /* x87 errors as #MF, not the PC's FERR# line */
#define CR4_OSFXSR     (1ul << 9)  /* SSE instructions, fxsave/fxrstor with XMM */
#define CR4_OSXMMEXCPT (1ul << 10) /* unmasked SSE exceptions as #XM, not #UD */
#define CR4_OSXSAVE    (1ul << 18) /* XSAVE, XRSTOR, XGETBV, XSETBV */
#define CR4_SMEP (1ul << 20)
#define CR4_SMAP (1ul << 21)
#define CPUID1_ECX_XSAVE (1u << 26)
#define CPUID1_ECX_AVX   (1u << 28)
#define CPUIDD1_EAX_XSAVEOPT (1u << 0)
#define XFEATURE_X87 (1u << 0)
#define XFEATURE_SSE (1u << 1)
#define XFEATURE_YMM (1u << 2)
#define XSAVE_HEADER 512 /* XSTATE_BV (8), XCOMP_BV (8), 48 reserved: all but XSTATE_BV zero */
#define XSAVE_YMM    576 /* AVX's upper halves in the standard form (CPUID 0xd, 2: ebx) */
#define FX_ST0       32
#define FX_XMM0      160
#define FX_FCW       0   /* x87 control word */
#define FX_MXCSR     24
#define FX_MXCSR_MASK 28
#define FCW_RESET    0x037f /* FNINIT: every x87 exception masked, 64-bit precision */
#define MXCSR_RESET  0x1f80 /* every SSE exception masked, round to nearest */
/* IA32_FMASK: syscall clears these (Linux's choice): IF, DF, TF and AC above all. */
#define RFLAGS_SYSCALL_MASK 0x47fd5
/* clang-format on */

static const char *const reg_names[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                          "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};

/* The MXCSR bits this CPU has (FXSAVE's MXCSR_MASK; 0 there means 0xffbf). */
static uint32_t mxcsr_mask = 0xffbf;
/* 0: FXSAVE; 1: XSAVE; 2: XSAVEOPT (user_entry.S). The boot CPU decides, the others follow. */
unsigned char x86_64_user_fp_mode;
static uint64_t xfeatures; /* XCR0 */
static unsigned xsave_size;

void x86_64_user_enter(struct hal_user_context *uc);
void x86_64_syscall_entry(void);

static uint64_t read_cr0(void)
{
	uint64_t v;

	__asm__ __volatile__("mov %%cr0, %0" : "=r"(v));
	return v;
}

static void write_cr0(uint64_t v)
{
	__asm__ __volatile__("mov %0, %%cr0" ::"r"(v) : "memory");
}

static uint64_t read_cr4(void)
{
	uint64_t v;

	__asm__ __volatile__("mov %%cr4, %0" : "=r"(v));
	return v;
}

static void write_cr4(uint64_t v)
{
	__asm__ __volatile__("mov %0, %%cr4" ::"r"(v) : "memory");
}

static void read_mxcsr_mask(void)
{
	static uint8_t area[512] __attribute__((aligned(16)));
	uint32_t m;

	__asm__ __volatile__("fxsave64 %0" : "=m"(area));
	memcpy(&m, area + FX_MXCSR_MASK, sizeof(m));
	if (m)
		mxcsr_mask = m;
}

static void xsetbv(uint32_t reg, uint64_t v)
{
	__asm__ __volatile__("xsetbv" ::"c"(reg), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

/* On the boot CPU: which state XSAVE keeps, if it fits; then on every CPU, the same. */
static uint64_t xsave_choose(void)
{
	struct cpuid c = cpuid(1, 0);
	uint64_t want = XFEATURE_X87 | XFEATURE_SSE;
	unsigned size;

	if (!(c.ecx & CPUID1_ECX_XSAVE) || cpuid(0, 0).eax < 0xd)
		return 0;
	if ((c.ecx & CPUID1_ECX_AVX) && (cpuid(0xd, 0).eax & XFEATURE_YMM))
		want |= XFEATURE_YMM;
	write_cr4(read_cr4() | CR4_OSXSAVE);
	xsetbv(0, want);
	size = cpuid(0xd, 0).ebx; /* the area for what XCR0 enables now */
	if (size > UC_FP_SIZE && (want & XFEATURE_YMM)) {
		want &= ~(uint64_t)XFEATURE_YMM;
		xsetbv(0, want);
		size = cpuid(0xd, 0).ebx;
	}
	if (size > UC_FP_SIZE) {
		write_cr4(read_cr4() & ~CR4_OSXSAVE);
		return 0;
	}
	xsave_size = size;
	x86_64_user_fp_mode = (cpuid(0xd, 1).eax & CPUIDD1_EAX_XSAVEOPT) ? 2 : 1;
	return want;
}

static void xsave_cpu_init(void)
{
	static bool chosen;

	if (!chosen) {
		chosen = true;
		xfeatures = xsave_choose();
		return;
	}
	if (xfeatures) {
		write_cr4(read_cr4() | CR4_OSXSAVE);
		xsetbv(0, xfeatures);
	}
}

unsigned x86_64_user_xsave_size(void)
{
	return xfeatures ? xsave_size : 0;
}

uint64_t x86_64_user_xfeatures(void)
{
	return xfeatures;
}

void x86_64_user_cpu_init(void)
{
	uint32_t ebx7 = cpuid(0, 0).eax >= 7 ? cpuid(7, 0).ebx : 0;
	uint64_t cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;

	/* x86-64 has SSE2 and fxsave architecturally; the OS says it saves them. */
	write_cr0((read_cr0() & ~CR0_EM) | CR0_MP | CR0_NE);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	/* syscall: cs = STAR[47:32], ss = +8; sysret (unused): cs = STAR[63:48] + 16. */
	wrmsr(MSR_STAR, (uint64_t)SEL_USER32_CS << 48 | (uint64_t)SEL_KERNEL_CS << 32);
	wrmsr(MSR_LSTAR, (uintptr_t)x86_64_syscall_entry);
	wrmsr(MSR_FMASK, RFLAGS_SYSCALL_MASK);
	if (ebx7 & CPUID7_EBX_SMEP)
		cr4 |= CR4_SMEP;
	if (ebx7 & CPUID7_EBX_SMAP)
		cr4 |= CR4_SMAP;
	write_cr4(cr4);
	__asm__ __volatile__("fninit");
	read_mxcsr_mask();
	xsave_cpu_init();
}

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

void hal_user_init(struct hal_user_context *uc, uintptr_t pc, uintptr_t sp)
{
	memset(uc, 0, sizeof(*uc));
	uc->rip = pc;
	uc->r[UC_RSP] = sp;
	uc->rflags = RFLAGS_IF | 0x2; /* bit 1 always reads 1 */
	put16(uc->fxsave + FX_FCW, FCW_RESET);
	put32(uc->fxsave + FX_MXCSR, MXCSR_RESET);
	/* XRSTOR takes x87 and SSE from the image above (FCW, MXCSR), the rest initial. */
	if (xfeatures)
		uc->fxsave[XSAVE_HEADER] = XFEATURE_X87 | XFEATURE_SSE;
}

/* A page fault's kind from its error code (SDM vol. 3, 4.7). */
static enum hal_user_event page_fault(struct hal_user_context *uc, struct hal_user_trap *trap)
{
	trap->addr = uc->cr2 = read_cr2();
	trap->access = uc->error & PF_I   ? HAL_ACCESS_EXEC
	               : uc->error & PF_W ? HAL_ACCESS_WRITE
	                                  : HAL_ACCESS_READ;
	/* A reserved bit set in a table entry is the kernel's bug, not a missing page. */
	return uc->error & PF_RSVD ? HAL_USER_ACCESS : HAL_USER_PAGE_FAULT;
}

/* Linux's fpu__exception_code for a SIMD exception: the first unmasked flag set in MXCSR. */
static enum hal_arith simd_exception(const struct hal_user_context *uc)
{
	uint32_t mxcsr, err;

	memcpy(&mxcsr, uc->fxsave + FX_MXCSR, sizeof(mxcsr));
	err = mxcsr & ~(mxcsr >> 7) & 0x3f;
	if (err & 0x01)
		return HAL_ARITH_FLTINV;
	if (err & 0x04)
		return HAL_ARITH_FLTDIV;
	if (err & 0x08)
		return HAL_ARITH_FLTOVF;
	if (err & 0x12)
		return HAL_ARITH_FLTUND;
	return HAL_ARITH_FLTRES;
}

/* The same for x87 (#MF): the status word's flags against the control word's masks. */
static enum hal_arith x87_exception(const struct hal_user_context *uc)
{
	uint16_t fcw, fsw, err;

	memcpy(&fcw, uc->fxsave + FX_FCW, sizeof(fcw));
	memcpy(&fsw, uc->fxsave + 2, sizeof(fsw));
	err = fsw & ~fcw & 0x3f;
	if (err & 0x01)
		return HAL_ARITH_FLTINV; /* a stack fault (SW.SF) is an invalid operation too */
	if (err & 0x04)
		return HAL_ARITH_FLTDIV;
	if (err & 0x08)
		return HAL_ARITH_FLTOVF;
	if (err & 0x12)
		return HAL_ARITH_FLTUND;
	return HAL_ARITH_FLTRES;
}

static enum hal_user_event exception(struct hal_user_context *uc, struct hal_user_trap *trap)
{
	switch (uc->vector) {
	case VEC_PF:
		return page_fault(uc, trap);
	case VEC_DE:
		trap->arith = HAL_ARITH_INTDIV;
		return HAL_USER_ARITH;
	case VEC_XM:
		trap->arith = simd_exception(uc);
		return HAL_USER_ARITH;
	case VEC_MF:
		trap->arith = x87_exception(uc);
		return HAL_USER_ARITH;
	case VEC_DB:
	case VEC_BP:
		return HAL_USER_BREAKPOINT;
	case VEC_UD:
	case VEC_NM:
		return HAL_USER_ILLEGAL;
	case VEC_AC:
		return HAL_USER_MISALIGNED;
	default:
		/* #GP (a privileged instruction, a non-canonical address, int n),
		 * #SS, #NP, #OF, #BR, a machine check: Linux's SIGSEGV, address 0. */
		return HAL_USER_ACCESS;
	}
}

static enum hal_user_event decode(struct hal_user_context *uc, struct hal_user_trap *trap)
{
	trap->cause = uc->vector;
	trap->pc = uc->rip;
	trap->addr = 0;
	trap->access = HAL_ACCESS_READ;
	trap->arith = 0;
	if (uc->vector == UC_VEC_SYSCALL)
		return HAL_USER_SYSCALL; /* rip is already past the syscall */
	if (uc->vector < 32)
		return exception(uc, trap);
	/* An interrupt: handled as from ring 0 (it may switch tasks); an unknown one is ignored. */
	x86_64_interrupt(uc->vector);
	return HAL_USER_INTERRUPT;
}

/* Bits 63..47 (63..56 with 5-level paging) all equal: iretq to anything else faults in ring 0
 * (SDM vol. 2A, IRET). */
static bool canonical(uint64_t va)
{
	return (uint64_t)((int64_t)(va << (64 - X86_64_VA_BITS)) >> (64 - X86_64_VA_BITS)) == va;
}

enum hal_user_event hal_user_run(struct hal_user_context *uc, struct hal_user_trap *trap)
{
	enum hal_user_event ev;

	if (!canonical(uc->rip)) {
		/* Only sigreturn can put one there; Linux's iret faults and it is SIGSEGV. */
		*trap = (struct hal_user_trap){.pc = uc->rip, .cause = VEC_GP};
		return HAL_USER_ACCESS;
	}
	/* XSAVE and XRSTOR fault on an area that is not 64-byte aligned. */
	if ((uintptr_t)uc->fxsave & 63)
		panic("x86_64: a user context at %p is not 64-byte aligned", (void *)uc);
	/* Off until iretq: a trap in between would be taken for one from ring 3. */
	hal_irq_disable();
	x86_64_user_enter(uc);
	ev = decode(uc, trap);
	hal_irq_enable();
	return ev;
}

uintptr_t hal_user_pc(const struct hal_user_context *uc)
{
	return uc->rip;
}

void hal_user_set_pc(struct hal_user_context *uc, uintptr_t pc)
{
	uc->rip = pc;
}

uintptr_t hal_user_sp(const struct hal_user_context *uc)
{
	return uc->r[UC_RSP];
}

void hal_user_set_sp(struct hal_user_context *uc, uintptr_t sp)
{
	uc->r[UC_RSP] = sp;
}

void hal_user_set_tls(struct hal_user_context *uc, uintptr_t tls)
{
	uc->fs_base = tls;
}

uintptr_t hal_user_tls(const struct hal_user_context *uc)
{
	return uc->fs_base;
}

/* Linux x86-64: the number in rax, arguments in rdi, rsi, rdx, r10, r8, r9, the result in rax. */
unsigned long hal_user_syscall_nr(const struct hal_user_context *uc)
{
	return uc->r[UC_RAX];
}

unsigned long hal_user_syscall_arg(const struct hal_user_context *uc, unsigned i)
{
	static const unsigned char regs[6] = {UC_RDI, UC_RSI, UC_RDX, 10, 8, 9};

	return i < 6 ? uc->r[regs[i]] : 0;
}

long hal_user_return(const struct hal_user_context *uc)
{
	return (long)uc->r[UC_RAX];
}

void hal_user_set_return(struct hal_user_context *uc, long value)
{
	uc->r[UC_RAX] = (uint64_t)value;
}

/* syscall is 2 bytes (0f 05); the result overwrote the number, not argument 0. */
void hal_user_syscall_restart(struct hal_user_context *uc, unsigned long arg0)
{
	(void)arg0;
	uc->rip -= 2;
	uc->r[UC_RAX] = uc->orig_rax;
}

void hal_user_syscall_redirect(struct hal_user_context *uc, unsigned long nr)
{
	uc->rip -= 2;
	uc->r[UC_RAX] = nr;
}

uint64_t hal_user_reg(const struct hal_user_context *uc, unsigned n)
{
	return n < 16 ? uc->r[n] : 0;
}

void hal_user_set_reg(struct hal_user_context *uc, unsigned n, uint64_t value)
{
	if (n < 16)
		uc->r[n] = value;
}

const char *hal_user_reg_name(unsigned n)
{
	return n < 16 ? reg_names[n] : NULL;
}

/*
 * The FP state as XSAVE (not XSAVEOPT) would have written it: components
 * the header says are in their initial state get their initial values
 * (SDM vol. 1, 13.6), since XSAVEOPT left them as they were. len bytes of
 * it (the area's size at most), zeros past it.
 */
void hal_user_fp_save(const struct hal_user_context *uc, void *buf, size_t len)
{
	size_t size = xfeatures ? xsave_size : 512, n = len < size ? len : size;
	uint64_t bv;

	memset(buf, 0, len);
	memcpy(buf, uc->fxsave, n);
	if (!xfeatures)
		return;
	memcpy(&bv, uc->fxsave + XSAVE_HEADER, sizeof(bv));
	if (!(bv & XFEATURE_X87) && n >= 512) {
		memset(buf, 0, FX_MXCSR); /* FSW, FTW, FOP, FIP, FDP: 0 */
		memset((uint8_t *)buf + FX_ST0, 0, FX_XMM0 - FX_ST0);
		put16(buf, FCW_RESET);
	}
	if (!(bv & XFEATURE_SSE) && n >= 512)
		memset((uint8_t *)buf + FX_XMM0, 0, 16 * 16); /* MXCSR is always saved */
	if ((xfeatures & XFEATURE_YMM) && !(bv & XFEATURE_YMM) && n >= XSAVE_YMM + 256)
		memset((uint8_t *)buf + XSAVE_YMM, 0, 16 * 16);
}

/*
 * Load len bytes of an FP image from user memory (sigreturn). MXCSR's
 * reserved bits make the restore fault in ring 0: they are dropped, as
 * Linux's sigreturn does (mxcsr_feature_mask). With XSAVE: an image of
 * the area's whole size keeps the components its header names (of those
 * enabled); a shorter one (the FXSAVE image alone: Linux's fx_only frame)
 * keeps x87 and SSE, and the rest returns to its initial state. The
 * header's other fields are zeroed: XRSTOR faults on anything else there.
 */
void hal_user_fp_restore(struct hal_user_context *uc, const void *buf, size_t len)
{
	size_t size = xfeatures ? xsave_size : 512, n = len < size ? len : size;
	uint32_t mxcsr;
	uint64_t bv = XFEATURE_X87 | XFEATURE_SSE;

	memcpy(uc->fxsave, buf, n);
	memcpy(&mxcsr, uc->fxsave + FX_MXCSR, sizeof(mxcsr));
	put32(uc->fxsave + FX_MXCSR, mxcsr & mxcsr_mask);
	if (!xfeatures)
		return;
	if (n == size)
		memcpy(&bv, uc->fxsave + XSAVE_HEADER, sizeof(bv));
	bv &= xfeatures;
	memset(uc->fxsave + XSAVE_HEADER, 0, 64);
	memcpy(uc->fxsave + XSAVE_HEADER, &bv, sizeof(bv));
}
