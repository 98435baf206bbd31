/*
 * Ids: index + sequence * 32768, handed out as Linux's cyclic idr does, so
 * the numbers a program sees are Linux's; stale and removed ids are EINVAL;
 * lookups by id and by key hold up to 32768 segments.
 */
#include "kit_test.h"
#include "fake.h"
#include <klib/errno.h>

#define P PAGE_SIZE

static struct shm_ns *ns;
static struct fake_proc p;

static int setup(void **state)
{
	struct shm_limits l;
	(void)state;

	shm_default_limits(&l);
	l.shmmni = CONFIG_IPC_SHM_IDS;
	ns = fake_ns(&l);
	fake_proc_init(&p, 1, 0, 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_proc_exit(ns, &p);
	shm_ns_put(ns);
	assert_true(fake_all_clean());
	return 0;
}

static int new_seg(void)
{
	return p_get(ns, &p, IPC_PRIVATE, P, 0600);
}

static void rmid(int id)
{
	assert_int_equal(p_ctl(ns, &p, id, IPC_RMID, NULL), 0);
}

/* The sequence a fresh Linux 6.18 IPC namespace gave the same calls (unshare -i). */
static void test_ids_are_index_plus_sequence_times_32768_as_on_linux(void **state)
{
	int ids[70], a;
	(void)state;

	for (int i = 0; i < 70; i++)
		assert_int_equal(ids[i] = new_seg(), i);
	for (int i = 0; i < 70; i++)
		rmid(ids[i]);
	for (int i = 0; i < 5; i++) {
		int id = new_seg();

		assert_int_equal(id, 32768 + i);
		rmid(id);
	}
	a = new_seg();
	assert_int_equal(a, 32773);
	for (int i = 0; i < 130; i++) {
		int id = new_seg();
		static const int linux_ids[] = {32774, 32775, 32776};

		if (i < 3)
			assert_int_equal(id, linux_ids[i]);
		if (i >= 126)
			assert_int_equal(id, 98310 + (i - 126));
		assert_int_equal(id % 32768, (unsigned)id % SHM_ID_SEQ_MULT);
		rmid(id);
	}
	rmid(a);
}

static void test_ids_stale_id_is_einval(void **state)
{
	struct shmid64_ds ds;
	int id, stale;
	(void)state;

	/* Cycle until index 0 comes back with a new sequence number. */
	id = new_seg();
	rmid(id);
	for (int i = 1; i < 64; i++)
		rmid(new_seg());
	stale = id;
	id = new_seg();
	assert_int_equal(id % 32768, stale % 32768);
	assert_int_not_equal(id, stale);
	assert_int_equal(p_ctl(ns, &p, stale, IPC_STAT, &ds), -EINVAL);
	assert_int_equal(p_at(ns, &p, stale, 0, 0), -EINVAL);
	assert_int_equal(p_ctl(ns, &p, stale, IPC_RMID, NULL), -EINVAL);
	assert_int_equal(p_ctl(ns, &p, stale, SHM_LOCK, NULL), -EINVAL);
	assert_int_equal(p_ctl(ns, &p, id + 32768 * 7, IPC_STAT, &ds), -EINVAL);
	assert_int_equal(p_ctl(ns, &p, id, IPC_STAT, &ds), 0);
}

static void test_ids_removed_id_is_einval(void **state)
{
	struct shmid64_ds ds;
	int id = new_seg();
	(void)state;

	rmid(id);
	assert_int_equal(p_ctl(ns, &p, id, IPC_STAT, &ds), -EINVAL);
	assert_int_equal(p_ctl(ns, &p, id, IPC_SET, &ds), -EINVAL);
	assert_int_equal(p_ctl(ns, &p, id, IPC_RMID, NULL), -EINVAL);
	assert_int_equal(p_ctl(ns, &p, id, SHM_STAT, &ds), -EINVAL);
	assert_int_equal(p_at(ns, &p, id, 0, 0), -EINVAL);
	assert_int_equal(p_ctl(ns, &p, 12345, IPC_STAT, &ds), -EINVAL); /* never existed */
}

static void test_ids_indexes_not_reused_at_once(void **state)
{
	int first = new_seg(), second;
	(void)state;

	rmid(first);
	second = new_seg();
	assert_int_not_equal(second % 32768, first % 32768);
	assert_int_not_equal(second, first);
}

/* 32768 segments: every id and key found, the table full, then emptied. */
static void test_ids_lookup_by_id_and_key_up_to_32768_segments(void **state)
{
	static int ids[CONFIG_IPC_SHM_IDS];
	struct shminfo64 info;
	(void)state;

	for (int i = 0; i < CONFIG_IPC_SHM_IDS; i++)
		assert_true((ids[i] = p_get(ns, &p, 1000 + i, 1, IPC_CREAT | 0600)) >= 0);
	assert_int_equal(p_get(ns, &p, IPC_PRIVATE, 1, 0600), -ENOSPC);
	for (int i = 0; i < CONFIG_IPC_SHM_IDS; i += 97) {
		assert_int_equal(p_get(ns, &p, 1000 + i, 0, 0), ids[i]);
		assert_int_equal(p_stat(ns, ids[i]).shm_perm.key, 1000 + i);
	}
	assert_int_equal(p_ctl(ns, &p, 0, IPC_INFO, &info), CONFIG_IPC_SHM_IDS - 1);
	for (int i = 0; i < CONFIG_IPC_SHM_IDS; i++)
		rmid(ids[i]);
	assert_int_equal(p_get(ns, &p, 1000, 0, 0), -ENOENT);
	assert_int_equal(p_ctl(ns, &p, 0, IPC_INFO, &info), 0);
}

/*
 * The key index under churn, against a plain array: the table growing from
 * 64 slots, deletions shifting entries back (by IPC_RMID, and by IPC_RMID of
 * an attached segment, which only takes its key away), keys reused at once.
 * The keys are the worst case for keys.c's Fibonacci hash: key = h * the
 * inverse of 0x9e3779b1, so h is the hash itself (never 0: that key would
 * be IPC_PRIVATE). All share one tag (low 16 bits 1); each family of 64 has
 * consecutive hashes, so one long probe run of equal tags that only the key
 * comparison tells apart. The first family (the one churned hardest) counts
 * down from the top of the hash range: its run starts in the table's last
 * slots and wraps to its first ones.
 */
/* As many keys as the id table holds besides segment 0, up to 2048, in
 * families of up to 64 that share a hash. */
#define NKEYS  (CONFIG_IPC_SHM_IDS > 2049 ? 2048 : CONFIG_IPC_SHM_IDS - 1)
#define FAMILY (NKEYS < 64 ? NKEYS : 64)

static void test_ids_keys_found_through_growth_deletion_and_reuse(void **state)
{
	enum { STEPS = 20000 };
	static int32_t keys[NKEYS];
	static int ids[NKEYS]; /* 0: no segment has the key (ids here are never 0: see below) */
	uint32_t x = 7;
	intptr_t att;
	(void)state;

	assert_true(new_seg() == 0); /* takes id 0, so a live key's id is never 0 */
	for (uint32_t i = 0; i < NKEYS; i++) {
		uint32_t family = i / FAMILY, j = i % FAMILY;
		uint32_t hash = family ? family * 0x08000000u + 0x04000001u + j * 0x10000u
		                       : 0xffff0001u - j * 0x10000u;

		keys[i] = (int32_t)(hash * 0x0e8b2f51u); /* 0x9e3779b1 * 0x0e8b2f51 = 1 mod 2^32 */
	}
	for (int step = 0; step < STEPS; step++) {
		bool all = step % 1000 == 999;
		int k;

		x = x * 1103515245u + 12345u;
		k = (int)(x >> 8) % (step < STEPS / 2 ? NKEYS : NKEYS / 8);
		if (!ids[k]) {
			ids[k] = p_get(ns, &p, keys[k], 1, IPC_CREAT | IPC_EXCL | 0600);
			assert_true(ids[k] > 0);
		} else if (x & 0x10000) {
			rmid(ids[k]);
			ids[k] = 0;
		} else {
			/* Attached: removal only takes the key away; the detach then frees it. */
			att = p_at(ns, &p, ids[k], 0, 0);
			assert_true(att > 0);
			rmid(ids[k]);
			assert_int_equal(p_stat(ns, ids[k]).shm_perm.key, IPC_PRIVATE);
			assert_int_equal(p_dt(ns, &p, (uintptr_t)att), 0);
			ids[k] = 0;
		}
		/* k's family after every step (a lost entry may turn up again after an insert), all
		 * now and then. */
		for (int i = all ? 0 : k / FAMILY * FAMILY,
		         end = all ? NKEYS : MIN(k / FAMILY * FAMILY + FAMILY, NKEYS);
		     i < end; i++)
			assert_int_equal(p_get(ns, &p, keys[i], 0, 0), ids[i] ? ids[i] : -ENOENT);
	}
	for (int i = 0; i < NKEYS; i++)
		if (ids[i])
			rmid(ids[i]);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_ids_are_index_plus_sequence_times_32768_as_on_linux),
	    T(test_ids_stale_id_is_einval),
	    T(test_ids_removed_id_is_einval),
	    T(test_ids_indexes_not_reused_at_once),
	    T(test_ids_lookup_by_id_and_key_up_to_32768_segments),
	    T(test_ids_keys_found_through_growth_deletion_and_reuse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
