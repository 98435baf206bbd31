/* shmctl: one test per rule of issue 5, named after it. */
#include "kit_test.h"
#include "fake.h"
#include "linux_abi.h"
#include <klib/errno.h>
#include <string.h>

#define P PAGE_SIZE

static struct shm_ns *ns;
static struct fake_proc owner, other;
static int id;

static int setup(void **state)
{
	(void)state;
	ns = fake_ns(NULL);
	fake_proc_init(&owner, 10, 100, 100);
	fake_proc_init(&other, 20, 200, 200);
	id = p_get(ns, &owner, 77, 2 * P, IPC_CREAT | 0600);
	return id < 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_proc_exit(ns, &owner);
	fake_proc_exit(ns, &other);
	shm_ns_put(ns);
	assert_true(fake_all_clean());
	return 0;
}

static void test_ctl_negative_cmd_or_id_or_unknown_cmd_is_einval(void **state)
{
	struct shmid64_ds ds;
	(void)state;

	assert_int_equal(p_ctl(ns, &owner, id, -1, &ds), -EINVAL);
	assert_int_equal(p_ctl(ns, &owner, -1, IPC_STAT, &ds), -EINVAL);
	assert_int_equal(p_ctl(ns, &owner, -1, IPC_INFO, &ds), -EINVAL); /* even where unused */
	assert_int_equal(p_ctl(ns, &owner, -1, IPC_SET, NULL), -EINVAL); /* before the copy */
	assert_int_equal(p_ctl(ns, &owner, id, 4, &ds), -EINVAL);
	assert_int_equal(p_ctl(ns, &owner, id, 16, NULL), -EINVAL);
	assert_int_equal(p_ctl(ns, &owner, id, IPC_STAT | 0x100, &ds), -EINVAL); /* no IPC_64 */
}

static void test_ctl_ipc_stat_needs_read_permission(void **state)
{
	struct shmid64_ds ds;
	(void)state;

	assert_int_equal(p_ctl(ns, &other, id, IPC_STAT, &ds), -EACCES);
	assert_int_equal(p_ctl(ns, &owner, id, IPC_STAT, &ds), 0);
	assert_int_equal(ds.shm_segsz, 2 * P);
	ds.shm_perm.mode = 0604;
	assert_int_equal(p_ctl(ns, &owner, id, IPC_SET, &ds), 0);
	assert_int_equal(p_ctl(ns, &other, id, IPC_STAT, &ds), 0);
}

/* The system call's copy: user addresses in the caller's space. */
static void test_ctl_ipc_stat_bad_buffer_is_efault(void **state)
{
	intptr_t rw, ro;
	struct shmid64_ds ds;
	(void)state;

	rw = p_at(ns, &owner, id, 0, 0);
	ro = p_at(ns, &owner, id, 0, SHM_RDONLY);
	fake_set_pid(owner.c.pid);
	assert_int_equal(shm_ctl_user(ns, &owner.c, id, IPC_STAT, 0), -EFAULT);
	assert_int_equal(shm_ctl_user(ns, &owner.c, id, IPC_STAT, FAKE_USER_TOP - P), -EFAULT);
	assert_int_equal(shm_ctl_user(ns, &owner.c, id, IPC_STAT, (uintptr_t)ro), -EFAULT);
	/* Running off the end of the mapping is a fault too. */
	assert_int_equal(shm_ctl_user(ns, &owner.c, id, IPC_STAT, (uintptr_t)rw + 2 * P - 8),
	                 -EFAULT);
	/* Lookup and permission errors come before the copy. */
	assert_int_equal(shm_ctl_user(ns, &owner.c, id + 1, IPC_STAT, 0), -EINVAL);
	fake_set_pid(other.c.pid);
	assert_int_equal(shm_ctl_user(ns, &other.c, id, IPC_STAT, 0), -EACCES);
	fake_set_pid(owner.c.pid);
	assert_int_equal(shm_ctl_user(ns, &owner.c, id, IPC_INFO, 0), -EFAULT);
	assert_int_equal(shm_ctl_user(ns, &owner.c, id, SHM_INFO, (uintptr_t)ro), -EFAULT);
	/* A good buffer: the struct lands in the segment itself. */
	assert_int_equal(shm_ctl_user(ns, &owner.c, id, IPC_STAT, (uintptr_t)rw), 0);
	assert_int_equal(as_copy_from_user(owner.c.as, &ds, (uintptr_t)ro, sizeof(ds)), 0);
	assert_int_equal(ds.shm_perm.key, 77);
	assert_int_equal(ds.shm_nattch, 2);
	/* The kernel-pointer form: NULL is the bad buffer. */
	assert_int_equal(p_ctl(ns, &owner, id, IPC_STAT, NULL), -EFAULT);
	assert_int_equal(p_ctl(ns, &owner, id, SHM_STAT_ANY, NULL), -EFAULT);
}

