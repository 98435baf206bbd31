/* shmget: one test per rule of issue 5, named after it. */
#include "kit_test.h"
#include "fake.h"
#include <klib/errno.h>
#include <string.h>

#define P PAGE_SIZE

static struct shm_ns *ns;
static struct fake_proc root, user;

static int setup(void **state)
{
	(void)state;
	ns = fake_ns(NULL);
	fake_proc_init(&root, 100, 0, 0);
	fake_proc_init(&user, 200, 1000, 1000);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_proc_exit(ns, &root);
	fake_proc_exit(ns, &user);
	shm_ns_put(ns);
	fake_fail_heap_after(-1);
	fake_fail_frames_after(-1);
	assert_true(fake_all_clean());
	return 0;
}

static void test_get_ipc_private_always_creates_new(void **state)
{
	(void)state;
	int a = p_get(ns, &user, IPC_PRIVATE, P, 0600);
	int b = p_get(ns, &user, IPC_PRIVATE, P, 0600 | IPC_CREAT | IPC_EXCL);
	int c = p_get(ns, &user, IPC_PRIVATE, P, 0);

	assert_true(a >= 0 && b >= 0 && c >= 0);
	assert_true(a != b && b != c && a != c);
	assert_int_equal(p_stat(ns, a).shm_perm.key, IPC_PRIVATE);
}

static void test_get_missing_key_without_creat_is_enoent(void **state)
{
	(void)state;
	assert_int_equal(p_get(ns, &user, 42, P, 0600), -ENOENT);
	assert_int_equal(p_get(ns, &user, 42, P, IPC_EXCL | 0600), -ENOENT);
	assert_true(p_get(ns, &user, 42, P, IPC_CREAT | 0600) >= 0);
}

static void test_get_existing_key_creat_excl_is_eexist_checked_first(void **state)
{
	(void)state;
	int id = p_get(ns, &user, 7, P, IPC_CREAT | 0600);

	assert_true(id >= 0);
	/* A larger size and no permission for 'root'-less other user: still EEXIST. */
	struct fake_proc other;
	fake_proc_init(&other, 300, 2000, 2000);
	assert_int_equal(p_get(ns, &other, 7, 10 * P, IPC_CREAT | IPC_EXCL | 0666), -EEXIST);
	assert_int_equal(p_get(ns, &user, 7, P, IPC_CREAT | IPC_EXCL), -EEXIST);
	assert_int_equal(p_get(ns, &user, 7, P, IPC_CREAT), id);
	fake_proc_exit(ns, &other);
}

static void test_get_existing_key_larger_size_is_einval_before_permissions(void **state)
{
	(void)state;
	struct fake_proc other;
	int id = p_get(ns, &user, 8, 2 * P, IPC_CREAT | 0600);

	fake_proc_init(&other, 300, 2000, 2000);
	assert_int_equal(p_get(ns, &user, 8, 2 * P + 1, 0), -EINVAL);
	assert_int_equal(p_get(ns, &other, 8, 3 * P, 0400), -EINVAL); /* not EACCES */
	assert_int_equal(p_get(ns, &other, 8, 2 * P, 0400), -EACCES);
	assert_int_equal(p_get(ns, &user, 8, 2 * P, 0600), id);
	fake_proc_exit(ns, &other);
}

static void test_get_existing_key_size_zero_is_fine(void **state)
{
	(void)state;
	int id = p_get(ns, &user, 9, 5 * P, IPC_CREAT | 0600);

	assert_int_equal(p_get(ns, &user, 9, 0, 0), id);
	assert_int_equal(p_get(ns, &user, 9, 0, IPC_CREAT), id);
	/* ...but not for a new one: size 0 is below SHMMIN. */
	assert_int_equal(p_get(ns, &user, 10, 0, IPC_CREAT), -EINVAL);
}

