/*
 * Helpers shared by the umem tests: a real address space over host memory
 * per test, and a teardown that requires every frame back.
 */
#ifndef UMEM_TEST_H
#define UMEM_TEST_H

#include "kit_test.h"
#include "fake_hal.h"
#include "mem_test.h"
#include <linux-abi/umem.h>
#include <klib/errno.h>
#include <string.h>

#define PG 4096ul

#define ANON_PRIV   (UMEM_MAP_PRIVATE | UMEM_MAP_ANONYMOUS)
#define ANON_SHARED (UMEM_MAP_SHARED | UMEM_MAP_ANONYMOUS)
#define RW          (UMEM_PROT_READ | UMEM_PROT_WRITE)
#define AS_RW       (AS_PROT_READ | AS_PROT_WRITE | AS_PROT_USER)

struct umem_fixture {
	struct addr_space *as;
	size_t free0;
};

static inline int umem_setup(void **state)
{
	static struct umem_fixture f;

	f.free0 = mem_test_ram(16);
	assert_int_equal(as_create(&f.as), 0);
	*state = &f;
	return 0;
}

/* Destroying the space gives every frame back. */
static inline int umem_teardown(void **state)
{
	struct umem_fixture *f = *state;

	as_destroy(f->as);
	assert_int_equal(page_free_count(), f->free0);
	return 0;
}

static inline struct addr_space *fixture_as(void **state)
{
	return ((struct umem_fixture *)*state)->as;
}

struct area_at {
	uintptr_t va;
	bool found;
	uintptr_t start, end;
	unsigned prot, flags;
};

static inline enum as_visit area_at_visit(const struct as_area *a, void *ctx)
{
	struct area_at *r = ctx;

	r->found = as_area_start(a) <= r->va;
	r->start = as_area_start(a);
	r->end = as_area_end(a);
	r->prot = as_area_prot(a);
	r->flags = as_area_flags(a);
	return AS_VISIT_STOP;
}

/* The area holding va (found = false if none). */
static inline struct area_at area_at(struct addr_space *as, uintptr_t va)
{
	struct area_at r = {.va = va};

	as_visit(as, va, area_at_visit, &r);
	return r;
}

/* The protection of the area holding va; -1 if there is none. */
static inline long prot_at(struct addr_space *as, uintptr_t va)
{
	struct area_at r = area_at(as, va);

	return r.found ? (long)r.prot : -1;
}

static inline int put(struct addr_space *as, uintptr_t va, const char *s)
{
	return as_copy_to_user(as, va, s, strlen(s) + 1);
}

/* The string at va, or "<EFAULT>". */
static inline const char *get(struct addr_space *as, uintptr_t va)
{
	static char buf[64];

	if (as_copy_from_user(as, buf, va, sizeof(buf)) != 0)
		return "<EFAULT>";
	buf[sizeof(buf) - 1] = 0;
	return buf;
}

#endif
