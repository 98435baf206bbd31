/*
 * The frames of a file: a radix tree of page-sized nodes of 512 slots,
 * grown upwards as higher offsets appear, so a sparse file costs a node
 * per 2 MiB region touched (plus the path to it) and a hole costs
 * nothing. Leaves hold frame addresses (0: a hole), interior nodes the
 * kernel addresses of their children. The caller holds the file's
 * pages_lock.
 */
#include <klib/errno.h>
#include <klib/string.h>
#include "tmpfs_internal.h"

#define SHIFT      9
#define SLOTS      (1u << SHIFT)
#define MASK       (SLOTS - 1)
#define MAX_HEIGHT 6 /* 54 bits of page offset: past the largest file's 51 */

static uint64_t *node_new(void)
{
	paddr_t pa = page_alloc_zeroed(0);

	return pa == PADDR_NONE ? NULL : page_to_virt(pa);
}

static void node_free(uint64_t *n)
{
	page_free(page_from_virt(n), 0);
}

/* Pages a tree of this height covers (0 for an empty tree). */
static uint64_t span(unsigned height)
{
	return height ? 1ull << (SHIFT * height) : 0;
}

static unsigned slot(uint64_t pgoff, unsigned level)
{
	return (unsigned)(pgoff >> (SHIFT * level)) & MASK;
}

int tmpfs_pages_lookup(const struct tmpfs_pages *pg, uint64_t pgoff, paddr_t *pa)
{
	uint64_t *n = pg->root;

	if (!n || pgoff >= span(pg->height))
		return -ENOENT;
	for (unsigned level = pg->height - 1; level > 0; level--)
		if (!(n = (uint64_t *)(uintptr_t)n[slot(pgoff, level)]))
			return -ENOENT;
	*pa = n[slot(pgoff, 0)];
	return *pa ? 0 : -ENOENT;
}

/* Grow the tree until it covers pgoff. */
static int grow(struct tmpfs_pages *pg, uint64_t pgoff)
{
	while (pgoff >= span(pg->height)) {
		uint64_t *n;

		if (pg->height == MAX_HEIGHT)
			return -EFBIG;
		if (!pg->root) {
			pg->height++;
			continue;
		}
		if (!(n = node_new()))
			return -ENOMEM;
		n[0] = (uint64_t)(uintptr_t)pg->root;
		pg->root = n;
		pg->height++;
	}
	return 0;
}

/* The leaf slot of pgoff, the nodes to it made as needed. */
static int leaf_slot(struct tmpfs_pages *pg, uint64_t pgoff, uint64_t **out)
{
	uint64_t **link;
	int rc;

	if ((rc = grow(pg, pgoff)) < 0)
		return rc;
	link = &pg->root;
	for (unsigned level = pg->height - 1;; level--) {
		if (!*link && !(*link = node_new()))
			return -ENOMEM; /* nodes made on the way stay: empty, freed with the tree */
		if (level == 0)
			break;
		link = (uint64_t **)&(*link)[slot(pgoff, level)];
	}
	*out = &(*link)[slot(pgoff, 0)];
	return 0;
}

int tmpfs_pages_insert(struct tmpfs_pages *pg, uint64_t pgoff, paddr_t pa)
{
	uint64_t *s;
	int rc = leaf_slot(pg, pgoff, &s);

	if (rc == 0)
		*s = pa;
	return rc;
}

int tmpfs_pages_slots(struct tmpfs_pages *pg, uint64_t pgoff, size_t n, uint64_t **slots,
                      size_t *run)
{
	int rc = leaf_slot(pg, pgoff, slots);

	if (rc == 0)
		*run = MIN(n, (size_t)(SLOTS - slot(pgoff, 0)));
	return rc;
}

/* Drop the slots of node n (at 'level', first page 'base') at or past 'from'; true if n is empty
 * then. */
static bool cut(uint64_t *n, unsigned level, uint64_t base, uint64_t from,
                void (*put)(void *ctx, paddr_t pa), void *ctx)
{
	uint64_t step = 1ull << (SHIFT * level);
	bool empty = true;

	for (unsigned i = 0; i < SLOTS; i++) {
		uint64_t first = base + i * step;

		if (!n[i])
			continue;
		if (first + step <= from) { /* wholly before the cut */
			empty = false;
			continue;
		}
		if (level == 0) {
			put(ctx, n[i]);
			n[i] = 0;
		} else if (cut((uint64_t *)(uintptr_t)n[i], level - 1, first, from, put, ctx)) {
			node_free((uint64_t *)(uintptr_t)n[i]);
			n[i] = 0;
		} else {
			empty = false;
		}
	}
	return empty;
}

void tmpfs_pages_truncate(struct tmpfs_pages *pg, uint64_t from, void (*put)(void *ctx, paddr_t pa),
                          void *ctx)
{
	if (!pg->root)
		return;
	if (cut(pg->root, pg->height - 1, 0, from, put, ctx)) {
		node_free(pg->root);
		pg->root = NULL;
		pg->height = 0;
	}
}

static uint64_t next_in(const uint64_t *n, unsigned level, uint64_t base, uint64_t from,
                        bool present)
{
	uint64_t step = 1ull << (SHIFT * level);

	for (unsigned i = slot(from > base ? from : base, level); i < SLOTS; i++) {
		uint64_t first = base + i * step, r;

		if (!n[i]) {
			if (!present)
				return first > from ? first : from;
			continue;
		}
		if (level == 0) {
			if (present)
				return first;
			continue;
		}
		r = next_in((const uint64_t *)(uintptr_t)n[i], level - 1, first,
		            from > first ? from : first, present);
		if (r != UINT64_MAX)
			return r;
	}
	return UINT64_MAX;
}

uint64_t tmpfs_pages_next(const struct tmpfs_pages *pg, uint64_t pgoff, bool present)
{
	uint64_t r;

	if (!pg->root || pgoff >= span(pg->height))
		return present ? UINT64_MAX : pgoff;
	r = next_in(pg->root, pg->height - 1, 0, pgoff, present);
	return r == UINT64_MAX && !present ? span(pg->height) : r;
}
