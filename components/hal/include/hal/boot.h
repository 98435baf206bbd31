/*
 * What the boot loader handed over besides memory: the kernel command line
 * (QEMU -append, U-Boot bootargs: the device tree's /chosen/bootargs), the
 * initial ramdisk (QEMU -initrd: /chosen/linux,initrd-start and -end) and
 * entropy for the first seed of the random generator.
 *
 * The command line is a copy in the kernel, valid for its lifetime. The
 * initrd is a taken range of the memory map (HAL_MEM_INITRD), mapped
 * wherever the kernel sees RAM; page-alloc manages its whole pages as held
 * frames (page_alloc_add_held_range) that it hands out to no one, so it
 * stays valid until its user calls page_alloc_release_held. On the host,
 * KIT_CMDLINE and the file named by KIT_INITRD play them.
 */
#ifndef HAL_BOOT_H
#define HAL_BOOT_H

#include <stddef.h>

const char *hal_boot_cmdline(void);                   /* "" when there is none; never NULL */
int hal_boot_initrd(const void **data, size_t *size); /* 0, or -ENOENT when there is none */

/*
 * Entropy the platform has at boot, for the random generator's first seed
 * (components/random): on riscv64 the device tree's /chosen/rng-seed and
 * /chosen/kaslr-seed, which QEMU and U-Boot fill from their own generators
 * (copied out and zeroed in the tree before anything else runs, as Linux
 * does, so that nothing reading the tree later sees them); on x86-64,
 * whose Multiboot loaders give none, the CPU's RDRAND where it has one; on
 * the host, the host's getrandom(2). Copies at most len bytes to buf and returns how
 * many (0: the platform has none). A boot loader's seed is handed out once
 * and then erased; the host gives fresh bytes every call.
 *
 * Any context, interrupts on or off; does not sleep.
 */
size_t hal_boot_entropy(void *buf, size_t len);

#endif
