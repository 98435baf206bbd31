/*
 * Engine behaviour beyond layouts: argument checking, "none" entries that
 * keep their frames, walking, running out of table pages without changing
 * anything, and TLB flushes reaching the hal only for tables in use.
 */
#include "pt_test.h"
#include <klib/errno.h>

static void test_bad_arguments(void **state)
{
	struct pt *pt;
	size_t free0 = pt_test_ram(4);
	(void)state;

	assert_int_equal(pt_create(NULL, &pt), -EINVAL);
	assert_int_equal(pt_create(&pt_format_sv39, &pt), 0);
	assert_int_equal(pt_map(pt, 0x1001, 0x2000, 4096, PT_READ, 0), -EINVAL);
	assert_int_equal(pt_map(pt, 0x1000, 0x2001, 4096, PT_READ, 0), -EINVAL);
	assert_int_equal(pt_map(pt, 0x1000, 0x2000, 4095, PT_READ, 0), -EINVAL);
	assert_int_equal(pt_map(pt, 0x1000, 0x2000, 0, PT_READ, 0), -EINVAL);
	assert_int_equal(pt_map(pt, 0x1000, 0x2000, 4096, PT_WRITE, 0), -EINVAL); /* W without R */
	assert_int_equal(pt_map(pt, 0x1000, 0x2000, 4096, 0x100, 0), -EINVAL);
	assert_int_equal(pt_map(pt, 0x1000, 0x2000, 4096, PT_READ, 0x80), -EINVAL);
	assert_int_equal(pt_map(pt, 0x4000000000ull, 0, 4096, PT_READ, 0),
	                 -EINVAL); /* not canonical */
	/* Across the hole between the halves. */
	assert_int_equal(pt_map(pt, 0x3ffffff000ull, 0, 0x2000, PT_READ, 0), -EINVAL);
	assert_int_equal(pt_map(pt, 0x1000, ~0ull & ~0xfffull, 0x2000, PT_READ, 0), -EINVAL);
	assert_int_equal(pt_unmap(pt, 0x1000, 0x1001, NULL, NULL), -EINVAL);
	assert_int_equal(pt_protect(pt, 0x1000, 0x1000, PT_WRITE), -EINVAL);
	assert_int_equal(pt_query(pt, 0x4000000000ull, NULL, NULL, NULL), -ENOENT);
	/* The very top page of the address space is a fine page. */
	assert_int_equal(pt_map(pt, ~0ull & ~0xfffull, 0x3000, 0x1000, PT_READ, 0), 0);
	/* Wider than the page: a one-page unmap would keep its empty table (test_kept_table). */
	assert_int_equal(pt_unmap(pt, ~0ull & ~0x1fffull, 0x2000, NULL, NULL), 0);
	assert_int_equal(pt_table_pages(pt), 1);
	pt_destroy(pt);
	assert_int_equal(page_free_count(), free0);
}

static int count_pages(void *ctx, uintptr_t va, paddr_t pa, size_t size, unsigned prot)
{
	unsigned *n = ctx;
	(void)va;
	(void)pa;
	(void)size;
	(void)prot;
	(*n)++;
	return 0;
}

struct walked {
	uintptr_t va[4];
	size_t size[4];
	unsigned prot[4];
	int n;
};

static int record(void *ctx, uintptr_t va, paddr_t pa, size_t size, unsigned prot)
{
	struct walked *w = ctx;
	(void)pa;
	w->va[w->n] = va;
	w->size[w->n] = size;
	w->prot[w->n] = prot;
	return ++w->n == 4;
}