static void test_ctl_ipc_set_bad_buffer_is_efault_before_the_id(void **state)
{
	(void)state;
	fake_set_pid(owner.c.pid);
	assert_int_equal(shm_ctl_user(ns, &owner.c, id + 65536, IPC_SET, 8), -EFAULT);
	assert_int_equal(shm_ctl_user(ns, &other.c, id, IPC_SET, 0), -EFAULT); /* before EPERM */
	assert_int_equal(p_ctl(ns, &owner, id + 65536, IPC_SET, NULL), -EFAULT);
	/* IPC_RMID ignores the buffer. */
	assert_int_equal(shm_ctl_user(ns, &owner.c, id, IPC_RMID, 8), 0);
}

static void test_ctl_shm_stat_takes_an_index_needs_read_and_returns_the_full_id(void **state)
{
	int idx = id % SHM_ID_SEQ_MULT, second;
	struct shmid64_ds ds;
	(void)state;

	/* Give the next id a non-zero sequence number. */
	for (int i = 0; i < 64; i++)
		assert_int_equal(
		    p_ctl(ns, &owner, p_get(ns, &owner, IPC_PRIVATE, P, 0), IPC_RMID, NULL), 0);
	second = p_get(ns, &owner, IPC_PRIVATE, P, 0640);
	assert_true(second >= SHM_ID_SEQ_MULT);
	assert_int_equal(p_ctl(ns, &owner, second % SHM_ID_SEQ_MULT, SHM_STAT, &ds), second);
	assert_int_equal(p_ctl(ns, &owner, second, SHM_STAT, &ds), second); /* sequence ignored */
	assert_int_equal(ds.shm_perm.mode, 0640);
	assert_int_equal(p_ctl(ns, &owner, idx, SHM_STAT, &ds), id);
	assert_int_equal(p_ctl(ns, &other, idx, SHM_STAT, &ds), -EACCES);
	assert_int_equal(p_ctl(ns, &owner, 30000, SHM_STAT, &ds), -EINVAL);
	assert_int_equal(p_ctl(ns, &owner, second % SHM_ID_SEQ_MULT, IPC_STAT, &ds), -EINVAL);
}

static void test_ctl_shm_stat_any_needs_no_permission(void **state)
{
	struct shmid64_ds ds;
	(void)state;

	assert_int_equal(p_ctl(ns, &other, id % SHM_ID_SEQ_MULT, SHM_STAT_ANY, &ds), id);
	assert_int_equal(ds.shm_perm.uid, 100);
	assert_int_equal(p_ctl(ns, &other, 30000, SHM_STAT_ANY, &ds), -EINVAL);
}

static void test_ctl_ipc_set_needs_owner_or_sys_admin(void **state)
{
	struct shmid64_ds ds = p_stat(ns, id);
	(void)state;

	ds.shm_perm.mode = 0666;
	assert_int_equal(p_ctl(ns, &other, id, IPC_SET, &ds), -EPERM);
	other.c.caps = SHM_CAP_IPC_OWNER | SHM_CAP_IPC_LOCK;
	assert_int_equal(p_ctl(ns, &other, id, IPC_SET, &ds), -EPERM);
	other.c.caps = SHM_CAP_SYS_ADMIN;
	assert_int_equal(p_ctl(ns, &other, id, IPC_SET, &ds), 0);
	other.c.caps = 0;
	/* Now uid 300 owns it; the creator (cuid 100) still may, uid 200 may not. */
	ds.shm_perm.uid = 300;
	assert_int_equal(p_ctl(ns, &owner, id, IPC_SET, &ds), 0);
	assert_int_equal(p_ctl(ns, &owner, id, IPC_SET, &ds), 0);
	assert_int_equal(p_ctl(ns, &other, id, IPC_SET, &ds), -EPERM);
	struct fake_proc newowner;
	fake_proc_init(&newowner, 30, 300, 1);
	assert_int_equal(p_ctl(ns, &newowner, id, IPC_SET, &ds), 0);
	fake_proc_exit(ns, &newowner);
}

