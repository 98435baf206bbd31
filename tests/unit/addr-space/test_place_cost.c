/*
 * How much of the area tree a placement reads (issue 9: 20 000 shmat calls
 * took 27 s, each placement walking every area). place.c is built into
 * this test with a counter of the nodes its search enters, and each
 * placement must enter O(log n) of them, n the areas in the space: at most
 * 6 (log2(n) + 2), three root-to-leaf paths of a red-black tree (at most
 * 2 log2(n + 1) deep) with room to spare. A walk over the areas enters n.
 *
 * The space is filled as 20 000 shmat calls fill it (one-page areas placed
 * top-down, none merging), then every other area is unmapped, leaving
 * 10 000 one-page holes that two-page requests must skip and one-page
 * requests must find; each one's cost is bounded, not timed.
 *
 * The search is only as good as the summaries it prunes with: after every
 * step of random maps, unmaps and protects (splits and merges, whose ends
 * move in place), each node's lowest start, highest end and longest gap
 * must be what its children and its own area say.
 */
#include "as_test.h"
#include <stdlib.h>

static unsigned long visits;
#define AS_PLACE_VISIT() (visits++)
#include "place.c" /* components/addr-space/src: the unit under test */

#define R     (AS_PROT_READ | AS_PROT_USER)
#define RW    (AS_PROT_READ | AS_PROT_WRITE | AS_PROT_USER)
#define AREAS 20000

static uintptr_t placed[AREAS];

static unsigned long bound(size_t n)
{
	unsigned long log2n = 0;

	while ((1ul << log2n) < n)
		log2n++;
	return 6 * (log2n + 2);
}

/* One placement without an address; the nodes it entered stay within the bound. */
static uintptr_t place(struct addr_space *as, size_t len, unsigned prot, unsigned long *worst)
{
	size_t n = as_area_count(as);
	uintptr_t at;

	visits = 0;
	assert_int_equal(as_map_anon(as, 0, len, prot, 0, &at), 0);
	if (visits > *worst)
		*worst = visits;
	if (visits > bound(n))
		fail_msg("placing %zu bytes among %zu areas entered %lu nodes (bound %lu)", len, n,
		         visits, bound(n));
	return at;
}

static void test_placement_reads_log_n_nodes(void **state)
{
	size_t free0 = as_test_ram(64);
	unsigned long worst_fill = 0, worst_skip = 0, worst_hole = 0;
	struct addr_space *as;

	(void)state;
	assert_int_equal(as_create(&as), 0);
	assert_int_equal(as_set_layout(as, ALIGN_DOWN(as_user_top() / 2, PG), false), 0);
	for (size_t i = 0; i < AREAS; i++)
		placed[i] = place(as, PG, i % 2 ? R : RW, &worst_fill);
	assert_int_equal(as_area_count(as), AREAS);
	assert_int_equal(placed[1], placed[0] - PG); /* top-down, packed */
	for (size_t i = 0; i < AREAS; i += 2)
		assert_int_equal(as_unmap(as, placed[i], PG), 0);
	/* Two pages fit in no hole: each goes below everything, past 10 000 holes. */
	for (int i = 0; i < 100; i++)
		assert_true(place(as, 2 * PG, RW, &worst_skip) < placed[AREAS - 1]);
	/* One page goes into the highest hole left. */
	for (size_t i = 0; i < 100; i++)
		assert_int_equal(place(as, PG, RW, &worst_hole), placed[2 * i]);
	print_message("nodes entered, worst: filling %lu, past the holes %lu, into a hole %lu "
	              "(bound at %d areas: %lu)\n",
	              worst_fill, worst_skip, worst_hole, AREAS, bound(AREAS));
	as_destroy(as);
	assert_int_equal(page_free_count(), free0);
}

/* Each node of n's subtree: its summary as its children and its own area make it. */
static void check_summary(struct rb_node *n)
{
	struct as_area *a = to_area(n), *l, *r;
	uintptr_t lo, hi, gap = 0;

	if (!n)
		return;
	check_summary(n->left);
	check_summary(n->right);
	l = to_area(n->left);
	r = to_area(n->right);
	lo = l ? l->sub_lo : a->start;
	hi = r ? r->sub_hi : a->end;
	if (l)
		gap = MAX(l->sub_gap, a->start - l->sub_hi);
	if (r)
		gap = MAX(gap, MAX(r->sub_gap, r->sub_lo - a->end));
	if (a->sub_lo != lo || a->sub_hi != hi || a->sub_gap != gap)
		fail_msg(
		    "area [%#lx, %#lx): summary lo %#lx hi %#lx gap %#lx, children say %#lx %#lx "
		    "%#lx",
		    (unsigned long)a->start, (unsigned long)a->end, (unsigned long)a->sub_lo,
		    (unsigned long)a->sub_hi, (unsigned long)a->sub_gap, (unsigned long)lo,
		    (unsigned long)hi, (unsigned long)gap);
}

static void test_summaries_stay_exact(void **state)
{
	size_t free0 = as_test_ram(16);
	const uintptr_t base = 0x10000000;
	struct addr_space *as;

	(void)state;
	srand(12345); /* a fixed sequence: the same areas every run */
	assert_int_equal(as_create(&as), 0);
	for (int step = 0; step < 4000; step++) {
		uintptr_t at = base + (uintptr_t)(rand() % 256) * PG;
		size_t len = (size_t)(rand() % 8 + 1) * PG;

		switch (rand() % 3) {
		case 0:
			assert_int_equal(
			    as_map_anon(as, at, len, rand() % 2 ? R : RW, AS_MAP_FIXED, NULL), 0);
			break;
		case 1:
			assert_int_equal(as_unmap(as, at, len), 0);
			break;
		default:
			as_protect(as, at, len, rand() % 2 ? R : RW); /* -ENOMEM over a hole */
			break;
		}
		check_summary(as->areas.node);
	}
	as_destroy(as);
	assert_int_equal(page_free_count(), free0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_placement_reads_log_n_nodes),
	    cmocka_unit_test(test_summaries_stay_exact),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