static void test_none_entries_and_walk(void **state)
{
	struct pt *pt;
	size_t free0 = pt_test_ram(4);
	unsigned n = 0, prot;
	paddr_t pa;
	(void)state;

	assert_int_equal(pt_create(&pt_format_sv39, &pt), 0);
	assert_int_equal(pt_map(pt, 0x10000, 0x50000, 0x4000, PT_READ | PT_WRITE | PT_USER, 0), 0);
	/* No access at all: invalid to the MMU, but the frame stays in the entry. */
	assert_int_equal(pt_protect(pt, 0x11000, 0x2000, 0), 0);
	assert_int_equal(pt_query(pt, 0x11000, &pa, &prot, NULL), 0);
	assert_int_equal(pa, 0x51000);
	assert_int_equal(prot, 0);
	paddr_t l0 = sv_next(raw(sv_next(raw(pt_root(pt), 0)), 0));
	assert_int_equal(raw(l0, 0x11) & 1, 0); /* V clear */
	assert_int_equal(pt_walk(pt, 0, 0x100000, count_pages, &n), 0);
	assert_int_equal(n, 4);
	/* And back. */
	assert_int_equal(pt_protect(pt, 0x11000, 0x1000, PT_READ | PT_USER), 0);
	assert_int_equal(pt_query(pt, 0x11000, &pa, &prot, NULL), 0);
	assert_int_equal(prot, PT_READ | PT_USER);
	/* Walks report in order and stop when told. */
	assert_int_equal(pt_map(pt, 0x200000, 0x400000, 0x200000, PT_READ, PT_MAP_HUGE), 0);
	struct walked w = {0};
	assert_int_equal(pt_walk(pt, 0x11000, 0x400000, record, &w), 1);
	assert_int_equal(w.n, 4);
	assert_int_equal(w.va[0], 0x11000);
	assert_int_equal(w.prot[0], PT_READ | PT_USER);
	assert_int_equal(w.va[1], 0x12000);
	assert_int_equal(w.prot[1], 0);
	assert_int_equal(w.va[2], 0x13000);
	assert_int_equal(w.prot[2], PT_READ | PT_WRITE | PT_USER);
	assert_int_equal(w.va[3], 0x200000);
	assert_int_equal(w.size[3], 0x200000);
	assert_int_equal(pt_walk(pt, 0, 0, count_pages, &n), -EINVAL);
	pt_destroy(pt);
	assert_int_equal(page_free_count(), free0);
}

static int snapshot(void *ctx, uintptr_t va, paddr_t pa, size_t size, unsigned prot)
{
	uint64_t *h = ctx;
	*h = *h * 1000003 ^ va ^ pa * 7 ^ size * 13 ^ prot;
	return 0;
}

static uint64_t digest(struct pt *pt)
{
	uint64_t h = 1;
	assert_int_equal(pt_walk(pt, 0, 0x4000000000ull, snapshot, &h), 0);
	return h;
}

/* Leave exactly 'left' frames free; returns the ballast to give back. */
static size_t squeeze(paddr_t *ballast, size_t left)
{
	size_t n = 0;
	while (page_free_count() > left)
		ballast[n++] = page_alloc(0);
	return n;
}

/*
 * One page at a time (the page-fault path, which has a fast path of its
 * own): over an existing page or inside a huge leaf it is -EEXIST and
 * changes nothing, unless PT_MAP_REPLACE, which replaces just that page.
 */
static void test_single_page_over_mapped_pages(void **state)
{
	struct pt *pt;
	size_t free0 = pt_test_ram(4);
	paddr_t pa;
	size_t size;
	(void)state;

	assert_int_equal(pt_create(&pt_format_sv39, &pt), 0);
	assert_int_equal(pt_map(pt, 0x10000, 0x50000, 0x2000, PT_READ, 0), 0);
	assert_int_equal(pt_map(pt, 0x10000, 0x90000, 0x1000, PT_READ | PT_WRITE, 0), -EEXIST);
	assert_int_equal(pt_query(pt, 0x10000, &pa, NULL, NULL), 0);
	assert_int_equal(pa, 0x50000);
	assert_int_equal(pt_map(pt, 0x11000, 0x91000, 0x1000, PT_READ, PT_MAP_REPLACE), 0);
	assert_int_equal(pt_query(pt, 0x11000, &pa, NULL, NULL), 0);
	assert_int_equal(pa, 0x91000);
	assert_int_equal(pt_query(pt, 0x10000, &pa, NULL, NULL), 0);
	assert_int_equal(pa, 0x50000);
	/* Inside a 2 MiB leaf: refused, then replaced by splitting it. */
	assert_int_equal(pt_map(pt, 0x200000, 0x400000, 0x200000, PT_READ, PT_MAP_HUGE), 0);
	assert_int_equal(pt_map(pt, 0x201000, 0x7000, 0x1000, PT_READ, 0), -EEXIST);
	assert_int_equal(pt_query(pt, 0x201000, &pa, NULL, &size), 0);
	assert_int_equal(size, 0x200000);
	assert_int_equal(pt_map(pt, 0x201000, 0x7000, 0x1000, PT_READ, PT_MAP_REPLACE), 0);
	assert_int_equal(pt_query(pt, 0x201000, &pa, NULL, &size), 0);
	assert_int_equal(pa, 0x7000);
	assert_int_equal(size, 0x1000);
	assert_int_equal(pt_query(pt, 0x202000, &pa, NULL, NULL), 0);
	assert_int_equal(pa, 0x402000);
	/* A page where no table exists yet: the tables are made on the way down. */
	assert_int_equal(pt_map(pt, 0x40000000, 0x8000, 0x1000, PT_READ, 0), 0);
	assert_int_equal(pt_query(pt, 0x40000000, &pa, NULL, NULL), 0);
	assert_int_equal(pa, 0x8000);
	pt_destroy(pt);
	assert_int_equal(page_free_count(), free0);
}