static void test_get_permission_failure_on_existing_key_is_eacces(void **state)
{
	(void)state;
	struct fake_proc other;
	int id = p_get(ns, &user, 11, P, IPC_CREAT | 0640);

	fake_proc_init(&other, 300, 2000, 2000);
	assert_int_equal(p_get(ns, &other, 11, P, 0400), -EACCES);
	assert_int_equal(p_get(ns, &other, 11, P, IPC_CREAT | 0001),
	                 -EACCES); /* any digit counts */
	/* No bits asked for: no check, as on Linux. */
	assert_int_equal(p_get(ns, &other, 11, P, 0), id);
	assert_int_equal(p_get(ns, &other, 11, P, IPC_CREAT), id);
	other.c.caps = SHM_CAP_IPC_OWNER;
	assert_int_equal(p_get(ns, &other, 11, P, 0666), id);
	fake_proc_exit(ns, &other);
}

static void test_get_size_out_of_shmmin_shmmax_is_einval_before_limits(void **state)
{
	(void)state;
	struct shm_limits l;

	shm_ns_get_limits(ns, &l);
	l.shmmax = 4 * P;
	l.shmall = 0; /* every creation would exceed SHMALL */
	l.shmmni = 0; /* and SHMMNI */
	assert_int_equal(shm_ns_set_limits(ns, &l), 0);
	assert_int_equal(p_get(ns, &user, IPC_PRIVATE, 0, 0600), -EINVAL);
	assert_int_equal(p_get(ns, &user, IPC_PRIVATE, 4 * P + 1, 0600), -EINVAL);
	assert_int_equal(p_get(ns, &user, 12, 4 * P + 1, IPC_CREAT | 0600), -EINVAL);
	assert_int_equal(p_get(ns, &user, IPC_PRIVATE, 4 * P, 0600), -ENOSPC);
	assert_int_equal(p_get(ns, &user, IPC_PRIVATE, 1, 0600), -ENOSPC);
}

/* Measured on Linux 6.18 with shmmax = ULONG_MAX: the page count overflows. */
static void test_get_size_whose_page_count_overflows_is_enospc(void **state)
{
	struct shm_limits l;
	(void)state;

	shm_ns_get_limits(ns, &l);
	l.shmmax = ~0ul;
	shm_ns_set_limits(ns, &l);
	assert_int_equal(p_get(ns, &user, IPC_PRIVATE, ~(size_t)0, 0600), -ENOSPC);
	assert_int_equal(p_get(ns, &user, IPC_PRIVATE, ~(size_t)0 - P + 2, 0600), -ENOSPC);
	/* Beyond the largest shmem file (LLONG_MAX): EINVAL, also as measured. */
	assert_int_equal(p_get(ns, &user, IPC_PRIVATE, ~(size_t)0 - 2 * P, 0600), -EINVAL);
	/* Beyond RAM: promised only without reservation (vm.overcommit_memory 0). */
	assert_int_equal(p_get(ns, &user, IPC_PRIVATE, (size_t)INT64_MAX, 0600), -ENOMEM);
	assert_true(p_get(ns, &user, IPC_PRIVATE, (size_t)INT64_MAX, SHM_NORESERVE | 0600) >= 0);
}

static void test_get_shmall_exceeded_in_pages_is_enospc(void **state)
{
	(void)state;
	struct shm_limits l;

	shm_ns_get_limits(ns, &l);
	l.shmall = 3; /* pages */
	shm_ns_set_limits(ns, &l);
	assert_true(p_get(ns, &user, IPC_PRIVATE, P + 1, 0600) >= 0); /* 2 pages */
	assert_int_equal(p_get(ns, &user, IPC_PRIVATE, P + 1, 0600), -ENOSPC);
	assert_true(p_get(ns, &user, IPC_PRIVATE, 1, 0600) >= 0); /* the third page */
	assert_int_equal(p_get(ns, &user, IPC_PRIVATE, 1, 0600), -ENOSPC);
	assert_int_equal(p_get(ns, &user, 13, 1, IPC_CREAT | 0600), -ENOSPC);
}

