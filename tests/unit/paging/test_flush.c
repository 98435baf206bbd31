/*
 * Which TLB flushes a change to a table asks the hal for (the fake hal
 * logs them): only the leaves that changed, by address, in the table's
 * address space; the whole space only when a table page was freed; the
 * kernel's table in every space; nothing when nothing changed.
 */
#include "pt_test.h"

#define RW (PT_READ | PT_WRITE)

static void expect_flush(unsigned i, enum fake_flush_kind kind, unsigned asid, uintptr_t va,
                         size_t len)
{
	const struct fake_flush *f = &fake_hal_flush_log[i];

	assert_true(i < fake_hal_flush_count);
	assert_int_equal(f->kind, kind);
	assert_int_equal(f->asid, asid);
	if (kind == FAKE_FLUSH_RANGE) {
		assert_int_equal(f->va, va);
		assert_int_equal(f->len, len);
	}
}

static void test_unmap_flushes_what_was_there(void **state)
{
	struct pt *pt;
	size_t free0 = pt_test_ram(4);
	(void)state;

	assert_int_equal(pt_create(&pt_format_sv39, &pt), 0);
	pt_activate(pt);
	unsigned asid = fake_hal_asid;
	assert_true(asid != 0); /* the kernel's */
	fake_hal_flush_reset();
	/* Nothing mapped (a shmat never touched): nothing to flush. */
	assert_int_equal(pt_unmap(pt, 0x100000, 0x40000, NULL, NULL), 0);
	assert_int_equal(fake_hal_flush_count, 0);

	assert_int_equal(pt_map(pt, 0x1000, 0x1000, 0x3000, PT_READ, 0), 0);
	assert_int_equal(pt_map(pt, 0x10000, 0x10000, 0x1000, PT_READ, 0), 0); /* keeps the table */
	fake_hal_flush_reset();
	assert_int_equal(pt_unmap(pt, 0, 0x8000, NULL, NULL), 0);
	assert_int_equal(fake_hal_flush_count, 1);
	expect_flush(0, FAKE_FLUSH_RANGE, asid, 0x1000, 0x3000);

	/* mprotect of a range with one present page: that page. Again: nothing changes. */
	fake_hal_flush_reset();
	assert_int_equal(pt_protect(pt, 0, 0x20000, RW), 0);
	assert_int_equal(fake_hal_flush_count, 1);
	expect_flush(0, FAKE_FLUSH_RANGE, asid, 0x10000, 0x1000);
	assert_int_equal(pt_protect(pt, 0, 0x20000, RW), 0);
	assert_int_equal(fake_hal_flush_count, 1);

	/* The last page of the leaf table by a one-page unmap: the empty table
	 * stays in place (paging's kept table), so that page only. */
	fake_hal_flush_reset();
	assert_int_equal(pt_unmap(pt, 0x10000, 0x1000, NULL, NULL), 0);
	assert_int_equal(fake_hal_flush_count, 1);
	expect_flush(0, FAKE_FLUSH_RANGE, asid, 0x10000, 0x1000);

	/* A wider unmap frees the table, and a per-address flush does not drop
	 * cached table entries: the whole space. */
	fake_hal_flush_reset();
	assert_int_equal(pt_unmap(pt, 0, 0x200000, NULL, NULL), 0);
	assert_int_equal(fake_hal_flush_count, 1);
	expect_flush(0, FAKE_FLUSH_ASID, asid, 0, 0);
	pt_activate(NULL);
	pt_destroy(pt);
	assert_int_equal(page_free_count(), free0);
}

static void test_inactive_table_flushes_nothing(void **state)
{
	struct pt *pt;
	(void)state;

	pt_test_ram(4);
	assert_int_equal(pt_create(&pt_format_sv39, &pt), 0);
	pt_activate(NULL);
	fake_hal_flush_reset();
	assert_int_equal(pt_map(pt, 0x1000, 0x1000, 0x1000, PT_READ, 0), 0);
	assert_int_equal(pt_protect(pt, 0x1000, 0x1000, RW), 0);
	assert_int_equal(pt_unmap(pt, 0x1000, 0x1000, NULL, NULL), 0);
	assert_int_equal(fake_hal_flush_count, 0);
	pt_destroy(pt);
}

/* With ids a space's entries outlive its switch-out: a change to it while
 * another space runs flushes under its own id, and switching back flushes
 * nothing. */
