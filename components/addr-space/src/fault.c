/*
 * Faults: filling a page on first touch, copy-on-write, and everything
 * built on them (populate, query, the user-copy helpers, the trap hook).
 *
 * Who owns a mapped frame: each page-table entry of a non-linear area holds
 * one reference (page_ref_get) for as long as it exists. A private page is
 * written in place only when that reference is the frame's only one;
 * otherwise (after fork, or a backend's page in a private area) the writer
 * gets its own copy.
 */
#include "as_internal.h"
#include <hal/trap.h>
#include <klib/errno.h>
#include <klib/string.h>

bool as_access_allowed(unsigned prot, unsigned access)
{
	if ((access & AS_ACCESS_WRITE) && !(prot & AS_PROT_WRITE))
		return false;
	if ((access & AS_ACCESS_READ) && !(prot & (AS_PROT_READ | AS_PROT_WRITE)))
		return false;
	if ((access & AS_ACCESS_EXEC) && !(prot & AS_PROT_EXEC))
		return false;
	return true;
}

static int map_page(struct as_area *a, uintptr_t va, paddr_t pa, unsigned prot, unsigned flags)
{
	int rc = pt_map(a->as->pt, va, pa, PAGE_SIZE, prot, flags);

	if (rc == 0 && !(flags & PT_MAP_REPLACE) && !area_is_linear(a))
		a->as->resident++;
	return rc;
}

/* A private copy of the frame at 'old' replaces it at va. */
static int copy_page(struct as_area *a, uintptr_t va, paddr_t old)
{
	paddr_t fresh = page_alloc(0);
	int rc;

	if (fresh == PADDR_NONE)
		return -ENOMEM;
	memcpy(page_to_virt(fresh), page_to_virt(old), PAGE_SIZE);
	rc = map_page(a, va, fresh, area_pte_prot(a), PT_MAP_REPLACE);
	if (rc) { /* not seen: the entry is present, so its tables exist */
		page_ref_put(fresh);
		return rc;
	}
	a->flags |= AS_AREA_PRIVATE_PAGES;
	page_ref_put(old);
	return 0;
}

/* Nothing mapped at va yet: find its frame and map it. */
static int fill(struct as_area *a, uintptr_t va, unsigned access)
{
	uint64_t pgoff = a->pgoff + (va - a->start) / PAGE_SIZE;
	unsigned prot = area_pte_prot(a);
	paddr_t pa;
	int rc;

	if (area_is_cow(a) && a->backend == &as_backend_anon) {
		pa = page_alloc_zeroed(0); /* private anonymous: the space's own frame */
		if (pa == PADDR_NONE)
			return -ENOMEM;
		rc = map_page(a, va, pa, prot, 0);
		if (rc)
			page_free(pa, 0);
		else
			a->flags |= AS_AREA_PRIVATE_PAGES;
		return rc;
	}
	rc = a->backend->fault(a, pgoff, access, &pa);
	if (rc)
		return rc;
	if (area_is_linear(a))
		return map_page(a, va, pa, prot, 0);
	if (area_is_cow(a) && (access & AS_ACCESS_WRITE)) {
		/* Private view of someone else's page, written at once: copy now. */
		paddr_t fresh = page_alloc(0);
		if (fresh != PADDR_NONE)
			memcpy(page_to_virt(fresh), page_to_virt(pa), PAGE_SIZE);
		if (a->backend->fault_gives_ref)
			page_ref_put(pa);
		if (fresh == PADDR_NONE)
			return -ENOMEM;
		rc = map_page(a, va, fresh, prot, 0);
		if (rc)
			page_free(fresh, 0);
		else
			a->flags |= AS_AREA_PRIVATE_PAGES;
		return rc;
	}
	/* Shared, or private but only read so far: map the backend's frame. */
	if (area_is_cow(a))
		prot &= ~PT_WRITE;
	if (!a->backend->fault_gives_ref)
		page_ref_get(pa);
	rc = map_page(a, va, pa, prot, 0);
	if (rc)
		page_ref_put(pa);
	return rc;
}

int as_fault_locked(struct addr_space *as, struct as_area *a, uintptr_t va, unsigned access)
{
	unsigned pprot;
	paddr_t pa;

	va &= ~(uintptr_t)(PAGE_SIZE - 1);
	if (!as_access_allowed(a->prot, access))
		return -EACCES;
	if (pt_query(as->pt, va, &pa, &pprot, NULL) != 0)
		return fill(a, va, access);
	if (!(access & AS_ACCESS_WRITE) || (pprot & PT_WRITE)) {
		/* Already there (another CPU filled it, or this one cached it invalid). */
		pt_flush_local(as->pt, va, PAGE_SIZE);
		return 0;
	}
	pa &= ~(paddr_t)(PAGE_SIZE - 1);
	/* A write to a read-only page of a writable area: copy-on-write. */
	if (area_is_cow(a) && page_ref_count(pa) != 1)
		return copy_page(a, va, pa);
	/* Ours alone now (a backend that let go of its page too): a private page from here on. */
	if (area_is_cow(a))
		a->flags |= AS_AREA_PRIVATE_PAGES;
	return pt_protect(as->pt, va, PAGE_SIZE, area_pte_prot(a));
}

