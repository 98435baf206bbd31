/*
 * Ids with a one-entry id table (ipc-shm built with CONFIG_IPC_SHM_IDS=1):
 * every segment takes index 0, and the sequence number advances with each,
 * so its wrap is in reach: after sequence 65534 (Linux's ipcmni_seq_max,
 * INT_MAX >> 15) comes 0 again, and ids stay positive however often the
 * index is reused. The table's one entry is also the limit: a second
 * segment is ENOSPC. (This file and the fakes are built with the tests'
 * configuration; only the library sees the variant.)
 */
#include "kit_test.h"
#include "fake.h"
#include <klib/errno.h>

#define P PAGE_SIZE

static struct shm_ns *ns;
static struct fake_proc p;

static int setup(void **state)
{
	(void)state;
	ns = fake_ns(NULL);
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

static void test_ids_one_sequence_wraps_and_ids_stay_positive(void **state)
{
	int id;
	(void)state;

	for (long seq = 0; seq < SHM_SEQ_MAX; seq++) {
		id = p_get(ns, &p, IPC_PRIVATE, P, 0600);
		if (id != seq * 32768)
			fail_msg("segment %ld got id %d, not %ld", seq, id, seq * 32768);
		assert_int_equal(p_ctl(ns, &p, id, IPC_RMID, NULL), 0);
	}
	id = p_get(ns, &p, IPC_PRIVATE, P, 0600);
	assert_int_equal(id, 0);
	assert_int_equal(p_ctl(ns, &p, id, IPC_RMID, NULL), 0);
}

static void test_ids_one_entry_is_the_limit(void **state)
{
	struct shm_limits l;
	struct shminfo64 info;
	struct shmid64_ds ds;
	int id;
	(void)state;

	shm_ns_get_limits(ns, &l);
	assert_int_equal(l.shmmni, 1);
	l.shmmni = 2;
	assert_int_equal(shm_ns_set_limits(ns, &l), -EINVAL);
	id = p_get(ns, &p, 5, P, IPC_CREAT | 0600);
	assert_int_equal(id, 0);
	assert_int_equal(p_get(ns, &p, IPC_PRIVATE, P, 0600), -ENOSPC);
	assert_int_equal(p_get(ns, &p, 6, P, IPC_CREAT | 0600), -ENOSPC);
	assert_int_equal(p_get(ns, &p, 5, P, 0600), id);
	/* Indexes past the table are no segment, whatever the id's other bits. */
	assert_int_equal(p_ctl(ns, &p, 1, SHM_STAT_ANY, &ds), -EINVAL);
	assert_int_equal(p_ctl(ns, &p, 32767, SHM_STAT_ANY, &ds), -EINVAL);
	assert_int_equal(p_ctl(ns, &p, 32768 + 511, IPC_STAT, &ds), -EINVAL);
	assert_int_equal(p_at(ns, &p, 32767, 0, 0), -EINVAL);
	assert_int_equal(p_ctl(ns, &p, 0, SHM_STAT_ANY, &ds), id);
	assert_int_equal(p_ctl(ns, &p, 0, IPC_INFO, &info), 0);
	assert_int_equal(info.shmmni, 1);
	assert_int_equal(p_ctl(ns, &p, id, IPC_RMID, NULL), 0);
	assert_int_equal(p_get(ns, &p, 6, P, IPC_CREAT | 0600), 32768);
	assert_int_equal(p_ctl(ns, &p, 32768, IPC_RMID, NULL), 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_ids_one_sequence_wraps_and_ids_stay_positive),
	    T(test_ids_one_entry_is_the_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
