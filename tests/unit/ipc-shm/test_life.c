/*
 * Fork, exit and exec; shm_rmid_forced; limits at run time; namespace
 * teardown. Behaviour as measured on Linux 6.18 (fork stamps atime and the
 * parent's pid; exit the child's pid; with shm_rmid_forced even a failed
 * shmat destroys an unattached segment).
 */
#include "kit_test.h"
#include "fake.h"
#include <klib/errno.h>

#define P    PAGE_SIZE
#define BASE (FAKE_USER_BASE + 0x100000)

static struct shm_ns *ns;
static struct fake_proc parent;

static int setup(void **state)
{
	(void)state;
	ns = fake_ns(NULL);
	fake_proc_init(&parent, 10, 100, 100);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (parent.c.as && ns)
		fake_proc_exit(ns, &parent);
	else if (parent.c.as)
		as_destroy(parent.c.as);
	if (ns)
		shm_ns_put(ns);
	assert_true(fake_all_clean());
	return 0;
}

static void set_forced(bool on)
{
	struct shm_limits l;

	shm_ns_get_limits(ns, &l);
	l.rmid_forced = on;
	assert_int_equal(shm_ns_set_limits(ns, &l), 0);
}

static void test_fork_adds_one_attachment_per_inherited_mapping(void **state)
{
	int id = p_get(ns, &parent, IPC_PRIVATE, 3 * P, 0600);
	struct fake_proc child;
	struct shmid64_ds ds;
	(void)state;

	assert_int_equal(p_at(ns, &parent, id, BASE, 0), BASE);
	assert_true(p_at(ns, &parent, id, 0, 0) > 0);
	assert_int_equal(as_protect(parent.c.as, BASE + P, P, AS_PROT_READ | AS_PROT_USER), 0);
	assert_int_equal(p_nattch(ns, id), 4); /* 3 pieces + 1 */
	fake_set_time(9000);
	fake_proc_fork(&child, &parent, 11);
	ds = p_stat(ns, id);
	assert_int_equal(ds.shm_nattch, 8);
	assert_int_equal(ds.shm_atime, 9000);
	assert_int_equal(ds.shm_lpid, 10); /* the forking parent */
	/* The child sees the parent's writes: same frames. */
	assert_int_equal(p_poke(&parent, BASE + 2 * P + 1, 0x77), 0);
	uint8_t v;
	assert_int_equal(p_peek(&child, BASE + 2 * P + 1, &v), 0);
	assert_int_equal(v, 0x77);
	/* The child detaches its copy of the split attachment in one go. */
	assert_int_equal(p_dt(ns, &child, BASE), 0);
	assert_int_equal(p_nattch(ns, id), 5);
	fake_proc_exit(ns, &child);
	ds = p_stat(ns, id);
	assert_int_equal(ds.shm_nattch, 4);
	assert_int_equal(ds.shm_lpid, 11);
}

static void test_exit_detaches_everything_and_frees_marked_segments(void **state)
{
	int kept = p_get(ns, &parent, IPC_PRIVATE, P, 0600);
	int gone = p_get(ns, &parent, IPC_PRIVATE, 2 * P, 0600);
	long frames = fake_frames_live();
	struct fake_proc child;
	(void)state;

	fake_proc_fork(&child, &parent, 11);
	for (int i = 0; i < 3; i++) {
		intptr_t a = p_at(ns, &child, gone, 0, 0);

		assert_int_equal(p_poke(&child, (uintptr_t)a + P, 1), 0);
		assert_true(p_at(ns, &child, kept, 0, SHM_RDONLY) > 0);
	}
	assert_int_equal(p_ctl(ns, &child, gone, IPC_RMID, NULL), 0);
	assert_int_equal(fake_frames_live(), frames + 1);
	fake_set_time(31337);
	fake_proc_exit(ns, &child);
	assert_false(p_alive(ns, gone));
	assert_int_equal(fake_frames_live(), frames);
	assert_int_equal(p_nattch(ns, kept), 0);
	assert_int_equal(p_stat(ns, kept).shm_lpid, 11);
	assert_int_equal(p_stat(ns, kept).shm_dtime, 31337);
	assert_true(p_alive(ns, kept)); /* not removed: lives on */
}

static void test_exec_detaches_everything(void **state)
{
	int id = p_get(ns, &parent, IPC_PRIVATE, P, 0600);
	(void)state;

	for (int i = 0; i < 4; i++)
		assert_true(p_at(ns, &parent, id, 0, 0) > 0);
	fake_proc_exec(&parent);
	assert_int_equal(p_nattch(ns, id), 0);
	assert_int_equal(as_area_count(parent.c.as), 0);
	assert_true(p_alive(ns, id));
	assert_int_equal(p_ctl(ns, &parent, id, IPC_RMID, NULL), 0);
}

