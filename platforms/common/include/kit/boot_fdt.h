/*
 * Boot code shared by boards whose boot loader hands over a flattened
 * device tree (platforms/common/fdt, CONFIG_BOOT_FDT): the memory map
 * (hal/memmap.h) and the boot information (hal/boot.h) from the tree. A
 * board's board_start() calls, in this order, on the boot CPU:
 *
 *	boot_fdt_init(pa)          the tree is there and sane
 *	boot_fdt_scan(device_fn)   one pass: RAM, reserved ranges, the
 *	                           timebase, /chosen; device_fn sees the rest
 *	boot_mem_add(...)          the board's own regions (its devices)
 *	boot_mem_done()            the image and the tree join the map
 *	arch_memmap_ready()        (kit/board.h)
 *	boot_chosen_init()         command line and initrd, checked against
 *	                           the complete map
 *
 * None of these allocates or sleeps; the console may still be the
 * firmware's. Problems with the tree's contents are reported (klog) and
 * the item left out, as Linux does, never trusted.
 */
#ifndef KIT_BOOT_FDT_H
#define KIT_BOOT_FDT_H

#include <stdbool.h>
#include <stdint.h>
#include <hal/memmap.h>
#include <klib/fdt.h>

/* 0, or -EINVAL when pa holds no valid tree (bad magic or header). */
int boot_fdt_init(uint64_t pa);
const struct fdt *boot_fdt(void);

/*
 * Called for every node the scan does not consume itself (not /memory,
 * /reserved-memory, /cpus or /chosen), with the #address-cells and
 * #size-cells its "reg" is written in (its parent's).
 */
typedef void (*boot_fdt_node_fn)(const struct fdt *f, int node, uint32_t addr_cells,
                                 uint32_t size_cells);

/* The one pass. 0, or -EINVAL when the tree nests deeper than 16 levels or is corrupt. */
int boot_fdt_scan(boot_fdt_node_fn device);

/*
 * With CONFIG_SMP: the "reg" (hart id) of each /cpus/cpu node whose status
 * is "okay" or absent, in tree order, up to max of them in ids; returns
 * how many the tree has in all.
 */
unsigned boot_fdt_cpu_hwids(uint64_t *ids, unsigned max);

/* /cpus (or the first cpu's) timebase-frequency; 0 when the tree has none. */
uint64_t boot_fdt_timebase_hz(void);

/* A node's first "reg" entry: 0 with *base and *size, or -ENOENT. */
int boot_fdt_reg(const struct fdt *f, int node, uint32_t addr_cells, uint32_t size_cells,
                 uint64_t *base, uint64_t *size);

/*
 * Add a region to the memory map. RAM beyond the direct map
 * (HAL_PHYS_LIMIT) and devices beyond the I/O window (HAL_IO_LIMIT) are
 * reported and left out (clipped). Returns whether the whole region is in
 * the map (a device that is not must not be used). More regions than
 * CONFIG_BOOT_MEM_REGIONS stop the boot with a message: dropping a
 * reserved range would let the allocator hand it out.
 */
bool boot_mem_add(uint64_t base, uint64_t size, enum hal_mem_type type);

/* The image (hal_kernel_layout) and the tree join the map. */
void boot_mem_done(void);

/* The command line and the initrd from /chosen (hal/boot.h). */
void boot_chosen_init(void);

#endif
