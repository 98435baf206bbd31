/*
 * The credentials over the real page-alloc heap (host memory as RAM, the
 * unit tests' fake hal): a full NGROUPS_MAX list is a multi-page kmalloc
 * block, copies and frees give every frame back, and a heap with no frame
 * left makes setgroups and cred_copy fail with -ENOMEM, changing nothing.
 */
#include "cred_test.h"
#include "fake_hal.h"
#include <page-alloc/page_alloc.h>
#include <stdlib.h>

#define RANGE_PAGES 1024u /* 4 MiB */

static size_t free0;

static int setup(void **state)
{
	(void)state;
	page_alloc_reset();
	paddr_t base = (paddr_t)(uintptr_t)fake_hal_ram(RANGE_PAGES * PAGE_SIZE, PAGE_SIZE);
	assert_int_equal(page_alloc_add_range(base, RANGE_PAGES * PAGE_SIZE), 0);
	free0 = page_free_count();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(page_free_count(), free0); /* nothing leaked */
	return 0;
}

static void test_max_groups_on_the_real_heap(void **state)
{
	uint32_t *in = malloc(CRED_NGROUPS_MAX * sizeof(*in));
	struct cred a, b;

	(void)state;
	assert_non_null(in);
	for (size_t i = 0; i < CRED_NGROUPS_MAX; i++)
		in[i] = (uint32_t)(CRED_NGROUPS_MAX - 1 - i) * 2;
	cred_init_root(&a);
	assert_int_equal(cred_setgroups(&a, in, CRED_NGROUPS_MAX), 0);
	/* 256 KiB: a 64-page block. */
	assert_int_equal(page_free_count(), free0 - 64);
	assert_int_equal(cred_copy(&b, &a), 0);
	assert_int_equal(page_free_count(), free0 - 128);
	for (size_t i = 0; i < CRED_NGROUPS_MAX; i++)
		assert_int_equal(b.groups[i], i * 2);
	assert_true(cred_in_group(&b, 2 * 4321));
	assert_false(cred_in_group(&b, 2 * 4321 + 1));
	cred_free(&a);
	assert_int_equal(cred_setgroups(&b, in, 3), 0); /* the big block goes back */
	assert_int_equal(page_free_count(), free0 - 1);
	cred_free(&b);
	free(in);
}

static void test_enomem_when_the_heap_is_empty(void **state)
{
	enum { BIG = 600 }; /* 2400 bytes: past the largest size class, a page of its own */
	static uint32_t g[BIG], h[BIG];
	paddr_t *frames = malloc(RANGE_PAGES * sizeof(*frames));
	size_t n = 0;
	struct cred a, b, before, b0;

	(void)state;
	assert_non_null(frames);
	for (size_t i = 0; i < BIG; i++) {
		g[i] = (uint32_t)i;
		h[i] = (uint32_t)(BIG + i);
	}
	cred_init_root(&a);
	assert_int_equal(cred_setgroups(&a, g, BIG), 0);
	before = a;
	while ((frames[n] = page_alloc(0)) != PADDR_NONE)
		n++;
	assert_int_equal(page_free_count(), 0);

	assert_int_equal(cred_setgroups(&a, h, BIG), -ENOMEM);
	assert_cred_same(&a, &before);
	assert_ptr_equal(a.groups, before.groups);
	memset(&b, 0x5a, sizeof(b));
	b0 = b;
	assert_int_equal(cred_copy(&b, &a), -ENOMEM);
	assert_memory_equal(&b, &b0, sizeof(b));

	while (n)
		page_free(frames[--n], 0);
	assert_int_equal(cred_copy(&b, &a), 0);
	assert_int_equal(cred_setgroups(&a, h, BIG), 0);
	assert_int_equal(b.groups[BIG - 1], BIG - 1);
	assert_int_equal(a.groups[0], BIG);
	cred_free(&a);
	cred_free(&b);
	free(frames);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_max_groups_on_the_real_heap, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_enomem_when_the_heap_is_empty, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
