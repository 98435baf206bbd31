/*
 * The kernel's random generator, built as Linux's (drivers/char/random.c):
 *
 *   entropy ──► input pool ──(extract, at most every RANDOM_RESEED_SECONDS)──► base key
 *               (BLAKE2s)                                                        │
 *                                          per-CPU key ◄──(fast key erasure)─────┘
 *                                               │
 *                             a fresh stream key per call ──► ChaCha20 key stream
 *
 * Entropy (the boot loader's seed, the host's getrandom, timer jitter) is
 * hashed into a BLAKE2s pool and credited with the bits its source vouches
 * for. Once 256 bits are credited the generator is ready (Linux's
 * crng_ready()), and from then on the pool seeds a base ChaCha20 key, again
 * every RANDOM_RESEED_SECONDS. Each CPU keeps a key of its own, renewed from
 * the base key whenever the base key changes. Every key is used for exactly
 * one ChaCha20 block and replaced at once by the first half of that block
 * ("fast key erasure"): a key read out of memory later says nothing about
 * what was produced before. A call gets a fresh stream key from its CPU's
 * key and makes its output from that, outside any lock.
 *
 * Before the generator is ready, output comes from whatever entropy has
 * been hashed in so far (Linux's GRND_INSECURE); random_ready() tells.
 *
 * Per-CPU state. The state a CPU uses is number hal_cpu_id() %
 * CONFIG_RANDOM_CPUS, taken with interrupts off and behind a lock of its
 * own, so two CPUs that share a number are still correct, only contended.
 * What an SMP kernel must provide: hal_cpu_id() numbering its CPUs densely
 * from 0 (or a per-CPU index in its place here), RANDOM_CPUS at least the
 * number of CPUs, random_init() on the boot CPU before any other CPU draws,
 * and hal spinlocks that exclude other CPUs (they are atomics already).
 *
 * Locks (raw spinlocks with interrupts off, never held on return): a CPU's
 * state, then the base key; the pool, then the base key. Every function may
 * be called from any context, interrupt handlers included, and none sleeps;
 * random_wait_ready() spins on the clock.
 */
#ifndef RANDOM_RANDOM_H
#define RANDOM_RANDOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <klib/chacha20.h>

#define RANDOM_READY_BITS                                                                          \
	256 /* credited bits that make the generator ready (Linux's POOL_READY_BITS) */

/*
 * Boot: hash in the platform's boot entropy (hal_boot_entropy(), credited
 * with CONFIG_RANDOM_TRUST_BOOTLOADER) and a first round of timer jitter.
 * Called once by kit_start() before anything draws.
 */
void random_init(void);

/* Have RANDOM_READY_BITS been credited (is the output unpredictable)? */
bool random_ready(void);

/*
 * Mix len bytes into the pool, credited with 'bits' of entropy (0 for data
 * that only might be unpredictable; at most 8 * len count). Crossing
 * RANDOM_READY_BITS makes the generator ready at once.
 */
void random_add_entropy(const void *buf, size_t len, unsigned bits);

/*
 * Gather timer jitter until the generator is ready (Linux's
 * try_to_generate_entropy: one bit per clock step whose length differs from
 * the step before). 0 once ready; -EAGAIN if the clock gave no usable
 * jitter in a million samples (a clock that does not move).
 */
int random_wait_ready(void);

/* len bytes of output (Linux's get_random_bytes); never fails. */
void random_bytes(void *buf, size_t len);

uint64_t random_u64(void);

/* Uniform in [0, ceil), without modulo bias; 0 when ceil is 0. */
uint64_t random_below(uint64_t ceil);

/*
 * A stream of output for one long request (getrandom of megabytes, copied
 * out piece by piece to memory that may fault): its own ChaCha20 key, taken
 * from the CPU's key, so reading it holds no lock. Wipe it when done.
 *
 *	struct random_stream st;
 *	random_stream_start(&st);
 *	while (...)
 *		random_stream_read(&st, chunk, n);   // n <= 256 GiB in all
 *	random_stream_end(&st);
 */
struct random_stream {
	struct chacha20 c;
};
void random_stream_start(struct random_stream *st);
void random_stream_read(struct random_stream *st, void *buf, size_t len);
void random_stream_end(struct random_stream *st);

#endif
