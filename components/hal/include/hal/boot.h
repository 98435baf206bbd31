/*
 * What the boot loader handed over besides memory: the kernel command line
 * (QEMU -append, U-Boot bootargs: the device tree's /chosen/bootargs) and
 * the initial ramdisk (QEMU -initrd: /chosen/linux,initrd-start and -end).
 *
 * Both stay valid for the kernel's lifetime: the command line is a copy in
 * the kernel, and the initrd's frames are a taken range of the memory map
 * (HAL_MEM_INITRD), so page-alloc never hands them out, and they are mapped
 * wherever the kernel sees RAM. On the host, KIT_CMDLINE and the file named
 * by KIT_INITRD play them.
 */
#ifndef HAL_BOOT_H
#define HAL_BOOT_H

#include <stddef.h>

const char *hal_boot_cmdline(void);                 /* "" when there is none; never NULL */
int hal_boot_initrd(const void **data, size_t *size); /* 0, or -ENOENT when there is none */

#endif
