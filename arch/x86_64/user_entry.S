/*
 * User mode entry and exit (hal/user.h).
 *
 * x86_64_user_enter(uc) pushes the kernel's callee-saved registers and uc
 * on the task's kernel stack and records that stack pointer twice: in the
 * CPU's data (CPU_USER_KSP, for the syscall entry, which switches stacks
 * itself) and as the TSS's RSP0 (where the CPU switches to on an interrupt
 * or exception from ring 3: Intel SDM vol. 3, 7.14.2). It loads the user's
 * FXSAVE image, FS base and GS base, and enters ring 3 with iretq. iretq
 * rather than sysretq: it restores every register (rcx and r11 too, which
 * a signal handler's return needs), and it cannot be made to fault in
 * ring 0 with the user's stack by a non-canonical rip (user.c refuses one
 * before entering).
 *
 * Ring 3 comes back by one of two doors, both ending in user_exit, which
 * saves the FP/SSE state and the bases into uc and "returns" from
 * x86_64_user_enter to its caller, interrupts off:
 * - an IDT vector (trap.S's stubs, which send frames from ring 3 here):
 *   the CPU's frame and the stub's vector and error code are on the stack;
 * - the syscall instruction (IA32_LSTAR): rcx holds the user's rip, r11
 *   its rflags, rsp is still the user's; IA32_FMASK cleared IF, so the
 *   few instructions until the stack switch run uninterrupted.
 * Both swapgs first: in ring 3 the GS base is the user's and the kernel's
 * (the CPU's data) waits in IA32_KERNEL_GS_BASE.
 *
 * The kernel runs without x87/SSE/AVX (arch.cmake), so the FP registers
 * are only ever the user's: saved at every exit and loaded at every entry
 * (eager, no lazy #NM switching), by XSAVEOPT or XSAVE and XRSTOR where
 * the CPU has them, else FXSAVE and FXRSTOR (x86_64_user_fp_mode, user.c).
 */
#include <arch/cpu.h>
#include <arch/user.h>

/* As x86_64.h and boot.c's struct tss, which assembly cannot include. */
#define SEL_USER_DS 0x2b
#define SEL_USER_CS 0x33
#define TSS_RSP0 4
#define MSR_FS_BASE 0xc0000100
#define MSR_KERNEL_GS_BASE 0xc0000102

/* What the user may hold in rflags: CF PF AF ZF SF TF DF OF AC ID (not IF, IOPL, NT, RF, VM). */
#define RFLAGS_USER 0x250dd5

	.section .text

/* void x86_64_user_enter(struct hal_user_context *uc); interrupts off. */
	.globl	x86_64_user_enter
x86_64_user_enter:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	pushq	%rdi			/* uc, at the new stack top (16-byte aligned) */
	movq	%rsp, %gs:CPU_USER_KSP
	movq	%gs:CPU_TSS, %rax
	movq	%rsp, TSS_RSP0(%rax)

	cmpb	$0, x86_64_user_fp_mode(%rip)
	jne	1f
	fxrstor64 UC_FXSAVE(%rdi)
	jmp	2f
1:	movl	$-1, %eax		/* every component XCR0 enables */
	movl	$-1, %edx
	xrstor64 UC_FXSAVE(%rdi)
2:	movl	$MSR_FS_BASE, %ecx
	movl	UC_FS_BASE(%rdi), %eax
	movl	UC_FS_BASE + 4(%rdi), %edx
	wrmsr
	movl	$MSR_KERNEL_GS_BASE, %ecx
	movl	UC_GS_BASE(%rdi), %eax
	movl	UC_GS_BASE + 4(%rdi), %edx
	wrmsr

	/* The iretq frame: ss, rsp, rflags (the user's flags, interrupts on), cs, rip. */
	pushq	$SEL_USER_DS
	pushq	UC_REG(UC_RSP)(%rdi)
	movq	UC_RFLAGS(%rdi), %rax
	andq	$RFLAGS_USER, %rax
	orq	$0x200, %rax		/* IF */
	pushq	%rax
	pushq	$SEL_USER_CS
	pushq	UC_RIP(%rdi)

	movq	UC_REG(UC_RAX)(%rdi), %rax
	movq	UC_REG(UC_RCX)(%rdi), %rcx
	movq	UC_REG(UC_RDX)(%rdi), %rdx
	movq	UC_REG(UC_RBX)(%rdi), %rbx
	movq	UC_REG(UC_RBP)(%rdi), %rbp
	movq	UC_REG(UC_RSI)(%rdi), %rsi
	movq	UC_REG(8)(%rdi), %r8
	movq	UC_REG(9)(%rdi), %r9
	movq	UC_REG(10)(%rdi), %r10
	movq	UC_REG(11)(%rdi), %r11
	movq	UC_REG(12)(%rdi), %r12
	movq	UC_REG(13)(%rdi), %r13
	movq	UC_REG(14)(%rdi), %r14
	movq	UC_REG(15)(%rdi), %r15
	movq	UC_REG(UC_RDI)(%rdi), %rdi
	swapgs
	iretq

