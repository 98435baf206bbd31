/*
 * The aarch64 Linux ABI (Linux's arch/arm64), as the program loader and the
 * system-call layer need it. Read through process/linux_arch.h, which says
 * what each definition means; the numbers of the system calls are in
 * linux-arch/unistd.h, the open flags that differ from asm-generic's in
 * linux-arch/fcntl.h.
 */
#ifndef LINUX_ARCH_ABI_H
#define LINUX_ARCH_ABI_H

#define LINUX_ARCH_NAME        "aarch64" /* uname's machine */
#define LINUX_ARCH_ELF_MACHINE 183       /* EM_AARCH64 */
#define LINUX_ARCH_PLATFORM    "aarch64" /* ELF_PLATFORM (arch/arm64/include/asm/elf.h) */

/*
 * AT_HWCAP (arch/arm64/include/uapi/asm/hwcap.h): FP and ASIMD, which
 * every ARMv8-A CPU this runs on has and which the user entry saves and
 * restores (user_entry.S), and the optional instructions the ID registers
 * show that need nothing of the kernel but the registers it already saves
 * (crypto, CRC32, atomics, half precision, dot product, RCpc, ...):
 * aarch64_linux_hwcap() in cpuinfo.c. Not offered: SVE and SME (their
 * state is not saved), pointer authentication (no keys are set), MTE,
 * HWCAP_CPUID (ID-register reads from EL0 are not emulated) and the event
 * stream (CNTKCTL_EL1.EVNTEN is off).
 */
#define LINUX_ARCH_HWCAP aarch64_linux_hwcap()
#ifndef __ASSEMBLER__
unsigned long aarch64_linux_hwcap(void);
#endif

#define LINUX_ARCH_THREAD_SIZE    (16u << 10) /* THREAD_SIZE: max_threads, RLIMIT_NPROC's default */
#define LINUX_ARCH_AUXV_MAX       20  /* entries linux_arch_auxv() writes, AT_NULL not counted */
#define LINUX_ARCH_NR_SYSCALLS    471 /* one past the highest number named (listns, Linux 6.18) */
#define LINUX_ARCH_STACK_RND_BITS 18  /* STACK_RND_MASK 0x3ffff (4 KiB pages): stack top moves */

/*
 * struct rt_sigframe (Linux's arch/arm64/kernel/signal.c, uapi/asm/
 * {ucontext,sigcontext}.h): siginfo (128) + ucontext (4560: flags, link,
 * stack_t, sigmask padded to 176, then the 16-aligned sigcontext:
 * fault_address, x0..x30, sp, pc, pstate, and 4096 reserved bytes for the
 * fpsimd_context and END records), then the frame record {fp, lr} that x29
 * points to (16). aarch64's struct sigaction has sa_restorer.
 */
#define LINUX_ARCH_SIGFRAME_SIZE 4704
#define LINUX_ARCH_SA_RESTORER   1

#endif
