/* pt_query() and pt_walk(): reading a table, never changing it. */
#include "pt_internal.h"
#include <klib/errno.h>

int pt_query(const struct pt *pt, uintptr_t va, paddr_t *pa, unsigned *prot, size_t *size)
{
	const struct pt_format *f = pt->fmt;
	paddr_t table = pt->root;

	if (pt_check_va_range(f, va & ~(uintptr_t)(PAGE_SIZE - 1), PAGE_SIZE))
		return -ENOENT; /* an address this format cannot map */
	for (unsigned level = pt_top(pt);; level--) {
		uint64_t pte = pt_table(table)[pt_index(va, level)];
		uint64_t lsize = PT_LEVEL_SIZE(level);

		switch (f->kind(pte, level)) {
		case PTE_EMPTY:
			return -ENOENT;
		case PTE_LEAF:
			if (pa)
				*pa = pte_pa(f, pte) + (va & (lsize - 1));
			if (prot)
				*prot = f->prot(pte);
			if (size)
				*size = (size_t)lsize;
			return 0;
		case PTE_TABLE:
			table = pte_pa(f, pte);
			break;
		}
	}
}

static int walk_level(const struct pt *pt, paddr_t table, unsigned level, uint64_t va,
                      uint64_t last, pt_walk_fn fn, void *ctx)
{
	const struct pt_format *f = pt->fmt;
	const uint64_t *t = pt_table(table);

	while (pt_next_used(t, level, &va, last)) {
		uint64_t size = PT_LEVEL_SIZE(level), cl = MIN(last, va | (size - 1));
		uint64_t pte = t[pt_index(va, level)];
		int rc = 0;

		switch (f->kind(pte, level)) {
		case PTE_EMPTY:
			break;
		case PTE_LEAF:
			rc = fn(ctx, (uintptr_t)(va & ~(size - 1)), pte_pa(f, pte), (size_t)size,
			        f->prot(pte));
			break;
		case PTE_TABLE:
			rc = walk_level(pt, pte_pa(f, pte), level - 1, va, cl, fn, ctx);
			break;
		}
		if (rc)
			return rc;
		if (cl == last)
			return 0;
		va = cl + 1;
	}
	return 0;
}

int pt_walk(const struct pt *pt, uintptr_t va, size_t len, pt_walk_fn fn, void *ctx)
{
	if (!fn || pt_check_va_range(pt->fmt, va, len))
		return -EINVAL;
	return walk_level(pt, pt->root, pt_top(pt), va, va + len - 1, fn, ctx);
}
