/*
 * ipc-shm over the real memory components (real_mem.h): user copies
 * through a real space, lazy large attachments, running out of memory
 * anywhere, and teardown in any order returning every frame.
 */
#include "real_mem.h"
#include <klib/errno.h>

static void test_ctl_user_copies_through_the_real_space(void **state)
{
	struct proc p;
	struct shmid64_ds ds;
	uintptr_t buf, v;
	int id;
	(void)state;

	proc_init(&p, 90, 1000);
	id = p_get(&p, IPC_PRIVATE, 2 * P, 0600);
	/* Away from where the attachment goes (top-down), so that nothing follows the segment. */
	assert_int_equal(as_map_anon(p.c.as, 0x1000000, P, URW, 0, &buf), 0);
	/* Into a lazy anonymous page: the copy faults it in. */
	assert_int_equal(shm_ctl_user(ns, &p.c, id, IPC_STAT, buf), 0);
	assert_int_equal(as_copy_from_user(p.c.as, &ds, buf, sizeof(ds)), 0);
	assert_int_equal(ds.shm_segsz, 2 * P);
	assert_int_equal(ds.shm_cpid, 90);
	/*
	 * Into the segment's own, untouched attachment: the copy faults a
	 * page of the segment in, under the space's lock and through
	 * ipc-shm's own backend, after shm_ctl let go of its locks.
	 */
	v = p_at(&p, id, 0, 0);
	assert_int_equal(shm_ctl_user(ns, &p.c, id, IPC_STAT, v + P - 8), 0);
	assert_int_equal(as_copy_from_user(p.c.as, &ds, v + P - 8, sizeof(ds)), 0);
	assert_int_equal(ds.shm_nattch, 1);
	/* IPC_SET from user memory. */
	ds.shm_perm.mode = 0640;
	assert_int_equal(as_copy_to_user(p.c.as, buf, &ds, sizeof(ds)), 0);
	assert_int_equal(shm_ctl_user(ns, &p.c, id, IPC_SET, buf), 0);
	assert_int_equal(p_stat(id).shm_perm.mode, 0640);
	/* Unmapped, or off the end of the segment: EFAULT. */
	assert_int_equal(shm_ctl_user(ns, &p.c, id, IPC_STAT, 0x7000000), -EFAULT);
	assert_int_equal(shm_ctl_user(ns, &p.c, id, IPC_STAT, v + 2 * P - 8), -EFAULT);
	assert_int_equal(shm_ctl(ns, &p.c, id, IPC_RMID, NULL), 0);
	proc_exit(&p);
}

static void test_large_segment_attaches_lazily_on_a_2mib_boundary(void **state)
{
	struct proc p;
	struct shm_info info;
	size_t before;
	uintptr_t v;
	int id;
	(void)state;

	proc_init(&p, 100, 1000);
	/*
	 * 64 MiB: four times this test's RAM, promised only without reservation
	 * (vm.overcommit_memory 0, page-alloc's own policy), and fine since only
	 * touched pages take frames.
	 */
	assert_int_equal(p_get(&p, IPC_PRIVATE, 64ul << 20, 0600), -ENOMEM);
	id = p_get(&p, IPC_PRIVATE, 64ul << 20, SHM_NORESERVE | 0600);
	before = page_free_count();
	v = p_at(&p, id, 0, 0);
	assert_int_equal(v % (2ul << 20), 0);
	assert_true(before - page_free_count() <= 1); /* at most the area's own heap slab */
	assert_int_equal(user_store(&p, v, 1), 0);
	assert_int_equal(user_store(&p, v + (32ul << 20), 2), 0);
	assert_int_equal(user_store(&p, v + (64ul << 20) - 1, 3), 0);
	assert_true(shm_ctl(ns, &p.c, 0, SHM_INFO, &info) >= 0);
	assert_int_equal(info.shm_rss, 3);
	assert_int_equal(info.shm_tot, 16384);
	assert_int_equal(p_dt(&p, v), 0);
	assert_int_equal(shm_ctl(ns, &p.c, id, IPC_RMID, NULL), 0);
	proc_exit(&p);
}

static void test_out_of_memory_fails_cleanly_and_recovers(void **state)
{
	static struct hoard h;
	struct proc p;
	uintptr_t v;
	int id;
	(void)state;

	proc_init(&p, 110, 1000);
	id = p_get(&p, IPC_PRIVATE, 4 * P, 0600);
	v = p_at(&p, id, 0, 0);
	assert_int_equal(user_store(&p, v, 1), 0);
	hoard_all(&h);
	/* No frame for the page: the fault says so, and nothing breaks. */
	assert_int_equal(user_store(&p, v + 3 * P, 1), -ENOMEM);
	/* No heap for the area or the segment: the calls fail and change nothing. */
	host_shm_set_pid(110);
	assert_int_equal(shm_at(ns, &p.c, id, 0, 0), -ENOMEM);
	assert_int_equal(shm_get(ns, &p.c, IPC_PRIVATE, P, 0600), -ENOMEM);
	assert_int_equal(nattch(id), 1);
	assert_int_equal(as_area_count(p.c.as), 1);
	hoard_release(&h);
	assert_int_equal(user_store(&p, v + 3 * P, 4), 0);
	assert_int_equal(user_load(&p, v), 1);
	assert_int_equal(shm_ctl(ns, &p.c, id, IPC_RMID, NULL), 0);
	proc_exit(&p);
}