static void test_ctl_ipc_set_uid_or_gid_of_minus_one_is_einval(void **state)
{
	struct shmid64_ds ds = p_stat(ns, id);
	(void)state;

	ds.shm_perm.uid = (uint32_t)-1;
	assert_int_equal(p_ctl(ns, &owner, id, IPC_SET, &ds), -EINVAL);
	ds.shm_perm.uid = 5;
	ds.shm_perm.gid = (uint32_t)-1;
	assert_int_equal(p_ctl(ns, &owner, id, IPC_SET, &ds), -EINVAL);
	assert_int_equal(p_stat(ns, id).shm_perm.uid, 100); /* unchanged */
}

static void
test_ctl_ipc_set_changes_only_uid_gid_low_mode_keeps_dest_locked_sets_ctime(void **state)
{
	struct shmid64_ds ds, after;
	intptr_t a = p_at(ns, &owner, id, 0, 0);
	(void)state;

	assert_true(a > 0);
	assert_int_equal(p_ctl(ns, &owner, id, SHM_LOCK, NULL), 0);
	assert_int_equal(p_ctl(ns, &owner, id, IPC_RMID, NULL), 0);
	ds = p_stat(ns, id);
	memset(&ds, 0x5c, sizeof(ds)); /* the caller's whole struct is junk but three fields */
	ds.shm_perm.uid = 7;
	ds.shm_perm.gid = 8;
	ds.shm_perm.mode = 0100000 | 0777;
	fake_set_time(424242);
	assert_int_equal(p_ctl(ns, &owner, id, IPC_SET, &ds), 0);
	after = p_stat(ns, id);
	assert_int_equal(after.shm_perm.uid, 7);
	assert_int_equal(after.shm_perm.gid, 8);
	assert_int_equal(after.shm_perm.mode, SHM_DEST | SHM_LOCKED | 0777);
	assert_int_equal(after.shm_perm.cuid, 100);
	assert_int_equal(after.shm_perm.cgid, 100);
	assert_int_equal(after.shm_perm.key, IPC_PRIVATE);
	assert_int_equal(after.shm_segsz, 2 * P);
	assert_int_equal(after.shm_ctime, 424242);
	assert_int_equal(after.shm_nattch, 1);
	assert_int_equal(after.shm_cpid, 10);
	assert_int_equal(p_dt(ns, &owner, (uintptr_t)a), 0);
}

static void test_ctl_ipc_rmid_needs_owner_or_sys_admin(void **state)
{
	(void)state;
	assert_int_equal(p_ctl(ns, &other, id, IPC_RMID, NULL), -EPERM);
	other.c.caps = SHM_CAP_IPC_OWNER;
	assert_int_equal(p_ctl(ns, &other, id, IPC_RMID, NULL), -EPERM);
	other.c.caps = SHM_CAP_SYS_ADMIN;
	assert_int_equal(p_ctl(ns, &other, id, IPC_RMID, NULL), 0);
	assert_false(p_alive(ns, id));
}

static void test_ctl_ipc_rmid_frees_an_unattached_segment_at_once(void **state)
{
	long frames = fake_frames_live();
	intptr_t a = p_at(ns, &owner, id, 0, 0);
	struct shm_info info;
	(void)state;

	assert_int_equal(p_poke(&owner, (uintptr_t)a + P, 1), 0);
	assert_int_equal(p_dt(ns, &owner, (uintptr_t)a), 0);
	assert_int_equal(fake_frames_live(), frames + 1); /* the segment keeps its frame */
	assert_int_equal(p_ctl(ns, &owner, id, IPC_RMID, NULL), 0);
	assert_int_equal(fake_frames_live(), frames);
	assert_false(p_alive(ns, id));
	assert_int_equal(p_get(ns, &owner, 77, 0, 0), -ENOENT);
	p_ctl(ns, &owner, 0, SHM_INFO, &info);
	assert_int_equal(info.used_ids, 0);
	assert_int_equal(info.shm_tot, 0);
	assert_int_equal(info.shm_rss, 0);
}