static void test_inactive_table_that_ran_flushes_under_its_id(void **state)
{
	struct pt *a, *b;
	(void)state;

	pt_test_ram(4);
	assert_int_equal(pt_create(&pt_format_sv39, &a), 0);
	assert_int_equal(pt_create(&pt_format_sv39, &b), 0);
	pt_activate(a);
	unsigned id_a = fake_hal_asid;
	assert_int_equal(pt_map(a, 0x1000, 0x1000, 0x2000, PT_READ, 0), 0);
	pt_activate(b);
	assert_true(fake_hal_asid != id_a);
	fake_hal_flush_reset();
	assert_int_equal(pt_protect(a, 0x2000, 0x1000, RW), 0);
	assert_int_equal(fake_hal_flush_count, 1);
	expect_flush(0, FAKE_FLUSH_RANGE, id_a, 0x2000, 0x1000);
	pt_activate(a);
	assert_int_equal(fake_hal_asid, id_a);
	assert_int_equal(fake_hal_flush_count, 1);
	/* Torn down: never run again, so its unmaps flush nothing. */
	pt_activate(b);
	expect_panic(pt_retire(b));
	pt_retire(a);
	fake_hal_flush_reset();
	assert_int_equal(pt_unmap(a, 0, 0x4000, NULL, NULL), 0);
	assert_int_equal(fake_hal_flush_count, 0);
	expect_panic(pt_activate(a));
	assert_true(kit_test_output_has("was retired"));
	pt_activate(NULL);
	pt_destroy(a);
	pt_destroy(b);
}

static void test_kernel_table_flushes_every_space(void **state)
{
	struct pt *k;
	uintptr_t va = 0xffffffc000000000ul;
	(void)state;

	pt_test_ram(4);
	assert_int_equal(pt_create(&pt_format_sv39, &k), 0);
	pt_set_kernel(k);
	fake_hal_flush_reset();
	assert_int_equal(pt_map(k, va, 0x1000, 0x2000, RW | PT_GLOBAL, 0), 0);
	assert_int_equal(pt_protect(k, va, 0x1000, PT_READ | PT_GLOBAL), 0);
	assert_int_equal(fake_hal_flush_count, 2);
	expect_flush(1, FAKE_FLUSH_RANGE, HAL_TLB_ANY_ASID, va, 0x1000);
	pt_set_kernel(NULL);
	pt_destroy(k);
}

/*
 * With several CPUs a change reaches the TLBs of the CPUs that may cache
 * the table and no others (the fake hal plays the CPUs: fake_hal_cpu).
 * With ids a CPU that switched away keeps its entries, so it stays in the
 * set; without, its switch flushed them, so it leaves.
 */
static void test_flush_reaches_the_cpus_of_the_table(void **state)
{
	struct pt *a;
	hal_cpumask_t both = HAL_CPU_BIT(0) | HAL_CPU_BIT(2);
	(void)state;

	pt_test_ram(4);
	for (int no_ids = 0; no_ids < 2; no_ids++) {
		fake_hal_no_asids = no_ids;
		assert_int_equal(pt_create(&pt_format_sv39, &a), 0);
		assert_int_equal(pt_map(a, 0x1000, 0x1000, 0x2000, PT_READ, 0), 0);
		fake_hal_flush_reset();
		assert_int_equal(pt_protect(a, 0x1000, 0x1000, RW), 0);
		assert_int_equal(fake_hal_flush_count, 0); /* never ran anywhere */
		fake_hal_cpu = 2;
		pt_activate(a);
		fake_hal_cpu = 0;
		pt_activate(a);
		unsigned id = fake_hal_asid;
		assert_true(no_ids ? id == 0 : id != 0);
		fake_hal_flush_reset();
		assert_int_equal(pt_protect(a, 0x2000, 0x1000, RW), 0);
		assert_int_equal(fake_hal_flush_count, 1);
		expect_flush(0, FAKE_FLUSH_RANGE, id, 0x2000, 0x1000);
		assert_int_equal(fake_hal_flush_log[0].cpus, both);
		/* A page where nothing was: no CPU holds it as valid, only this one's TLB is
		 * told (in case it cached the entry invalid). Replacing it: every CPU's. */
		fake_hal_flush_reset();
		assert_int_equal(pt_map(a, 0x3000, 0x3000, 0x1000, PT_READ, 0), 0);
		assert_int_equal(fake_hal_flush_count, 1);
		expect_flush(0, FAKE_FLUSH_RANGE, HAL_TLB_ANY_ASID, 0x3000, 0x1000);
		assert_int_equal(fake_hal_flush_log[0].cpus, HAL_CPU_BIT(0));
		assert_int_equal(pt_map(a, 0x3000, 0x4000, 0x1000, PT_READ, PT_MAP_REPLACE), 0);
		assert_int_equal(fake_hal_flush_count, 2);
		expect_flush(1, FAKE_FLUSH_RANGE, id, 0x3000, 0x1000);
		assert_int_equal(fake_hal_flush_log[1].cpus, both);
		/* CPU 0 switches away (the host's one per-CPU slot is CPU 0's). */
		pt_activate(NULL);
		fake_hal_flush_reset();
		assert_int_equal(pt_unmap(a, 0x1000, 0x1000, NULL, NULL), 0);
		assert_int_equal(fake_hal_flush_count, 1);
		expect_flush(0, FAKE_FLUSH_RANGE, id, 0x1000, 0x1000);
		assert_int_equal(fake_hal_flush_log[0].cpus, no_ids ? HAL_CPU_BIT(2) : both);
		pt_destroy(a);
	}
	fake_hal_no_asids = false;
}

