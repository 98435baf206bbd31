/*
 * The lock-order checker (debug builds): an AB/BA pair is reported the
 * first time both orders have run, though they never ran at the same time
 * and nothing deadlocked; the report names both locks and the four places.
 * Longer cycles, consistent orders, locks held by other tasks, trylocks and
 * sibling locks of one class behave as documented in sync/lockdep.h.
 */
#include "harness.h"
#include "kit_test.h"
#include <stdio.h>
#include <string.h>
#include <sync/mutex.h>
#include <sync/rwlock.h>
#include <sync/spinlock.h>

#ifndef CONFIG_SYNC_LOCKDEP
#error "tests/unit/defconfig must enable CONFIG_SYNC_LOCKDEP (a debug build)"
#endif

static struct mutex lock_a = MUTEX_INIT(lock_a, "lock_a");
static struct mutex lock_b = MUTEX_INIT(lock_b, "lock_b");
static int line_a1, line_b1;

static int a_then_b(void *arg)
{
	(void)arg;
	line_a1 = __LINE__ + 1;
	mutex_lock(&lock_a);
	line_b1 = __LINE__ + 1;
	mutex_lock(&lock_b);
	mutex_unlock(&lock_b);
	mutex_unlock(&lock_a);
	return 0;
}

/* How often 'needle' is in the console output. */
static int count(const char *needle)
{
	int n = 0;

	for (const char *p = kit_test_output; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void expect_site(const char *what, const char *name, int line)
{
	char want[512];

	snprintf(want, sizeof(want), "%s '%s' at %s:%d", what, name, __FILE__, line);
	if (!kit_test_output_has(want))
		fail_msg("the report lacks \"%s\":\n%s", want, kit_test_output);
}

static void test_ab_ba_is_caught_without_a_deadlock(void **state)
{
	int line_b2, line_a2;
	(void)state;

	/* A then B, in another task, which ends before we start. */
	harness_join(harness_spawn("a_then_b", a_then_b, NULL, 0));
	/* B then A here: no deadlock is possible now, but the order is bad. */
	line_b2 = __LINE__ + 1;
	mutex_lock(&lock_b);
	line_a2 = __LINE__ + 1;
	expect_panic(mutex_lock(&lock_a));
	assert_true(kit_test_output_has("lock order inversion (possible deadlock) in task 'main'"));
	expect_site("holding", "lock_b", line_b2);
	expect_site("taking ", "lock_a", line_a2);
	expect_site("holding", "lock_a", line_a1);
	expect_site("taking ", "lock_b", line_b1);
	assert_int_equal(count("holding '"), 2); /* now, and the one earlier edge: no more */
	assert_null(mutex_owner(&lock_a));       /* reported before taking it */
	mutex_unlock(&lock_b);

	/* Reported once: the same orders again are quiet. */
	kit_test_output_reset();
	mutex_lock(&lock_b);
	mutex_lock(&lock_a);
	mutex_unlock(&lock_a);
	mutex_unlock(&lock_b);
	assert_false(kit_test_output_has("inversion"));
}

/* X -> Y -> Z, then Z -> X closes a cycle of three. */
static struct mutex lock_x = MUTEX_INIT(lock_x, "lock_x");
static struct rwlock lock_y = RWLOCK_INIT(lock_y, "lock_y");
static struct mutex lock_z = MUTEX_INIT(lock_z, "lock_z");

static void test_cycles_of_three(void **state)
{
	(void)state;
	mutex_lock(&lock_x);
	rwlock_read_lock(&lock_y);
	rwlock_read_unlock(&lock_y);
	mutex_unlock(&lock_x);

	rwlock_write_lock(&lock_y);
	mutex_lock(&lock_z);
	mutex_unlock(&lock_z);
	rwlock_write_unlock(&lock_y);

	mutex_lock(&lock_z);
	expect_panic(mutex_lock(&lock_x));
	mutex_unlock(&lock_z);
	assert_true(kit_test_output_has("holding 'lock_z'"));
	assert_true(kit_test_output_has("taking  'lock_x'"));
	assert_int_equal(count("holding '"), 3); /* now, and the two earlier edges */
	/* ... and the whole earlier path: x before y, y before z. */
	assert_true(kit_test_output_has("holding 'lock_x'"));
	assert_true(kit_test_output_has("taking  'lock_y'"));
	assert_true(kit_test_output_has("holding 'lock_y'"));
	assert_true(kit_test_output_has("taking  'lock_z'"));
}

static struct spinlock spin_s = SPINLOCK_INIT("spin_s");
static struct spinlock spin_t = SPINLOCK_INIT("spin_t");

static void test_spinlocks_are_checked_too(void **state)
{
	unsigned long flags;
	(void)state;

	spin_lock(&spin_s);
	flags = spin_lock_irqsave(&spin_t);
	spin_unlock_irqrestore(&spin_t, flags);
	spin_unlock(&spin_s);

	spin_lock(&spin_t);
	expect_panic(spin_lock(&spin_s));
	spin_unlock(&spin_t);
	assert_true(kit_test_output_has("holding 'spin_t'"));
	assert_true(kit_test_output_has("taking  'spin_s'"));
	assert_int_equal(preempt_count(), 0);
}

static struct mutex lock_p = MUTEX_INIT(lock_p, "lock_p");
static struct mutex lock_q = MUTEX_INIT(lock_q, "lock_q");

static int p_then_q(void *arg)
{
	(void)arg;
	for (int i = 0; i < 100; i++) {
		mutex_lock(&lock_p);
		mutex_lock(&lock_q);
		task_yield();
		mutex_unlock(&lock_q);
		mutex_unlock(&lock_p);
	}
	return 0;
}

static void test_consistent_order_is_quiet(void **state)
{
	struct task *t[3];
	(void)state;

	kit_test_output_reset();
	for (int i = 0; i < 3; i++)
		t[i] = harness_spawn("p_then_q", p_then_q, NULL, 0);
	for (int i = 0; i < 3; i++)
		harness_join(t[i]);
	assert_false(kit_test_output_has("inversion"));
}

/* A lock another task holds is not an order of ours. */
static struct mutex lock_e = MUTEX_INIT(lock_e, "lock_e");
static struct mutex lock_f = MUTEX_INIT(lock_f, "lock_f");
static volatile int e_phase;

static int hold_e(void *arg)
{
	(void)arg;
	mutex_lock(&lock_e);
	e_phase = 1;
	HARNESS_YIELD_UNTIL(e_phase == 2);
	mutex_unlock(&lock_e);
	return 0;
}

static void test_locks_of_other_tasks_add_no_order(void **state)
{
	struct task *t;
	(void)state;

	kit_test_output_reset();
	e_phase = 0;
	t = harness_spawn("hold_e", hold_e, NULL, 0);
	HARNESS_YIELD_UNTIL(e_phase == 1);
	mutex_lock(&lock_f); /* e is held, but not by us: no e -> f */
	mutex_unlock(&lock_f);
	e_phase = 2;
	harness_join(t);
	mutex_lock(&lock_f);
	mutex_lock(&lock_e);
	mutex_unlock(&lock_e);
	mutex_unlock(&lock_f);
	assert_false(kit_test_output_has("inversion"));
}

/* trylock cannot deadlock: it adds no order (but its lock counts as held). */
static struct mutex lock_c = MUTEX_INIT(lock_c, "lock_c");
static struct mutex lock_d = MUTEX_INIT(lock_d, "lock_d");

static void test_trylock_adds_no_order(void **state)
{
	(void)state;
	kit_test_output_reset();
	mutex_lock(&lock_c);
	assert_int_equal(mutex_trylock(&lock_d), 0);
	mutex_unlock(&lock_d);
	mutex_unlock(&lock_c);
	mutex_lock(&lock_d);
	mutex_lock(&lock_c);
	mutex_unlock(&lock_c);
	mutex_unlock(&lock_d);
	assert_false(kit_test_output_has("inversion"));
}

/*
 * ... but a lock taken with a trylock is held like any other: what is taken
 * while it is held comes after it. For each kind of trylock.
 */
static struct mutex try_m = MUTEX_INIT(try_m, "try_m"), after_m = MUTEX_INIT(after_m, "after_m");
static struct rwlock try_r = RWLOCK_INIT(try_r, "try_r"), try_w = RWLOCK_INIT(try_w, "try_w");

static void test_a_trylocked_lock_is_held(void **state)
{
	(void)state;
	assert_int_equal(mutex_trylock(&try_m), 0);
	assert_int_equal(rwlock_read_trylock(&try_r), 0);
	assert_int_equal(rwlock_write_trylock(&try_w), 0);
	mutex_lock(&after_m); /* after each of the three */
	mutex_unlock(&after_m);
	rwlock_write_unlock(&try_w);
	rwlock_read_unlock(&try_r);
	mutex_unlock(&try_m);

	mutex_lock(&after_m);
	expect_panic(mutex_lock(&try_m));
	assert_true(kit_test_output_has("holding 'try_m'"));
	expect_panic(rwlock_read_lock(&try_r));
	assert_true(kit_test_output_has("holding 'try_r'"));
	expect_panic(rwlock_write_lock(&try_w));
	assert_true(kit_test_output_has("holding 'try_w'"));
	mutex_unlock(&after_m);
}

/* A released spinlock is no longer held: nothing taken afterwards comes after it. */
static struct spinlock rel_s = SPINLOCK_INIT("rel_s"), rel_t = SPINLOCK_INIT("rel_t");
static struct mutex after_st = MUTEX_INIT(after_st, "after_st");

static void test_a_released_spinlock_is_not_held(void **state)
{
	unsigned long flags;
	(void)state;

	spin_lock(&rel_s);
	spin_unlock(&rel_s);
	flags = spin_lock_irqsave(&rel_t);
	spin_unlock_irqrestore(&rel_t, flags);
	mutex_lock(&after_st);
	mutex_unlock(&after_st);
	kit_test_output_reset();
	mutex_lock(&after_st); /* the other way round: fine, as nothing was learnt */
	spin_lock(&rel_s);
	flags = spin_lock_irqsave(&rel_t);
	spin_unlock_irqrestore(&rel_t, flags);
	spin_unlock(&rel_s);
	mutex_unlock(&after_st);
	assert_false(kit_test_output_has("inversion"));
}

/* Locks made at one init site are one class: their mutual order is not checked. */
static void make_sibling(struct mutex *m, const char *name)
{
	mutex_init(m, name);
}

static void test_siblings_share_a_class(void **state)
{
	struct mutex s1, s2, other;
	(void)state;

	make_sibling(&s1, "sibling1");
	make_sibling(&s2, "sibling2");
	mutex_init(&other, "other");
	assert_int_equal(s1.dep.key, s2.dep.key);
	assert_int_not_equal(s1.dep.key, other.dep.key);
	kit_test_output_reset();
	mutex_lock(&s1);
	mutex_lock(&s2);
	mutex_unlock(&s2);
	mutex_unlock(&s1);
	mutex_lock(&s2);
	mutex_lock(&s1);
	mutex_unlock(&s1);
	mutex_unlock(&s2);
	assert_false(kit_test_output_has("inversion"));

	/* But the class learns orders for all its locks: s1 -> other, then other -> s2. */
	mutex_lock(&s1);
	mutex_lock(&other);
	mutex_unlock(&other);
	mutex_unlock(&s1);
	mutex_lock(&other);
	expect_panic(mutex_lock(&s2));
	assert_true(kit_test_output_has("taking  'sibling2'"));
	assert_true(kit_test_output_has("holding 'sibling1'"));
	mutex_unlock(&other);
}

/*
 * Releasing a lock that is not the last one taken leaves exactly the others
 * held: after X, Y and the release of X, the task holds Y alone, so taking
 * D learns "Y before D" and nothing about X, and once Y is released too it
 * holds nothing.
 */
static struct mutex rel_x = MUTEX_INIT(rel_x, "rel_x");
static struct mutex rel_y = MUTEX_INIT(rel_y, "rel_y");
static struct mutex rel_d = MUTEX_INIT(rel_d, "rel_d");
static struct mutex rel_e = MUTEX_INIT(rel_e, "rel_e");

static void test_release_out_of_order_keeps_the_others_held(void **state)
{
	(void)state;
	mutex_lock(&rel_x);
	mutex_lock(&rel_y);
	mutex_unlock(&rel_x);
	mutex_lock(&rel_d);
	mutex_unlock(&rel_d);
	mutex_unlock(&rel_y);

	/* Nothing is held now: E, then E before X, learn no "X before E". */
	kit_test_output_reset();
	mutex_lock(&rel_e);
	mutex_unlock(&rel_e);
	mutex_lock(&rel_e);
	mutex_lock(&rel_x);
	mutex_unlock(&rel_x);
	mutex_unlock(&rel_e);
	assert_false(kit_test_output_has("inversion"));
	/* Y was still held when D was taken. */
	mutex_lock(&rel_d);
	expect_panic(mutex_lock(&rel_y));
	assert_true(kit_test_output_has("holding 'rel_y'"));
	assert_true(kit_test_output_has("taking  'rel_d'"));
	mutex_unlock(&rel_d);
}

/*
 * Orders already seen are checked without the checker's lock, each class
 * remembering the last order found from it; a new order from the same
 * class must still be recorded: F before G, F before H (F now remembers
 * G), then H before F closes F -> H -> F.
 */
static struct mutex hint_f = MUTEX_INIT(hint_f, "hint_f");
static struct mutex hint_g = MUTEX_INIT(hint_g, "hint_g");
static struct mutex hint_h = MUTEX_INIT(hint_h, "hint_h");

static void test_a_new_order_from_a_known_class_is_recorded(void **state)
{
	(void)state;
	kit_test_output_reset();
	for (int i = 0; i < 2; i++) { /* the second time, F -> G is found without the lock */
		mutex_lock(&hint_f);
		mutex_lock(&hint_g);
		mutex_unlock(&hint_g);
		mutex_unlock(&hint_f);
	}
	mutex_lock(&hint_f);
	mutex_lock(&hint_h);
	mutex_unlock(&hint_h);
	mutex_unlock(&hint_f);
	assert_false(kit_test_output_has("inversion"));
	mutex_lock(&hint_h);
	expect_panic(mutex_lock(&hint_f));
	assert_true(kit_test_output_has("holding 'hint_h'"));
	assert_true(kit_test_output_has("taking  'hint_f'"));
	assert_true(kit_test_output_has("holding 'hint_f'"));
	assert_true(kit_test_output_has("taking  'hint_h'"));
	mutex_unlock(&hint_h);
}

/*
 * A mutex handed over at its holder's unlock (taken after waiting, the slow
 * path) is held like one taken at once: what is taken while holding it
 * comes after it.
 */
static struct mutex hand_h = MUTEX_INIT(hand_h, "hand_h");
static struct mutex hand_k = MUTEX_INIT(hand_k, "hand_k");
static volatile int hand_phase;

static int hold_h_then_hand_over(void *arg)
{
	(void)arg;
	mutex_lock(&hand_h);
	hand_phase = 1;
	/* Until main waits for it (its wait marks the mutex). */
	HARNESS_YIELD_UNTIL(__atomic_load_n(&hand_h.owner, __ATOMIC_RELAXED) & MUTEX_WAITERS);
	mutex_unlock(&hand_h);
	return 0;
}

static void test_a_mutex_handed_over_is_held(void **state)
{
	struct task *t;
	(void)state;

	kit_test_output_reset();
	hand_phase = 0;
	t = harness_spawn("hold_h", hold_h_then_hand_over, NULL, 0);
	HARNESS_YIELD_UNTIL(hand_phase == 1);
	mutex_lock(&hand_h); /* waits, then the holder hands it over */
	assert_ptr_equal(mutex_owner(&hand_h), task_current());
	mutex_lock(&hand_k); /* learns h before k */
	mutex_unlock(&hand_k);
	mutex_unlock(&hand_h);
	harness_join(t);
	assert_false(kit_test_output_has("inversion"));

	mutex_lock(&hand_k);
	expect_panic(mutex_lock(&hand_h));
	assert_true(kit_test_output_has("holding 'hand_k'"));
	assert_true(kit_test_output_has("taking  'hand_h'"));
	mutex_unlock(&hand_k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ab_ba_is_caught_without_a_deadlock),
	    cmocka_unit_test(test_cycles_of_three),
	    cmocka_unit_test(test_spinlocks_are_checked_too),
	    cmocka_unit_test(test_consistent_order_is_quiet),
	    cmocka_unit_test(test_locks_of_other_tasks_add_no_order),
	    cmocka_unit_test(test_trylock_adds_no_order),
	    cmocka_unit_test(test_a_trylocked_lock_is_held),
	    cmocka_unit_test(test_a_released_spinlock_is_not_held),
	    cmocka_unit_test(test_siblings_share_a_class),
	    cmocka_unit_test(test_release_out_of_order_keeps_the_others_held),
	    cmocka_unit_test(test_a_new_order_from_a_known_class_is_recorded),
	    cmocka_unit_test(test_a_mutex_handed_over_is_held),
	};
	harness_boot();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