static void test_ctl_ipc_rmid_attached_sets_shm_dest_and_makes_the_key_private(void **state)
{
	intptr_t a = p_at(ns, &owner, id, 0, 0);
	struct shmid64_ds ds;
	int fresh;
	(void)state;

	assert_int_equal(p_ctl(ns, &owner, id, IPC_RMID, NULL), 0);
	ds = p_stat(ns, id);
	assert_int_equal(ds.shm_perm.mode, SHM_DEST | 0600);
	assert_int_equal(ds.shm_perm.key, IPC_PRIVATE);
	assert_int_equal(p_get(ns, &owner, 77, 0, 0), -ENOENT);
	fresh = p_get(ns, &owner, 77, P, IPC_CREAT | IPC_EXCL | 0600);
	assert_true(fresh >= 0 && fresh != id);
	/* The old id still works until the last detach. */
	assert_int_equal(p_ctl(ns, &owner, id, IPC_RMID, NULL), 0); /* again: still fine */
	assert_int_equal(p_ctl(ns, &owner, id, SHM_LOCK, NULL), 0);
	assert_true(p_at(ns, &owner, id, 0, SHM_RDONLY) > 0);
	assert_int_equal(p_nattch(ns, id), 2);
	fake_proc_exec(&owner); /* drops both attachments */
	assert_false(p_alive(ns, id));
	assert_int_equal(p_get(ns, &owner, 77, 0, 0), fresh);
	(void)a;
}

static void test_ctl_ipc_info_and_shm_info_return_the_highest_index_limits_and_usage(void **state)
{
	struct shminfo64 info;
	struct shm_info usage;
	struct shm_limits l = {.shmmax = 123456, .shmall = 777, .shmmni = 99};
	int ids[5];
	intptr_t a;
	(void)state;

	assert_int_equal(shm_ns_set_limits(ns, &l), 0);
	for (int i = 0; i < 5; i++)
		ids[i] = p_get(ns, &owner, IPC_PRIVATE, 3 * P + 1, 0600); /* indexes 1..5 */
	assert_int_equal(p_ctl(ns, &other, 0, IPC_INFO, &info), 5);
	assert_int_equal(info.shmmax, 123456);
	assert_int_equal(info.shmmin, 1);
	assert_int_equal(info.shmmni, 99);
	assert_int_equal(info.shmseg, 99);
	assert_int_equal(info.shmall, 777);
	assert_int_equal(info.__unused1, 0);
	a = p_at(ns, &owner, ids[2], 0, 0);
	assert_int_equal(p_poke(&owner, (uintptr_t)a, 1), 0);
	assert_int_equal(p_poke(&owner, (uintptr_t)a + 3 * P, 1), 0);
	assert_int_equal(p_ctl(ns, &other, 0, SHM_INFO, &usage), 5);
	assert_int_equal(usage.used_ids, 6);
	assert_int_equal(usage.shm_tot, 2 + 5 * 4);
	assert_int_equal(usage.shm_rss, 2);
	assert_int_equal(usage.shm_swp, 0);
	p_ctl(ns, &owner, ids[4], IPC_RMID, NULL);
	p_ctl(ns, &owner, ids[3], IPC_RMID, NULL);
	assert_int_equal(p_ctl(ns, &other, 0, SHM_INFO, &usage), 3);
	assert_int_equal(p_ctl(ns, &other, 0, IPC_INFO, &info), 3);
}

/*
 * The results are Linux's whole structures: every byte the caller's buffer
 * holds afterwards is the kernel's, the unused and swap fields zero (a copy
 * one byte short of the structure would leave the caller's last byte).
 */
