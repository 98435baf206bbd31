/*
 * pt_unmap() and pt_protect(). Both first split the huge pages that
 * straddle the ends of the range (the only allocation, so the only way to
 * fail, and a split changes no translation); after that every leaf they
 * meet lies wholly inside the range.
 */
#include "pt_internal.h"
#include <klib/errno.h>
#include <klib/panic.h>

/*
 * What an unmap took out waits here until the TLBs have forgotten it (a
 * batch at a time, Linux's mmu_gather): another CPU may use a stale entry,
 * or walk a freed table page through a cached table entry, until the flush,
 * so frames go back to the caller and table pages to page-alloc only after.
 */
#define UNMAP_BATCH 16

struct unmap_op {
	struct pt *pt;
	pt_unmap_fn fn;
	void *ctx;
	struct pt_span changed; /* the leaves cleared since the last flush */
	unsigned nleaves, ntables;
	struct {
		uintptr_t va;
		paddr_t pa;
		size_t size;
	} leaves[UNMAP_BATCH];
	paddr_t tables[UNMAP_BATCH];
};

/* Flush what was cleared, then hand back what it pointed at. */
static void unmap_release(struct unmap_op *op)
{
	if (op->ntables)
		pt_flush(op->pt, 0, 0, true);
	else if (op->changed.lo <= op->changed.hi)
		pt_flush(op->pt, op->changed.lo, op->changed.hi - op->changed.lo + 1, false);
	for (unsigned i = 0; i < op->nleaves; i++)
		op->fn(op->ctx, op->leaves[i].va, op->leaves[i].pa, op->leaves[i].size);
	for (unsigned i = 0; i < op->ntables; i++)
		pt_table_free_empty(op->pt, op->tables[i]);
	op->changed = PT_SPAN_EMPTY;
	op->nleaves = op->ntables = 0;
}

static void unmap_leaf(struct unmap_op *op, uint64_t va, paddr_t pa, uint64_t size)
{
	if (op->fn && op->nleaves == UNMAP_BATCH)
		unmap_release(op); /* before this leaf joins the span: the next flush covers it */
	pt_span_add(&op->changed, va, size);
	if (!op->fn)
		return;
	op->leaves[op->nleaves].va = (uintptr_t)va;
	op->leaves[op->nleaves].pa = pa;
	op->leaves[op->nleaves++].size = (size_t)size;
}

static void unmap_table(struct unmap_op *op, paddr_t table)
{
	if (op->ntables == UNMAP_BATCH)
		unmap_release(op);
	op->tables[op->ntables++] = table;
}

/*
 * When both ends lie in one level-1 entry and va is not on its boundary, the
 * split at va has left nothing larger than a 4 KiB page there (or found the
 * entry empty or the kernel's), so the end needs no walk of its own.
 */
static int split_ends(struct pt *pt, uint64_t va, uint64_t last)
{
	uint64_t size1 = PT_LEVEL_SIZE(1);
	int rc = pt_split_at(pt, va);

	if (rc == 0 && last + 1 != 0 && ((va ^ (last + 1)) >= size1 || !(va & (size1 - 1))))
		rc = pt_split_at(pt, last + 1);
	return rc;
}

static void unmap_level(struct unmap_op *op, paddr_t table, unsigned level, uint64_t va,
                        uint64_t last)
{
	const struct pt_format *f = op->pt->fmt;
	uint64_t *t = pt_table(table);
	unsigned cleared = 0; /* level 0: entries cleared, counted once at the end */

	while (pt_next_used(t, level, &va, last)) {
		uint64_t size = PT_LEVEL_SIZE(level), cl = MIN(last, va | (size - 1));
		unsigned idx = pt_index(va, level);
		uint64_t pte = t[idx];
		enum pte_kind k = level == 0 ? (pte ? PTE_LEAF : PTE_EMPTY) : f->kind(pte, level);

		if (pte_borrowed(f, pte))
			k = PTE_EMPTY; /* the kernel's: pt_check_range saw none of it in range */
		switch (k) {
		case PTE_EMPTY:
			break;
		case PTE_LEAF:
			kassert((va & (size - 1)) == 0 && cl - va == size - 1);
			if (level == 0) {
				t[idx] = 0; /* the hot case: no other table has a copy */
				cleared++;
			} else {
				pt_set_entry(op->pt, t, va, level, 0);
			}
			unmap_leaf(op, va, pte_pa(f, pte), size);
			break;
		case PTE_TABLE: {
			paddr_t child = pte_pa(f, pte);
			unmap_level(op, child, level - 1, va, cl);
			/* The whole entry went, or what is left may be nothing. */
			if (pt_may_free(op->pt, level) &&
			    (cl - va == size - 1 || pt_table_empty(child))) {
				pt_set_entry(op->pt, t, va, level, 0);
				unmap_table(op, child);
			}
			break;
		}
		}
		if (cl == last)
			break;
		va = cl + 1;
	}
	if (cleared)
		*pt_used(t) = (uint16_t)(*pt_used(t) - cleared);
}

