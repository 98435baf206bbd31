/*
 * The per-CPU lists of free single frames (SMP, PAGE_ALLOC_PCP_HIGH > 0):
 * refill and trim in batches, cached frames counted free exactly, every
 * CPU's list drained before a request fails, the "known zero" mark kept
 * and never made up, a double free of a cached frame caught, and two CPUs
 * allocating and freeing in parallel with exact counts at the end.
 *
 * The fake hal's CPU is the thread's struct host_cpu (host_cpu_tls): the
 * test is CPU 0, and a thread that points its own at an id of 1 is CPU 1.
 * How many frames the lists hold is the point here, so the test reads it
 * (page_cached_count, page-alloc's internal header).
 */
#include "kit_test.h"
#include "fake_hal.h"
#include "on_cpu.h"
#include <hal/cpu.h>
#include <page-alloc/page_alloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define RANGE_PAGES 1024u /* 4 MiB: its upper half is one block of order 9 */
#define HIGH        CONFIG_PAGE_ALLOC_PCP_HIGH
#define BATCH       (CONFIG_PAGE_ALLOC_PCP_BATCH < HIGH ? CONFIG_PAGE_ALLOC_PCP_BATCH : HIGH)

static paddr_t base;
static size_t total;

static int setup(void **state)
{
	(void)state;
	page_alloc_reset();
	base = (paddr_t)(uintptr_t)fake_hal_ram(RANGE_PAGES * PAGE_SIZE, RANGE_PAGES * PAGE_SIZE);
	assert_int_equal(page_alloc_add_range(base, RANGE_PAGES * PAGE_SIZE), 0);
	total = page_total_count();
	return 0;
}

static void test_refill_and_trim(void **state)
{
	paddr_t got[HIGH + 2 * BATCH];
	size_t n = sizeof(got) / sizeof(got[0]);
	(void)state;

	/* An empty list takes a batch under the shared lock and hands out one of it. */
	got[0] = page_alloc(0);
	assert_true(got[0] != PADDR_NONE);
	assert_int_equal(page_cached_count(), BATCH - 1);
	assert_int_equal(page_free_count(), total - 1);
	page_free(got[0], 0);
	assert_int_equal(page_cached_count(), BATCH);
	/* The frame freed last is the next one handed out (hot first). */
	assert_true(page_alloc(0) == got[0]);
	page_free(got[0], 0);

	for (size_t i = 0; i < n; i++) {
		got[i] = page_alloc(0);
		assert_true(got[i] != PADDR_NONE);
		assert_int_equal(page_free_count(), total - i - 1);
	}
	for (size_t i = 0; i < n; i++) {
		page_free(got[i], 0);
		/* Past HIGH the list gives a batch back: never more than HIGH stay. */
		assert_true(page_cached_count() <= HIGH);
		assert_int_equal(page_free_count(), total - n + i + 1);
	}
	assert_true(page_cached_count() > HIGH - BATCH);
	assert_int_equal(page_free_count(), total);
	assert_true(page_drain_cached());
	assert_int_equal(page_cached_count(), 0);
	assert_int_equal(page_free_count(), total);
	assert_false(page_drain_cached());
}

static int cmp_pa(const void *a, const void *b)
{
	paddr_t x = *(const paddr_t *)a, y = *(const paddr_t *)b;

	return x < y ? -1 : x > y;
}

/* Every single frame, in address order; *n of them. */
static paddr_t *take_all(size_t *n)
{
	paddr_t *all = calloc(total, sizeof(paddr_t)), pa;

	assert_non_null(all);
	*n = 0;
	while ((pa = page_alloc(0)) != PADDR_NONE)
		all[(*n)++] = pa;
	qsort(all, *n, sizeof(paddr_t), cmp_pa);
	return all;
}

struct frees {
	paddr_t *pa;
	size_t n;
};

static void free_all(void *p)
{
	struct frees *f = p;

	for (size_t i = 0; i < f->n; i++)
		page_free(f->pa[i], 0);
}

static void test_drained_before_failing(void **state)
{
	paddr_t big, *all;
	size_t n, lo = 0, hi = 0, half;
	paddr_t *in_lo, *in_hi, *rest;
	struct frees f;
	(void)state;

	/* The upper half of the range is the largest block there is. */
	big = page_alloc(9);
	assert_true(big == base + RANGE_PAGES / 2 * PAGE_SIZE);
	page_free(big, 9);

	all = take_all(&n);
	assert_int_equal(n, total);
	half = 256;
	in_lo = calloc(half, sizeof(paddr_t));
	in_hi = calloc(half, sizeof(paddr_t));
	rest = calloc(n, sizeof(paddr_t));
	for (size_t i = 0, r = 0; i < n; i++) {
		if (all[i] >= big && all[i] < big + half * PAGE_SIZE)
			in_lo[lo++] = all[i];
		else if (all[i] >= big + half * PAGE_SIZE && all[i] < big + 2 * half * PAGE_SIZE)
			in_hi[hi++] = all[i];
		else
			rest[r++] = all[i];
	}
	assert_int_equal(lo, half);
	assert_int_equal(hi, half);
	/* Frames outside the block first, then its lower half on CPU 1 and its upper on CPU 0:
	 * both lists end up holding frames of the block. */
	f = (struct frees){rest, n - 2 * half};
	free_all(&f);
	f = (struct frees){in_lo, half};
	run_on_cpu(1, free_all, &f);
	f = (struct frees){in_hi, half};
	free_all(&f);
	assert_true(page_cached_count() > HIGH - BATCH);
	assert_int_equal(page_free_count(), total);

	/* Only with both lists back does the block exist again. */
	assert_true(page_alloc(9) == big);
	assert_int_equal(page_cached_count(), 0);
	assert_int_equal(page_free_count(), total - 2 * half);
	assert_true(page_alloc(9) == PADDR_NONE); /* and a real shortage is still one */
	page_free(big, 9);
	assert_int_equal(page_free_count(), total);
	free(all);
	free(in_lo);
	free(in_hi);
	free(rest);
}

