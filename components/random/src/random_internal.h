/* random's internals shared by pool.c and crng.c. */
#ifndef RANDOM_INTERNAL_H
#define RANDOM_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <random/random.h>

#define RANDOM_KEY_SIZE CHACHA20_KEY_SIZE

/* The pool (pool.c). Extract a new key; the pool chains on to a key of its own. */
void pool_extract(uint8_t out[RANDOM_KEY_SIZE]);

/* The base key (crng.c): a new one from the pool. */
void crng_reseed(void);

#endif