#define PT_LEVELS_MAX 8

/*
 * The tables on the way from the root to va's level-0 table: parent[l] is
 * the table at level l, child[l] the table its entry for va points to
 * (child[1] is the level-0 table). False where an entry on the way is not
 * a table of pt's own (empty, a huge leaf, the kernel's).
 */
static bool walk_down(struct pt *pt, uint64_t va, uint64_t **parent, paddr_t *child)
{
	const struct pt_format *f = pt->fmt;
	paddr_t table = pt->root;

	for (unsigned level = pt_top(pt); level > 0; level--) {
		uint64_t e = pt_table(table)[pt_index(va, level)];

		if (!e || pte_borrowed(f, e) || f->kind(e, level) != PTE_TABLE)
			return false;
		parent[level] = pt_table(table);
		child[level] = table = pte_pa(f, e);
	}
	return true;
}

/*
 * Take out the empty tables on va's way, from the level-0 table up, while
 * each is empty; the caller flushes, then frees what is in freed[].
 */
static unsigned unlink_empty(struct pt *pt, uint64_t va, uint64_t **parent, const paddr_t *child,
                             paddr_t *freed)
{
	unsigned n = 0;

	for (unsigned level = 1; level <= pt_top(pt); level++) {
		if (!pt_may_free(pt, level) || !pt_table_empty(child[level]))
			break;
		pt_set_entry(pt, parent[level], va, level, 0);
		freed[n++] = child[level];
	}
	return n;
}

static void free_unlinked(struct pt *pt, const paddr_t *freed, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		pt_table_free_empty(pt, freed[i]);
}

/*
 * A level-0 table that a one-page unmap leaves empty stays where it is, one
 * per table (pt->kept): the next page mapped in its 2 MiB span (the same
 * shmat, touch and shmdt again; an allocator's chunk mapped and unmapped
 * again) finds it, and nothing is allocated, cleared, freed or flushed as a
 * whole space for it. What is kept is bounded: one page and the tables
 * above it. The one kept before goes now, with the tables above it that it
 * leaves empty, unless it was filled again meanwhile. Any other way a kept
 * table is freed (a wider unmap, a huge page over it, pt_destroy) forgets
 * it (pt_table_free).
 */
static void keep_empty(struct pt *pt, paddr_t table, uint64_t va)
{
	uint64_t *parent[PT_LEVELS_MAX];
	paddr_t child[PT_LEVELS_MAX], freed[PT_LEVELS_MAX];
	uint64_t old_va = pt->kept_va;
	paddr_t old = pt->kept;
	unsigned n;

	pt->kept = table;
	pt->kept_va = va;
	if (!old || old == table || !walk_down(pt, old_va, parent, child) || child[1] != old)
		return;
	if ((n = unlink_empty(pt, old_va, parent, child, freed))) {
		pt_flush(pt, 0, 0, true);
		free_unlinked(pt, freed, n);
	}
}

/*
 * One 4 KiB page mapped by a 4 KiB leaf (a shmdt or munmap of a page that
 * was touched): one descent, the leaf cleared, the level-0 table kept if
 * that leaves it empty (keep_empty), then what unmap_release does: the
 * flush, then the frame to fn. Nothing to split: no huge leaf covers va.
 * Returns 1 where the general path must do it (a huge leaf, a missing
 * table or entry, the kernel's).
 */
