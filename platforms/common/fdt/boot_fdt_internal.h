/* Private to platforms/common/fdt: what dt.c found for chosen.c and memmap.c. */
#ifndef BOOT_FDT_INTERNAL_H
#define BOOT_FDT_INTERNAL_H

#include <kit/boot_fdt.h>

/* /chosen's properties as the tree has them; chosen.c checks them. */
struct boot_chosen {
	const void *bootargs, *initrd_start, *initrd_end; /* NULL: absent */
	int bootargs_len, initrd_start_len, initrd_end_len;
	void *rng_seed, *kaslr_seed; /* written over once read: seeds must not outlive their use */
	int rng_seed_len, kaslr_seed_len;
};

struct boot_fdt_state {
	struct fdt fdt;
	uint64_t pa;
	uint64_t timebase_hz;
#ifdef CONFIG_SMP
	int cpus; /* /cpus, -1 if the scan met none */
#endif
	struct boot_chosen chosen;
};
extern struct boot_fdt_state boot_fdt_state;

/* A range the map lists as reserved becomes 'type' instead (the initrd U-Boot reserved); else it is
 * added. */
void boot_mem_claim(uint64_t base, uint64_t size, enum hal_mem_type type);

#endif
