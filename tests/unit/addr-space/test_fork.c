/*
 * Fork: private pages copy-on-write (shared until written, then each side
 * has its own), shared pages stay shared, unfilled pages fill separately,
 * out of memory fails cleanly, and destroying both spaces returns every
 * frame. The resident-page count follows all of it.
 */
#include "as_test.h"
#include <string.h>

#define RW (AS_PROT_READ | AS_PROT_WRITE | AS_PROT_USER)

static paddr_t frame(struct addr_space *as, uintptr_t va, unsigned *prot)
{
	paddr_t pa;
	assert_int_equal(as_query(as, va, &pa, prot), 0);
	return pa & ~(paddr_t)(PG - 1);
}

static void put(struct addr_space *as, uintptr_t va, const char *s)
{
	assert_int_equal(as_copy_to_user(as, va, s, strlen(s) + 1), 0);
}

static void expect(struct addr_space *as, uintptr_t va, const char *s)
{
	char buf[32];
	assert_int_equal(as_copy_from_user(as, buf, va, strlen(s) + 1), 0);
	assert_string_equal(buf, s);
}

static void test_private_pages_are_copy_on_write(void **state)
{
	struct addr_space *p, *c;
	uintptr_t a;
	unsigned prot;
	size_t free0 = as_test_ram(16);
	(void)state;

	assert_int_equal(as_create(&p), 0);
	assert_int_equal(as_map_anon(p, 0x400000, 4 * PG, RW, AS_MAP_FIXED, &a), 0);
	put(p, a, "zero");
	put(p, a + PG, "one");
	put(p, a + 2 * PG, "two");
	paddr_t f0 = frame(p, a, NULL), f1 = frame(p, a + PG, NULL);
	size_t before = page_free_count();

	assert_int_equal(as_fork(p, &c), 0);
	/* Same frames on both sides, read-only on both, two references each. */
	assert_int_equal(frame(c, a, &prot), f0);
	assert_int_equal(prot, AS_PROT_READ | AS_PROT_USER);
	assert_int_equal(frame(p, a, &prot), f0);
	assert_int_equal(prot, AS_PROT_READ | AS_PROT_USER);
	assert_int_equal(page_ref_count(f0), 2);
	expect(c, a + 2 * PG, "two");
	/* Only tables (and heap) were allocated, no frame copies. */
	assert_true(before - page_free_count() <= 4);

	/* The child writes page 0: it gets a copy; the parent keeps the original. */
	put(c, a, "child");
	assert_true(frame(c, a, &prot) != f0);
	assert_int_equal(prot, RW);
	expect(p, a, "zero");
	expect(c, a, "child");
	assert_int_equal(page_ref_count(f0), 1);
	/* The parent writes page 0: the last reference, so no copy. */
	put(p, a, "parent");
	assert_int_equal(frame(p, a, NULL), f0);
	/* Page 1: parent writes first (copy), then the child owns the original alone. */
	put(p, a + PG, "p1");
	assert_true(frame(p, a + PG, NULL) != f1);
	put(c, a + PG, "c1");
	assert_int_equal(frame(c, a + PG, NULL), f1);
	expect(p, a + PG, "p1");
	/* A page never touched before fork fills separately on each side. */
	put(c, a + 3 * PG, "c3");
	assert_int_equal(as_query(p, a + 3 * PG, NULL, NULL), -EFAULT);
	assert_int_equal(as_fault(p, a + 3 * PG, AS_ACCESS_READ), 0);
	expect(p, a + 3 * PG, "");

	as_destroy(c);
	expect(p, a + 2 * PG, "two");
	as_destroy(p);
	assert_int_equal(page_free_count(), free0);
}

