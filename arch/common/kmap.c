/*
 * The kernel's own page table (hal_mmu_init), for every architecture with
 * an MMU, built with paging from the memory map and the architecture's
 * layout (arch/memory.h):
 * - the direct map: each RAM bank at ARCH_DMAP_BASE + pa, read-write and
 *   never executable, in the largest pages alignment allows; firmware's
 *   reserved ranges and the image's own frames are left out (the image is
 *   reached at its linked address only, so its text has no writable alias);
 * - the image at its linked addresses, W^X: text read+exec, rodata
 *   read-only, data, bss and stack read-write, the boot stack's guard page
 *   unmapped;
 * - each device of the memory map (HAL_MEM_MMIO) at ARCH_IO_BASE + pa, as
 *   device memory;
 * - with tasks, a region for task stacks with guard pages (kstack.c).
 * Everything is global: this is the kernel half of every address space.
 * The boot table it replaces maps the same addresses to the same frames
 * (more coarsely), so nothing moves when the architecture switches over.
 */
#include <arch/memory.h>
#include <hal/memmap.h>
#include <hal/mmu.h>
#include <klib/compiler.h>
#include <klib/errno.h>
#include <klib/log.h>
#include "kmap.h"

#define PG 4096ul

#ifdef CONFIG_TASK
_Static_assert((uint64_t)CONFIG_KSTACK_REGION_MB << 20 <= ARCH_KSTACK_SIZE,
               "CONFIG_KSTACK_REGION_MB is larger than the architecture's region for stacks");
#endif

extern char __boot_stack_guard[];

/* [base, end) of a region, shrunk (inner) or grown (outer) to whole pages. */
static uint64_t inner_base(const struct hal_mem_region *r)
{
	return ALIGN_UP(r->base, PG);
}

static uint64_t inner_end(const struct hal_mem_region *r)
{
	return ALIGN_DOWN(r->base + r->size, PG);
}

static uint64_t outer_base(const struct hal_mem_region *r)
{
	return ALIGN_DOWN(r->base, PG);
}

static uint64_t outer_end(const struct hal_mem_region *r)
{
	return ALIGN_UP(r->base + r->size, PG);
}

/* Is region i a hole in the direct map: firmware's memory is not ours to
 * touch, and the image has its own mapping. */
static bool dmap_hole(const struct hal_mem_region *r)
{
	return r->type == HAL_MEM_RESERVED || r->type == HAL_MEM_KERNEL;
}

/*
 * Map [base, end) of RAM into the direct map less the holes from region i
 * on: the first hole that overlaps it cuts it in two, each side checked
 * against the holes after that one. Mapping the pieces (rather than the
 * bank, then unmapping the holes) gives the same table and keeps the
 * unmap and split engine out of images that never unmap.
 */
static int map_ram_range(struct pt *pt, uint64_t base, uint64_t end, size_t i)
{
	const struct hal_mem_region *r;
	size_t n = hal_mem_regions(&r);
	int rc;

	for (; i < n; i++) {
		if (!dmap_hole(&r[i]) || outer_end(&r[i]) <= base || outer_base(&r[i]) >= end)
			continue;
		if (outer_base(&r[i]) > base &&
		    (rc = map_ram_range(pt, base, outer_base(&r[i]), i + 1)))
			return rc;
		if (outer_end(&r[i]) < end)
			return map_ram_range(pt, outer_end(&r[i]), end, i + 1);
		return 0;
	}
	return pt_map(pt, ARCH_DMAP_BASE + base, base, end - base, PT_READ | PT_WRITE | PT_GLOBAL,
	              PT_MAP_HUGE);
}

static int map_ram(struct pt *pt)
{
	const struct hal_mem_region *r;
	size_t n = hal_mem_regions(&r);
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++)
		if (r[i].type == HAL_MEM_RAM && inner_end(&r[i]) > inner_base(&r[i]))
			rc = map_ram_range(pt, inner_base(&r[i]), inner_end(&r[i]), 0);
	return rc;
}

static int map_section(struct pt *pt, uintptr_t start, uintptr_t end, unsigned prot)
{
	if (end <= start)
		return 0;
	return pt_map(pt, start, hal_virt_to_phys((const void *)start), end - start,
	              prot | PT_GLOBAL, PT_MAP_HUGE);
}

static int map_image(struct pt *pt)
{
	const struct hal_kernel_layout *k = hal_kernel_layout();
	uintptr_t guard = (uintptr_t)__boot_stack_guard;
	int rc;

	if ((rc = map_section(pt, k->text_start, k->text_end, PT_READ | PT_EXEC)) ||
	    (rc = map_section(pt, k->rodata_start, k->rodata_end, PT_READ)))
		return rc;
	/* Data, bss and stacks, with a hole at the boot stack's guard page. */
	if (guard < k->data_start || guard >= k->data_end)
		return map_section(pt, k->data_start, k->data_end, PT_READ | PT_WRITE);
	if ((rc = map_section(pt, k->data_start, guard, PT_READ | PT_WRITE)))
		return rc;
	return map_section(pt, guard + PG, k->data_end, PT_READ | PT_WRITE);
}

static int map_devices(struct pt *pt)
{
	const struct hal_mem_region *r;
	size_t n = hal_mem_regions(&r);
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++)
		if (r[i].type == HAL_MEM_MMIO)
			rc = pt_map(pt, ARCH_IO_BASE + outer_base(&r[i]), outer_base(&r[i]),
			            outer_end(&r[i]) - outer_base(&r[i]),
			            PT_READ | PT_WRITE | PT_GLOBAL | PT_DEVICE, 0);
	return rc;
}

int hal_mmu_init(void)
{
	struct pt *pt;
	int rc = pt_create(arch_kernel_format(), &pt);

	if (rc)
		return rc;
	if ((rc = map_ram(pt)) || (rc = map_image(pt)) || (rc = map_devices(pt))) {
		pt_destroy(pt);
		return rc;
	}
	pt_set_kernel(pt);
#ifdef CONFIG_TASK
	kstack_init(ARCH_KSTACK_BASE);
#endif
	arch_mmu_set_kernel(pt_root(pt));
	return 0;
}

const char *kmap_describe(uintptr_t addr)
{
	const struct hal_kernel_layout *k = hal_kernel_layout();
	uintptr_t guard = (uintptr_t)__boot_stack_guard;

	if (!pt_kernel())
		return "the boot page table, no W^X yet";
	if (addr >= k->text_start && addr < k->text_end)
		return "kernel text, read+exec";
	if (addr >= k->rodata_start && addr < k->rodata_end)
		return "kernel rodata, read-only";
	if (addr >= guard && addr < guard + PG)
		return "boot stack guard page, unmapped";
	if (addr >= k->data_start && addr < k->data_end)
		return "kernel data, read+write, no exec";
	if (pt_query(pt_kernel(), addr, NULL, NULL, NULL) == 0)
		return "mapped";
	return "unmapped";
}
