/*
 * The x86-64 Linux ABI (Linux's arch/x86), as the program loader and the
 * system-call layer need it. Read through process/linux_arch.h, which says
 * what each definition means; the numbers of the system calls are in
 * linux-arch/unistd.h, the open flags (asm-generic's) in linux-arch/fcntl.h.
 */
#ifndef LINUX_ARCH_ABI_H
#define LINUX_ARCH_ABI_H

#define LINUX_ARCH_NAME        "x86_64"
#define LINUX_ARCH_ELF_MACHINE 62       /* EM_X86_64 */
#define LINUX_ARCH_PLATFORM    "x86_64" /* ELF_PLATFORM (arch/x86/include/asm/elf.h) */

/*
 * AT_HWCAP: CPUID leaf 1's edx, as Linux's ELF_HWCAP
 * (boot_cpu_data.x86_capability[CPUID_1_EDX]), read from the CPU
 * (linux/auxv.c). Every bit of it the user entry must support is there:
 * fxsr and sse/sse2 (user_entry.S saves their state with fxsave, or
 * XSAVE where the CPU has it: then CPUID's OSXSAVE and AVX are there too).
 */
unsigned long linux_arch_hwcap(void);
#define LINUX_ARCH_HWCAP linux_arch_hwcap()

#define LINUX_ARCH_THREAD_SIZE    (16u << 10) /* THREAD_SIZE (KASAN off): 4 pages << 2 */
#define LINUX_ARCH_AUXV_MAX       20  /* entries linux_arch_auxv() writes, AT_NULL not counted */
#define LINUX_ARCH_NR_SYSCALLS    471 /* one past the highest number named (listns, Linux 6.18) */
#define LINUX_ARCH_STACK_RND_BITS 22  /* STACK_RND_MASK 0x3fffff (64-bit): stack top moves */

/* clone(flags, newsp, parent_tid, child_tid, tls): Linux's default order. */
#define LINUX_ARCH_CLONE_TLS_ARG       4
#define LINUX_ARCH_CLONE_CHILD_TID_ARG 3
/* The psABI's red zone: 128 bytes under rsp a leaf function may use (get_sigframe skips it). */
#define LINUX_ARCH_STACK_REDZONE 128
/* The handler's ret popped the frame's return address: rt_sigreturn finds rsp past it. */
#define LINUX_ARCH_SIGRETURN_SP 16

/*
 * The signal frame (Linux's arch/x86/include/asm/sigframe.h, uapi/asm/
 * {ucontext,sigcontext}.h): 8 bytes so that the handler's rsp is 8 off
 * 16-byte alignment as after a call, then struct rt_sigframe (440: the
 * return address, the ucontext of 304 with its 256-byte sigcontext, the
 * siginfo of 128), then the FP state the sigcontext's fpstate points to
 * (Linux puts it above the frame too): the XSAVE area with its trailing
 * FP_XSTATE_MAGIC2 where the CPU has XSAVE, else the 512-byte FXSAVE
 * image; room for the largest area the kernel enables (arch/user.h's
 * UC_FP_SIZE). 1488 bytes.
 * x86-64's struct sigaction has sa_restorer.
 */
/* The si_codes of the architecture's trap signals (process/linux_arch.h). */
#define LINUX_ARCH_BRK_CODE      0x80 /* SI_KERNEL, no address: do_int3 */
#define LINUX_ARCH_ILL_CODE      2    /* ILL_ILLOPN: exc_invalid_op */
#define LINUX_ARCH_ACCESS_CODE   0x80 /* SI_KERNEL, address 0: exc_general_protection */
#define LINUX_ARCH_SIGFRAME_SIZE 1488
#define LINUX_ARCH_SA_RESTORER   1

/*
 * arch_prctl's GS base (ARCH_SET_GS, ARCH_GET_GS): the user context's,
 * which user_entry.S loads into IA32_KERNEL_GS_BASE for the swapgs into
 * ring 3 and reads back at every exit.
 */
#define LINUX_ARCH_USER_GS_BASE(uc) ((uc)->gs_base)

#endif
