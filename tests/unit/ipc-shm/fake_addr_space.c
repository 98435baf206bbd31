/*
 * A fake addr-space: the areas of a space in a list sorted by address, its
 * page table a hash from page number to frame. It keeps the header's
 * promises the way ipc-shm reads them:
 *
 *  - as_map() does not call open() for the area it makes (the mapper counts
 *    that one); splitting an area (as_unmap, as_protect, a fixed map over
 *    part of it) calls open() on the new piece; as_fork() calls open() on
 *    every copy; every area that goes calls close() exactly once.
 *  - Areas are never merged again (Linux does not merge areas whose backend
 *    has close(), so a split attachment stays split: nattch counts pieces).
 *  - AS_MAP_NEVER_WRITE areas refuse AS_PROT_WRITE (as_map, as_protect:
 *    -EACCES), checked over the whole range before anything changes.
 *  - A fault asks the backend for the frame of pgoff + page index and takes
 *    its own reference while the page is mapped; unmapping drops it before
 *    close() runs. AS_MAP_HUGE is recorded and mapped with 4 KiB pages.
 *  - Callbacks run with the space's lock held (rank 1 of the checker).
 */
#include "fake.h"
#include <klib/errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct as_area {
	struct as_area *next;
	uintptr_t start, end;
	unsigned prot, flags;
	const struct as_backend *backend;
	void *priv;
	uint64_t pgoff;
	struct addr_space *as;
};

struct fake_pte {
	uintptr_t vpn;
	paddr_t pa;
	struct fake_pte *next;
};

#define PT_BUCKETS 1024

struct addr_space {
	struct fake_lock lock;
	struct as_area *areas;
	struct fake_pte *pt[PT_BUCKETS];
	size_t npte;
};

static long spaces_live;
static unsigned last_map_flags;
static int fail_next_map;
static pthread_mutex_t globals_mu = PTHREAD_MUTEX_INITIALIZER;

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (!p)
		abort();
	return p;
}

/* Page table. */

static struct fake_pte **pt_slot(struct addr_space *as, uintptr_t vpn)
{
	struct fake_pte **p = &as->pt[vpn % PT_BUCKETS];

	while (*p && (*p)->vpn != vpn)
		p = &(*p)->next;
	return p;
}

static void pt_insert(struct addr_space *as, uintptr_t vpn, paddr_t pa)
{
	struct fake_pte *e = xcalloc(1, sizeof(*e));

	page_ref_get(pa);
	e->vpn = vpn;
	e->pa = pa;
	e->next = as->pt[vpn % PT_BUCKETS];
	as->pt[vpn % PT_BUCKETS] = e;
	as->npte++;
}

static void pt_clear(struct addr_space *as, uintptr_t start, uintptr_t end)
{
	for (uintptr_t vpn = start / PAGE_SIZE; vpn < end / PAGE_SIZE; vpn++) {
		struct fake_pte **slot = pt_slot(as, vpn), *e = *slot;

		if (!e)
			continue;
		*slot = e->next;
		page_ref_put(e->pa);
		free(e);
		as->npte--;
	}
}

/* Areas (space lock held). */

static struct as_area *area_find(struct addr_space *as, uintptr_t va)
{
	for (struct as_area *a = as->areas; a && a->start <= va; a = a->next)
		if (va < a->end)
			return a;
	return NULL;
}

static void area_link(struct addr_space *as, struct as_area *n)
{
	struct as_area **p = &as->areas;

	while (*p && (*p)->start < n->start)
		p = &(*p)->next;
	n->next = *p;
	*p = n;
}

static bool range_overlaps(struct addr_space *as, uintptr_t start, uintptr_t end)
{
	for (struct as_area *a = as->areas; a && a->start < end; a = a->next)
		if (a->end > start)
			return true;
	return false;
}

/* Cut 'a' at 'at' (strictly inside): the upper piece is new and is opened. */
static void area_split(struct as_area *a, uintptr_t at)
{
	struct as_area *n = xcalloc(1, sizeof(*n));

	*n = *a;
	n->start = at;
	n->pgoff = a->pgoff + (at - a->start) / PAGE_SIZE;
	a->end = at;
	a->next = n;
	if (n->backend->open)
		n->backend->open(n);
}

