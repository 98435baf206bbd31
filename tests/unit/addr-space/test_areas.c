/*
 * Areas: placement (hint, alignment, FIXED, FIXED_NOREPLACE), splitting by
 * unmap and protect of any sub-range, merging of equal anonymous
 * neighbours, areas that may never be writable, visiting, many areas, and
 * argument errors.
 */
#include "as_test.h"
#include <stdlib.h>

#define R  (AS_PROT_READ | AS_PROT_USER)
#define RW (AS_PROT_READ | AS_PROT_WRITE | AS_PROT_USER)

static void test_placement(void **state)
{
	struct addr_space *as, *child;
	uintptr_t a, b, c, d, f, top = as_user_top();
	struct area_view v[16];
	bool up;
	size_t free0 = as_test_ram(16);
	(void)state;

	assert_int_equal(as_create(&as), 0);
	/* A new space places top-down from the top of the user range (Linux's default layout). */
	assert_int_equal(as_mmap_base(as, &up), top);
	assert_false(up);
	assert_int_equal(as_map_anon(as, 0, 3 * PG, RW, 0, &a), 0);
	assert_int_equal(a, top - 3 * PG);
	assert_int_equal(as_map_anon(as, 0, 1, R, 0, &b), 0); /* rounded up to a page */
	assert_int_equal(b, a - PG);
	/* A free hint is taken as it is... */
	assert_int_equal(as_map_anon(as, 0x1000000, PG, R, 0, &c), 0);
	assert_int_equal(c, 0x1000000);
	/* ...a taken one is only a hint: top-down again. */
	assert_int_equal(as_map_anon(as, 0x1000000, PG, RW, 0, &c), 0);
	assert_int_equal(c, b - PG);
	/* Alignment: the highest aligned range; a hint is rounded up to it. */
	assert_int_equal(as_find_free(as, PG, 0x100000, 0, &f), 0);
	assert_int_equal(f, ALIGN_DOWN(c - PG, 0x100000));
	assert_int_equal(as_find_free(as, PG, 0x100000, 0x1000001, &f), 0);
	assert_int_equal(f, 0x1100000);
	assert_int_equal(as_find_free(as, PG, 3 * PG, 0, &f), -EINVAL);
	assert_int_equal(as_find_free(as, 0, PG, 0, &f), -EINVAL);
	assert_int_equal(as_find_free(as, top, PG, 0, &f), -ENOMEM);
	assert_int_equal(as_find_free(as, PG, (size_t)1 << (sizeof(size_t) * 8 - 1), 0, &f),
	                 -ENOMEM);
	/* A hint that does not fit below the top is ignored. */
	assert_int_equal(as_map_anon(as, top - PG, 2 * PG, R, 0, &d), 0);
	assert_int_equal(d, c - 2 * PG);

	/* FIXED_NOREPLACE refuses overlap; FIXED replaces. */
	assert_int_equal(as_map_anon(as, a + PG, PG, R, AS_MAP_FIXED_NOREPLACE, NULL), -EEXIST);
	assert_true(as_overlaps(as, a + PG, PG));
	assert_false(as_overlaps(as, 0x2000000, PG));
	assert_int_equal(as_map_anon(as, a + PG, PG, R, AS_MAP_FIXED, &c), 0);
	assert_int_equal(c, a + PG);
	/* 0x1000000, d, the RW page, b, and a split in three. */
	assert_int_equal(as_test_areas(as, v, 16), 7);
	assert_int_equal(v[0].start, 0x1000000);
	assert_int_equal(v[1].start, d);
	assert_int_equal(v[3].start, b);
	assert_int_equal(v[4].start, a);
	assert_int_equal(v[4].end, a + PG);
	assert_int_equal(v[5].prot, R);
	assert_int_equal(v[6].end, top);
	/* Out of the user range. */
	assert_int_equal(as_map_anon(as, 0x1000, PG, R, AS_MAP_FIXED, NULL), -ENOMEM);
	assert_int_equal(as_map_anon(as, top, PG, R, AS_MAP_FIXED, NULL), -ENOMEM);
	assert_int_equal(as_map_anon(as, a + 1, PG, R, AS_MAP_FIXED, NULL), -EINVAL);
	assert_int_equal(as_map_anon(as, 0, 0, R, 0, NULL), -EINVAL);
	assert_int_equal(as_map_anon(as, 0, PG, 0x100, 0, NULL), -EINVAL);
	assert_int_equal(as_map_anon(as, 0, PG, R, 0x400, NULL), -EINVAL);
	assert_int_equal(as_map(as, 0, PG, R, 0, NULL, NULL, 0, NULL), -EINVAL);
	assert_int_equal(as_map_anon(as, 0, top, R, 0, NULL), -ENOMEM);

	/* A base: placement goes below it. */
	assert_int_equal(as_set_layout(as, 0x40000000, false), 0);
	assert_int_equal(as_map_anon(as, 0, PG, R, 0, &c), 0);
	assert_int_equal(c, 0x40000000 - PG);
	/* Nothing fits below it: bottom-up from TASK_UNMAPPED_BASE, as Linux falls back. */
	assert_int_equal(as_set_layout(as, as_user_base(), false), 0);
	assert_int_equal(as_map_anon(as, 0, PG, RW, 0, &c), 0);
	assert_int_equal(c, as_unmapped_base());
	/* The legacy layout: bottom-up from its base. */
	assert_int_equal(as_set_layout(as, 0x20000000, true), 0);
	assert_int_equal(as_map_anon(as, 0, PG, R, 0, &c), 0);
	assert_int_equal(c, 0x20000000);
	assert_int_equal(as_map_anon(as, 0, PG, RW, 0, &c), 0);
	assert_int_equal(c, 0x20001000);
	assert_int_equal(as_set_layout(as, top + PG, false), -EINVAL);
	assert_int_equal(as_set_layout(as, 0x20000001, false), -EINVAL);
	assert_int_equal(as_set_layout(as, as_user_base() - PG, false), -EINVAL);
	/* fork keeps the layout. */
	assert_int_equal(as_fork(as, &child), 0);
	assert_int_equal(as_mmap_base(child, &up), 0x20000000);
	assert_true(up);
	as_destroy(child);
	as_destroy(as);
	assert_int_equal(page_free_count(), free0);
}

