/*
 * klib's errno numbers are Linux's: every value's name agrees with glibc's
 * strerrorname_np() for the same number. (Including <errno.h> too also
 * checks at compile time that no macro is defined differently.)
 */
#include "kit_test.h"
#include <errno.h>
#include <klib/errno.h>
#include <string.h>

static void test_every_number_has_linux_name(void **state)
{
	int named = 0;
	(void)state;

	for (int e = 1; e <= KLIB_ERRNO_MAX; e++) {
		const char *ours = kstrerrorname(e), *libc = strerrorname_np(e);
		if (!libc) {
			assert_string_equal(ours, "E?");
			continue;
		}
		assert_string_equal(ours, libc);
		named++;
	}
	assert_true(named >= 130);
}

static void test_negative_and_out_of_range(void **state)
{
	(void)state;
	assert_string_equal(kstrerrorname(-EINVAL), "EINVAL");
	assert_string_equal(kstrerrorname(0), "E?");
	assert_string_equal(kstrerrorname(KLIB_ERRNO_MAX + 1), "E?");
	assert_string_equal(kstrerrorname(-2147483647 - 1), "E?");
	assert_string_equal(kstrerror(-ENOMEM), "Out of memory");
	assert_string_equal(kstrerror(99999), "Unknown error");
	assert_int_equal(EWOULDBLOCK, EAGAIN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_number_has_linux_name),
	    cmocka_unit_test(test_negative_and_out_of_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