static void split_at(struct addr_space *as, uintptr_t at)
{
	struct as_area *a = area_find(as, at);

	if (a && a->start < at)
		area_split(a, at);
}

/* Unlink and drop one area: its pages first, then close(). */
static void area_remove(struct addr_space *as, struct as_area **link)
{
	struct as_area *a = *link;

	*link = a->next;
	pt_clear(as, a->start, a->end);
	if (a->backend->close)
		a->backend->close(a);
	free(a);
}

static void unmap_locked(struct addr_space *as, uintptr_t start, uintptr_t end)
{
	struct as_area **p = &as->areas;

	split_at(as, start);
	split_at(as, end);
	while (*p && (*p)->start < end) {
		if ((*p)->start >= start)
			area_remove(as, p);
		else
			p = &(*p)->next;
	}
}

static int find_free_locked(struct addr_space *as, size_t len, size_t align, uintptr_t hint,
                            uintptr_t *out)
{
	uintptr_t at = ALIGN_UP(MAX(hint, FAKE_USER_BASE), align);

	for (struct as_area *a = as->areas; a; a = a->next) {
		if (a->end <= at)
			continue;
		if (a->start >= at && a->start - at >= len)
			break;
		at = ALIGN_UP(a->end, align);
	}
	if (at >= FAKE_USER_TOP || FAKE_USER_TOP - at < len)
		return -ENOMEM;
	*out = at;
	return 0;
}

static int fault_locked(struct addr_space *as, uintptr_t va, unsigned access, paddr_t *pa)
{
	struct as_area *a = area_find(as, va);
	uintptr_t vpn = va / PAGE_SIZE;
	struct fake_pte *e;
	int err;

	if (!a)
		return -EFAULT;
	if ((access & a->prot) != access)
		return -EACCES;
	e = *pt_slot(as, vpn);
	if (!e) {
		paddr_t frame;

		err = a->backend->fault(a, a->pgoff + (va - a->start) / PAGE_SIZE, access, &frame);
		if (err)
			return err;
		pt_insert(as, vpn, frame);
		e = *pt_slot(as, vpn);
	}
	if (pa)
		*pa = e->pa;
	return 0;
}

/* The interface. */

int as_create(struct addr_space **out)
{
	struct addr_space *as = xcalloc(1, sizeof(*as));

	fake_lock_init(&as->lock, "as");
	pthread_mutex_lock(&globals_mu);
	spaces_live++;
	pthread_mutex_unlock(&globals_mu);
	*out = as;
	return 0;
}

void as_destroy(struct addr_space *as)
{
	fake_lock_acquire(&as->lock);
	while (as->areas)
		area_remove(as, &as->areas);
	fake_lock_release(&as->lock);
	fake_lock_fini(&as->lock);
	free(as);
	pthread_mutex_lock(&globals_mu);
	spaces_live--;
	pthread_mutex_unlock(&globals_mu);
}

int as_map(struct addr_space *as, uintptr_t addr, size_t len, unsigned prot, unsigned flags,
           const struct as_backend *backend, void *priv, uint64_t pgoff, uintptr_t *out)
{
	bool fixed = flags & (AS_MAP_FIXED | AS_MAP_FIXED_NOREPLACE);
	struct as_area *a;
	int err = 0;

	if (!len || !backend || (addr & (PAGE_SIZE - 1)) || len > FAKE_USER_TOP)
		return -EINVAL;
	if ((flags & AS_MAP_NEVER_WRITE) && (prot & AS_PROT_WRITE))
		return -EACCES;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (fixed && (addr < FAKE_USER_BASE || addr > FAKE_USER_TOP - len))
		return -ENOMEM; /* as the real one: a range beyond the task size */
	fake_lock_acquire(&as->lock);
	pthread_mutex_lock(&globals_mu);
	err = fail_next_map;
	fail_next_map = 0;
	pthread_mutex_unlock(&globals_mu);
	if (err)
		goto out;
	if (flags & AS_MAP_FIXED_NOREPLACE) {
		if (range_overlaps(as, addr, addr + len))
			err = -EEXIST;
	} else if (flags & AS_MAP_FIXED) {
		unmap_locked(as, addr, addr + len);
	} else {
		err = find_free_locked(as, len, PAGE_SIZE, addr, &addr);
	}
	if (err)
		goto out;
	a = xcalloc(1, sizeof(*a));
	*a = (struct as_area){.start = addr,
	                      .end = addr + len,
	                      .prot = prot,
	                      .flags = flags,
	                      .backend = backend,
	                      .priv = priv,
	                      .pgoff = pgoff,
	                      .as = as};
	area_link(as, a);
	pthread_mutex_lock(&globals_mu);
	last_map_flags = flags;
	pthread_mutex_unlock(&globals_mu);
	if (out)
		*out = addr;
out:
	fake_lock_release(&as->lock);
	return err;
}