static void test_split_and_merge(void **state)
{
	struct addr_space *as;
	struct area_view v[8];
	uintptr_t a;
	size_t free0 = as_test_ram(16);
	(void)state;

	assert_int_equal(as_create(&as), 0);
	assert_int_equal(as_map_anon(as, 0x100000, 8 * PG, RW, AS_MAP_FIXED, &a), 0);
	/* Adjacent equal anonymous memory merges into one area. */
	assert_int_equal(as_map_anon(as, 0x108000, 4 * PG, RW, AS_MAP_FIXED, NULL), 0);
	assert_int_equal(as_area_count(as), 1);
	assert_int_equal(as_test_areas(as, v, 8), 1);
	assert_int_equal(v[0].end, 0x10c000);
	/* But not with different protection. */
	assert_int_equal(as_map_anon(as, 0x10c000, PG, R, AS_MAP_FIXED, NULL), 0);
	assert_int_equal(as_area_count(as), 2);

	/* Protect the middle: three areas. */
	assert_int_equal(as_protect(as, 0x102000, 2 * PG, R), 0);
	assert_int_equal(as_test_areas(as, v, 8), 4);
	assert_int_equal(v[0].start, 0x100000);
	assert_int_equal(v[0].end, 0x102000);
	assert_int_equal(v[1].start, 0x102000);
	assert_int_equal(v[1].end, 0x104000);
	assert_int_equal(v[1].prot, R);
	assert_int_equal(v[2].end, 0x10c000);
	/* Back to RW: the three merge again. */
	assert_int_equal(as_protect(as, 0x102000, 2 * PG, RW), 0);
	assert_int_equal(as_test_areas(as, v, 8), 2);
	assert_int_equal(v[0].end, 0x10c000);
	/* Protecting across both areas and making them equal merges everything. */
	assert_int_equal(as_protect(as, 0x100000, 13 * PG, R), 0);
	assert_int_equal(as_area_count(as), 1);
	/* A hole makes protect fail without changing anything. */
	assert_int_equal(as_protect(as, 0x10c000, 2 * PG, RW), -ENOMEM);
	assert_int_equal(as_test_areas(as, v, 8), 1);
	assert_int_equal(v[0].prot, R);

	/* Unmap the middle: two areas, the hole free again. */
	assert_int_equal(as_unmap(as, 0x104000, 2 * PG), 0);
	assert_int_equal(as_test_areas(as, v, 8), 2);
	assert_int_equal(v[0].end, 0x104000);
	assert_int_equal(v[1].start, 0x106000);
	assert_false(as_overlaps(as, 0x104000, 2 * PG));
	/* Unmapping holes is fine; unaligned or empty is not. */
	assert_int_equal(as_unmap(as, 0x200000, 64 * PG), 0);
	assert_int_equal(as_unmap(as, 0x104001, PG), -EINVAL);
	assert_int_equal(as_unmap(as, 0x104000, 0), -EINVAL);
	assert_int_equal(as_unmap(as, 0x1000, PG), -EINVAL);
	/* Unmap across both pieces and beyond. */
	assert_int_equal(as_unmap(as, 0x101000, 0x100000), 0);
	assert_int_equal(as_test_areas(as, v, 8), 1);
	assert_int_equal(v[0].end, 0x101000);
	as_destroy(as);
	assert_int_equal(page_free_count(), free0);
}

