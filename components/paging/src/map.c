/*
 * pt_map() in two passes over the same descent. The first creates every
 * table the mapping needs, splits huge pages it only partly replaces and,
 * without PT_MAP_REPLACE, refuses (-EEXIST) anything already mapped. Only
 * that pass can fail, and its undo frees the tables it created, so a
 * failed pt_map leaves the same translations as before. The second pass
 * writes the leaves and cannot fail.
 *
 * At each level a chunk of the range becomes one leaf if it is the whole
 * entry, both addresses are aligned to it and the caller allowed huge pages
 * (or it is a 4 KiB entry); otherwise the walk goes one level down.
 */
#include "pt_internal.h"
#include <klib/errno.h>
#include <klib/panic.h>

struct map_op {
	struct pt *pt;
	uint64_t delta; /* pa - va, modulo 2^64 */
	unsigned flags;
	uint64_t leaf[PT_MAX_LEAF_LEVEL + 1]; /* leaf bits per level */
};

static bool leaf_here(const struct map_op *op, unsigned level, uint64_t va, uint64_t last)
{
	uint64_t size = PT_LEVEL_SIZE(level);

	if (level == 0)
		return true;
	if (!(op->flags & PT_MAP_HUGE) || level > PT_MAX_LEAF_LEVEL ||
	    (level == 2 && op->pt->fmt->no_1g_pages))
		return false;
	return ((va | (va + op->delta)) & (size - 1)) == 0 && last - va == size - 1;
}

/*
 * Turn the huge leaf for va at 'level' in t into a table of leaves one level
 * down that map the same frames with the same permissions.
 */
static int split_leaf(struct pt *pt, uint64_t *t, uint64_t va, unsigned level)
{
	const struct pt_format *f = pt->fmt;
	uint64_t entry = t[pt_index(va, level)], *nt;
	paddr_t table = pt_table_alloc(pt), pa = pte_pa(f, entry);
	uint64_t bits = f->leaf_bits(f->prot(entry), level - 1);

	if (table == PADDR_NONE)
		return -ENOMEM;
	nt = pt_table(table);
	/* A fresh table filled whole (every leaf has bits): its count is set once, not per entry.
	 */
	for (unsigned i = 0; i < PT_ENTRIES; i++)
		nt[i] = pte_addr(f, pa + i * PT_LEVEL_SIZE(level - 1)) | bits;
	*pt_used(nt) = PT_ENTRIES;
	pt_break(pt, t, pt_index(va, level), level, va);
	pt_set_entry(pt, t, va, level, pte_addr(f, table) | f->table_bits);
	return 0;
}

/* 'fresh': the table was created by this call, so it is empty. */
static int prepare(struct map_op *op, paddr_t table, unsigned level, uint64_t va, uint64_t last,
                   bool fresh)
{
	const struct pt_format *f = op->pt->fmt;
	uint64_t *t = pt_table(table);

	if (level == 0) {
		/* Every entry of a fresh table is empty, and REPLACE takes any. */
		if (fresh || (op->flags & PT_MAP_REPLACE))
			return 0;
		for (unsigned i = pt_index(va, 0), end = i + (unsigned)((last - va) >> 12);
		     i <= end; i++)
			if (t[i])
				return -EEXIST;
		return 0;
	}
	for (;;) {
		uint64_t cl = MIN(last, va | (PT_LEVEL_SIZE(level) - 1));
		unsigned idx = pt_index(va, level);
		enum pte_kind k = fresh || !t[idx] ? PTE_EMPTY : f->kind(t[idx], level);
		bool child_fresh = false;
		int rc;

		if (leaf_here(op, level, va, cl) && fresh) {
			/* Aligned whole entries of an empty table: all leaves, nothing to check. */
			cl = va + (last - va + 1) / PT_LEVEL_SIZE(level) * PT_LEVEL_SIZE(level) - 1;
		} else if (leaf_here(op, level, va, cl)) {
			/* (Only the kernel keeps empty tables: those below its root.) */
			bool used =
			    k == PTE_LEAF || (k == PTE_TABLE && !pt_table_empty(pte_pa(f, t[idx])));
			if (used && !(op->flags & PT_MAP_REPLACE))
				return -EEXIST;
		} else {
			if (k == PTE_LEAF) {
				if (!(op->flags & PT_MAP_REPLACE))
					return -EEXIST;
				rc = split_leaf(op->pt, t, va, level);
				if (rc)
					return rc;
			} else if (k == PTE_EMPTY) {
				paddr_t child = pt_table_alloc(op->pt);
				if (child == PADDR_NONE)
					return -ENOMEM;
				pt_set_entry(op->pt, t, va, level,
				             pte_addr(f, child) | f->table_bits);
				child_fresh = true;
			}
			rc = prepare(op, pte_pa(f, t[idx]), level - 1, va, cl, child_fresh);
			if (rc)
				return rc;
		}
		if (cl == last)
			return 0;
		va = cl + 1;
	}
}

