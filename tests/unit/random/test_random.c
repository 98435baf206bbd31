/*
 * The generator, over a clock and boot entropy the test controls. The
 * generator's state is global, so each scenario runs in a child process of
 * its own (run()) and sends back what it drew.
 *
 * What is checked: readiness comes exactly at 256 credited bits (from the
 * boot seed, from added entropy, from clock jitter, never from a clock that
 * is stopped or ticks evenly); the output is a function of the entropy, not
 * of the clock alone (two boots that read the same clock but got different
 * seeds must differ, the same seed must give the same output); entropy
 * added after readiness reaches the output at the next reseed, not before;
 * random_below is in range and unbiased enough to notice a broken
 * generator. The keys' construction (fast key erasure, per-CPU chains) is
 * test_crng.c's.
 */
#include "kit_test.h"
#include "fake_env.h"
#include <errno.h>
#include <random/random.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define OUT_MAX 4096

/* Run scenario(out) in a child; its output comes back in out. */
static void run(void (*scenario)(uint8_t *out), uint8_t *out)
{
	int fd[2], status;
	ssize_t got = 0, n;
	pid_t pid;

	assert_int_equal(pipe(fd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		static uint8_t buf[OUT_MAX];

		close(fd[0]);
		scenario(buf);
		_exit(write(fd[1], buf, sizeof(buf)) == (ssize_t)sizeof(buf) ? 0 : 3);
	}
	close(fd[1]);
	while (got < OUT_MAX && (n = read(fd[0], out + got, (size_t)(OUT_MAX - got))) > 0)
		got += n;
	close(fd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0); /* a failed check in the child exits non-zero */
	assert_int_equal(got, OUT_MAX);
}

/* Checks inside a child: a failure is its exit status. */
#define child_check(c)                                                                             \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			print_error("%s:%d: %s\n", __FILE__, __LINE__, #c);                        \
			_exit(1);                                                                  \
		}                                                                                  \
	} while (0)

static void seed_with(uint8_t first, size_t len)
{
	for (size_t i = 0; i < len; i++)
		fake_seed[i] = (uint8_t)(first + i);
	fake_seed_len = len;
}

static void s_credit_threshold(uint8_t *out)
{
	uint8_t x[64] = {1};

	fake_clock_mode = FAKE_CLOCK_STOPPED;
	random_init();
	child_check(!random_ready());
	random_add_entropy(x, sizeof(x), 255);
	child_check(!random_ready());
	random_add_entropy(x, 1, 100); /* one byte counts 8 bits at most */
	child_check(random_ready());
	out[0] = 1;
}

static void s_boot_seed_32(uint8_t *out)
{
	fake_clock_mode = FAKE_CLOCK_STOPPED;
	seed_with(7, 32);
	random_init();
	child_check(random_ready());
	child_check(fake_seed_len == 0); /* taken once */
	out[0] = 1;
}

static void s_boot_seed_31(uint8_t *out)
{
	fake_clock_mode = FAKE_CLOCK_STOPPED;
	seed_with(7, 31);
	random_init();
	child_check(!random_ready());
	out[0] = 1;
}

static void test_readiness(void **state)
{
	uint8_t out[OUT_MAX];

	(void)state;
	run(s_credit_threshold, out);
	run(s_boot_seed_32, out);
	run(s_boot_seed_31, out);
}

static void s_jitter(uint8_t *out)
{
	random_init();
	child_check(random_wait_ready() == 0);
	child_check(random_ready());
	out[0] = 1;
}

static void s_stopped_clock(uint8_t *out)
{
	fake_clock_mode = FAKE_CLOCK_STOPPED;
	random_init();
	child_check(random_wait_ready() == -EAGAIN);
	child_check(!random_ready());
	out[0] = 1;
}

static void s_metronome(uint8_t *out)
{
	fake_clock_mode = FAKE_CLOCK_METRONOME;
	random_init();
	child_check(random_wait_ready() == -EAGAIN);
	out[0] = 1;
}

static void test_jitter_credit(void **state)
{
	uint8_t out[OUT_MAX];

	(void)state;
	run(s_jitter, out);
	run(s_stopped_clock, out);
	run(s_metronome, out);
}

