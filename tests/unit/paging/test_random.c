/*
 * Thousands of random map/unmap/protect calls on an Sv39 table, mixing
 * 4 KiB, 2 MiB and 1 GiB granules, unaligned ends, REPLACE and HUGE, and
 * now and then a nearly empty allocator. A reference model (a sorted list
 * of extents) predicts every result; after every step the table, walked
 * and merged into extents, must equal the model. Every 16 steps the raw
 * tables are also checked: the table count is right and no table but the
 * root is empty.
 *
 * KIT_RANDOM_SEED and KIT_RANDOM_STEPS override the seed and step count.
 */
#include "pt_test.h"
#include <klib/errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WINDOW (4ull << 30)
#define MAXE   100000

struct ext {
	uint64_t va, last, pa;
	unsigned prot;
};

static struct ext model[MAXE], got[MAXE], norm[MAXE];
static int nmodel, ngot;
static struct pt *pt;

static uint64_t rnd(void)
{
	return (uint64_t)rand() << 31 ^ (uint64_t)rand();
}

/* Remove [va, last] from the model (splitting extents at its ends). */
static void model_cut(uint64_t va, uint64_t last)
{
	static struct ext out[MAXE];
	int n = 0;

	for (int i = 0; i < nmodel; i++) {
		struct ext e = model[i];
		if (e.last < va || e.va > last) {
			out[n++] = e;
			continue;
		}
		if (e.va < va)
			out[n++] = (struct ext){e.va, va - 1, e.pa, e.prot};
		if (e.last > last)
			out[n++] = (struct ext){last + 1, e.last, e.pa + (last + 1 - e.va), e.prot};
	}
	assert_true(n < MAXE - 2);
	memcpy(model, out, (size_t)n * sizeof(struct ext));
	nmodel = n;
}

static void model_insert(struct ext e)
{
	int i = nmodel;
	while (i > 0 && model[i - 1].va > e.va) {
		model[i] = model[i - 1];
		i--;
	}
	model[i] = e;
	nmodel++;
}

static bool model_overlaps(uint64_t va, uint64_t last)
{
	for (int i = 0; i < nmodel; i++)
		if (!(model[i].last < va || model[i].va > last))
			return true;
	return false;
}

static const struct ext *model_find(uint64_t va)
{
	for (int i = 0; i < nmodel; i++)
		if (model[i].va <= va && va <= model[i].last)
			return &model[i];
	return NULL;
}

static int merge(struct ext *a, int n)
{
	int m = 0;
	for (int i = 0; i < n; i++) {
		if (m && a[m - 1].last + 1 == a[i].va && a[m - 1].prot == a[i].prot &&
		    a[m - 1].pa + (a[m - 1].last - a[m - 1].va + 1) == a[i].pa) {
			a[m - 1].last = a[i].last;
			continue;
		}
		a[m++] = a[i];
	}
	return m;
}

static int collect(void *ctx, uintptr_t va, paddr_t pa, size_t size, unsigned prot)
{
	(void)ctx;
	assert_true(ngot < MAXE);
	assert_int_equal(va % size, 0);
	assert_int_equal(pa % size, 0);
	got[ngot++] = (struct ext){va, va + size - 1, pa, prot};
	return 0;
}

static void compare(void)
{
	ngot = 0;
	assert_int_equal(pt_walk(pt, 0, WINDOW, collect, NULL), 0);
	int g = merge(got, ngot);
	memcpy(norm, model, (size_t)nmodel * sizeof(struct ext));
	int m = merge(norm, nmodel);
	assert_int_equal(g, m);
	for (int i = 0; i < g; i++) {
		assert_int_equal(got[i].va, norm[i].va);
		assert_int_equal(got[i].last, norm[i].last);
		assert_int_equal(got[i].pa, norm[i].pa);
		assert_int_equal(got[i].prot, norm[i].prot);
	}
}

/* Count the tables below 'table' by reading raw Sv39 entries; none may be empty. */
static size_t count_tables(paddr_t table, unsigned level)
{
	size_t n = 1, used = 0;
	for (unsigned i = 0; i < 512; i++) {
		uint64_t e = raw(table, i);
		used += e != 0;
		if (level > 0 && (e & 1) && !(e & 0xe))
			n += count_tables(sv_next(e), level - 1);
	}
	if (level < 2)
		assert_true(used > 0);
	return n;
}

static uint64_t unmapped_bytes;

static void on_unmap(void *ctx, uintptr_t va, paddr_t pa, size_t size)
{
	const struct ext *e = model_find(va);
	(void)ctx;
	assert_non_null(e);
	assert_true(va + size - 1 <= e->last);
	assert_int_equal(pa, e->pa + (va - e->va));
	unmapped_bytes += size;
}

static uint64_t model_bytes(uint64_t va, uint64_t last)
{
	uint64_t n = 0;
	for (int i = 0; i < nmodel; i++) {
		uint64_t a = MAX(va, model[i].va), b = MIN(last, model[i].last);
		if (a <= b)
			n += b - a + 1;
	}
	return n;
}

static const unsigned prots[] = {
    PT_READ,
    PT_READ | PT_WRITE,
    PT_READ | PT_EXEC,
    PT_READ | PT_USER,
    PT_READ | PT_WRITE | PT_USER,
    PT_EXEC,
    0,
};

