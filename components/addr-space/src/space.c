/*
 * Address spaces: creation and destruction, map, unmap, protect, visit.
 *
 * Changing a range always goes the same way: split the page table at both
 * ends (the only step that can fail for want of memory, and harmless), split
 * the areas that straddle the ends (open() for each new piece, as Linux's
 * split_vma), then act on whole areas. Area structures needed by the splits
 * are allocated before anything changes, so a failed call changes nothing.
 */
#include "as_internal.h"
#include <klib/errno.h>
#include <klib/panic.h>

#define AS_PROT_ALL (AS_PROT_READ | AS_PROT_WRITE | AS_PROT_EXEC | AS_PROT_USER)
#define AS_MAP_ALL                                                                                 \
	(AS_MAP_SHARED | AS_MAP_FIXED | AS_MAP_FIXED_NOREPLACE | AS_MAP_POPULATE | AS_MAP_HUGE |   \
	 AS_MAP_NEVER_WRITE)

/* Kconfig takes any hex value; areas are whole pages, so the bounds are rounded inwards. */
uintptr_t as_user_base(void)
{
	return ALIGN_UP((uintptr_t)CONFIG_AS_USER_BASE, PAGE_SIZE);
}

uintptr_t as_user_top(void)
{
	return ALIGN_DOWN((uintptr_t)CONFIG_AS_USER_TOP, PAGE_SIZE);
}

uintptr_t as_user_window(void)
{
	uintptr_t w = ALIGN_DOWN((uintptr_t)CONFIG_ARCH_USER_WINDOW, PAGE_SIZE);

	return w < as_user_top() ? w : as_user_top();
}

int as_create(struct addr_space **out)
{
	struct pt *k = pt_kernel();
	struct addr_space *as = kzalloc(sizeof(*as));
	int rc;

	if (!as)
		return -ENOMEM;
	/* Host tests have no kernel table: their spaces are plain Sv39 tables in memory. */
	rc = pt_create(k ? pt_format_user(pt_format(k)) : &pt_format_sv39, &as->pt);
	if (rc) {
		kfree(as);
		return rc;
	}
	as_lock_init(&as->lock);
	as->mmap_base = as_user_window(); /* top-down from the window's top until as_set_layout says
	                                     otherwise */
	*out = as;
	return 0;
}

size_t as_resident_pages(struct addr_space *as)
{
	return __atomic_load_n(&as->resident, __ATOMIC_RELAXED);
}

size_t as_table_pages(struct addr_space *as)
{
	return pt_table_pages(as->pt);
}

void as_destroy(struct addr_space *as)
{
	struct as_area *a;

	if (!as)
		return;
	pt_retire(as->pt); /* nobody runs in it again: its unmaps need no flush */
	as_lock(&as->lock);
	while ((a = area_first_above(as, 0)))
		area_destroy(a);
	as_unlock(&as->lock);
	pt_destroy(as->pt);
	kfree(as);
}

/* Two spare areas: enough for splitting both ends of any range. */
struct spares {
	struct as_area *s[2];
};

/* Whether both came; the caller's -ENOMEM if not (spares_put frees what did). */
static bool spares_get(struct spares *sp)
{
	sp->s[0] = kmalloc(sizeof(struct as_area));
	sp->s[1] = kmalloc(sizeof(struct as_area));
	return sp->s[0] && sp->s[1];
}

/* Often there are none (as_map without a fixed address): no calls then. */
static void spares_put(struct spares *sp)
{
	if (sp->s[0])
		kfree(sp->s[0]);
	if (sp->s[1])
		kfree(sp->s[1]);
}

static struct as_area **spare(struct spares *sp)
{
	return sp->s[0] ? &sp->s[0] : &sp->s[1];
}

/* How many areas [start, end) would split (0, 1 or 2). */
static unsigned splits_needed(struct addr_space *as, uintptr_t start, uintptr_t end)
{
	struct as_area *a = area_find(as, start), *b = area_find(as, end - 1);

	return (a && a->start < start) + (b && b->end > end);
}

/*
 * Linux's munmap (vms_gather_munmap_vmas): at the area limit, a range that
 * would punch a hole in one area (one more area when done) is -ENOMEM;
 * splits that the unmap itself pays back are allowed past the limit.
 */
static bool unmap_may_split(struct addr_space *as, uintptr_t start, uintptr_t end)
{
	struct as_area *a = area_find(as, start);

	return !(a && a->start < start && a->end > end && as->nareas >= as_max_map_count());
}

