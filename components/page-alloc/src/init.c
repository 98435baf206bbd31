/*
 * page_alloc_init(): every frame of RAM that nothing else owns. Each RAM
 * bank of the hal memory map is cut around every other region (firmware,
 * kernel image, device tree, initrd); what is left, shrunk to whole pages,
 * goes to the allocator, largest piece first. RAM the boot tables do not
 * reach (HAL_MEM_UNMAPPED) waits for page_alloc_init_late(). The initrd's
 * whole pages come last, as held frames (page_alloc_add_held_range): its
 * files can keep them, and they are freed once it is unpacked.
 */
#include <page-alloc/page_alloc.h>
#include <hal/memmap.h>
#include <klib/compiler.h>
#include <klib/errno.h>
#include <klib/log.h>

/*
 * The taken region overlapping [from, end) that starts lowest, or NULL:
 * anything but RAM and 'own', the type of the region being cut.
 */
static const struct hal_mem_region *first_taken(const struct hal_mem_region *r, size_t n,
                                                enum hal_mem_type own, uint64_t from, uint64_t end)
{
	const struct hal_mem_region *best = NULL;

	for (size_t i = 0; i < n; i++) {
		if (r[i].type == HAL_MEM_RAM || r[i].type == own || r[i].size == 0)
			continue;
		if (r[i].base < end && from < r[i].base + r[i].size &&
		    (!best || r[i].base < best->base))
			best = &r[i];
	}
	return best;
}

/* Every usable piece of the regions of 'type', whole pages, to fn(base, end, arg). */
static void for_each_piece(const struct hal_mem_region *r, size_t n, enum hal_mem_type type,
                           void (*fn)(uint64_t base, uint64_t end, void *arg), void *arg)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t at = r[i].base, end = r[i].base + r[i].size;

		if (r[i].type != type)
			continue;
		while (at < end) {
			const struct hal_mem_region *t = first_taken(r, n, type, at, end);
			uint64_t stop = t ? MAX(at, t->base) : end;
			uint64_t b = ALIGN_UP(at, PAGE_SIZE), e = ALIGN_DOWN(stop, PAGE_SIZE);

			if (e > b)
				fn(b, e, arg);
			if (!t)
				break;
			at = MAX(at, t->base + t->size);
		}
	}
}

/*
 * The allocator holds CONFIG_PAGE_ALLOC_MAX_RANGES pieces at most, so they
 * are handed over largest first: a limit that is too small loses the
 * crumbs around the firmware and the initrd, never the bulk of RAM. Each
 * round picks the largest piece ordered after the previous pick (by size
 * down, then address up), so ties and repeats need no array.
 */
struct pick {
	uint64_t prev_b, prev_e; /* the previous pick; prev_e == 0 before the first */
	uint64_t b, e;           /* the best candidate so far; e == 0 if none */
};

static bool before(uint64_t b1, uint64_t e1, uint64_t b2, uint64_t e2)
{
	return e1 - b1 > e2 - b2 || (e1 - b1 == e2 - b2 && b1 < b2);
}

static void consider(uint64_t b, uint64_t e, void *arg)
{
	struct pick *p = arg;

	if (p->prev_e && !before(p->prev_b, p->prev_e, b, e))
		return; /* already handed over, or it would have been */
	if (!p->e || before(b, e, p->b, p->e)) {
		p->b = b;
		p->e = e;
	}
}

static void warn_left(uint64_t b, uint64_t e, void *arg)
{
	struct pick *p = arg;

	if (!p->prev_e || before(p->prev_b, p->prev_e, b, e)) /* ordered after the last one kept */
		klog_warn("page-alloc", "more than %d RAM ranges: [%#llx, %#llx) left unused",
		          CONFIG_PAGE_ALLOC_MAX_RANGES, (unsigned long long)b,
		          (unsigned long long)e);
}

int page_alloc_init(void)
{
	const struct hal_mem_region *r;
	size_t n = hal_mem_regions(&r);
	struct pick p = {0};
	int rc = 0;

	while (rc != -ENOSPC) {
		p.e = 0;
		for_each_piece(r, n, HAL_MEM_RAM, consider, &p);
		if (!p.e)
			break;
		rc = page_alloc_add_range(p.b, p.e - p.b);
		if (rc < 0 && rc != -EINVAL &&
		    rc != -ENOSPC) /* -EINVAL: smaller than its metadata */
			klog_warn("page-alloc", "range [%#llx, %#llx) refused: %d",
			          (unsigned long long)p.b, (unsigned long long)p.e, rc);
		if (rc != -ENOSPC) {
			p.prev_b = p.b;
			p.prev_e = p.e;
		}
	}
	if (rc == -ENOSPC)
		for_each_piece(r, n, HAL_MEM_RAM, warn_left, &p);
	if (!page_total_count())
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		uint64_t b = ALIGN_UP(r[i].base, PAGE_SIZE);
		uint64_t e = ALIGN_DOWN(r[i].base + r[i].size, PAGE_SIZE);

		/* Failing leaves the initrd out of the allocator, as before: read, never freed. */
		if (r[i].type == HAL_MEM_INITRD && e > b &&
		    (rc = page_alloc_add_held_range(b, e - b)) < 0)
			klog_warn("page-alloc", "initrd [%#llx, %#llx) stays outside: %d",
			          (unsigned long long)b, (unsigned long long)e, rc);
	}
	return 0;
}

struct late {
	uint64_t added;
};

static void add_late(uint64_t b, uint64_t e, void *arg)
{
	struct late *l = arg;
	int rc = page_alloc_add_range(b, e - b);

	if (rc == 0)
		l->added += e - b;
	else if (rc != -EINVAL) /* -EINVAL: smaller than its metadata */
		klog_warn("page-alloc", "range [%#llx, %#llx) left unused: %s",
		          (unsigned long long)b, (unsigned long long)e,
		          rc == -ENOSPC ? "more than CONFIG_PAGE_ALLOC_MAX_RANGES ranges"
		                        : "refused");
}

uint64_t page_alloc_init_late(void)
{
	const struct hal_mem_region *r;
	size_t n = hal_mem_regions(&r);
	struct late l = {0};

	for_each_piece(r, n, HAL_MEM_UNMAPPED, add_late, &l);
	return l.added;
}
