/*
 * Placement and the area limit.
 *
 * Placement against a model: thousands of random areas (fixed maps of
 * random sizes all over the user range, unmaps, protects that split and
 * merge), and after each change random placement queries (length,
 * alignment, hint or none, top-down or bottom-up layout, any base) answered
 * both by as_find_free, which searches the gap-augmented tree, and by a
 * linear scan of the areas applying the documented rule. They must agree
 * every time (KIT_RANDOM_SEED, KIT_RANDOM_STEPS override seed and steps).
 * Built twice: with the configuration's window (as_user_window, the whole
 * user range on this host) and, as unit-addr-space-place_window, with a
 * window of a quarter of it, where hints above the window open the rest.
 *
 * The limit, as Linux counts vm.max_map_count: with as_max_map_count()
 * areas, one more map still succeeds (Linux checks "more than the limit"
 * before adding), the next fails with -ENOMEM; a protect that splits and an
 * unmap that punches a hole fail at the limit; an unmap whose splits pay
 * for themselves succeeds, and so do maps again once areas are gone.
 */
#include "as_test.h"
#include <klib/compiler.h>
#include <stdio.h>
#include <stdlib.h>

#define R         (AS_PROT_READ | AS_PROT_USER)
#define RW        (AS_PROT_READ | AS_PROT_WRITE | AS_PROT_USER)
#define MAX_AREAS 4096

struct span {
	uintptr_t start, end;
};

static struct span areas[MAX_AREAS];
static size_t nareas;

static enum as_visit collect(const struct as_area *a, void *ctx)
{
	(void)ctx;
	assert_true(nareas < MAX_AREAS);
	areas[nareas++] = (struct span){as_area_start(a), as_area_end(a)};
	return AS_VISIT_NEXT;
}

/* The documented rule, by a linear scan of the gaps (user base and top as sentinels). */
static bool model_gap(uintptr_t lo, uintptr_t hi, uintptr_t low, uintptr_t high, size_t len,
                      size_t align, bool down, uintptr_t *out)
{
	lo = MAX(lo, low);
	hi = MIN(hi, high);
	if (hi <= lo || hi - lo < len + align - PG)
		return false;
	*out = down ? ALIGN_DOWN(hi - len, align) : ALIGN_UP(lo, align);
	return true;
}

static bool model_search(uintptr_t low, uintptr_t high, size_t len, size_t align, bool down,
                         uintptr_t *out)
{
	uintptr_t base = as_user_base(), top = as_user_top();

	if (low >= high)
		return false;
	for (size_t k = 0; k <= nareas; k++) {
		size_t i = down ? nareas - k : k; /* gap i lies before area i */
		uintptr_t lo = i == 0 ? base : areas[i - 1].end,
		          hi = i == nareas ? top : areas[i].start;
		if (model_gap(lo, hi, low, high, len, align, down, out))
			return true;
	}
	return false;
}

static bool model_free(uintptr_t at, size_t len)
{
	for (size_t i = 0; i < nareas; i++)
		if (areas[i].start < at + len && at < areas[i].end)
			return false;
	return true;
}

static int model_find(size_t len, size_t align, uintptr_t hint, uintptr_t mmap_base, bool up,
                      uintptr_t *out)
{
	uintptr_t base = as_user_base(), top = as_user_top(), window = as_user_window();
	/* Past the window only for a hint past it; a hint range never straddles its end. */
	uintptr_t limit = hint > window ? top : window, high = mmap_base + (limit - window);

	if (hint && hint <= top - len) {
		hint = ALIGN_UP(hint, align);
		if (hint >= base && hint <= top - len && (hint > window) == (hint + len > window) &&
		    model_free(hint, len)) {
			*out = hint;
			return 0;
		}
	}
	if (up)
		return model_search(mmap_base, limit, len, align, false, out) ? 0 : -ENOMEM;
	if (model_search(base, high, len, align, true, out) ||
	    model_search(MAX(as_unmapped_base(), base), limit, len, align, false, out))
		return 0;
	return -ENOMEM;
}

