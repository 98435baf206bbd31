/*
 * The aarch64 numbers of the Linux system calls linux-abi implements:
 * asm-generic's (linux-generic/unistd.h), plus renameat (38), which arm64
 * kept (__ARCH_WANT_RENAMEAT) and riscv64 has not; glibc's rename() calls
 * it.
 */
#ifndef LINUX_ARCH_UNISTD_H
#define LINUX_ARCH_UNISTD_H

#include <linux-generic/unistd.h>

#define NR_renameat 38

/* For the system-call table (arch/common/linux/syscall_names.c). */
#define LINUX_ARCH_SYSCALL_NAMES_OWN [38] = "renameat",

#endif