static void write_leaves(struct map_op *op, paddr_t table, unsigned level, uint64_t va,
                         uint64_t last)
{
	const struct pt_format *f = op->pt->fmt;
	uint64_t *t = pt_table(table);

	if (level == 0) {
		/* The hot loop: one store per 4 KiB page. */
		unsigned i = pt_index(va, 0), end = i + (unsigned)((last - va) >> 12);
		uint64_t bits = op->leaf[0], pa = va + op->delta;
		int filled = 0; /* entries that were empty, less those left empty */
		if (op->flags & PT_MAP_REPLACE)
			for (unsigned j = i; j <= end; j++)
				pt_break(op->pt, t, j, 0, va + ((uint64_t)(j - i) << 12));
		for (; i <= end; i++, pa += PAGE_SIZE) {
			uint64_t pte = pte_addr(f, pa) | bits;
			filled += !t[i] - !pte;
			t[i] = pte;
		}
		*pt_used(t) = (uint16_t)(*pt_used(t) + filled);
		return;
	}
	if (level <= PT_MAX_LEAF_LEVEL && level < pt_top(op->pt) && !(op->flags & PT_MAP_REPLACE) &&
	    leaf_here(op, level, va, MIN(last, va | (PT_LEVEL_SIZE(level) - 1)))) {
		/* A run of huge leaves over empty entries (prepare checked): one store each. */
		uint64_t size = PT_LEVEL_SIZE(level), bits = op->leaf[level];
		for (; last - va >= size - 1; va += size) {
			pt_set_entry(op->pt, t, va, level, pte_addr(f, va + op->delta) | bits);
			if (last - va == size - 1)
				return;
		}
	}
	for (;;) {
		uint64_t cl = MIN(last, va | (PT_LEVEL_SIZE(level) - 1));
		unsigned idx = pt_index(va, level);

		if (leaf_here(op, level, va, cl)) {
			uint64_t old = t[idx];
			pt_break(op->pt, t, idx, level, va);
			pt_set_entry(op->pt, t, va, level,
			             pte_addr(f, va + op->delta) | op->leaf[level]);
			if (old && f->kind(old, level) == PTE_TABLE)
				pt_free_subtree(op->pt, pte_pa(f, old), level - 1);
		} else {
			kassert(f->kind(t[idx], level) == PTE_TABLE);
			write_leaves(op, pte_pa(f, t[idx]), level - 1, va, cl);
		}
		if (cl == last)
			return;
		va = cl + 1;
	}
}

/* Free the empty tables below 'table' in [va, last]: the undo of a failed prepare. */
static void prune(struct pt *pt, paddr_t table, unsigned level, uint64_t va, uint64_t last)
{
	const struct pt_format *f = pt->fmt;
	uint64_t *t = pt_table(table);

	for (;;) {
		uint64_t cl = MIN(last, va | (PT_LEVEL_SIZE(level) - 1));
		unsigned idx = pt_index(va, level);

		if (level > 0 && f->kind(t[idx], level) == PTE_TABLE) {
			paddr_t child = pte_pa(f, t[idx]);
			prune(pt, child, level - 1, va, cl);
			if (pt_table_empty(child) && pt_may_free(pt, level)) {
				pt_set_entry(pt, t, va, level, 0);
				pt_table_free(pt, child);
			}
		}
		if (cl == last)
			return;
		va = cl + 1;
	}
}

