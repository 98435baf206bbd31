/*
 * The ChaCha20 generator: a base key seeded from the pool, one key per CPU
 * renewed from it when it changes, and a fresh stream key per request. Each
 * key makes one ChaCha20 block: its first half replaces the key, its second
 * half is what the caller gets (fast key erasure, as Linux's crng).
 */
#include <hal/cpu.h>
#include <hal/spinlock.h>
#include <hal/time.h>
#include <klib/compiler.h>
#include <klib/string.h>
#include "random_internal.h"

#define RESEED_NS ((uint64_t)CONFIG_RANDOM_RESEED_SECONDS * 1000000000u)

static struct {
	hal_spinlock_t lock;
	/* Guarded by lock. */
	uint8_t key[RANDOM_KEY_SIZE];
	uint64_t generation; /* counts reseeds; read without the lock to see a change */
	uint64_t seeded_ns;  /* hal_time_ns() of the last reseed */
} base = {.lock = HAL_SPINLOCK_INIT};

/* One per CPU, a cache line each, so that CPUs do not share lines. */
struct crng_cpu {
	hal_spinlock_t lock;
	/* Guarded by lock. */
	uint8_t key[RANDOM_KEY_SIZE];
	uint64_t generation; /* base.generation the key comes from; 0: none yet */
} KIT_ALIGNED(64);

static struct crng_cpu cpus[CONFIG_RANDOM_CPUS];

static const uint8_t zero_nonce[CHACHA20_NONCE_SIZE];

/* One block from key: its first 32 bytes become the key, the next n (<= 32) go to out. */
static void fast_key_erasure(uint8_t key[RANDOM_KEY_SIZE], uint8_t *out, size_t n)
{
	uint8_t block[CHACHA20_BLOCK_SIZE];
	struct chacha20 c;

	chacha20_init(&c, key, 0, zero_nonce);
	chacha20_block(&c, block);
	memcpy(key, block, RANDOM_KEY_SIZE);
	memcpy(out, block + RANDOM_KEY_SIZE, n);
	chacha20_wipe(&c);
	kmemzero_explicit(block, sizeof(block));
}

void crng_reseed(void)
{
	uint8_t key[RANDOM_KEY_SIZE];
	unsigned long flags;

	pool_extract(key);
	flags = hal_spin_lock_irqsave(&base.lock);
	memcpy(base.key, key, sizeof(key));
	WRITE_ONCE(base.generation, base.generation + 1);
	base.seeded_ns = hal_time_ns();
	hal_spin_unlock_irqrestore(&base.lock, flags);
	kmemzero_explicit(key, sizeof(key));
}

static bool crng_old(void)
{
	uint64_t now = hal_time_ns(), then;
	unsigned long flags = hal_spin_lock_irqsave(&base.lock);

	then = base.seeded_ns;
	hal_spin_unlock_irqrestore(&base.lock, flags);
	return now - then >= RESEED_NS;
}

/* Straight from the base key: before the generator is ready, and to renew a CPU's key. */
static void crng_from_base(uint8_t *out, size_t n)
{
	hal_spin_lock(&base.lock);
	fast_key_erasure(base.key, out, n);
	hal_spin_unlock(&base.lock);
}

/* The calling CPU's id; the unit tests build this file with their own, to play several CPUs. */
#ifndef RANDOM_CPU_ID
#define RANDOM_CPU_ID() hal_cpu_id()
#endif

/*
 * Which state this CPU uses: see random.h for what an SMP kernel provides.
 * Called with interrupts off, so the task cannot move to another CPU.
 */
static struct crng_cpu *crng_this_cpu(void)
{
	return &cpus[RANDOM_CPU_ID() % CONFIG_RANDOM_CPUS];
}

/* A key for one request's stream (Linux's crng_make_state). */
static void crng_stream_key(uint8_t out[RANDOM_KEY_SIZE])
{
	unsigned long flags;
	struct crng_cpu *c;

	/* Never seeded (nothing called random_init): at least the pool's clock sample goes in. */
	if (READ_ONCE(base.generation) == 0 || (random_ready() && crng_old()))
		crng_reseed();
	flags = hal_irq_save();
	if (!random_ready()) {
		crng_from_base(out, RANDOM_KEY_SIZE);
		hal_irq_restore(flags);
		return;
	}
	c = crng_this_cpu();
	hal_spin_lock(&c->lock);
	if (c->generation != READ_ONCE(base.generation)) {
		uint64_t gen = READ_ONCE(base.generation);

		crng_from_base(c->key, RANDOM_KEY_SIZE);
		c->generation = gen;
	}
	fast_key_erasure(c->key, out, RANDOM_KEY_SIZE);
	hal_spin_unlock(&c->lock);
	hal_irq_restore(flags);
}

void random_stream_start(struct random_stream *st)
{
	uint8_t key[RANDOM_KEY_SIZE];

	crng_stream_key(key);
	chacha20_init(&st->c, key, 0, zero_nonce);
	kmemzero_explicit(key, sizeof(key));
}

void random_stream_read(struct random_stream *st, void *buf, size_t len)
{
	memset(buf, 0, len);
	chacha20_xor(&st->c, buf, len);
}

void random_stream_end(struct random_stream *st)
{
	chacha20_wipe(&st->c);
}

void random_bytes(void *buf, size_t len)
{
	struct random_stream st;

	random_stream_start(&st);
	random_stream_read(&st, buf, len);
	random_stream_end(&st);
}

uint64_t random_u64(void)
{
	uint64_t v;

	random_bytes(&v, sizeof(v));
	return v;
}

uint64_t random_below(uint64_t ceil)
{
	/* Values below 2^64 mod ceil would make the low results likelier: draw again. */
	uint64_t floor, r;

	if (ceil == 0)
		return 0;
	floor = -ceil % ceil;
	do
		r = random_u64();
	while (r < floor);
	return r % ceil;
}
