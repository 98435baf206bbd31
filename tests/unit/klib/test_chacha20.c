/*
 * ChaCha20 against RFC 8439's known answers: the block function of section
 * 2.3.2, the encryption of section 2.4.2 ("sunscreen"), the five blocks of
 * appendix A.1 and the third encryption of appendix A.2 (the counter at
 * 42); then what the kit relies on beyond the RFC: the counter moves on by
 * one per block, a partial block's remainder is never reused, and wiping
 * leaves no key behind.
 */
#include "kit_test.h"
#include <klib/chacha20.h>
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

static void seq_key(uint8_t key[32])
{
	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)i;
}

static void check_block(const uint8_t *key, uint32_t counter, const char *nonce_hex,
                        const char *want_hex)
{
	uint8_t nonce[12], want[64], got[64];
	struct chacha20 c;

	assert_int_equal(unhex(nonce_hex, nonce, sizeof(nonce)), 12);
	assert_int_equal(unhex(want_hex, want, sizeof(want)), 64);
	chacha20_init(&c, key, counter, nonce);
	chacha20_block(&c, got);
	assert_memory_equal(got, want, 64);
	assert_int_equal(c.s[12], counter + 1);
}

static void test_rfc_2_3_2_block(void **state)
{
	uint8_t key[32];

	(void)state;
	seq_key(key);
	check_block(key, 1, "000000090000004a00000000",
	            "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
	            "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e");
}

static void test_rfc_a_1_blocks(void **state)
{
	uint8_t zero[32] = {0}, one[32] = {0}, ff[32] = {0};

	(void)state;
	one[31] = 1;
	ff[1] = 0xff;
	check_block(zero, 0, "000000000000000000000000",
	            "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
	            "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586");
	check_block(zero, 1, "000000000000000000000000",
	            "9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed"
	            "29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f");
	check_block(one, 1, "000000000000000000000000",
	            "3aeb5224ecf849929b9d828db1ced4dd832025e8018b8160b82284f3c949aa5a"
	            "8eca00bbb4a73bdad192b5c42f73f2fd4e273644c8b36125a64addeb006c13a0");
	check_block(ff, 2, "000000000000000000000000",
	            "72d54dfbf12ec44b362692df94137f328fea8da73990265ec1bbbea1ae9af0ca"
	            "13b25aa26cb4a648cb9b9d1be65b2c0924a66c54d545ec1b7374f4872e99f096");
	check_block(zero, 0, "000000000000000000000002",
	            "c2c64d378cd536374ae204b9ef933fcd1a8b2288b3dfa49672ab765b54ee27c7"
	            "8a970e0e955c14f3a88e741b97c286f75f8fc299e8148362fa198a39531bed6d");
}

static void check_xor(const uint8_t *key, uint32_t counter, const char *nonce_hex, const char *text,
                      const char *want_hex)
{
	uint8_t nonce[12], want[256], buf[256];
	size_t len = strlen(text);
	struct chacha20 c;

	assert_int_equal(unhex(nonce_hex, nonce, sizeof(nonce)), 12);
	assert_int_equal(unhex(want_hex, want, sizeof(want)), len);
	memcpy(buf, text, len);
	chacha20_init(&c, key, counter, nonce);
	chacha20_xor(&c, buf, len);
	assert_memory_equal(buf, want, len);
	/* Decryption is the same operation. */
	chacha20_init(&c, key, counter, nonce);
	chacha20_xor(&c, buf, len);
	assert_memory_equal(buf, text, len);
}

static void test_rfc_2_4_2_sunscreen(void **state)
{
	uint8_t key[32];

	(void)state;
	seq_key(key);
	check_xor(key, 1, "000000000000004a00000000",
	          "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for "
	          "the future, sunscreen would be it.",
	          "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b"
	          "f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8"
	          "07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736"
	          "5af90bbf74a35be6b40b8eedf2785e42874d");
}

static void test_rfc_a_2_jabberwocky(void **state)
{
	uint8_t key[32];

	(void)state;
	assert_int_equal(unhex("1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0",
	                       key, sizeof(key)),
	                 32);
	check_xor(key, 42, "000000000000000000000002",
	          "'Twas brillig, and the slithy toves\nDid gyre and gimble in the wabe:\n"
	          "All mimsy were the borogoves,\nAnd the mome raths outgrabe.",
	          "62e6347f95ed87a45ffae7426f27a1df5fb69110044c0d73118effa95b01e5cf"
	          "166d3df2d721caf9b21e5fb14c616871fd84c54f9d65b283196c7fe4f60553eb"
	          "f39c6402c42234e32a356b3e764312a61a5532055716ead6962568f87d3f3f77"
	          "04c6a8d1bcd1bf4d50d6154b6da731b187b58dfd728afa36757a797ac188d1");
}

/* A partial block's unused key stream is dropped: the next call starts at the next block. */
static void test_partial_block_not_reused(void **state)
{
	uint8_t key[32], nonce[12] = {0}, a[64 + 10] = {0}, b[10] = {0}, blocks[3][64];
	struct chacha20 c;

	(void)state;
	seq_key(key);
	chacha20_init(&c, key, 7, nonce);
	for (int i = 0; i < 3; i++)
		chacha20_block(&c, blocks[i]);
	chacha20_init(&c, key, 7, nonce);
	chacha20_xor(&c, a, sizeof(a)); /* blocks 7 and 8 (part of it) */
	chacha20_xor(&c, b, sizeof(b)); /* block 9, not the rest of 8 */
	assert_memory_equal(a, blocks[0], 64);
	assert_memory_equal(a + 64, blocks[1], 10);
	assert_memory_equal(b, blocks[2], 10);
	assert_int_equal(c.s[12], 10);
}

static void test_wipe(void **state)
{
	uint8_t key[32], nonce[12] = {0};
	struct chacha20 c, zero;

	(void)state;
	seq_key(key);
	chacha20_init(&c, key, 0, nonce);
	chacha20_wipe(&c);
	memset(&zero, 0, sizeof(zero));
	assert_memory_equal(&c, &zero, sizeof(c));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc_2_3_2_block),
	    cmocka_unit_test(test_rfc_a_1_blocks),
	    cmocka_unit_test(test_rfc_2_4_2_sunscreen),
	    cmocka_unit_test(test_rfc_a_2_jabberwocky),
	    cmocka_unit_test(test_partial_block_not_reused),
	    cmocka_unit_test(test_wipe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
