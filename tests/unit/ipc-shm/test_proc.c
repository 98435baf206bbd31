/*
 * What /proc shows of a namespace: the segments one by one with their
 * fields (/proc/sysvipc/shm), the segment behind an attachment (maps), and
 * kernel.shm_next_id with Linux's rule (ipc/util.c, ipc_idr_alloc).
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
	fake_proc_init(&p, 7, 1000, 100);
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

static void rmid(int id)
{
	assert_int_equal(p_ctl(ns, &p, id, IPC_RMID, NULL), 0);
}

/* Every segment once, in index order, with the fields of its line. */
static void test_next_seg_walks_every_segment(void **state)
{
	struct shm_seg_info info;
	int a, b, c, idx = -1; /* a negative start is index 0 */
	intptr_t at;

	(void)state;
	fake_set_time(1000);
	assert_int_equal(a = p_get(ns, &p, 0x1234, 3 * P + 1, IPC_CREAT | 0640), 0);
	assert_int_equal(b = p_get(ns, &p, IPC_PRIVATE, P, 0600), 1);
	assert_int_equal(c = p_get(ns, &p, IPC_PRIVATE, P, 0666), 2);
	rmid(b);
	fake_set_time(1005);
	assert_true((at = p_at(ns, &p, a, 0, 0)) > 0);
	assert_int_equal(p_poke(&p, (uintptr_t)at, 1), 0);
	assert_int_equal(p_poke(&p, (uintptr_t)at + 2 * P, 1), 0);

	assert_int_equal(shm_ns_next_seg(ns, &idx, &info), 0);
	assert_int_equal(idx, 0);
	assert_int_equal(info.key, 0x1234);
	assert_int_equal(info.id, a);
	assert_int_equal(info.mode, 0640);
	assert_int_equal(info.segsz, 3 * P + 1);
	assert_int_equal(info.cpid, 7);
	assert_int_equal(info.lpid, 7);
	assert_int_equal(info.nattch, 1);
	assert_int_equal(info.uid, 1000);
	assert_int_equal(info.gid, 100);
	assert_int_equal(info.cuid, 1000);
	assert_int_equal(info.cgid, 100);
	assert_int_equal(info.atime, 1005);
	assert_int_equal(info.dtime, 0);
	assert_int_equal(info.ctime, 1000);
	assert_int_equal(info.rss, 2); /* the two pages touched */

	idx++; /* index 1 was removed: the next one is 2 */
	assert_int_equal(shm_ns_next_seg(ns, &idx, &info), 0);
	assert_int_equal(idx, 2);
	assert_int_equal(info.id, c);
	assert_int_equal(info.mode, 0666);
	assert_int_equal(info.nattch, 0);
	assert_int_equal(info.rss, 0);
	idx++;
	assert_int_equal(shm_ns_next_seg(ns, &idx, &info), -ENOENT);

	/* A removed segment still attached shows SHM_DEST and the private key. */
	rmid(a);
	idx = 0;
	assert_int_equal(shm_ns_next_seg(ns, &idx, &info), 0);
	assert_int_equal(info.id, a);
	assert_int_equal(info.key, IPC_PRIVATE);
	assert_int_equal(info.mode, SHM_DEST | 0640);
	assert_int_equal(p_dt(ns, &p, (uintptr_t)at), 0);
	idx = 0;
	assert_int_equal(shm_ns_next_seg(ns, &idx, &info), 0);
	assert_int_equal(info.id, c);
	rmid(c);
	idx = 0;
	assert_int_equal(shm_ns_next_seg(ns, &idx, &info), -ENOENT);
}

/* The next creation takes shm_next_id, then it is -1 again (shmget05). */
static void test_next_id_is_taken_once(void **state)
{
	int want = 5 * 32768 + 7, id, other;

	(void)state;
	assert_int_equal(shm_ns_get_next_id(ns), -1);
	assert_int_equal(shm_ns_set_next_id(ns, want), 0);
	assert_int_equal(shm_ns_get_next_id(ns), want);
	assert_int_equal(id = p_get(ns, &p, 0x77, P, IPC_CREAT | 0600), want);
	assert_int_equal(shm_ns_get_next_id(ns), -1);
	assert_true(p_alive(ns, id));
	assert_int_equal(p_stat(ns, id).shm_perm.seq, 5);
	/* Ordinary ids go on from the cyclic cursor, which it did not move. */
	assert_int_equal(other = p_get(ns, &p, IPC_PRIVATE, P, 0600), 0);
	rmid(other);
	rmid(id);
	assert_int_equal(shm_ns_set_next_id(ns, -2), -EINVAL);
	assert_int_equal(shm_ns_set_next_id(ns, -1), 0);
}

