/*
 * remap_file_pages over attachments (as_remap with ipc-shm's backend) on
 * the real memory components (real_mem.h), raced the way LTP's shmctl05
 * races it: one thread of a process attaches a segment and remaps it in a
 * loop while another thread removes the segment and makes a new one under
 * the same key. On Linux the remap that follows the removal fails with
 * EINVAL (its close of the old mapping destroys the segment, shm_mmap no
 * longer finds it) and leaves the range unmapped. Whatever the
 * interleaving: every remap before the removal works, the first one after
 * it fails, shmdt then finds nothing, no segment is left at the end and
 * every frame comes back (real_teardown). SHM_REMAP_ITERATIONS sets the
 * rounds (default 2000).
 */
#include "real_mem.h"
#include <klib/errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define KEY 0xf00f

static long rounds = 2000;

struct race {
	struct proc *p;
	pthread_barrier_t start, end;
	int removed; /* set by the remover once its IPC_RMID of the round is done */
	int id;      /* the remover's segment */
};

/* The other thread of the process: IPC_RMID, then a new segment under the key. */
static void *remover(void *arg)
{
	struct race *r = arg;

	host_shm_set_pid(r->p->c.pid);
	for (long i = 0; i < rounds; i++) {
		pthread_barrier_wait(&r->start);
		assert_int_equal(shm_ctl(ns, &r->p->c, r->id, IPC_RMID, NULL), 0);
		__atomic_store_n(&r->removed, 1, __ATOMIC_RELEASE);
		r->id = shm_get(ns, &r->p->c, KEY, P, IPC_CREAT | 0700);
		assert_true(r->id >= 0);
		pthread_barrier_wait(&r->end);
	}
	return NULL;
}

static void test_remap_races_rmid(void **state)
{
	struct proc p;
	struct race r = {.p = &p};
	struct shm_info info;
	pthread_t th;
	long remaps = 0;
	(void)state;

	proc_init(&p, 200, 0);
	r.id = p_get(&p, KEY, P, IPC_CREAT | 0700);
	assert_int_equal(pthread_barrier_init(&r.start, NULL, 2), 0);
	assert_int_equal(pthread_barrier_init(&r.end, NULL, 2), 0);
	assert_int_equal(pthread_create(&th, NULL, remover, &r), 0);
	for (long i = 0; i < rounds; i++) {
		int id = p_get(&p, KEY, P, IPC_CREAT | 0700);
		uintptr_t addr = p_at(&p, id, 0, 0);
		int rc;

		assert_int_equal(id, r.id);
		__atomic_store_n(&r.removed, 0, __ATOMIC_RELAXED);
		pthread_barrier_wait(&r.start);
		do {
			remaps++;
			rc = as_remap(p.c.as, addr, P, 0, AS_MAP_POPULATE);
		} while (rc == 0 && !__atomic_load_n(&r.removed, __ATOMIC_ACQUIRE));
		/* Removed now, and this was its last attachment: the next remap fails. */
		if (rc == 0)
			rc = as_remap(p.c.as, addr, P, 0, AS_MAP_POPULATE);
		assert_int_equal(rc, -EINVAL);
		assert_false(as_overlaps(p.c.as, addr, P));
		assert_int_equal(p_dt(&p, addr), -EINVAL);
		pthread_barrier_wait(&r.end);
	}
	KIT_TEST_WAIT("the remover thread to finish", pthread_join(th, NULL));
	pthread_barrier_destroy(&r.start);
	pthread_barrier_destroy(&r.end);
	printf("remap race: %ld rounds, %ld remaps\n", rounds, remaps);

	/* Only the remover's last segment is left: every removed one went with its remap. */
	assert_true(shm_ctl(ns, &p.c, 0, SHM_INFO, &info) >= 0);
	assert_int_equal(info.used_ids, 1);
	assert_int_equal(shm_ctl(ns, &p.c, r.id, IPC_RMID, NULL), 0);
	assert_true(shm_ctl(ns, &p.c, 0, SHM_INFO, &info) >= 0);
	assert_int_equal(info.used_ids, 0);
	assert_int_equal(info.shm_rss, 0);
	proc_exit(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_remap_races_rmid, real_setup, real_teardown),
	};

	if (getenv("SHM_REMAP_ITERATIONS"))
		rounds = atol(getenv("SHM_REMAP_ITERATIONS"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