static void test_random_against_model(void **state)
{
	unsigned seed = 20261124, steps = 3000;
	static paddr_t ballast[200000];
	(void)state;

	if (getenv("KIT_RANDOM_SEED"))
		seed = (unsigned)strtoul(getenv("KIT_RANDOM_SEED"), NULL, 0);
	if (getenv("KIT_RANDOM_STEPS"))
		steps = (unsigned)strtoul(getenv("KIT_RANDOM_STEPS"), NULL, 0);
	fprintf(stderr, "paging random: seed %u, %u steps (KIT_RANDOM_SEED / KIT_RANDOM_STEPS)\n",
	        seed, steps);
	srand(seed);
	size_t free0 = pt_test_ram(64);
	assert_int_equal(pt_create(&pt_format_sv39, &pt), 0);
	nmodel = 0;
	unsigned counts[4] = {0};

	for (unsigned step = 0; step < steps; step++) {
		/* Granule: mostly 4 KiB, some 2 MiB, a few 1 GiB (always huge, or it would be
		 * slow). */
		unsigned r = (unsigned)(rnd() % 100);
		uint64_t g = r < 60 ? 0x1000 : r < 92 ? 0x200000 : 0x40000000;
		uint64_t units = g == 0x1000 ? 1 + rnd() % 64 : g == 0x200000 ? 1 + rnd() % 3 : 1;
		uint64_t va = rnd() % (WINDOW / g) * g, len = units * g;
		if (g > 0x1000 && rnd() % 4 == 0) /* an unaligned end: partial huge pages */
			len -= 0x1000 * (1 + rnd() % 3);
		if (va + len > WINDOW)
			len = WINDOW - va;
		uint64_t last = va + len - 1;
		unsigned prot = prots[rnd() % ARRAY_SIZE(prots)];
		unsigned op = (unsigned)(rnd() % 10);
		size_t nb = 0;
		int rc;

		/* Now and then almost no frames are left for tables. */
		bool squeezed = rnd() % 12 == 0;
		if (squeezed)
			for (size_t keep = rnd() % 3; page_free_count() > keep;)
				ballast[nb++] = page_alloc(0);

		if (op < 5) {
			/* Frames 1 GiB-, 2 MiB- or only 4 KiB-aligned with the addresses. */
			uint64_t delta = rnd() % 3 == 0 ? 0x1000 * (rnd() % 16) : (rnd() % 4) << 30;
			if (g == 0x40000000 && delta % 0x200000)
				delta = (rnd() % 8) << 21;
			unsigned flags =
			    (rnd() % 2 ? PT_MAP_HUGE : 0) | (rnd() % 3 == 0 ? PT_MAP_REPLACE : 0);
			if (g == 0x40000000)
				flags |= PT_MAP_HUGE;
			rc = pt_map(pt, va, va + delta, len, prot, flags);
			if (!(flags & PT_MAP_REPLACE) && model_overlaps(va, last)) {
				assert_true(rc == -EEXIST || (squeezed && rc == -ENOMEM));
			} else if (rc == -ENOMEM) {
				assert_true(squeezed);
			} else {
				assert_int_equal(rc, 0);
				model_cut(va, last);
				model_insert((struct ext){va, last, va + delta, prot});
			}
			counts[0]++;
		} else if (op < 8) {
			uint64_t want = model_bytes(va, last);
			unmapped_bytes = 0;
			rc = pt_unmap(pt, va, len, on_unmap, NULL);
			if (rc == -ENOMEM) {
				assert_true(squeezed);
				assert_int_equal(unmapped_bytes, 0);
			} else {
				assert_int_equal(rc, 0);
				assert_int_equal(unmapped_bytes, want);
				model_cut(va, last);
			}
			counts[1]++;
		} else {
			if (prot == PT_EXEC && rnd() % 2)
				prot |= PT_WRITE; /* W without R: refused, nothing changes */
			rc = pt_protect(pt, va, len, prot);
			if (prot == (PT_EXEC | PT_WRITE)) {
				assert_int_equal(rc, -EINVAL);
			} else if (rc == -ENOMEM) {
				assert_true(squeezed);
			} else {
				assert_int_equal(rc, 0);
				static struct ext changed[MAXE];
				int nc = 0;
				for (int i = 0; i < nmodel; i++) {
					struct ext e = model[i];
					uint64_t a = MAX(va, e.va), b = MIN(last, e.last);
					if (a <= b)
						changed[nc++] =
						    (struct ext){a, b, e.pa + (a - e.va), prot};
				}
				model_cut(va, last);
				for (int i = 0; i < nc; i++)
					model_insert(changed[i]);
			}
			counts[2]++;
		}
		while (nb)
			page_free(ballast[--nb], 0);
		compare();
		if (step % 16 == 0)
			assert_int_equal(count_tables(pt_root(pt), 2), pt_table_pages(pt));
		if (step % 4 == 0)
			sv_check_used(pt_root(pt), 2);
		/* Keep the table small enough to walk quickly. */
		if (nmodel > 400 || model_bytes(0, WINDOW - 1) > (3ull << 30)) {
			assert_int_equal(pt_unmap(pt, 0, WINDOW, NULL, NULL), 0);
			nmodel = 0;
			counts[3]++;
		}
	}
	fprintf(stderr, "paging random: %u maps, %u unmaps, %u protects, %u resets\n", counts[0],
	        counts[1], counts[2], counts[3]);
	assert_int_equal(pt_unmap(pt, 0, WINDOW, NULL, NULL), 0);
	assert_int_equal(pt_table_pages(pt), 1);
	pt_destroy(pt);
	assert_int_equal(page_free_count(), free0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_random_against_model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