/*
 * A range that starts under an empty root entry and runs on into one with a
 * page (Sv39's root entries span 1 GiB): the page goes, and is flushed. Only
 * a range wholly under one empty root entry is skipped untouched.
 */
static void test_unmap_from_an_empty_root_entry_into_a_used_one(void **state)
{
	const uintptr_t gib = (uintptr_t)1 << 30;
	struct pt *pt;
	size_t free0 = pt_test_ram(4);
	(void)state;

	assert_int_equal(pt_create(&pt_format_sv39, &pt), 0);
	pt_activate(pt);
	unsigned asid = fake_hal_asid;
	assert_int_equal(pt_map(pt, 2 * gib, 0x200000, 0x1000, PT_READ, 0), 0);
	assert_int_equal(pt_map(pt, 2 * gib + 0x10000, 0x210000, 0x1000, PT_READ, 0), 0);
	fake_hal_flush_reset();
	assert_int_equal(pt_unmap(pt, gib, 0x1000, NULL, NULL), 0); /* all under an empty entry */
	assert_int_equal(fake_hal_flush_count, 0);
	assert_int_equal(pt_unmap(pt, 2 * gib - 0x1000, 0x2000, NULL, NULL), 0);
	assert_int_equal(pt_query(pt, 2 * gib, NULL, NULL, NULL), -ENOENT);
	assert_int_equal(pt_query(pt, 2 * gib + 0x10000, NULL, NULL, NULL), 0);
	assert_int_equal(fake_hal_flush_count, 1);
	expect_flush(0, FAKE_FLUSH_RANGE, asid, 2 * gib, 0x1000);
	pt_activate(NULL);
	pt_destroy(pt);
	assert_int_equal(page_free_count(), free0);
}

/* Each frame goes back only once a flush has covered it (another CPU may still use it until). */
static unsigned released, released_unflushed;

static void release_after_flush(void *ctx, uintptr_t va, paddr_t pa, size_t size)
{
	const struct fake_flush *f = &fake_hal_flush_log[fake_hal_flush_count - 1];
	(void)ctx, (void)pa, (void)size;

	released++;
	if (fake_hal_flush_count == 0 || fake_hal_flush_count > FAKE_HAL_FLUSH_LOG ||
	    (f->kind == FAKE_FLUSH_RANGE && (va < f->va || va >= f->va + f->len)))
		released_unflushed++;
}

static void test_unmap_releases_frames_after_the_flush(void **state)
{
	struct pt *pt;
	size_t free0 = pt_test_ram(4);
	(void)state;

	assert_int_equal(pt_create(&pt_format_sv39, &pt), 0);
	pt_activate(pt);
	assert_int_equal(pt_map(pt, 0x100000, 0x100000, 40 * 0x1000, PT_READ, 0), 0);
	/* A page beyond keeps the table. */
	assert_int_equal(pt_map(pt, 0x400000, 0x400000, 0x1000, PT_READ, 0), 0);
	fake_hal_flush_reset();
	released = released_unflushed = 0;
	assert_int_equal(pt_unmap(pt, 0x100000, 40 * 0x1000, release_after_flush, NULL), 0);
	assert_int_equal(released, 40);
	assert_int_equal(released_unflushed, 0);
	/* One page (the one-page path): with other pages in its table, then as the
	 * table's last, which keeps the empty table: that page's flush both times. */
	assert_int_equal(pt_map(pt, 0x100000, 0x100000, 0x2000, PT_READ, 0), 0);
	fake_hal_flush_reset();
	assert_int_equal(pt_unmap(pt, 0x100000, 0x1000, release_after_flush, NULL), 0);
	assert_int_equal(released, 41);
	assert_int_equal(fake_hal_flush_log[0].kind, FAKE_FLUSH_RANGE);
	fake_hal_flush_reset();
	assert_int_equal(pt_unmap(pt, 0x101000, 0x1000, release_after_flush, NULL), 0);
	assert_int_equal(released, 42);
	assert_int_equal(fake_hal_flush_log[0].kind, FAKE_FLUSH_RANGE);
	assert_int_equal(released_unflushed, 0);
	pt_activate(NULL);
	pt_destroy(pt);
	assert_int_equal(page_free_count(), free0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_unmap_flushes_what_was_there),
	    cmocka_unit_test(test_flush_reaches_the_cpus_of_the_table),
	    cmocka_unit_test(test_unmap_releases_frames_after_the_flush),
	    cmocka_unit_test(test_unmap_from_an_empty_root_entry_into_a_used_one),
	    cmocka_unit_test(test_inactive_table_flushes_nothing),
	    cmocka_unit_test(test_inactive_table_that_ran_flushes_under_its_id),
	    cmocka_unit_test(test_kernel_table_flushes_every_space),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
