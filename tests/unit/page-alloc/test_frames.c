/*
 * The buddy allocator on host memory: counts, alignment, exhaustion and
 * recovery, splitting and coalescing, reference counts, and the panics that
 * name a double free or a foreign address.
 */
#include "kit_test.h"
#include "fake_hal.h"
#include <klib/errno.h>
#include <page-alloc/page_alloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RANGE_PAGES 4096u /* 16 MiB */

static paddr_t base;

static int setup(void **state)
{
	(void)state;
	page_alloc_reset();
	base = (paddr_t)(uintptr_t)fake_hal_ram(RANGE_PAGES * PAGE_SIZE, 16u << 20);
	assert_int_equal(page_alloc_add_range(base, RANGE_PAGES * PAGE_SIZE), 0);
	return 0;
}

/* Frames the metadata takes: 32 bytes per frame, rounded up to pages. */
static size_t meta_pages(size_t pages)
{
	return (pages * 32 + PAGE_SIZE - 1) / PAGE_SIZE;
}

static void test_counts(void **state)
{
	(void)state;
	assert_int_equal(page_total_count(), RANGE_PAGES - meta_pages(RANGE_PAGES));
	assert_int_equal(page_free_count(), page_total_count());
	/* The metadata pages are not handed out, and not "managed" frames. */
	assert_false(page_is_managed(base));
	assert_true(page_is_managed(base + RANGE_PAGES * PAGE_SIZE - PAGE_SIZE));
	assert_false(page_is_managed(base + RANGE_PAGES * PAGE_SIZE));
}

static int cmp_pa(const void *a, const void *b)
{
	paddr_t x = *(const paddr_t *)a, y = *(const paddr_t *)b;
	return x < y ? -1 : x > y;
}

static void test_exhaustion_and_recovery(void **state)
{
	size_t total = page_total_count(), n = 0;
	paddr_t *got = calloc(total + 1, sizeof(paddr_t)), pa;
	(void)state;

	while ((pa = page_alloc(0)) != PADDR_NONE) {
		assert_true(n < total);
		assert_true(pa >= base + meta_pages(RANGE_PAGES) * PAGE_SIZE);
		assert_true(pa < base + RANGE_PAGES * PAGE_SIZE);
		assert_int_equal(pa % PAGE_SIZE, 0);
		got[n++] = pa;
	}
	assert_int_equal(n, total);
	assert_int_equal(page_free_count(), 0);
	/* Out of memory is an answer, not a crash, for every order. */
	assert_true(page_alloc(0) == PADDR_NONE);
	assert_true(page_alloc(5) == PADDR_NONE);
	assert_true(page_alloc_zeroed(0) == PADDR_NONE);
	qsort(got, n, sizeof(paddr_t), cmp_pa);
	for (size_t i = 1; i < n; i++)
		assert_true(got[i] != got[i - 1]); /* each frame handed out once */

	/* Free in a scrambled order: everything must coalesce again. */
	for (size_t i = 0; i < n; i++) {
		size_t j = (i * 7919) % n;
		paddr_t t = got[i];
		got[i] = got[j];
		got[j] = t;
	}
	for (size_t i = 0; i < n; i++)
		page_free(got[i], 0);
	assert_int_equal(page_free_count(), total);
	/* The range is 16 MiB aligned: after coalescing, 2^11-page blocks exist again
	 * (the top 8 MiB half has no metadata in it). */
	pa = page_alloc(11);
	assert_true(pa != PADDR_NONE);
	assert_int_equal(pa, base + (RANGE_PAGES / 2) * PAGE_SIZE);
	page_free(pa, 11);
	free(got);
}

