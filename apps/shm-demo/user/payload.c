/*
 * Message payloads: a pure function of (producer, sequence number), so the
 * parent can recompute every byte any producer should have sent, and the
 * totals are the same on every machine and every run.
 *
 * The bytes come from splitmix64 seeded with the pair; the length is 1 to
 * 'max' bytes. The checksum is 64-bit FNV-1a: byte by byte, so a flipped
 * bit, a lost byte or two swapped bytes all change it.
 */
#include "shm_demo.h"

#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME  0x100000001b3ull

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Write the payload of (producer, seq) to buf (room for 'max' bytes) and
 * its checksum to *sum; return its length. */
uint32_t payload_fill(unsigned char *buf, uint32_t producer, uint32_t seq, uint32_t max,
                      uint64_t *sum)
{
	uint64_t state = (uint64_t)producer << 32 | seq;
	uint32_t len = 1 + (uint32_t)(splitmix64(&state) % max);
	uint64_t bits = 0;

	for (uint32_t i = 0; i < len; i++) {
		if (i % 8 == 0)
			bits = splitmix64(&state);
		buf[i] = (unsigned char)(bits >> (i % 8 * 8));
	}
	*sum = payload_sum(buf, len);
	return len;
}

uint64_t payload_sum(const unsigned char *buf, uint32_t len)
{
	uint64_t h = FNV_OFFSET;

	for (uint32_t i = 0; i < len; i++)
		h = (h ^ buf[i]) * FNV_PRIME;
	return h;
}
