/*
 * Multiboot (version 1) boot information (kit/boot_multiboot.h; the
 * Multiboot Specification 0.6.96, section 3.3): the memory map, the
 * command line and the initrd, and hal/memmap.h's and hal/boot.h's
 * functions over them.
 *
 * The information's addresses are physical and 32 bits wide; the loader
 * puts it, the command line and the modules in low memory, which the
 * architecture's boot table reaches through the direct map. A module that
 * is not wholly inside one RAM bank, or overlaps the image or the low MiB,
 * is reported and ignored, as a device tree's initrd is. Multiboot hands
 * over no random seed: the architecture's hal_boot_entropy() is the CPU's
 * (arch/x86_64/boot.c).
 */
#include <hal/boot.h>
#include <hal/memmap.h>
#include <kit/boot_multiboot.h>
#include <klib/compiler.h>
#include <klib/errno.h>
#include <klib/log.h>
#include <klib/panic.h>
#include <klib/string.h>

/* clang-format off */
#define MB_FLAG_MEM     (1u << 0)
#define MB_FLAG_CMDLINE (1u << 2)
#define MB_FLAG_MODS    (1u << 3)
#define MB_FLAG_MMAP    (1u << 6)
#define MB_MMAP_RAM     1
#define LOW_MEMORY      0x100000ull /* real-mode IVT, BIOS data, EBDA, option ROMs */
/* clang-format on */

struct mb_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper; /* KiB from 0 and from 1 MiB */
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
};

struct mb_module {
	uint32_t start, end; /* [start, end) */
	uint32_t string, reserved;
};

/* Each entry is 'size' bytes after its size field. */
struct mb_mmap {
	uint32_t size;
	uint64_t addr, len;
	uint32_t type;
} __attribute__((packed));

static struct hal_mem_region regions[CONFIG_BOOT_MEM_REGIONS];
static size_t nregions;
static uint64_t ram_size;
static char cmdline[CONFIG_BOOT_CMDLINE_SIZE];
static uint64_t module_start, module_end;
static const void *initrd;
static size_t initrd_size;

static void add(uint64_t base, uint64_t size, enum hal_mem_type type)
{
	/* Dropping a reserved range would let the allocator hand it out: refuse. */
	if (nregions == CONFIG_BOOT_MEM_REGIONS)
		panic("memmap: more than CONFIG_BOOT_MEM_REGIONS (%d) memory ranges",
		      CONFIG_BOOT_MEM_REGIONS);
	regions[nregions++] = (struct hal_mem_region){base, size, type};
	if (type == HAL_MEM_RAM)
		ram_size += size;
}

bool boot_mem_add(uint64_t base, uint64_t size, enum hal_mem_type type)
{
	uint64_t limit = type == HAL_MEM_MMIO ? HAL_IO_LIMIT : HAL_PHYS_LIMIT, kept = size;

	if (base >= limit || size > limit - base) {
		kept = base >= limit ? 0 : limit - base;
		klog_warn("boot",
		          "[%#llx, %#llx) reaches past %#llx, which the kernel cannot map: %s",
		          (unsigned long long)base, (unsigned long long)(base + size),
		          (unsigned long long)limit, kept ? "cut there" : "ignored");
	}
	if (kept)
		add(base, kept, type);
	return kept == size;
}

static const void *phys(uint64_t pa)
{
	return hal_phys_to_virt(pa);
}

static void read_mmap(const struct mb_info *mb)
{
	uint64_t p = mb->mmap_addr, end = p + mb->mmap_length;

	while (p + sizeof(struct mb_mmap) <= end) {
		const struct mb_mmap *e = phys(p);

		if (e->type == MB_MMAP_RAM && e->len)
			boot_mem_add(e->addr, e->len, HAL_MEM_RAM);
		p += e->size + sizeof(e->size);
	}
}

/* The command line past its first word, the image's path (QEMU: "<-kernel file> <-append>"). */
static void read_cmdline(const struct mb_info *mb)
{
	const char *p = phys(mb->cmdline);
	size_t n;

	while (*p && *p != ' ')
		p++;
	while (*p == ' ')
		p++;
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

int boot_mb_init(uint64_t info_pa)
{
	const struct mb_info *mb = phys(info_pa);

	if (mb->flags & MB_FLAG_MMAP)
		read_mmap(mb);
	else if (mb->flags & MB_FLAG_MEM) {
		boot_mem_add(0, (uint64_t)mb->mem_lower << 10, HAL_MEM_RAM);
		boot_mem_add(LOW_MEMORY, (uint64_t)mb->mem_upper << 10, HAL_MEM_RAM);
	}
	if (!ram_size)
		return -EINVAL;
	if (mb->flags & MB_FLAG_CMDLINE)
		read_cmdline(mb);
	if ((mb->flags & MB_FLAG_MODS) && mb->mods_count) {
		const struct mb_module *m = phys(mb->mods_addr);

		module_start = m->start;
		module_end = m->end;
		if (mb->mods_count > 1)
			klog_warn("boot",
			          "%u modules: the first is the initrd, the others are ignored",
			          mb->mods_count);
	}
	return 0;
}

/* Whether [start, end) lies in whole pages of one RAM bank and clear of everything taken. */
static const char *initrd_problem(uint64_t start, uint64_t end)
{
	bool in_ram = false;

	if (end <= start)
		return "is empty or ends before it starts";
	for (size_t i = 0; i < nregions; i++)
		if (regions[i].type == HAL_MEM_RAM && start >= ALIGN_UP(regions[i].base, 4096) &&
		    end <= ALIGN_DOWN(regions[i].base + regions[i].size, 4096))
			in_ram = true;
	if (!in_ram)
		return "is not inside one RAM bank";
	for (size_t i = 0; i < nregions; i++)
		if (regions[i].type != HAL_MEM_RAM && regions[i].base < end &&
		    start < regions[i].base + regions[i].size)
			return "overlaps the image, the low MiB or a device";
	return NULL;
}

void boot_mem_done(void)
{
	const struct hal_kernel_layout *k = hal_kernel_layout();
	const char *why;

	boot_mem_add(0, LOW_MEMORY, HAL_MEM_RESERVED);
	boot_mem_add(hal_virt_to_phys((const void *)k->image_start), k->image_end - k->image_start,
	             HAL_MEM_KERNEL);
	if (!module_start && !module_end)
		return;
	if ((why = initrd_problem(module_start, module_end))) {
		klog_err("boot", "the initrd (module 1) [%#llx, %#llx) %s: ignored",
		         (unsigned long long)module_start, (unsigned long long)module_end, why);
		return;
	}
	boot_mem_add(module_start, module_end - module_start, HAL_MEM_INITRD);
	initrd = hal_phys_to_virt(module_start);
	initrd_size = (size_t)(module_end - module_start);
}

size_t hal_mem_regions(const struct hal_mem_region **out)
{
	*out = regions;
	return nregions;
}

uint64_t hal_mem_ram_size(void)
{
	return ram_size;
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
