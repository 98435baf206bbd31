/*
 * umem_brk as the raw brk system call: the new break, or the old one when
 * refused; pages mapped between the page-aligned old and new breaks, given
 * back when it shrinks; never below the start, never over another mapping
 * (nor the page just before it), never past the limit.
 */
#include "umem_test.h"

#define END   0x412345ul /* end of the program's data */
#define START 0x413000ul

static void test_init_and_query(void **state)
{
	struct addr_space *as = fixture_as(state);
	struct umem_brk b;

	umem_brk_init(&b, END);
	assert_int_equal(b.start, START);
	assert_int_equal(b.cur, START);
	assert_int_equal(b.limit, 0);
	/* brk(0) and anything below the start only report the break. */
	assert_int_equal(umem_brk(&b, as, 0), START);
	assert_int_equal(umem_brk(&b, as, START - 1), START);
	assert_int_equal(umem_brk(&b, as, END), START);
	assert_int_equal(umem_brk(&b, as, START), START);
	assert_int_equal(as_area_count(as), 0);
	/* An aligned end is the start itself. */
	umem_brk_init(&b, START);
	assert_int_equal(b.start, START);
}

static void test_grow_and_shrink(void **state)
{
	struct addr_space *as = fixture_as(state);
	struct umem_brk b;

	umem_brk_init(&b, END);
	/* Growing into a new page maps it, read-write, private, for the user. */
	assert_int_equal(umem_brk(&b, as, START + 10), START + 10);
	assert_int_equal(b.cur, START + 10);
	struct area_at a = area_at(as, START);
	assert_true(a.found);
	assert_int_equal(a.start, START);
	assert_int_equal(a.end, START + PG);
	assert_int_equal(a.prot, AS_RW);
	assert_false(a.flags & AS_MAP_SHARED);
	assert_int_equal(put(as, START, "heap"), 0);
	/* Within the same page: only the number moves. */
	assert_int_equal(umem_brk(&b, as, START + PG), START + PG);
	assert_int_equal(area_at(as, START).end, START + PG);
	/* Several pages at once; the area stays one. */
	assert_int_equal(umem_brk(&b, as, START + 3 * PG + 5), START + 3 * PG + 5);
	assert_int_equal(as_area_count(as), 1);
	assert_int_equal(area_at(as, START).end, START + 4 * PG);
	assert_int_equal(put(as, START + 3 * PG, "top"), 0);
	assert_int_equal(put(as, START + 4 * PG, "x"), -EFAULT);
	/* Shrinking unmaps the whole pages above the new break. */
	assert_int_equal(umem_brk(&b, as, START + PG + 1), START + PG + 1);
	assert_int_equal(area_at(as, START).end, START + 2 * PG);
	assert_int_equal(put(as, START + 2 * PG, "x"), -EFAULT);
	assert_string_equal(get(as, START), "heap");
	/* Growing again gives fresh zero pages. */
	assert_int_equal(umem_brk(&b, as, START + 4 * PG), START + 4 * PG);
	assert_string_equal(get(as, START + 3 * PG), "");
	/* Back to the start: nothing left mapped. */
	assert_int_equal(umem_brk(&b, as, START), START);
	assert_int_equal(as_area_count(as), 0);
	assert_int_equal(umem_brk(&b, as, 0), START);
}

static void test_refuses_to_overlap(void **state)
{
	struct addr_space *as = fixture_as(state);
	uintptr_t other = START + 10 * PG;
	struct umem_brk b;

	umem_brk_init(&b, START);
	assert_int_equal(umem_mmap(as, other, PG, RW, ANON_PRIV | UMEM_MAP_FIXED, NULL, 0),
	                 (long)other);
	assert_int_equal(put(as, other, "other"), 0);
	/* Up to the mapping, or to the page just before it: refused, the old break returned. */
	assert_int_equal(umem_brk(&b, as, other + 5 * PG), START);
	assert_int_equal(umem_brk(&b, as, other), START);
	assert_int_equal(umem_brk(&b, as, other - PG + 1), START);
	assert_int_equal(as_area_count(as), 1);
	/* One free page before it is enough. */
	assert_int_equal(umem_brk(&b, as, other - PG), other - PG);
	assert_string_equal(get(as, other), "other");
	assert_int_equal(as_area_count(as), 2);
	assert_int_equal(umem_brk(&b, as, other - PG + 1), other - PG);
	/* A mapping placed inside the break's way later blocks it the same. */
	assert_int_equal(umem_brk(&b, as, START), START);
	assert_int_equal(umem_mmap(as, START + 2 * PG, PG, RW, ANON_PRIV | UMEM_MAP_FIXED, NULL, 0),
	                 (long)(START + 2 * PG));
	assert_int_equal(umem_brk(&b, as, START + 3 * PG), START);
	assert_int_equal(umem_brk(&b, as, START + PG), START + PG);
}

