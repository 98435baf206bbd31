/*
 * mmap and brk against vm.overcommit_memory (page-alloc's commit policy)
 * over 16 MiB of RAM: under the heuristic a private writable or shared
 * anonymous mapping larger than RAM is ENOMEM and leaves nothing mapped,
 * MAP_NORESERVE and read-only private mappings are not charged, the break
 * does not grow past RAM at once; mode 1 promises all of it; mode 2
 * charges MAP_NORESERVE too.
 */
#include "umem_test.h"

#define BEYOND (20ul << 20) /* more than the 16 MiB of RAM */
#define END    0x412345ul

static int commit_teardown(void **state)
{
	assert_int_equal(page_set_overcommit_mode(PAGE_OVERCOMMIT_GUESS), 0);
	return umem_teardown(state);
}

static long map(struct addr_space *as, size_t len, int prot, int flags)
{
	return umem_mmap(as, 0, len, prot, flags, NULL, 0);
}

static void test_heuristic_charges_what_linux_charges(void **state)
{
	struct addr_space *as = fixture_as(state);
	size_t ram = page_total_count() * PG;
	long a;

	assert_int_equal(page_overcommit_mode(), PAGE_OVERCOMMIT_GUESS);
	assert_int_equal(map(as, BEYOND, RW, ANON_PRIV), -ENOMEM);
	assert_int_equal(map(as, BEYOND, RW, ANON_SHARED), -ENOMEM);
	assert_int_equal(as_area_count(as), 0);
	/* Not charged: read-only private, or without reservation. */
	assert_true((a = map(as, BEYOND, UMEM_PROT_READ, ANON_PRIV)) > 0);
	assert_int_equal(umem_munmap(as, (uintptr_t)a, BEYOND), 0);
	assert_true((a = map(as, BEYOND, RW, ANON_PRIV | UMEM_MAP_NORESERVE)) > 0);
	assert_int_equal(put(as, (uintptr_t)a + BEYOND - PG, "last"), 0);
	assert_int_equal(umem_munmap(as, (uintptr_t)a, BEYOND), 0);
	assert_true((a = map(as, BEYOND, RW, ANON_SHARED | UMEM_MAP_NORESERVE)) > 0);
	assert_int_equal(umem_munmap(as, (uintptr_t)a, BEYOND), 0);
	/* All of RAM in one request is still promised. */
	assert_true((a = map(as, ram, RW, ANON_PRIV)) > 0);
	assert_int_equal(umem_munmap(as, (uintptr_t)a, ram), 0);
	assert_int_equal(map(as, ram + 1, RW, ANON_PRIV), -ENOMEM); /* rounds up to a page */
}

static void test_brk_growth_is_charged(void **state)
{
	struct addr_space *as = fixture_as(state);
	struct umem_brk b;
	uintptr_t start;

	umem_brk_init(&b, END);
	start = b.start;
	assert_int_equal(umem_brk(&b, as, start + BEYOND), start);
	assert_int_equal(as_area_count(as), 0);
	assert_int_equal(umem_brk(&b, as, start + 4 * PG), start + 4 * PG);
	assert_int_equal(page_set_overcommit_mode(PAGE_OVERCOMMIT_ALWAYS), 0);
	assert_int_equal(umem_brk(&b, as, start + BEYOND), start + BEYOND);
	assert_int_equal(umem_brk(&b, as, start), start);
}

static void test_always_and_never(void **state)
{
	struct addr_space *as = fixture_as(state);
	long a;

	assert_int_equal(page_set_overcommit_mode(PAGE_OVERCOMMIT_ALWAYS), 0);
	assert_true((a = map(as, BEYOND, RW, ANON_PRIV)) > 0);
	assert_int_equal(umem_munmap(as, (uintptr_t)a, BEYOND), 0);
	assert_true((a = map(as, BEYOND, RW, ANON_SHARED)) > 0);
	assert_int_equal(umem_munmap(as, (uintptr_t)a, BEYOND), 0);
	/* Strict accounting ignores MAP_NORESERVE (do_mmap). */
	assert_int_equal(page_set_overcommit_mode(PAGE_OVERCOMMIT_NEVER), 0);
	assert_int_equal(map(as, BEYOND, RW, ANON_PRIV | UMEM_MAP_NORESERVE), -ENOMEM);
	assert_true((a = map(as, BEYOND, UMEM_PROT_READ, ANON_PRIV | UMEM_MAP_NORESERVE)) > 0);
	assert_int_equal(umem_munmap(as, (uintptr_t)a, BEYOND), 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, umem_setup, commit_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_heuristic_charges_what_linux_charges),
	    T(test_brk_growth_is_charged),
	    T(test_always_and_never),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