int as_unmap(struct addr_space *as, uintptr_t addr, size_t len)
{
	if ((addr & (PAGE_SIZE - 1)) || !len || addr + len < addr)
		return -EINVAL;
	fake_lock_acquire(&as->lock);
	unmap_locked(as, addr, addr + ALIGN_UP(len, PAGE_SIZE));
	fake_lock_release(&as->lock);
	return 0;
}

int as_protect(struct addr_space *as, uintptr_t addr, size_t len, unsigned prot)
{
	uintptr_t end = addr + ALIGN_UP(len, PAGE_SIZE), at = addr;
	int err = 0;

	if ((addr & (PAGE_SIZE - 1)) || !len || end < addr)
		return -EINVAL;
	fake_lock_acquire(&as->lock);
	for (struct as_area *a = area_find(as, addr); a && at < end && !err; a = a->next) {
		if (a->start > at)
			break;
		if ((a->flags & AS_MAP_NEVER_WRITE) && (prot & AS_PROT_WRITE))
			err = -EACCES;
		at = a->end;
	}
	if (!err && at < end) {
		err = -ENOMEM; /* a hole, as Linux's mprotect */
	} else if (!err) {
		split_at(as, addr);
		split_at(as, end);
		for (struct as_area *a = area_find(as, addr); a && a->start < end; a = a->next)
			a->prot = prot;
	}
	fake_lock_release(&as->lock);
	return err;
}

int as_fault(struct addr_space *as, uintptr_t va, unsigned access)
{
	int err;

	fake_lock_acquire(&as->lock);
	err = fault_locked(as, va, access, NULL);
	fake_lock_release(&as->lock);
	return err;
}

int as_fork(struct addr_space *parent, struct addr_space **child)
{
	struct addr_space *c;

	as_create(&c);
	fake_lock_acquire(&parent->lock);
	for (struct as_area *a = parent->areas; a; a = a->next) {
		struct as_area *n = xcalloc(1, sizeof(*n));

		*n = *a;
		n->as = c;
		area_link(c, n);
		for (uintptr_t va = a->start; va < a->end; va += PAGE_SIZE) {
			struct fake_pte *e = *pt_slot(parent, va / PAGE_SIZE);

			if (e)
				pt_insert(c, va / PAGE_SIZE, e->pa);
		}
		if (n->backend->open)
			n->backend->open(n);
	}
	fake_lock_release(&parent->lock);
	*child = c;
	return 0;
}

int as_find_free(struct addr_space *as, size_t len, size_t align, uintptr_t hint, uintptr_t *out)
{
	int err;

	if (!len || !IS_POW2(align) || align < PAGE_SIZE)
		return -EINVAL;
	fake_lock_acquire(&as->lock);
	err = find_free_locked(as, ALIGN_UP(len, PAGE_SIZE), align, hint, out);
	fake_lock_release(&as->lock);
	return err;
}

bool as_overlaps(struct addr_space *as, uintptr_t addr, size_t len)
{
	bool r;

	fake_lock_acquire(&as->lock);
	r = range_overlaps(as, addr, addr + len < addr ? UINTPTR_MAX : addr + len);
	fake_lock_release(&as->lock);
	return r;
}

