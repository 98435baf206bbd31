/*
 * Supplementary groups (kernel/groups.c): setgroups sorts, checks
 * CAP_SETGID first, then the size, then allocates, then the ids; getgroups'
 * size rules; cred_in_group; cred_copy giving an independent copy; and the
 * ENOMEM paths through the malloc fake, which also proves nothing leaks.
 */
#include "cred_test.h"
#include "fake_heap.h"
#include <stdlib.h>

/* Each test starts from an empty heap, so one failure does not fail the next. */
static int setup(void **state)
{
	(void)state;
	fake_heap_budget = -1;
	fake_heap_live = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(fake_heap_live, 0);
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static void test_setgroups_sorts_and_getgroups_returns(void **state)
{
	static const uint32_t in[] = {500, 3, 4000000000u, 3, 0, 77};
	static const uint32_t sorted[] = {0, 3, 3, 77, 500, 4000000000u};
	uint32_t out[8];
	struct cred c;

	(void)state;
	cred_init_root(&c);
	assert_int_equal(cred_setgroups(&c, in, ARRAY_SIZE(in)), 0);
	assert_int_equal(c.ngroups, 6);
	assert_memory_equal(c.groups, sorted, sizeof(sorted)); /* duplicates kept */

	assert_int_equal(cred_getgroups(&c, 0, NULL), 6); /* size 0: the count only */
	memset(out, 0xee, sizeof(out));
	assert_int_equal(cred_getgroups(&c, 8, out), 6);
	assert_memory_equal(out, sorted, sizeof(sorted));
	assert_int_equal(out[6], 0xeeeeeeeeu); /* nothing written past the count */
	memset(out, 0xee, sizeof(out));
	assert_int_equal(cred_getgroups(&c, 6, out), 6);
	assert_memory_equal(out, sorted, sizeof(sorted));
	cred_free(&c);
}

static void test_getgroups_size_rules(void **state)
{
	static const uint32_t in[] = {1, 2, 3};
	uint32_t out[3] = {9, 9, 9};
	struct cred c;

	(void)state;
	cred_init_root(&c);
	assert_int_equal(cred_getgroups(&c, 0, NULL), 0);
	assert_int_equal(cred_getgroups(&c, 5, NULL), 0); /* nothing to copy, no fault */
	assert_int_equal(cred_setgroups(&c, in, 3), 0);
	assert_int_equal(cred_getgroups(&c, 2, out), -EINVAL); /* too small */
	assert_int_equal(out[0], 9);
	assert_int_equal(cred_getgroups(&c, 3, NULL), -EFAULT);
	/* Linux's gidsetsize is an int: -1 arrives here as a huge size. */
	assert_int_equal(cred_getgroups(&c, (size_t)-1, out), -EINVAL);
	assert_int_equal(cred_getgroups(&c, (uint32_t)-1, out), -EINVAL);
	assert_int_equal(cred_getgroups(&c, 0x80000000u, out), -EINVAL);
	assert_int_equal(cred_getgroups(&c, 0x7fffffff, out), 3);
	/* Unprivileged callers may read their groups. */
	assert_int_equal(cred_setresuid(&c, 1000, 1000, 1000), 0);
	assert_int_equal(cred_getgroups(&c, 3, out), 3);
	cred_free(&c);
}

static void test_setgroups_replaces_and_clears(void **state)
{
	static const uint32_t a[] = {9, 8, 7}, b[] = {42};
	struct cred c;

	(void)state;
	cred_init_root(&c);
	assert_int_equal(cred_setgroups(&c, a, 3), 0);
	assert_int_equal(fake_heap_live, 1);
	assert_int_equal(cred_setgroups(&c, b, 1), 0);
	assert_int_equal(fake_heap_live, 1); /* the old array was freed */
	assert_int_equal(c.ngroups, 1);
	assert_int_equal(c.groups[0], 42);
	assert_int_equal(cred_setgroups(&c, NULL, 0), 0);
	assert_int_equal(c.ngroups, 0);
	assert_int_equal(fake_heap_live, 0); /* no groups, no memory */
	assert_int_equal(cred_getgroups(&c, 0, NULL), 0);
	/* Setting the groups to themselves works (the input may alias them). */
	assert_int_equal(cred_setgroups(&c, a, 3), 0);
	assert_int_equal(cred_setgroups(&c, c.groups, c.ngroups), 0);
	assert_int_equal(c.ngroups, 3);
	assert_int_equal(c.groups[0], 7);
	assert_int_equal(c.groups[2], 9);
	cred_free(&c);
	assert_null(c.groups);
	assert_int_equal(c.ngroups, 0);
}

static void test_setgroups_eperm(void **state)
{
	static const uint32_t g[] = {1, 2};
	struct cred c, before;

	(void)state;
	cred_make_user(&c, 1000, 1000, 1000, 100, 100, 100);
	before = c;
	assert_int_equal(cred_setgroups(&c, g, 2), -EPERM);
	assert_int_equal(cred_setgroups(&c, NULL, 0), -EPERM); /* even clearing */
	/* The privilege check comes before the size check. */
	assert_int_equal(cred_setgroups(&c, NULL, CRED_NGROUPS_MAX + 1), -EPERM);
	assert_cred_same(&c, &before);

	/* euid 0 without CAP_SETGID is not enough; CAP_SETGID alone is. */
	cred_init_root(&c);
	c.cap_effective &= ~(1ull << CRED_CAP_SETGID);
	assert_int_equal(cred_setgroups(&c, g, 2), -EPERM);
	cred_make_user(&c, 1000, 1000, 1000, 100, 100, 100);
	c.cap_effective = 1ull << CRED_CAP_SETGID;
	assert_int_equal(cred_setgroups(&c, g, 2), 0);
	assert_int_equal(c.ngroups, 2);
	cred_free(&c);
}

static void test_setgroups_einval_and_efault(void **state)
{
	static const uint32_t old[] = {5, 6}, bad[] = {1, (uint32_t)-1, 3};
	struct cred c, before;

	(void)state;
	cred_init_root(&c);
	assert_int_equal(cred_setgroups(&c, old, 2), 0);
	before = c;
	assert_int_equal(cred_setgroups(&c, NULL, CRED_NGROUPS_MAX + 1), -EINVAL);
	assert_int_equal(cred_setgroups(&c, NULL, SIZE_MAX), -EINVAL);
	assert_int_equal(cred_setgroups(&c, bad, 3), -EINVAL); /* (gid_t)-1 is no gid */
	assert_int_equal(cred_setgroups(&c, NULL, 2), -EFAULT);
	assert_cred_same(&c, &before); /* the old groups stand */
	assert_ptr_equal(c.groups, before.groups);
	assert_int_equal(fake_heap_live, 1); /* failures freed what they took */
	cred_free(&c);
}

static void test_setgroups_enomem(void **state)
{
	static const uint32_t old[] = {5, 6}, g[] = {1, 2, 3}, bad[] = {(uint32_t)-1};
	struct cred c, before;

	(void)state;
	cred_init_root(&c);
	assert_int_equal(cred_setgroups(&c, old, 2), 0);
	before = c;
	fake_heap_budget = 0;
	assert_int_equal(cred_setgroups(&c, g, 3), -ENOMEM);
	/* The allocation comes before the ids are read. */
	assert_int_equal(cred_setgroups(&c, bad, 1), -ENOMEM);
	assert_cred_same(&c, &before);
	assert_int_equal(cred_setgroups(&c, NULL, 0), 0); /* clearing needs no memory */
	assert_int_equal(c.ngroups, 0);
	fake_heap_budget = -1;
	cred_free(&c);
}

static void test_setgroups_limit_and_big_sort(void **state)
{
	uint32_t *in = malloc(CRED_NGROUPS_MAX * sizeof(*in));
	uint32_t *want = malloc(CRED_NGROUPS_MAX * sizeof(*in));
	uint32_t *out = malloc(CRED_NGROUPS_MAX * sizeof(*in));
	uint32_t x = 12345;
	struct cred c;

	(void)state;
	assert_non_null(in);
	assert_non_null(want);
	assert_non_null(out);
	for (size_t i = 0; i < CRED_NGROUPS_MAX; i++) {
		x = x * 1103515245u + 12345u;
		in[i] = (x >> 4) % 50000u; /* many duplicates */
	}
	memcpy(want, in, CRED_NGROUPS_MAX * sizeof(*in));
	qsort(want, CRED_NGROUPS_MAX, sizeof(*want), cmp_u32);

	cred_init_root(&c);
	assert_int_equal(cred_setgroups(&c, in, CRED_NGROUPS_MAX), 0); /* exactly the limit */
	assert_int_equal(cred_getgroups(&c, 0, NULL), CRED_NGROUPS_MAX);
	assert_int_equal(cred_getgroups(&c, CRED_NGROUPS_MAX, out), CRED_NGROUPS_MAX);
	assert_memory_equal(out, want, CRED_NGROUPS_MAX * sizeof(*out));
	assert_int_equal(cred_getgroups(&c, CRED_NGROUPS_MAX - 1, out), -EINVAL);

	/* Already sorted, reversed, all equal: the sort's easy worst cases. */
	for (size_t i = 0; i < CRED_NGROUPS_MAX; i++)
		in[i] = (uint32_t)(CRED_NGROUPS_MAX - i);
	assert_int_equal(cred_setgroups(&c, in, CRED_NGROUPS_MAX), 0);
	for (size_t i = 0; i < CRED_NGROUPS_MAX; i++)
		assert_int_equal(c.groups[i], i + 1);
	assert_int_equal(cred_setgroups(&c, c.groups, CRED_NGROUPS_MAX), 0);
	for (size_t i = 0; i < CRED_NGROUPS_MAX; i++)
		assert_int_equal(c.groups[i], i + 1);
	for (size_t i = 0; i < 100; i++)
		in[i] = 7;
	assert_int_equal(cred_setgroups(&c, in, 100), 0);
	for (size_t i = 0; i < 100; i++)
		assert_int_equal(c.groups[i], 7);
	cred_free(&c);
	free(in);
	free(want);
	free(out);
}

static void test_in_group(void **state)
{
	static const uint32_t g[] = {30, 10, 20, 4000000000u};
	struct cred c;

	(void)state;
	cred_init_root(&c);
	assert_int_equal(cred_setgid(&c, 5), 0);
	assert_true(cred_in_group(&c, 5));
	assert_false(cred_in_group(&c, 10)); /* no groups yet */
	assert_int_equal(cred_setgroups(&c, g, 4), 0);
	assert_true(cred_in_group(&c, 5));
	assert_true(cred_in_group(&c, 10));
	assert_true(cred_in_group(&c, 20));
	assert_true(cred_in_group(&c, 30));
	assert_true(cred_in_group(&c, 4000000000u));
	assert_false(cred_in_group(&c, 0));
	assert_false(cred_in_group(&c, 15));
	assert_false(cred_in_group(&c, 31));
	assert_false(cred_in_group(&c, (uint32_t)-1));
	/* The effective gid, not the real, saved or file-system one. */
	assert_int_equal(cred_setresgid(&c, 6, 7, 8), 0);
	assert_int_equal(cred_setfsgid(&c, 9), 7);
	assert_true(cred_in_group(&c, 7));
	assert_false(cred_in_group(&c, 5));
	assert_false(cred_in_group(&c, 6));
	assert_false(cred_in_group(&c, 8));
	assert_false(cred_in_group(&c, 9));
	cred_free(&c);
}

static void test_in_group_many(void **state)
{
	uint32_t g[1000];
	struct cred c;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(g); i++)
		g[i] = (uint32_t)(((i * 7919) % 1000) * 3 + 1); /* 1, 4, ..., 2998 shuffled */
	cred_init_root(&c);
	assert_int_equal(cred_setgid(&c, 100000), 0);
	assert_int_equal(cred_setgroups(&c, g, ARRAY_SIZE(g)), 0);
	for (uint32_t x = 0; x < 3010; x++)
		assert_int_equal(cred_in_group(&c, x), x % 3 == 1 && x < 3000);
	cred_free(&c);
}

