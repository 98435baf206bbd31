/*
 * The space's lock as every kernel that runs processes has it
 * (ADDR_SPACE_MUTEX: sync's mutex, class "as"), on real tasks:
 * - a space cannot be locked before task_init: a call that locks it panics,
 *   in every build, rather than going on unlocked;
 * - a backend callback may sleep under it (a fault that sleeps), and
 *   another task's call on the same space waits for it;
 * - the lock-order checker sees it: a backend taking its own lock under the
 *   space's, then that lock held across a call into the space, is reported;
 * - unlocking a space the task does not hold panics, in every build.
 * Reaches into the space's private lock for the last one: no public call
 * can unlock twice.
 */
#include "harness.h"
#include "kit_test.h"
#include <addr-space/addr_space.h>
#include <klib/errno.h>
#include <page-alloc/page_alloc.h>
#include <sync/mutex.h>
#include <sys/mman.h>
#include "as_internal.h"

#ifndef CONFIG_ADDR_SPACE_MUTEX
#error "built with ADDR_SPACE_MUTEX (tests/unit/addr-space/CMakeLists.txt)"
#endif

#define PG 4096ul
#define RW (AS_PROT_READ | AS_PROT_WRITE | AS_PROT_USER)
#define MS 1000000ull

/* A fault callback that sleeps, and one that takes a lock of its own. The
 * backend keeps a reference to the frame it hands out (the space takes its
 * own): 'frame', dropped when the test is done with the space. */
static struct mutex owner_lock = MUTEX_INIT(owner_lock, "owner_lock");
static paddr_t frame;

static int sleepy_fault(struct as_area *a, uint64_t pgoff, unsigned access, paddr_t *pa)
{
	(void)a, (void)pgoff, (void)access;
	harness_log_add(1);
	task_sleep_ns(3 * MS);
	*pa = frame = page_alloc_zeroed(0);
	harness_log_add(2);
	return *pa == PADDR_NONE ? -ENOMEM : 0;
}

static int locking_fault(struct as_area *a, uint64_t pgoff, unsigned access, paddr_t *pa)
{
	(void)a, (void)pgoff, (void)access;
	mutex_lock(&owner_lock);
	*pa = frame = page_alloc_zeroed(0);
	mutex_unlock(&owner_lock);
	return *pa == PADDR_NONE ? -ENOMEM : 0;
}

static const struct as_backend sleepy = {.name = "sleepy", .fault = sleepy_fault};
static const struct as_backend locking = {.name = "locking", .fault = locking_fault};

static struct addr_space *early;

static void test_before_task_init_a_space_cannot_be_locked(void **state)
{
	(void)state;
	assert_null(task_current());
	assert_int_equal(as_create(&early), 0); /* takes no lock */
	expect_panic(as_map_anon(early, 0, PG, RW, 0, NULL));
#ifdef CONFIG_SYNC_DEBUG_PANIC
	assert_true(
	    kit_test_output_has("'as' used before task_init")); /* sync's report comes first */
#else
	assert_true(kit_test_output_has("addr-space: cannot lock a space (-11)"));
#endif
	expect_panic(as_area_count(early));
}

static struct addr_space *shared_as;
static uintptr_t shared_va;

static int fault_in(void *arg)
{
	(void)arg;
	return as_fault(shared_as, shared_va, AS_ACCESS_READ);
}

static int count_areas(void *arg)
{
	size_t n;
	(void)arg;

	HARNESS_YIELD_UNTIL(harness_log_len() >= 1); /* the fault sleeps, holding the space */
	n = as_area_count(shared_as);
	harness_log_add(3);
	return (int)n;
}

static void test_a_backend_may_sleep_and_others_wait(void **state)
{
	static const int want[] = {1, 2, 3};
	struct task *a, *b;
	size_t free0;
	(void)state;

	harness_boot();
	free0 = page_free_count();
	harness_log_reset();
	assert_int_equal(as_create(&shared_as), 0);
	assert_int_equal(as_map(shared_as, 0, PG, RW, 0, &sleepy, NULL, 0, &shared_va), 0);
	a = harness_spawn("fault", fault_in, NULL, 0);
	b = harness_spawn("count", count_areas, NULL, 0);
	assert_int_equal(harness_join(a), 0);
	assert_int_equal(harness_join(b), 1);
	harness_log_expect(want, 3);
	as_destroy(shared_as);
	page_ref_put(frame);
	assert_int_equal(page_free_count(), free0);
}

static void test_the_checker_sees_the_space_lock(void **state)
{
	struct addr_space *as;
	uintptr_t va;
	size_t free0 = page_free_count();
	(void)state;

	assert_int_equal(as_create(&as), 0);
	assert_int_equal(as_map(as, 0, PG, RW, 0, &locking, NULL, 0, &va), 0);
	assert_int_equal(as_fault(as, va, AS_ACCESS_READ), 0); /* as, then owner_lock */
	mutex_lock(&owner_lock);
#ifdef CONFIG_SYNC_LOCKDEP
#ifdef CONFIG_SYNC_DEBUG_PANIC
	expect_panic(as_area_count(as));
#else
	kit_test_output_reset();
	as_area_count(as);
#endif
	assert_true(kit_test_output_has("lock order inversion"));
	assert_true(kit_test_output_has("holding 'owner_lock'"));
	assert_true(kit_test_output_has("taking  'as'"));
#else
	assert_int_equal(as_area_count(as), 1); /* no checker: it just works */
#endif
	mutex_unlock(&owner_lock);
	as_destroy(as);
	page_ref_put(frame);
	assert_int_equal(page_free_count(), free0);
}

static void test_unlocking_a_space_not_held_panics(void **state)
{
	struct addr_space *as;
	(void)state;

	assert_int_equal(as_create(&as), 0);
	expect_panic(as_unlock(&as->lock));
#ifdef CONFIG_SYNC_DEBUG_PANIC
	assert_true(
	    kit_test_output_has("does not hold mutex 'as'")); /* sync's report comes first */
#else
	assert_true(kit_test_output_has("addr-space: unlocking a space the task does not hold"));
#endif
	assert_int_equal(as_area_count(as), 0); /* the lock still works */
	as_destroy(as);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_before_task_init_a_space_cannot_be_locked),
	    cmocka_unit_test(test_a_backend_may_sleep_and_others_wait),
	    cmocka_unit_test(test_the_checker_sees_the_space_lock),
	    cmocka_unit_test(test_unlocking_a_space_not_held_panics),
	};
	size_t ram = 16ul << 20, align = 2ul << 20;
	char *p =
	    mmap(NULL, ram + align, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t base = ((uintptr_t)p + align - 1) & ~(align - 1);

	if (p == MAP_FAILED || page_alloc_add_range(base, ram) != 0)
		return 2;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
