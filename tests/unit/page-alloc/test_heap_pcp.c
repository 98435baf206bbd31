/*
 * The heap's per-CPU arrays of free objects (SMP, PAGE_ALLOC_HEAP_PCP_HIGH
 * > 0): refill and flush in batches, one array per class, an object freed
 * on another CPU than the one it came from, the arrays drained before
 * kmalloc or page_alloc fails and before page_free_count counts, a double
 * free caught wherever the object waits (this CPU's array, another's, its
 * slab), and two CPUs allocating, handing over, freeing and draining each
 * other's arrays in parallel with exact counts at the end.
 *
 * The fake hal's CPU is the thread's struct host_cpu (host_cpu_tls): the
 * test is CPU 0, and a thread that points its own at an id of 1 is CPU 1.
 * How many objects the arrays hold is the point here, so the test reads it
 * (page_heap_cached_count).
 */
#include "kit_test.h"
#include "fake_hal.h"
#include "on_cpu.h"
#include <hal/cpu.h>
#include <page-alloc/page_alloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RANGE_PAGES 1024u /* 4 MiB, aligned: its upper half is one block of order 9 */
#define HIGH        CONFIG_PAGE_ALLOC_HEAP_PCP_HIGH
#define BATCH       (CONFIG_PAGE_ALLOC_HEAP_PCP_BATCH < HIGH ? CONFIG_PAGE_ALLOC_HEAP_PCP_BATCH : HIGH)

static size_t free0;

static int setup(void **state)
{
	paddr_t base;
	(void)state;

	page_alloc_reset();
	base = (paddr_t)(uintptr_t)fake_hal_ram(RANGE_PAGES * PAGE_SIZE, RANGE_PAGES * PAGE_SIZE);
	assert_int_equal(page_alloc_add_range(base, RANGE_PAGES * PAGE_SIZE), 0);
	free0 = page_free_count();
	return 0;
}

/* n objects of one size: kmalloc'd or kfree'd by whichever CPU runs the function. */
struct objs {
	void **p;
	size_t n, size;
	size_t failed; /* kmallocs that returned NULL (asserted on the test's own thread) */
};

static void alloc_objs(void *arg)
{
	struct objs *o = arg;

	for (size_t i = 0; i < o->n; i++)
		o->failed += !(o->p[i] = kmalloc(o->size));
}

static void alloc_on_cpu(unsigned id, struct objs *o)
{
	o->failed = 0;
	if (id == 0)
		alloc_objs(o);
	else
		run_on_cpu(id, alloc_objs, o);
	assert_int_equal(o->failed, 0);
}

static void free_objs(void *arg)
{
	struct objs *o = arg;

	for (size_t i = 0; i < o->n; i++)
		kfree(o->p[i]);
}

static void test_refill_and_flush_in_batches(void **state)
{
	void *got[HIGH + 2 * BATCH], *p, *q;
	size_t n = sizeof(got) / sizeof(got[0]);
	(void)state;

	/* An empty array takes a batch from the slabs and hands out its first, in address order. */
	p = kmalloc(64);
	assert_non_null(p);
	assert_int_equal(page_heap_cached_count(), BATCH - 1);
	q = kmalloc(64);
	assert_ptr_equal(q, (char *)p + 64);
	/* Each class has its own array. */
	kfree(kmalloc(16));
	assert_int_equal(page_heap_cached_count(), (BATCH > 2 ? BATCH - 2 : 0) + BATCH);
	/* The object freed last is the next one handed out. */
	kfree(p);
	kfree(q);
	assert_ptr_equal(kmalloc(64), q);
	kfree(q);
	assert_true(page_drain_cached());
	assert_int_equal(page_heap_cached_count(), 0);
	assert_false(page_drain_cached());

	for (size_t i = 0; i < n; i++) {
		got[i] = kmalloc(64);
		assert_non_null(got[i]);
		assert_true(page_heap_cached_count() < BATCH);
	}
	for (size_t i = 0; i < n; i++) {
		kfree(got[i]);
		/* A full array gives its oldest batch back before it takes one more. */
		assert_true(page_heap_cached_count() <= HIGH);
	}
	assert_true(page_heap_cached_count() > HIGH - BATCH);
	/* The objects still on the array are the newest freed. */
	assert_ptr_equal(kmalloc(64), got[n - 1]);
	kfree(got[n - 1]);
	/* Counting the free frames gives the arrays back first: exact, and nothing cached after. */
	assert_int_equal(page_free_count(), free0);
	assert_int_equal(page_heap_cached_count(), 0);
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t) * (void *const *)a, y = (uintptr_t) * (void *const *)b;

	return x < y ? -1 : x > y;
}

