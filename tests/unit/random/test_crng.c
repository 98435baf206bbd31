/*
 * The generator's construction, checked from the inside: crng.c is built
 * into this test (its state is static) over a pool that hands out keys the
 * test chooses and a CPU id the test sets. Every output and every key left
 * in memory is then known in advance, computed here with klib's ChaCha20
 * (which has RFC 8439's known answers):
 *
 *   - fast key erasure: each key makes one ChaCha20 block whose first half
 *     replaces it; the key that made an output is gone from memory;
 *   - per-CPU state: a CPU's keys follow their own chain, which draws on
 *     other CPUs do not touch; CPU ids RANDOM_CPUS apart share a chain;
 *   - reseeding: a new base key (by age or by the pool) renews every CPU's
 *     key from it before its next draw.
 */
#include "kit_test.h"
#include "fake_env.h"

#define RANDOM_CPU_ID() fake_cpu_id()
#include "crng.c" /* components/random/src: the unit under test, with its statics */

_Static_assert(CONFIG_RANDOM_CPUS >= 2, "the per-CPU checks need two states at least");

/* The pool, faked: the next key pool_extract gives, and how often it was asked. */
static uint8_t next_pool_key[RANDOM_KEY_SIZE];
static unsigned extractions;
static bool is_ready;

void pool_extract(uint8_t out[RANDOM_KEY_SIZE])
{
	memcpy(out, next_pool_key, RANDOM_KEY_SIZE);
	extractions++;
}

bool random_ready(void)
{
	return is_ready;
}

/* A fresh generator whose first base key will be k0 (bytes seed, seed + 1, ...). */
static void reset(uint8_t seed, bool ready)
{
	memset(&base.key, 0, sizeof(base.key));
	base.generation = 0;
	base.seeded_ns = 0;
	for (unsigned i = 0; i < CONFIG_RANDOM_CPUS; i++) {
		memset(cpus[i].key, 0, sizeof(cpus[i].key));
		cpus[i].generation = 0;
	}
	for (unsigned i = 0; i < RANDOM_KEY_SIZE; i++)
		next_pool_key[i] = (uint8_t)(seed + i);
	extractions = 0;
	is_ready = ready;
	fake_cpu = 0;
	fake_clock_mode = FAKE_CLOCK_METRONOME;
}

/* The model: one block from key; key becomes its first half, out gets the second. */
static void model_erase(uint8_t key[RANDOM_KEY_SIZE], uint8_t out[RANDOM_KEY_SIZE])
{
	static const uint8_t nonce[CHACHA20_NONCE_SIZE];
	uint8_t block[CHACHA20_BLOCK_SIZE];
	struct chacha20 c;

	chacha20_init(&c, key, 0, nonce);
	chacha20_block(&c, block);
	memcpy(key, block, RANDOM_KEY_SIZE);
	memcpy(out, block + RANDOM_KEY_SIZE, RANDOM_KEY_SIZE);
}

/* The model: n bytes of ChaCha20 key stream from a stream key (block 0 on). */
static void model_stream(const uint8_t key[RANDOM_KEY_SIZE], uint8_t *out, size_t n)
{
	static const uint8_t nonce[CHACHA20_NONCE_SIZE];
	struct chacha20 c;

	chacha20_init(&c, key, 0, nonce);
	memset(out, 0, n);
	chacha20_xor(&c, out, n);
}

/* The model: one draw of n bytes from a CPU key. */
static void model_draw(uint8_t cpu_key[RANDOM_KEY_SIZE], uint8_t *out, size_t n)
{
	uint8_t stream[RANDOM_KEY_SIZE];

	model_erase(cpu_key, stream);
	model_stream(stream, out, n);
}

/* Does the generator's state (base and every CPU) hold these 32 bytes anywhere? */
static bool state_holds(const uint8_t key[RANDOM_KEY_SIZE])
{
	const uint8_t *mem[2] = {(const uint8_t *)&base, (const uint8_t *)cpus};
	size_t len[2] = {sizeof(base), sizeof(cpus)};

	for (int m = 0; m < 2; m++)
		for (size_t i = 0; i + RANDOM_KEY_SIZE <= len[m]; i++)
			if (memcmp(mem[m] + i, key, RANDOM_KEY_SIZE) == 0)
				return true;
	return false;
}

