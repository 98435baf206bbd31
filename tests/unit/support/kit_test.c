#include "kit_test.h"
#include <klib/port.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

char kit_test_output[1 << 16];

/* Is "<this program>:<name>" a word of KIT_TEST_SKIP? */
static bool skipped(const char *name)
{
	const char *list = getenv("KIT_TEST_SKIP"), *prog = program_invocation_short_name;
	size_t lp = strlen(prog), ln = strlen(name);

	for (const char *w = list; w && *w;) {
		size_t len = strcspn(w, " ");

		if (len == lp + 1 + ln && !strncmp(w, prog, lp) && w[lp] == ':' &&
		    !strncmp(w + lp + 1, name, ln))
			return true;
		w += len + strspn(w + len, " ");
	}
	return false;
}

int kit_test_run_group(const char *group, const struct CMUnitTest *tests, size_t n,
                       CMFixtureFunction setup, CMFixtureFunction teardown)
{
	struct CMUnitTest *kept = calloc(n ? n : 1, sizeof(*kept));
	size_t k = 0;
	int rc;

	if (!kept)
		abort();
	for (size_t i = 0; i < n; i++) {
		if (skipped(tests[i].name))
			printf("[  SKIPPED ] %s (KIT_TEST_SKIP)\n", tests[i].name);
		else
			kept[k++] = tests[i];
	}
	fflush(stdout);
	rc = _cmocka_run_group_tests(group, kept, k, setup, teardown);
	free(kept);
	return rc;
}
size_t kit_test_output_len;
jmp_buf *kit_test_panic_jmp;

void kit_test_output_reset(void)
{
	kit_test_output_len = 0;
	kit_test_output[0] = '\0';
}

int kit_test_output_has(const char *needle)
{
	return strstr(kit_test_output, needle) != NULL;
}

void klib_port_write(const char *s, size_t len)
{
	size_t room = sizeof(kit_test_output) - 1 - kit_test_output_len;

	if (getenv("KIT_TEST_VERBOSE"))
		fwrite(s, 1, len, stderr);
	if (len > room)
		len = room;
	memcpy(kit_test_output + kit_test_output_len, s, len);
	kit_test_output_len += len;
	kit_test_output[kit_test_output_len] = '\0';
}

void klib_port_panic(void)
{
	if (kit_test_panic_jmp)
		longjmp(*kit_test_panic_jmp, 1);
	/* An unexpected panic: show what it said and fail the test binary. */
	fprintf(stderr, "unexpected panic; console output:\n%s\n", kit_test_output);
	abort();
}

/*
 * The watchdog of KIT_TEST_WAIT. Slots are claimed with atomics, not a
 * lock: a wait may be marked by a task that the timer signal preempts, and
 * another task on the same thread may then mark one too.
 */
#define KIT_WAITS 64
enum { WAIT_FREE, WAIT_FILLING, WAIT_OPEN };

static struct {
	int state;
	const char *what, *file;
	int line;
	uint64_t since_ns;
} waits[KIT_WAITS];

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

unsigned kit_test_wait_seconds(void)
{
	const char *s = getenv("KIT_TEST_WAIT_S");
	long v = s ? strtol(s, NULL, 10) : 0;

	return v > 0 ? (unsigned)v : 60;
}

int kit_test_wait_begin(const char *what, const char *file, int line)
{
	for (int i = 0; i < KIT_WAITS; i++) {
		int expect = WAIT_FREE;

		if (__atomic_compare_exchange_n(&waits[i].state, &expect, WAIT_FILLING, false,
		                                __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
			waits[i].what = what;
			waits[i].file = file;
			waits[i].line = line;
			/* Atomic: the watchdog may still be reading it for the slot's last use. */
			__atomic_store_n(&waits[i].since_ns, mono_ns(), __ATOMIC_RELAXED);
			__atomic_store_n(&waits[i].state, WAIT_OPEN, __ATOMIC_RELEASE);
			return i;
		}
	}
	return -1; /* more than KIT_WAITS at once: this one goes unwatched */
}

void kit_test_wait_end(int wait)
{
	if (wait >= 0)
		__atomic_store_n(&waits[wait].state, WAIT_FREE, __ATOMIC_RELEASE);
}

static void watchdog_report(unsigned limit)
{
	size_t len = __atomic_load_n(&kit_test_output_len, __ATOMIC_RELAXED);

	fprintf(stderr, "\nwatchdog: gave up after %u s; waiting for:\n", limit);
	for (int i = 0; i < KIT_WAITS; i++)
		if (__atomic_load_n(&waits[i].state, __ATOMIC_ACQUIRE) == WAIT_OPEN)
			fprintf(
			    stderr, "  %s (%s:%d, for %llu s)\n", waits[i].what, waits[i].file,
			    waits[i].line,
			    (unsigned long long)((mono_ns() - __atomic_load_n(&waits[i].since_ns,
			                                                      __ATOMIC_RELAXED)) /
			                         1000000000ull));
	if (len > sizeof(kit_test_output) - 1)
		len = sizeof(kit_test_output) - 1;
	fprintf(stderr, "console output so far:\n%.*s\n", (int)len, kit_test_output);
}

static void *watchdog(void *arg)
{
	unsigned limit = kit_test_wait_seconds();
	uint64_t limit_ns = (uint64_t)limit * 1000000000ull;

	(void)arg;
	for (;;) {
		struct timespec tick = {0, 100 * 1000000};

		nanosleep(&tick, NULL);
		for (int i = 0; i < KIT_WAITS; i++) {
			if (__atomic_load_n(&waits[i].state, __ATOMIC_ACQUIRE) == WAIT_OPEN &&
			    mono_ns() - __atomic_load_n(&waits[i].since_ns, __ATOMIC_RELAXED) >
			        limit_ns) {
				watchdog_report(limit);
				_exit(1); /* the waiting thread cannot be unwound: end the binary */
			}
		}
	}
	return NULL;
}

/*
 * Started before main() in every unit test, with every signal blocked: the
 * host platform's timer signal must reach the thread that runs the tasks.
 */
__attribute__((constructor)) static void watchdog_start(void)
{
	sigset_t all, old;
	pthread_t t;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (pthread_create(&t, NULL, watchdog, NULL) == 0)
		pthread_detach(t);
	else
		fprintf(stderr,
		        "kit_test: no watchdog thread; a hang will last until CTest's timeout\n");
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}
