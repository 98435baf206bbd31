/*
 * The input pool: every input is hashed into one BLAKE2s state, and the bits
 * its source vouches for are credited, up to RANDOM_READY_BITS. Extracting
 * (as Linux's extract_entropy) finishes the hash into a seed, derives from
 * that seed both the output key and the key the pool's next hash starts
 * from, and forgets the seed: what leaks of the pool later says nothing
 * about keys already extracted.
 */
#include <hal/boot.h>
#include <hal/spinlock.h>
#include <hal/time.h>
#include <klib/blake2s.h>
#include <klib/compiler.h>
#include <klib/errno.h>
#include <klib/log.h>
#include <klib/string.h>
#include "random_internal.h"

#define JITTER_BOOT_SAMPLES 64        /* mixed in at boot whatever else there is */
#define JITTER_MAX_SAMPLES  (1 << 16) /* random_wait_ready gives up after these */
#define JITTER_MAX_SPINS    (1 << 10) /* clock reads waiting for one step */

static struct {
	hal_spinlock_t lock;
	/* Guarded by lock. */
	bool started;
	struct blake2s hash;
	unsigned credited; /* up to RANDOM_READY_BITS */
} pool = {.lock = HAL_SPINLOCK_INIT};

static bool ready; /* set once, after the first base key from a full pool is in place */

bool random_ready(void)
{
	return __atomic_load_n(&ready, __ATOMIC_ACQUIRE);
}

static void pool_start_locked(void)
{
	if (!pool.started) {
		blake2s_init(&pool.hash, BLAKE2S_HASH_SIZE);
		pool.started = true;
	}
}

void random_add_entropy(const void *buf, size_t len, unsigned bits)
{
	unsigned long flags;
	bool was_ready = random_ready(), crossed;

	if (bits / 8 > len)
		bits = (unsigned)(len * 8);
	flags = hal_spin_lock_irqsave(&pool.lock);
	pool_start_locked();
	blake2s_update(&pool.hash, buf, len);
	crossed = pool.credited < RANDOM_READY_BITS && pool.credited + bits >= RANDOM_READY_BITS;
	pool.credited = MIN(pool.credited + bits, (unsigned)RANDOM_READY_BITS);
	hal_spin_unlock_irqrestore(&pool.lock, flags);
	/* Until it is ready, every input reaches the base key at once (Linux:
	 * crng_pre_init_inject). */
	if (crossed || !was_ready)
		crng_reseed();
	if (crossed)
		__atomic_store_n(&ready, true, __ATOMIC_RELEASE);
}

void pool_extract(uint8_t out[RANDOM_KEY_SIZE])
{
	uint8_t seed[BLAKE2S_HASH_SIZE], next[BLAKE2S_HASH_SIZE];
	uint64_t now = hal_time_ns();
	unsigned long flags;

	flags = hal_spin_lock_irqsave(&pool.lock);
	pool_start_locked();
	blake2s_update(&pool.hash, &now, sizeof(now));
	blake2s_final(&pool.hash, seed);
	/* Two keys from the seed, told apart by one byte: the pool's next start and the output. */
	blake2s(next, sizeof(next), seed, sizeof(seed), "\0", 1);
	blake2s_init_key(&pool.hash, BLAKE2S_HASH_SIZE, next, sizeof(next));
	hal_spin_unlock_irqrestore(&pool.lock, flags);
	blake2s(out, RANDOM_KEY_SIZE, seed, sizeof(seed), "\1", 1);
	kmemzero_explicit(seed, sizeof(seed));
	kmemzero_explicit(next, sizeof(next));
}

/* One clock step: the low half of the time it ended (the high half says
 * nothing a reader of the clock would not know) and how many reads it took. */
struct jitter_sample {
	uint32_t now, spins;
};

/*
 * Up to 'samples' clock steps hashed in. A step counts one bit when its
 * length differs from the last one (Linux credits one bit per timer expiry
 * the same way): a clock that ticks like a metronome gives none. Until
 * ready, each step goes in as it is taken, so that waiting stops as soon
 * as the pool is; otherwise (the boot's mixing-in) they go in as one input,
 * one reseed and 8 bytes a step to hash.
 */
static void jitter(unsigned samples, bool until_ready)
{
	struct jitter_sample batch[JITTER_BOOT_SAMPLES];
	uint64_t prev = hal_time_ns(), prev_step = 0, now;
	unsigned n = 0, bits = 0;

	for (unsigned i = 0; i < samples && !(until_ready && random_ready()); i++) {
		struct jitter_sample s = {0, 0};
		uint64_t step;

		do
			now = hal_time_ns();
		while (now == prev && ++s.spins < JITTER_MAX_SPINS);
		s.now = (uint32_t)now;
		step = now - prev;
		if (until_ready || n == JITTER_BOOT_SAMPLES) {
			random_add_entropy(&s, sizeof(s), step && step != prev_step ? 1 : 0);
		} else {
			batch[n++] = s;
			bits += step && step != prev_step ? 1 : 0;
		}
		prev = now;
		prev_step = step;
	}
	if (n)
		random_add_entropy(batch, n * sizeof(batch[0]), bits);
	kmemzero_explicit(batch, sizeof(batch));
}

int random_wait_ready(void)
{
	if (!random_ready())
		jitter(JITTER_MAX_SAMPLES, true);
	return random_ready() ? 0 : -EAGAIN;
}

void random_init(void)
{
	uint8_t seed[64];
	size_t n = hal_boot_entropy(seed, sizeof(seed));
#ifdef CONFIG_RANDOM_TRUST_BOOTLOADER
	unsigned bits = (unsigned)(n * 8);
#else
	unsigned bits = 0;
#endif

	if (n)
		random_add_entropy(seed, n, bits);
	kmemzero_explicit(seed, sizeof(seed));
	jitter(JITTER_BOOT_SAMPLES, false);
	klog_info("random", "%zu bytes of boot entropy (%u bits credited); %s", n, bits,
	          random_ready() ? "ready" : "not ready: waits for timer jitter");
}
