/*
 * Faults and what is built on them: lazy zero-fill, permission faults,
 * populate, query, linear areas, the user-copy helpers (-EFAULT, never a
 * crash), the trap hook, and destroy returning every frame.
 */
#include "as_test.h"
#include <string.h>
#include <stdlib.h>

#define R  (AS_PROT_READ | AS_PROT_USER)
#define RW (AS_PROT_READ | AS_PROT_WRITE | AS_PROT_USER)

static void test_lazy_fill_and_permissions(void **state)
{
	struct addr_space *as;
	uintptr_t a;
	paddr_t pa;
	unsigned prot;
	size_t free0 = as_test_ram(16);
	(void)state;

	assert_int_equal(as_create(&as), 0);
	size_t base = page_free_count();
	assert_int_equal(as_map_anon(as, 0, 16 * PG, RW, 0, &a), 0);
	assert_true(base - page_free_count() <= 1); /* at most a heap page for the area... */
	size_t mapped0 = page_free_count();
	assert_int_equal(as_query(as, a, &pa, &prot), -EFAULT); /* ...nothing is filled yet */
	assert_int_equal(as_fault(as, a + 5 * PG + 123, AS_ACCESS_READ), 0);
	assert_int_equal(as_query(as, a + 5 * PG + 123, &pa, &prot), 0);
	assert_int_equal(prot, RW);
	assert_int_equal(pa % PG, 123);
	for (size_t i = 0; i < PG; i++)
		assert_int_equal(((unsigned char *)page_to_virt(pa - 123))[i], 0);
	/* A frame and the two tables to reach it. */
	assert_int_equal(page_free_count(), mapped0 - 3);
	/* Faulting it again changes nothing. */
	assert_int_equal(as_fault(as, a + 5 * PG, AS_ACCESS_WRITE), 0);
	assert_int_equal(page_free_count(), mapped0 - 3);
	/* No area: -EFAULT. Forbidden access: -EACCES. */
	assert_int_equal(as_fault(as, a + 16 * PG, AS_ACCESS_READ), -EFAULT);
	assert_int_equal(as_fault(as, a, AS_ACCESS_EXEC), -EACCES);
	assert_int_equal(as_protect(as, a, 16 * PG, R), 0);
	assert_int_equal(as_fault(as, a + 5 * PG, AS_ACCESS_WRITE), -EACCES);
	assert_int_equal(as_fault(as, a + 6 * PG, AS_ACCESS_WRITE), -EACCES);
	assert_int_equal(as_query(as, a + 5 * PG, &pa, &prot), 0);
	assert_int_equal(prot, R);
	/* PROT_NONE keeps the page (and its contents) but allows nothing. */
	assert_int_equal(as_protect(as, a, 16 * PG, RW), 0);
	assert_int_equal(as_copy_to_user(as, a + 5 * PG, "kept", 5), 0);
	assert_int_equal(as_protect(as, a, 16 * PG, AS_PROT_NONE), 0);
	assert_int_equal(as_fault(as, a + 5 * PG, AS_ACCESS_READ), -EACCES);
	assert_int_equal(as_populate(as, a, 16 * PG), 0); /* skips it */
	assert_int_equal(as_protect(as, a, 16 * PG, R), 0);
	char buf[5];
	assert_int_equal(as_copy_from_user(as, buf, a + 5 * PG, 5), 0);
	assert_string_equal(buf, "kept");
	as_destroy(as);
	assert_int_equal(page_free_count(), free0);
}

static void test_populate(void **state)
{
	struct addr_space *as;
	uintptr_t a;
	size_t free0 = as_test_ram(16);
	(void)state;

	assert_int_equal(as_create(&as), 0);
	size_t before = page_free_count();
	assert_int_equal(as_map_anon(as, 0x400000, 64 * PG, RW, AS_MAP_FIXED | AS_MAP_POPULATE, &a),
	                 0);
	/* 64 frames, 2 tables, perhaps a heap page for the area. */
	size_t after = page_free_count();
	assert_true(before - after == 66 || before - after == 67);
	for (int i = 0; i < 64; i++)
		assert_int_equal(as_query(as, a + (uintptr_t)i * PG, NULL, NULL), 0);
	/* populate of a hole fails, of mapped pages is a no-op. */
	assert_int_equal(as_populate(as, 0x500000, PG), -ENOMEM);
	assert_int_equal(as_populate(as, a, 64 * PG), 0);
	assert_int_equal(page_free_count(), after);

	/* Populating more than memory holds fails and leaves no trace. */
	size_t left = page_free_count();
	assert_int_equal(as_map_anon(as, 0x1000000, (left + 10) * PG, RW, AS_MAP_POPULATE, NULL),
	                 -ENOMEM);
	assert_int_equal(page_free_count(), left);
	assert_false(as_overlaps(as, 0x1000000, (left + 10) * PG));
	assert_int_equal(as_area_count(as), 1);
	as_destroy(as);
	assert_int_equal(page_free_count(), free0);
}

/*
 * The last free frame goes to a private page whose table cannot be made:
 * the fault is -ENOMEM and gives that frame back.
 */
static void test_fault_without_room_for_a_table(void **state)
{
	struct addr_space *as;
	uintptr_t a;
	size_t free0 = as_test_ram(16), n = 0;
	paddr_t *hog = malloc(free0 * sizeof(*hog));
	(void)state;

	assert_non_null(hog);
	assert_int_equal(as_create(&as), 0);
	assert_int_equal(as_map_anon(as, 0x40000000, PG, RW, AS_MAP_FIXED, &a), 0);
	n = as_test_hog(hog, 1);
	assert_int_equal(as_fault(as, a, AS_ACCESS_WRITE), -ENOMEM);
	assert_int_equal(page_free_count(), 1);
	as_test_unhog(hog, n);
	assert_int_equal(as_fault(as, a, AS_ACCESS_WRITE), 0);
	as_destroy(as);
	free(hog);
	assert_int_equal(page_free_count(), free0);
}