static void test_alignment(void **state)
{
	paddr_t blocks[10];
	(void)state;

	for (unsigned k = 0; k < 10; k++) {
		blocks[k] = page_alloc(k);
		assert_true(blocks[k] != PADDR_NONE);
		assert_int_equal(blocks[k] % (PAGE_SIZE << k), 0);
	}
	for (unsigned k = 0; k < 10; k++)
		page_free(blocks[k], k);
	assert_int_equal(page_free_count(), page_total_count());
	/* Larger than the allocator's biggest order, or than any free block. */
	assert_true(page_alloc(PAGE_MAX_ORDER + 1) == PADDR_NONE);
	assert_true(page_alloc(12) == PADDR_NONE);
}

static void test_split_and_coalesce(void **state)
{
	size_t free0 = page_free_count();
	(void)state;

	/* Two order-0 frames from one split are buddies: adjacent, the lower first. */
	paddr_t a = page_alloc(0), b = page_alloc(0);
	assert_int_equal(b, a + PAGE_SIZE);
	assert_int_equal(a % (2 * PAGE_SIZE), 0);
	assert_int_equal(page_free_count(), free0 - 2);
	/* Freeing both merges them: an order-1 block at a comes out next. */
	page_free(a, 0);
	page_free(b, 0);
	page_drain_cached(); /* with per-CPU lists (SMP) they wait there until drained */
	assert_int_equal(page_alloc(1), a);
	page_free(a, 1);
	/* Freeing only one leaves the pair split: order 1 comes from elsewhere. */
	a = page_alloc(0);
	b = page_alloc(0);
	page_free(a, 0);
	paddr_t c = page_alloc(1);
	assert_true(c != a);
	assert_int_equal(page_alloc(0), a); /* the lone half is reused first */
	page_free(a, 0);
	page_free(b, 0);
	page_free(c, 1);
	assert_int_equal(page_free_count(), free0);
	/* And the whole upper half merged back into one block. */
	paddr_t big = page_alloc(11);
	assert_true(big != PADDR_NONE);
	page_free(big, 11);
}

static void test_zeroed(void **state)
{
	(void)state;
	paddr_t pa = page_alloc(2);
	memset(page_to_virt(pa), 0xaa, 4 * PAGE_SIZE);
	page_free(pa, 2);
	paddr_t z = page_alloc_zeroed(2);
	assert_int_equal(z, pa); /* the same block comes back, cleaned */
	for (size_t i = 0; i < 4 * PAGE_SIZE; i++)
		assert_int_equal(((unsigned char *)page_to_virt(z))[i], 0);
	assert_ptr_equal(page_to_virt(z), (void *)(uintptr_t)z);
	assert_int_equal(page_from_virt(page_to_virt(z)), z);
	page_free(z, 2);
}

/*
 * page_free_zeroed: the frame stays free and counted, page_alloc_zeroed takes
 * it first (plain page_alloc does not), and a request that finds no block
 * merges such frames back; a frame freed as zeroed that is not is caught.
 */
