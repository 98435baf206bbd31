/*
 * shmdt: one test per rule of issue 5, named after it, with the piece
 * counts measured on Linux 6.18 (mprotect of a middle page: 3 pieces,
 * nattch 3; munmap of a middle page: nattch 2; of the first page: 1).
 */
#include "kit_test.h"
#include "fake.h"
#include <klib/errno.h>

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
	assert_true(fake_all_clean());
	return 0;
}

static void test_dt_address_inside_an_attachment_is_einval(void **state)
{
	(void)state;
	assert_int_equal(p_at(ns, &p, id, BASE, 0), BASE);
	assert_int_equal(p_dt(ns, &p, BASE + P), -EINVAL);
	assert_int_equal(p_dt(ns, &p, BASE + 2 * P), -EINVAL);
	assert_int_equal(p_dt(ns, &p, BASE + 1), -EINVAL); /* not even page aligned */
	assert_int_equal(p_nattch(ns, id), 1);
	assert_int_equal(p_dt(ns, &p, BASE), 0);
}

static const struct as_backend other_backend = {.name = "other"};

static void test_dt_address_never_attached_is_einval(void **state)
{
	(void)state;
	assert_int_equal(p_dt(ns, &p, BASE), -EINVAL);
	assert_int_equal(p_dt(ns, &p, 0), -EINVAL);
	/* An ordinary (non-shm) area there is not an attachment either. */
	assert_int_equal(as_map(p.c.as, BASE, P, AS_PROT_READ | AS_PROT_USER, AS_MAP_FIXED,
	                        &other_backend, NULL, 0, NULL),
	                 0);
	assert_int_equal(p_dt(ns, &p, BASE), -EINVAL);
	assert_int_equal(as_area_count(p.c.as), 1);
}

static void test_dt_address_already_detached_is_einval(void **state)
{
	intptr_t a = p_at(ns, &p, id, 0, 0);
	(void)state;

	assert_int_equal(p_dt(ns, &p, (uintptr_t)a), 0);
	assert_int_equal(p_dt(ns, &p, (uintptr_t)a), -EINVAL);
}

static void test_dt_removes_pieces_split_off_by_mprotect(void **state)
{
	(void)state;
	assert_int_equal(p_at(ns, &p, id, BASE, 0), BASE);
	assert_int_equal(as_protect(p.c.as, BASE + P, P, AS_PROT_READ | AS_PROT_USER), 0);
	assert_int_equal(p_nattch(ns, id), 3);
	assert_int_equal(p_dt(ns, &p, BASE + P), -EINVAL); /* start of the middle piece */
	/* Protection back: still three pieces, as on Linux (they are not merged). */
	assert_int_equal(
	    as_protect(p.c.as, BASE + P, P, AS_PROT_READ | AS_PROT_WRITE | AS_PROT_USER), 0);
	assert_int_equal(p_nattch(ns, id), 3);
	assert_int_equal(p_dt(ns, &p, BASE), 0);
	assert_int_equal(p_nattch(ns, id), 0);
	assert_int_equal(as_area_count(p.c.as), 0);
}

static void test_dt_removes_pieces_left_by_munmap(void **state)
{
	(void)state;
	assert_int_equal(p_at(ns, &p, id, BASE, 0), BASE);
	assert_int_equal(as_unmap(p.c.as, BASE + P, P), 0);
	assert_int_equal(p_nattch(ns, id), 2);
	assert_int_equal(p_dt(ns, &p, BASE), 0);
	assert_int_equal(p_nattch(ns, id), 0);
	/* Without its first page, the attachment is still found from its start. */
	assert_int_equal(p_at(ns, &p, id, BASE, 0), BASE);
	assert_int_equal(as_unmap(p.c.as, BASE, P), 0);
	assert_int_equal(p_nattch(ns, id), 1);
	assert_int_equal(p_dt(ns, &p, BASE + P), -EINVAL);
	assert_int_equal(p_dt(ns, &p, BASE), 0);
	assert_int_equal(p_nattch(ns, id), 0);
	assert_int_equal(as_area_count(p.c.as), 0);
}

