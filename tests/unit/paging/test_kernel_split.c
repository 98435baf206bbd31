/*
 * A user table that shares a root entry with the kernel: under Sv48 one root
 * entry covers 512 GiB, so a kernel whose RAM is mapped at 2 GiB (riscv64
 * QEMU virt) and user programs linked at 64 KiB meet in root entry 0. The
 * user table then takes its own table under that entry, borrowing the
 * kernel's entries one level down, and the kernel's later changes at that
 * level still reach it.
 */
#include "pt_test.h"
#include <klib/errno.h>

#define RAM   0x80000000ull
#define KPROT (PT_READ | PT_WRITE | PT_GLOBAL)
#define UPROT (PT_READ | PT_WRITE | PT_USER)
#define GIB   (1ull << 30)

struct split_env {
	struct pt *k, *u;
	size_t free0;
	paddr_t frame; /* a frame to map into user space */
};

/* A kernel table mapping 4 MiB of "RAM" at 2 GiB, and a user table created after it. */
static void setup_env(struct split_env *e, const struct pt_format *fmt)
{
	e->free0 = pt_test_ram(8);
	assert_int_equal(pt_create(fmt, &e->k), 0);
	assert_int_equal(pt_map(e->k, RAM, RAM, 4u << 20, KPROT, PT_MAP_HUGE), 0);
	pt_set_kernel(e->k);
	assert_int_equal(pt_create(fmt, &e->u), 0);
	e->frame = page_alloc_zeroed(0);
	assert_true(e->frame != PADDR_NONE);
}

static void teardown_env(struct split_env *e)
{
	pt_destroy(e->u);
	page_free(e->frame, 0);
	pt_set_kernel(NULL);
	pt_destroy(e->k);
	assert_int_equal(page_free_count(), e->free0);
}

static void test_user_below_kernel_sv48(void **state)
{
	struct split_env e;
	paddr_t pa;
	(void)state;

	setup_env(&e, &pt_format_sv48);
	size_t ktables = pt_table_pages(e.k);

	/* Unmapping and protecting where the user has nothing is no error, and changes nothing. */
	assert_int_equal(pt_unmap(e.u, 0x10000, 0x10000, NULL, NULL), 0);
	assert_int_equal(pt_protect(e.u, 0x10000, 0x10000, PT_READ), 0);
	assert_int_equal(pt_split(e.u, 0x11000), 0);
	assert_int_equal(pt_table_pages(e.k), ktables);
	assert_int_equal(pt_table_pages(e.u), 1);

	/* A user page in the kernel's root entry. */
	assert_int_equal(pt_map(e.u, 0x10000, e.frame, 4096, UPROT, 0), 0);
	assert_int_equal(pt_query(e.u, 0x10000, &pa, NULL, NULL), 0);
	assert_int_equal(pa, e.frame);
	assert_int_equal(pt_query(e.k, 0x10000, NULL, NULL, NULL), -ENOENT);
	/* The kernel is still mapped in the user table, and still off limits to it. */
	assert_int_equal(pt_query(e.u, RAM + 0x1000, &pa, NULL, NULL), 0);
	assert_int_equal(pa, RAM + 0x1000);
	assert_int_equal(pt_map(e.u, RAM + (8u << 20), e.frame, 4096, UPROT, 0), -EINVAL);
	assert_int_equal(pt_unmap(e.u, RAM, 4096, NULL, NULL), -EINVAL);
	assert_int_equal(pt_protect(e.u, RAM, 4096, PT_READ), -EINVAL);
	assert_int_equal(pt_unmap(e.u, 0, 512 * GIB, NULL, NULL), -EINVAL);
	assert_int_equal(pt_table_pages(e.k), ktables);

	/* Up to the kernel's 1 GiB entry is the user's. */
	assert_int_equal(pt_map(e.u, RAM - 4096, e.frame, 4096, UPROT, 0), 0);
	assert_int_equal(pt_unmap(e.u, 0x10000, RAM - 0x10000, NULL, NULL), 0);
	assert_int_equal(pt_query(e.u, 0x10000, NULL, NULL, NULL), -ENOENT);
	assert_int_equal(pt_query(e.u, RAM, NULL, NULL, NULL), 0);
	teardown_env(&e);
}

