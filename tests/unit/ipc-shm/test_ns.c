/*
 * IPC namespaces (Linux's CLONE_NEWIPC, ipc/namespace.c): two namespaces
 * share nothing (keys, ids, limits, shm_next_id, SHM_INFO's counts), a new
 * one starts with the defaults whatever the other's limits are, references
 * keep it alive, and the last one removes every segment: the unattached
 * ones and their frames at once, an attached one when its last attachment
 * goes, the namespace's memory with it.
 */
#include "kit_test.h"
#include "fake.h"
#include <klib/errno.h>

#define P    PAGE_SIZE
#define BASE (FAKE_USER_BASE + 0x100000)
#define KEY  0x1234

static struct shm_ns *a, *b;
static struct fake_proc pa, pb;

static int setup(void **state)
{
	(void)state;
	a = fake_ns(NULL);
	b = fake_ns(NULL);
	fake_proc_init(&pa, 10, 100, 100);
	fake_proc_init(&pb, 20, 100, 100);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (pa.c.as)
		fake_proc_exit(a, &pa);
	if (pb.c.as)
		fake_proc_exit(b, &pb);
	if (a)
		shm_ns_put(a);
	if (b)
		shm_ns_put(b);
	a = b = NULL;
	assert_true(fake_all_clean());
	return 0;
}

static struct shm_info info_of(struct shm_ns *ns)
{
	struct shm_caller root = {.caps = SHM_CAP_IPC_OWNER | SHM_CAP_SYS_ADMIN};
	struct shm_info info;

	assert_true(shm_ctl(ns, &root, 0, SHM_INFO, &info) >= 0);
	return info;
}

static void test_same_key_gives_two_segments(void **state)
{
	int ia = p_get(a, &pa, KEY, P, IPC_CREAT | IPC_EXCL | 0600);
	int ib = p_get(b, &pb, KEY, 2 * P, IPC_CREAT | IPC_EXCL | 0600);
	uint8_t v;
	(void)state;

	assert_true(ia >= 0);
	assert_true(ib >= 0); /* IPC_EXCL: the key is free in b */
	assert_int_equal(p_stat(a, ia).shm_segsz, P);
	assert_int_equal(p_stat(b, ib).shm_segsz, 2 * P);
	assert_int_equal(p_get(a, &pa, KEY, 0, 0), ia);
	assert_int_equal(p_get(b, &pb, KEY, 0, 0), ib);
	/* Two segments, two sets of frames. */
	assert_int_equal(p_at(a, &pa, ia, BASE, 0), BASE);
	assert_int_equal(p_at(b, &pb, ib, BASE, 0), BASE);
	assert_int_equal(p_poke(&pa, BASE, 0x11), 0);
	assert_int_equal(p_poke(&pb, BASE, 0x22), 0);
	assert_int_equal(p_peek(&pa, BASE, &v), 0);
	assert_int_equal(v, 0x11);
	assert_int_equal(info_of(a).shm_rss, 1);
	assert_int_equal(info_of(b).shm_rss, 1);
	assert_int_equal(info_of(a).used_ids, 1);
	assert_int_equal(shm_frames(), 2); /* /proc/meminfo's Shmem counts both */
}

static void test_ids_of_one_are_unknown_in_the_other(void **state)
{
	int ia = p_get(a, &pa, IPC_PRIVATE, P, 0600);
	struct shmid64_ds ds;
	int idx = 0;
	struct shm_seg_info si;
	(void)state;

	assert_true(ia >= 0);
	assert_int_equal(p_ctl(b, &pb, ia, IPC_STAT, &ds), -EINVAL);
	assert_int_equal(p_at(b, &pb, ia, 0, 0), -EINVAL);
	assert_int_equal(p_ctl(b, &pb, ia, IPC_RMID, NULL), -EINVAL);
	assert_int_equal(p_ctl(b, &pb, 0, SHM_STAT_ANY, &ds), -EINVAL); /* index 0 is a's */
	assert_int_equal(shm_ns_next_seg(b, &idx, &si), -ENOENT);       /* /proc/sysvipc/shm */
	assert_int_equal(shm_ns_next_seg(a, &idx, &si), 0);
	assert_int_equal(si.id, ia);
	assert_true(p_alive(a, ia));
}