/*
 * fork with too little memory, at every point where it can run out: memory
 * comes back one frame at a time until as_fork succeeds. Each failure
 * leaves the count as it was (the copies made so far are closed again).
 */
static void test_fork_without_memory_fails_cleanly_at_every_point(void **state)
{
	static struct hoard h;
	struct proc parent, child;
	uintptr_t v[3];
	int id, failures = 0, rc;
	(void)state;

	proc_init(&parent, 120, 1000);
	id = p_get(&parent, IPC_PRIVATE, 600 * P, 0600);
	for (int i = 0; i < 3; i++) {
		v[i] = p_at(&parent, id, 0, 0);
		assert_int_equal(user_store(&parent, v[i] + 599 * P, (uint8_t)i), 0);
	}
	hoard_all(&h);
	host_shm_set_pid(120);
	while ((rc = as_fork(parent.c.as, &child.c.as)) != 0) {
		assert_int_equal(rc, -ENOMEM);
		assert_int_equal(nattch(id), 3);
		assert_true(h.nframes > 0);
		page_free(h.frames[--h.nframes], 0);
		failures++;
	}
	assert_true(failures > 2); /* the space, its table, an area... */
	assert_int_equal(nattch(id), 6);
	hoard_release(&h);
	assert_int_equal(user_load(&child, v[2] + 599 * P), 2);
	assert_int_equal(frame_of(&parent, v[2] + 599 * P), frame_of(&child, v[2] + 599 * P));
	child.c.pid = 121;
	child.c.task = NULL;
	host_shm_set_pid(121);
	as_activate(idle);
	as_destroy(child.c.as);
	assert_int_equal(nattch(id), 3);
	assert_int_equal(shm_ctl(ns, &parent.c, id, IPC_RMID, NULL), 0);
	proc_exit(&parent);
}

/*
 * Teardown in the worst order, as when processes leave an IPC namespace
 * (unshare/setns) and it is destroyed while they still have its segments
 * attached: the segments live on, marked; the last detach frees the last
 * segment and the namespace with it. Every frame comes back.
 */
static void test_destroying_everything_returns_every_frame(void **state)
{
	struct proc procs[4];
	uintptr_t v[2][3];
	int ids[3];
	(void)state;

	proc_init(&procs[0], 200, 1000);
	proc_init(&procs[1], 201, 1000);
	ids[0] = p_get(&procs[0], 0x100, 3 * P, IPC_CREAT | 0666);
	ids[1] = p_get(&procs[1], IPC_PRIVATE, 600 * P, 0666); /* a two-level page tree */
	ids[2] = p_get(&procs[1], 0x101, P, IPC_CREAT | 0666);
	for (int i = 0; i < 2; i++)
		for (int s = 0; s < 3; s++)
			v[i][s] = p_at(&procs[i], ids[s], 0, s == 2 ? SHM_RDONLY : 0);
	assert_int_equal(user_store(&procs[0], v[0][0] + 2 * P, 1), 0);
	assert_int_equal(user_store(&procs[0], v[0][1], 2), 0);
	assert_int_equal(user_store(&procs[1], v[1][1] + 599 * P, 3), 0);
	assert_int_equal(user_load(&procs[1], v[1][2]), 0);
	proc_fork(&procs[2], &procs[0], 202);
	proc_fork(&procs[3], &procs[2], 203);
	assert_int_equal(nattch(ids[0]), 4);
	assert_int_equal(user_load(&procs[3], v[0][1] + 599 * P), 3);
	proc_exit(&procs[2]);

	/* 0 and 1 leave the namespace; 3 still runs in it when it goes. */
	shm_task_exit(ns, &procs[0].task);
	shm_task_exit(ns, &procs[1].task);
	shm_task_exit(ns, &procs[3].task);
	shm_ns_put(ns);
	ns = NULL; /* freed with its last segment, by the last as_destroy below */
	assert_int_equal(user_load(&procs[0], v[0][0] + 2 * P), 1);
	for (int i = 0; i < 4; i++) {
		if (i == 2)
			continue;
		host_shm_set_pid(procs[i].c.pid);
		as_activate(idle);
		as_destroy(procs[i].c.as);
	}
}

#define T(f) cmocka_unit_test_setup_teardown(f, real_setup, real_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_ctl_user_copies_through_the_real_space),
	    T(test_large_segment_attaches_lazily_on_a_2mib_boundary),
	    T(test_out_of_memory_fails_cleanly_and_recovers),
	    T(test_fork_without_memory_fails_cleanly_at_every_point),
	    T(test_destroying_everything_returns_every_frame),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
