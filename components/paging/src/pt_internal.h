/*
 * paging internals: the format descriptor, the table object and helpers
 * shared by map, unmap/protect and walk.
 *
 * Levels are numbered from the leaves: level 0 entries map 4 KiB, level 1
 * 2 MiB, level 2 1 GiB, level 3 512 GiB. Every format here has 4 KiB
 * tables of 512 8-byte entries, so only the entry encoding differs.
 */
#ifndef PAGING_INTERNAL_H
#define PAGING_INTERNAL_H

#include <paging/paging.h>
#include <hal/memmap.h>
#include <hal/mmu.h>
#include <klib/list.h>

#define PT_ENTRIES            512u
#define PT_LEVEL_SHIFT(level) (12u + 9u * (level))
#define PT_LEVEL_SIZE(level)  (1ull << PT_LEVEL_SHIFT(level))
#define PT_MAX_LEAF_LEVEL     2u /* 1 GiB pages are the largest on every format */

enum pte_kind { PTE_EMPTY, PTE_TABLE, PTE_LEAF };

struct pt_format {
	const char *name;
	unsigned levels;              /* the root is level levels - 1 */
	unsigned va_bits;             /* significant virtual address bits */
	bool sign_extended;           /* the upper half (addresses with the top bits set) exists */
	bool upper_half;              /* the table covers the upper half only (TTBR1): every address
	                               * has its top 64 - va_bits bits set */
	bool split_halves;            /* the hardware has one root per half (TTBR0/TTBR1): a table
	                               * covers one half and borrows no kernel entries */
	bool break_before_make;       /* a valid entry may only become another translation (another
	                               * frame, a table for a block) through an invalid one and a TLB
	                               * flush (AArch64: "break-before-make") */
	bool no_1g_pages;             /* no leaves at level 2: the CPU may lack 1 GiB pages (x86-64
	                               * without CPUID pdpe1gb) */
	const struct pt_format *user; /* the format of user tables beside a kernel table of this
	                               * one; NULL: this one */
	unsigned pa_shift;            /* an entry's address field is (pa >> pa_shift) & addr_mask */
	uint64_t addr_mask;
	uint64_t table_bits; /* a table entry is its address field | table_bits */
	uint64_t borrowed;   /* a bit the hardware ignores: the entry is a copy of the kernel's */
	/* Bits of a leaf with 'prot' at 'level', without the address. A prot with no
	 * access at all gives a "none" entry: invalid to the hardware, but still
	 * holding its frame (PROT_NONE keeps pages). */
	uint64_t (*leaf_bits)(unsigned prot, unsigned level);
	enum pte_kind (*kind)(uint64_t pte, unsigned level);
	unsigned (*prot)(uint64_t pte);
};

struct pt {
	const struct pt_format *fmt;
	paddr_t root;
	size_t tables; /* table pages this table owns, root included */
	/* Root entries whose own table holds borrowed kernel entries (the kernel
	 * table: root entries some table has split). Under tables_lock. */
	uint64_t split[PT_ENTRIES / 64];
	struct list_node link; /* every table, for kernel entry propagation */
	struct hal_asid
	    asid;     /* its translations' tag in the TLB and the CPUs that may cache them (hal) */
	bool retired; /* pt_retire: never active again */
	/* The level-0 table a one-page unmap left empty and in place (unmap.c),
	 * and an address in its span; 0 when none. Changed only by the calls
	 * that change pt, which the caller serialises (paging.h). */
	paddr_t kept;
	uint64_t kept_va;
};

/* A table page's address: the architecture's translation, inline (every walk step takes one). */
static inline uint64_t *pt_table(paddr_t pa)
{
	return hal_phys_to_virt(pa);
}

static inline unsigned pt_index(uint64_t va, unsigned level)
{
	return (unsigned)(va >> PT_LEVEL_SHIFT(level)) & (PT_ENTRIES - 1);
}

/*
 * Skip the zero entries of table t (at 'level') from va's entry on, up to
 * last's (in the same table): false if all are zero; else true, with va
 * moved to the start of the first non-zero entry's span if it was not va's
 * own. Zero is an empty entry in every format. The walks over a range
 * (unmap, protect, walk) call it first in each step, so a sparse table
 * costs a load and a test per empty entry, not a whole step.
 */
static inline bool pt_next_used(const uint64_t *t, unsigned level, uint64_t *va, uint64_t last)
{
	unsigned i = pt_index(*va, level), end = pt_index(last, level), shift;

	if (t[i])
		return true;
	while (i < end)
		if (t[++i]) {
			shift = PT_LEVEL_SHIFT(level);
			*va =
			    (*va & ~(((uint64_t)PT_ENTRIES << shift) - 1)) | ((uint64_t)i << shift);
			return true;
		}
	return false;
}

