/*
 * A fake page-alloc: frames are page-aligned malloc blocks whose host
 * address is the "physical" one (page_to_virt is the identity), with
 * reference counts kept in a hash table, and the heap is malloc. Both can
 * be told to start failing, for the ENOMEM paths. Misuse (a reference on a
 * frame never handed out, a double free) aborts, failing the test.
 */
#include "fake.h"
#include <klib/errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fake_frame {
	paddr_t pa;
	unsigned refs;
	struct fake_frame *next;
};

#define FRAME_BUCKETS 4096
static struct fake_frame *frames[FRAME_BUCKETS];
static pthread_mutex_t frames_mu = PTHREAD_MUTEX_INITIALIZER;
static long frames_live, heap_live, heap_allocs;
static long frames_budget = -1, heap_budget = -1;

static struct fake_frame **frame_slot(paddr_t pa)
{
	struct fake_frame **p = &frames[(pa >> PAGE_SHIFT) % FRAME_BUCKETS];

	while (*p && (*p)->pa != pa)
		p = &(*p)->next;
	return p;
}

static void fake_abort(const char *what, paddr_t pa)
{
	fprintf(stderr, "fake page-alloc: %s %#llx\n", what, (unsigned long long)pa);
	abort();
}

/* Consume one allocation from a budget: false when it is spent. */
static bool take(long *budget)
{
	if (*budget == 0)
		return false;
	if (*budget > 0)
		(*budget)--;
	return true;
}

paddr_t page_alloc(unsigned order)
{
	struct fake_frame *f;
	void *mem;

	if (order != 0)
		fake_abort("only order-0 frames are faked, order", order);
	pthread_mutex_lock(&frames_mu);
	if (!take(&frames_budget)) {
		pthread_mutex_unlock(&frames_mu);
		return PADDR_NONE;
	}
	mem = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
	f = malloc(sizeof(*f));
	if (!mem || !f)
		fake_abort("host out of memory", 0);
	memset(mem, 0xa5, PAGE_SIZE); /* garbage: page_alloc() does not zero */
	f->pa = (paddr_t)(uintptr_t)mem;
	f->refs = 1;
	f->next = frames[(f->pa >> PAGE_SHIFT) % FRAME_BUCKETS];
	frames[(f->pa >> PAGE_SHIFT) % FRAME_BUCKETS] = f;
	frames_live++;
	pthread_mutex_unlock(&frames_mu);
	return f->pa;
}

paddr_t page_alloc_zeroed(unsigned order)
{
	paddr_t pa = page_alloc(order);

	if (pa != PADDR_NONE)
		memset(page_to_virt(pa), 0, PAGE_SIZE);
	return pa;
}

/* With frames_mu held. */
static void frame_release(struct fake_frame **slot)
{
	struct fake_frame *f = *slot;

	*slot = f->next;
	free((void *)(uintptr_t)f->pa);
	free(f);
	frames_live--;
}

void page_free(paddr_t pa, unsigned order)
{
	struct fake_frame **slot;

	(void)order;
	pthread_mutex_lock(&frames_mu);
	slot = frame_slot(pa);
	if (!*slot)
		fake_abort("page_free of a frame not allocated:", pa);
	frame_release(slot);
	pthread_mutex_unlock(&frames_mu);
}

void page_ref_get(paddr_t pa)
{
	struct fake_frame **slot;

	pthread_mutex_lock(&frames_mu);
	slot = frame_slot(pa);
	if (!*slot)
		fake_abort("page_ref_get of a frame not allocated:", pa);
	(*slot)->refs++;
	pthread_mutex_unlock(&frames_mu);
}

bool page_ref_put(paddr_t pa)
{
	struct fake_frame **slot;
	bool freed = false;

	pthread_mutex_lock(&frames_mu);
	slot = frame_slot(pa);
	if (!*slot)
		fake_abort("page_ref_put of a frame not allocated:", pa);
	if (--(*slot)->refs == 0) {
		frame_release(slot);
		freed = true;
	}
	pthread_mutex_unlock(&frames_mu);
	return freed;
}

unsigned page_ref_count(paddr_t pa)
{
	struct fake_frame **slot;
	unsigned refs;

	pthread_mutex_lock(&frames_mu);
	slot = frame_slot(pa);
	refs = *slot ? (*slot)->refs : 0;
	pthread_mutex_unlock(&frames_mu);
	return refs;
}

void *page_to_virt(paddr_t pa)
{
	return (void *)(uintptr_t)pa;
}

paddr_t page_from_virt(const void *va)
{
	return (paddr_t)(uintptr_t)va;
}

void *kmalloc(size_t size)
{
	void *p;

	pthread_mutex_lock(&frames_mu);
	heap_allocs++;
	if (!take(&heap_budget)) {
		pthread_mutex_unlock(&frames_mu);
		return NULL;
	}
	heap_live++;
	pthread_mutex_unlock(&frames_mu);
	p = malloc(size ? size : 1);
	if (!p)
		fake_abort("host out of memory", 0);
	return p;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void *kcalloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return kzalloc(n * size);
}

void kfree(void *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&frames_mu);
	heap_live--;
	pthread_mutex_unlock(&frames_mu);
	free(p);
}

long fake_frames_live(void)
{
	return frames_live;
}

long fake_heap_live(void)
{
	return heap_live;
}

long fake_heap_allocs(void)
{
	return heap_allocs;
}

void fake_fail_frames_after(long n)
{
	pthread_mutex_lock(&frames_mu);
	frames_budget = n;
	pthread_mutex_unlock(&frames_mu);
}

void fake_fail_heap_after(long n)
{
	pthread_mutex_lock(&frames_mu);
	heap_budget = n;
	pthread_mutex_unlock(&frames_mu);
}

/* The commit policy: vm.overcommit_memory's heuristic over FAKE_RAM_PAGES of RAM. */
static unsigned long commit_pages;
static bool commit_noreserve;

int page_commit_check(unsigned long pages, bool noreserve)
{
	pthread_mutex_lock(&frames_mu);
	commit_pages = pages;
	commit_noreserve = noreserve;
	pthread_mutex_unlock(&frames_mu);
	return !noreserve && pages > FAKE_RAM_PAGES ? -ENOMEM : 0;
}

void fake_last_commit(unsigned long *pages, bool *noreserve)
{
	pthread_mutex_lock(&frames_mu);
	*pages = commit_pages;
	*noreserve = commit_noreserve;
	pthread_mutex_unlock(&frames_mu);
}