static void test_linear(void **state)
{
	struct addr_space *as;
	paddr_t pa;
	unsigned prot;
	size_t free0 = as_test_ram(16);
	(void)state;

	assert_int_equal(as_create(&as), 0);
	/* Device memory: mapped at once, no frame references taken or dropped. */
	assert_int_equal(as_map_linear(as, 0x10000000, 0x40000000, 0x400000, RW, AS_MAP_HUGE), 0);
	assert_int_equal(as_query(as, 0x10234567, &pa, &prot), 0);
	assert_int_equal(pa, 0x40234567);
	assert_int_equal(as_map_linear(as, 0x10000000, 0x40000000, PG, RW, 0), -EEXIST);
	assert_int_equal(as_map_linear(as, 0x20000000, 0x40000001, PG, RW, 0), -EINVAL);
	/* Splitting a huge linear mapping by unmapping a page of it. */
	assert_int_equal(as_unmap(as, 0x10001000, PG), 0);
	assert_int_equal(as_query(as, 0x10001000, &pa, &prot), -EFAULT);
	assert_int_equal(as_query(as, 0x10002000, &pa, &prot), 0);
	assert_int_equal(pa, 0x40002000);
	assert_int_equal(as_area_count(as), 2);
	as_destroy(as);
	assert_int_equal(page_free_count(), free0);
}

static void test_user_copy(void **state)
{
	struct addr_space *as;
	uintptr_t a, k;
	char big[3 * PG], back[3 * PG];
	size_t free0 = as_test_ram(16);
	(void)state;

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7);
	assert_int_equal(as_create(&as), 0);
	assert_int_equal(as_map_anon(as, 0x800000, 4 * PG, RW, AS_MAP_FIXED, &a), 0);
	/* Across page boundaries, faulting pages in on the way. */
	assert_int_equal(as_copy_to_user(as, a + 100, big, sizeof(big)), 0);
	memset(back, 0, sizeof(back));
	assert_int_equal(as_copy_from_user(as, back, a + 100, sizeof(back)), 0);
	assert_memory_equal(back, big, sizeof(big));
	/* Running off the end of the area: -EFAULT, the part before copied. */
	assert_int_equal(as_copy_to_user(as, a + 4 * PG - 10, big, 20), -EFAULT);
	assert_int_equal(as_copy_from_user(as, back, a + 4 * PG - 10, 10), 0);
	assert_memory_equal(back, big, 10);
	assert_int_equal(as_copy_from_user(as, back, 0x7000, 1), -EFAULT);
	assert_int_equal(as_copy_from_user(as, back, ~(uintptr_t)0 - 4, 10), -EFAULT);
	/* Read-only: reads work, writes fault. */
	assert_int_equal(as_protect(as, a, PG, R), 0);
	assert_int_equal(as_copy_to_user(as, a, big, 1), -EFAULT);
	assert_int_equal(as_copy_from_user(as, back, a + 100, 1), 0);
	/* Kernel-only areas (no AS_PROT_USER) are not user memory. */
	assert_int_equal(
	    as_map_anon(as, 0x900000, PG, AS_PROT_READ | AS_PROT_WRITE, AS_MAP_FIXED, &k), 0);
	assert_int_equal(as_copy_to_user(as, k, big, 1), -EFAULT);
	assert_int_equal(as_copy_from_user(as, back, k, 1), -EFAULT);
	assert_int_equal(as_copy_to_user(as, a + PG, big, 0), 0);
	as_destroy(as);
	assert_int_equal(page_free_count(), free0);
}

static void test_trap_hook(void **state)
{
	struct addr_space *as, *other;
	uintptr_t a;
	size_t free0 = as_test_ram(16);
	(void)state;

	assert_int_equal(as_init(), 0);
	assert_non_null(fake_hal_fault_handler);
	assert_int_equal(as_create(&as), 0);
	assert_int_equal(as_create(&other), 0);
	assert_int_equal(as_map_anon(as, 0x800000, PG, RW, AS_MAP_FIXED, &a), 0);
	struct hal_fault f = {.addr = a + 8, .access = HAL_ACCESS_WRITE, .user = true};
	as_activate(other);
	assert_ptr_equal(as_active(), other);
	assert_int_equal(fake_hal_root, 0 + fake_hal_root);    /* switched (any root) */
	assert_int_equal(fake_hal_fault_handler(&f), -EFAULT); /* not mapped in the active space */
	as_activate(as);
	assert_int_equal(fake_hal_fault_handler(&f), 0);
	assert_int_equal(as_query(as, a, NULL, NULL), 0);
	f.addr = 0x100; /* below the user range: left to the platform */
	assert_int_equal(fake_hal_fault_handler(&f), -EFAULT);
	f.addr = as_user_top();
	assert_int_equal(fake_hal_fault_handler(&f), -EFAULT);
	as_activate(other);
	as_destroy(as);
	assert_int_equal(as_create(&as), 0);
	as_activate(as);
	as_destroy(other);
	(void)free0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lazy_fill_and_permissions),
	    cmocka_unit_test(test_populate),
	    cmocka_unit_test(test_fault_without_room_for_a_table),
	    cmocka_unit_test(test_linear),
	    cmocka_unit_test(test_user_copy),
	    cmocka_unit_test(test_trap_hook),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