/* Split the page table at start and end, and the areas straddling them. */
static int split_range(struct addr_space *as, uintptr_t start, uintptr_t end, struct spares *sp)
{
	struct as_area *a;
	int rc = pt_split(as->pt, start);

	if (rc == 0 && end < as_user_top())
		rc = pt_split(as->pt, end);
	if (rc)
		return rc;
	a = area_find(as, start);
	if (a && a->start < start)
		area_split(a, start, spare(sp));
	a = area_find(as, end - 1);
	if (a && a->end > end)
		area_split(a, end, spare(sp));
	return 0;
}

/* Remove every area inside [start, end), which split_range made whole areas. */
static void remove_range(struct addr_space *as, uintptr_t start, uintptr_t end)
{
	struct as_area *a = area_first_above(as, start), *next;

	for (; a && a->start < end; a = next) {
		next = area_next(a);
		area_destroy(a);
	}
}

static bool range_ok(uintptr_t addr, size_t len)
{
	return len && addr >= as_user_base() && addr <= as_user_top() &&
	       as_user_top() - addr >= len;
}

static int check_map_args(uintptr_t addr, size_t *len, unsigned prot, unsigned flags,
                          const struct as_backend *backend, void *priv)
{
	if (!backend || (prot & ~AS_PROT_ALL) || (flags & ~AS_MAP_ALL) || *len == 0)
		return -EINVAL;
	if (*len > SIZE_MAX - PAGE_SIZE)
		return -ENOMEM;
	*len = (*len + PAGE_SIZE - 1) & ~(size_t)(PAGE_SIZE - 1);
	if ((flags & (AS_MAP_FIXED | AS_MAP_FIXED_NOREPLACE)) && (addr & (PAGE_SIZE - 1)))
		return -EINVAL;
	if (backend == &as_backend_linear && ((uintptr_t)priv & (PAGE_SIZE - 1)))
		return -EINVAL;
	if (!backend->fault)
		return -EINVAL; /* nothing could ever fill its pages */
	if ((flags & AS_MAP_NEVER_WRITE) && (prot & AS_PROT_WRITE))
		return -EACCES;
	return 0;
}

/* Map what can be mapped now: linear areas at once, POPULATE areas page by page. */
static int fill_now(struct as_area *a, unsigned flags)
{
	int rc = 0;

	if (area_is_linear(a))
		rc = pt_map(a->as->pt, a->start, a->start + (uintptr_t)a->priv, a->end - a->start,
		            area_pte_prot(a), a->flags & AS_MAP_HUGE ? PT_MAP_HUGE : 0);
	else if ((flags & AS_MAP_POPULATE) && a->prot != AS_PROT_NONE)
		for (uintptr_t va = a->start; va < a->end && rc == 0; va += PAGE_SIZE)
			rc = as_fault_locked(a->as, a, va,
			                     a->prot & AS_PROT_WRITE ? AS_ACCESS_WRITE
			                                             : AS_ACCESS_READ);
	return rc;
}

int as_map(struct addr_space *as, uintptr_t addr, size_t len, unsigned prot, unsigned flags,
           const struct as_backend *backend, void *priv, uint64_t pgoff, uintptr_t *out)
{
	bool fixed = flags & (AS_MAP_FIXED | AS_MAP_FIXED_NOREPLACE);
	struct spares sp = {{NULL, NULL}};
	struct as_area *a = NULL;
	bool replaced = false;
	int rc = check_map_args(addr, &len, prot, flags, backend, priv);

	if (rc)
		return rc;
	if (fixed && !range_ok(addr, len))
		return -ENOMEM;
	a = kmalloc(sizeof(*a)); /* not kzalloc: the assignment below sets every field */
	if (!a || (fixed && !spares_get(&sp))) {
		kfree(a);
		spares_put(&sp);
		return -ENOMEM;
	}
	*a = (struct as_area){.prot = prot,
	                      .flags = flags & AS_AREA_FLAGS,
	                      .backend = backend,
	                      .priv = priv,
	                      .pgoff = pgoff};
	if (backend == &as_backend_anon) {
		a->priv = NULL;
		if ((flags & AS_MAP_SHARED) && !(a->priv = anon_shared_create(len / PAGE_SIZE)))
			rc = -ENOMEM;
		else if (!(flags & AS_MAP_SHARED))
			a->flags |= AS_AREA_PRIVATE_PAGES; /* nothing but pages of its own */
		a->pgoff = 0;
	}

	as_lock(&as->lock);
	if (rc == 0 && as->nareas > as_max_map_count())
		rc = -ENOMEM; /* do_mmap's "too many mappings?" */
	if (rc == 0 && fixed) {
		replaced = as_overlaps_locked(as, addr, len);
		if (replaced && (flags & AS_MAP_FIXED_NOREPLACE))
			rc = -EEXIST;
		else if (replaced && !unmap_may_split(as, addr, addr + len))
			rc = -ENOMEM;
		else if (replaced && (rc = split_range(as, addr, addr + len, &sp)) == 0)
			remove_range(as, addr, addr + len);
	} else if (rc == 0) {
		size_t align = (flags & AS_MAP_HUGE) && area_is_linear(a) ? PT_SIZE_2M : PAGE_SIZE;
		rc = area_find_free(as, len, align, addr, &addr);
	}
	if (rc == 0) {
		a->start = addr;
		a->end = addr + len;
		if (backend == &as_backend_anon && !(flags & AS_MAP_SHARED))
			a->pgoff =
			    addr /
			    PAGE_SIZE; /* no object: Linux's convention, so neighbours merge */
		area_insert(as, a);
		rc = fill_now(a, flags);
		if (rc && !replaced) {
			/* Undo: the caller never saw the area, so no close(). */
			area_unmap_pages(a, a->start, a->end);
			area_remove(as, a);
		} else {
			rc = 0; /* what replaced an old range stays, filled on demand */
			a = area_merge(a);
			a = NULL;
		}
	}
	as_unlock(&as->lock);
	if (a) {
		if (backend == &as_backend_anon && a->priv)
			anon_shared_free(a->priv);
		kfree(a);
	}
	spares_put(&sp);
	if (rc == 0 && out)
		*out = addr;
	return rc;
}

