/* klib's compiler-runtime helpers (used by GCC-built images) against the
 * host compiler's builtins, on edge values and many pseudo-random ones. */
#include "kit_test.h"

int klib_test___clzdi2(unsigned long long x);
int klib_test___clzsi2(unsigned int x);
int klib_test___ctzdi2(unsigned long long x);
int klib_test___ctzsi2(unsigned int x);
int klib_test___popcountdi2(unsigned long long x);

static void check(unsigned long long x)
{
	unsigned int lo = (unsigned int)x;

	assert_int_equal(klib_test___popcountdi2(x), __builtin_popcountll(x));
	if (x) {
		assert_int_equal(klib_test___clzdi2(x), __builtin_clzll(x));
		assert_int_equal(klib_test___ctzdi2(x), __builtin_ctzll(x));
	}
	if (lo) {
		assert_int_equal(klib_test___clzsi2(lo), __builtin_clz(lo));
		assert_int_equal(klib_test___ctzsi2(lo), __builtin_ctz(lo));
	}
}

static void test_against_the_compiler(void **state)
{
	unsigned long long x = 0x9e3779b97f4a7c15ull;
	(void)state;

	for (int bit = 0; bit < 64; bit++) {
		check(1ull << bit);
		check(~0ull >> bit);
		check(~0ull << bit);
	}
	for (int i = 0; i < 100000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		check(x);
	}
	assert_int_equal(klib_test___clzdi2(0), 64);
	assert_int_equal(klib_test___ctzdi2(0), 64);
	assert_int_equal(klib_test___ctzsi2(0), 32);
	assert_int_equal(klib_test___popcountdi2(0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_against_the_compiler),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
