/*
 * x86-64's own user state, checked the same way on Linux and in the image
 * (expected/x86_conformance.txt).
 *
 * The FP state across context switches and signal handlers: the sixteen YMM registers (AVX), not
 * only their XMM halves, must survive another process running on the same CPU and a signal handler
 * that overwrites them; the handler's signal frame must be Linux's XSAVE one (FP_XSTATE_MAGIC1 in
 * the software bytes, FP_XSTATE_MAGIC2 after the area, UC_FP_XSTATE in uc_flags) holding the
 * interrupted registers; a change the handler makes to the frame's YMM
 * state must be what sigreturn restores; AT_MINSIGSTKSZ must cover the
 * frame. Each phase keeps the registers in one asm block around the
 * system calls, so no compiler-generated code runs between the load and
 * the check. Needs a CPU with AVX (QEMU's max model, the host).
 *
 * The GS base (arch_prctl ARCH_SET_GS, ARCH_GET_GS): %gs-relative loads
 * see it, it survives a context switch and a signal handler, a child
 * inherits it, and a base past the user half is EPERM.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <asm/prctl.h>
#include <errno.h>
#include <sys/syscall.h>
#include <sys/auxv.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#ifndef FP_XSTATE_MAGIC1 /* glibc's bits/sigcontext.h has them */
#define FP_XSTATE_MAGIC1 0x46505853u
#define FP_XSTATE_MAGIC2 0x46505845u
#endif
#define UC_FP_XSTATE 0x1
#define XSAVE_YMM_HI 576 /* AVX's upper halves in the standard XSAVE form */
#define SW_BYTES     464 /* struct _fpx_sw_bytes in the FXSAVE image */
#define YIELDS       200

static uint8_t pattern[16][32] __attribute__((aligned(32)));
static uint8_t got[16][32] __attribute__((aligned(32)));
static volatile int frame_magic, frame_ymm_ok, frame_flags;
static volatile unsigned frame_xstate_size;