int as_map_anon(struct addr_space *as, uintptr_t addr, size_t len, unsigned prot, unsigned flags,
                uintptr_t *out)
{
	return as_map(as, addr, len, prot, flags, &as_backend_anon, NULL, 0, out);
}

int as_map_linear(struct addr_space *as, uintptr_t va, paddr_t pa, size_t len, unsigned prot,
                  unsigned flags)
{
	if ((pa | va) & (PAGE_SIZE - 1))
		return -EINVAL;
	return as_map(as, va, len, prot, flags | AS_MAP_FIXED_NOREPLACE, &as_backend_linear,
	              (void *)(uintptr_t)(pa - va), va / PAGE_SIZE, NULL);
}

int as_unmap(struct addr_space *as, uintptr_t addr, size_t len)
{
	struct spares sp;
	int rc;

	if ((addr & (PAGE_SIZE - 1)) || len == 0 || len > SIZE_MAX - PAGE_SIZE)
		return -EINVAL;
	len = (len + PAGE_SIZE - 1) & ~(size_t)(PAGE_SIZE - 1);
	if (!range_ok(addr, len))
		return -EINVAL;
	if (!spares_get(&sp)) {
		spares_put(&sp);
		return -ENOMEM;
	}
	as_lock(&as->lock);
	rc = unmap_may_split(as, addr, addr + len) ? split_range(as, addr, addr + len, &sp)
	                                           : -ENOMEM;
	if (rc == 0)
		remove_range(as, addr, addr + len);
	as_unlock(&as->lock);
	spares_put(&sp);
	return rc;
}

/*
 * May [addr, end) get 'prot'? -ENOMEM if a page of it is in no area (a hole),
 * -EACCES if an area in it may never be writable and prot writes (Linux's
 * mprotect checks VM_MAYWRITE per area; here all are checked first, so that
 * a failure changes nothing).
 */
static int protect_check(struct addr_space *as, uintptr_t addr, uintptr_t end, unsigned prot)
{
	for (struct as_area *a = area_first_above(as, addr); addr < end; a = area_next(a)) {
		if (!a || a->start > addr)
			return -ENOMEM;
		if ((a->flags & AS_MAP_NEVER_WRITE) && (prot & AS_PROT_WRITE))
			return -EACCES;
		addr = a->end;
	}
	return 0;
}

int as_protect(struct addr_space *as, uintptr_t addr, size_t len, unsigned prot)
{
	struct spares sp;
	uintptr_t end;
	int rc;

	if ((addr & (PAGE_SIZE - 1)) || len == 0 || len > SIZE_MAX - PAGE_SIZE ||
	    (prot & ~AS_PROT_ALL))
		return -EINVAL;
	len = (len + PAGE_SIZE - 1) & ~(size_t)(PAGE_SIZE - 1);
	if (!range_ok(addr, len))
		return -ENOMEM;
	end = addr + len;
	if (!spares_get(&sp)) {
		spares_put(&sp);
		return -ENOMEM;
	}
	as_lock(&as->lock);
	rc = protect_check(as, addr, end, prot);
	if (rc == 0 && !area_may_split(as, splits_needed(as, addr, end)))
		rc = -ENOMEM; /* mprotect's split_vma: each split checks the limit */
	if (rc == 0)
		rc = split_range(as, addr, end, &sp);
	for (struct as_area *a = area_first_above(as, addr); rc == 0 && a && a->start < end;
	     a = area_next(a)) {
		a->prot = prot;
		/* Private pages may be shared with a fork: writable again on their next write
		 * fault. */
		unsigned pprot = area_pte_prot(a) & (area_is_cow(a) ? ~PT_WRITE : ~0u);
		kverify(pt_protect(as->pt, a->start, a->end - a->start, pprot) == 0);
	}
	/* Now equal neighbours (inside, and across both ends) become one area. */
	for (struct as_area *a = area_find(as, addr); rc == 0 && a && a->start <= end;
	     a = area_next(a))
		a = area_merge(a);
	as_unlock(&as->lock);
	spares_put(&sp);
	return rc;
}

