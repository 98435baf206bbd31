/*
 * The lock rules of ipc-shm/shm.h, checked in debug builds through
 * shm_ops.held (the fakes' locks know their owner thread): a call of the
 * header made with the namespace's lock held panics at once, naming the
 * function and the rule (instead of deadlocking on the lock, or the fake
 * lock checker's abort), and so does an internal step reached without the
 * lock it needs. Without the hook nothing is checked, and ipc-shm works as
 * before. Reaches into ipc-shm's private structures on purpose: the locks
 * themselves are the subject.
 */
#include "kit_test.h"
#include "fake.h"
#include "shm_internal.h"
#include <klib/errno.h>
#include <string.h>

#define P PAGE_SIZE

static struct shm_ns *ns;
static struct fake_proc p;
static int id;

static int setup(void **state)
{
	(void)state;
	ns = fake_ns(NULL);
	fake_proc_init(&p, 10, 100, 100);
	id = p_get(ns, &p, 77, 2 * P, IPC_CREAT | 0600);
	return id < 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_proc_exit(ns, &p);
	shm_ns_put(ns);
	assert_true(fake_all_clean());
	return 0;
}

#ifdef CONFIG_DEBUG
/* 'call' made while this thread holds the namespace's lock. */
#define EXPECT_CALLER_HOLDS_NS(call, fn)                                                           \
	do {                                                                                       \
		fake_lock_acquire(ns->lock);                                                       \
		expect_panic(call);                                                                \
		fake_lock_release(ns->lock);                                                       \
		assert_true(                                                                       \
		    kit_test_output_has("ipc-shm: " fn " called with the shm_ns lock held"));      \
	} while (0)

static void test_locks_no_call_with_the_namespace_lock_held(void **state)
{
	struct shmid64_ds ds;
	struct shm_limits l;
	(void)state;

	EXPECT_CALLER_HOLDS_NS(p_get(ns, &p, 78, P, IPC_CREAT | 0600), "shm_get");
	EXPECT_CALLER_HOLDS_NS(p_at(ns, &p, id, 0, 0), "shm_at");
	EXPECT_CALLER_HOLDS_NS(p_ctl(ns, &p, id, IPC_STAT, &ds), "shm_ctl_common");
	EXPECT_CALLER_HOLDS_NS(shm_ctl_user(ns, &p.c, id, IPC_STAT, 0), "shm_ctl_common");
	EXPECT_CALLER_HOLDS_NS(shm_ns_get_limits(ns, &l), "shm_ns_get_limits");
	shm_default_limits(&l);
	EXPECT_CALLER_HOLDS_NS(shm_ns_set_limits(ns, &l), "shm_ns_set_limits");
	EXPECT_CALLER_HOLDS_NS(shm_task_exit(ns, &p.task), "shm_task_exit");
	EXPECT_CALLER_HOLDS_NS(shm_ns_put(ns), "shm_ns_put");
	/* Refused before anything changed. */
	assert_int_equal(p_get(ns, &p, 78, 0, 0), -ENOENT);
	assert_int_equal(p_nattch(ns, id), 0);
	assert_int_equal(p_get(ns, &p, 77, 0, 0), id);
}

static void test_locks_internal_steps_need_their_lock(void **state)
{
	struct shm_seg *seg;
	paddr_t pa;
	bool allocated;
	(void)state;

	expect_panic(shm_ids_find_id(&ns->ids, id));
	assert_true(kit_test_output_has("ipc-shm: shm_ids_find_idx needs the shm_ns lock held"));
	expect_panic(shm_seg_create(ns, &p.c, IPC_PRIVATE, P, 0600));
	assert_true(kit_test_output_has("ipc-shm: shm_seg_create needs the shm_ns lock held"));

	fake_lock_acquire(ns->lock);
	seg = shm_ids_find_id(&ns->ids, id);
	fake_lock_release(ns->lock);
	assert_non_null(seg);
	expect_panic(shm_seg_destroy(ns, seg));
	assert_true(kit_test_output_has("ipc-shm: shm_seg_destroy needs the shm_ns lock held"));
	expect_panic(shm_memlock_charge(ns, seg, &p.c));
	assert_true(kit_test_output_has("ipc-shm: shm_memlock_charge needs the shm_ns lock held"));
	expect_panic(shm_pages_get(&seg->pages, seg->npages, 0, &pa, &allocated));
	assert_true(kit_test_output_has("ipc-shm: shm_pages_get needs the shm_seg lock held"));
	/* With the lock, the same step works. */
	fake_lock_acquire(seg->lock);
	assert_int_equal(shm_pages_get(&seg->pages, seg->npages, 0, &pa, &allocated), 0);
	fake_lock_release(seg->lock);
	assert_true(allocated);
	__atomic_fetch_add(&ns->rss, 1, __ATOMIC_RELAXED); /* as the fault path counts it */
	assert_int_equal(p_ctl(ns, &p, id, IPC_RMID, NULL), 0);
}
#endif

/* The hook is optional: without it, nothing is checked and all works. */
static void test_locks_without_the_hook_nothing_is_checked(void **state)
{
	struct shm_ops ops;
	struct shm_ns *plain;
	struct shm_seg *seg;
	int pid;
	(void)state;

	memcpy(&ops, &fake_shm_ops, sizeof(ops));
	ops.held = NULL;
	assert_int_equal(shm_ns_create(&plain, NULL, &ops), 0);
	pid = p_get(plain, &p, IPC_PRIVATE, P, 0600);
	assert_true(pid >= 0);
	seg = shm_ids_find_id(&plain->ids, pid); /* unchecked: no way to tell */
	assert_non_null(seg);
	assert_int_equal(p_ctl(plain, &p, pid, IPC_RMID, NULL), 0);
	shm_ns_put(plain);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
#ifdef CONFIG_DEBUG
	    T(test_locks_no_call_with_the_namespace_lock_held),
	    T(test_locks_internal_steps_need_their_lock),
#endif
	    T(test_locks_without_the_hook_nothing_is_checked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