/* An id whose index is taken gives the next free index above it (shmget06: pid + 1). */
static void test_next_id_in_use_takes_the_next_index(void **state)
{
	/* Indexes the table has, whatever CONFIG_IPC_SHM_IDS is. */
	const int mid = CONFIG_IPC_SHM_IDS > 600 ? 300 : CONFIG_IPC_SHM_IDS / 2;
	const int last = CONFIG_IPC_SHM_IDS < 32768 ? CONFIG_IPC_SHM_IDS - 1 : 32767;
	int first, second;

	(void)state;
	assert_int_equal(shm_ns_set_next_id(ns, mid), 0);
	assert_int_equal(first = p_get(ns, &p, IPC_PRIVATE, P, 0600), mid);
	assert_int_equal(shm_ns_set_next_id(ns, mid), 0);
	assert_int_equal(second = p_get(ns, &p, IPC_PRIVATE, P, 0600), mid + 1);
	rmid(first);
	rmid(second);
	/* Nothing free at or above the index: ENOSPC, and the value is spent. */
	assert_int_equal(shm_ns_set_next_id(ns, last), 0);
	assert_int_equal(first = p_get(ns, &p, IPC_PRIVATE, P, 0600), last);
	assert_int_equal(shm_ns_set_next_id(ns, last), 0);
	assert_int_equal(p_get(ns, &p, IPC_PRIVATE, P, 0600), -ENOSPC);
	assert_int_equal(shm_ns_get_next_id(ns), -1);
	rmid(first);
}

/* A creation refused before the id allocation leaves shm_next_id alone. */
static void test_next_id_survives_earlier_failures(void **state)
{
	struct shm_limits l;
	unsigned long saved;
	int id;

	(void)state;
	assert_int_equal(shm_ns_set_next_id(ns, 42), 0);
	assert_int_equal(p_get(ns, &p, IPC_PRIVATE, 0, 0600), -EINVAL); /* below SHMMIN */
	shm_ns_get_limits(ns, &l);
	saved = l.shmmni;
	l.shmmni = 0;
	assert_int_equal(shm_ns_set_limits(ns, &l), 0);
	assert_int_equal(p_get(ns, &p, IPC_PRIVATE, P, 0600), -ENOSPC); /* SHMMNI */
	assert_int_equal(shm_ns_get_next_id(ns), 42);
	l.shmmni = saved;
	assert_int_equal(shm_ns_set_limits(ns, &l), 0);
	assert_int_equal(id = p_get(ns, &p, IPC_PRIVATE, P, 0600), 42);
	rmid(id);
}

static enum as_visit find_seg(const struct as_area *area, void *ctx)
{
	int *out = ctx;
	int32_t key;

	if (shm_area_seg(area, &key, &out[1]))
		out[0] = key;
	return AS_VISIT_NEXT;
}

static const struct as_backend other_backend = {.name = "other"};

/* The attachment behind an area: the key it was created with, even after IPC_RMID. */
static void test_area_seg(void **state)
{
	int found[2] = {-1, -1}, id;
	uintptr_t anon;
	intptr_t at;

	(void)state;
	assert_int_equal(id = p_get(ns, &p, 0xabcd, P, IPC_CREAT | 0600), 0);
	assert_true((at = p_at(ns, &p, id, 0, 0)) > 0);
	assert_int_equal(
	    as_map(p.c.as, 0, P, AS_PROT_READ | AS_PROT_USER, 0, &other_backend, NULL, 0, &anon),
	    0);
	rmid(id);
	assert_int_equal(as_visit(p.c.as, 0, find_seg, found), 0);
	assert_int_equal(found[0], 0xabcd);
	assert_int_equal(found[1], id);
	assert_int_equal(p_dt(ns, &p, (uintptr_t)at), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_next_seg_walks_every_segment, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_next_id_is_taken_once, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_next_id_in_use_takes_the_next_index, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_next_id_survives_earlier_failures, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_area_seg, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
