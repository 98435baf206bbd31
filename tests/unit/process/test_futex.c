/*
 * Futexes on the host: keys (alignment, the user range, private words by
 * space and address, shared words by frame across two spaces that share a
 * page after fork), wait's value check, deadlines and bitsets, wake counts,
 * requeue, and no waiter left behind. Waiters are real tasks over the real
 * addr-space, paging and page-alloc.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <addr-space/addr_space.h>
#include <klib/errno.h>
#include <process/futex.h>
#include <task/task.h>
#include "proc_test.h"

#define AREA   0x40000000ul
#define WORD_A (AREA + 0x100)
#define WORD_B (AREA + 0x200)

static struct addr_space *as, *as2;

static void put(struct addr_space *s, uintptr_t va, uint32_t v)
{
	assert_int_equal(as_copy_to_user(s, va, &v, sizeof(v)), 0);
}

struct waiter {
	struct addr_space *space;
	uintptr_t word;
	bool shared;
	uint32_t bitset;
	int rc;
};

static int waiter_main(void *arg)
{
	struct waiter *w = arg;

	w->rc = futex_wait(w->space, w->word, w->shared, 0, TASK_FOREVER, w->bitset);
	return 0;
}

static struct task *start(struct waiter *w)
{
	struct task_attr attr = {0};
	struct task *t;

	assert_int_equal(task_create(&t, "futex-waiter", waiter_main, w, &attr), 0);
	return t;
}

/* Until n waiters sit on the word: a requeue onto itself counts them and wakes none. */
static void until_queued(struct addr_space *s, uintptr_t word, bool shared, long n)
{
	while (futex_requeue(s, word, word, shared, 0, 1 << 30, NULL) < n)
		task_sleep_ns(1000000); /* let the waiters run */
}

static int setup(void **state)
{
	(void)state;
	assert_int_equal(as_create(&as), 0);
	assert_int_equal(as_map_anon(as, AREA, 4096, AS_PROT_READ | AS_PROT_WRITE | AS_PROT_USER,
	                             AS_MAP_SHARED | AS_MAP_FIXED, NULL),
	                 0);
	put(as, WORD_A, 0);
	put(as, WORD_B, 0);
	assert_int_equal(as_fork(as, &as2), 0); /* the shared page: one frame in both */
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(futex_waiters(), 0);
	as_destroy(as2);
	as_destroy(as);
	return 0;
}

static void test_errors(void **state)
{
	(void)state;
	assert_int_equal(futex_wake(as, WORD_A + 1, false, 1, ~0u), -EINVAL);
	assert_int_equal(futex_wait(as, WORD_A + 2, true, 0, 0, ~0u), -EINVAL);
	assert_int_equal(futex_wake(as, as_user_top(), false, 1, ~0u), -EFAULT);
	assert_int_equal(futex_wake(as, WORD_A, false, 1, 0), -EINVAL);
	assert_int_equal(futex_wait(as, WORD_A, false, 0, TASK_FOREVER, 0), -EINVAL);
	/* A shared key needs a page; a private one only an address. */
	assert_int_equal(futex_wake(as, 0x1000, true, 1, ~0u), -EFAULT);
	assert_int_equal(futex_wake(as, 0x1000, false, 1, ~0u), 0);
	assert_int_equal(futex_wait(as, 0x1000, false, 0, TASK_FOREVER, ~0u), -EFAULT);
	assert_int_equal(futex_wait(as, WORD_A, false, 1, TASK_FOREVER, ~0u), -EAGAIN);
	assert_int_equal(futex_wait(as, WORD_A, false, 0, 0, ~0u), -ETIMEDOUT);
	assert_int_equal(futex_requeue(as, WORD_A, WORD_B, false, -1, 0, NULL), -EINVAL);
	assert_int_equal(futex_requeue(as, WORD_A, WORD_B, false, 0, -1, NULL), -EINVAL);
	uint32_t one = 1;
	assert_int_equal(futex_requeue(as, WORD_A, WORD_B, false, 1, 1, &one), -EAGAIN);
	assert_int_equal(futex_wake(as, WORD_A, false, 1, ~0u), 0);
}

static void test_wake_count_and_requeue(void **state)
{
	struct waiter w[3];
	struct task *t[3];

	(void)state;
	for (int i = 0; i < 3; i++) {
		w[i] = (struct waiter){as, WORD_A, false, ~0u, 99};
		t[i] = start(&w[i]);
	}
	until_queued(as, WORD_A, false, 3);
	/* Wake one, move one: the count is both, as Linux's. */
	assert_int_equal(futex_requeue(as, WORD_A, WORD_B, false, 1, 1, NULL), 2);
	assert_int_equal(futex_wake(as, WORD_B, false, 10, ~0u), 1);
	assert_int_equal(futex_wake(as, WORD_A, false, 0, ~0u), 1); /* 0 wakes one, as Linux's */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(task_join(t[i], NULL), 0);
		assert_int_equal(w[i].rc, 0);
	}
}

static void test_bitset(void **state)
{
	struct waiter w = {as, WORD_A, false, 0x1, 99};
	struct task *t;

	(void)state;
	t = start(&w);
	until_queued(as, WORD_A, false, 1);
	assert_int_equal(futex_wake(as, WORD_A, false, 1, 0x2), 0);
	assert_int_equal(futex_wake(as, WORD_A, false, 1, 0x3), 1);
	assert_int_equal(task_join(t, NULL), 0);
	assert_int_equal(w.rc, 0);
}

/* A shared word is the frame: a wake through the other space reaches it; a private one not. */
static void test_shared_key_across_spaces(void **state)
{
	struct waiter w = {as, WORD_A, true, ~0u, 99};
	struct task *t;

	(void)state;
	t = start(&w);
	until_queued(as2, WORD_A, true, 1);
	assert_int_equal(futex_wake(as2, WORD_A, false, 1, ~0u), 0);
	assert_int_equal(futex_wake(as2, WORD_B, true, 1, ~0u), 0);
	assert_int_equal(futex_wake(as2, WORD_A, true, 1, ~0u), 1);
	assert_int_equal(task_join(t, NULL), 0);
	assert_int_equal(w.rc, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_wake_count_and_requeue, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bitset, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_shared_key_across_spaces, setup, teardown),
	};

	proc_test_boot();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
