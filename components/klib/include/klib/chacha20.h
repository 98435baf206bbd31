/*
 * ChaCha20 as RFC 8439 (section 2) defines it: a 256-bit key, a 32-bit block
 * counter and a 96-bit nonce make a 64-byte block of key stream. No Poly1305
 * and no AEAD: the kit uses the cipher as the core of its random generator
 * (components/random), where the key stream itself is the output.
 *
 * The state holds the key: whoever is done with one wipes it
 * (chacha20_wipe), so that a later leak of memory does not reveal what it
 * produced. Pure functions of their arguments; any context, no locks.
 *
 *	struct chacha20 c;
 *	chacha20_init(&c, key, 1, nonce);
 *	chacha20_xor(&c, buf, len);   // encrypts, or decrypts, in place
 *	chacha20_wipe(&c);
 */
#ifndef KLIB_CHACHA20_H
#define KLIB_CHACHA20_H

#include <stddef.h>
#include <stdint.h>

#define CHACHA20_KEY_SIZE   32
#define CHACHA20_NONCE_SIZE 12
#define CHACHA20_BLOCK_SIZE 64

struct chacha20 {
	uint32_t s[16]; /* constants, key, block counter, nonce (RFC 8439, 2.3) */
};

/* A state for 'key' and 'nonce' whose next block is number 'counter'. */
void chacha20_init(struct chacha20 *c, const uint8_t key[CHACHA20_KEY_SIZE], uint32_t counter,
                   const uint8_t nonce[CHACHA20_NONCE_SIZE]);

/* The next block of key stream (the block function, 2.3); the counter moves on by one. */
void chacha20_block(struct chacha20 *c, uint8_t out[CHACHA20_BLOCK_SIZE]);

/*
 * XOR the key stream into buf (2.4: encryption and decryption alike). Each
 * call starts at the next whole block: what a partial last block left over
 * is dropped, never reused. The 32-bit counter limits one state to 2^32
 * blocks (256 GiB), as the RFC does; the caller keeps below that.
 */
void chacha20_xor(struct chacha20 *c, uint8_t *buf, size_t len);

/* Overwrite the state (key included) so that it cannot be read back. */
void chacha20_wipe(struct chacha20 *c);

#endif