static void test_shared_pages_stay_shared(void **state)
{
	struct addr_space *p, *c, *g;
	uintptr_t a;
	unsigned prot;
	size_t free0 = as_test_ram(16);
	(void)state;

	assert_int_equal(as_create(&p), 0);
	assert_int_equal(as_map_anon(p, 0, 2 * PG, RW, AS_MAP_SHARED, &a), 0);
	put(p, a, "before");
	assert_int_equal(as_fork(p, &c), 0);
	assert_int_equal(as_fork(c, &g), 0);
	/* Nothing copied: the child's first touch maps the object's page. */
	assert_int_equal(as_query(c, a, NULL, NULL), -EFAULT);
	expect(c, a, "before");
	assert_int_equal(frame(c, a, &prot), frame(p, a, NULL));
	assert_int_equal(prot, RW); /* no copy-on-write */
	put(c, a, "from child");
	expect(p, a, "from child");
	expect(g, a, "from child");
	/* A page first touched after fork is still the same page everywhere. */
	put(g, a + PG, "late");
	expect(p, a + PG, "late");
	as_destroy(p);
	expect(c, a, "from child"); /* the object lives while any area refers to it */
	as_destroy(g);
	as_destroy(c);
	assert_int_equal(page_free_count(), free0);
}

static void test_fork_out_of_memory(void **state)
{
	struct addr_space *p, *c = NULL;
	uintptr_t a;
	static paddr_t ballast[8192];
	size_t free0 = as_test_ram(16), nb = 0;
	(void)state;

	assert_int_equal(as_create(&p), 0);
	assert_int_equal(as_map_anon(p, 0x400000, 8 * PG, RW, AS_MAP_FIXED | AS_MAP_POPULATE, &a),
	                 0);
	assert_int_equal(
	    as_map_anon(p, 0x40000000, 8 * PG, RW, AS_MAP_FIXED | AS_MAP_POPULATE, NULL), 0);
	put(p, a, "data");
	for (size_t left = 0; left < 5; left++) { /* the child needs 5 table pages */
		while (page_free_count() > left)
			ballast[nb++] = page_alloc(0);
		assert_int_equal(as_fork(p, &c), -ENOMEM);
		while (nb)
			page_free(ballast[--nb], 0);
	}
	/* The parent is as it was, and writing its pages needs no copy. */
	paddr_t f = frame(p, a, NULL);
	put(p, a, "after");
	assert_int_equal(frame(p, a, NULL), f);
	assert_int_equal(page_ref_count(f), 1);
	as_destroy(p);
	assert_int_equal(page_free_count(), free0);
}

/*
 * The resident-page count the OOM killer weighs: pages filled, copied on
 * write, shared by fork (counted on both sides) and unmapped; linear areas
 * never count. And a user copy that finds no frame says -ENOMEM, not
 * -EFAULT, so the caller can free memory and retry.
 */
static void test_resident_pages(void **state)
{
	struct addr_space *p, *c;
	static paddr_t ballast[8192];
	size_t free0 = as_test_ram(16), nb = 0;
	uintptr_t a;
	(void)state;

	assert_int_equal(as_create(&p), 0);
	assert_int_equal(as_resident_pages(p), 0);
	assert_true(as_table_pages(p) >= 1);
	assert_int_equal(as_map_anon(p, 0x400000, 8 * PG, RW, AS_MAP_FIXED, &a), 0);
	assert_int_equal(as_map_linear(p, 0x40000000, 0x80000000, 4 * PG, RW, 0), 0);
	assert_int_equal(as_resident_pages(p), 0);
	put(p, a, "zero");
	put(p, a + 2 * PG, "two");
	assert_int_equal(as_fault(p, a + 5 * PG, AS_ACCESS_READ), 0);
	assert_int_equal(as_resident_pages(p), 3);
	assert_int_equal(as_fork(p, &c), 0);
	assert_int_equal(as_resident_pages(c), 3);
	put(c, a, "child"); /* a copy replaces the shared page: still 3 */
	assert_int_equal(as_resident_pages(c), 3);
	assert_int_equal(as_resident_pages(p), 3);
	assert_int_equal(as_unmap(p, a, 3 * PG), 0);
	assert_int_equal(as_resident_pages(p), 1);
	as_destroy(c);

	while (page_free_count() > 0)
		ballast[nb++] = page_alloc(0);
	assert_int_equal(as_copy_to_user(p, a + 7 * PG, "x", 1), -ENOMEM);
	assert_int_equal(as_fault(p, a + 7 * PG, AS_ACCESS_WRITE), -ENOMEM);
	assert_int_equal(as_copy_to_user(p, 0x7000000, "x", 1), -EFAULT); /* no area: EFAULT */
	while (nb)
		page_free(ballast[--nb], 0);
	put(p, a + 7 * PG, "x");
	assert_int_equal(as_resident_pages(p), 2);
	as_destroy(p);
	assert_int_equal(page_free_count(), free0);
}