static void test_rmid_forced_is_off_by_default(void **state)
{
	struct shm_limits l;
	int id = p_get(ns, &parent, IPC_PRIVATE, P, 0600);
	intptr_t a = p_at(ns, &parent, id, 0, 0);
	(void)state;

	shm_ns_get_limits(ns, &l);
	assert_false(l.rmid_forced);
	assert_int_equal(l.shmmni,
	                 CONFIG_IPC_SHM_SHMMNI); /* 4096, or the id table's size if smaller */
	assert_int_equal(l.shmmax, 0xfffffffffeffffff);
	assert_int_equal(l.shmall, 0xfffffffffeffffff);
	assert_int_equal(p_dt(ns, &parent, (uintptr_t)a), 0);
	assert_true(p_alive(ns, id));
	fake_proc_exit(ns, &parent);
	assert_true(p_alive(ns, id)); /* an orphan, kept */
}

static void test_rmid_forced_destroys_at_the_last_detach(void **state)
{
	int id = p_get(ns, &parent, IPC_PRIVATE, P, 0600);
	intptr_t a, b;
	(void)state;

	set_forced(true);
	a = p_at(ns, &parent, id, 0, 0);
	b = p_at(ns, &parent, id, 0, 0);
	assert_int_equal(p_dt(ns, &parent, (uintptr_t)a), 0);
	assert_true(p_alive(ns, id));
	assert_int_equal(p_dt(ns, &parent, (uintptr_t)b), 0);
	assert_false(p_alive(ns, id)); /* the creator is alive, but nothing is attached */
}

static void test_rmid_forced_destroys_a_creators_unattached_segments_at_exit(void **state)
{
	struct fake_proc child, grandchild;
	int unattached, attached, inherited;
	(void)state;

	set_forced(true);
	fake_proc_fork(&child, &parent, 11);
	unattached = p_get(ns, &child, IPC_PRIVATE, P, 0600);
	attached = p_get(ns, &child, IPC_PRIVATE, P, 0600);
	inherited = p_get(ns, &child, IPC_PRIVATE, P, 0600);
	assert_true(p_at(ns, &child, attached, 0, 0) > 0);
	assert_true(p_at(ns, &child, inherited, 0, 0) > 0);
	fake_proc_fork(&grandchild, &child, 12);
	assert_int_equal(p_dt(ns, &grandchild, as_user_base()),
	                 0); /* drops its copy of 'attached' */
	fake_proc_exit(ns, &child);
	assert_false(p_alive(ns, unattached));
	assert_false(p_alive(ns, attached));
	assert_true(p_alive(ns, inherited)); /* the grandchild still has it */
	fake_proc_exit(ns, &grandchild);
	assert_false(p_alive(ns, inherited));
}

static void test_rmid_forced_turned_on_destroys_orphans(void **state)
{
	struct fake_proc child;
	int orphan, orphan_attached, held, mine;
	(void)state;

	fake_proc_fork(&child, &parent, 11);
	orphan = p_get(ns, &child, IPC_PRIVATE, P, 0600);
	orphan_attached = p_get(ns, &child, IPC_PRIVATE, P, 0600);
	held = p_get(ns, &child, IPC_PRIVATE, P, 0600);
	assert_true(p_at(ns, &child, orphan_attached, 0, 0) > 0);
	assert_true(p_at(ns, &parent, held, 0, 0) > 0);
	mine = p_get(ns, &parent, IPC_PRIVATE, P, 0600);
	fake_proc_exit(ns, &child);
	assert_true(p_alive(ns, orphan) && p_alive(ns, orphan_attached) && p_alive(ns, held));
	set_forced(true);
	assert_false(p_alive(ns, orphan));
	assert_false(p_alive(ns, orphan_attached));
	assert_true(p_alive(ns, held)); /* attached */
	assert_true(p_alive(ns, mine)); /* its creator lives */
}

static void test_rmid_forced_failed_attach_destroys_an_unattached_segment(void **state)
{
	int victim = p_get(ns, &parent, IPC_PRIVATE, P, 0600);
	int other = p_get(ns, &parent, IPC_PRIVATE, P, 0600);
	(void)state;

	assert_int_equal(p_at(ns, &parent, other, BASE, 0), BASE);
	set_forced(true);
	assert_int_equal(p_at(ns, &parent, victim, BASE, 0), -EINVAL); /* overlap */
	assert_false(p_alive(ns, victim)); /* as on Linux: the pin's release destroys it */
	assert_true(p_alive(ns, other));
	set_forced(false);
	victim = p_get(ns, &parent, IPC_PRIVATE, P, 0600);
	assert_int_equal(p_at(ns, &parent, victim, BASE, 0), -EINVAL);
	assert_true(p_alive(ns, victim)); /* the default: nothing changes */
}

