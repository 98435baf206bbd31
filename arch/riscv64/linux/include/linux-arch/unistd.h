/*
 * The riscv64 numbers of the Linux system calls linux-abi implements:
 * asm-generic's (linux-generic/unistd.h), with nothing of riscv64's own
 * among them (its riscv_hwprobe and riscv_flush_icache, 258 and 259, are
 * not implemented; syscall_names.c names them).
 */
#ifndef LINUX_ARCH_UNISTD_H
#define LINUX_ARCH_UNISTD_H

#include <linux-generic/unistd.h>

/* riscv64's own calls, named in the system-call table (arch/common/linux/syscall_names.c). */
#define LINUX_ARCH_SYSCALL_NAMES_OWN [258] = "riscv_hwprobe", [259] = "riscv_flush_icache",

#endif