static void test_freed_zeroed(void **state)
{
	size_t total = page_total_count(), n = 0;
	paddr_t *got = calloc(total + 1, sizeof(paddr_t)), a, b, pa;
	(void)state;

	a = page_alloc(0);
	b = page_alloc(0);
	assert_int_equal(b, a + PAGE_SIZE);
	page_free_zeroed(a, 0);
	assert_int_equal(page_free_count(), total - 1);
	pa = page_alloc(0);
	assert_true(pa != a); /* a plain request leaves it for a zeroed one */
	page_free(pa, 0);
	assert_int_equal(page_alloc_zeroed(0), a);
	for (size_t i = 0; i < PAGE_SIZE; i++)
		assert_int_equal(((unsigned char *)page_to_virt(a))[i], 0);
#ifdef CONFIG_PAGE_ALLOC_DEBUG
	((unsigned char *)page_to_virt(a))[100] = 1;
	page_free_zeroed(a, 0);
	expect_panic(page_alloc_zeroed(0));
	assert_true(kit_test_output_has("freed as zeroed"));
	((unsigned char *)page_to_virt(a))[100] = 0;
#endif
	page_free(a, 0);
	page_free(b, 0);
	assert_int_equal(page_free_count(), total);

#if !(defined(CONFIG_SMP) && defined(CONFIG_PAGE_ALLOC_PCP_HIGH) && CONFIG_PAGE_ALLOC_PCP_HIGH > 0)
	/* A buddy freed next to a zeroed frame leaves it on the zeroed list, unmerged: a plain
	 * request gets the buddy, a zeroed one the zeroed frame. (With per-CPU lists single
	 * frames go there, unmerged anyway: test_pcp.c.) */
	a = page_alloc(0);
	b = page_alloc(0);
	assert_int_equal(b, a + PAGE_SIZE);
	assert_int_equal(a % (2 * PAGE_SIZE), 0);
	page_free_zeroed(a, 0);
	page_free(b, 0);
	assert_int_equal(page_free_count(), total);
	assert_int_equal(page_alloc(0), b);
	assert_int_equal(page_alloc_zeroed(0), a);
	page_free(a, 0);
	page_free(b, 0);
	assert_int_equal(page_free_count(), total);
#endif

	/* Out of memory but for two buddies freed as zeroed: an order-1 request merges them. */
	while ((pa = page_alloc(0)) != PADDR_NONE)
		got[n++] = pa;
	for (size_t i = 0; i < n; i++)
		if (got[i] % (2 * PAGE_SIZE) == 0 && i + 1 < n &&
		    got[i + 1] == got[i] + PAGE_SIZE) {
			a = got[i];
			got[i] = got[i + 1] = PADDR_NONE;
			break;
		}
	page_free_zeroed(a + PAGE_SIZE, 0);
	page_free_zeroed(a, 0);
	assert_int_equal(page_free_count(), 2);
	assert_int_equal(page_alloc(1), a);
	page_free(a, 1);
	for (size_t i = 0; i < n; i++)
		if (got[i] != PADDR_NONE)
			page_free(got[i], 0);
	assert_int_equal(page_free_count(), total);
	free(got);
}

static void test_refcounts(void **state)
{
	size_t free0 = page_free_count();
	(void)state;

	paddr_t pa = page_alloc(0);
	assert_int_equal(page_ref_count(pa), 1);
	page_ref_get(pa);
	page_ref_get(pa);
	assert_int_equal(page_ref_count(pa), 3);
	assert_false(page_ref_put(pa));
	assert_false(page_ref_put(pa));
	assert_int_equal(page_free_count(), free0 - 1);
	assert_true(page_ref_put(pa)); /* the last one frees it */
	assert_int_equal(page_free_count(), free0);
	assert_int_equal(page_ref_count(pa), 0);
	/* A block's reference count is its first frame's; the last put frees it all. */
	paddr_t blk = page_alloc(3);
	page_ref_get(blk);
	assert_false(page_ref_put(blk));
	assert_true(page_ref_put(blk));
	assert_int_equal(page_free_count(), free0);
	/* page_free ignores the count. */
	pa = page_alloc(0);
	page_ref_get(pa);
	page_free(pa, 0);
	assert_int_equal(page_free_count(), free0);
}

static void test_misuse_panics_naming_the_address(void **state)
{
	char name[64];
	(void)state;

	paddr_t pa = page_alloc(0);
	page_free(pa, 0);
	expect_panic(page_free(pa, 0));
	snprintf(name, sizeof(name), "%#llx is free (double free?)", (unsigned long long)pa);
	assert_true(kit_test_output_has(name));
	expect_panic(page_ref_get(pa));
	assert_true(kit_test_output_has("page_ref_get: "));
	expect_panic(page_ref_put(pa));
	assert_true(kit_test_output_has("page_ref_put: "));

	static char foreign[8192];
	paddr_t f = ((paddr_t)(uintptr_t)foreign + PAGE_SIZE - 1) & ~(paddr_t)(PAGE_SIZE - 1);
	expect_panic(page_free(f, 0));
	snprintf(name, sizeof(name), "%#llx is not a frame the allocator manages",
	         (unsigned long long)f);
	assert_true(kit_test_output_has(name));

	paddr_t blk = page_alloc(2);
	expect_panic(page_free(blk + PAGE_SIZE, 0));
	assert_true(kit_test_output_has("is not the start of an allocated block"));
	expect_panic(page_free(blk, 1));
	assert_true(kit_test_output_has("is a block of order 2, freed as order 1"));
	expect_panic(page_free(blk + 12, 2));
	assert_true(kit_test_output_has("is not a frame the allocator manages"));
	void *obj = kmalloc(32);
	expect_panic(page_free(page_from_virt(obj) & ~(paddr_t)(PAGE_SIZE - 1), 0));
	assert_true(kit_test_output_has("belongs to the heap"));
	kfree(obj);
	page_free(blk, 2);
	/* The allocator still works after the caught panics. */
	assert_int_equal(page_free_count(), page_total_count());
	assert_true(page_alloc(0) != PADDR_NONE);
}

