/* klib's own mem/string implementations (klib_*), against the C library. */
#include "kit_test.h"
#include <klib/errno.h>
#include <klib/string.h>
#include <stdlib.h>

static void fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed * 31 + i * 7);
}

/* The reference: one byte at a time, through a copy when the two overlap. */
static void byte_move(unsigned char *d, const unsigned char *s, size_t n)
{
	unsigned char tmp[400];

	for (size_t i = 0; i < n; i++)
		tmp[i] = s[i];
	for (size_t i = 0; i < n; i++)
		d[i] = tmp[i];
}

/*
 * Every pair of source and destination alignments and every length through
 * the byte head, the unrolled word loops and their tails. The source is a
 * heap block of exactly the bytes to copy, so ASan reports a read of any
 * byte outside them (the words at a misaligned run's ends are partial).
 */
static void test_memcpy_all_alignments(void **state)
{
	unsigned char dst[320], ref[320];
	(void)state;

	for (size_t so = 0; so < 8; so++)
		for (size_t d = 0; d < 8; d++)
			for (size_t n = 0; n <= 300; n++) {
				unsigned char *block = malloc(so + n ? so + n : 1), *src;

				assert_non_null(block);
				src = block + so;
				fill(block, so + n, (unsigned)(so + n + d));
				memset(dst, 0xee, sizeof(dst));
				memset(ref, 0xee, sizeof(ref));
				byte_move(ref + d, src, n);
				assert_ptr_equal(klib_memcpy(dst + d, src, n), dst + d);
				assert_memory_equal(dst, ref, sizeof(dst));
				free(block);
			}
}

/* Overlapping moves both ways, every pair of alignments, lengths 0..300. */
static void test_memmove_overlaps(void **state)
{
	unsigned char a[340], b[340];
	(void)state;

	for (size_t from = 0; from < 24; from++)
		for (size_t to = 0; to < 24; to++)
			for (size_t n = 0; n <= 300; n++) {
				fill(a, sizeof(a), (unsigned)(n + from));
				memcpy(b, a, sizeof(a));
				byte_move(b + to, b + from, n);
				assert_ptr_equal(klib_memmove(a + to, a + from, n), a + to);
				assert_memory_equal(a, b, sizeof(a));
			}
}

/* A move inside one exact heap block, so a read past either end of the source is reported. */
static void test_memmove_reads_only_its_bytes(void **state)
{
	(void)state;

	for (size_t off = 0; off < 8; off++)
		for (size_t n = 1; n <= 100; n++)
			for (size_t shift = 1; shift < 20; shift++) {
				size_t size = off + n + shift;
				unsigned char *p = malloc(size), *q = malloc(size);

				assert_non_null(p);
				assert_non_null(q);
				fill(p, size, (unsigned)(n * shift));
				memcpy(q, p, size);
				klib_memmove(p + off + shift, p + off, n); /* up: backwards */
				byte_move(q + off + shift, q + off, n);
				assert_memory_equal(p, q, size);
				klib_memmove(p + off, p + off + shift, n); /* down: forwards */
				byte_move(q + off, q + off + shift, n);
				assert_memory_equal(p, q, size);
				free(p);
				free(q);
			}
}

static void test_memset_and_memcmp(void **state)
{
	unsigned char a[620], b[620];
	(void)state;

	/* Every alignment, and lengths through the byte head, the 32-word and
	 * eight-word loops, the word tail and the byte tail; the reference is a
	 * byte loop. */
	for (size_t off = 0; off < 8; off++)
		for (size_t n = 0; n < 600; n++) {
			for (size_t i = 0; i < sizeof(a); i++)
				a[i] = b[i] = 1;
			for (size_t i = 0; i < n; i++)
				b[off + i] = 0xab;
			assert_ptr_equal(klib_memset(a + off, 0xab, n), a + off);
			assert_memory_equal(a, b, sizeof(a));
		}
	assert_int_equal(klib_memcmp("abc", "abc", 3), 0);
	assert_true(klib_memcmp("abc", "abd", 3) < 0);
	assert_true(klib_memcmp("\xff", "\x01", 1) > 0); /* unsigned bytes */
	assert_int_equal(klib_memcmp("a", "b", 0), 0);
}

static void test_strings(void **state)
{
	(void)state;
	assert_int_equal(klib_strlen(""), 0);
	assert_int_equal(klib_strlen("hello"), 5);
	assert_int_equal(klib_strnlen("hello", 3), 3);
	assert_int_equal(klib_strnlen("hi", 10), 2);
	assert_int_equal(klib_strcmp("a", "a"), 0);
	assert_true(klib_strcmp("a", "b") < 0);
	assert_true(klib_strcmp("ab", "a") > 0);
	assert_true(klib_strcmp("\x80", "a") > 0);
	assert_int_equal(klib_strncmp("abcx", "abcy", 3), 0);
	assert_true(klib_strncmp("abcx", "abcy", 4) < 0);
	const char *s = "a/b/c";
	assert_ptr_equal(klib_strchr(s, '/'), s + 1);
	assert_ptr_equal(klib_strrchr(s, '/'), s + 3);
	assert_ptr_equal(klib_strchr(s, '\0'), s + 5);
	assert_null(klib_strchr(s, 'z'));
	assert_null(klib_strrchr(s, 'z'));
}

static void test_kstrlcpy(void **state)
{
	char b[4];
	(void)state;

	assert_int_equal(kstrlcpy(b, "ab", sizeof(b)), 2);
	assert_string_equal(b, "ab");
	assert_int_equal(kstrlcpy(b, "abcdef", sizeof(b)), 6);
	assert_string_equal(b, "abc");
	b[0] = 'q';
	assert_int_equal(kstrlcpy(b, "xyz", 0), 3);
	assert_int_equal(b[0], 'q');
}

static void test_kstrtou64(void **state)
{
	unsigned long long v;
	const char *end;
	(void)state;

	assert_int_equal(kstrtou64("123", 10, &v, NULL), 0);
	assert_int_equal(v, 123);
	assert_int_equal(kstrtou64("0x1F", 0, &v, NULL), 0);
	assert_int_equal(v, 31);
	assert_int_equal(kstrtou64("017", 0, &v, NULL), 0);
	assert_int_equal(v, 15);
	assert_int_equal(kstrtou64("0", 0, &v, NULL), 0);
	assert_int_equal(v, 0);
	assert_int_equal(kstrtou64("18446744073709551615", 10, &v, NULL), 0);
	assert_true(v == 18446744073709551615ull);
	assert_int_equal(kstrtou64("18446744073709551616", 10, &v, NULL), -ERANGE);
	assert_int_equal(kstrtou64("", 10, &v, NULL), -EINVAL);
	assert_int_equal(kstrtou64("12x", 10, &v, NULL), -EINVAL);
	assert_int_equal(kstrtou64("12x", 10, &v, &end), 0);
	assert_int_equal(v, 12);
	assert_string_equal(end, "x");
	assert_int_equal(kstrtou64("5", 1, &v, NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_memcpy_all_alignments),
	    cmocka_unit_test(test_memmove_overlaps),
	    cmocka_unit_test(test_memmove_reads_only_its_bytes),
	    cmocka_unit_test(test_memset_and_memcmp),
	    cmocka_unit_test(test_strings),
	    cmocka_unit_test(test_kstrlcpy),
	    cmocka_unit_test(test_kstrtou64),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
