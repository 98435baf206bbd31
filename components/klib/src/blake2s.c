/*
 * BLAKE2s (RFC 7693), written from the RFC: 32-bit words, ten rounds of the
 * mixing function G over a 16-word work vector, message words picked by the
 * permutation table SIGMA, the SHA-256 initial values as IV, and a parameter
 * block (digest length, key length, fanout 1, depth 1) folded into h[0].
 */
#include <klib/blake2s.h>
#include <klib/string.h>

static const uint32_t blake2s_iv[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

// clang-format off
static const uint8_t blake2s_sigma[10][16] = {
	{  0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15 },
	{ 14, 10,  4,  8,  9, 15, 13,  6,  1, 12,  0,  2, 11,  7,  5,  3 },
	{ 11,  8, 12,  0,  5,  2, 15, 13, 10, 14,  3,  6,  7,  1,  9,  4 },
	{  7,  9,  3,  1, 13, 12, 11, 14,  2,  6,  5, 10,  4,  0, 15,  8 },
	{  9,  0,  5,  7,  2,  4, 10, 15, 14,  1, 11, 12,  6,  8,  3, 13 },
	{  2, 12,  6, 10,  0, 11,  8,  3,  4, 13,  7,  5, 15, 14,  1,  9 },
	{ 12,  5,  1, 15, 14, 13,  4, 10,  0,  7,  6,  3,  9,  2,  8, 11 },
	{ 13, 11,  7, 14, 12,  1,  3,  9,  5,  0, 15,  4,  8,  6,  2, 10 },
	{  6, 15, 14,  9, 11,  3,  0,  8, 12,  2, 13,  7,  1,  4, 10,  5 },
	{ 10,  2,  8,  4,  7,  6,  1,  5, 15, 11,  9, 14,  3, 12, 13,  0 },
};
// clang-format on

static uint32_t rotr32(uint32_t v, unsigned n)
{
	return v >> n | v << (32 - n);
}

static uint32_t load32_le(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* RFC 7693, 3.1: G with rotations 16, 12, 8, 7. */
static void mix(uint32_t *v, int a, int b, int c, int d, uint32_t x, uint32_t y)
{
	v[a] = v[a] + v[b] + x;
	v[d] = rotr32(v[d] ^ v[a], 16);
	v[c] = v[c] + v[d];
	v[b] = rotr32(v[b] ^ v[c], 12);
	v[a] = v[a] + v[b] + y;
	v[d] = rotr32(v[d] ^ v[a], 8);
	v[c] = v[c] + v[d];
	v[b] = rotr32(v[b] ^ v[c], 7);
}

/* RFC 7693, 3.2: compress one block; 'last' sets the final-block flag. */
static void compress(struct blake2s *s, const uint8_t *block, int last)
{
	uint32_t m[16], v[16];

	for (int i = 0; i < 16; i++)
		m[i] = load32_le(block + 4 * i);
	for (int i = 0; i < 8; i++) {
		v[i] = s->h[i];
		v[8 + i] = blake2s_iv[i];
	}
	v[12] ^= s->t[0];
	v[13] ^= s->t[1];
	if (last)
		v[14] = ~v[14];
	for (int r = 0; r < 10; r++) {
		const uint8_t *sg = blake2s_sigma[r];

		mix(v, 0, 4, 8, 12, m[sg[0]], m[sg[1]]);
		mix(v, 1, 5, 9, 13, m[sg[2]], m[sg[3]]);
		mix(v, 2, 6, 10, 14, m[sg[4]], m[sg[5]]);
		mix(v, 3, 7, 11, 15, m[sg[6]], m[sg[7]]);
		mix(v, 0, 5, 10, 15, m[sg[8]], m[sg[9]]);
		mix(v, 1, 6, 11, 12, m[sg[10]], m[sg[11]]);
		mix(v, 2, 7, 8, 13, m[sg[12]], m[sg[13]]);
		mix(v, 3, 4, 9, 14, m[sg[14]], m[sg[15]]);
	}
	for (int i = 0; i < 8; i++)
		s->h[i] ^= v[i] ^ v[8 + i];
	kmemzero_explicit(m, sizeof(m));
	kmemzero_explicit(v, sizeof(v));
}

static void count(struct blake2s *s, size_t n)
{
	s->t[0] += (uint32_t)n;
	if (s->t[0] < n)
		s->t[1]++;
}

void blake2s_init_key(struct blake2s *s, size_t outlen, const void *key, size_t keylen)
{
	if (outlen == 0 || outlen > BLAKE2S_HASH_SIZE)
		outlen = BLAKE2S_HASH_SIZE;
	if (!key)
		keylen = 0;
	if (keylen > BLAKE2S_HASH_SIZE)
		keylen = BLAKE2S_HASH_SIZE;
	memset(s, 0, sizeof(*s));
	memcpy(s->h, blake2s_iv, sizeof(s->h));
	s->h[0] ^= 0x01010000u | (uint32_t)keylen << 8 | (uint32_t)outlen;
	s->outlen = outlen;
	if (keylen) {
		/* The key, zero-padded, is the first block. */
		memcpy(s->buf, key, keylen);
		s->buflen = BLAKE2S_BLOCK_SIZE;
	}
}

void blake2s_init(struct blake2s *s, size_t outlen)
{
	blake2s_init_key(s, outlen, NULL, 0);
}

void blake2s_update(struct blake2s *s, const void *in, size_t len)
{
	const uint8_t *p = in;

	while (len) {
		size_t n;

		/* A full buffer is compressed only once more input shows it is not the last. */
		if (s->buflen == BLAKE2S_BLOCK_SIZE) {
			count(s, BLAKE2S_BLOCK_SIZE);
			compress(s, s->buf, 0);
			s->buflen = 0;
		}
		n = BLAKE2S_BLOCK_SIZE - s->buflen;
		if (n > len)
			n = len;
		memcpy(s->buf + s->buflen, p, n);
		s->buflen += n;
		p += n;
		len -= n;
	}
}

void blake2s_final(struct blake2s *s, uint8_t *out)
{
	uint8_t digest[BLAKE2S_HASH_SIZE];

	count(s, s->buflen);
	memset(s->buf + s->buflen, 0, BLAKE2S_BLOCK_SIZE - s->buflen);
	compress(s, s->buf, 1);
	for (int i = 0; i < 8; i++)
		for (int j = 0; j < 4; j++)
			digest[4 * i + j] = (uint8_t)(s->h[i] >> (8 * j));
	memcpy(out, digest, s->outlen);
	kmemzero_explicit(digest, sizeof(digest));
	kmemzero_explicit(s, sizeof(*s));
}

void blake2s(uint8_t *out, size_t outlen, const void *key, size_t keylen, const void *in,
             size_t len)
{
	struct blake2s s;

	blake2s_init_key(&s, outlen, key, keylen);
	blake2s_update(&s, in, len);
	blake2s_final(&s, out);
}