static __attribute__((noinline)) int unmap_one_page(struct pt *pt, uint64_t va, pt_unmap_fn fn,
                                                    void *ctx)
{
	const struct pt_format *f = pt->fmt;
	uint64_t *parent[PT_LEVELS_MAX], *t, pte;
	paddr_t child[PT_LEVELS_MAX], freed[PT_LEVELS_MAX];
	unsigned nfreed = 0;

	if (pt_top(pt) >= PT_LEVELS_MAX || !walk_down(pt, va, parent, child))
		return 1;
	t = pt_table(child[1]);
	pte = t[pt_index(va, 0)];
	if (!pte || pte_borrowed(f, pte))
		return 1;
	t[pt_index(va, 0)] = 0;
	*pt_used(t) = (uint16_t)(*pt_used(t) - 1);
	if (pt_table_empty(child[1])) {
		if (pt != pt_kernel())
			keep_empty(pt, child[1], va);
		else
			nfreed = unlink_empty(pt, va, parent, child, freed);
	}
	if (nfreed)
		pt_flush(pt, 0, 0, true);
	else
		pt_flush(pt, va, PAGE_SIZE, false);
	if (fn)
		fn(ctx, va, pte_pa(f, pte), PAGE_SIZE);
	free_unlinked(pt, freed, nfreed);
	return 0;
}

int pt_split(struct pt *pt, uintptr_t va)
{
	int rc = pt_check_range(pt, va, PAGE_SIZE, false);

	return rc ? rc : pt_split_at(pt, va);
}

int pt_unmap(struct pt *pt, uintptr_t va, size_t len, pt_unmap_fn fn, void *ctx)
{
	struct unmap_op op; /* not an initializer: that would clear the batch arrays (~550 bytes) */
	uint64_t last = (uint64_t)va + len - 1;
	int rc = pt_check_range(pt, va, len, false);

	if (rc)
		return rc;
	/* Inside one root entry that is zero (a shmdt after a shmat that was never touched, say):
	 * nothing mapped, nothing to split, clear or flush. */
	uint64_t root_size = PT_LEVEL_SIZE(pt_top(pt));
	if ((va & ~(root_size - 1)) == (last & ~(root_size - 1)) &&
	    !pt_table(pt->root)[pt_index(va, pt_top(pt))])
		return 0;
	if (len == PAGE_SIZE && (rc = unmap_one_page(pt, va, fn, ctx)) <= 0)
		return rc;
	if ((rc = split_ends(pt, va, last)))
		return rc;
	op.pt = pt;
	op.fn = fn;
	op.ctx = ctx;
	op.changed = PT_SPAN_EMPTY;
	op.nleaves = op.ntables = 0;
	unmap_level(&op, pt->root, pt_top(pt), va, last);
	/* Only what was there: an unmap of untouched pages (a shmdt after a shmat, say) flushes
	 * nothing. */
	unmap_release(&op);
	return 0;
}

static void protect_level(struct pt *pt, paddr_t table, unsigned level, uint64_t va, uint64_t last,
                          unsigned prot, struct pt_span *changed)
{
	const struct pt_format *f = pt->fmt;
	uint64_t *t = pt_table(table);

	while (pt_next_used(t, level, &va, last)) {
		uint64_t cl = MIN(last, va | (PT_LEVEL_SIZE(level) - 1));
		unsigned idx = pt_index(va, level);
		uint64_t pte = t[idx];

		switch (pte_borrowed(f, pte) ? PTE_EMPTY : f->kind(pte, level)) {
		case PTE_EMPTY:
			break;
		case PTE_LEAF: {
			uint64_t new = pte_addr(f, pte_pa(f, pte)) | f->leaf_bits(prot, level);

			if (new != pte) {
				pt_set_entry(pt, t, va, level, new);
				pt_span_add(changed, va, cl - va + 1);
			}
			break;
		}
		case PTE_TABLE:
			protect_level(pt, pte_pa(f, pte), level - 1, va, cl, prot, changed);
			break;
		}
		if (cl == last)
			return;
		va = cl + 1;
	}
}

int pt_protect(struct pt *pt, uintptr_t va, size_t len, unsigned prot)
{
	uint64_t last = (uint64_t)va + len - 1;
	int rc = pt_check_range(pt, va, len, false);

	if (rc || (rc = pt_check_prot(prot)) || (rc = split_ends(pt, va, last)))
		return rc;
	struct pt_span changed = PT_SPAN_EMPTY;

	protect_level(pt, pt->root, pt_top(pt), va, last, prot, &changed);
	if (changed.lo <= changed.hi)
		pt_flush(pt, changed.lo, changed.hi - changed.lo + 1, false);
	return 0;
}