int as_visit(struct addr_space *as, uintptr_t from, as_visitor_t visit, void *ctx)
{
	struct as_area **link = &as->areas;
	int unmapped = 0;

	fake_lock_acquire(&as->lock);
	while (*link && (*link)->end <= from)
		link = &(*link)->next;
	while (*link) {
		enum as_visit v = visit(*link, ctx);

		if (v == AS_VISIT_UNMAP_NEXT || v == AS_VISIT_UNMAP_STOP) {
			area_remove(as, link);
			unmapped++;
		} else {
			link = &(*link)->next;
		}
		if (v == AS_VISIT_STOP || v == AS_VISIT_UNMAP_STOP)
			break;
	}
	fake_lock_release(&as->lock);
	return unmapped;
}

/* Copy page by page through the page table, faulting pages in as a user access would. */
static int copy_user(struct addr_space *as, uintptr_t uaddr, void *kbuf, size_t len, bool to_user)
{
	unsigned access = to_user ? AS_ACCESS_WRITE : AS_ACCESS_READ;
	int err = 0;

	fake_lock_acquire(&as->lock);
	while (len && !err) {
		size_t off = uaddr % PAGE_SIZE, n = MIN(len, PAGE_SIZE - off);
		struct as_area *a = area_find(as, uaddr);
		paddr_t pa;

		if (!a || !(a->prot & AS_PROT_USER) || fault_locked(as, uaddr, access, &pa)) {
			err = -EFAULT;
			break;
		}
		if (to_user)
			memcpy((char *)page_to_virt(pa) + off, kbuf, n);
		else
			memcpy(kbuf, (char *)page_to_virt(pa) + off, n);
		kbuf = (char *)kbuf + n;
		uaddr += n;
		len -= n;
	}
	fake_lock_release(&as->lock);
	return err;
}

int as_copy_to_user(struct addr_space *as, uintptr_t dst, const void *src, size_t len)
{
	return copy_user(as, dst, (void *)(uintptr_t)src, len, true);
}

int as_copy_from_user(struct addr_space *as, void *dst, uintptr_t src, size_t len)
{
	return copy_user(as, src, dst, len, false);
}

int as_query(struct addr_space *as, uintptr_t va, paddr_t *pa, unsigned *prot)
{
	struct fake_pte *e;
	struct as_area *a;
	int err = -EFAULT;

	fake_lock_acquire(&as->lock);
	a = area_find(as, va);
	e = *pt_slot(as, va / PAGE_SIZE);
	if (a && e) {
		if (pa)
			*pa = e->pa;
		if (prot)
			*prot = a->prot;
		err = 0;
	}
	fake_lock_release(&as->lock);
	return err;
}

uintptr_t as_area_start(const struct as_area *a)
{
	return a->start;
}

uintptr_t as_area_end(const struct as_area *a)
{
	return a->end;
}

unsigned as_area_prot(const struct as_area *a)
{
	return a->prot;
}

unsigned as_area_flags(const struct as_area *a)
{
	return a->flags;
}

uint64_t as_area_pgoff(const struct as_area *a)
{
	return a->pgoff;
}

void *as_area_priv(const struct as_area *a)
{
	return a->priv;
}

const struct as_backend *as_area_backend(const struct as_area *a)
{
	return a->backend;
}

struct addr_space *as_area_space(const struct as_area *a)
{
	return a->as;
}

size_t as_area_count(struct addr_space *as)
{
	size_t n = 0;

	fake_lock_acquire(&as->lock);
	for (struct as_area *a = as->areas; a; a = a->next)
		n++;
	fake_lock_release(&as->lock);
	return n;
}

uintptr_t as_user_base(void)
{
	return FAKE_USER_BASE;
}

uintptr_t as_user_top(void)
{
	return FAKE_USER_TOP;
}

size_t fake_as_mapped_pages(struct addr_space *as)
{
	size_t n;

	fake_lock_acquire(&as->lock);
	n = as->npte;
	fake_lock_release(&as->lock);
	return n;
}

unsigned fake_as_last_map_flags(void)
{
	unsigned f;

	pthread_mutex_lock(&globals_mu);
	f = last_map_flags;
	pthread_mutex_unlock(&globals_mu);
	return f;
}

void fake_as_fail_next_map(int err)
{
	pthread_mutex_lock(&globals_mu);
	fail_next_map = err;
	pthread_mutex_unlock(&globals_mu);
}

long fake_as_live(void)
{
	return spaces_live;
}
