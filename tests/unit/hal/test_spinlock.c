/*
 * The raw ticket spinlock (hal/spinlock.h) with host threads as CPUs:
 * mutual exclusion under contention, trylock never taking a held lock or
 * jumping the queue, and waiters served in the order they asked. The
 * order test reads the lock's ticket counters to know a thread has drawn
 * its ticket: that order is what is under test.
 */
#include <pthread.h>
#include "kit_test.h"
#include <hal/spinlock.h>

#define THREADS 3
#define ROUNDS  5000 /* hand-offs are slow when the host has more threads than cores */

static hal_spinlock_t lock = HAL_SPINLOCK_INIT;
static unsigned long counter;        /* plain: only the lock protects it */
static unsigned occupants, overlaps; /* threads inside at once, seen directly */

static bool go; /* all threads start together, so they really contend */

static void *hammer(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE))
		hal_cpu_relax();
	for (int i = 0; i < ROUNDS; i++) {
		hal_spin_lock(&lock);
		if (__atomic_add_fetch(&occupants, 1, __ATOMIC_RELAXED) != 1)
			__atomic_fetch_add(&overlaps, 1, __ATOMIC_RELAXED);
		counter++;
		hal_cpu_relax(); /* a wider window for a second holder to show */
		__atomic_sub_fetch(&occupants, 1, __ATOMIC_RELAXED);
		hal_spin_unlock(&lock);
	}
	return NULL;
}

static void test_mutual_exclusion(void **state)
{
	pthread_t t[THREADS];
	(void)state;

	counter = 0;
	overlaps = 0;
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, hammer, NULL), 0);
	__atomic_store_n(&go, true, __ATOMIC_RELEASE);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(overlaps, 0);
	assert_int_equal(counter, (unsigned long)THREADS * ROUNDS);
	assert_false(hal_spin_is_locked(&lock));
}

static unsigned drawn(void)
{
	return __atomic_load_n(&lock.next, __ATOMIC_ACQUIRE) -
	       __atomic_load_n(&lock.owner, __ATOMIC_ACQUIRE);
}

static void *take_and_release(void *arg)
{
	hal_spin_lock(&lock);
	__atomic_store_n((bool *)arg, true, __ATOMIC_RELEASE);
	hal_spin_unlock(&lock);
	return NULL;
}

static void test_trylock(void **state)
{
	bool done = false;
	pthread_t t;
	(void)state;

	hal_spin_init(&lock);
	assert_true(hal_spin_trylock(&lock));
	assert_true(hal_spin_is_locked(&lock));
	assert_false(hal_spin_is_contended(&lock));
	assert_false(hal_spin_trylock(&lock)); /* held */

	/* A waiter queues behind the holder: still no trylock, and now contended. */
	assert_int_equal(pthread_create(&t, NULL, take_and_release, &done), 0);
	while (drawn() != 2)
		hal_cpu_relax();
	assert_true(hal_spin_is_contended(&lock));
	assert_false(hal_spin_trylock(&lock));
	hal_spin_unlock(&lock);
	pthread_join(t, NULL);
	assert_true(done);
	assert_false(hal_spin_is_locked(&lock));
	assert_true(hal_spin_trylock(&lock));
	hal_spin_unlock(&lock);
}

static int order[THREADS], served;

static void *take_in_turn(void *arg)
{
	hal_spin_lock(&lock);
	order[served++] = (int)(intptr_t)arg;
	hal_spin_unlock(&lock);
	return NULL;
}

static void test_waiters_served_in_order(void **state)
{
	pthread_t t[THREADS];
	(void)state;

	hal_spin_init(&lock);
	served = 0;
	hal_spin_lock(&lock);
	/* Thread i draws ticket i + 1 before thread i + 1 starts. */
	for (int i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_create(&t[i], NULL, take_in_turn, (void *)(intptr_t)i), 0);
		while (drawn() != (unsigned)i + 2)
			hal_cpu_relax();
	}
	/* The holder releases and asks again at once: it goes behind all of them. */
	hal_spin_unlock(&lock);
	hal_spin_lock(&lock);
	assert_int_equal(served, THREADS);
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(order[i], i);
	hal_spin_unlock(&lock);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mutual_exclusion),
	    cmocka_unit_test(test_trylock),
	    cmocka_unit_test(test_waiters_served_in_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
