/*
 * BLAKE2s (RFC 7693): a hash of 1 to 32 bytes, keyed (a MAC, a PRF) or not.
 * The kit's random generator (components/random) hashes its entropy into a
 * pool with it and extracts keys from the pool, as Linux's does.
 *
 * blake2s_final() wipes the state, key material included. Pure functions of
 * their arguments; any context, no locks.
 *
 *	struct blake2s h;
 *	blake2s_init(&h, BLAKE2S_HASH_SIZE);
 *	blake2s_update(&h, data, len);    // as many times as needed
 *	blake2s_final(&h, digest);
 */
#ifndef KLIB_BLAKE2S_H
#define KLIB_BLAKE2S_H

#include <stddef.h>
#include <stdint.h>

#define BLAKE2S_HASH_SIZE  32 /* the largest digest, and the largest key */
#define BLAKE2S_BLOCK_SIZE 64

struct blake2s {
	uint32_t h[8];                   /* chained state */
	uint32_t t[2];                   /* bytes hashed so far (a 64-bit counter) */
	uint8_t buf[BLAKE2S_BLOCK_SIZE]; /* the block not yet compressed (the last one is kept) */
	size_t buflen;
	size_t outlen;
};

/* Unkeyed, an outlen-byte digest (1..32; out of range is taken as 32). */
void blake2s_init(struct blake2s *s, size_t outlen);

/* Keyed with keylen bytes of key (1..32; 0 is unkeyed, more is cut to 32). */
void blake2s_init_key(struct blake2s *s, size_t outlen, const void *key, size_t keylen);

void blake2s_update(struct blake2s *s, const void *in, size_t len);

/* Write the s->outlen-byte digest to out and wipe the state. */
void blake2s_final(struct blake2s *s, uint8_t *out);

/* All of it in one call: key may be NULL (keylen 0). */
void blake2s(uint8_t *out, size_t outlen, const void *key, size_t keylen, const void *in,
             size_t len);

#endif