static void test_ctl_results_fill_the_whole_structure(void **state)
{
	struct shm_info usage, want_usage;
	struct shminfo64 info, want_info;
	struct shmid64_ds ds;
	(void)state;

	memset(&usage, 0xa5, sizeof(usage));
	assert_int_equal(p_ctl(ns, &other, 0, SHM_INFO, &usage), 0);
	memset(&want_usage, 0, sizeof(want_usage));
	want_usage.used_ids = 1;
	want_usage.shm_tot = 2;
	assert_memory_equal(&usage, &want_usage, sizeof(usage));

	memset(&info, 0xa5, sizeof(info));
	assert_int_equal(p_ctl(ns, &other, 0, IPC_INFO, &info), 0);
	memset(&want_info, 0, sizeof(want_info));
	want_info.shmmax = CONFIG_IPC_SHM_SHMMAX;
	want_info.shmmin = 1;
	want_info.shmmni = want_info.shmseg = CONFIG_IPC_SHM_SHMMNI;
	want_info.shmall = CONFIG_IPC_SHM_SHMALL;
	assert_memory_equal(&info, &want_info, sizeof(info));

	memset(&ds, 0xa5, sizeof(ds));
	assert_int_equal(p_ctl(ns, &owner, id, IPC_STAT, &ds), 0);
	assert_int_equal(ds.shm_perm.__pad2, 0);
	assert_int_equal(ds.shm_perm.__unused1, 0);
	assert_int_equal(ds.shm_perm.__unused2, 0);
	assert_int_equal(ds.__unused4, 0);
	assert_int_equal(ds.__unused5, 0);
	assert_int_equal(ds.shm_nattch, 0);
	assert_int_equal(ds.shm_segsz, 2 * P);
}

static void test_ctl_shm_lock_and_unlock_owner_or_ipc_lock_idempotent(void **state)
{
	(void)state;
	assert_int_equal(p_ctl(ns, &other, id, SHM_LOCK, NULL), -EPERM);
	assert_int_equal(p_ctl(ns, &other, id, SHM_UNLOCK, NULL), -EPERM);
	other.c.caps = SHM_CAP_SYS_ADMIN | SHM_CAP_IPC_OWNER; /* not these */
	assert_int_equal(p_ctl(ns, &other, id, SHM_LOCK, NULL), -EPERM);
	assert_int_equal(p_ctl(ns, &owner, id, SHM_LOCK, NULL), 0);
	assert_int_equal(p_ctl(ns, &owner, id, SHM_LOCK, NULL), 0);
	assert_int_equal(p_stat(ns, id).shm_perm.mode, SHM_LOCKED | 0600);
	assert_int_equal(p_ctl(ns, &owner, id, SHM_UNLOCK, NULL), 0);
	assert_int_equal(p_ctl(ns, &owner, id, SHM_UNLOCK, NULL), 0);
	assert_int_equal(p_stat(ns, id).shm_perm.mode, 0600);
	/* A zero memlock limit stops the owner's SHM_LOCK, not SHM_UNLOCK. */
	owner.c.memlock_limit = 0;
	assert_int_equal(p_ctl(ns, &owner, id, SHM_LOCK, NULL), -EPERM);
	assert_int_equal(p_ctl(ns, &owner, id, SHM_UNLOCK, NULL), 0);
	other.c.caps = SHM_CAP_IPC_LOCK;
	other.c.memlock_limit = 0;
	assert_int_equal(p_ctl(ns, &other, id, SHM_LOCK, NULL), 0);
	assert_int_equal(p_stat(ns, id).shm_perm.mode, SHM_LOCKED | 0600);
	assert_int_equal(p_ctl(ns, &other, id, SHM_UNLOCK, NULL), 0);
}

/*
 * SHM_LOCK charges the segment's pages to the caller's real uid: past its
 * RLIMIT_MEMLOCK that is ENOMEM (Linux's user_shm_lock), unless it has
 * IPC_LOCK; SHM_UNLOCK and the segment's end give the pages back.
 */
