/*
 * umem's remap_file_pages over a real address space, on shared anonymous
 * memory (a shmem file on Linux, so Linux's emulation takes it too):
 * Linux's errno for each bad call in Linux's order, each leaving the space
 * as it was; a remap shows the pages of its new offset, writes reach them,
 * MAP_NONBLOCK leaves them lazy, and past the object's end a touch faults.
 * Every test ends with the space destroyed and every frame back.
 */
#include "umem_test.h"

#define X 0x1000000ul
#define Y 0x1020000ul

static void map_at(struct addr_space *as, uintptr_t at, size_t len, int flags)
{
	assert_int_equal(umem_mmap(as, at, len, RW, flags | UMEM_MAP_FIXED, NULL, 0), (long)at);
}

static void expect_remap(struct addr_space *as, long want, uintptr_t start, size_t size,
                         unsigned long prot, uint64_t pgoff, unsigned long flags)
{
	size_t areas = as_area_count(as), frames = page_free_count();

	assert_int_equal(umem_remap_file_pages(as, start, size, prot, pgoff, flags), want);
	assert_int_equal(as_area_count(as), areas);
	assert_int_equal(page_free_count(), frames);
}

static void test_remap_errors_in_linux_order(void **state)
{
	struct addr_space *as = fixture_as(state);
	uint64_t far = 1ull << 51; /* 2^63 bytes: past the largest file offset */

	map_at(as, X, 4 * PG, ANON_SHARED);
	map_at(as, X + 8 * PG, 2 * PG, ANON_PRIV);
	/* prot first, whatever else is wrong. */
	expect_remap(as, -EINVAL, 0, 0, UMEM_PROT_READ, UINT64_MAX, 0);
	expect_remap(as, -EINVAL, X, PG, UMEM_PROT_READ, 0, 0);
	/* The size rounds down: less than a page is nothing. The range may not wrap. */
	expect_remap(as, -EINVAL, X, PG - 1, 0, 0, 0);
	expect_remap(as, -EINVAL, X, 0, 0, 0, 0);
	expect_remap(as, -EINVAL, X, (size_t)0 - X, 0, 0, 0);
	/* The offset may not wrap, nor pass the largest file offset (do_mmap's EOVERFLOW). */
	expect_remap(as, -EINVAL, X, 2 * PG, 0, UINT64_MAX, 0);
	expect_remap(as, -EOVERFLOW, X, PG, 0, far, 0);
	expect_remap(as, -EOVERFLOW, X, PG, 0, far - 1, 0);
	expect_remap(as, -EOVERFLOW, X, 2 * PG, 0, far - 2, 0);
	/* The areas: one at the start, shared, covering the range with pieces of itself. */
	expect_remap(as, -EINVAL, X - PG, 2 * PG, 0, 0, 0);
	expect_remap(as, -EINVAL, 0, PG, 0, 0, 0);
	expect_remap(as, -EINVAL, as_user_top() - PG, 2 * PG, 0, 0, 0);
	expect_remap(as, -EINVAL, X + 8 * PG, PG, 0, 0, 0); /* private */
	expect_remap(as, -EINVAL, X, 5 * PG, 0, 0, 0);      /* past its end */
	expect_remap(as, -EINVAL, X + 3 * PG, 6 * PG, 0, 0, 0);
	map_at(as, X + 4 * PG, PG, ANON_SHARED);
	expect_remap(as, -EINVAL, X + 3 * PG, 2 * PG, 0, 0, 0); /* another object */
	assert_int_equal(umem_mprotect(as, X + 2 * PG, PG, UMEM_PROT_READ), 0);
	expect_remap(as, -EINVAL, X, 3 * PG, 0, 0, 0); /* another protection */
	assert_int_equal(umem_munmap(as, X + PG, PG), 0);
	expect_remap(as, -EINVAL, X, 2 * PG, 0, 0, 0); /* a hole */
	/* The last offset that fits, on a page of its own: accepted, nothing there to touch. */
	assert_int_equal(umem_remap_file_pages(as, X + 3 * PG, PG, 0, far - 2, 0), 0);
	assert_string_equal(get(as, X + 3 * PG), "<EFAULT>");
}

static void test_remap_shows_the_new_offset(void **state)
{
	struct addr_space *as = fixture_as(state);
	char s[] = "page0";

	map_at(as, Y, 4 * PG, ANON_SHARED);
	for (int i = 0; i < 4; i++) {
		s[4] = (char)('0' + i);
		assert_int_equal(put(as, Y + (uintptr_t)i * PG, s), 0);
	}
	/* Start and size round down to pages: the second page now shows the fourth, at once. */
	assert_int_equal(umem_remap_file_pages(as, Y + PG + 7, PG + 100, 0, 3, 0), 0);
	assert_int_equal(as_query(as, Y + PG, NULL, NULL), 0);
	assert_string_equal(get(as, Y + PG), "page3");
	assert_string_equal(get(as, Y), "page0");
	assert_string_equal(get(as, Y + 2 * PG), "page2");
	assert_int_equal(area_at(as, Y + PG).end, Y + 2 * PG);
	assert_int_equal(prot_at(as, Y + PG), AS_RW);
	/* A write through it is the fourth page's. */
	assert_int_equal(put(as, Y + PG, "four"), 0);
	assert_string_equal(get(as, Y + 3 * PG), "four");
	/* Back to the identity over all three pieces; flags other than MAP_NONBLOCK mean nothing,
	 * and MAP_NONBLOCK leaves the pages to fault. */
	assert_int_equal(umem_remap_file_pages(as, Y, 4 * PG, 0, 0, ~0ul), 0);
	assert_int_equal(area_at(as, Y).end, Y + 4 * PG);
	assert_int_equal(as_query(as, Y + PG, NULL, NULL), -EFAULT);
	assert_string_equal(get(as, Y + PG), "page1");
	assert_string_equal(get(as, Y + 3 * PG), "four");
	/* Past the object's end: accepted (Linux maps the file there); a touch faults (SIGBUS). */
	assert_int_equal(umem_remap_file_pages(as, Y, PG, 0, 4, 0), 0);
	assert_string_equal(get(as, Y), "<EFAULT>");
	assert_string_equal(get(as, Y + PG), "page1");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, umem_setup, umem_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_remap_errors_in_linux_order),
	    T(test_remap_shows_the_new_offset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