static void test_limits_and_next_id_are_per_namespace(void **state)
{
	struct shm_limits l, def;
	struct shm_ns *c;
	(void)state;

	shm_default_limits(&def);
	shm_ns_get_limits(a, &l);
	l.shmmni = 0;
	l.shmmax = 3 * P;
	l.rmid_forced = true;
	assert_int_equal(shm_ns_set_limits(a, &l), 0);
	assert_int_equal(shm_ns_set_next_id(a, 5 * 32768 + 7), 0);
	assert_int_equal(p_get(a, &pa, IPC_PRIVATE, P, 0600), -ENOSPC);
	assert_int_equal(p_get(b, &pb, IPC_PRIVATE, 4 * P, 0600), 0); /* b: its own limits */
	assert_int_equal(shm_ns_get_next_id(b), -1);
	assert_int_equal(shm_ns_get_next_id(a), 5 * 32768 + 7);
	/* A namespace made now starts with the defaults, not a's values (shm_init_ns). */
	c = fake_ns(NULL);
	shm_ns_get_limits(c, &l);
	assert_int_equal(l.shmmni, def.shmmni);
	assert_int_equal(l.shmmax, def.shmmax);
	assert_int_equal(l.shmall, def.shmall);
	assert_int_equal(l.rmid_forced, def.rmid_forced);
	assert_int_equal(shm_ns_get_next_id(c), -1);
	shm_ns_put(c);
}

static void test_references_keep_it_alive(void **state)
{
	int ia = p_get(a, &pa, KEY, P, IPC_CREAT | 0600);
	(void)state;

	shm_ns_get(a); /* a second process enters */
	shm_ns_put(a); /* and leaves: not the last */
	assert_true(p_alive(a, ia));
	assert_int_equal(p_get(a, &pa, KEY, 0, 0), ia);
}

/*
 * The last reference goes with segments in every state: unattached and
 * touched (freed at once), attached in a space of another namespace's
 * process (lives until shmdt, its pages intact), already removed.
 */
static void test_last_put_frees_everything(void **state)
{
	int touched = p_get(a, &pa, IPC_PRIVATE, 2 * P, 0600);
	int held = p_get(a, &pa, KEY, 3 * P, IPC_CREAT | 0600);
	int removed = p_get(a, &pa, IPC_PRIVATE, P, 0600);
	long frames0;
	uint8_t v;
	(void)state;

	assert_int_equal(p_at(a, &pa, touched, BASE, 0), BASE);
	assert_int_equal(p_poke(&pa, BASE, 1), 0);
	assert_int_equal(p_poke(&pa, BASE + P, 1), 0);
	assert_int_equal(p_dt(a, &pa, BASE), 0);
	/* pb attaches 'held' (it was in a, as a process that unshared later would be). */
	assert_int_equal(p_at(a, &pb, held, BASE, 0), BASE);
	assert_int_equal(p_poke(&pb, BASE + 2 * P, 0x5a), 0);
	assert_int_equal(p_at(a, &pa, removed, BASE, 0), BASE);
	assert_int_equal(p_ctl(a, &pa, removed, IPC_RMID, NULL), 0);
	assert_int_equal(p_dt(a, &pa, BASE), 0);
	assert_int_equal(fake_frames_live(), 3);
	frames0 = fake_frames_live();

	fake_proc_exit(a, &pa); /* the namespace's last process */
	shm_ns_put(a);
	a = NULL;
	/* 'touched' went with its two frames; 'held' keeps its one. */
	assert_int_equal(fake_frames_live(), frames0 - 2);
	assert_int_equal(shm_frames(), 1);
	assert_int_equal(p_peek(&pb, BASE + 2 * P, &v), 0);
	assert_int_equal(v, 0x5a);
	assert_int_equal(p_poke(&pb, BASE, 7), 0); /* still faults in */
	assert_int_equal(fake_frames_live(), frames0 - 1);
	/* The key and ids are gone with the namespace: b knows neither. */
	assert_int_equal(p_get(b, &pb, KEY, 0, 0), -ENOENT);
	assert_int_equal(p_dt(b, &pb, BASE), 0); /* shmdt finds it by the area, any namespace */
	assert_int_equal(fake_frames_live(), 0);
	assert_int_equal(shm_frames(), 0);
	/* teardown checks that no heap block (the namespace) or lock is left */
}

/* The same when the attachment goes with its process's space (exit). */
static void test_attachment_outliving_it_goes_at_exit(void **state)
{
	int id = p_get(a, &pa, IPC_PRIVATE, P, 0600);
	(void)state;

	assert_int_equal(p_at(a, &pb, id, BASE, 0), BASE);
	assert_int_equal(p_poke(&pb, BASE, 3), 0);
	fake_proc_exit(a, &pa);
	shm_ns_put(a);
	a = NULL;
	assert_int_equal(fake_frames_live(), 1);
	fake_proc_exit(b, &pb);
	assert_int_equal(fake_frames_live(), 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_same_key_gives_two_segments),
	    T(test_ids_of_one_are_unknown_in_the_other),
	    T(test_limits_and_next_id_are_per_namespace),
	    T(test_references_keep_it_alive),
	    T(test_last_put_frees_everything),
	    T(test_attachment_outliving_it_goes_at_exit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
