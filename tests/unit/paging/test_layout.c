/*
 * Sv39 tables built by pt_map/pt_unmap/pt_protect, read back entry by entry
 * and compared with layouts written out by hand from the Sv39 rules:
 *   entry = PPN << 10 | D A G U X W R V   (V=0x01 R=0x02 W=0x04 X=0x08 U=0x10
 *                                          G=0x20 A=0x40 D=0x80)
 * a table entry has only V; indexes are va[38:30], va[29:21], va[20:12].
 */
#include "pt_test.h"
#include <klib/errno.h>
#include <string.h>

#define RW_LEAF 0xc7ull /* D A W R V */
#define RX_LEAF 0xcbull /* D A X R V */
#define R_LEAF  0xc3ull /* D A R V */

struct seen {
	uintptr_t va[8];
	paddr_t pa[8];
	size_t size[8];
	int n;
};

static void record(void *ctx, uintptr_t va, paddr_t pa, size_t size)
{
	struct seen *s = ctx;
	assert_true(s->n < 8);
	s->va[s->n] = va;
	s->pa[s->n] = pa;
	s->size[s->n] = size;
	s->n++;
}

static void test_three_small_pages(void **state)
{
	struct pt *pt;
	size_t free0 = pt_test_ram(8);
	(void)state;

	assert_int_equal(pt_create(&pt_format_sv39, &pt), 0);
	assert_int_equal(pt_table_pages(pt), 1);
	assert_int_equal(pt_map(pt, 0x40201000, 0x80000000, 3 * 4096, PT_READ | PT_WRITE, 0), 0);

	paddr_t root = pt_root(pt);
	assert_int_equal(raw_used(root), 1);
	uint64_t e2 = raw(root, 1);
	assert_int_equal(e2 & 0x3ff, 0x001); /* a table: V only */
	paddr_t l1 = sv_next(e2);
	assert_int_equal(raw_used(l1), 1);
	assert_int_equal(raw(l1, 1) & 0x3ff, 0x001);
	paddr_t l0 = sv_next(raw(l1, 1));
	assert_int_equal(raw_used(l0), 3);
	assert_int_equal(raw(l0, 1), 0x200000c7ull); /* PPN 0x80000 */
	assert_int_equal(raw(l0, 2), 0x200004c7ull);
	assert_int_equal(raw(l0, 3), 0x200008c7ull);
	assert_int_equal(pt_table_pages(pt), 3);
	assert_int_equal(page_free_count(), free0 - 4); /* and a heap page holds the struct pt */

	/* Unmapping the middle page keeps the tables; the last page frees them all. */
	struct seen s = {0};
	assert_int_equal(pt_unmap(pt, 0x40202000, 4096, record, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.va[0], 0x40202000);
	assert_int_equal(s.pa[0], 0x80001000);
	assert_int_equal(s.size[0], 4096);
	assert_int_equal(raw(l0, 2), 0);
	assert_int_equal(pt_table_pages(pt), 3);
	assert_int_equal(pt_unmap(pt, 0x40000000, 0x40000000, NULL, NULL), 0);
	assert_int_equal(raw_used(root), 0);
	assert_int_equal(pt_table_pages(pt), 1);
	pt_destroy(pt);
	assert_int_equal(page_free_count(), free0);
}

/*
 * [0x3fdff000, 0x80200000) -> pa + 4 GiB, huge pages allowed: one 4 KiB page,
 * one 2 MiB page, one 1 GiB page and one more 2 MiB page.
 */
static void test_mixed_page_sizes(void **state)
{
	struct pt *pt;
	size_t free0 = pt_test_ram(8);
	const uint64_t delta = 0x100000000ull, va = 0x3fdff000, end = 0x80200000;
	(void)state;

	assert_int_equal(pt_create(&pt_format_sv39, &pt), 0);
	assert_int_equal(pt_map(pt, va, va + delta, end - va, PT_READ | PT_EXEC, PT_MAP_HUGE), 0);

	paddr_t root = pt_root(pt);
	assert_int_equal(raw_used(root), 3);
	paddr_t l1a = sv_next(raw(root, 0));
	assert_int_equal(raw_used(l1a), 2);
	paddr_t l0 = sv_next(raw(l1a, 510));
	assert_int_equal(raw_used(l0), 1);
	assert_int_equal(raw(l0, 511), 0x4ff7fc00ull | RX_LEAF);  /* 4 KiB: PPN 0x13fdff */
	assert_int_equal(raw(l1a, 511), 0x4ff80000ull | RX_LEAF); /* 2 MiB: PPN 0x13fe00 */
	assert_int_equal(raw(root, 1), 0x50000000ull | RX_LEAF);  /* 1 GiB: PPN 0x140000 */
	paddr_t l1b = sv_next(raw(root, 2));
	assert_int_equal(raw_used(l1b), 1);
	assert_int_equal(raw(l1b, 0), 0x60000000ull | RX_LEAF); /* 2 MiB: PPN 0x180000 */
	assert_int_equal(pt_table_pages(pt), 4);

	paddr_t pa;
	unsigned prot;
	size_t size;
	assert_int_equal(pt_query(pt, 0x40123456, &pa, &prot, &size), 0);
	assert_int_equal(pa, 0x140123456ull);
	assert_int_equal(prot, PT_READ | PT_EXEC);
	assert_int_equal(size, 1u << 30);
	assert_int_equal(pt_query(pt, 0x3fdfe000, &pa, &prot, &size), -ENOENT);

	/* Mapping over any of it is refused and changes nothing. */
	assert_int_equal(pt_map(pt, 0x3fdfe000, 0x1000, 0x2000, PT_READ, 0), -EEXIST);
	assert_int_equal(raw(l0, 510), 0);
	assert_int_equal(pt_map(pt, 0x80000000, 0x1000, 0x200000, PT_READ, PT_MAP_HUGE), -EEXIST);
	assert_int_equal(pt_table_pages(pt), 4);

	/* Unmapping one 4 KiB page inside the 1 GiB page splits it twice. */
	struct seen s = {0};
	assert_int_equal(pt_unmap(pt, 0x40001000, 0x1000, record, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.va[0], 0x40001000);
	assert_int_equal(s.pa[0], 0x140001000ull);
	assert_int_equal(s.size[0], 0x1000);
	assert_int_equal(raw(root, 1) & 0x3ff, 0x001);
	paddr_t l1c = sv_next(raw(root, 1));
	assert_int_equal(raw_used(l1c), 512);
	assert_int_equal(raw(l1c, 1), 0x50080000ull | RX_LEAF); /* 2 MiB at 0x40200000 */
	assert_int_equal(raw(l1c, 511), 0x5ff80000ull | RX_LEAF);
	paddr_t l0c = sv_next(raw(l1c, 0));
	assert_int_equal(raw_used(l0c), 511);
	assert_int_equal(raw(l0c, 0), 0x50000000ull | RX_LEAF);
	assert_int_equal(raw(l0c, 1), 0);
	assert_int_equal(raw(l0c, 2), 0x50000800ull | RX_LEAF);
	assert_int_equal(pt_table_pages(pt), 6);

	/* Protecting one 4 KiB page of the last 2 MiB page splits that one. */
	assert_int_equal(pt_protect(pt, 0x80001000, 0x1000, PT_READ), 0);
	paddr_t l0d = sv_next(raw(l1b, 0));
	assert_int_equal(raw(l0d, 0), 0x60000000ull | RX_LEAF);
	assert_int_equal(raw(l0d, 1), 0x60000400ull | R_LEAF);
	assert_int_equal(raw(l0d, 2), 0x60000800ull | RX_LEAF);
	assert_int_equal(pt_table_pages(pt), 7);

	/* Unmap everything: every table but the root goes back. */
	s.n = 0;
	assert_int_equal(pt_unmap(pt, 0, 0x100000000ull, NULL, NULL), 0);
	assert_int_equal(raw_used(root), 0);
	assert_int_equal(pt_table_pages(pt), 1);
	pt_destroy(pt);
	assert_int_equal(page_free_count(), free0);
}

static void test_replace_and_huge_over_tables(void **state)
{
	struct pt *pt;
	size_t free0 = pt_test_ram(8);
	(void)state;

	assert_int_equal(pt_create(&pt_format_sv39, &pt), 0);
	assert_int_equal(pt_map(pt, 0x200000, 0x1000000, 0x3000, PT_READ, 0), 0);
	assert_int_equal(pt_table_pages(pt), 3);
	/* A 2 MiB page over the small ones: its table goes. */
	assert_int_equal(pt_map(pt, 0x200000, 0x4000000, 0x200000, PT_READ | PT_WRITE,
	                        PT_MAP_HUGE | PT_MAP_REPLACE),
	                 0);
	paddr_t l1 = sv_next(raw(pt_root(pt), 0));
	assert_int_equal(raw(l1, 1), (0x4000000ull >> 2) | RW_LEAF);
	assert_int_equal(pt_table_pages(pt), 2);
	/* And one small page back over the middle of it: split, then replace. */
	assert_int_equal(pt_map(pt, 0x201000, 0x7000000, 0x1000, PT_READ, PT_MAP_REPLACE), 0);
	paddr_t l0 = sv_next(raw(l1, 1));
	assert_int_equal(raw(l0, 0), (0x4000000ull >> 2) | RW_LEAF);
	assert_int_equal(raw(l0, 1), (0x7000000ull >> 2) | R_LEAF);
	assert_int_equal(raw(l0, 2), (0x4002000ull >> 2) | RW_LEAF);
	assert_int_equal(pt_table_pages(pt), 3);
	pt_destroy(pt);
	assert_int_equal(page_free_count(), free0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_three_small_pages),
	    cmocka_unit_test(test_mixed_page_sizes),
	    cmocka_unit_test(test_replace_and_huge_over_tables),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
