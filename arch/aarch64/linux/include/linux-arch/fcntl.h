/*
 * The open flags whose aarch64 values differ from asm-generic's
 * (arch/arm64/include/uapi/asm/fcntl.h, kept from 32-bit ARM): the same
 * four bits as asm-generic's O_DIRECT, O_LARGEFILE, O_DIRECTORY and
 * O_NOFOLLOW, in another order. linux-abi translates them to and from the
 * vfs's asm-generic values; every other O_* is asm-generic's.
 */
#ifndef LINUX_ARCH_FCNTL_H
#define LINUX_ARCH_FCNTL_H

/* clang-format off */
#define LINUX_ARCH_O_DIRECTORY 0040000
#define LINUX_ARCH_O_NOFOLLOW  0100000
#define LINUX_ARCH_O_DIRECT    0200000
#define LINUX_ARCH_O_LARGEFILE 0400000
/* clang-format on */

#endif