static void test_shrink_needs_an_area(void **state)
{
	struct addr_space *as = fixture_as(state);
	struct umem_brk b;

	umem_brk_init(&b, START);
	assert_int_equal(umem_brk(&b, as, START + 4 * PG), START + 4 * PG);
	/* The program unmapped its heap's top itself. */
	assert_int_equal(umem_munmap(as, START + 2 * PG, 2 * PG), 0);
	/* Linux refuses to shrink over a range with no mapping at all... */
	assert_int_equal(umem_brk(&b, as, START + 2 * PG), START + 4 * PG);
	/* ...but not one with some mapping in it. */
	assert_int_equal(umem_brk(&b, as, START + PG), START + PG);
	assert_int_equal(area_at(as, START).end, START + PG);
}

static void test_limit(void **state)
{
	struct addr_space *as = fixture_as(state);
	uintptr_t top = as_user_top();
	struct umem_brk b;

	umem_brk_init(&b, START);
	b.limit = START + 2 * PG;
	assert_int_equal(umem_brk(&b, as, START + 2 * PG + 1), START);
	assert_int_equal(umem_brk(&b, as, START + 2 * PG), START + 2 * PG);
	assert_int_equal(umem_brk(&b, as, START + 3 * PG), START + 2 * PG);
	/* No limit: the top of user space, and no overflow near the end of the addresses. */
	b.limit = 0;
	assert_int_equal(umem_brk(&b, as, top + 1), START + 2 * PG);
	assert_int_equal(umem_brk(&b, as, UINTPTR_MAX), START + 2 * PG);
	assert_int_equal(umem_brk(&b, as, UINTPTR_MAX - PG + 2), START + 2 * PG);
	/* A limit beyond the top is the top (past RAM: vm.overcommit_memory 1 lets it grow). */
	b.limit = UINTPTR_MAX;
	assert_int_equal(umem_brk(&b, as, top + 1), START + 2 * PG);
	assert_int_equal(umem_brk(&b, as, top), START + 2 * PG);
	assert_int_equal(page_set_overcommit_mode(PAGE_OVERCOMMIT_ALWAYS), 0);
	assert_int_equal(umem_brk(&b, as, top), top);
	assert_int_equal(page_set_overcommit_mode(PAGE_OVERCOMMIT_GUESS), 0);
	assert_int_equal(area_at(as, top - PG).end, top);
	assert_int_equal(umem_brk(&b, as, START), START);
	assert_int_equal(as_area_count(as), 0);
}

static void test_brk_and_fork(void **state)
{
	struct addr_space *p = fixture_as(state), *c;
	struct umem_brk b, cb;

	umem_brk_init(&b, START);
	assert_int_equal(umem_brk(&b, p, START + 2 * PG), START + 2 * PG);
	assert_int_equal(put(p, START, "parent"), 0);
	assert_int_equal(as_fork(p, &c), 0);
	cb = b;
	/* The child's heap is its own copy. */
	assert_int_equal(put(c, START, "child"), 0);
	assert_string_equal(get(p, START), "parent");
	assert_int_equal(umem_brk(&cb, c, START), START);
	assert_string_equal(get(p, START + PG), "");
	assert_int_equal(umem_brk(&b, p, START + 3 * PG), START + 3 * PG);
	as_destroy(c);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, umem_setup, umem_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_init_and_query),       T(test_grow_and_shrink), T(test_refuses_to_overlap),
	    T(test_shrink_needs_an_area), T(test_limit),           T(test_brk_and_fork),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