static void test_dt_updates_dtime_lpid_and_decrements_nattch(void **state)
{
	struct fake_proc q;
	struct shmid64_ds ds;
	intptr_t a, b;
	(void)state;

	fake_proc_init(&q, 33, 100, 100);
	a = p_at(ns, &p, id, 0, 0);
	b = p_at(ns, &q, id, 0, 0);
	fake_set_time(7000);
	assert_int_equal(p_dt(ns, &q, (uintptr_t)b), 0);
	ds = p_stat(ns, id);
	assert_int_equal(ds.shm_nattch, 1);
	assert_int_equal(ds.shm_dtime, 7000);
	assert_int_equal(ds.shm_lpid, 33);
	fake_set_time(7001);
	assert_int_equal(p_dt(ns, &p, (uintptr_t)a), 0);
	ds = p_stat(ns, id);
	assert_int_equal(ds.shm_nattch, 0);
	assert_int_equal(ds.shm_dtime, 7001);
	assert_int_equal(ds.shm_lpid, 10);
	fake_proc_exit(ns, &q);
}

static void test_dt_at_zero_attachments_frees_a_marked_segment(void **state)
{
	long frames = fake_frames_live();
	intptr_t a = p_at(ns, &p, id, 0, 0), b = p_at(ns, &p, id, 0, 0);
	(void)state;

	assert_int_equal(p_poke(&p, (uintptr_t)a, 1), 0);
	assert_int_equal(p_ctl(ns, &p, id, IPC_RMID, NULL), 0);
	assert_int_equal(p_dt(ns, &p, (uintptr_t)a), 0);
	assert_true(p_alive(ns, id));
	assert_int_equal(fake_frames_live(), frames + 1);
	assert_int_equal(p_dt(ns, &p, (uintptr_t)b), 0);
	assert_false(p_alive(ns, id));
	assert_int_equal(fake_frames_live(), frames);
}

/* Linux's walk: only pieces of the segment found first, placed as from addr. */
static void test_dt_leaves_other_segments_and_attachments(void **state)
{
	int big = p_get(ns, &p, IPC_PRIVATE, 4 * P, 0600);
	(void)state;

	/* big at BASE, then a one-page segment over its first page. */
	assert_int_equal(p_at(ns, &p, big, BASE, 0), BASE);
	assert_int_equal(p_at(ns, &p, id, BASE, SHM_REMAP), BASE);
	assert_int_equal(p_nattch(ns, big), 1);
	assert_int_equal(p_nattch(ns, id), 1);
	/* The first piece found at BASE is id's: only it goes (its size bounds the walk)... */
	assert_int_equal(p_dt(ns, &p, BASE), 0);
	assert_int_equal(p_nattch(ns, id), 0);
	assert_int_equal(p_nattch(ns, big), 1);
	/* ...then big's remaining piece (pgoff 1 at BASE + P) is found from BASE. */
	assert_int_equal(p_dt(ns, &p, BASE), 0);
	assert_int_equal(p_nattch(ns, big), 0);
	/* Two attachments of one segment side by side: one detach takes one. */
	assert_int_equal(p_at(ns, &p, id, BASE, 0), BASE);
	assert_int_equal(p_at(ns, &p, id, BASE + 3 * P, 0), BASE + 3 * P);
	assert_int_equal(p_dt(ns, &p, BASE), 0);
	assert_int_equal(p_nattch(ns, id), 1);
	assert_int_equal(as_area_count(p.c.as), 1);
}

/*
 * A piece of another attachment of the same segment, within the size from
 * addr but not where a piece of this one would be (Linux checks both the
 * file and the offset): it stays.
 */
static void test_dt_leaves_a_piece_of_another_attachment_of_the_segment(void **state)
{
	(void)state;
	assert_int_equal(p_at(ns, &p, id, BASE, 0), BASE);
	assert_int_equal(as_unmap(p.c.as, BASE + P, 2 * P), 0);
	assert_int_equal(p_at(ns, &p, id, BASE + P, 0), BASE + P);
	assert_int_equal(as_unmap(p.c.as, BASE + 2 * P, 2 * P), 0);
	assert_int_equal(p_nattch(ns, id), 2);
	assert_int_equal(p_dt(ns, &p, BASE), 0);
	assert_int_equal(p_nattch(ns, id), 1);
	assert_int_equal(as_area_count(p.c.as), 1);
	assert_int_equal(p_dt(ns, &p, BASE + P), 0);
	assert_int_equal(p_nattch(ns, id), 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_dt_address_inside_an_attachment_is_einval),
	    T(test_dt_address_never_attached_is_einval),
	    T(test_dt_address_already_detached_is_einval),
	    T(test_dt_removes_pieces_split_off_by_mprotect),
	    T(test_dt_removes_pieces_left_by_munmap),
	    T(test_dt_updates_dtime_lpid_and_decrements_nattch),
	    T(test_dt_at_zero_attachments_frees_a_marked_segment),
	    T(test_dt_leaves_other_segments_and_attachments),
	    T(test_dt_leaves_a_piece_of_another_attachment_of_the_segment),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