/* The first draws on CPU 0, byte for byte, and no key that made them stays in memory. */
static void test_fast_key_erasure(void **state)
{
	uint8_t k0[RANDOM_KEY_SIZE], base_key[RANDOM_KEY_SIZE], cpu0[RANDOM_KEY_SIZE];
	uint8_t old_cpu0[RANDOM_KEY_SIZE], want[100], got[100];

	(void)state;
	reset(0x40, true);
	memcpy(k0, next_pool_key, sizeof(k0));
	memcpy(base_key, k0, sizeof(k0));
	model_erase(base_key, cpu0); /* CPU 0's first key, from the base key */
	for (int draw = 0; draw < 3; draw++) {
		memcpy(old_cpu0, cpu0, sizeof(cpu0));
		model_draw(cpu0, want, sizeof(want));
		random_bytes(got, sizeof(got));
		assert_memory_equal(got, want, sizeof(want));
		assert_memory_equal(base.key, base_key, RANDOM_KEY_SIZE);
		assert_memory_equal(cpus[0].key, cpu0, RANDOM_KEY_SIZE);
		assert_false(state_holds(k0));       /* the pool's key: replaced at its first use */
		assert_false(state_holds(old_cpu0)); /* the key that made this output */
	}
	assert_int_equal(extractions, 1);
}

/* Before the generator is ready, every draw comes from the base key itself (erased too). */
static void test_not_ready_uses_the_base_key(void **state)
{
	uint8_t base_key[RANDOM_KEY_SIZE], want[40], got[40];

	(void)state;
	reset(0x80, false);
	memcpy(base_key, next_pool_key, sizeof(base_key));
	for (int draw = 0; draw < 2; draw++) {
		fake_cpu = (unsigned)draw; /* whatever the CPU */
		model_draw(base_key, want, sizeof(want));
		random_bytes(got, sizeof(got));
		assert_memory_equal(got, want, sizeof(want));
		assert_memory_equal(base.key, base_key, RANDOM_KEY_SIZE);
	}
	for (unsigned i = 0; i < CONFIG_RANDOM_CPUS; i++)
		assert_int_equal(cpus[i].generation, 0);
}

/*
 * CPU 0's chain is the same whether or not CPU 1 draws in between; CPU
 * RANDOM_CPUS + 1 continues CPU 1's chain (they share a state).
 */
static void test_per_cpu_chains(void **state)
{
	uint8_t base_key[RANDOM_KEY_SIZE], cpu0[RANDOM_KEY_SIZE], cpu1[RANDOM_KEY_SIZE];
	uint8_t want[32], got[32];

	(void)state;
	reset(0x11, true);
	memcpy(base_key, next_pool_key, sizeof(base_key));
	model_erase(base_key, cpu0);
	fake_cpu = 0;
	model_draw(cpu0, want, sizeof(want));
	random_bytes(got, sizeof(got));
	assert_memory_equal(got, want, sizeof(want));

	model_erase(base_key, cpu1); /* CPU 1 renews from the base key on its first draw */
	fake_cpu = 1;
	model_draw(cpu1, want, sizeof(want));
	random_bytes(got, sizeof(got));
	assert_memory_equal(got, want, sizeof(want));

	fake_cpu = 0; /* CPU 0 goes on from its own key, as if CPU 1 had not drawn */
	model_draw(cpu0, want, sizeof(want));
	random_bytes(got, sizeof(got));
	assert_memory_equal(got, want, sizeof(want));

	fake_cpu = CONFIG_RANDOM_CPUS + 1; /* CPU 1's state */
	model_draw(cpu1, want, sizeof(want));
	random_bytes(got, sizeof(got));
	assert_memory_equal(got, want, sizeof(want));
	assert_memory_equal(cpus[0].key, cpu0, RANDOM_KEY_SIZE);
	assert_memory_equal(cpus[1].key, cpu1, RANDOM_KEY_SIZE);
	assert_memory_equal(base.key, base_key, RANDOM_KEY_SIZE);
	assert_int_equal(extractions, 1);
}

/* A base key older than RANDOM_RESEED_SECONDS is replaced, and each CPU renews from the new one. */
static void test_reseed_renews_cpu_keys(void **state)
{
	uint8_t base_key[RANDOM_KEY_SIZE], cpu0[RANDOM_KEY_SIZE], want[32], got[32];

	(void)state;
	reset(0x22, true);
	random_bytes(got, sizeof(got)); /* CPU 0 takes a key from the first base key */
	fake_clock_ns += RESEED_NS - 1000;
	random_bytes(got, sizeof(got)); /* not old yet */
	assert_int_equal(extractions, 1);

	fake_clock_ns += 2000;
	for (unsigned i = 0; i < RANDOM_KEY_SIZE; i++)
		next_pool_key[i] = (uint8_t)(0x99 ^ i);
	memcpy(base_key, next_pool_key, sizeof(base_key));
	model_erase(base_key, cpu0);
	model_draw(cpu0, want, sizeof(want));
	random_bytes(got, sizeof(got));
	assert_int_equal(extractions, 2);
	assert_memory_equal(got, want, sizeof(want));
	assert_memory_equal(cpus[0].key, cpu0, RANDOM_KEY_SIZE);
	assert_int_equal(cpus[0].generation, base.generation);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fast_key_erasure),
	    cmocka_unit_test(test_not_ready_uses_the_base_key),
	    cmocka_unit_test(test_per_cpu_chains),
	    cmocka_unit_test(test_reseed_renews_cpu_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
