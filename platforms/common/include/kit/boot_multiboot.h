/*
 * Boot information from a Multiboot (version 1) loader, for boards booted
 * that way (QEMU's -kernel on a PC, GRUB): the memory map, the kernel
 * command line and the initrd. Implements hal/memmap.h's map and
 * hal/boot.h for the board.
 *
 * The board's board_start() calls, in order, on the boot CPU:
 *	boot_mb_init(info_pa)     RAM from the loader's memory map
 *	boot_mem_add(...)         the board's own regions (its devices)
 *	boot_mem_done()           the image, the low MiB and the initrd join the map
 *	arch_memmap_ready()       (kit/board.h)
 * All of it before kit_start(), which may hand free RAM out: the command
 * line is copied into the image then, and the loader's information is not
 * read again.
 */
#ifndef KIT_BOOT_MULTIBOOT_H
#define KIT_BOOT_MULTIBOOT_H

#include <stdbool.h>
#include <stdint.h>
#include <hal/memmap.h>

/*
 * Read the information at physical info_pa (reachable through the direct
 * map: the architecture maps the loader's low memory before this). RAM
 * from its memory map (flag 6), else from mem_lower/mem_upper (flag 0);
 * the command line (flag 2), past its first word, which Multiboot loaders
 * fill with the image's own path; the first module (flag 3) as the initrd.
 * 0, or -EINVAL when it names no RAM at all.
 */
int boot_mb_init(uint64_t info_pa);

/* Add a region; one past HAL_PHYS_LIMIT (RAM) or HAL_IO_LIMIT (devices) is cut or left out,
 * saying so. Whether all of it was kept. */
bool boot_mem_add(uint64_t base, uint64_t size, enum hal_mem_type type);

/* The image, the first MiB (the BIOS's data, the real-mode interrupt table) and the
 * initrd, checked against the RAM banks, join the map. */
void boot_mem_done(void);

#endif
