/*
 * Permissions as Linux's ipcperms: one class applies (owner, else group,
 * else other), no fallthrough, IPC_OWNER bypasses. Exercised through shmat
 * (SHM_RDONLY asks r, default rw, SHM_EXEC adds x) and shmget.
 */
#include "kit_test.h"
#include "fake.h"
#include <klib/errno.h>

#define P PAGE_SIZE

static struct shm_ns *ns;
static struct fake_proc creator;
static int id;

/* A segment created by uid 10/gid 20, then given to uid 30/gid 40 with 'mode'. */
static void give(unsigned mode)
{
	struct shmid64_ds ds = p_stat(ns, id);

	ds.shm_perm.uid = 30;
	ds.shm_perm.gid = 40;
	ds.shm_perm.mode = mode;
	assert_int_equal(p_ctl(ns, &creator, id, IPC_SET, &ds), 0);
}

static int setup(void **state)
{
	(void)state;
	ns = fake_ns(NULL);
	fake_proc_init(&creator, 1, 10, 20);
	id = p_get(ns, &creator, IPC_PRIVATE, P, 0600);
	return id < 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_proc_exit(ns, &creator);
	shm_ns_put(ns);
	assert_true(fake_all_clean());
	return 0;
}

/* shmat as (uid, gid, one supplementary group) with flags: 0 on success, else -errno. */
static int try_at(uint32_t uid, uint32_t gid, uint32_t group, int flags)
{
	struct fake_proc p;
	intptr_t a;

	fake_proc_init(&p, 99, uid, gid);
	if (group) {
		p.groups[0] = group;
		p.c.ngroups = 1;
	}
	a = p_at(ns, &p, id, 0, flags);
	fake_proc_exit(ns, &p);
	return a < 0 ? (int)a : 0;
}

static void test_perm_owner_class_applies_if_euid_is_uid_or_cuid(void **state)
{
	(void)state;
	give(0600);
	assert_int_equal(try_at(30, 99, 0, 0), 0); /* uid */
	assert_int_equal(try_at(10, 99, 0, 0), 0); /* cuid */
	assert_int_equal(try_at(31, 99, 0, 0), -EACCES);
	give(0400);
	assert_int_equal(try_at(30, 99, 0, SHM_RDONLY), 0);
	assert_int_equal(try_at(30, 99, 0, 0), -EACCES);
	assert_int_equal(try_at(10, 99, 0, SHM_RDONLY | SHM_EXEC), -EACCES);
	give(0500);
	assert_int_equal(try_at(10, 99, 0, SHM_RDONLY | SHM_EXEC), 0);
}

static void test_perm_group_class_applies_if_in_gid_or_cgid(void **state)
{
	(void)state;
	give(0060);
	assert_int_equal(try_at(50, 40, 0, 0), 0);  /* egid == gid */
	assert_int_equal(try_at(50, 20, 0, 0), 0);  /* egid == cgid */
	assert_int_equal(try_at(50, 99, 40, 0), 0); /* supplementary gid */
	assert_int_equal(try_at(50, 99, 20, 0), 0); /* supplementary cgid */
	assert_int_equal(try_at(50, 99, 41, 0), -EACCES);
	give(0040);
	assert_int_equal(try_at(50, 40, 0, SHM_RDONLY), 0);
	assert_int_equal(try_at(50, 40, 0, 0), -EACCES);
}

static void test_perm_other_class_applies_otherwise(void **state)
{
	(void)state;
	give(0006);
	assert_int_equal(try_at(50, 99, 0, 0), 0);
	give(0004);
	assert_int_equal(try_at(50, 99, 0, SHM_RDONLY), 0);
	assert_int_equal(try_at(50, 99, 0, 0), -EACCES);
	give(0005);
	assert_int_equal(try_at(50, 99, 0, SHM_RDONLY | SHM_EXEC), 0);
}

static void test_perm_no_fallthrough_between_classes(void **state)
{
	(void)state;
	give(0077); /* the owner has nothing, everybody else everything */
	assert_int_equal(try_at(30, 40, 0, SHM_RDONLY), -EACCES);
	assert_int_equal(try_at(10, 99, 0, SHM_RDONLY), -EACCES);
	give(0707); /* a group member has nothing */
	assert_int_equal(try_at(50, 40, 0, SHM_RDONLY), -EACCES);
	assert_int_equal(try_at(50, 99, 20, SHM_RDONLY), -EACCES);
	assert_int_equal(try_at(50, 99, 0, 0), 0); /* others do */
	/* shmget checks the same way. */
	struct fake_proc owner;
	fake_proc_init(&owner, 5, 30, 40);
	int k = p_get(ns, &creator, 5, P, IPC_CREAT | 0600);
	struct shmid64_ds ds = p_stat(ns, k);
	ds.shm_perm.uid = 30;
	ds.shm_perm.gid = 40;
	ds.shm_perm.mode = 0077;
	assert_int_equal(p_ctl(ns, &creator, k, IPC_SET, &ds), 0);
	assert_int_equal(p_get(ns, &owner, 5, P, 0400), -EACCES);
	fake_proc_exit(ns, &owner);
}

static void test_perm_ipc_owner_capability_bypasses(void **state)
{
	struct fake_proc p;
	(void)state;

	give(0000);
	fake_proc_init(&p, 77, 50, 99);
	assert_int_equal(p_at(ns, &p, id, 0, SHM_EXEC), -EACCES);
	p.c.caps = SHM_CAP_SYS_ADMIN | SHM_CAP_IPC_LOCK; /* not these */
	assert_int_equal(p_at(ns, &p, id, 0, 0), -EACCES);
	p.c.caps = SHM_CAP_IPC_OWNER;
	assert_true(p_at(ns, &p, id, 0, SHM_EXEC) > 0);
	fake_proc_exit(ns, &p);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_perm_owner_class_applies_if_euid_is_uid_or_cuid),
	    T(test_perm_group_class_applies_if_in_gid_or_cgid),
	    T(test_perm_other_class_applies_otherwise),
	    T(test_perm_no_fallthrough_between_classes),
	    T(test_perm_ipc_owner_capability_bypasses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
