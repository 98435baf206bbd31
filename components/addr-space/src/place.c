/*
 * Placement: where an area goes when the caller gives no fixed address
 * (Linux's get_unmapped_area and vm_unmapped_area), and the limit on how
 * many areas a space may have (vm.max_map_count).
 *
 * Each node of the area tree keeps, for its subtree, the lowest start, the
 * highest end and the longest gap between two of its areas. A subtree is
 * entered only if it, or the gaps at its two edges, could hold the request,
 * so a search visits O(log n) nodes: the paths to the two limits of the
 * search plus one path down to the gap it takes (Linux's augmented rbtree
 * before the maple tree, and the maple tree's gap tracking since).
 */
#include "as_internal.h"
#include <klib/compiler.h>
#include <klib/errno.h>

static struct as_area *to_area(struct rb_node *n)
{
	return n ? rb_entry(n, struct as_area, node) : NULL;
}

static bool area_summary(struct rb_node *n)
{
	struct as_area *a = to_area(n), *l = to_area(n->left), *r = to_area(n->right);
	uintptr_t lo = l ? l->sub_lo : a->start, hi = r ? r->sub_hi : a->end, gap = 0;
	bool changed;

	if (l)
		gap = MAX(l->sub_gap, a->start - l->sub_hi);
	if (r)
		gap = MAX(gap, MAX(r->sub_gap, r->sub_lo - a->end));
	changed = lo != a->sub_lo || hi != a->sub_hi || gap != a->sub_gap;
	a->sub_lo = lo;
	a->sub_hi = hi;
	a->sub_gap = gap;
	return changed;
}

const struct rb_augment area_augment = {.update = area_summary};

void area_changed(struct as_area *a)
{
	rb_augment_path(&a->node, &area_augment);
}

struct gap_query {
	uintptr_t low, high; /* the range must lie in [low, high) */
	size_t len, align;
	size_t need; /* len + align - PAGE_SIZE: any gap this long holds an aligned range */
	bool down;   /* the highest fit, else the lowest */
	uintptr_t found;
};

/*
 * The gap [lo, hi) cut to the query's limits. The same rule decides at
 * every level (a gap qualifies if it is 'need' long), so where a search
 * lands does not depend on the tree's shape.
 */
static bool gap_fits(struct gap_query *q, uintptr_t lo, uintptr_t hi)
{
	lo = MAX(lo, q->low);
	hi = MIN(hi, q->high);
	if (hi <= lo || hi - lo < q->need)
		return false;
	q->found = q->down ? ALIGN_DOWN(hi - q->len, q->align) : ALIGN_UP(lo, q->align);
	return true;
}

/* Counts the nodes a search enters: tests/unit/addr-space/test_place_cost.c bounds it. */
#ifndef AS_PLACE_VISIT
#define AS_PLACE_VISIT() ((void)0)
#endif

/*
 * Search subtree n, which lies between the end of the area before it (lo)
 * and the start of the area after it (hi): the gaps [lo, first start),
 * those inside, and [last end, hi).
 */
static bool gap_search(struct gap_query *q, struct rb_node *n, uintptr_t lo, uintptr_t hi)
{
	struct as_area *a = to_area(n);
	uintptr_t best;

	AS_PLACE_VISIT();
	if (!a)
		return gap_fits(q, lo, hi);
	if (hi <= q->low || lo >= q->high)
		return false;
	best = MAX(a->sub_gap, MAX(a->sub_lo - lo, hi - a->sub_hi));
	if (best < q->need)
		return false;
	if (q->down)
		return gap_search(q, n->right, a->end, hi) || gap_search(q, n->left, lo, a->start);
	return gap_search(q, n->left, lo, a->start) || gap_search(q, n->right, a->end, hi);
}

static bool search(struct addr_space *as, struct gap_query *q, uintptr_t low, uintptr_t high,
                   bool down)
{
	q->low = low;
	q->high = high;
	q->down = down;
	return low < high && gap_search(q, as->areas.node, as_user_base(), as_user_top());
}