static void test_out_of_table_pages_changes_nothing(void **state)
{
	struct pt *pt;
	size_t free0 = pt_test_ram(4);
	static paddr_t ballast[1024];
	(void)state;

	assert_int_equal(pt_create(&pt_format_sv39, &pt), 0);
	assert_int_equal(pt_map(pt, 0x40000000, 0x1000000, 0x3000, PT_READ, 0), 0);
	assert_int_equal(pt_map(pt, 0x600000, 0x2000000, 0x200000, PT_READ, PT_MAP_HUGE), 0);
	uint64_t before = digest(pt);
	size_t tables = pt_table_pages(pt);

	for (size_t left = 0; left < 4; left++) {
		/* 8 MiB + 4 KiB from 0x803ff000 needs a level-1 table and five leaf tables. */
		size_t nb = squeeze(ballast, left);
		assert_int_equal(pt_map(pt, 0x803ff000, 0x3ff000, 0x801000, PT_READ, 0), -ENOMEM);
		assert_int_equal(digest(pt), before);
		assert_int_equal(pt_table_pages(pt), tables);
		assert_int_equal(page_free_count(), left);
		/* One page under an empty root entry needs two tables: with one, the first made
		 * goes again. */
		if (left < 2) {
			assert_int_equal(pt_map(pt, 0xc0001000, 0x9000, 0x1000, PT_READ, 0),
			                 -ENOMEM);
			assert_int_equal(digest(pt), before);
			assert_int_equal(pt_table_pages(pt), tables);
			assert_int_equal(page_free_count(), left);
		}
		/* Unmapping part of the 2 MiB page needs a table to split it. */
		if (left == 0) {
			assert_int_equal(pt_unmap(pt, 0x601000, 0x1000, NULL, NULL), -ENOMEM);
			assert_int_equal(pt_protect(pt, 0x601000, 0x1000, PT_READ | PT_WRITE),
			                 -ENOMEM);
			assert_int_equal(digest(pt), before);
		}
		while (nb)
			page_free(ballast[--nb], 0);
	}
	/* With memory, the same calls work. */
	assert_int_equal(pt_map(pt, 0x5ff000, 0x3ff000, 0x2000, PT_READ, 0), -EEXIST);
	assert_int_equal(digest(pt), before);
	assert_int_equal(pt_table_pages(pt), tables);
	assert_int_equal(pt_map(pt, 0x803ff000, 0x3ff000, 0x801000, PT_READ, 0), 0);
	assert_int_equal(pt_table_pages(pt), tables + 6);
	pt_destroy(pt);
	assert_int_equal(page_free_count(), free0);
}