static void test_copy_is_independent(void **state)
{
	static const uint32_t g[] = {3, 1, 2}, h[] = {99};
	struct cred a, b;

	(void)state;
	cred_init_root(&a);
	assert_int_equal(cred_setgroups(&a, g, 3), 0);
	assert_int_equal(cred_setresuid(&a, KEEP, 1000, KEEP), 0);
	assert_int_equal(cred_copy(&b, &a), 0);
	assert_cred_same(&b, &a);
	assert_ptr_not_equal(b.groups, a.groups);
	assert_int_equal(fake_heap_live, 2);

	assert_int_equal(cred_setresuid(&b, KEEP, 0, KEEP), 0);
	assert_int_equal(cred_setgroups(&b, h, 1), 0);
	assert_int_equal(b.euid, 0);
	assert_int_equal(a.euid, 1000);
	assert_int_equal(a.cap_effective, 0);
	assert_int_equal(a.ngroups, 3);
	assert_int_equal(a.groups[0], 1);
	assert_int_equal(a.groups[2], 3);
	b.groups[0] = 12345; /* writing one array leaves the other alone */
	assert_int_equal(a.groups[0], 1);
	cred_free(&a);
	assert_int_equal(b.groups[0], 12345); /* and freeing one too */
	cred_free(&b);
}

static void test_copy_without_groups_and_enomem(void **state)
{
	static const uint32_t g[] = {1, 2};
	struct cred a, b, before;

	(void)state;
	cred_init_root(&a);
	fake_heap_budget = 0;
	assert_int_equal(cred_copy(&b, &a), 0); /* no groups: no allocation */
	assert_null(b.groups);
	assert_cred_same(&b, &a);
	cred_free(&b);

	fake_heap_budget = -1;
	assert_int_equal(cred_setgroups(&a, g, 2), 0);
	fake_heap_budget = 0;
	memset(&b, 0x5a, sizeof(b));
	before = b;
	assert_int_equal(cred_copy(&b, &a), -ENOMEM);
	assert_memory_equal(&b, &before, sizeof(b)); /* the destination is untouched */
	fake_heap_budget = -1;
	cred_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_setgroups_sorts_and_getgroups_returns, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_getgroups_size_rules, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_setgroups_replaces_and_clears, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_setgroups_eperm, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_setgroups_einval_and_efault, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_setgroups_enomem, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_setgroups_limit_and_big_sort, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_in_group, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_in_group_many, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_copy_is_independent, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_copy_without_groups_and_enomem, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