static void test_ctl_shm_lock_counts_pages_per_user_against_memlock(void **state)
{
	int id2 = p_get(ns, &owner, 78, 3 * P, IPC_CREAT | 0600);

	(void)state;
	owner.c.uid = 100;
	owner.c.memlock_limit = 4 * P; /* 2 + 3 pages do not fit */
	assert_int_equal(p_ctl(ns, &owner, id, SHM_LOCK, NULL), 0);
	assert_int_equal(p_ctl(ns, &owner, id2, SHM_LOCK, NULL), -ENOMEM);
	assert_int_equal(p_stat(ns, id2).shm_perm.mode, 0600);
	owner.c.memlock_limit = 5 * P; /* exactly fits */
	assert_int_equal(p_ctl(ns, &owner, id2, SHM_LOCK, NULL), 0);
	assert_int_equal(p_ctl(ns, &owner, id2, SHM_LOCK, NULL), 0); /* charged once */
	/* Another user's count is its own; a limit below one segment still refuses. */
	owner.c.uid = 101;
	owner.c.memlock_limit = P;
	assert_int_equal(p_ctl(ns, &owner, id2, SHM_UNLOCK, NULL), 0); /* refunds uid 100 */
	assert_int_equal(p_ctl(ns, &owner, id2, SHM_LOCK, NULL), -ENOMEM);
	owner.c.caps = SHM_CAP_IPC_LOCK; /* bypasses the limit, still counts */
	assert_int_equal(p_ctl(ns, &owner, id2, SHM_LOCK, NULL), 0);
	owner.c.caps = 0;
	/* Removing a locked segment refunds its user: uid 100 has 2 pages locked again. */
	assert_int_equal(p_ctl(ns, &owner, id2, IPC_RMID, NULL), 0);
	owner.c.uid = 100;
	owner.c.memlock_limit = 5 * P;
	id2 = p_get(ns, &owner, 79, 3 * P, IPC_CREAT | 0600);
	assert_int_equal(p_ctl(ns, &owner, id2, SHM_LOCK, NULL), 0);
	assert_int_equal(p_ctl(ns, &owner, id2, IPC_RMID, NULL), 0);
	owner.c.memlock_limit = ~0ul; /* unlimited */
	assert_int_equal(p_ctl(ns, &owner, id, SHM_UNLOCK, NULL), 0);
	assert_int_equal(p_ctl(ns, &owner, id, SHM_LOCK, NULL), 0);
}

/* The structures and numbers are Linux's, checked against the host's UAPI headers. */
static void test_ctl_structures_are_laid_out_as_linux(void **state)
{
	static const struct linux_abi_field ours[] = {LINUX_ABI_FIELDS(LINUX_ABI_FIELD)
	                                                  LINUX_ABI_STRUCTS(LINUX_ABI_SIZE)};
	static const long values[] = {LINUX_ABI_VALUES(LINUX_ABI_VALUE)};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(ours); i++) {
		assert_string_equal(ours[i].name, linux_abi_fields[i].name);
		assert_int_equal(ours[i].offset, linux_abi_fields[i].offset);
		assert_int_equal(ours[i].size, linux_abi_fields[i].size);
	}
	for (size_t i = 0; i < ARRAY_SIZE(values); i++)
		assert_int_equal(values[i], linux_abi_values[i]);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_ctl_negative_cmd_or_id_or_unknown_cmd_is_einval),
	    T(test_ctl_results_fill_the_whole_structure),
	    T(test_ctl_shm_lock_counts_pages_per_user_against_memlock),
	    T(test_ctl_ipc_stat_needs_read_permission),
	    T(test_ctl_ipc_stat_bad_buffer_is_efault),
	    T(test_ctl_ipc_set_bad_buffer_is_efault_before_the_id),
	    T(test_ctl_shm_stat_takes_an_index_needs_read_and_returns_the_full_id),
	    T(test_ctl_shm_stat_any_needs_no_permission),
	    T(test_ctl_ipc_set_needs_owner_or_sys_admin),
	    T(test_ctl_ipc_set_uid_or_gid_of_minus_one_is_einval),
	    T(test_ctl_ipc_set_changes_only_uid_gid_low_mode_keeps_dest_locked_sets_ctime),
	    T(test_ctl_ipc_rmid_needs_owner_or_sys_admin),
	    T(test_ctl_ipc_rmid_frees_an_unattached_segment_at_once),
	    T(test_ctl_ipc_rmid_attached_sets_shm_dest_and_makes_the_key_private),
	    T(test_ctl_ipc_info_and_shm_info_return_the_highest_index_limits_and_usage),
	    T(test_ctl_shm_lock_and_unlock_owner_or_ipc_lock_idempotent),
	    T(test_ctl_structures_are_laid_out_as_linux),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