static inline uint64_t pte_addr(const struct pt_format *f, paddr_t pa)
{
	return (pa >> f->pa_shift) & f->addr_mask;
}

static inline paddr_t pte_pa(const struct pt_format *f, uint64_t pte)
{
	return (pte & f->addr_mask) << f->pa_shift;
}

static inline unsigned pt_top(const struct pt *pt)
{
	return pt->fmt->levels - 1;
}

/* A copy of a kernel table's entry: never changed, split or freed by the table holding it. */
static inline bool pte_borrowed(const struct pt_format *f, uint64_t pte)
{
	return pte & f->borrowed;
}

/* 0 if [va, va + len) is a page-aligned range of addresses the format has, else -EINVAL. */
int pt_check_va_range(const struct pt_format *f, uint64_t va, uint64_t len);
/*
 * The same, and -EINVAL where the range meets the kernel's entries: what pt
 * may change. With 'split', a borrowed root entry the range enters becomes
 * pt's own table first (-ENOMEM if there is no page for it), so that pt can
 * map next to the kernel within that entry; without, nothing is allocated
 * and pt has nothing in the borrowed entries to change.
 */
int pt_check_range(struct pt *pt, uint64_t va, uint64_t len, bool split);
int pt_check_prot(unsigned prot);

/* A zeroed table page, counted in pt->tables; PADDR_NONE when out of memory. */
paddr_t pt_table_alloc(struct pt *pt);
void pt_table_free(struct pt *pt, paddr_t table);
/* The same for a table an unmap emptied, which holds only zeros if its count says so. */
void pt_table_free_empty(struct pt *pt, paddr_t table);
/* Free the table at 'table' (level 'level') and every table below it. */
void pt_free_subtree(struct pt *pt, paddr_t table, unsigned level);

/*
 * How many entries of a table page are not zero, kept in page-alloc's owner
 * word of its frame by every store that turns an entry zero or non-zero, so
 * that an unmap learns that a table emptied without reading its 512 entries.
 * Per frame, not in struct pt: a table is reached by its address during a
 * walk, and the frame's metadata is one lookup from there, costs no memory
 * of its own and cannot fail to be allocated (the write passes cannot fail).
 */
static inline uint16_t *pt_used(const uint64_t *t)
{
	return page_owner_word(hal_virt_to_phys(t));
}

static inline bool pt_table_empty(paddr_t table)
{
	return *pt_used(pt_table(table)) == 0;
}

/* Entry idx of table t becomes pte, and t's count of used entries follows. */
static inline void pt_store(uint64_t *t, unsigned idx, uint64_t pte)
{
	if (!t[idx] != !pte)
		*pt_used(t) += pte ? 1 : -1;
	t[idx] = pte;
}
/* May the table in entry 'level' of pt be freed when it empties? (not the kernel's shared ones) */
bool pt_may_free(const struct pt *pt, unsigned level);

/*
 * Store the entry for va at 'level' in t, one of pt's tables. The kernel's
 * root entries go to every other table, and its entries one level down to
 * the tables that split that root entry; a table that clears a root entry
 * sees the kernel's there again.
 */
void pt_set_entry(struct pt *pt, uint64_t *t, uint64_t va, unsigned level, uint64_t pte);

/* Make va a boundary between leaves: split any huge leaf that straddles it. */
int pt_split_at(struct pt *pt, uint64_t va);

/*
 * Entries of [va, va + len) changed: flush them from the TLB of every CPU
 * that may cache pt (hal_asid_flush; the kernel's table: every CPU), leaf
 * entries by address, or the whole space when a table page was freed.
 * Nothing for a retired table. Never sleeps; may wait for other CPUs.
 */
void pt_flush(struct pt *pt, uint64_t va, uint64_t len, bool tables_freed);

/* The span of leaf entries an operation changed, for pt_flush; empty while lo > hi. */
struct pt_span {
	uint64_t lo, hi;
};
#define PT_SPAN_EMPTY ((struct pt_span){.lo = UINT64_MAX, .hi = 0})

static inline void pt_span_add(struct pt_span *s, uint64_t va, uint64_t size)
{
	if (va < s->lo)
		s->lo = va;
	if (va + size - 1 > s->hi)
		s->hi = va + size - 1;
}

/*
 * Before *entry (entry idx of a table at 'level', covering va) is rewritten
 * to translate differently: on a break_before_make format, a valid entry of
 * a table that may be in use is made invalid and flushed from the TLB
 * first, so that no TLB ever holds the old and the new translation at once
 * (the architecture forbids that: it may give either, or a conflict abort).
 * Anything running from the range faults until the new entry is written, so
 * this is never done to the range that holds the running code, its stack or
 * the table itself (the kernel builds its table before installing it).
 */
void pt_break(struct pt *pt, uint64_t *t, unsigned idx, unsigned level, uint64_t va);

#endif
