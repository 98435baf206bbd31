/*
 * The frames of a segment, allocated on first touch (the backend's fault),
 * never at shmget: a segment of SHMMAX bytes costs nothing until used.
 *
 * A radix tree of 64-bit slots, 512 to a node (one page), as deep as the
 * segment needs: one level up to 2 MiB, two up to 1 GiB, and so on. The root
 * only has as many slots as the segment uses, so a one-page segment costs
 * one 8-byte node. A leaf slot holds the frame's address with bit 0 set (a
 * frame may sit at physical address 0); an inner slot holds a child pointer.
 * The segment keeps one reference on each frame; address spaces take their
 * own while they map it, so a frame outlives the segment only while mapped.
 */
#include "shm_internal.h"
#include <klib/errno.h>
#include <page-alloc/page_alloc.h>

#define SHM_FANOUT_SHIFT (PAGE_SHIFT - 3)
#define SHM_FANOUT       (1ul << SHM_FANOUT_SHIFT)
#define SHM_PRESENT      1u

/* Levels needed for npages: 1 for up to 512 pages, 2 for up to 512^2, ... */
static unsigned shm_pages_levels(unsigned long npages)
{
	unsigned levels = 1;

	while (levels * SHM_FANOUT_SHIFT < 64 && (npages - 1) >> (levels * SHM_FANOUT_SHIFT))
		levels++;
	return levels;
}

/* Slots of the root: only the subtrees the segment reaches. */
static size_t shm_pages_root_slots(unsigned long npages, unsigned levels)
{
	return (size_t)((npages - 1) >> ((levels - 1) * SHM_FANOUT_SHIFT)) + 1;
}

static uint64_t *shm_pages_child(uint64_t *slot, size_t n)
{
	if (!*slot) {
		uint64_t *node = kcalloc(n, sizeof(uint64_t));

		if (!node)
			return NULL;
		*slot = (uint64_t)(uintptr_t)node;
	}
	return (uint64_t *)(uintptr_t)*slot;
}

/*
 * The frame of page 'pgoff' (< npages), zero-filled on first use; *allocated
 * tells whether it was. -ENOMEM leaves the tree valid (a later touch retries).
 */
int shm_pages_get(struct shm_pages *pg, unsigned long npages, uint64_t pgoff, paddr_t *pa,
                  bool *allocated)
{
	unsigned levels = shm_pages_levels(npages);
	uint64_t root_slot = (uint64_t)(uintptr_t)pg->root;
	uint64_t *node, *slot;

	shm_assert_seg_held(container_of(pg, struct shm_seg, pages));
	node = shm_pages_child(&root_slot, shm_pages_root_slots(npages, levels));
	if (!node)
		return -ENOMEM;
	pg->root = node;
	for (unsigned level = levels - 1; level > 0; level--) {
		slot = &node[(pgoff >> (level * SHM_FANOUT_SHIFT)) & (SHM_FANOUT - 1)];
		node = shm_pages_child(slot, SHM_FANOUT);
		if (!node)
			return -ENOMEM;
	}
	slot = &node[pgoff & (SHM_FANOUT - 1)];
	*allocated = false;
	if (!*slot) {
		paddr_t frame = page_alloc_zeroed(0);

		if (frame == PADDR_NONE)
			return -ENOMEM;
		*slot = frame | SHM_PRESENT;
		*allocated = true;
	}
	*pa = *slot & ~(uint64_t)SHM_PRESENT;
	return 0;
}

static unsigned long shm_pages_free_node(uint64_t *node, size_t slots, unsigned level)
{
	unsigned long frames = 0;

	for (size_t i = 0; i < slots; i++) {
		if (!node[i])
			continue;
		if (level == 0) {
			page_ref_put(node[i] & ~(uint64_t)SHM_PRESENT);
			frames++;
		} else {
			frames += shm_pages_free_node((uint64_t *)(uintptr_t)node[i], SHM_FANOUT,
			                              level - 1);
		}
	}
	kfree(node);
	return frames;
}

/* Drop the segment's frames and the tree; returns how many frames it held. */
unsigned long shm_pages_free(struct shm_pages *pg, unsigned long npages)
{
	unsigned levels = shm_pages_levels(npages);
	unsigned long frames = 0;

	if (pg->root)
		frames =
		    shm_pages_free_node(pg->root, shm_pages_root_slots(npages, levels), levels - 1);
	pg->root = NULL;
	return frames;
}
