/*
 * kmalloc/kfree: size classes and their alignment, large blocks, running
 * out and recovering, a random workload with content checks, and the
 * panics for a double free or a pointer the heap never handed out. An idle
 * heap holds no frames: the free count always comes back exactly.
 */
#include "kit_test.h"
#include "fake_hal.h"
#include <page-alloc/page_alloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RANGE_PAGES 2048u /* 8 MiB */

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

static void test_classes_and_alignment(void **state)
{
	static const size_t sizes[] = {0, 1, 8, 16, 17, 31, 32, 100, 128, 200, 512, 1000, 2048};
	void *p[ARRAY_SIZE(sizes)];
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		p[i] = kmalloc(sizes[i]);
		assert_non_null(p[i]);
		size_t cls = 16;
		while (cls < sizes[i])
			cls *= 2;
		assert_int_equal((uintptr_t)p[i] % cls, 0); /* naturally aligned to its class */
		memset(p[i], (int)i, sizes[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
		for (size_t j = 0; j < sizes[i]; j++)
			assert_int_equal(((unsigned char *)p[i])[j], i);
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
		kfree(p[i]);
	kfree(NULL);
	assert_int_equal(page_free_count(), free0);
}

static void test_large_blocks(void **state)
{
	(void)state;
	void *a = kmalloc(2049), *b = kmalloc(3 * PAGE_SIZE), *c = kzalloc(PAGE_SIZE * 5);
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	assert_int_equal((uintptr_t)a % PAGE_SIZE, 0);
	assert_int_equal((uintptr_t)b % (4 * PAGE_SIZE), 0); /* a 4-page block */
	for (size_t i = 0; i < 5 * PAGE_SIZE; i++)
		assert_int_equal(((char *)c)[i], 0);
	assert_int_equal(page_free_count(), free0 - 1 - 4 - 8);
	kfree(a);
	kfree(b);
	kfree(c);
	assert_int_equal(page_free_count(), free0);
	assert_null(kmalloc((size_t)PAGE_SIZE << (PAGE_MAX_ORDER + 1)));
	assert_null(kmalloc(SIZE_MAX));
	assert_null(kcalloc(SIZE_MAX / 2, 3));
	int *z = kcalloc(10, sizeof(int));
	for (int i = 0; i < 10; i++)
		assert_int_equal(z[i], 0);
	kfree(z);
	assert_int_equal(page_free_count(), free0);
}

static void test_exhaustion_and_recovery(void **state)
{
	size_t cap = RANGE_PAGES * (PAGE_SIZE / 64) + 1, n = 0;
	void **objs = calloc(cap, sizeof(void *));
	void *p;
	(void)state;

	while ((p = kmalloc(64)) != NULL) {
		assert_true(n < cap);
		objs[n++] = p;
	}
	assert_int_equal(page_free_count(), 0);
	assert_int_equal(n, free0 * (PAGE_SIZE / 64));
	assert_null(kmalloc(16)); /* other classes too: no page left for a slab */
	assert_null(kmalloc(8192));
	kfree(objs[--n]);
	assert_non_null(p = kmalloc(64)); /* the freed slot comes back */
	objs[n++] = p;
	while (n)
		kfree(objs[--n]);
	assert_int_equal(page_free_count(), free0);
	free(objs);
}

static void test_random_workload(void **state)
{
	enum { SLOTS = 500, STEPS = 20000 };
	static void *slot[SLOTS];
	static size_t len[SLOTS];
	(void)state;

	srand(42);
	memset(slot, 0, sizeof(slot));
	for (int step = 0; step < STEPS; step++) {
		int i = rand() % SLOTS;
		if (slot[i]) {
			for (size_t j = 0; j < len[i]; j++)
				assert_int_equal(((unsigned char *)slot[i])[j],
				                 (unsigned char)(i + j));
			kfree(slot[i]);
			slot[i] = NULL;
		} else {
			len[i] = (size_t)(rand() % 4 == 0 ? rand() % 20000 : rand() % 600);
			slot[i] = kmalloc(len[i]);
			assert_non_null(slot[i]);
			for (size_t j = 0; j < len[i]; j++)
				((unsigned char *)slot[i])[j] = (unsigned char)(i + j);
		}
	}
	for (int i = 0; i < SLOTS; i++)
		kfree(slot[i]);
	assert_int_equal(page_free_count(), free0);
}

static void test_misuse_panics_naming_the_pointer(void **state)
{
	char name[64];
	int on_stack;
	(void)state;

	void *keep = kmalloc(32); /* keeps the slab alive */
	void *p = kmalloc(32);
#ifdef CONFIG_PAGE_ALLOC_DEBUG
	kfree(p);
	expect_panic(kfree(p));
	snprintf(name, sizeof(name), "double free of %p", p);
	assert_true(kit_test_output_has(name));
	p = kmalloc(32);
#endif
	expect_panic(kfree((char *)p + 8));
	assert_true(kit_test_output_has("is not the start of a heap object"));
	/* The last object of their slab was never handed out (nor taken by a CPU's array). */
	assert_int_equal((uintptr_t)keep % PAGE_SIZE, 0);
	assert_ptr_equal((char *)keep + 32, p);
	expect_panic(kfree((char *)keep + PAGE_SIZE - 32));
	snprintf(name, sizeof(name), "kfree: %p is not the start of a heap object",
	         (void *)((char *)keep + PAGE_SIZE - 32));
	assert_true(kit_test_output_has(name));
	expect_panic(kfree(&on_stack));
	snprintf(name, sizeof(name), "kfree: %p was not allocated by kmalloc", (void *)&on_stack);
	assert_true(kit_test_output_has(name));
	paddr_t frame = page_alloc(0);
	expect_panic(kfree(page_to_virt(frame)));
	assert_true(kit_test_output_has("was not allocated by kmalloc"));
	page_free(frame, 0);
	void *big = kmalloc(3 * PAGE_SIZE);
	expect_panic(kfree((char *)big + PAGE_SIZE));
	assert_true(kit_test_output_has("was not allocated by kmalloc"));
	kfree(big);
	kfree(p);
	kfree(keep);
	assert_int_equal(page_free_count(), free0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_classes_and_alignment, setup),
	    cmocka_unit_test_setup(test_large_blocks, setup),
	    cmocka_unit_test_setup(test_exhaustion_and_recovery, setup),
	    cmocka_unit_test_setup(test_random_workload, setup),
	    cmocka_unit_test_setup(test_misuse_panics_naming_the_pointer, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
