/*
 * struct stat and struct statfs as aarch64 Linux lays them out: asm-generic's
 * 64-bit layouts (linux-generic/stat.h).
 */
#ifndef LINUX_ARCH_STAT_H
#define LINUX_ARCH_STAT_H

#include <linux-generic/stat.h>

#endif