static void test_freed_on_another_cpu(void **state)
{
	enum { N = HIGH + BATCH + 3 }; /* more than one CPU's array holds */
	void *mine[N], *back[N], *all[2 * N];
	struct objs o = {mine, N, 128, 0}, b = {back, N, 128, 0};
	size_t before;
	(void)state;

	alloc_on_cpu(0, &o);
	before = page_heap_cached_count(); /* what CPU 0's array kept of its last batch */
	/* CPU 1 frees what CPU 0 took: onto CPU 1's array, whose oldest go back to their slabs. */
	run_on_cpu(1, free_objs, &o);
	assert_true(page_heap_cached_count() > before + HIGH - BATCH);
	assert_true(page_heap_cached_count() <= before + HIGH);
	/* CPU 1's next one is the one it freed last; CPU 0's array kept what it had. */
	alloc_on_cpu(1, &b);
	assert_ptr_equal(back[0], mine[N - 1]);
	assert_int_equal(page_heap_cached_count() % BATCH, before % BATCH);
	/* CPU 0 takes as many again (its array's, then the slabs'): no object is handed out twice.
	 */
	alloc_on_cpu(0, &o);
	memcpy(all, mine, sizeof(mine));
	memcpy(all + N, back, sizeof(back));
	qsort(all, 2 * N, sizeof(void *), cmp_ptr);
	for (size_t i = 1; i < 2 * N; i++)
		assert_true(all[i - 1] != all[i]);
	/* Each CPU frees the other's: every slab empties, every frame comes back. */
	free_objs(&b);
	run_on_cpu(1, free_objs, &o);
	assert_int_equal(page_free_count(), free0);
	assert_int_equal(page_heap_cached_count(), 0);
}

/* Every frame there is, taken with page_alloc(0) (which drains the arrays when it runs dry). */
static paddr_t *take_all(size_t *n)
{
	paddr_t *all = calloc(RANGE_PAGES, sizeof(paddr_t)), pa;

	assert_non_null(all);
	*n = 0;
	while ((pa = page_alloc(0)) != PADDR_NONE)
		all[(*n)++] = pa;
	return all;
}

static void test_drained_before_failing(void **state)
{
	void *big[2], *small;
	struct objs o = {big, 2, 2048, 0};
	paddr_t *all, slab;
	size_t n;
	bool found = false;
	(void)state;

	/* CPU 1 fills a slab of 2 KiB objects and frees them: its array keeps its slabs' pages. */
	alloc_on_cpu(1, &o);
	slab = (paddr_t)(uintptr_t)big[0] & ~(paddr_t)(PAGE_SIZE - 1);
	run_on_cpu(1, free_objs, &o);
	assert_true(page_heap_cached_count() >= 1);
	/* page_alloc takes every frame, those too: the arrays went back when the lists ran dry. */
	all = take_all(&n);
	assert_int_equal(n, free0);
	assert_int_equal(page_heap_cached_count(), 0);
	for (size_t i = 0; i < n; i++)
		found |= all[i] == slab;
	assert_true(found);
	/* One frame back, and CPU 1's array takes its two objects: one slab, no frame free. */
	page_free(slab, 0);
	alloc_on_cpu(1, &o);
	run_on_cpu(1, free_objs, &o);
	assert_int_equal(page_heap_cached_count(), HIGH < 2 ? HIGH : 2);

	/* kmalloc of another class on CPU 0 needs a page: it drains CPU 1's array to get one. */
	small = kmalloc(16);
	assert_non_null(small);
	assert_true(((paddr_t)(uintptr_t)small & ~(paddr_t)(PAGE_SIZE - 1)) == slab);
	assert_int_equal(page_heap_cached_count(), BATCH - 1);
	/* A real shortage is still one, for kmalloc and page_alloc. */
	assert_null(kmalloc(2048));
	assert_true(page_alloc(0) == PADDR_NONE);
	kfree(small);
	for (size_t i = 0; i < n; i++)
		if (all[i] != slab)
			page_free(all[i], 0);
	assert_int_equal(page_free_count(), free0);
	free(all);
}

#ifdef CONFIG_PAGE_ALLOC_DEBUG
static void expect_double_free(void *p)
{
	char name[64];

	expect_panic(kfree(p));
	snprintf(name, sizeof(name), "kfree: double free of %p", p);
	assert_true(kit_test_output_has(name));
}

