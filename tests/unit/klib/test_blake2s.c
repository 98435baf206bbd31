/*
 * BLAKE2s against known answers: RFC 7693's "abc" (appendix B) and the
 * empty message; the BLAKE2 reference's keyed vectors (key 00..1f, message
 * 00..n-1) around the block boundaries, where a hash that compresses its
 * last block too early goes wrong; a short digest and a short key (the
 * parameter block). Reference values also agree with Python's hashlib.
 * Then: feeding the message in pieces gives the same digest, and final
 * leaves nothing of the state.
 */
#include "kit_test.h"
#include <klib/blake2s.h>
#include <string.h>

static size_t unhex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;
	int hi = -1;

	for (; *s; s++) {
		int v = *s >= '0' && *s <= '9'   ? *s - '0'
		        : *s >= 'a' && *s <= 'f' ? *s - 'a' + 10
		                                 : -1;
		if (v < 0)
			continue;
		if (hi < 0) {
			hi = v;
		} else {
			assert_true(n < max);
			out[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	return n;
}

static void check(const void *key, size_t keylen, const void *msg, size_t len, const char *want_hex)
{
	uint8_t want[32], got[32];
	size_t outlen = unhex(want_hex, want, sizeof(want));

	blake2s(got, outlen, key, keylen, msg, len);
	assert_memory_equal(got, want, outlen);
}

static void test_rfc_7693_abc(void **state)
{
	(void)state;
	check(NULL, 0, "abc", 3,
	      "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982");
	check(NULL, 0, "", 0, "69217a3079908094e11121d042354a7c1f55b6482ca1a51e1b250dfd1ed0eef9");
}

static void test_keyed_block_boundaries(void **state)
{
	static const struct {
		size_t len;
		const char *hash;
	} kat[] = {
	    {0, "48a8997da407876b3d79c0d92325ad3b89cbb754d86ab71aee047ad345fd2c49"},
	    {1, "40d15fee7c328830166ac3f918650f807e7e01e177258cdc0a39b11f598066f1"},
	    {63, "c65382513f07460da39833cb666c5ed82e61b9e998f4b0c4287cee56c3cc9bcd"},
	    {64, "8975b0577fd35566d750b362b0897a26c399136df07bababbde6203ff2954ed4"},
	    {65, "21fe0ceb0052be7fb0f004187cacd7de67fa6eb0938d927677f2398c132317a8"},
	    {255, "3fb735061abc519dfe979e54c1ee5bfad0a9d858b3315bad34bde999efd724dd"},
	};
	uint8_t key[32], msg[255];

	(void)state;
	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)i;
	for (int i = 0; i < 255; i++)
		msg[i] = (uint8_t)i;
	for (size_t i = 0; i < sizeof(kat) / sizeof(kat[0]); i++)
		check(key, 32, msg, kat[i].len, kat[i].hash);
}

static void test_parameters(void **state)
{
	(void)state;
	check(NULL, 0, "abc", 3, "aa4938119b1dc7b87cbad0ffd200d0ae"); /* 16-byte digest */
	check("12345", 5, "The quick brown fox", 19, "7a2108e0b206ea0199ab8c61c8ac8b0b3c693c0a");
}

static void test_pieces_equal_whole(void **state)
{
	uint8_t msg[300], whole[32], pieces[32];
	struct blake2s h;

	(void)state;
	for (int i = 0; i < 300; i++)
		msg[i] = (uint8_t)(i * 7);
	blake2s(whole, 32, "k", 1, msg, sizeof(msg));
	for (size_t step = 1; step <= 130; step += 13) {
		blake2s_init_key(&h, 32, "k", 1);
		for (size_t off = 0; off < sizeof(msg); off += step)
			blake2s_update(&h, msg + off,
			               sizeof(msg) - off < step ? sizeof(msg) - off : step);
		blake2s_final(&h, pieces);
		assert_memory_equal(pieces, whole, 32);
	}
}

static void test_final_wipes(void **state)
{
	struct blake2s h, zero;
	uint8_t out[32];

	(void)state;
	blake2s_init_key(&h, 32, "secret", 6);
	blake2s_update(&h, "x", 1);
	blake2s_final(&h, out);
	memset(&zero, 0, sizeof(zero));
	assert_memory_equal(&h, &zero, sizeof(h));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc_7693_abc), cmocka_unit_test(test_keyed_block_boundaries),
	    cmocka_unit_test(test_parameters),   cmocka_unit_test(test_pieces_equal_whole),
	    cmocka_unit_test(test_final_wipes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
