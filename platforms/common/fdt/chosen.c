/*
 * /chosen: the kernel command line, the initrd and the boot loader's random
 * seeds (hal/boot.h).
 *
 * dt.c only finds the properties: the /memory nodes may come after /chosen
 * in the tree, so the initrd is checked here, once the memory map is
 * complete. A range that is not wholly inside mapped RAM, or that overlaps
 * the firmware, the image, the device tree or a device, is reported and
 * ignored: reading it would fault or return someone else's bytes. A good
 * range becomes a taken region (HAL_MEM_INITRD), which keeps page-alloc off
 * its frames; the kernel maps all RAM but reserved ranges and the image in
 * its direct map, so it stays readable. (A reservation-block entry of
 * exactly the initrd, which U-Boot's booti adds, becomes that region.)
 *
 * The command line is copied out of the device tree, so nothing depends on
 * the tree's memory staying as it is. So are rng-seed and kaslr-seed, which
 * are then zeroed in the tree (Linux erases them too): the seed of the
 * kernel's generator must not stay readable for the kernel's lifetime.
 */
#include <hal/boot.h>
#include <hal/memmap.h>
#include <klib/compiler.h>
#include <klib/errno.h>
#include <klib/log.h>
#include <klib/string.h>
#include "boot_fdt_internal.h"

static char cmdline[CONFIG_BOOT_CMDLINE_SIZE];
static const void *initrd;
static size_t initrd_size;
static uint8_t seed[64]; /* XOR-folded: a longer seed still counts, up to 512 bits */
static size_t seed_len;

static void chosen_cmdline(const struct boot_chosen *c)
{
	const char *p = c->bootargs;
	size_t n;

	if (!p)
		return;
	if (c->bootargs_len <= 0 || p[c->bootargs_len - 1] != '\0') {
		klog_err("boot", "/chosen/bootargs is not a NUL-terminated string: "
		                 "command line ignored");
		return;
	}
	n = strlen(p);
	if (n >= sizeof(cmdline)) {
		klog_err("boot",
		         "the command line is %zu bytes, over the %zu of "
		         "CONFIG_BOOT_CMDLINE_SIZE: ignored",
		         n, sizeof(cmdline) - 1);
		return;
	}
	memcpy(cmdline, p, n + 1);
}

/* linux,initrd-start/-end: one or two 32-bit cells, like Linux reads them. */
static bool chosen_number(const void *p, int len, const char *name, uint64_t *out)
{
	if (len != 4 && len != 8) {
		klog_err("boot", "/chosen/%s is %d bytes, not 4 or 8: initrd ignored", name, len);
		return false;
	}
	*out = fdt_read_cells(p, len / 4);
	return true;
}

static const char *region_name(enum hal_mem_type t)
{
	switch (t) {
	case HAL_MEM_KERNEL:
		return "kernel image";
	case HAL_MEM_FDT:
		return "device tree";
	case HAL_MEM_INITRD:
		return "another initrd";
	case HAL_MEM_MMIO:
		return "registers of a device";
	default:
		return "firmware's reserved memory";
	}
}

static void initrd_refuse(uint64_t start, uint64_t end, const char *why, const char *what)
{
	klog_err("boot", "the initrd [%#llx, %#llx) %s%s: ignored", (unsigned long long)start,
	         (unsigned long long)end, why, what);
}

/* The boot loader reserved exactly the initrd (U-Boot does): not a clash. */
static bool same_reservation(const struct hal_mem_region *r, uint64_t start, uint64_t end)
{
	return r->type == HAL_MEM_RESERVED && r->base == start && r->size == end - start;
}

/* Whether [start, end) can be the initrd; says why not when it cannot. */
static bool initrd_ok(uint64_t start, uint64_t end)
{
	const struct hal_mem_region *r;
	size_t n = hal_mem_regions(&r);
	bool in_ram = false;

	if (end <= start) {
		initrd_refuse(start, end, end < start ? "ends before it starts" : "is empty", "");
		return false;
	}
	/* The kernel maps the whole pages of each bank. */
	for (size_t i = 0; i < n; i++)
		if (r[i].type == HAL_MEM_RAM && start >= ALIGN_UP(r[i].base, 4096) &&
		    end <= ALIGN_DOWN(r[i].base + r[i].size, 4096))
			in_ram = true;
	if (!in_ram) {
		initrd_refuse(start, end, "is not inside one RAM bank", "");
		return false;
	}
	for (size_t i = 0; i < n; i++)
		if (r[i].type != HAL_MEM_RAM && r[i].base < end && start < r[i].base + r[i].size &&
		    !same_reservation(&r[i], start, end)) {
			initrd_refuse(start, end, "overlaps the ", region_name(r[i].type));
			return false;
		}
	return true;
}

static void chosen_initrd(const struct boot_chosen *c)
{
	uint64_t start, end;

	if (!c->initrd_start && !c->initrd_end)
		return;
	if (!c->initrd_start || !c->initrd_end) {
		klog_err("boot",
		         "/chosen has linux,initrd-%s but no linux,initrd-%s: initrd ignored",
		         c->initrd_start ? "start" : "end", c->initrd_start ? "end" : "start");
		return;
	}
	if (!chosen_number(c->initrd_start, c->initrd_start_len, "linux,initrd-start", &start) ||
	    !chosen_number(c->initrd_end, c->initrd_end_len, "linux,initrd-end", &end) ||
	    !initrd_ok(start, end))
		return;
	boot_mem_claim(start, end - start, HAL_MEM_INITRD);
	initrd = hal_phys_to_virt(start);
	initrd_size = (size_t)(end - start);
}

/* Fold a seed property into seed[] and erase it from the tree. */
static void chosen_seed(void *prop, int len)
{
	uint8_t *p = prop;

	for (int i = 0; p && i < len; i++) {
		seed[seed_len % sizeof(seed)] ^= p[i];
		seed_len++;
		p[i] = 0;
	}
}

void boot_chosen_init(void)
{
	chosen_cmdline(&boot_fdt_state.chosen);
	chosen_initrd(&boot_fdt_state.chosen);
	chosen_seed(boot_fdt_state.chosen.rng_seed, boot_fdt_state.chosen.rng_seed_len);
	chosen_seed(boot_fdt_state.chosen.kaslr_seed, boot_fdt_state.chosen.kaslr_seed_len);
}

const char *hal_boot_cmdline(void)
{
	return cmdline;
}

int hal_boot_initrd(const void **data, size_t *size)
{
	if (!initrd)
		return -ENOENT;
	*data = initrd;
	*size = initrd_size;
	return 0;
}

size_t hal_boot_entropy(void *buf, size_t len)
{
	size_t n = MIN(len, MIN(seed_len, sizeof(seed)));

	memcpy(buf, seed, n);
	kmemzero_explicit(seed, sizeof(seed));
	seed_len = 0;
	return n;
}