static void test_get_shmmni_reached_is_enospc(void **state)
{
	(void)state;
	struct shm_limits l;
	int ids[3];

	shm_ns_get_limits(ns, &l);
	l.shmmni = 3;
	shm_ns_set_limits(ns, &l);
	for (int i = 0; i < 3; i++)
		assert_true((ids[i] = p_get(ns, &user, IPC_PRIVATE, P, 0600)) >= 0);
	assert_int_equal(p_get(ns, &user, IPC_PRIVATE, P, 0600), -ENOSPC);
	assert_int_equal(p_get(ns, &user, 14, P, IPC_CREAT | 0600), -ENOSPC);
	assert_int_equal(p_ctl(ns, &user, ids[1], IPC_RMID, NULL), 0);
	assert_true(p_get(ns, &user, IPC_PRIVATE, P, 0600) >= 0);
}

/* Every allocation shmget makes, failed in turn: ENOMEM, nothing leaked or changed. */
static void test_get_no_memory_is_enomem(void **state)
{
	(void)state;
	long heap = fake_heap_live();
	int ok = -1;

	for (long n = 0; ok < 0; n++) {
		struct shm_info before, after;

		assert_true(n < 100);
		p_ctl(ns, &root, 0, SHM_INFO, &before);
		fake_fail_heap_after(n);
		ok = p_get(ns, &user, 15, P, IPC_CREAT | 0600);
		fake_fail_heap_after(-1);
		if (ok < 0) {
			assert_int_equal(ok, -ENOMEM);
			assert_int_equal(fake_heap_live(), heap);
			p_ctl(ns, &root, 0, SHM_INFO, &after);
			assert_int_equal(after.used_ids, before.used_ids);
			assert_int_equal(after.shm_tot, before.shm_tot);
			assert_int_equal(p_get(ns, &user, 15, 0, 0), -ENOENT);
		}
	}
	assert_int_equal(p_get(ns, &user, 15, 0, 0), ok);
}

static void test_get_new_segment_fields(void **state)
{
	(void)state;
	fake_set_time(1234567);
	user.c.egid = 1500; /* effective ids, not the process's first group */
	user.groups[0] = 77;
	user.c.ngroups = 1;
	int id = p_get(ns, &user, 16, 3 * P + 5, IPC_CREAT | IPC_EXCL | 03777);
	struct shmid64_ds ds = p_stat(ns, id);

	assert_true(id >= 0);
	assert_int_equal(ds.shm_perm.key, 16);
	assert_int_equal(ds.shm_perm.mode, 0777); /* flags & 0777 */
	assert_int_equal(ds.shm_perm.uid, 1000);
	assert_int_equal(ds.shm_perm.cuid, 1000);
	assert_int_equal(ds.shm_perm.gid, 1500);
	assert_int_equal(ds.shm_perm.cgid, 1500);
	assert_int_equal(ds.shm_segsz, 3 * P + 5); /* not rounded */
	assert_int_equal(ds.shm_cpid, 200);
	assert_int_equal(ds.shm_lpid, 0);
	assert_int_equal(ds.shm_nattch, 0);
	assert_int_equal(ds.shm_atime, 0);
	assert_int_equal(ds.shm_dtime, 0);
	assert_int_equal(ds.shm_ctime, 1234567);
	assert_int_equal(ds.shm_perm.seq, (unsigned)id >> SHM_ID_SEQ_SHIFT);
	assert_int_equal(ds.__unused4, 0);
	assert_int_equal(ds.shm_perm.__unused1, 0);
}

static void test_get_new_segment_pages_read_as_zeros(void **state)
{
	(void)state;
	int id = p_get(ns, &user, IPC_PRIVATE, 3 * P, 0600);
	intptr_t a = p_at(ns, &user, id, 0, 0);
	uint8_t v = 1;

	assert_true(a > 0);
	for (uintptr_t off = 0; off < 3 * P; off += 1021) {
		assert_int_equal(p_peek(&user, (uintptr_t)a + off, &v), 0);
		assert_int_equal(v, 0);
	}
	assert_int_equal(p_dt(ns, &user, (uintptr_t)a), 0);
}