/* The one flush a change asked the hal for: by address, over [va, va + len). */
static void expect_one_range_flush(uintptr_t va, size_t len)
{
	assert_int_equal(fake_hal_flush_count, 1);
	assert_int_equal(fake_hal_flush_log[0].kind, FAKE_FLUSH_RANGE);
	assert_int_equal(fake_hal_flush_log[0].va, va);
	assert_int_equal(fake_hal_flush_log[0].len, len);
	fake_hal_flush_reset();
}

/*
 * What the active space's TLB pays for fork, copy-on-write, mprotect and
 * munmap: the pages that were mapped, by address; nothing for pages never
 * touched.
 */
static void test_flushes_by_address(void **state)
{
	struct addr_space *parent, *child;
	uintptr_t a, b;
	size_t free0 = as_test_ram(16);
	(void)state;

	assert_int_equal(as_create(&parent), 0);
	as_activate(parent);
	assert_int_equal(as_map_anon(parent, 0, 16 * PG, RW, 0, &a), 0);
	assert_int_equal(as_map_anon(parent, a - 32 * PG, PG, RW, AS_MAP_FIXED, &b), 0);
	assert_int_equal(as_fault(parent, a - 32 * PG, AS_ACCESS_WRITE),
	                 0); /* keeps the leaf table */
	assert_int_equal(as_fault(parent, a + 3 * PG, AS_ACCESS_WRITE), 0);
	assert_int_equal(as_fault(parent, a + 4 * PG, AS_ACCESS_WRITE), 0);
	fake_hal_flush_reset();
	/* fork write-protects the parent's two filled pages of the area (and the other area's one).
	 */
	assert_int_equal(as_fork(parent, &child), 0);
	assert_int_equal(fake_hal_flush_count, 2);
	assert_int_equal(fake_hal_flush_log[0].kind, FAKE_FLUSH_RANGE);
	assert_int_equal(fake_hal_flush_log[1].kind, FAKE_FLUSH_RANGE);
	assert_true(
	    (fake_hal_flush_log[0].va == a + 3 * PG && fake_hal_flush_log[0].len == 2 * PG) ||
	    (fake_hal_flush_log[1].va == a + 3 * PG && fake_hal_flush_log[1].len == 2 * PG));
	fake_hal_flush_reset();
	/* A write to a shared page: the parent gets its own copy, that page flushed. */
	assert_int_equal(as_fault(parent, a + 4 * PG, AS_ACCESS_WRITE), 0);
	expect_one_range_flush(a + 4 * PG, PG);
	/* mprotect of the whole area to read-only: only page 4 was writable (3 is still shared). */
	assert_int_equal(as_protect(parent, a, 16 * PG, AS_PROT_READ | AS_PROT_USER), 0);
	expect_one_range_flush(a + 4 * PG, PG);
	/* munmap of the whole area: the two pages that are there. */
	assert_int_equal(as_unmap(parent, a, 16 * PG), 0);
	expect_one_range_flush(a + 3 * PG, 2 * PG);
	/* Pages never touched: nothing to flush. */
	assert_int_equal(as_map_anon(parent, a, 16 * PG, RW, AS_MAP_FIXED, &b), 0);
	assert_int_equal(as_unmap(parent, a, 16 * PG), 0);
	assert_int_equal(fake_hal_flush_count, 0);
	as_activate(NULL);
	as_destroy(child);
	as_destroy(parent);
	assert_int_equal(page_free_count(), free0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_private_pages_are_copy_on_write),
	    cmocka_unit_test(test_shared_pages_stay_shared),
	    cmocka_unit_test(test_fork_out_of_memory),
	    cmocka_unit_test(test_resident_pages),
	    cmocka_unit_test(test_flushes_by_address),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