static uintptr_t rand_page(void)
{
	uintptr_t pages = (as_user_top() - as_user_base()) / PG;

	return as_user_base() + ((uintptr_t)rand() * 65536u + (uintptr_t)rand()) % pages * PG;
}

static size_t rand_len(void)
{
	switch (rand() % 4) {
	case 0:
		return PG;
	case 1:
		return (1 + (size_t)rand() % 16) * PG;
	case 2:
		return (1 + (size_t)rand() % 1024) * PG;
	default:
		return (1 + (size_t)rand() % 65536) * PG;
	}
}

static void query(struct addr_space *as)
{
	static const size_t aligns[] = {PG, 16 * PG, 2ul << 20, 1ul << 30};
	size_t len = rand_len(), align = aligns[rand() % 4];
	uintptr_t hint = rand() % 2 ? 0 : rand_page() + (uintptr_t)(rand() % 3);
	uintptr_t mmap_base = rand() % 4 ? rand_page() : as_user_top();
	bool up = rand() % 4 == 0;
	uintptr_t got = 0, want = 0;
	int rc, want_rc;

	assert_int_equal(as_set_layout(as, mmap_base, up), 0);
	rc = as_find_free(as, len, align, hint, &got);
	want_rc = model_find(len, align, hint, mmap_base, up, &want);
	if (rc != want_rc || (rc == 0 && got != want))
		fail_msg("len %#zx align %#zx hint %#lx base %#lx %s: got %d %#lx, model %d %#lx",
		         len, align, (unsigned long)hint, (unsigned long)mmap_base,
		         up ? "up" : "down", rc, (unsigned long)got, want_rc, (unsigned long)want);
}

static void test_placement_matches_a_linear_scan(void **state)
{
	const char *s = getenv("KIT_RANDOM_SEED"), *n = getenv("KIT_RANDOM_STEPS");
	unsigned seed = s ? (unsigned)strtoul(s, NULL, 0) : 2024,
	         steps = n ? (unsigned)strtoul(n, NULL, 0) : 3000;
	struct addr_space *as;
	size_t free0 = as_test_ram(64);
	(void)state;

	srand(seed);
	assert_int_equal(as_create(&as), 0);
	for (unsigned step = 0; step < steps; step++) {
		/* Half the changes in one 16 MiB window, where areas touch, split and merge. */
		uintptr_t va =
		    rand() % 2 ? rand_page() : 0x10000000 + (uintptr_t)(rand() % 4096) * PG;
		size_t len = rand() % 8 ? (1 + (size_t)rand() % 16) * PG : rand_len();

		len = MIN(len, as_user_top() - va);
		int op = rand() % 10;

		if (op < 6 && as_area_count(as) < MAX_AREAS - 8)
			assert_int_equal(
			    as_map_anon(as, va, len, rand() % 2 ? R : RW, AS_MAP_FIXED, NULL), 0);
		else if (op < 8)
			assert_int_equal(as_unmap(as, va, MIN(len, 64 * PG)), 0); /* small holes */
		else
			as_protect(as, va, len, rand() % 2 ? R : RW); /* -ENOMEM over holes */
		nareas = 0;
		as_visit(as, 0, collect, NULL);
		for (int q = 0; q < 8; q++)
			query(as);
	}
	fprintf(stderr, "addr-space placement: %u steps (seed %u), %zu areas at the end\n", steps,
	        seed, nareas);
	as_destroy(as);
	assert_int_equal(page_free_count(), free0);
}

/*
 * An area whose end moves down (an unmap of its tail) deep in the tree:
 * the summaries above it follow, so the gap it leaves at the top of the
 * user range is found, though the area's start and inner gaps did not
 * change.
 */