static void test_get_frames_allocated_on_first_touch_not_at_get(void **state)
{
	(void)state;
	long frames = fake_frames_live();
	int id = p_get(ns, &user, IPC_PRIVATE, 1ul << 30, 0600); /* 1 GiB */
	struct shm_info info;
	intptr_t a;

	assert_int_equal(fake_frames_live(), frames);
	a = p_at(ns, &user, id, 0, 0);
	assert_true(a > 0);
	assert_int_equal(fake_frames_live(), frames); /* attaching maps lazily */
	assert_int_equal(p_poke(&user, (uintptr_t)a + (512ul << 20), 1), 0);
	assert_int_equal(fake_frames_live(), frames + 1);
	assert_int_equal(p_ctl(ns, &root, 0, SHM_INFO, &info) >= 0, 1);
	assert_int_equal(info.shm_rss, 1);
	assert_int_equal(info.shm_tot, (1ul << 30) / P);
	assert_int_equal(p_dt(ns, &user, (uintptr_t)a), 0);
	assert_int_equal(p_ctl(ns, &user, id, IPC_RMID, NULL), 0);
	assert_int_equal(fake_frames_live(), frames);
}

/*
 * SHM_HUGETLB as Linux 6.12 with hugetlbfs and no huge page reserved: a
 * page size no hstate has is EINVAL, then EPERM without CAP_IPC_LOCK or
 * group 0 (vm.hugetlb_shm_group), then ENOMEM; no segment is made, and
 * the size checks before it come first. LTP's shmget02 checks the
 * EPERM and ENOMEM cases against the real kernel.
 */
static void test_get_hugetlb_without_huge_pages(void **state)
{
	(void)state;
	size_t frames = fake_frames_live();
	struct shm_info info;

	assert_int_equal(p_get(ns, &user, 30, P, IPC_CREAT | SHM_HUGETLB | 0600), -EPERM);
	assert_int_equal(p_get(ns, &user, 30, P, IPC_CREAT | SHM_HUGETLB | (13 << SHM_HUGE_SHIFT)),
	                 -EINVAL);
	assert_int_equal(p_get(ns, &user, 30, 0, IPC_CREAT | SHM_HUGETLB), -EINVAL); /* SHMMIN */
	user.c.caps = SHM_CAP_IPC_LOCK;
	assert_int_equal(p_get(ns, &user, 30, P, IPC_CREAT | SHM_HUGETLB | 0600), -ENOMEM);
	assert_int_equal(p_get(ns, &user, 30, P, IPC_CREAT | SHM_HUGETLB | (30 << SHM_HUGE_SHIFT)),
	                 -ENOMEM);
	user.c.caps = 0;
	user.groups[0] = 0; /* a member of vm.hugetlb_shm_group */
	user.c.ngroups = 1;
	assert_int_equal(p_get(ns, &user, 30, P, IPC_CREAT | SHM_HUGETLB | (21 << SHM_HUGE_SHIFT)),
	                 -ENOMEM);
	user.c.ngroups = 0;
	assert_int_equal(p_get(ns, &root, 30, P, IPC_CREAT | SHM_HUGETLB), -ENOMEM); /* gid 0 */
	assert_int_equal(p_get(ns, &user, 30, P, 0600), -ENOENT);
	assert_int_equal(p_ctl(ns, &root, 0, SHM_INFO, &info) >= 0, 1);
	assert_int_equal(info.used_ids, 0);
	assert_int_equal(fake_frames_live(), frames);
}

/*
 * shmem_acct_size under Linux's default heuristic: a segment larger than
 * RAM (64 TiB) is ENOMEM, and no segment, id or frame is left; with
 * SHM_NORESERVE it is made, and costs no frame until a page is touched.
 * The size checks come first; an existing key is never charged again.
 */
