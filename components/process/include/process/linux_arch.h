/*
 * What one architecture's Linux ABI fixes, for the generic program loader
 * (elf.c, exec.c) and the system-call layer (linux-abi): the architecture
 * provides it in arch/<arch>/linux/, CONFIG_LINUX_ARCH names which, and a
 * new architecture adds its own files there rather than #ifdefs here.
 *
 * arch/<arch>/linux/include/linux-arch/abi.h defines:
 *   LINUX_ARCH_NAME          uname's machine (the -m of uname -m)
 *   LINUX_ARCH_ELF_MACHINE   the e_machine of the programs the kernel runs
 *   LINUX_ARCH_PLATFORM      the AT_PLATFORM string, or NULL for none
 *   LINUX_ARCH_HWCAP         AT_HWCAP
 *   LINUX_ARCH_THREAD_SIZE   Linux's THREAD_SIZE (kernel stack per thread),
 *                            which sizes max_threads and so RLIMIT_NPROC
 *   LINUX_ARCH_AUXV_MAX      most entries linux_arch_auxv() writes
 *   LINUX_ARCH_NR_SYSCALLS   size of linux_arch_syscall_names[]
 *   LINUX_ARCH_STACK_RND_BITS  log2 of the pages exec may move the stack
 *                            top by (Linux's STACK_RND_MASK; process/layout.h)
 *   LINUX_ARCH_SIGFRAME_SIZE the size of Linux's struct rt_sigframe (a
 *                            multiple of 16)
 *   LINUX_ARCH_STACK_REDZONE bytes under the user's stack pointer a signal
 *                            frame leaves alone (the ABI's red zone: x86-64's 128)
 *   LINUX_ARCH_SIGRETURN_SP  how far above the frame's start the stack pointer
 *                            is when the handler's return reaches rt_sigreturn
 *   LINUX_ARCH_CLONE_TLS_ARG, LINUX_ARCH_CLONE_CHILD_TID_ARG  clone's
 *                            arguments (3 and 4, or 4 and 3) holding tls
 *                            and child_tid
 *   LINUX_ARCH_BRK_CODE, LINUX_ARCH_ILL_CODE, LINUX_ARCH_ACCESS_CODE  the
 *                            si_code of SIGTRAP for the breakpoint instruction,
 *                            of SIGILL for an undefined one, of SIGSEGV for a
 *                            fault outside paging (Linux's trap handlers differ)
 *   LINUX_ARCH_SA_RESTORER   defined if the architecture's struct sigaction
 *                            has sa_restorer (between sa_flags and sa_mask)
 * The signal frame's code (sigframe.c) is declared in process/linux_sigframe.h.
 * linux-arch/unistd.h the numbers (NR_read, ...) of the calls linux-abi
 * implements, and linux-arch/stat.h the layouts of struct stat and struct
 * statfs. The C files there define the symbols below.
 */
#ifndef PROCESS_LINUX_ARCH_H
#define PROCESS_LINUX_ARCH_H

#include <stddef.h>
#include <linux-arch/abi.h>
#include <process/ustack.h>

/*
 * Fill 'out' (LINUX_ARCH_AUXV_MAX entries) with the auxiliary vector the
 * architecture's Linux gives a static program, in its order, without
 * AT_NULL; AT_RANDOM and AT_EXECFN have value 0 (ustack_build fills them).
 * Returns the count. Pure: any context.
 */
size_t linux_arch_auxv(struct auxv_entry *out, const struct ustack_exec_info *info);

/* Names by number, for messages; NULL where the architecture has no call. */
extern const char *const linux_arch_syscall_names[LINUX_ARCH_NR_SYSCALLS];

/* One CPU, as /proc/cpuinfo describes it. */
struct linux_arch_cpu {
	unsigned processor; /* Linux's CPU number: 0, 1, ... */
	unsigned long hwid; /* the hardware's id for it (what the architecture's Linux prints) */
};

/*
 * /proc/cpuinfo's paragraph of 'cpu' in the architecture's Linux format
 * (its show_cpuinfo), the blank line after it included, into buf as
 * ksnprintf would (cut at size, NUL-terminated): the whole length. Pure:
 * any context.
 */
size_t linux_arch_cpuinfo(char *buf, size_t size, const struct linux_arch_cpu *cpu);

#endif
