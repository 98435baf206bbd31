/*
 * Every lock initialised at run time over memory that held something else
 * (a reused heap block) behaves as a fresh one: the *_init functions set
 * every field, they do not rely on zeroed memory. And the timed forms of
 * the rwlock give up with -ETIMEDOUT, leaving the lock as it was.
 */
#include "harness.h"
#include "kit_test.h"
#include <hal/time.h>
#include <klib/errno.h>
#include <string.h>
#include <sync/sync.h>

#define MS 1000000ull

/*
 * Bytes that differ from word to word: a ticket spinlock in them reads as
 * held (its next ticket is not the one served), a list as pointing away.
 */
static void garbage(void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		((unsigned char *)p)[i] = (unsigned char)(0xa5 + 7 * i);
}

static void test_init_over_garbage_makes_fresh_locks(void **state)
{
	struct mutex m;
	struct rwlock l;
	struct semaphore s;
	struct cond c;
	struct spinlock sp;
	(void)state;

	garbage(&m, sizeof(m));
	garbage(&l, sizeof(l));
	garbage(&s, sizeof(s));
	garbage(&c, sizeof(c));
	garbage(&sp, sizeof(sp));
	mutex_init(&m, "m");
	rwlock_init(&l, "l");
	sem_init(&s, "s", 1);
	cond_init(&c, "c");
	spin_init(&sp, "sp");
	/* Their inner spinlocks are free (the garbage had them held). */
	assert_false(hal_spin_is_locked(&m.lock));
	assert_false(hal_spin_is_locked(&l.lock));
	assert_false(hal_spin_is_locked(&s.lock));
	assert_false(hal_spin_is_locked(&c.lock));
	assert_false(hal_spin_is_locked(&sp.raw));

	assert_null(mutex_owner(&m));
	assert_int_equal(mutex_trylock(&m), 0);
	assert_int_equal(mutex_unlock(&m), 0);
	assert_int_equal(rwlock_write_trylock(&l), 0);
	assert_int_equal(rwlock_write_unlock(&l), 0);
	assert_int_equal(rwlock_read_trylock(&l), 0);
	assert_int_equal(rwlock_read_unlock(&l), 0);
	assert_int_equal(sem_count(&s), 1);
	assert_int_equal(sem_trydown(&s), 0);
	assert_int_equal(sem_trydown(&s), -EAGAIN);
	assert_int_equal(sem_up(&s), 0);
	cond_signal(&c); /* no waiter: nothing to wake */
	cond_broadcast(&c);
	assert_int_equal(mutex_lock(&m), 0);
	assert_int_equal(cond_wait_until(&c, &m, hal_time_ns() + MS), -ETIMEDOUT);
	assert_int_equal(mutex_unlock(&m), 0);
	spin_lock(&sp);
	spin_unlock(&sp);
}

static struct rwlock rw = RWLOCK_INIT(rw, "timed_rw");
static volatile int phase;

static int hold_for_writing(void *arg)
{
	(void)arg;
	if (rwlock_write_lock(&rw))
		return 1;
	phase = 1;
	HARNESS_YIELD_UNTIL(phase == 2);
	return rwlock_write_unlock(&rw);
}

static void test_timed_rwlock_gives_up(void **state)
{
	struct task *t;
	uint64_t deadline;
	(void)state;

	phase = 0;
	t = harness_spawn("writer", hold_for_writing, NULL, 0);
	HARNESS_YIELD_UNTIL(phase == 1);
	deadline = hal_time_ns() + 2 * MS;
	assert_int_equal(rwlock_read_lock_until(&rw, deadline), -ETIMEDOUT);
	assert_true(hal_time_ns() >= deadline);
	assert_int_equal(rw.readers, 0);
	assert_int_equal(rwlock_write_lock_until(&rw, hal_time_ns() + 2 * MS), -ETIMEDOUT);
	assert_int_equal(rwlock_read_trylock(&rw), -EBUSY);
	assert_int_equal(rwlock_write_trylock(&rw), -EBUSY);
	phase = 2;
	assert_int_equal(harness_join(t), 0);
	assert_int_equal(rwlock_read_lock_until(&rw, hal_time_ns() + 2 * MS), 0);
	assert_int_equal(rwlock_read_unlock(&rw), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_init_over_garbage_makes_fresh_locks),
	    cmocka_unit_test(test_timed_rwlock_gives_up),
	};
	harness_boot();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