/*
 * From trap.S's common path, for a frame whose cs is ring 3: the stack
 * holds the stub's vector and error code, then the CPU's rip, cs, rflags,
 * rsp and ss. Usually this is the RSP0 stack; a vector with an interrupt
 * stack (the double fault's) is somewhere else, so uc is found through the
 * CPU's data, not through rsp.
 */
	.globl	x86_64_user_trap
x86_64_user_trap:
	swapgs
	pushq	%rdi
	movq	%gs:CPU_USER_KSP, %rdi
	movq	(%rdi), %rdi
	movq	%rax, UC_REG(UC_RAX)(%rdi)
	movq	%rcx, UC_REG(UC_RCX)(%rdi)
	popq	UC_REG(UC_RDI)(%rdi)
	popq	UC_VECTOR(%rdi)
	popq	UC_ERROR(%rdi)
	popq	UC_RIP(%rdi)
	addq	$8, %rsp		/* cs */
	popq	UC_RFLAGS(%rdi)
	popq	UC_REG(UC_RSP)(%rdi)
	jmp	user_exit

/*
 * IA32_LSTAR: the syscall instruction from ring 3 (SDM vol. 2B, SYSCALL).
 * The user's rcx and r11 are the return rip and rflags, as Linux's pt_regs
 * keeps them too.
 */
	.balign	16
	.globl	x86_64_syscall_entry
x86_64_syscall_entry:
	swapgs
	movq	%rsp, %gs:CPU_USER_RSP
	movq	%gs:CPU_USER_KSP, %rsp
	pushq	%rdi
	movq	8(%rsp), %rdi
	movq	%rax, UC_REG(UC_RAX)(%rdi)
	movq	%rax, UC_ORIG_RAX(%rdi)
	movq	%rcx, UC_REG(UC_RCX)(%rdi)
	movq	%rcx, UC_RIP(%rdi)
	movq	%r11, UC_RFLAGS(%rdi)
	popq	UC_REG(UC_RDI)(%rdi)
	movq	%gs:CPU_USER_RSP, %rax
	movq	%rax, UC_REG(UC_RSP)(%rdi)
	movq	$UC_VEC_SYSCALL, UC_VECTOR(%rdi)
	movq	$0, UC_ERROR(%rdi)
	/* fall through */

/* uc in rdi; rax, rcx, rdi, rsp, rip, rflags and the trap saved already. */
user_exit:
	movq	%rdx, UC_REG(UC_RDX)(%rdi)
	movq	%rbx, UC_REG(UC_RBX)(%rdi)
	movq	%rbp, UC_REG(UC_RBP)(%rdi)
	movq	%rsi, UC_REG(UC_RSI)(%rdi)
	movq	%r8, UC_REG(8)(%rdi)
	movq	%r9, UC_REG(9)(%rdi)
	movq	%r10, UC_REG(10)(%rdi)
	movq	%r11, UC_REG(11)(%rdi)
	movq	%r12, UC_REG(12)(%rdi)
	movq	%r13, UC_REG(13)(%rdi)
	movq	%r14, UC_REG(14)(%rdi)
	movq	%r15, UC_REG(15)(%rdi)
	movzbl	x86_64_user_fp_mode(%rip), %eax
	testl	%eax, %eax
	jnz	1f
	fxsave64 UC_FXSAVE(%rdi)
	jmp	3f
1:	cmpl	$2, %eax
	movl	$-1, %eax
	movl	$-1, %edx
	je	2f
	xsave64	UC_FXSAVE(%rdi)
	jmp	3f
2:	xsaveopt64 UC_FXSAVE(%rdi)
3:
	/* The user cannot change its bases without wrfsbase (CR4.FSGSBASE is off),
	 * but a selector load may: read them back rather than trust uc. */
	movl	$MSR_FS_BASE, %ecx
	rdmsr
	movl	%eax, UC_FS_BASE(%rdi)
	movl	%edx, UC_FS_BASE + 4(%rdi)
	movl	$MSR_KERNEL_GS_BASE, %ecx
	rdmsr
	movl	%eax, UC_GS_BASE(%rdi)
	movl	%edx, UC_GS_BASE + 4(%rdi)
	/* An interrupt gate clears IF but leaves DF and AC as ring 3 had them:
	 * the kernel wants both clear (the ABI's DF, SMAP's AC). */
	pushq	$0
	popfq

	movq	%gs:CPU_USER_KSP, %rsp
	movq	$0, %gs:CPU_USER_KSP
	addq	$8, %rsp		/* uc */
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
