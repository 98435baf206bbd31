/* kvformat/ksnprintf/kprintf: every conversion and flag, checked against
 * the host C library's snprintf where the two must agree. */
#include "kit_test.h"
#include <klib/printf.h>
#include <stdio.h>
#include <string.h>
#include <limits.h>

#define CHECK(expect, ...)                                                                         \
	do {                                                                                       \
		char b_[128];                                                                      \
		int n_ = ksnprintf(b_, sizeof(b_), __VA_ARGS__);                                   \
		assert_string_equal(b_, expect);                                                   \
		assert_int_equal(n_, (int)strlen(expect));                                         \
	} while (0)

/* Same output as the C library for the same format and argument. */
#define SAME(fmt, arg)                                                                             \
	do {                                                                                       \
		char a_[128], b_[128];                                                             \
		int na_ = ksnprintf(a_, sizeof(a_), fmt, arg);                                     \
		int nb_ = snprintf(b_, sizeof(b_), fmt, arg);                                      \
		assert_string_equal(a_, b_);                                                       \
		assert_int_equal(na_, nb_);                                                        \
	} while (0)

static void test_integers(void **state)
{
	(void)state;
	CHECK("0", "%d", 0);
	CHECK("-42", "%d", -42);
	CHECK("42", "%i", 42);
	CHECK("4294967295", "%u", UINT_MAX);
	CHECK("-2147483648", "%d", INT_MIN);
	CHECK("ff", "%x", 255);
	CHECK("FF", "%X", 255);
	CHECK("17", "%o", 15);
	CHECK("-9223372036854775808", "%lld", LLONG_MIN);
	CHECK("18446744073709551615", "%llu", ULLONG_MAX);
	CHECK("ffffffffffffffff", "%lx", ULONG_MAX);
	CHECK("123456789012", "%zu", (size_t)123456789012ull);
	CHECK("-5", "%hhd", (signed char)-5);
	CHECK("65535", "%hu", (unsigned short)65535);
}

static void test_width_and_flags(void **state)
{
	(void)state;
	CHECK("   42", "%5d", 42);
	CHECK("42   |", "%-5d|", 42);
	CHECK("00042", "%05d", 42);
	CHECK("-0042", "%05d", -42);
	CHECK("+42", "%+d", 42);
	CHECK(" 42", "% d", 42);
	CHECK("0x1f", "%#x", 31);
	CHECK("0X1F", "%#X", 31);
	CHECK("0000001f", "%08x", 31);
	CHECK("   7", "%*d", 4, 7);
	CHECK("7   |", "%*d|", -4, 7);
	CHECK("  007", "%5.3d", 7);
	CHECK("", "%.0d", 0);
	CHECK("ab   |", "%-5s|", "ab");
	CHECK("  abc", "%5s", "abc");
	CHECK("ab", "%.2s", "abcdef");
	CHECK("ab", "%.*s", 2, "abcdef");
	CHECK("    x", "%5c", 'x');
	CHECK("x    |", "%-5c|", 'x');
	CHECK("(null)", "%s", (char *)NULL);
	CHECK("100%", "%d%%", 100);
}

static void test_matches_libc(void **state)
{
	static const char *const fmts[] = {"%d",    "%5d",    "%-5d", "%05d", "%+d", "% d", "%.3d",
	                                   "%8.3d", "%-8.3d", "%x",   "%#x",  "%#o", "%08X"};
	static const int vals[] = {0, 1, -1, 7, -7, 255, 65536, INT_MAX, INT_MIN};
	(void)state;
	for (size_t f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++) {
		for (size_t v = 0; v < sizeof(vals) / sizeof(vals[0]); v++) {
			if (strchr(fmts[f], 'x') || strchr(fmts[f], 'X') || strchr(fmts[f], 'o'))
				SAME(fmts[f], (unsigned)vals[v]);
			else
				SAME(fmts[f], vals[v]);
		}
	}
	SAME("%lu", 1234567890123ul);
	SAME("%-20lld|", -1234567890123ll);
	SAME("%20llx|", 0xdeadbeefcafeull);
}

static void test_pointer(void **state)
{
	(void)state;
	CHECK("0x1000", "%p", (void *)0x1000);
	CHECK("0x0", "%p", NULL);
	CHECK("0xffffffffffffffff", "%p", (void *)~(uintptr_t)0);
}

/* Formats the compiler would reject, passed through a helper it cannot check. */
static int unchecked(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static void test_unknown_conversion_is_shown(void **state)
{
	char b[32];
	(void)state;

	assert_int_equal(unchecked(b, sizeof(b), "a%qb", 0), 4);
	assert_string_equal(b, "a%qb");
	assert_int_equal(unchecked(b, sizeof(b), "end%", 0), 4);
	assert_string_equal(b, "end%");
}

static void test_truncation(void **state)
{
	char b[8];
	(void)state;

	memset(b, 'Z', sizeof(b));
	assert_int_equal(ksnprintf(b, sizeof(b), "%s", "0123456789"), 10);
	assert_string_equal(b, "0123456");
	assert_int_equal(ksnprintf(b, 1, "%d", 12345), 5);
	assert_string_equal(b, "");
	assert_int_equal(ksnprintf(NULL, 0, "%d", 12345), 5);
}

static void test_kprintf_reaches_the_port(void **state)
{
	(void)state;
	kit_test_output_reset();
	assert_int_equal(kprintf("x=%d\n", 5), 4);
	assert_string_equal(kit_test_output, "x=5\n");

	/* Longer than the line buffer: nothing lost, order kept. */
	char big[1000];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[500] = 'b';
	kit_test_output_reset();
	kprintf("%s|", big);
	assert_int_equal(kit_test_output_len, sizeof(big));
	assert_int_equal(kit_test_output[500], 'b');
	assert_int_equal(kit_test_output[sizeof(big) - 1], '|');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_integers),
	    cmocka_unit_test(test_width_and_flags),
	    cmocka_unit_test(test_matches_libc),
	    cmocka_unit_test(test_pointer),
	    cmocka_unit_test(test_unknown_conversion_is_shown),
	    cmocka_unit_test(test_truncation),
	    cmocka_unit_test(test_kprintf_reaches_the_port),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
