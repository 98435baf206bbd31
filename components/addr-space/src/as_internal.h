/* addr-space internals shared by its files. Every function here runs with as->lock held. */
#ifndef AS_INTERNAL_H
#define AS_INTERNAL_H

#include <addr-space/addr_space.h>
#include <klib/rbtree.h>
#include <paging/paging.h>
#include "as_lock.h"

#define AS_AREA_FLAGS                                                                              \
	(AS_MAP_SHARED | AS_MAP_HUGE |                                                             \
	 AS_MAP_NEVER_WRITE) /* what an area remembers of as_map's flags */

/*
 * The area maps (or has mapped) a frame of its own: a private anonymous
 * area from the start (as_map; so such areas still merge on equal flags),
 * another private area at its first copy made on write (fault.c). Without
 * it every page it maps is its backend's, which a fault gives again: fork
 * copies no entries of such an area (fork.c), as Linux's fork skips a
 * mapping without an anon_vma. Kept by split pieces and fork copies; never
 * shown outside (as_area_flags).
 */
#define AS_AREA_PRIVATE_PAGES 0x100u
_Static_assert((AS_AREA_PRIVATE_PAGES & AS_AREA_FLAGS) == 0, "an internal flag clashes");

struct as_area {
	struct rb_node node; /* in as->areas, by start */
	uintptr_t start, end;
	/* Over this node's subtree (place.c): lowest start, highest end, longest gap between two
	 * areas. */
	uintptr_t sub_lo, sub_hi, sub_gap;
	unsigned prot, flags;
	const struct as_backend *backend;
	void *priv;
	uint64_t pgoff;
	struct addr_space *as;
};

struct addr_space {
	struct pt *pt;
	struct rb_root areas; /* augmented by area_augment */
	size_t nareas;
	uintptr_t mmap_base; /* placement's limit (as_set_layout) */
	bool bottom_up;      /* Linux's legacy layout: upward from mmap_base */
	size_t resident;     /* pages mapped by non-linear areas (Linux's RSS) */
	as_lock_t lock;
};

/* Areas (area.c). */
struct as_area *area_find(struct addr_space *as, uintptr_t va);
struct as_area *area_first_above(struct addr_space *as, uintptr_t va); /* lowest with end > va */
struct as_area *area_next(struct as_area *a);
void area_insert(struct addr_space *as, struct as_area *a);
void area_remove(struct addr_space *as, struct as_area *a);
/* Cut a at 'at': a keeps the lower part, *spare becomes the upper one (open() runs for it). */
void area_split(struct as_area *a, uintptr_t at, struct as_area **spare);
/* Merge a with mergeable neighbours; returns the area that now covers a's range. */
struct as_area *area_merge(struct as_area *a);
/* Placement (place.c). */
extern const struct rb_augment area_augment; /* keeps sub_lo, sub_hi, sub_gap */
void area_changed(struct as_area *a);        /* a's start or end moved in place */
int area_find_free(struct addr_space *as, size_t len, size_t align, uintptr_t hint, uintptr_t *out);
/* May the space get 'more' areas by splitting (Linux's split_vma check, one per split)? */
bool area_may_split(const struct addr_space *as, unsigned more);

/* What an area's pages look like in the page table. */
bool area_is_linear(const struct as_area *a);
bool area_is_cow(const struct as_area *a);       /* private pages that fork shares until written */
unsigned area_pte_prot(const struct as_area *a); /* the permissions its pages get when filled */
/* Unmap [start, end) of a's pages, dropping the space's frame references. */
void area_unmap_pages(struct as_area *a, uintptr_t start, uintptr_t end);
/* Unmap a's pages, close() it and free it. */
void area_destroy(struct as_area *a);

bool as_overlaps_locked(struct addr_space *as, uintptr_t addr, size_t len);

/* Faults (fault.c). */
bool as_access_allowed(unsigned prot, unsigned access);
int as_fault_locked(struct addr_space *as, struct as_area *a, uintptr_t va, unsigned access);

/* The anonymous shared object behind a shared anonymous area (backend.c). */
void *anon_shared_create(size_t pages);
void anon_shared_free(void *obj);

#endif