/* The same clock readings in every run; only the seed differs. */
static void draw_after_seed(uint8_t first, uint8_t *out)
{
	seed_with(first, 32);
	random_init();
	child_check(random_ready());
	random_bytes(out, 64);
	random_bytes(out + 64, 64);
	child_check(memcmp(out, out + 64, 64) != 0);
}

static void s_seed_a(uint8_t *out)
{
	draw_after_seed(0x10, out);
}

static void s_seed_b(uint8_t *out)
{
	draw_after_seed(0x20, out);
}

static void test_output_comes_from_the_seed_not_the_clock(void **state)
{
	uint8_t a[OUT_MAX], a2[OUT_MAX], b[OUT_MAX];

	(void)state;
	run(s_seed_a, a);
	run(s_seed_a, a2);
	run(s_seed_b, b);
	assert_memory_equal(a, a2, 128); /* same inputs, same output: the fake controls them all */
	assert_memory_not_equal(a, b, 64); /* same clock, other seed: other output */
	assert_memory_not_equal(a + 64, b + 64, 64);
}

/* Entropy added after readiness waits in the pool until the next reseed. */
static void reseed_scenario(uint8_t *out, bool extra)
{
	uint8_t x[32] = {42};

	seed_with(1, 32);
	random_init();
	if (extra)
		random_add_entropy(x, sizeof(x), 256);
	random_bytes(out, 32);
	fake_clock_ns += (uint64_t)CONFIG_RANDOM_RESEED_SECONDS * 1000000000u;
	random_bytes(out + 32, 32);
	random_bytes(out + 64, 32);
}

static void s_reseed_plain(uint8_t *out)
{
	reseed_scenario(out, false);
}

static void s_reseed_extra(uint8_t *out)
{
	reseed_scenario(out, true);
}

static void test_reseed_brings_new_entropy(void **state)
{
	uint8_t plain[OUT_MAX], extra[OUT_MAX];

	(void)state;
	run(s_reseed_plain, plain);
	run(s_reseed_extra, extra);
	assert_memory_equal(plain, extra, 32);               /* not yet reseeded */
	assert_memory_not_equal(plain + 32, extra + 32, 32); /* reseeded from the pool */
	assert_memory_not_equal(plain + 64, extra + 64, 32);
}

/* 1 MiB of one stream: every byte value about 4096 times (a loose bound no real generator misses).
 */
static void s_stream(uint8_t *out)
{
	static uint8_t buf[1 << 20];
	static unsigned count[256];
	struct random_stream st;

	seed_with(9, 32);
	random_init();
	random_stream_start(&st);
	for (size_t off = 0; off < sizeof(buf); off += 1000)
		random_stream_read(&st, buf + off,
		                   sizeof(buf) - off < 1000 ? sizeof(buf) - off : 1000);
	random_stream_end(&st);
	for (size_t i = 0; i < sizeof(buf); i++)
		count[buf[i]]++;
	for (int v = 0; v < 256; v++)
		child_check(count[v] > 3500 && count[v] < 4700);
	for (size_t i = 0; i < sizeof(st); i++)
		child_check(((uint8_t *)&st)[i] == 0);
	memcpy(out, buf, 64);
}

static void test_stream(void **state)
{
	uint8_t out[OUT_MAX];

	(void)state;
	run(s_stream, out);
}

static void s_below(uint8_t *out)
{
	unsigned hist[10] = {0};

	seed_with(5, 32);
	random_init();
	child_check(random_below(0) == 0);
	child_check(random_below(1) == 0);
	for (int i = 0; i < 10000; i++) {
		uint64_t v = random_below(10);
		child_check(v < 10);
		hist[v]++;
	}
	for (int i = 0; i < 10; i++)
		child_check(hist[i] > 850 && hist[i] < 1150);
	for (int i = 0; i < 1000; i++)
		child_check(random_below((1ull << 63) + 1) <= (1ull << 63));
	out[0] = 1;
}

static void test_below(void **state)
{
	uint8_t out[OUT_MAX];

	(void)state;
	run(s_below, out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_readiness),
	    cmocka_unit_test(test_jitter_credit),
	    cmocka_unit_test(test_output_comes_from_the_seed_not_the_clock),
	    cmocka_unit_test(test_reseed_brings_new_entropy),
	    cmocka_unit_test(test_stream),
	    cmocka_unit_test(test_below),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