static void test_kernel_changes_reach_split_tables(void **state)
{
	struct split_env e;
	paddr_t pa;
	(void)state;

	setup_env(&e, &pt_format_sv48);
	assert_int_equal(pt_map(e.u, 0x10000, e.frame, 4096, UPROT, 0), 0);

	/* A new kernel table one level below the shared root entry. */
	assert_int_equal(pt_map(e.k, 4 * GIB, 0x9000, 4096, KPROT, 0), 0);
	assert_int_equal(pt_query(e.u, 4 * GIB, &pa, NULL, NULL), 0);
	assert_int_equal(pa, 0x9000);
	/* The copies count as used entries of the user's tables, as the kernel's own do. */
	sv_check_used(pt_root(e.u), 3);
	sv_check_used(pt_root(e.k), 3);
	/* A table the kernel frees there is gone from the user's view too. */
	assert_int_equal(pt_unmap(e.k, 4 * GIB, 4096, NULL, NULL), 0);
	assert_int_equal(pt_query(e.u, 4 * GIB, NULL, NULL, NULL), -ENOENT);
	/* A 1 GiB kernel page at that level, and a change of its permissions. */
	assert_int_equal(pt_map(e.k, 5 * GIB, 5 * GIB, GIB, KPROT, PT_MAP_HUGE), 0);
	assert_int_equal(pt_query(e.u, 5 * GIB + 0x1000, &pa, NULL, NULL), 0);
	assert_int_equal(pa, 5 * GIB + 0x1000);
	assert_int_equal(pt_protect(e.k, 5 * GIB, GIB, PT_READ | PT_GLOBAL), 0);
	unsigned prot;
	assert_int_equal(pt_query(e.u, 5 * GIB, NULL, &prot, NULL), 0);
	assert_int_equal(prot, PT_READ | PT_GLOBAL);
	/* The kernel splits it: the user sees the pieces. */
	assert_int_equal(pt_unmap(e.k, 5 * GIB, 4096, NULL, NULL), 0);
	assert_int_equal(pt_query(e.u, 5 * GIB, NULL, NULL, NULL), -ENOENT);
	assert_int_equal(pt_query(e.u, 5 * GIB + 0x1000, &pa, NULL, NULL), 0);
	assert_int_equal(pa, 5 * GIB + 0x1000);
	assert_int_equal(pt_map(e.u, 5 * GIB + (4u << 20), e.frame, 4096, UPROT, 0), -EINVAL);
	assert_int_equal(pt_unmap(e.k, 5 * GIB, GIB, NULL, NULL), 0);
	assert_int_equal(pt_query(e.u, 5 * GIB + 0x1000, NULL, NULL, NULL), -ENOENT);
	sv_check_used(pt_root(e.u), 3);
	sv_check_used(pt_root(e.k), 3);

	/* A user table created now borrows the whole root entry again; mapping splits it. */
	struct pt *u2;
	assert_int_equal(pt_create(&pt_format_sv48, &u2), 0);
	assert_int_equal(pt_map(u2, 0x20000, e.frame, 4096, UPROT, 0), 0);
	assert_int_equal(pt_query(u2, RAM, &pa, NULL, NULL), 0);
	assert_int_equal(pt_query(u2, 0x10000, NULL, NULL, NULL), -ENOENT);
	assert_int_equal(pt_query(e.u, 0x20000, NULL, NULL, NULL), -ENOENT);
	pt_destroy(u2);
	assert_int_equal(pt_query(e.u, RAM, NULL, NULL, NULL), 0);
	teardown_env(&e);
}

/* The kernel's table pages survive any user table's end, and the user's own are all returned. */
static void test_destroy_frees_only_own_tables(void **state)
{
	struct split_env e;
	(void)state;

	setup_env(&e, &pt_format_sv48);
	size_t ktables = pt_table_pages(e.k), before = page_free_count();
	struct pt *u2;

	assert_int_equal(pt_create(&pt_format_sv48, &u2), 0);
	assert_int_equal(pt_map(u2, 0x10000, e.frame, 4096, UPROT, 0), 0);
	assert_int_equal(pt_map(u2, GIB, e.frame, 4096, UPROT, 0), 0);
	assert_int_equal(pt_table_pages(u2), 6); /* root, split level-2, two level-1, two level-0 */
	pt_destroy(u2);
	assert_int_equal(page_free_count(), before);
	assert_int_equal(pt_table_pages(e.k), ktables);
	assert_int_equal(pt_query(e.u, RAM, NULL, NULL, NULL), 0);
	teardown_env(&e);
}

/* Sv39: the kernel's entry is a whole 1 GiB; only its unused parts may be split off. */
static void test_sv39_kernel_entry(void **state)
{
	struct split_env e;
	(void)state;

	setup_env(&e, &pt_format_sv39);
	assert_int_equal(pt_map(e.u, RAM - 4096, e.frame, 4096, UPROT, 0), 0);
	assert_int_equal(pt_table_pages(e.u), 3); /* nothing split */
	assert_int_equal(pt_map(e.u, RAM + 0x1000, e.frame, 4096, UPROT, 0), -EINVAL);
	assert_int_equal(pt_map(e.u, RAM + (8u << 20), e.frame, 4096, UPROT, 0), 0);
	assert_int_equal(pt_query(e.u, RAM + 0x1000, NULL, NULL, NULL), 0);
	assert_int_equal(pt_query(e.k, RAM + (8u << 20), NULL, NULL, NULL), -ENOENT);

	/* The kernel leaves; the user's last page there goes: the user sees the kernel's entry
	 * again. */
	assert_int_equal(pt_unmap(e.k, RAM, 4u << 20, NULL, NULL), 0);
	assert_int_equal(pt_query(e.u, RAM + 0x1000, NULL, NULL, NULL), -ENOENT);
	assert_int_equal(pt_unmap(e.u, RAM + (8u << 20), 2u << 20, NULL, NULL), 0);
	assert_int_equal(pt_table_pages(e.u), 3);
	assert_int_equal(pt_map(e.k, RAM, RAM, 4096, KPROT, 0), 0);
	assert_int_equal(pt_query(e.u, RAM, NULL, NULL, NULL), 0);
	teardown_env(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_user_below_kernel_sv48),
	    cmocka_unit_test(test_kernel_changes_reach_split_tables),
	    cmocka_unit_test(test_destroy_frees_only_own_tables),
	    cmocka_unit_test(test_sv39_kernel_entry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