static void test_flushes_reach_the_hal(void **state)
{
	struct pt *a, *b;
	size_t free0 = pt_test_ram(4);
	(void)state;

	assert_int_equal(pt_create(&pt_format_sv39, &a), 0);
	assert_int_equal(pt_create(&pt_format_sv39, &b), 0);
	pt_activate(a);
	assert_int_equal(fake_hal_root, pt_root(a));
	unsigned f0 = fake_hal_flushes;
	assert_int_equal(pt_map(a, 0x1000, 0x1000, 0x1000, PT_READ, 0), 0);
	assert_int_equal(fake_hal_flushes, f0 + 1);
	assert_int_equal(pt_protect(a, 0x1000, 0x1000, PT_READ | PT_WRITE), 0);
	assert_int_equal(fake_hal_flushes, f0 + 2);
	assert_int_equal(pt_unmap(a, 0x1000, 0x1000, NULL, NULL), 0);
	assert_int_equal(fake_hal_flushes, f0 + 3);
	/* A table no CPU uses needs no flush: its activation flushes. */
	assert_int_equal(pt_map(b, 0x1000, 0x1000, 0x1000, PT_READ, 0), 0);
	assert_int_equal(pt_unmap(b, 0x1000, 0x1000, NULL, NULL), 0);
	assert_int_equal(fake_hal_flushes, f0 + 3);
	pt_activate(b);
	expect_panic(pt_destroy(b));
	assert_true(kit_test_output_has("is active"));
	pt_activate(a);
	pt_destroy(b);
	/* The CPU keeps using a, so a stays: its root and the tables its one-page unmap kept. */
	assert_int_equal(pt_table_pages(a), 3);
	assert_int_equal(page_free_count(),
	                 free0 - 4); /* its three tables, and the heap page of its struct */
}

/*
 * A table is freed when its last entry goes, however its entries came and
 * went (single pages, runs, replacements, a huge page split by an unmap),
 * and not before: each table counts its used entries, and the count must
 * follow every store.
 */
static void test_table_freed_with_its_last_entry(void **state)
{
	struct pt *pt;
	size_t free0 = pt_test_ram(4);
	(void)state;

	assert_int_equal(pt_create(&pt_format_sv39, &pt), 0);
	assert_int_equal(pt_map(pt, 0x200000, 0x200000, 0x3000, PT_READ, 0), 0);
	assert_int_equal(pt_map(pt, 0x3ff000, 0x5000, 0x1000, PT_READ, 0), 0);
	assert_int_equal(pt_map(pt, 0x201000, 0x9000, 0x2000, PT_READ | PT_WRITE, PT_MAP_REPLACE),
	                 0);
	assert_int_equal(pt_map(pt, 0x600000, 0x600000, 0x200000, PT_READ, PT_MAP_HUGE), 0);
	assert_int_equal(pt_table_pages(pt), 3); /* root, one level-1, one level-0 */
	assert_int_equal(sv_check_used(pt_root(pt), 2), 3);

	/* Page by page, in no particular order: the level-0 table goes with the last. */
	static const uint64_t order[] = {0x202000, 0x3ff000, 0x200000};
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(pt_table_pages(pt), 3);
		assert_int_equal(pt_unmap(pt, order[i], 0x1000, NULL, NULL), 0);
		sv_check_used(pt_root(pt), 2);
	}
	assert_int_equal(pt_table_pages(pt), 3); /* 0x201000 is left */
	assert_int_equal(pt_unmap(pt, 0x201000, 0x1000, NULL, NULL), 0);
	/* Empty now, and kept in place (a one-page unmap: test_kept_table). */
	assert_int_equal(pt_table_pages(pt), 3);
	assert_int_equal(sv_check_used(pt_root(pt), 2), 3);

	/* A page out of the huge one splits it: 511 entries left, then none. */
	assert_int_equal(pt_unmap(pt, 0x7ff000, 0x1000, NULL, NULL), 0);
	assert_int_equal(pt_table_pages(pt), 4);
	assert_int_equal(sv_check_used(pt_root(pt), 2), 4);
	assert_int_equal(pt_unmap(pt, 0x600000, 0x1fe000, NULL, NULL), 0);
	assert_int_equal(pt_table_pages(pt), 4);
	/* The split table empties and is kept; the one kept before goes. */
	assert_int_equal(pt_unmap(pt, 0x7fe000, 0x1000, NULL, NULL), 0);
	assert_int_equal(pt_table_pages(pt), 3);
	assert_int_equal(sv_check_used(pt_root(pt), 2), 3);
	assert_int_equal(raw(sv_next(raw(pt_root(pt), 0)), 1), 0); /* 0x200000's went */
	/* A wider unmap over it frees it, and the level-1 table it leaves empty. */
	assert_int_equal(pt_unmap(pt, 0x600000, 0x200000, NULL, NULL), 0);
	assert_int_equal(pt_table_pages(pt), 1);
	assert_int_equal(sv_check_used(pt_root(pt), 2), 1);
	pt_destroy(pt);
	assert_int_equal(page_free_count(), free0);
}

