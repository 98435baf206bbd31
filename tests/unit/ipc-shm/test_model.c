/*
 * Randomized operation sequences against the reference model (model.c):
 * shmget, shmat, shmdt, shmctl, touches, mprotect/munmap splits, fork,
 * exit, exec and limit changes by four processes with different
 * credentials. The seed is fixed and printed; SHM_MODEL_SEED and
 * SHM_MODEL_ITERATIONS choose others (a failure prints the operation).
 */
#include "kit_test.h"
#include "model.h"
#include <stdio.h>
#include <stdlib.h>

#define EPISODE 2000 /* steps per namespace, then a fresh one */

static uint64_t seed = 20261124;
static unsigned long iterations = 20000;

static uint64_t next(uint64_t *s)
{
	/* splitmix64 */
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void test_random_sequences_match_the_model(void **state)
{
	struct model_stats total = {0};
	uint64_t s = seed;
	(void)state;

	printf("model: seed %llu, %lu operations\n", (unsigned long long)seed, iterations);
	for (unsigned long done = 0; done < iterations; done += EPISODE) {
		struct model *m = model_new();
		struct model_stats st;

		for (unsigned long i = 0; i < EPISODE && done + i < iterations; i++)
			model_step(m, next(&s));
		st = model_stats(m);
		total.ops += st.ops;
		total.ok += st.ok;
		total.errors += st.errors;
		total.destroyed += st.destroyed;
		model_free(m);
	}
	printf("model: %lu operations; calls: %lu succeeded, %lu failed; %lu segments destroyed\n",
	       total.ops, total.ok, total.errors, total.destroyed);
	assert_int_equal(total.ops, iterations);
	assert_true(total.ok > iterations / 10 && total.errors > iterations / 10 &&
	            total.destroyed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_random_sequences_match_the_model),
	};

	if (getenv("SHM_MODEL_SEED"))
		seed = strtoull(getenv("SHM_MODEL_SEED"), NULL, 0);
	if (getenv("SHM_MODEL_ITERATIONS"))
		iterations = strtoul(getenv("SHM_MODEL_ITERATIONS"), NULL, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