/*
 * The areas remap_file_pages may replace (Linux's checks in its emulation):
 * the area at start is shared and has an object (not linear), and
 * [start, end) is covered without a hole by areas of that same object with
 * the same protection and flags. The first one, or NULL.
 */
static struct as_area *remap_first(struct addr_space *as, uintptr_t start, uintptr_t end)
{
	struct as_area *first = area_find(as, start), *a = first;

	if (!first || !(first->flags & AS_MAP_SHARED) || area_is_linear(first))
		return NULL;
	for (uintptr_t at = first->end; at < end; at = a->end) {
		a = area_next(a);
		if (!a || a->start != at || a->backend != first->backend ||
		    a->priv != first->priv || a->prot != first->prot || a->flags != first->flags)
			return NULL;
	}
	return first;
}

int as_remap(struct addr_space *as, uintptr_t addr, size_t len, uint64_t pgoff, unsigned flags)
{
	struct spares sp = {{NULL, NULL}};
	struct as_area *a, *first;
	int rc = 0;

	if (((addr | len) & (PAGE_SIZE - 1)) || (flags & ~AS_MAP_POPULATE) ||
	    !range_ok(addr, len) || pgoff + len / PAGE_SIZE < pgoff)
		return -EINVAL;
	a = kzalloc(sizeof(*a));
	if (!a || !spares_get(&sp)) {
		kfree(a);
		spares_put(&sp);
		return -ENOMEM;
	}
	as_lock(&as->lock);
	first = remap_first(as, addr, addr + len);
	if (!first)
		rc = -EINVAL;
	else if (as->nareas > as_max_map_count() || !unmap_may_split(as, addr, addr + len))
		rc = -ENOMEM; /* do_mmap's and munmap's limits, as for a FIXED as_map */
	else
		rc = split_range(as, addr, addr + len, &sp);
	if (rc == 0) {
		*a = (struct as_area){.start = addr,
		                      .end = addr + len,
		                      .prot = first->prot,
		                      .flags = first->flags,
		                      .backend = first->backend,
		                      .priv = first->priv,
		                      .pgoff = pgoff,
		                      .as = as};
		/*
		 * Linux closes the old mappings before it maps the file again;
		 * its file reference keeps the object's memory. Here the new
		 * area's count does, taken first; then the owner says whether
		 * the mapping it now has alone may stay.
		 */
		if (a->backend->open)
			a->backend->open(a);
		remove_range(as, addr, addr + len);
		area_insert(as, a);
		if (a->backend->remap && (rc = a->backend->remap(a)) != 0) {
			area_remove(as, a); /* no page yet; the owner dropped its count */
		} else {
			(void)fill_now(a, flags); /* Linux's mm_populate ignores failures */
			a = NULL;
		}
	}
	as_unlock(&as->lock);
	kfree(a);
	spares_put(&sp);
	return rc;
}

int as_visit(struct addr_space *as, uintptr_t from, as_visitor_t visit, void *ctx)
{
	struct as_area *a, *next;
	int unmapped = 0;

	as_lock(&as->lock);
	for (a = area_first_above(as, from); a; a = next) {
		enum as_visit v = visit(a, ctx);
		next = area_next(a);
		if (v == AS_VISIT_UNMAP_NEXT || v == AS_VISIT_UNMAP_STOP) {
			area_destroy(a);
			unmapped++;
		}
		if (v == AS_VISIT_STOP || v == AS_VISIT_UNMAP_STOP)
			break;
	}
	as_unlock(&as->lock);
	return unmapped;
}

bool as_overlaps_locked(struct addr_space *as, uintptr_t addr, size_t len)
{
	struct as_area *a = area_first_above(as, addr);

	return len && a && a->start < addr + len;
}

bool as_overlaps(struct addr_space *as, uintptr_t addr, size_t len)
{
	bool r;

	as_lock(&as->lock);
	r = as_overlaps_locked(as, addr, len);
	as_unlock(&as->lock);
	return r;
}

size_t as_area_count(struct addr_space *as)
{
	size_t n;

	as_lock(&as->lock);
	n = as->nareas;
	as_unlock(&as->lock);
	return n;
}