static void test_limits_change_at_run_time(void **state)
{
	struct shm_limits l;
	int a;
	(void)state;

	shm_ns_get_limits(ns, &l);
	l.shmmax = 2 * P;
	assert_int_equal(shm_ns_set_limits(ns, &l), 0);
	assert_int_equal(p_get(ns, &parent, IPC_PRIVATE, 2 * P + 1, 0), -EINVAL);
	a = p_get(ns, &parent, IPC_PRIVATE, 2 * P, 0);
	assert_true(a >= 0);
	l.shmmni = 1; /* below the usage: only new segments are refused */
	assert_int_equal(shm_ns_set_limits(ns, &l), 0);
	assert_int_equal(p_get(ns, &parent, IPC_PRIVATE, P, 0), -ENOSPC);
	assert_true(p_alive(ns, a));
	l.shmmni = CONFIG_IPC_SHM_IDS + 1;
	assert_int_equal(shm_ns_set_limits(ns, &l), -EINVAL);
	shm_ns_get_limits(ns, &l);
	assert_int_equal(l.shmmni, 1);
	struct shm_ns *bad;
	l.shmmni = CONFIG_IPC_SHM_IDS + 1;
	assert_int_equal(shm_ns_create(&bad, &l, &fake_shm_ops), -EINVAL);
	assert_int_equal(shm_ns_create(&bad, NULL, NULL), -EINVAL);
}

/* Teardown as Linux's shm_exit_ns: unattached segments go, attached ones on their last detach. */
static void test_namespace_destroy_frees_everything(void **state)
{
	int a = p_get(ns, &parent, 5, P, IPC_CREAT | 0600);
	int b = p_get(ns, &parent, IPC_PRIVATE, 2 * P, 0600);
	intptr_t at = p_at(ns, &parent, b, 0, 0);
	(void)state;

	assert_true(a >= 0);
	assert_int_equal(p_poke(&parent, (uintptr_t)at + P, 3), 0);
	shm_task_exit(ns, &parent.task);
	shm_ns_put(ns);
	ns = NULL;
	assert_true(fake_frames_live() == 1 && fake_heap_live() > 0); /* b lives on */
	uint8_t v;
	assert_int_equal(p_peek(&parent, (uintptr_t)at + P, &v), 0);
	assert_int_equal(v, 3);
	assert_int_equal(p_dt(NULL, &parent, (uintptr_t)at), 0); /* the last detach frees it all */
	assert_int_equal(fake_heap_live(), 0);
	assert_int_equal(fake_frames_live(), 0);
	as_destroy(parent.c.as);
	parent.c.as = NULL;
}

/* Out of memory anywhere in shmget, shmat or a fault: an error, never a leak. */
static void test_no_memory_anywhere_is_an_error_not_a_leak(void **state)
{
	int id = p_get(ns, &parent, IPC_PRIVATE, 2 * P, 0600);
	intptr_t a = p_at(ns, &parent, id, 0, 0);
	(void)state;

	for (long n = 0; n < 4; n++) {
		fake_fail_heap_after(n);
		fake_fail_frames_after(n);
		int r = as_fault(parent.c.as, (uintptr_t)a + P, AS_ACCESS_WRITE);
		fake_fail_heap_after(-1);
		fake_fail_frames_after(-1);
		assert_true(r == 0 || r == -ENOMEM);
	}
	fake_fail_heap_after(0);
	assert_int_equal(shm_ns_create(&(struct shm_ns *){NULL}, NULL, &fake_shm_ops), -ENOMEM);
	fake_fail_heap_after(1);
	assert_int_equal(shm_ns_create(&(struct shm_ns *){NULL}, NULL, &fake_shm_ops), -ENOMEM);
	fake_fail_heap_after(2);
	assert_int_equal(shm_ns_create(&(struct shm_ns *){NULL}, NULL, &fake_shm_ops), -ENOMEM);
	fake_fail_heap_after(-1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_fork_adds_one_attachment_per_inherited_mapping),
	    T(test_exit_detaches_everything_and_frees_marked_segments),
	    T(test_exec_detaches_everything),
	    T(test_rmid_forced_is_off_by_default),
	    T(test_rmid_forced_destroys_at_the_last_detach),
	    T(test_rmid_forced_destroys_a_creators_unattached_segments_at_exit),
	    T(test_rmid_forced_turned_on_destroys_orphans),
	    T(test_rmid_forced_failed_attach_destroys_an_unattached_segment),
	    T(test_limits_change_at_run_time),
	    T(test_namespace_destroy_frees_everything),
	    T(test_no_memory_anywhere_is_an_error_not_a_leak),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
