/*
 * The riscv64 Linux ABI (Linux's arch/riscv), as the program loader and the
 * system-call layer need it. Read through process/linux_arch.h, which says
 * what each definition means; the numbers of the system calls are in
 * linux-arch/unistd.h.
 */
#ifndef LINUX_ARCH_ABI_H
#define LINUX_ARCH_ABI_H

#define LINUX_ARCH_NAME        "riscv64" /* uname's machine */
#define LINUX_ARCH_ELF_MACHINE 243       /* EM_RISCV */
#define LINUX_ARCH_PLATFORM    NULL      /* riscv64 Linux gives no AT_PLATFORM */

/*
 * AT_HWCAP: one bit per single-letter extension the kernel vouches for
 * (arch/riscv/include/uapi/asm/hwcap.h): IMAFDC. F and D because the user
 * entry saves and restores the FP registers; nothing else (no V: vector
 * state is not switched).
 */
#define LINUX_ARCH_HWCAP                                                                           \
	((1ul << ('i' - 'a')) | (1ul << ('m' - 'a')) | (1ul << ('a' - 'a')) |                      \
	 (1ul << ('f' - 'a')) | (1ul << ('d' - 'a')) | (1ul << ('c' - 'a')))

#define LINUX_ARCH_THREAD_SIZE    (16u << 10) /* THREAD_SIZE: max_threads, RLIMIT_NPROC's default */
#define LINUX_ARCH_AUXV_MAX       26  /* entries linux_arch_auxv() writes, AT_NULL not counted */
#define LINUX_ARCH_NR_SYSCALLS    471 /* one past the highest number named (listns, Linux 6.18) */
#define LINUX_ARCH_STACK_RND_BITS 18  /* STACK_RND_MASK 0x3ffff: pages the stack top moves by */
/*
 * struct rt_sigframe: siginfo (128) + ucontext (960: flags, link, stack_t,
 * sigmask and its padding to 176, then the 16-aligned sigcontext of 784:
 * 32 registers, the FP union of 528). Without V no extension record
 * follows. riscv64's struct sigaction has no sa_restorer.
 */
/* clone(flags, newsp, parent_tid, tls, child_tid): CONFIG_CLONE_BACKWARDS. */
#define LINUX_ARCH_CLONE_TLS_ARG       3
#define LINUX_ARCH_CLONE_CHILD_TID_ARG 4
#define LINUX_ARCH_STACK_REDZONE       0 /* no red zone in the psABI */
#define LINUX_ARCH_SIGRETURN_SP        0 /* the handler returns with sp at the frame */
/* The si_codes of the architecture's trap signals (process/linux_arch.h). */
#define LINUX_ARCH_BRK_CODE      1 /* TRAP_BRKPT, si_addr the pc */
#define LINUX_ARCH_ILL_CODE      1 /* ILL_ILLOPC */
#define LINUX_ARCH_ACCESS_CODE   2 /* SEGV_ACCERR */
#define LINUX_ARCH_SIGFRAME_SIZE 1088

#endif