static void test_kmalloc_drains(void **state)
{
	paddr_t *all;
	size_t n;
	void *p;
	(void)state;

	/* Every frame freed in address order: the last ones, cached on CPU 0's list, are in the
	 * largest block, which kmalloc needs whole. */
	all = take_all(&n);
	for (size_t i = 0; i < n; i++)
		page_free(all[i], 0);
	assert_true(page_cached_count() > 0);
	p = kmalloc((size_t)2 << 20); /* the upper half of the range */
	assert_non_null(p);
	kfree(p);
	assert_int_equal(page_free_count(), total);
	free(all);
}

static void test_zeroed_kept_and_not_made_up(void **state)
{
	paddr_t a, b;
	(void)state;

	a = page_alloc(0);
	b = page_alloc(0);
	memset(page_to_virt(a), 0x5a, PAGE_SIZE);
	memset(page_to_virt(b), 0, PAGE_SIZE);
	/* b freed as zero, a as dirty (freed last: the hottest plain frame). */
	page_free_zeroed(b, 0);
	page_free(a, 0);
	/* A zeroed request gets the frame known to be zero... */
	assert_true(page_alloc_zeroed(0) == b);
	/* ...and, when only dirty ones are cached, a cleared one. */
	assert_true(page_alloc_zeroed(0) == a);
	for (size_t i = 0; i < PAGE_SIZE; i++)
		assert_int_equal(((unsigned char *)page_to_virt(a))[i], 0);
	page_free(a, 0);
	page_free(b, 0);
	assert_int_equal(page_free_count(), total);
}

static void test_double_free_of_cached_frame(void **state)
{
	paddr_t pa = page_alloc(0);
	char name[32];
	(void)state;

	page_free(pa, 0);
	assert_true(page_cached_count() > 0);
	expect_panic(page_free(pa, 0));
	snprintf(name, sizeof(name), "%#llx is free", (unsigned long long)pa);
	assert_true(kit_test_output_has(name));
	expect_panic(page_free_zeroed(pa, 0));
	assert_true(kit_test_output_has("double free"));
	expect_panic(page_ref_put(pa));
	assert_true(kit_test_output_has("double free"));
	assert_int_equal(page_free_count(), total);
}

/* Parallel work on two CPUs: frames of order 0 to 2, each filled and checked. */
struct stress {
	unsigned seed;
	unsigned bad;     /* frames whose contents changed under their owner */
	paddr_t keep[64]; /* left allocated at the end, for the other CPU to free */
};

#define STRESS_ROUNDS 20000

static void stress(void *p)
{
	struct stress *s = p;
	paddr_t held[16] = {0};
	unsigned order[16] = {0};

	for (unsigned r = 0; r < STRESS_ROUNDS; r++) {
		unsigned i = (unsigned)rand_r(&s->seed) % 16;

		if (held[i]) {
			if (*(unsigned *)page_to_virt(held[i]) != (unsigned)(held[i] >> PAGE_SHIFT))
				s->bad++;
			if (order[i] == 0 && r % 3 == 0)
				page_ref_put(held[i]);
			else
				page_free(held[i], order[i]);
			held[i] = 0;
			continue;
		}
		order[i] = r % 7 == 0 ? (unsigned)rand_r(&s->seed) % 3 : 0;
		held[i] = r % 2 ? page_alloc(order[i]) : page_alloc_zeroed(order[i]);
		if (held[i] == PADDR_NONE) {
			held[i] = 0;
			continue;
		}
		*(unsigned *)page_to_virt(held[i]) = (unsigned)(held[i] >> PAGE_SHIFT);
	}
	for (unsigned i = 0; i < 16; i++)
		if (held[i])
			page_free(held[i], order[i]);
	for (unsigned i = 0; i < 64; i++)
		s->keep[i] = page_alloc(0);
}

static void free_keep(void *p)
{
	struct stress *s = p;

	for (unsigned i = 0; i < 64; i++)
		page_free(s->keep[i], 0);
}

static void test_parallel_stress(void **state)
{
	struct stress s0 = {.seed = 1}, s1 = {.seed = 2};
	struct on_cpu o = {1, stress, &s1};
	pthread_t t;
	(void)state;

	t = start_on_cpu(&o);
	stress(&s0);
	KIT_TEST_WAIT("CPU 1's stress", pthread_join(t, NULL));
	assert_int_equal(s0.bad + s1.bad, 0);
	assert_int_equal(page_free_count(), total - 128);
	/* Each CPU frees the other's frames: onto its own list. */
	run_on_cpu(1, free_keep, &s0);
	free_keep(&s1);
	assert_int_equal(page_free_count(), total);
	/* Nothing lost or doubled: everything merges back into the blocks the range began with. */
	assert_true(page_alloc(9) != PADDR_NONE);
	assert_true(page_alloc(8) != PADDR_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_refill_and_trim, setup),
	    cmocka_unit_test_setup(test_drained_before_failing, setup),
	    cmocka_unit_test_setup(test_kmalloc_drains, setup),
	    cmocka_unit_test_setup(test_zeroed_kept_and_not_made_up, setup),
	    cmocka_unit_test_setup(test_double_free_of_cached_frame, setup),
	    cmocka_unit_test_setup(test_parallel_stress, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