/* AS_MAP_NEVER_WRITE: Linux's missing VM_MAYWRITE (shmat with SHM_RDONLY). */
static void test_never_write(void **state)
{
	struct addr_space *as, *child;
	struct area_view v[8];
	const unsigned RX = R | AS_PROT_EXEC;
	size_t free0 = as_test_ram(16);
	uintptr_t a;
	(void)state;

	assert_int_equal(as_create(&as), 0);
	assert_int_equal(
	    as_map_anon(as, 0x100000, 4 * PG, RW, AS_MAP_FIXED | AS_MAP_NEVER_WRITE, NULL),
	    -EACCES);
	assert_int_equal(as_area_count(as), 0);
	assert_int_equal(as_map_anon(as, 0x0fe000, 2 * PG, RW, AS_MAP_FIXED, NULL), 0);
	assert_int_equal(as_map_anon(as, 0x100000, 4 * PG, R,
	                             AS_MAP_FIXED | AS_MAP_SHARED | AS_MAP_NEVER_WRITE, &a),
	                 0);
	assert_int_equal(as_fault(as, a, AS_ACCESS_WRITE), -EACCES);
	/* Other changes are fine, and split pieces keep the flag. */
	assert_int_equal(as_protect(as, a + PG, PG, RX), 0);
	assert_int_equal(as_test_areas(as, v, 8), 4);
	for (int i = 1; i < 4; i++)
		assert_true(v[i].flags & AS_MAP_NEVER_WRITE);
	assert_false(v[0].flags & AS_MAP_NEVER_WRITE);
	assert_int_equal(as_protect(as, a + PG, PG, RW), -EACCES);
	assert_int_equal(as_protect(as, a + 2 * PG, 2 * PG, RW), -EACCES);
	/* A range that starts in a writable area fails as a whole and changes nothing. */
	assert_int_equal(as_protect(as, 0x0fe000, 3 * PG, RW), -EACCES);
	assert_int_equal(as_protect(as, 0x0fe000, 3 * PG, R), 0);
	assert_int_equal(as_test_areas(as, v, 8), 4);
	assert_int_equal(v[0].prot, R);
	assert_int_equal(v[1].prot, R);
	assert_int_equal(v[2].prot, RX);
	assert_int_equal(v[3].prot, R);
	/* A hole before it is still -ENOMEM: the first problem in address order wins. */
	assert_int_equal(as_protect(as, 0x0fc000, 8 * PG, RW), -ENOMEM);
	/* Fork copies keep it. */
	assert_int_equal(as_fork(as, &child), 0);
	assert_int_equal(as_protect(child, a, 4 * PG, RW), -EACCES);
	assert_int_equal(as_fault(child, a + 3 * PG, AS_ACCESS_WRITE), -EACCES);
	as_destroy(child);
	as_destroy(as);
	assert_int_equal(page_free_count(), free0);
}

static enum as_visit unmap_odd(const struct as_area *a, void *ctx)
{
	int *seen = ctx;
	(*seen)++;
	if (as_area_start(a) >= 0x400000)
		return AS_VISIT_STOP;
	return (as_area_start(a) / PG) % 2 ? AS_VISIT_UNMAP_NEXT : AS_VISIT_NEXT;
}

/* as_unmap rounds its length up to whole pages, as munmap. */
static void test_unmap_rounds_the_length(void **state)
{
	struct addr_space *as;
	struct area_view v[4];
	const uintptr_t at = 0x2000000;
	(void)state;

	as_test_ram(16);
	assert_int_equal(as_create(&as), 0);
	assert_int_equal(as_map_anon(as, at, 3 * PG, RW, AS_MAP_FIXED, NULL), 0);
	assert_int_equal(as_unmap(as, at, PG + 1), 0);
	assert_int_equal(as_test_areas(as, v, 4), 1);
	assert_int_equal(v[0].start, at + 2 * PG);
	assert_int_equal(v[0].end, at + 3 * PG);
	/* A length no page count can hold: mmap's ENOMEM. */
	assert_int_equal(as_map_anon(as, 0, SIZE_MAX, RW, 0, NULL), -ENOMEM);
	assert_int_equal(as_map_anon(as, 0, SIZE_MAX - PG + 2, RW, 0, NULL), -ENOMEM);
	as_destroy(as);
}