static void test_get_beyond_ram_needs_shm_noreserve(void **state)
{
	(void)state;
	const size_t tib64 = 64ul << 40;
	long frames = fake_frames_live();
	unsigned long pages;
	bool noreserve;
	struct shm_info info;
	intptr_t a;
	int id;

	assert_int_equal(p_get(ns, &user, IPC_PRIVATE, tib64, 0600), -ENOMEM);
	fake_last_commit(&pages, &noreserve);
	assert_int_equal(pages, tib64 / P);
	assert_false(noreserve);
	assert_int_equal(p_get(ns, &user, 40, tib64, IPC_CREAT | 0600), -ENOMEM);
	assert_int_equal(p_get(ns, &user, 40, P, 0600), -ENOENT);
	assert_int_equal(p_get(ns, &user, IPC_PRIVATE, FAKE_RAM_PAGES * P + 1, 0600), -ENOMEM);
	assert_int_equal(p_ctl(ns, &root, 0, SHM_INFO, &info) >= 0, 1);
	assert_int_equal(info.used_ids, 0);
	assert_int_equal(info.shm_tot, 0);

	id = p_get(ns, &user, 40, tib64, IPC_CREAT | SHM_NORESERVE | 0600);
	assert_true(id >= 0);
	fake_last_commit(&pages, &noreserve);
	assert_true(noreserve);
	assert_int_equal(fake_frames_live(), frames);
	assert_int_equal(p_get(ns, &user, 40, tib64, 0600), id); /* found, not charged */
	assert_int_equal(p_ctl(ns, &root, 0, SHM_INFO, &info) >= 0, 1);
	assert_int_equal(info.shm_tot, tib64 / P);
	assert_int_equal(p_ctl(ns, &user, id, IPC_RMID, NULL), 0);
	/* Twice RAM, small enough to attach here: a frame for the page touched, no more. */
	id = p_get(ns, &user, IPC_PRIVATE, 2 * FAKE_RAM_PAGES * P, SHM_NORESERVE | 0600);
	assert_true(id >= 0);
	a = p_at(ns, &user, id, 0, 0);
	assert_true(a > 0);
	assert_int_equal(p_poke(&user, (uintptr_t)a + FAKE_RAM_PAGES * P, 7), 0);
	assert_int_equal(fake_frames_live(), frames + 1);
	assert_int_equal(p_dt(ns, &user, (uintptr_t)a), 0);
	assert_int_equal(p_ctl(ns, &user, id, IPC_RMID, NULL), 0);
	assert_int_equal(fake_frames_live(), frames);
	/* Within RAM the heuristic promises it. */
	assert_true(p_get(ns, &user, IPC_PRIVATE, FAKE_RAM_PAGES * P, 0600) >= 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_get_ipc_private_always_creates_new),
	    T(test_get_missing_key_without_creat_is_enoent),
	    T(test_get_existing_key_creat_excl_is_eexist_checked_first),
	    T(test_get_existing_key_larger_size_is_einval_before_permissions),
	    T(test_get_existing_key_size_zero_is_fine),
	    T(test_get_permission_failure_on_existing_key_is_eacces),
	    T(test_get_size_out_of_shmmin_shmmax_is_einval_before_limits),
	    T(test_get_size_whose_page_count_overflows_is_enospc),
	    T(test_get_shmall_exceeded_in_pages_is_enospc),
	    T(test_get_shmmni_reached_is_enospc),
	    T(test_get_no_memory_is_enomem),
	    T(test_get_new_segment_fields),
	    T(test_get_new_segment_pages_read_as_zeros),
	    T(test_get_frames_allocated_on_first_touch_not_at_get),
	    T(test_get_hugetlb_without_huge_pages),
	    T(test_get_beyond_ram_needs_shm_noreserve),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
