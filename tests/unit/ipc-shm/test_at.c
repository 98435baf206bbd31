/* shmat: one test per rule of issue 5, named after it. */
#include "kit_test.h"
#include "fake.h"
#include <klib/errno.h>
#include <string.h>

#define P    PAGE_SIZE
#define BASE (FAKE_USER_BASE + 0x100000)

static struct shm_ns *ns;
static struct fake_proc p;
static int id;

static int setup(void **state)
{
	(void)state;
	ns = fake_ns(NULL);
	fake_proc_init(&p, 10, 100, 100);
	id = p_get(ns, &p, IPC_PRIVATE, 3 * P, 0600);
	return id < 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_proc_exit(ns, &p);
	shm_ns_put(ns);
	fake_as_fail_next_map(0);
	assert_true(fake_all_clean());
	return 0;
}

static void test_at_negative_id_is_einval(void **state)
{
	(void)state;
	assert_int_equal(p_at(ns, &p, -1, 0, 0), -EINVAL);
	assert_int_equal(p_at(ns, &p, -32768, BASE, 0), -EINVAL);
	assert_int_equal(as_area_count(p.c.as), 0);
}

static void test_at_unaligned_address_without_shm_rnd_is_einval(void **state)
{
	(void)state;
	assert_int_equal(p_at(ns, &p, id, BASE + 1, 0), -EINVAL);
	assert_int_equal(p_at(ns, &p, id, BASE + P / 2, SHM_RDONLY | SHM_REMAP), -EINVAL);
	assert_int_equal(as_area_count(p.c.as), 0);
}

static void test_at_shm_rnd_rounds_down_to_shmlba(void **state)
{
	(void)state;
	assert_int_equal(SHMLBA, PAGE_SIZE);
	assert_int_equal(p_at(ns, &p, id, BASE + SHMLBA - 1, SHM_RND), BASE);
	assert_int_equal(p_at(ns, &p, id, BASE + 5 * SHMLBA, SHM_RND), BASE + 5 * SHMLBA);
}

static void test_at_shm_remap_with_null_or_rounded_to_zero_address_is_einval(void **state)
{
	(void)state;
	assert_int_equal(p_at(ns, &p, id, 0, SHM_REMAP), -EINVAL);
	assert_int_equal(p_at(ns, &p, id, SHMLBA - 1, SHM_REMAP | SHM_RND), -EINVAL);
	/* Rounded to 0 without SHM_REMAP it is a fixed mapping at 0: below the user range. */
	assert_int_equal(p_at(ns, &p, id, SHMLBA - 1, SHM_RND), -EPERM);
	assert_int_equal(as_area_count(p.c.as), 0);
}

