/*
 * Thousands of random operations on one space (map FIXED or by hint,
 * unmap, protect, faults, user reads and writes, and fork, continuing in
 * the child now and then), against a model that keeps each page's state:
 * mapped, protection, contents. After every step the areas (which must also
 * be merged wherever equal) and every present page's contents must match
 * the model. At the end destroying the space returns every frame.
 *
 * KIT_RANDOM_SEED and KIT_RANDOM_STEPS override the seed and step count.
 */
#include "as_test.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BASE   0x1000000ul
#define NPAGES 512

struct page_model {
	bool mapped;
	unsigned prot;
	unsigned char val;
};

static struct page_model model[NPAGES];

static const unsigned prots[] = {
    AS_PROT_READ | AS_PROT_USER, AS_PROT_READ | AS_PROT_WRITE | AS_PROT_USER, AS_PROT_NONE,
    AS_PROT_READ | AS_PROT_WRITE, /* kernel-only: not user memory */
};

static enum as_visit check_area(const struct as_area *a, void *ctx)
{
	uintptr_t *prev_end = ctx;
	static unsigned prev_prot;
	uintptr_t s = as_area_start(a), e = as_area_end(a);

	assert_true(s >= BASE && e <= BASE + NPAGES * PG && s < e);
	if (*prev_end == s)
		assert_int_not_equal(prev_prot, as_area_prot(a)); /* equal neighbours merged */
	for (uintptr_t va = s; va < e; va += PG) {
		const struct page_model *m = &model[(va - BASE) / PG];
		assert_true(m->mapped);
		assert_int_equal(m->prot, as_area_prot(a));
	}
	*prev_end = e;
	prev_prot = as_area_prot(a);
	return AS_VISIT_NEXT;
}

static void compare(struct addr_space *as)
{
	uintptr_t prev_end = 0;
	size_t mapped = 0, covered = 0;

	as_visit(as, 0, check_area, &prev_end);
	for (int i = 0; i < NPAGES; i++) {
		paddr_t pa;
		mapped += model[i].mapped;
		if (as_query(as, BASE + (uintptr_t)i * PG, &pa, NULL) == 0) {
			assert_true(model[i].mapped);
			assert_int_equal(*(unsigned char *)page_to_virt(pa), model[i].val);
		}
		covered += as_overlaps(as, BASE + (uintptr_t)i * PG, PG);
	}
	assert_int_equal(covered, mapped);
}

static void model_set(uintptr_t va, size_t len, bool mapped, unsigned prot, bool keep_val)
{
	for (uintptr_t p = va; p < va + len; p += PG) {
		struct page_model *m = &model[(p - BASE) / PG];
		m->mapped = mapped;
		m->prot = prot;
		if (!keep_val)
			m->val = 0;
	}
}

static bool model_all_mapped(uintptr_t va, size_t len)
{
	for (uintptr_t p = va; p < va + len; p += PG)
		if (!model[(p - BASE) / PG].mapped)
			return false;
	return true;
}

static bool model_any_mapped(uintptr_t va, size_t len)
{
	for (uintptr_t p = va; p < va + len; p += PG)
		if (model[(p - BASE) / PG].mapped)
			return true;
	return false;
}

