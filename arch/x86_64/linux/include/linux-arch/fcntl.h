/*
 * The open flags an architecture may number its own way (aarch64 does):
 * x86-64 takes asm-generic's (include/uapi/asm-generic/fcntl.h; x86 has no
 * uapi fcntl.h of its own), which are the vfs's, so linux-abi's
 * translation changes nothing here.
 */
#ifndef LINUX_ARCH_FCNTL_H
#define LINUX_ARCH_FCNTL_H

/* clang-format off */
#define LINUX_ARCH_O_DIRECT    0040000
#define LINUX_ARCH_O_LARGEFILE 0100000
#define LINUX_ARCH_O_DIRECTORY 0200000
#define LINUX_ARCH_O_NOFOLLOW  0400000
/* clang-format on */

#endif