static void test_at_overlap_without_remap_is_einval_with_remap_replaces(void **state)
{
	int other = p_get(ns, &p, IPC_PRIVATE, P, 0600);
	(void)state;

	assert_int_equal(p_at(ns, &p, id, BASE, 0), BASE);
	assert_int_equal(p_at(ns, &p, other, BASE + 2 * P, 0), -EINVAL);
	assert_int_equal(p_at(ns, &p, other, BASE - P, 0), BASE - P); /* adjacent is fine */
	assert_int_equal(p_at(ns, &p, id, BASE - 2 * P, 0), -EINVAL); /* [..BASE+P) overlaps */
	assert_int_equal(p_nattch(ns, id), 1);
	/* The overlap is checked before the range: EINVAL, not EPERM or ENOMEM. */
	assert_int_equal(p_at(ns, &p, other, FAKE_USER_BASE, 0), FAKE_USER_BASE);
	assert_int_equal(p_at(ns, &p, id, FAKE_USER_BASE - P, 0), -EINVAL);
	assert_int_equal(p_at(ns, &p, other, FAKE_USER_TOP - P, 0), FAKE_USER_TOP - P);
	assert_int_equal(p_at(ns, &p, id, FAKE_USER_TOP - 2 * P, 0), -EINVAL);
	assert_int_equal(p_dt(ns, &p, FAKE_USER_BASE), 0);
	assert_int_equal(p_dt(ns, &p, FAKE_USER_TOP - P), 0);
	/* Write through the old mapping, replace its middle page, read the new one. */
	assert_int_equal(p_poke(&p, BASE + P, 0x5a), 0);
	assert_int_equal(p_at(ns, &p, other, BASE + P, SHM_REMAP), BASE + P);
	uint8_t v = 1;
	assert_int_equal(p_peek(&p, BASE + P, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(p_nattch(ns, id), 2);    /* split in two pieces */
	assert_int_equal(p_nattch(ns, other), 2); /* its two attachments */
	assert_int_equal(as_area_count(p.c.as), 4);
}

static void test_at_permissions_r_for_rdonly_rw_otherwise_x_for_exec(void **state)
{
	struct shmid64_ds ds = p_stat(ns, id);
	struct fake_proc q;
	intptr_t a;
	(void)state;

	fake_proc_init(&q, 11, 200, 200);
	ds.shm_perm.mode = 0604;
	assert_int_equal(p_ctl(ns, &p, id, IPC_SET, &ds), 0);
	assert_int_equal(p_at(ns, &q, id, 0, 0), -EACCES);
	a = p_at(ns, &q, id, 0, SHM_RDONLY);
	assert_true(a > 0);
	assert_int_equal(p_poke(&q, (uintptr_t)a, 1), -EFAULT); /* mapped read-only */
	assert_int_equal(p_at(ns, &q, id, 0, SHM_RDONLY | SHM_EXEC), -EACCES);
	ds.shm_perm.mode = 0605;
	assert_int_equal(p_ctl(ns, &p, id, IPC_SET, &ds), 0);
	assert_true(p_at(ns, &q, id, 0, SHM_RDONLY | SHM_EXEC) > 0);
	assert_int_equal(p_at(ns, &q, id, 0, SHM_EXEC), -EACCES);
	ds.shm_perm.mode = 0607;
	assert_int_equal(p_ctl(ns, &p, id, IPC_SET, &ds), 0);
	a = p_at(ns, &q, id, 0, SHM_EXEC);
	assert_true(a > 0);
	assert_int_equal(p_poke(&q, (uintptr_t)a, 1), 0);
	fake_proc_exit(ns, &q);
}

/* Linux maps SHM_RDONLY from a read-only file: mprotect cannot add write (EACCES), exec is fine. */
static void test_at_rdonly_attachment_never_becomes_writable(void **state)
{
	const unsigned r = AS_PROT_READ | AS_PROT_USER;
	intptr_t a = p_at(ns, &p, id, 0, SHM_RDONLY);
	intptr_t w = p_at(ns, &p, id, 0, 0);
	(void)state;

	assert_true(a > 0 && w > 0);
	assert_true(fake_as_last_map_flags() & AS_MAP_SHARED);
	assert_int_equal(as_protect(p.c.as, (uintptr_t)a, P, r | AS_PROT_WRITE), -EACCES);
	assert_int_equal(as_protect(p.c.as, (uintptr_t)a, 3 * P, r | AS_PROT_EXEC), 0);
	assert_int_equal(p_poke(&p, (uintptr_t)a, 1), -EFAULT);
	/* A writable attachment can be made read-only and writable again. */
	assert_int_equal(as_protect(p.c.as, (uintptr_t)w, P, r), 0);
	assert_int_equal(as_protect(p.c.as, (uintptr_t)w, P, r | AS_PROT_WRITE), 0);
	assert_int_equal(p_poke(&p, (uintptr_t)w, 1), 0);
	assert_int_equal(p_nattch(ns, id), 3); /* the writable one was split in two */
}

static void test_at_one_process_attaches_many_times_each_counts(void **state)
{
	intptr_t a[5];
	(void)state;

	for (int i = 0; i < 5; i++) {
		a[i] = p_at(ns, &p, id, 0, i % 2 ? SHM_RDONLY : 0);
		assert_true(a[i] > 0);
		assert_int_equal(p_nattch(ns, id), i + 1);
	}
	assert_int_equal(p_poke(&p, (uintptr_t)a[0] + 7, 0x42), 0);
	uint8_t v;
	assert_int_equal(p_peek(&p, (uintptr_t)a[3] + 7, &v), 0);
	assert_int_equal(v, 0x42); /* the same frames */
	for (int i = 0; i < 5; i++)
		assert_int_equal(p_dt(ns, &p, (uintptr_t)a[i]), 0);
	assert_int_equal(p_nattch(ns, id), 0);
}

static void test_at_marked_segment_can_still_be_attached_by_id(void **state)
{
	intptr_t a = p_at(ns, &p, id, 0, 0), b;
	(void)state;

	assert_int_equal(p_ctl(ns, &p, id, IPC_RMID, NULL), 0);
	assert_int_equal(p_stat(ns, id).shm_perm.mode & SHM_DEST, SHM_DEST);
	b = p_at(ns, &p, id, 0, 0);
	assert_true(b > 0);
	assert_int_equal(p_nattch(ns, id), 2);
	assert_int_equal(p_dt(ns, &p, (uintptr_t)a), 0);
	assert_int_equal(p_dt(ns, &p, (uintptr_t)b), 0);
	assert_false(p_alive(ns, id));
}

/* Each failure after the lookup: no area, no count, no time or pid changed. */
static void test_at_failed_attach_changes_nothing(void **state)
{
	struct shmid64_ds before, after;
	struct fake_proc q;
	intptr_t a;
	(void)state;

	a = p_at(ns, &p, id, BASE, 0);
	assert_int_equal(a, BASE);
	fake_set_time(fake_time() + 100);
	before = p_stat(ns, id);
	assert_int_equal(p_at(ns, &p, id, BASE + P, 0), -EINVAL); /* overlap */
	assert_int_equal(p_at(ns, &p, id, FAKE_USER_TOP - P, 0), -ENOMEM);
	assert_int_equal(p_at(ns, &p, id, FAKE_USER_BASE - P, 0), -EPERM);
	fake_as_fail_next_map(-ENOMEM);
	assert_int_equal(p_at(ns, &p, id, 0, 0), -ENOMEM);
	/* Another thread mapped the range between the overlap check and the map:
	 * shmat's answer is the overlap's, EINVAL, not the space's EEXIST. */
	fake_as_fail_next_map(-EEXIST);
	assert_int_equal(p_at(ns, &p, id, BASE + 16 * P, 0), -EINVAL);
	fake_proc_init(&q, 77, 300, 300);
	assert_int_equal(p_at(ns, &q, id, 0, 0), -EACCES);
	after = p_stat(ns, id);
	assert_memory_equal(&before, &after, sizeof(before));
	assert_int_equal(as_area_count(p.c.as), 1);
	assert_int_equal(as_area_count(q.c.as), 0);
	fake_proc_exit(ns, &q);
}

static void test_at_updates_atime_and_lpid(void **state)
{
	struct shmid64_ds ds;
	struct fake_proc q;
	(void)state;

	fake_proc_init(&q, 55, 100, 100);
	fake_set_time(5000);
	assert_true(p_at(ns, &p, id, 0, 0) > 0);
	ds = p_stat(ns, id);
	assert_int_equal(ds.shm_atime, 5000);
	assert_int_equal(ds.shm_lpid, 10);
	assert_int_equal(ds.shm_dtime, 0);
	fake_set_time(6000);
	assert_true(p_at(ns, &q, id, 0, SHM_RDONLY) > 0);
	ds = p_stat(ns, id);
	assert_int_equal(ds.shm_atime, 6000);
	assert_int_equal(ds.shm_lpid, 55);
	fake_proc_exit(ns, &q);
}

static void test_at_beyond_user_top_is_enomem_below_user_base_is_eperm(void **state)
{
	(void)state;
	assert_int_equal(p_at(ns, &p, id, FAKE_USER_TOP - 2 * P, 0), -ENOMEM);
	assert_int_equal(p_at(ns, &p, id, FAKE_USER_TOP, 0), -ENOMEM);
	assert_int_equal(p_at(ns, &p, id, FAKE_USER_TOP - 3 * P, 0), FAKE_USER_TOP - 3 * P);
	assert_int_equal(p_at(ns, &p, id, P, SHM_REMAP), -EPERM);
	assert_int_equal(p_at(ns, &p, id, FAKE_USER_BASE, 0), FAKE_USER_BASE);
}

static void test_at_large_segment_maps_lazily_with_huge_pages_where_aligned(void **state)
{
	int big = p_get(ns, &p, IPC_PRIVATE, 64ul << 20, 0600);
	long frames = fake_frames_live();
	intptr_t a;
	(void)state;

	assert_true(p_at(ns, &p, id, 0, 0) > 0); /* something below, so alignment matters */
	a = p_at(ns, &p, big, 0, 0);
	assert_true(a > 0);
	assert_int_equal((uintptr_t)a % (2ul << 20), 0);
	assert_true(fake_as_last_map_flags() & AS_MAP_HUGE);
	assert_true(fake_as_last_map_flags() & AS_MAP_SHARED);
	assert_int_equal(fake_frames_live(), frames); /* nothing until touched */
	for (uintptr_t off = 0; off < 64ul << 20; off += 1ul << 20)
		assert_int_equal(p_poke(&p, (uintptr_t)a + off, 1), 0);
	assert_int_equal(fake_frames_live(), frames + 64);
	/* A small one gets no huge mapping. */
	assert_true(p_at(ns, &p, id, 0, 0) > 0);
	assert_false(fake_as_last_map_flags() & AS_MAP_HUGE);
}

static void test_at_fault_without_memory_fails_and_retries(void **state)
{
	intptr_t a = p_at(ns, &p, id, 0, 0);
	uint8_t v = 9;
	(void)state;

	fake_fail_frames_after(0);
	assert_int_equal(as_fault(p.c.as, (uintptr_t)a, AS_ACCESS_READ), -ENOMEM);
	fake_fail_heap_after(0); /* and no memory for the page tree either */
	assert_int_equal(as_fault(p.c.as, (uintptr_t)a + 2 * P, AS_ACCESS_READ), -ENOMEM);
	fake_fail_heap_after(-1);
	fake_fail_frames_after(-1);
	assert_int_equal(p_peek(&p, (uintptr_t)a, &v), 0);
	assert_int_equal(v, 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_at_negative_id_is_einval),
	    T(test_at_unaligned_address_without_shm_rnd_is_einval),
	    T(test_at_shm_rnd_rounds_down_to_shmlba),
	    T(test_at_shm_remap_with_null_or_rounded_to_zero_address_is_einval),
	    T(test_at_overlap_without_remap_is_einval_with_remap_replaces),
	    T(test_at_permissions_r_for_rdonly_rw_otherwise_x_for_exec),
	    T(test_at_rdonly_attachment_never_becomes_writable),
	    T(test_at_one_process_attaches_many_times_each_counts),
	    T(test_at_marked_segment_can_still_be_attached_by_id),
	    T(test_at_failed_attach_changes_nothing),
	    T(test_at_updates_atime_and_lpid),
	    T(test_at_beyond_user_top_is_enomem_below_user_base_is_eperm),
	    T(test_at_large_segment_maps_lazily_with_huge_pages_where_aligned),
	    T(test_at_fault_without_memory_fails_and_retries),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
