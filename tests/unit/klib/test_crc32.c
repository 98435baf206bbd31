/* klib's CRC-32 against the definition, bit by bit, over every byte value and split points. */
#include "kit_test.h"
#include <klib/crc32.h>

static uint32_t crc_bits(uint32_t crc, const uint8_t *b, size_t n)
{
	crc = ~crc;
	while (n--) {
		crc ^= *b++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

static void test_check_value(void **state)
{
	(void)state;
	assert_int_equal(kcrc32(0, "123456789", 9), 0xcbf43926u); /* the catalogue's check value */
	assert_int_equal(kcrc32(0, "", 0), 0);
	assert_int_equal(kcrc32(0x1234u, "", 0), 0x1234u);
}

static void test_against_the_definition(void **state)
{
	uint8_t buf[600];

	(void)state;
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 151 + (i >> 3)); /* every byte value, in several orders */
	for (size_t n = 0; n <= sizeof(buf); n += 7) {
		uint32_t want = crc_bits(0, buf, n);

		assert_int_equal(kcrc32(0, buf, n), want);
		/* In two pieces, the second continuing from the first. */
		assert_int_equal(kcrc32(kcrc32(0, buf, n / 3), buf + n / 3, n - n / 3), want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_check_value),
	    cmocka_unit_test(test_against_the_definition),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