int as_fault(struct addr_space *as, uintptr_t va, unsigned access)
{
	struct as_area *a;
	int rc;

	as_lock(&as->lock);
	a = area_find(as, va);
	rc = a ? as_fault_locked(as, a, va, access) : -EFAULT;
	as_unlock(&as->lock);
	return rc;
}

int as_populate(struct addr_space *as, uintptr_t addr, size_t len)
{
	uintptr_t va = addr & ~(uintptr_t)(PAGE_SIZE - 1), end = addr + len;
	int rc = 0;

	if (end < addr)
		return -EINVAL;
	as_lock(&as->lock);
	for (; va < end && rc == 0; va += PAGE_SIZE) {
		struct as_area *a = area_find(as, va);
		if (!a) {
			rc = -ENOMEM; /* a hole, as Linux's mlock says */
			break;
		}
		if (a->prot == AS_PROT_NONE)
			continue; /* nothing to fill until it is made accessible */
		/* Writable private pages are populated for writing: their own frames now. */
		rc = as_fault_locked(as, a, va,
		                     a->prot & AS_PROT_WRITE ? AS_ACCESS_WRITE : AS_ACCESS_READ);
	}
	as_unlock(&as->lock);
	return rc;
}

static unsigned as_prot_of(unsigned pt_prot)
{
	return (pt_prot & PT_READ ? AS_PROT_READ : 0) | (pt_prot & PT_WRITE ? AS_PROT_WRITE : 0) |
	       (pt_prot & PT_EXEC ? AS_PROT_EXEC : 0) | (pt_prot & PT_USER ? AS_PROT_USER : 0);
}

int as_query(struct addr_space *as, uintptr_t va, paddr_t *pa, unsigned *prot)
{
	unsigned pprot;
	paddr_t p;
	int rc;

	as_lock(&as->lock);
	rc = area_find(as, va) && pt_query(as->pt, va, &p, &pprot, NULL) == 0 ? 0 : -EFAULT;
	as_unlock(&as->lock);
	if (rc == 0 && pa)
		*pa = p;
	if (rc == 0 && prot)
		*prot = as_prot_of(pprot);
	return rc;
}

/* The frame behind user page va, faulted in for 'access'; -EFAULT if the user may not. */
static int user_frame(struct addr_space *as, uintptr_t va, unsigned access, paddr_t *pa)
{
	struct as_area *a = area_find(as, va);
	unsigned pprot;
	int rc;

	if (!a || !(a->prot & AS_PROT_USER))
		return -EFAULT;
	if (pt_query(as->pt, va, pa, &pprot, NULL) == 0 &&
	    (!(access & AS_ACCESS_WRITE) || (pprot & PT_WRITE)) &&
	    as_access_allowed(a->prot, access))
		return 0;
	rc = as_fault_locked(as, a, va, access);
	if (rc == -ENOMEM)
		return rc; /* no frame: not the user's fault (the caller may free some, retry) */
	if (rc != 0 || pt_query(as->pt, va, pa, NULL, NULL) != 0)
		return -EFAULT;
	return 0;
}

static int user_copy(struct addr_space *as, uintptr_t uaddr, void *kbuf, size_t len, bool to_user)
{
	char *k = kbuf;
	int rc = 0;

	if (uaddr + len < uaddr)
		return -EFAULT;
	as_lock(&as->lock);
	while (len && rc == 0) {
		size_t off = uaddr & (PAGE_SIZE - 1), n = MIN(len, PAGE_SIZE - off);
		paddr_t pa;

		rc = user_frame(as, uaddr - off, to_user ? AS_ACCESS_WRITE : AS_ACCESS_READ, &pa);
		if (rc)
			break;
		char *page = page_to_virt(pa & ~(paddr_t)(PAGE_SIZE - 1));
		if (to_user)
			memcpy(page + off, k, n);
		else
			memcpy(k, page + off, n);
		k += n;
		uaddr += n;
		len -= n;
	}
	as_unlock(&as->lock);
	return rc;
}

int as_copy_to_user(struct addr_space *as, uintptr_t dst, const void *src, size_t len)
{
	return user_copy(as, dst, (void *)(uintptr_t)src, len, true);
}

int as_copy_from_user(struct addr_space *as, void *dst, uintptr_t src, size_t len)
{
	return user_copy(as, src, dst, len, false);
}