static void test_gap_left_by_a_shrunk_area(void **state)
{
	uintptr_t base = as_user_base(), top = as_user_top(), got = 0;
	size_t free0 = as_test_ram(16);
	struct addr_space *as;
	(void)state;

	assert_int_equal(as_create(&as), 0);
	assert_int_equal(as_map_anon(as, base, top - base - 4 * PG, RW, AS_MAP_FIXED, NULL), 0);
	assert_int_equal(as_map_anon(as, top - 4 * PG, 4 * PG, R, AS_MAP_FIXED, NULL), 0);
	assert_int_equal(as_find_free(as, PG, PG, 0, &got), -ENOMEM);
	assert_int_equal(as_unmap(as, top - 2 * PG, 2 * PG), 0);
	assert_int_equal(as_set_layout(as, top, false), 0);
	assert_int_equal(as_find_free(as, 2 * PG, PG, 0, &got), 0);
	assert_int_equal(got, top - 2 * PG);
	as_destroy(as);
	assert_int_equal(page_free_count(), free0);
}

static void test_area_limit(void **state)
{
	size_t max = as_max_map_count(), free0 = as_test_ram(64);
	uintptr_t base = 0x1000000, at;
	struct addr_space *as;
	(void)state;

	assert_int_equal(max, CONFIG_AS_MAX_MAP_COUNT);
	assert_int_equal(as_create(&as), 0);
	/* One-page areas of alternating protection: no two merge. */
	for (size_t i = 0; i < max; i++)
		assert_int_equal(
		    as_map_anon(as, base + 2 * i * PG, PG, i % 2 ? R : RW, AS_MAP_FIXED, NULL), 0);
	assert_int_equal(as_area_count(as), max);
	/* Linux checks "more than the limit" before adding: one more goes, then no more. */
	assert_int_equal(as_map_anon(as, 0, PG, R, 0, &at), 0);
	assert_int_equal(as_area_count(as), max + 1);
	assert_int_equal(as_map_anon(as, 0, PG, R, 0, NULL), -ENOMEM);
	assert_int_equal(as_map_anon(as, base - 4 * PG, PG, R, AS_MAP_FIXED, NULL), -ENOMEM);
	assert_int_equal(as_unmap(as, at, PG), 0);
	/* At the limit: a protect or an unmap that would add an area fails and changes nothing. */
	assert_int_equal(as_map_anon(as, base + 2 * max * PG, 3 * PG, RW, AS_MAP_FIXED, &at), 0);
	assert_int_equal(as_unmap(as, base, PG), 0); /* back to the limit exactly */
	assert_int_equal(as_area_count(as), max);
	assert_int_equal(as_protect(as, at + PG, PG, R), -ENOMEM);
	assert_int_equal(as_protect(as, at, PG, R), -ENOMEM); /* one split is one too many too */
	assert_int_equal(as_unmap(as, at + PG, PG), -ENOMEM);
	assert_int_equal(as_map_anon(as, at + PG, PG, R, AS_MAP_FIXED, NULL), -ENOMEM);
	assert_int_equal(as_area_count(as), max);
	/* A whole area changes; an unmap whose splits pay for themselves is fine at the limit. */
	assert_int_equal(as_protect(as, at, 3 * PG, R), 0);
	assert_int_equal(as_unmap(as, base + 2 * PG, PG), 0);
	assert_int_equal(as_map_anon(as, at + 3 * PG, 3 * PG, RW, AS_MAP_FIXED, NULL), 0);
	assert_int_equal(as_area_count(as), max);
	assert_int_equal(as_unmap(as, at + PG, 4 * PG), 0); /* cuts both ends, removes the middle */
	assert_int_equal(as_area_count(as), max);
	/* One below the limit: one split is allowed, two are not. */
	assert_int_equal(as_unmap(as, base + 4 * PG, PG), 0);
	assert_int_equal(as_unmap(as, base + 6 * PG, PG), 0);
	assert_int_equal(as_map_anon(as, at + 16 * PG, 3 * PG, RW, AS_MAP_FIXED, &at), 0);
	assert_int_equal(as_area_count(as), max - 1);
	assert_int_equal(as_protect(as, at + PG, PG, R), -ENOMEM);
	assert_int_equal(as_protect(as, at, PG, R), 0);
	assert_int_equal(as_area_count(as), max);
	as_destroy(as);
	assert_int_equal(page_free_count(), free0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_placement_matches_a_linear_scan),
	    cmocka_unit_test(test_area_limit),
	    cmocka_unit_test(test_gap_left_by_a_shrunk_area),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
