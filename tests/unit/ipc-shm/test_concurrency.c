/*
 * Concurrent callers: four threads (two sharing one address space) get,
 * attach, touch, split, unmap, detach, remove, fork and stat shared
 * segments at random. The fake locks check every acquisition against the
 * documented order (address space, shm_ns, shm_seg) and abort on a
 * violation; a deadlock would hang the test into its timeout. At the end
 * the attach counts must equal the attachment areas in all spaces, and
 * everything must be freed.
 */
#include "kit_test.h"
#include "fake.h"
#include <klib/errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define P       PAGE_SIZE
#define THREADS 4
#define KEYS    6
#define SLOTS   8

static struct shm_ns *ns;
static struct fake_proc procs[THREADS - 1];
static long iterations = 4000;

/* cmocka's asserts cannot fail from another thread: report and abort. */
#define check(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

static uint64_t next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

struct worker {
	int t;
	struct fake_proc *p;
	uint64_t rng;
	uintptr_t at[SLOTS];      /* attach addresses this thread made, 0: free */
	unsigned long len[SLOTS]; /* their sizes in pages */
	unsigned holes[SLOTS];    /* pages this thread unmapped (a hole may be reused by others) */
	int32_t pid;
};

static int key_id(struct worker *w)
{
	return p_get(ns, w->p, 1 + (int32_t)(next(&w->rng) % KEYS), 0, 0);
}

static void step(struct worker *w)
{
	uint64_t r = next(&w->rng);
	int slot = (int)((r >> 8) % SLOTS), id;
	uintptr_t a = w->at[slot];
	struct shmid64_ds ds;
	struct shm_info info;

	fake_set_pid(w->pid);
	switch (r % 11) {
	case 0:
		p_get(ns, w->p, 1 + (int32_t)(r >> 16) % KEYS, 1 + (r >> 24) % (4 * P),
		      IPC_CREAT | 0666);
		break;
	case 1:
	case 2:
		if (!a && (id = key_id(w)) >= 0) {
			intptr_t at = shm_at(ns, &w->p->c, id, 0, (r >> 20) & 1 ? SHM_RDONLY : 0);

			check(at > 0 || at == -EINVAL); /* removed meanwhile */
			if (at > 0) {
				struct shm_caller root = {.caps = SHM_CAP_IPC_OWNER};

				w->at[slot] = (uintptr_t)at;
				check(shm_ctl(ns, &root, id, IPC_STAT, &ds) ==
				      0); /* attached: alive */
				w->len[slot] = (ds.shm_segsz + P - 1) / P;
				w->holes[slot] = 0;
			}
		}
		break;
	case 3:
		if (a) {
			check(shm_dt(ns, &w->p->c, a) == 0);
			w->at[slot] = 0;
		}
		break;
	case 4:
		if (a) {
			uint8_t v = (uint8_t)r;
			int e = as_copy_to_user(w->p->c.as, a + (r >> 12) % P, &v, 1);

			check(e == 0 || e == -EFAULT); /* read-only or unmapped piece */
		}
		break;
	case 5:
		if ((id = key_id(w)) >= 0)
			shm_ctl(ns, &w->p->c, id, IPC_RMID, NULL);
		break;
	case 6:
		if ((id = key_id(w)) >= 0)
			shm_ctl(ns, &w->p->c, id, IPC_STAT, &ds);
		shm_ctl(ns, &w->p->c, 0, SHM_INFO, &info);
		shm_ctl(ns, &w->p->c, (int)((r >> 20) % KEYS), SHM_STAT_ANY, &ds);
		break;
	case 7:   /* split a piece off */
	case 8: { /* or unmap one, never the first: the attachment stays detachable */
		unsigned long page = a ? (r >> 16) % w->len[slot] : 0;

		if (!a || (w->holes[slot] >> page & 1))
			break;
		if (r % 11 == 7) {
			check(as_protect(w->p->c.as, a + page * P, P,
			                 AS_PROT_READ | AS_PROT_USER) == 0);
		} else if (page) {
			check(as_unmap(w->p->c.as, a + page * P, P) == 0);
			w->holes[slot] |= 1u << page;
		}
		break;
	}
	case 9: {
		struct fake_proc child;

		fake_proc_fork(&child, w->p, w->pid + 1000);
		fake_set_pid(child.c.pid);
		if (a)
			shm_dt(ns, &child.c, a);
		fake_proc_exit(ns, &child);
		break;
	}
	default:
		if ((id = key_id(w)) >= 0) {
			shm_ctl(ns, &w->p->c, id, (r >> 20) & 1 ? SHM_LOCK : SHM_UNLOCK, NULL);
			if (shm_ctl(ns, &w->p->c, id, IPC_STAT, &ds) == 0)
				shm_ctl(ns, &w->p->c, id, IPC_SET, &ds);
		}
		break;
	}
}

static void *run(void *arg)
{
	struct worker *w = arg;

	for (long i = 0; i < iterations; i++)
		step(w);
	return NULL;
}

static enum as_visit count_shm_area(const struct as_area *area, void *ctx)
{
	if (!strcmp(as_area_backend(area)->name, "sysv-shm"))
		++*(unsigned long *)ctx;
	return AS_VISIT_NEXT;
}

static void test_concurrent_callers_keep_the_lock_order_and_the_counts(void **state)
{
	struct worker w[THREADS];
	pthread_t th[THREADS];
	unsigned long areas = 0, nattch = 0;
	struct shm_caller root = {.caps = SHM_CAP_IPC_OWNER};
	struct shminfo64 info;
	(void)state;

	ns = fake_ns(NULL);
	for (int i = 0; i < THREADS - 1; i++)
		fake_proc_init(&procs[i], 100 + i, 0, 0);
	for (int t = 0; t < THREADS; t++) {
		/* Threads 0 and 1 are two threads of one process: one space. */
		w[t] = (struct worker){
		    .t = t, .p = &procs[t < 2 ? 0 : t - 1], .rng = 0x2545f491u * (t + 1)};
		w[t].pid = w[t].p->c.pid;
		assert_int_equal(pthread_create(&th[t], NULL, run, &w[t]), 0);
	}
	for (int t = 0; t < THREADS; t++)
		KIT_TEST_WAIT("a worker thread to finish", pthread_join(th[t], NULL));

	for (int i = 0; i < THREADS - 1; i++)
		as_visit(procs[i].c.as, 0, count_shm_area, &areas);
	int maxidx = shm_ctl(ns, &root, 0, IPC_INFO, &info);
	for (int idx = 0; idx <= maxidx; idx++) {
		struct shmid64_ds ds;

		if (shm_ctl(ns, &root, idx, SHM_STAT_ANY, &ds) >= 0)
			nattch += ds.shm_nattch;
	}
	assert_int_equal(nattch, areas);
	printf("concurrency: %lu attachment areas left, %lu counted\n", areas, nattch);

	for (int i = 0; i < THREADS - 1; i++)
		fake_proc_exit(ns, &procs[i]);
	shm_ns_put(ns);
	assert_true(fake_all_clean());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_concurrent_callers_keep_the_lock_order_and_the_counts),
	};

	if (getenv("SHM_CONCURRENCY_ITERATIONS"))
		iterations = atol(getenv("SHM_CONCURRENCY_ITERATIONS"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