static void test_random_against_model(void **state)
{
	unsigned seed = 424242, steps = 3000, counts[8] = {0};
	struct addr_space *as;
	(void)state;

	if (getenv("KIT_RANDOM_SEED"))
		seed = (unsigned)strtoul(getenv("KIT_RANDOM_SEED"), NULL, 0);
	if (getenv("KIT_RANDOM_STEPS"))
		steps = (unsigned)strtoul(getenv("KIT_RANDOM_STEPS"), NULL, 0);
	fprintf(stderr,
	        "addr-space random: seed %u, %u steps (KIT_RANDOM_SEED / KIT_RANDOM_STEPS)\n", seed,
	        steps);
	srand(seed);
	size_t free0 = as_test_ram(32);
	memset(model, 0, sizeof(model));
	assert_int_equal(as_create(&as), 0);

	for (unsigned step = 0; step < steps; step++) {
		unsigned op = (unsigned)rand() % 100;
		size_t pages = 1 + (size_t)rand() % 24;
		uintptr_t va = BASE + (uintptr_t)(rand() % (int)(NPAGES - pages + 1)) * PG;
		size_t len = pages * PG;
		unsigned prot = prots[rand() % 4];
		int rc;

		if (op < 20) {
			rc = as_map_anon(as, va, len, prot,
			                 AS_MAP_FIXED | (rand() % 4 ? 0 : AS_MAP_POPULATE), NULL);
			assert_int_equal(rc, 0);
			model_set(va, len, true, prot, false);
			counts[0]++;
		} else if (op < 25) {
			uintptr_t got;
			rc = as_map_anon(as, va, len, prot, 0, &got);
			assert_int_equal(rc, 0);
			/* A free hint is taken as it is; otherwise top-down from the top, far above
			 * the window. */
			if (!model_any_mapped(va, len)) {
				assert_int_equal(got, va);
				model_set(got, len, true, prot, false);
			} else {
				assert_true(got >= BASE + NPAGES * PG);
				as_unmap(as, got, len); /* outside the window: not modelled */
			}
			counts[1]++;
		} else if (op < 40) {
			assert_int_equal(as_unmap(as, va, len), 0);
			model_set(va, len, false, 0, false);
			counts[2]++;
		} else if (op < 55) {
			rc = as_protect(as, va, len, prot);
			if (model_all_mapped(va, len)) {
				assert_int_equal(rc, 0);
				model_set(va, len, true, prot, true);
			} else {
				assert_int_equal(rc, -ENOMEM);
			}
			counts[3]++;
		} else if (op < 75) {
			struct page_model *m = &model[(va - BASE) / PG];
			unsigned char v = (unsigned char)(1 + rand() % 255);
			rc = as_copy_to_user(as, va, &v, 1);
			bool ok =
			    m->mapped && (m->prot & AS_PROT_WRITE) && (m->prot & AS_PROT_USER);
			assert_int_equal(rc, ok ? 0 : -EFAULT);
			if (ok)
				m->val = v;
			counts[4]++;
		} else if (op < 90) {
			struct page_model *m = &model[(va - BASE) / PG];
			unsigned char v = 0xee;
			unsigned access = rand() % 2 ? AS_ACCESS_READ : AS_ACCESS_WRITE;
			if (rand() % 2) {
				rc = as_copy_from_user(as, &v, va, 1);
				bool ok = m->mapped && (m->prot & AS_PROT_READ) &&
				          (m->prot & AS_PROT_USER);
				assert_int_equal(rc, ok ? 0 : -EFAULT);
				if (ok)
					assert_int_equal(v, m->val);
			} else {
				rc = as_fault(as, va, access);
				int want = !m->mapped ? -EFAULT
				           : (access == AS_ACCESS_WRITE
				                  ? !(m->prot & AS_PROT_WRITE)
				                  : !(m->prot & (AS_PROT_READ | AS_PROT_WRITE)))
				               ? -EACCES
				               : 0;
				assert_int_equal(rc, want);
			}
			counts[5]++;
		} else {
			struct addr_space *child;
			assert_int_equal(as_fork(as, &child), 0);
			compare(child);
			if (rand() % 2) {
				as_destroy(as); /* go on in the child: its pages are the
				                   copy-on-write ones */
				as = child;
			} else {
				/* Write through the child; the parent must not see it. */
				unsigned char v = 0x5a;
				as_copy_to_user(child, va, &v, 1);
				as_destroy(child);
			}
			counts[6]++;
		}
		compare(as);
	}
	fprintf(stderr,
	        "addr-space random: %u fixed maps, %u hinted maps, %u unmaps, %u protects, "
	        "%u writes, %u reads/faults, %u forks\n",
	        counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], counts[6]);
	as_destroy(as);
	assert_int_equal(page_free_count(), free0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_random_against_model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