static void test_add_range_errors(void **state)
{
	(void)state;
	paddr_t more = (paddr_t)(uintptr_t)fake_hal_ram(64 * PAGE_SIZE, PAGE_SIZE);
	size_t total = page_total_count();

	assert_int_equal(page_alloc_add_range(more + 1, 16 * PAGE_SIZE), -EINVAL);
	assert_int_equal(page_alloc_add_range(more, 16 * PAGE_SIZE + 5), -EINVAL);
	assert_int_equal(page_alloc_add_range(more, PAGE_SIZE),
	                 -EINVAL); /* no room beyond metadata */
	assert_int_equal(page_alloc_add_range(base + PAGE_SIZE, 16 * PAGE_SIZE), -EEXIST);
	assert_int_equal(page_alloc_add_range(~(paddr_t)(PAGE_SIZE - 1) - PAGE_SIZE, PAGE_SIZE * 4),
	                 -EINVAL);
	assert_int_equal(page_total_count(), total);
	assert_int_equal(page_alloc_add_range(more, 64 * PAGE_SIZE), 0);
	assert_int_equal(page_total_count(), total + 63);
	/* Frames from the second range, once the first is used up, are handed out too. */
	size_t n = 0;
	while (page_alloc(0) != PADDR_NONE)
		n++;
	assert_int_equal(n, total + 63);
	/* The ranges table is bounded: the rest is refused, not overrun. */
	int rc = 0;
	for (int i = 0; i < CONFIG_PAGE_ALLOC_MAX_RANGES + 1 && rc == 0; i++) {
		paddr_t r = (paddr_t)(uintptr_t)fake_hal_ram(4 * PAGE_SIZE, PAGE_SIZE);
		rc = page_alloc_add_range(r, 4 * PAGE_SIZE);
	}
	assert_int_equal(rc, -ENOSPC);
}

/*
 * Held frames (the initrd's): managed and allocated from the start, not
 * free; a user takes a reference with page_ref_try_get_run and keeps the frame
 * past the release, which frees the rest. Data in them is never touched.
 */