/* Every frame and every heap object taken, kept in host arrays. */
struct hog {
	paddr_t frames[4096];
	void *objs[4096];
	size_t nframes, nobjs;
};

static void hog_memory(struct hog *h)
{
	paddr_t pa;

	while (h->nframes < 4096 && (pa = page_alloc(0)) != PADDR_NONE)
		h->frames[h->nframes++] = pa;
	for (size_t size = 8; size <= 4096; size *= 2)
		while (h->nobjs < 4096 && (h->objs[h->nobjs] = kmalloc(size)) != NULL)
			h->nobjs++;
	assert_true(h->nframes < 4096 && h->nobjs < 4096);
}

static void hog_release(struct hog *h)
{
	while (h->nobjs)
		kfree(h->objs[--h->nobjs]);
	while (h->nframes)
		page_free(h->frames[--h->nframes], 0);
}

/*
 * With no memory left for the spare areas a split needs, an unmap or a
 * FIXED map over the middle of an area is -ENOMEM and changes nothing.
 */
static void test_split_without_memory(void **state)
{
	struct addr_space *as;
	struct area_view v[4];
	const uintptr_t at = 0x2000000;
	size_t free0 = as_test_ram(4);
	struct hog *h = calloc(1, sizeof(*h));
	(void)state;

	assert_non_null(h);
	assert_int_equal(as_create(&as), 0);
	assert_int_equal(as_map_anon(as, at, 3 * PG, RW, AS_MAP_FIXED, NULL), 0);
	hog_memory(h);
	assert_int_equal(page_free_count(), 0);
	assert_int_equal(as_unmap(as, at + PG, PG), -ENOMEM);
	assert_int_equal(
	    as_map_anon(as, at + PG, PG, AS_PROT_READ | AS_PROT_USER, AS_MAP_FIXED, NULL), -ENOMEM);
	assert_int_equal(as_test_areas(as, v, 4), 1);
	assert_int_equal(v[0].end - v[0].start, 3 * PG);
	hog_release(h);
	assert_int_equal(as_unmap(as, at + PG, PG), 0);
	assert_int_equal(as_test_areas(as, v, 4), 2);
	as_destroy(as);
	free(h);
	assert_int_equal(page_free_count(), free0);
}

static void test_many_areas_and_visit(void **state)
{
	struct addr_space *as;
	size_t free0 = as_test_ram(16);
	(void)state;

	assert_int_equal(as_create(&as), 0);
	/* 2000 areas of alternating protection (so they never merge). */
	for (uintptr_t i = 0; i < 2000; i++)
		assert_int_equal(
		    as_map_anon(as, 0x100000 + i * PG, PG, i % 2 ? R : RW, AS_MAP_FIXED, NULL), 0);
	assert_int_equal(as_area_count(as), 2000);
	/* Lookups find the right one (the tree keeps it O(log n)). */
	for (uintptr_t i = 0; i < 2000; i += 37) {
		assert_int_equal(as_fault(as, 0x100000 + i * PG + 5, AS_ACCESS_READ), 0);
		assert_int_equal(as_fault(as, 0x100000 + i * PG, AS_ACCESS_WRITE),
		                 i % 2 ? -EACCES : 0);
	}
	/* Visit from the middle, unmapping odd pages, stopping at 0x400000. */
	int seen = 0;
	int n = as_visit(as, 0x100000 + 500 * PG, unmap_odd, &seen);
	assert_int_equal(n, (0x400000 - (0x100000 + 500 * PG)) / PG / 2);
	assert_int_equal(seen, (0x400000 - (0x100000 + 500 * PG)) / PG + 1);
	assert_int_equal(as_area_count(as), 2000 - (size_t)n);
	as_destroy(as);
	assert_int_equal(page_free_count(), free0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_placement),
	    cmocka_unit_test(test_split_and_merge),
	    cmocka_unit_test(test_never_write),
	    cmocka_unit_test(test_many_areas_and_visit),
	    cmocka_unit_test(test_unmap_rounds_the_length),
	    cmocka_unit_test(test_split_without_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