/* Linux's TASK_UNMAPPED_BASE: where bottom-up placement starts. */
uintptr_t as_unmapped_base(void)
{
	return ALIGN_UP(as_user_window() / 3, (uintptr_t)PAGE_SIZE);
}

/*
 * generic_get_unmapped_area(_topdown): the hint if that range is free;
 * else top-down below mmap_base, falling back to bottom-up from
 * TASK_UNMAPPED_BASE (a top-down search fails when a large stack limit
 * left little room below the stack); or, in the legacy layout, bottom-up
 * from mmap_base.
 *
 * Where user space is larger than its window (as_user_window), a hint above
 * the window opens the rest: the searches' upper limits move up by the
 * difference, and a hint range may not straddle the window's end
 * (arch_get_unmapped_area_topdown, mmap_address_hint_valid).
 */
#if CONFIG_ARCH_USER_WINDOW < CONFIG_AS_USER_TOP
#define AS_WINDOW() as_user_window()
#else
#define AS_WINDOW() top /* the whole range: the window's rules fold away */
#endif

int area_find_free(struct addr_space *as, size_t len, size_t align, uintptr_t hint, uintptr_t *out)
{
	uintptr_t base = as_user_base(), top = as_user_top(), window = AS_WINDOW();
	uintptr_t extra = hint > window ? top - window : 0, limit = window + extra;
	struct gap_query q = {.len = len, .align = align, .need = len + align - PAGE_SIZE};

	if (len > top - base || q.need < len)
		return -ENOMEM;
	if (hint && hint <= top - len) {
		hint = ALIGN_UP(hint, align);
		if (hint >= base && hint <= top - len && (hint > window) == (hint + len > window) &&
		    !as_overlaps_locked(as, hint, len)) {
			*out = hint;
			return 0;
		}
	}
	if (as->bottom_up ? search(as, &q, as->mmap_base, limit, false)
	                  : search(as, &q, base, as->mmap_base + extra, true) ||
	                        search(as, &q, MAX(as_unmapped_base(), base), limit, false)) {
		*out = q.found;
		return 0;
	}
	return -ENOMEM;
}

int as_find_free(struct addr_space *as, size_t len, size_t align, uintptr_t hint, uintptr_t *out)
{
	int rc;

	if (len == 0 || align < PAGE_SIZE || !IS_POW2(align) || !out)
		return -EINVAL;
	if (len > SIZE_MAX - PAGE_SIZE)
		return -ENOMEM;
	len = ALIGN_UP(len, (size_t)PAGE_SIZE);
	as_lock(&as->lock);
	rc = area_find_free(as, len, align, hint, out);
	as_unlock(&as->lock);
	return rc;
}

int as_set_layout(struct addr_space *as, uintptr_t mmap_base, bool bottom_up)
{
	if (mmap_base < as_user_base() || mmap_base > as_user_top() ||
	    (mmap_base & (PAGE_SIZE - 1)))
		return -EINVAL;
	as_lock(&as->lock);
	as->mmap_base = mmap_base;
	as->bottom_up = bottom_up;
	as_unlock(&as->lock);
	return 0;
}

uintptr_t as_mmap_base(struct addr_space *as, bool *bottom_up)
{
	uintptr_t base;

	as_lock(&as->lock);
	base = as->mmap_base;
	if (bottom_up)
		*bottom_up = as->bottom_up;
	as_unlock(&as->lock);
	return base;
}

size_t as_max_map_count(void)
{
	return CONFIG_AS_MAX_MAP_COUNT;
}

bool area_may_split(const struct addr_space *as, unsigned more)
{
	/* Each split is checked on its own (count < limit), so n splits need count + n <= limit. */
	return more == 0 || as->nareas + more <= as_max_map_count();
}