static void test_held_range(void **state)
{
	(void)state;
	enum { HELD = 40 };
	uint8_t *mem = fake_hal_ram(HELD * PAGE_SIZE, PAGE_SIZE);
	paddr_t held = (paddr_t)(uintptr_t)mem, heap;
	size_t total = page_total_count(), free0 = page_free_count();
	void *obj;

	memset(mem, 0x5a, HELD * PAGE_SIZE);
	assert_int_equal(page_alloc_add_held_range(held + 1, PAGE_SIZE), -EINVAL);
	assert_int_equal(page_alloc_add_held_range(held, 0), -EINVAL);
	assert_int_equal(page_alloc_add_held_range(base + 8 * PAGE_SIZE, PAGE_SIZE), -EEXIST);
	assert_int_equal(page_alloc_add_held_range(held, HELD * PAGE_SIZE), 0);
	assert_int_equal(page_alloc_add_held_range(held, PAGE_SIZE), -EEXIST);
	assert_int_equal(page_total_count(), total + HELD);
	assert_int_equal(page_free_count(), free0 - 1); /* 40 * 32 bytes of metadata: one page */
	for (size_t i = 0; i < HELD * PAGE_SIZE; i++)
		if (mem[i] != 0x5a)
			fail_msg("held data changed at +%zu", i);
	assert_true(page_is_managed(held));
	assert_int_equal(page_ref_count(held + 5 * PAGE_SIZE), 1);

	/* References only on allocated single frames; the others are refused, not a panic. */
	assert_int_equal(page_ref_try_get_run(held + 5 * PAGE_SIZE, 2), 2);
	assert_int_equal(page_ref_try_get_run(held + 5 * PAGE_SIZE + 8, 1),
	                 0);                                /* not a frame's start */
	assert_int_equal(page_ref_try_get_run(base, 1), 0); /* metadata */
	assert_int_equal(page_ref_try_get_run(base + RANGE_PAGES * PAGE_SIZE - PAGE_SIZE, 1),
	                 0); /* free */
	assert_int_equal(page_ref_try_get_run(held + HELD * PAGE_SIZE, 1),
	                 0); /* not the allocator's */
	obj = kmalloc(64);
	heap = page_from_virt(obj) & ~(paddr_t)(PAGE_SIZE - 1);
	assert_int_equal(page_ref_try_get_run(heap, 1), 0); /* a heap page */
	kfree(obj);
	heap = page_alloc(2);
	assert_int_equal(page_ref_try_get_run(heap, 1),
	                 0); /* a block of four: references are single frames' */
	page_free(heap, 2);
	assert_int_equal(page_ref_count(held + 5 * PAGE_SIZE), 2);
	/* A run stops at the range's end. */
	assert_int_equal(page_ref_try_get_run(held + (HELD - 2) * PAGE_SIZE, 5), 2);
	assert_int_equal(page_ref_try_get_run(held + (HELD - 2) * PAGE_SIZE, 0), 0);
	page_ref_put(held + (HELD - 2) * PAGE_SIZE);
	page_ref_put(held + (HELD - 1) * PAGE_SIZE);

	/* Released: 38 free now, the two kept ones when their user drops them. */
	free0 = page_free_count();
	assert_int_equal(page_alloc_release_held(), HELD);
	assert_int_equal(page_alloc_release_held(), 0);
	assert_int_equal(page_free_count(), free0 + HELD - 2);
	assert_true(page_ref_put(held + 5 * PAGE_SIZE));
	assert_true(page_ref_put(held + 6 * PAGE_SIZE));
	assert_int_equal(page_free_count(), free0 + HELD);
}

/* The metadata of a held range comes from the allocator: none left, -ENOMEM. */
static void test_held_range_no_memory(void **state)
{
	(void)state;
	paddr_t held = (paddr_t)(uintptr_t)fake_hal_ram(8 * PAGE_SIZE, PAGE_SIZE);
	size_t total = page_total_count();

	while (page_alloc(0) != PADDR_NONE)
		;
	assert_int_equal(page_alloc_add_held_range(held, 8 * PAGE_SIZE), -ENOMEM);
	assert_int_equal(page_total_count(), total);
	assert_false(page_is_managed(held));
	assert_int_equal(page_alloc_release_held(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_counts, setup),
	    cmocka_unit_test_setup(test_exhaustion_and_recovery, setup),
	    cmocka_unit_test_setup(test_alignment, setup),
	    cmocka_unit_test_setup(test_split_and_coalesce, setup),
	    cmocka_unit_test_setup(test_zeroed, setup),
	    cmocka_unit_test_setup(test_freed_zeroed, setup),
	    cmocka_unit_test_setup(test_refcounts, setup),
	    cmocka_unit_test_setup(test_misuse_panics_naming_the_address, setup),
	    cmocka_unit_test_setup(test_add_range_errors, setup),
	    cmocka_unit_test_setup(test_held_range, setup),
	    cmocka_unit_test_setup(test_held_range_no_memory, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
