/*
 * page_alloc_init(): every frame of RAM that nothing else owns. Each RAM
 * bank of the hal memory map is cut around every other region (firmware,
 * kernel image, device tree, initrd); what is left, shrunk to whole pages,
 * goes to the allocator.
 */
#include <page-alloc/page_alloc.h>
#include <hal/memmap.h>
#include <klib/compiler.h>
#include <klib/errno.h>
#include <klib/log.h>

/* The taken region overlapping [from, end) that starts lowest, or NULL. */
static const struct hal_mem_region *first_taken(const struct hal_mem_region *r, size_t n,
						uint64_t from, uint64_t end)
{
	const struct hal_mem_region *best = NULL;

	for (size_t i = 0; i < n; i++) {
		if (r[i].type == HAL_MEM_RAM || r[i].size == 0)
			continue;
		if (r[i].base < end && from < r[i].base + r[i].size && (!best || r[i].base < best->base))
			best = &r[i];
	}
	return best;
}

static void add_piece(uint64_t base, uint64_t end)
{
	uint64_t b = ALIGN_UP(base, PAGE_SIZE), e = ALIGN_DOWN(end, PAGE_SIZE);
	int rc;

	if (e <= b)
		return;
	rc = page_alloc_add_range(b, e - b);
	if (rc == -ENOSPC)
		klog_warn("page-alloc", "more than %d RAM ranges: [%#llx, %#llx) left unused",
			  CONFIG_PAGE_ALLOC_MAX_RANGES, (unsigned long long)b, (unsigned long long)e);
	else if (rc < 0 && rc != -EINVAL) /* -EINVAL: too small to be worth its metadata */
		klog_warn("page-alloc", "range [%#llx, %#llx) refused: %d", (unsigned long long)b,
			  (unsigned long long)e, rc);
}

int page_alloc_init(void)
{
	const struct hal_mem_region *r;
	size_t n = hal_mem_regions(&r);

	for (size_t i = 0; i < n; i++) {
		uint64_t at = r[i].base, end = r[i].base + r[i].size;

		if (r[i].type != HAL_MEM_RAM)
			continue;
		while (at < end) {
			const struct hal_mem_region *t = first_taken(r, n, at, end);
			if (!t) {
				add_piece(at, end);
				break;
			}
			if (t->base > at)
				add_piece(at, t->base);
			at = MAX(at, t->base + t->size);
		}
	}
	return page_total_count() ? 0 : -ENOMEM;
}