/*
 * One 4 KiB page: what a page fault maps. One descent, making the tables
 * that are missing on the way (each below a new one is new, so empty), and
 * one store; if a table cannot be had, the ones made are pruned again, as
 * the general path's undo does. Returns 1 when the general path must do it
 * (a huge leaf covers va).
 */
static int map_one_page(struct pt *pt, uint64_t va, uint64_t pa, unsigned prot, unsigned flags)
{
	const struct pt_format *f = pt->fmt;
	paddr_t table = pt->root;
	uint64_t *slot, old;
	bool made = false;

	for (unsigned level = pt_top(pt); level > 0; level--) {
		uint64_t *t = pt_table(table), e = t[pt_index(va, level)];

		if (!e) {
			paddr_t child = pt_table_alloc(pt);

			if (child == PADDR_NONE) {
				if (made)
					prune(pt, pt->root, pt_top(pt), va, va + PAGE_SIZE - 1);
				return -ENOMEM;
			}
			pt_set_entry(pt, t, va, level, pte_addr(f, child) | f->table_bits);
			made = true;
			table = child;
			continue;
		}
		if (f->kind(e, level) != PTE_TABLE)
			return 1;
		table = pte_pa(f, e);
	}
	slot = &pt_table(table)[pt_index(va, 0)];
	old = *slot;
	if (old && !(flags & PT_MAP_REPLACE))
		return -EEXIST;
	pt_break(pt, pt_table(table), pt_index(va, 0), 0, va);
	pt_store(pt_table(table), pt_index(va, 0), pte_addr(f, pa) | f->leaf_bits(prot, 0));
	/* Nothing was there (a fault filling a page): no CPU can hold it as valid. */
	if (old)
		pt_flush(pt, va, PAGE_SIZE, false);
	else
		pt_flush_local(pt, va, PAGE_SIZE);
	return 0;
}

int pt_map(struct pt *pt, uintptr_t va, paddr_t pa, size_t len, unsigned prot, unsigned flags)
{
	struct map_op op = {.pt = pt, .delta = pa - va, .flags = flags};
	uint64_t last = (uint64_t)va + len - 1;
	int rc;

	if ((rc = pt_check_prot(prot)) || (rc = pt_check_range(pt, va, len, true)))
		return rc;
	if ((pa & (PAGE_SIZE - 1)) || pa + len - 1 < pa ||
	    (flags & ~(PT_MAP_HUGE | PT_MAP_REPLACE)))
		return -EINVAL;
	if (len == PAGE_SIZE && (rc = map_one_page(pt, va, pa, prot, flags)) <= 0)
		return rc;
	for (unsigned l = 0; l <= (flags & PT_MAP_HUGE ? PT_MAX_LEAF_LEVEL : 0); l++)
		op.leaf[l] = pt->fmt->leaf_bits(prot, l);
	rc = prepare(&op, pt->root, pt_top(pt), va, last, false);
	if (rc) {
		prune(pt, pt->root, pt_top(pt), va, last);
		return rc;
	}
	write_leaves(&op, pt->root, pt_top(pt), va, last);
	pt_flush(pt, va, len, false);
	return 0;
}

/* pt_split_at's walk, out of line: it keeps a dozen registers across the format's calls. */
static __attribute__((noinline)) int split_walk(struct pt *pt, uint64_t va)
{
	const struct pt_format *f = pt->fmt;
	paddr_t table = pt->root;

	for (unsigned level = pt_top(pt); level > 0; level--) {
		uint64_t *t = pt_table(table);
		unsigned idx = pt_index(va, level);
		enum pte_kind k = f->kind(t[idx], level);

		if (k == PTE_EMPTY || pte_borrowed(f, t[idx]))
			return 0; /* nothing of ours to split */
		if (k == PTE_LEAF) {
			if ((va & (PT_LEVEL_SIZE(level) - 1)) == 0)
				return 0;
			int rc = split_leaf(pt, t, va, level);
			if (rc)
				return rc;
		}
		table = pte_pa(f, t[idx]);
	}
	return 0;
}

int pt_split_at(struct pt *pt, uint64_t va)
{
	/* A zero root entry is empty in every format: nothing under it to split (an unmap of a
	 * range never touched, say), and no walk. */
	if (!pt_table(pt->root)[pt_index(va, pt_top(pt))])
		return 0;
	return split_walk(pt, va);
}