/*
 * A one-page unmap that empties a level-0 table keeps it in place, one per
 * table: mapping in its span again allocates nothing. The next table a
 * one-page unmap empties elsewhere takes its place, and the old one goes
 * with the tables above it that it leaves empty, unless it was filled again
 * meanwhile. Nothing is lost at pt_destroy.
 */
static void test_kept_table(void **state)
{
	struct pt *pt;
	size_t free0 = pt_test_ram(4), tables_free;
	(void)state;

	assert_int_equal(pt_create(&pt_format_sv39, &pt), 0);
	assert_int_equal(pt_map(pt, 0x200000, 0x5000, 0x1000, PT_READ, 0), 0);
	assert_int_equal(pt_table_pages(pt), 3);
	tables_free = page_free_count();
	for (uintptr_t va = 0x200000; va < 0x200000 + 3 * 0x1000; va += 0x1000) {
		assert_int_equal(pt_unmap(pt, va, 0x1000, NULL, NULL), 0);
		assert_int_equal(pt_query(pt, va, NULL, NULL, NULL), -ENOENT);
		assert_int_equal(pt_table_pages(pt), 3);
		assert_int_equal(sv_check_used(pt_root(pt), 2), 3);
		/* Anywhere in the kept table's 2 MiB: no table is made. */
		assert_int_equal(pt_map(pt, va + 0x1000, 0x5000, 0x1000, PT_READ, 0), 0);
		assert_int_equal(page_free_count(), tables_free);
	}
	assert_int_equal(pt_unmap(pt, 0x203000, 0x1000, NULL, NULL), 0);
	assert_int_equal(pt_map(pt, 0x200000, 0x5000, 0x1000, PT_READ, 0), 0);

	/* Another span, under another level-1 table, is kept while 0x200000 is mapped;
	 * when 0x200000's table empties it is kept instead, and the other goes with its
	 * level-1 table (root entry 1). */
	assert_int_equal(pt_map(pt, 0x40000000, 0x6000, 0x1000, PT_READ, 0), 0);
	assert_int_equal(pt_table_pages(pt), 5);
	assert_int_equal(pt_unmap(pt, 0x40000000, 0x1000, NULL, NULL), 0);
	assert_int_equal(pt_table_pages(pt), 5); /* 0x200000 is still mapped */
	assert_int_equal(pt_unmap(pt, 0x200000, 0x1000, NULL, NULL), 0);
	assert_int_equal(pt_table_pages(pt), 3);
	assert_int_equal(raw(pt_root(pt), 1), 0);
	assert_int_equal(pt_query(pt, 0x40000000, NULL, NULL, NULL), -ENOENT);

	/* The kept table filled again stays when another takes its place. */
	assert_int_equal(pt_map(pt, 0x201000, 0x6000, 0x1000, PT_READ, 0), 0);
	assert_int_equal(pt_map(pt, 0x40400000, 0x7000, 0x1000, PT_READ, 0), 0);
	assert_int_equal(pt_table_pages(pt), 5);
	assert_int_equal(pt_unmap(pt, 0x40400000, 0x1000, NULL, NULL), 0);
	assert_int_equal(pt_table_pages(pt), 5);
	assert_int_equal(pt_query(pt, 0x201000, NULL, NULL, NULL), 0);
	assert_int_equal(sv_check_used(pt_root(pt), 2), 5);
	pt_destroy(pt);
	assert_int_equal(page_free_count(), free0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bad_arguments),
	    cmocka_unit_test(test_none_entries_and_walk),
	    cmocka_unit_test(test_single_page_over_mapped_pages),
	    cmocka_unit_test(test_out_of_table_pages_changes_nothing),
	    cmocka_unit_test(test_flushes_reach_the_hal),
	    cmocka_unit_test(test_table_freed_with_its_last_entry),
	    cmocka_unit_test(test_kept_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