/* ymm0..ymm15 from src, n_yields sched_yield calls, then ymm0..ymm15 to dst. */
static void ymm_across_yields(const void *src, void *dst, long n)
{
	__asm__ __volatile__(
	    "vmovdqu 0(%0), %%ymm0\n\tvmovdqu 32(%0), %%ymm1\n\tvmovdqu 64(%0), %%ymm2\n\t"
	    "vmovdqu 96(%0), %%ymm3\n\tvmovdqu 128(%0), %%ymm4\n\tvmovdqu 160(%0), %%ymm5\n\t"
	    "vmovdqu 192(%0), %%ymm6\n\tvmovdqu 224(%0), %%ymm7\n\tvmovdqu 256(%0), %%ymm8\n\t"
	    "vmovdqu 288(%0), %%ymm9\n\tvmovdqu 320(%0), %%ymm10\n\tvmovdqu 352(%0), %%ymm11\n\t"
	    "vmovdqu 384(%0), %%ymm12\n\tvmovdqu 416(%0), %%ymm13\n\tvmovdqu 448(%0), %%ymm14\n\t"
	    "vmovdqu 480(%0), %%ymm15\n\t"
	    "1: testq %2, %2\n\tjz 2f\n\t"
	    "movl $24, %%eax\n\tsyscall\n\t" /* sched_yield */
	    "decq %2\n\tjmp 1b\n"
	    "2: vmovdqu %%ymm0, 0(%1)\n\tvmovdqu %%ymm1, 32(%1)\n\tvmovdqu %%ymm2, 64(%1)\n\t"
	    "vmovdqu %%ymm3, 96(%1)\n\tvmovdqu %%ymm4, 128(%1)\n\tvmovdqu %%ymm5, 160(%1)\n\t"
	    "vmovdqu %%ymm6, 192(%1)\n\tvmovdqu %%ymm7, 224(%1)\n\tvmovdqu %%ymm8, 256(%1)\n\t"
	    "vmovdqu %%ymm9, 288(%1)\n\tvmovdqu %%ymm10, 320(%1)\n\tvmovdqu %%ymm11, 352(%1)\n\t"
	    "vmovdqu %%ymm12, 384(%1)\n\tvmovdqu %%ymm13, 416(%1)\n\tvmovdqu %%ymm14, 448(%1)\n\t"
	    "vmovdqu %%ymm15, 480(%1)\n\tvzeroupper"
	    : "+r"(src), "+r"(dst), "+r"(n)
	    :
	    : "rax", "rcx", "r11", "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
	      "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
}

/* The same around kill(getpid(), sig): the handler runs on the way back from the call. */
static void ymm_across_signal(const void *src, void *dst, long pid, long sig)
{
	__asm__ __volatile__(
	    "vmovdqu 0(%0), %%ymm0\n\tvmovdqu 32(%0), %%ymm1\n\tvmovdqu 64(%0), %%ymm2\n\t"
	    "vmovdqu 96(%0), %%ymm3\n\tvmovdqu 128(%0), %%ymm4\n\tvmovdqu 160(%0), %%ymm5\n\t"
	    "vmovdqu 192(%0), %%ymm6\n\tvmovdqu 224(%0), %%ymm7\n\tvmovdqu 256(%0), %%ymm8\n\t"
	    "vmovdqu 288(%0), %%ymm9\n\tvmovdqu 320(%0), %%ymm10\n\tvmovdqu 352(%0), %%ymm11\n\t"
	    "vmovdqu 384(%0), %%ymm12\n\tvmovdqu 416(%0), %%ymm13\n\tvmovdqu 448(%0), %%ymm14\n\t"
	    "vmovdqu 480(%0), %%ymm15\n\t"
	    "movl $62, %%eax\n\tsyscall\n\t" /* kill */
	    "vmovdqu %%ymm0, 0(%1)\n\tvmovdqu %%ymm1, 32(%1)\n\tvmovdqu %%ymm2, 64(%1)\n\t"
	    "vmovdqu %%ymm3, 96(%1)\n\tvmovdqu %%ymm4, 128(%1)\n\tvmovdqu %%ymm5, 160(%1)\n\t"
	    "vmovdqu %%ymm6, 192(%1)\n\tvmovdqu %%ymm7, 224(%1)\n\tvmovdqu %%ymm8, 256(%1)\n\t"
	    "vmovdqu %%ymm9, 288(%1)\n\tvmovdqu %%ymm10, 320(%1)\n\tvmovdqu %%ymm11, 352(%1)\n\t"
	    "vmovdqu %%ymm12, 384(%1)\n\tvmovdqu %%ymm13, 416(%1)\n\tvmovdqu %%ymm14, 448(%1)\n\t"
	    "vmovdqu %%ymm15, 480(%1)\n\tvzeroupper"
	    : "+r"(src), "+r"(dst), "+D"(pid), "+S"(sig)
	    :
	    : "rax", "rcx", "r11", "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
	      "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
}

static void fill(uint8_t seed)
{
	for (int r = 0; r < 16; r++)
		for (int b = 0; b < 32; b++)
			pattern[r][b] = (uint8_t)(seed + r * 32 + b * 7);
}

/* Registers of got[] that differ from pattern[], upper halves (bytes 16-31) apart. */
static void compare(int *lower, int *upper)
{
	*lower = *upper = 0;
	for (int r = 0; r < 16; r++) {
		*lower += memcmp(got[r], pattern[r], 16) != 0;
		*upper += memcmp(got[r] + 16, pattern[r] + 16, 16) != 0;
	}
}

static void pin_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* Two processes on one CPU, each with its own YMM contents, yielding to each other. */
static void across_switches(void)
{
	int lower, upper, status = 0;
	pid_t child;

	pin_cpu0();
	child = fork();
	if (child == 0) {
		fill(0x5a);
		ymm_across_yields(pattern, got, YIELDS);
		compare(&lower, &upper);
		_exit(lower || upper ? 1 : 0);
	}
	fill(0x11);
	ymm_across_yields(pattern, got, YIELDS);
	compare(&lower, &upper);
	waitpid(child, &status, 0);
	printf("context switches: parent's ymm registers changed: %d (upper halves %d), "
	       "child's intact: %s\n",
	       lower, upper, WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "yes" : "no");
}

/*
 * The handler: checks the frame, then overwrites every YMM register; on
 * request it also changes ymm5's upper half in the frame, which sigreturn
 * must load.
 */
static volatile int change_frame;

static void on_usr1(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	uint8_t *fp = (uint8_t *)uc->uc_mcontext.fpregs;
	uint32_t magic1, size, magic2;
	static const uint8_t junk[32] __attribute__((aligned(32))) = {0xee};

	(void)sig;
	(void)si;
	frame_flags = (uc->uc_flags & UC_FP_XSTATE) != 0;
	memcpy(&magic1, fp + SW_BYTES, 4);
	memcpy(&size, fp + SW_BYTES + 16, 4);
	frame_magic = magic1 == FP_XSTATE_MAGIC1;
	if (frame_magic) {
		memcpy(&magic2, fp + size, 4);
		frame_magic = magic2 == FP_XSTATE_MAGIC2;
		frame_xstate_size = size;
	}
	frame_ymm_ok = 1;
	for (int r = 0; r < 16; r++)
		if (memcmp(fp + XSAVE_YMM_HI + 16 * r, pattern[r] + 16, 16) != 0 ||
		    memcmp(fp + 160 + 16 * r, pattern[r], 16) != 0)
			frame_ymm_ok = 0;
	if (change_frame)
		memset(fp + XSAVE_YMM_HI + 16 * 5, 0x77, 16);
	__asm__ __volatile__("vmovdqa %0, %%ymm0\n\tvmovdqa %0, %%ymm5\n\tvmovdqa %0, %%ymm15\n\t"
	                     "vpxor %%ymm1, %%ymm1, %%ymm1\n\tvpxor %%ymm9, %%ymm9, %%ymm9"
	                     :
	                     : "m"(junk)
	                     : "xmm0", "xmm1", "xmm5", "xmm9", "xmm15");
}

static void across_signal(void)
{
	struct sigaction sa = {.sa_sigaction = on_usr1, .sa_flags = SA_SIGINFO};
	int lower, upper;

	sigaction(SIGUSR1, &sa, NULL);
	fill(0x23);
	ymm_across_signal(pattern, got, getpid(), SIGUSR1);
	compare(&lower, &upper);
	printf("signal frame: UC_FP_XSTATE: %s, FP_XSTATE_MAGIC1 and MAGIC2: %s, "
	       "the interrupted ymm registers in it: %s\n",
	       frame_flags ? "yes" : "no", frame_magic ? "yes" : "no", frame_ymm_ok ? "yes" : "no");
	printf("after the handler: ymm registers changed: %d (upper halves %d)\n", lower, upper);
	printf("AT_MINSIGSTKSZ covers the frame: %s\n",
	       getauxval(AT_MINSIGSTKSZ) >= 440 + frame_xstate_size + 4 ? "yes" : "no");

	change_frame = 1;
	fill(0x42);
	ymm_across_signal(pattern, got, getpid(), SIGUSR1);
	memset(pattern[5] + 16, 0x77, 16);
	compare(&lower, &upper);
	printf("a handler's change to ymm5 in the frame: restored by sigreturn: %s\n",
	       lower == 0 && upper == 0 ? "yes" : "no");
}

static uint64_t gs_area[2] = {0x1234567890abcdefull, 0x0fedcba987654321ull};
static volatile uint64_t gs_in_handler;

static uint64_t gs_load(void)
{
	uint64_t v;

	__asm__ __volatile__("movq %%gs:8, %0" : "=r"(v));
	return v;
}

static void on_usr2(int sig)
{
	(void)sig;
	gs_in_handler = gs_load();
}

static void gs_base(void)
{
	unsigned long got_base = 0;
	long set = syscall(SYS_arch_prctl, ARCH_SET_GS, (unsigned long)gs_area);
	long bad, get;
	int status = 0;
	pid_t child;

	get = syscall(SYS_arch_prctl, ARCH_GET_GS, &got_base);
	printf("arch_prctl(ARCH_SET_GS): %s, ARCH_GET_GS gives it back: %s, %%gs:8 reads it: %s\n",
	       set == 0 ? "ok" : strerror(errno),
	       get == 0 && got_base == (unsigned long)gs_area ? "yes" : "no",
	       gs_load() == gs_area[1] ? "yes" : "no");
	for (int i = 0; i < YIELDS; i++)
		sched_yield();
	signal(SIGUSR2, on_usr2);
	raise(SIGUSR2);
	printf("after yields: %s, in a signal handler: %s, after it: %s\n",
	       gs_load() == gs_area[1] ? "yes" : "no", gs_in_handler == gs_area[1] ? "yes" : "no",
	       gs_load() == gs_area[1] ? "yes" : "no");
	child = fork();
	if (child == 0)
		_exit(gs_load() == gs_area[1] ? 0 : 1);
	waitpid(child, &status, 0);
	bad = syscall(SYS_arch_prctl, ARCH_SET_GS, 0x800000000000ul);
	printf("a child inherits it: %s; a base past the user half: %s\n",
	       WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "yes" : "no",
	       bad == -1 && errno == EPERM ? "EPERM" : "accepted");
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("x86_conformance: start\n");
	if (!__builtin_cpu_supports("avx")) {
		printf("this CPU has no AVX\n");
		return 1;
	}
	across_switches();
	across_signal();
	gs_base();
	printf("summary: 8 checks\n");
	return 0;
}
