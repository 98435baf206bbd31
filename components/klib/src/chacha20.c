/*
 * ChaCha20 (RFC 8439, section 2), written from the RFC: the state is sixteen
 * 32-bit words read little-endian, twenty rounds alternate a column round and
 * a diagonal round of four quarter rounds each, and the block is the rounds'
 * result plus the input state.
 */
#include <klib/chacha20.h>
#include <klib/string.h>

static uint32_t rotl32(uint32_t v, unsigned n)
{
	return v << n | v >> (32 - n);
}

static uint32_t load32_le(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void store32_le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* RFC 8439, 2.1: a += b; d ^= a; d <<<= 16; c += d; b ^= c; b <<<= 12; and again with 8 and 7. */
static void quarter_round(uint32_t *x, int a, int b, int c, int d)
{
	x[a] += x[b];
	x[d] = rotl32(x[d] ^ x[a], 16);
	x[c] += x[d];
	x[b] = rotl32(x[b] ^ x[c], 12);
	x[a] += x[b];
	x[d] = rotl32(x[d] ^ x[a], 8);
	x[c] += x[d];
	x[b] = rotl32(x[b] ^ x[c], 7);
}

void chacha20_init(struct chacha20 *c, const uint8_t key[CHACHA20_KEY_SIZE], uint32_t counter,
                   const uint8_t nonce[CHACHA20_NONCE_SIZE])
{
	/* "expand 32-byte k" */
	c->s[0] = 0x61707865;
	c->s[1] = 0x3320646e;
	c->s[2] = 0x79622d32;
	c->s[3] = 0x6b206574;
	for (int i = 0; i < 8; i++)
		c->s[4 + i] = load32_le(key + 4 * i);
	c->s[12] = counter;
	for (int i = 0; i < 3; i++)
		c->s[13 + i] = load32_le(nonce + 4 * i);
}

void chacha20_block(struct chacha20 *c, uint8_t out[CHACHA20_BLOCK_SIZE])
{
	uint32_t x[16];

	memcpy(x, c->s, sizeof(x));
	for (int i = 0; i < 10; i++) {
		quarter_round(x, 0, 4, 8, 12);
		quarter_round(x, 1, 5, 9, 13);
		quarter_round(x, 2, 6, 10, 14);
		quarter_round(x, 3, 7, 11, 15);
		quarter_round(x, 0, 5, 10, 15);
		quarter_round(x, 1, 6, 11, 12);
		quarter_round(x, 2, 7, 8, 13);
		quarter_round(x, 3, 4, 9, 14);
	}
	for (int i = 0; i < 16; i++)
		store32_le(out + 4 * i, x[i] + c->s[i]);
	c->s[12]++;
	kmemzero_explicit(x, sizeof(x));
}

void chacha20_xor(struct chacha20 *c, uint8_t *buf, size_t len)
{
	uint8_t ks[CHACHA20_BLOCK_SIZE];

	while (len) {
		size_t n = len < sizeof(ks) ? len : sizeof(ks);

		chacha20_block(c, ks);
		for (size_t i = 0; i < n; i++)
			buf[i] ^= ks[i];
		buf += n;
		len -= n;
	}
	kmemzero_explicit(ks, sizeof(ks));
}

void chacha20_wipe(struct chacha20 *c)
{
	kmemzero_explicit(c, sizeof(*c));
}