static void test_double_free_wherever_it_waits(void **state)
{
	void *a = kmalloc(64), *b = kmalloc(64), *keep = kmalloc(256), *old[HIGH + 2];
	struct objs o = {&b, 1, 64, 0}, k = {old, HIGH + 2, 512, 0}, rest = {old + 2, HIGH, 512, 0};
	(void)state;

	/* On this CPU's array. */
	kfree(a);
	expect_double_free(a);
	/* On another CPU's array. */
	run_on_cpu(1, free_objs, &o);
	expect_double_free(b);
	/* Taken onto the array by a refill and never handed out. */
	if (BATCH > 1) {
		assert_int_equal((uintptr_t)keep % PAGE_SIZE, 0);
		expect_double_free((char *)keep + 256);
	}
	/* Given back to its slab by a full array (old[1], in use, keeps the slab). */
	alloc_on_cpu(0, &k);
	kfree(old[0]);
	free_objs(&rest);
	expect_double_free(old[0]);
	kfree(old[1]);
	kfree(keep);
	assert_int_equal(page_free_count(), free0);
}
#endif

/* Two CPUs allocate, check, free, and hand objects to each other through a mailbox. */
#define STRESS_ROUNDS 20000
#define MAILBOX       64

static pthread_barrier_t go; /* both CPUs start at once */
static pthread_mutex_t mail_lock = PTHREAD_MUTEX_INITIALIZER;
static void *mail[MAILBOX];
static size_t mail_len[MAILBOX];

struct stress {
	unsigned seed;
	unsigned bad; /* objects whose contents changed under their owner */
};

static void fill(void *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		((unsigned char *)p)[i] = (unsigned char)((uintptr_t)p + i);
}

static unsigned check_and_free(void *p, size_t len)
{
	unsigned bad = 0;

	for (size_t i = 0; i < len && !bad; i++)
		bad = ((unsigned char *)p)[i] != (unsigned char)((uintptr_t)p + i);
	kfree(p);
	return bad;
}

static void stress(void *arg)
{
	struct stress *s = arg;
	void *held[32] = {0};
	size_t len[32] = {0};

	pthread_barrier_wait(&go);
	for (unsigned r = 0; r < STRESS_ROUNDS; r++) {
		unsigned i = (unsigned)rand_r(&s->seed) % 32,
		         m = (unsigned)rand_r(&s->seed) % MAILBOX;

		if (r % 500 ==
		    250) /* memory pressure: every CPU's arrays drained under the other */
			page_drain_cached();
		if (held[i] && r % 3 == 0) { /* swap with the mailbox: the other CPU frees it */
			pthread_mutex_lock(&mail_lock);
			void *t = mail[m];
			size_t tl = mail_len[m];

			mail[m] = held[i];
			mail_len[m] = len[i];
			pthread_mutex_unlock(&mail_lock);
			held[i] = t;
			len[i] = tl;
		} else if (held[i]) {
			s->bad += check_and_free(held[i], len[i]);
			held[i] = NULL;
		} else {
			len[i] = r % 50 == 0 ? 3 * PAGE_SIZE : 1 + (size_t)rand_r(&s->seed) % 2048;
			held[i] = kmalloc(len[i]);
			if (held[i])
				fill(held[i], len[i]);
		}
	}
	for (unsigned i = 0; i < 32; i++)
		if (held[i])
			s->bad += check_and_free(held[i], len[i]);
}

static void test_parallel_stress(void **state)
{
	struct stress s0 = {.seed = 1}, s1 = {.seed = 2};
	struct on_cpu o = {1, stress, &s1};
	pthread_t t;
	(void)state;

	pthread_barrier_init(&go, NULL, 2);
	t = start_on_cpu(&o);
	stress(&s0);
	KIT_TEST_WAIT("CPU 1's stress", pthread_join(t, NULL));
	pthread_barrier_destroy(&go);
	for (unsigned m = 0; m < MAILBOX; m++)
		if (mail[m])
			s0.bad += check_and_free(mail[m], mail_len[m]);
	memset(mail, 0, sizeof(mail));
	assert_int_equal(s0.bad + s1.bad, 0);
	assert_int_equal(page_free_count(), free0);
	assert_int_equal(page_heap_cached_count(), 0);
	/* Nothing lost or doubled: everything merges back into the blocks the range began with. */
	assert_true(page_alloc(9) != PADDR_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_refill_and_flush_in_batches, setup),
	    cmocka_unit_test_setup(test_freed_on_another_cpu, setup),
	    cmocka_unit_test_setup(test_drained_before_failing, setup),
#ifdef CONFIG_PAGE_ALLOC_DEBUG
	    cmocka_unit_test_setup(test_double_free_wherever_it_waits, setup),
#endif
	    cmocka_unit_test_setup(test_parallel_stress, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
