/*
 * umem's mmap, munmap and mprotect over a real address space: Linux's errno
 * for each bad call, in Linux's order (a call wrong in two ways gets the
 * first check's errno); fixed, no-replace and hinted placement; PROT_NONE;
 * populate; shared and private memory across fork. Every test ends with the
 * space destroyed and every frame back (umem_teardown).
 */
#include "umem_test.h"

/* mmap's answer as an address, for the calls that must succeed. */
static uintptr_t map_ok(struct addr_space *as, uintptr_t addr, size_t len, int prot, int flags)
{
	long r = umem_mmap(as, addr, len, prot, flags, NULL, 0);

	assert_true(r > 0);
	return (uintptr_t)r;
}

static void test_mmap_anonymous(void **state)
{
	struct addr_space *as = fixture_as(state);
	uintptr_t a = map_ok(as, 0, 3 * PG, RW, ANON_PRIV);

	assert_true(a >= as_user_base() && a + 3 * PG <= as_user_top());
	assert_int_equal(a % PG, 0);
	assert_int_equal(area_at(as, a).end, a + 3 * PG);
	assert_int_equal(prot_at(as, a), AS_RW);
	/* Lazy: no page until the first touch, and it reads zero. */
	assert_int_equal(as_query(as, a + PG, NULL, NULL), -EFAULT);
	assert_string_equal(get(as, a + PG), "");
	assert_int_equal(put(as, a + 2 * PG, "hello"), 0);
	assert_string_equal(get(as, a + 2 * PG), "hello");

	/* The length rounds up to whole pages. */
	assert_int_equal(umem_mmap(as, 0x600000, PG + 1, RW, ANON_PRIV | UMEM_MAP_FIXED, NULL, 0),
	                 0x600000);
	assert_int_equal(area_at(as, 0x600000).start, 0x600000);
	assert_int_equal(area_at(as, 0x600000).end, 0x602000);
	/* Read-only: reads work, writes fault. */
	uintptr_t r = map_ok(as, 0, PG, UMEM_PROT_READ, ANON_PRIV);
	assert_int_equal(prot_at(as, r), AS_PROT_READ | AS_PROT_USER);
	assert_int_equal(put(as, r, "x"), -EFAULT);
	assert_string_equal(get(as, r), "");
	/* riscv: PROT_WRITE alone means read and write. */
	uintptr_t w = map_ok(as, 0, PG, UMEM_PROT_WRITE, ANON_PRIV);
	assert_int_equal(prot_at(as, w), AS_RW);
	uintptr_t x = map_ok(as, 0, PG, UMEM_PROT_READ | UMEM_PROT_EXEC, ANON_PRIV);
	assert_int_equal(prot_at(as, x), AS_PROT_READ | AS_PROT_EXEC | AS_PROT_USER);
	/* Linux's mmap ignores prot bits it does not know (mprotect does not). */
	uintptr_t u = map_ok(as, 0, PG, UMEM_PROT_READ | 0x10 | 0x1000000, ANON_PRIV);
	assert_int_equal(prot_at(as, u), AS_PROT_READ | AS_PROT_USER);
	/* Anonymous memory ignores the (aligned) offset. */
	assert_true(umem_mmap(as, 0, PG, RW, ANON_PRIV, NULL, 0x5000) > 0);
}

/* The files behind fds in these tests: 0..2 a terminal (no mmap), any other fd not open. */
static const struct umem_file console = {.readable = true, .writable = true};

static const struct umem_file *F(int fd)
{
	return fd >= 0 && fd <= 2 ? &console : NULL;
}

/* Every failing mmap below must leave the space exactly as it was. */
static void expect_mmap(struct addr_space *as, long want, uintptr_t addr, size_t len, int prot,
                        int flags, int fd, uint64_t off)
{
	size_t areas = as_area_count(as), frames = page_free_count();

	assert_int_equal(umem_mmap(as, addr, len, prot, flags, F(fd), off), want);
	assert_int_equal(as_area_count(as), areas);
	assert_int_equal(page_free_count(), frames);
}

static void test_mmap_errors_in_linux_order(void **state)
{
	struct addr_space *as = fixture_as(state);
	uintptr_t base = as_user_base(), top = as_user_top();

	/* riscv checks the offset first, whatever else is wrong. */
	expect_mmap(as, -EINVAL, 0, 0, RW, UMEM_MAP_PRIVATE, 99, 123);
	expect_mmap(as, -EINVAL, 0, PG, RW, ANON_PRIV, -1, PG + 1);
	/* No MAP_ANONYMOUS: the fd. Only 0..2 exist, and they come before the length. */
	expect_mmap(as, -EBADF, 0, 0, RW, UMEM_MAP_PRIVATE, -1, 0);
	expect_mmap(as, -EBADF, 0, PG, RW, UMEM_MAP_PRIVATE, 3, 0);
	expect_mmap(as, -EBADF, 0, PG, RW, UMEM_MAP_SHARED, 99, 0);
	/* MAP_HUGETLB: only anonymous (no hugetlbfs files), of a huge page size, and then
	 * no huge page is free: ENOMEM after the other checks. */
	expect_mmap(as, -EINVAL, 0, PG, RW, ANON_PRIV | 0x40000 | (13 << 26), -1, 0);
	expect_mmap(as, -EINVAL, 0, PG, RW, UMEM_MAP_PRIVATE | 0x40000, 1, 0);
	expect_mmap(as, -EINVAL, 0, 0, RW, ANON_PRIV | 0x40000, -1, 0);
	expect_mmap(as, -ENOMEM, 0, PG, RW, ANON_PRIV | 0x40000, -1, 0);
	expect_mmap(as, -ENOMEM, 0, PG, RW, ANON_PRIV | 0x40000 | (30 << 26), -1, 0);
	/* The length. */
	expect_mmap(as, -EINVAL, 0, 0, RW, ANON_PRIV, -1, 0);
	expect_mmap(as, -EINVAL, 0, 0, RW, UMEM_MAP_PRIVATE, 0, 0);
	expect_mmap(as, -ENOMEM, 0, SIZE_MAX, RW, ANON_PRIV, -1, 0);
	expect_mmap(as, -ENOMEM, 0, SIZE_MAX - PG, RW, UMEM_MAP_ANONYMOUS /* no type */, -1, 0);
	expect_mmap(as, -ENOMEM, 0, top - base + PG, RW, ANON_PRIV, -1, 0);
	/* riscv64's offset is a signed off_t: -4096 is page ULONG_MAX; one page more overflows. */
	expect_mmap(as, -EOVERFLOW, 0, PG, RW, ANON_PRIV, -1, (uint64_t)-4096);
	/* The address: past the top, unaligned, below mmap_min_addr; before the type. */
	expect_mmap(as, -ENOMEM, top - PG, 2 * PG, RW, ANON_PRIV | UMEM_MAP_FIXED, -1, 0);
	expect_mmap(as, -ENOMEM, top - PG + 1, 2 * PG, RW, UMEM_MAP_ANONYMOUS | UMEM_MAP_FIXED, -1,
	            0);
	expect_mmap(as, -ENOMEM, top, PG, RW, ANON_PRIV | UMEM_MAP_FIXED, -1, 0);
	expect_mmap(as, -EINVAL, base + 1, PG, RW, ANON_PRIV | UMEM_MAP_FIXED, -1, 0);
	expect_mmap(as, -EINVAL, base + 1, PG, RW, UMEM_MAP_ANONYMOUS | UMEM_MAP_FIXED, -1, 0);
	expect_mmap(as, -EINVAL, base + 1, PG, RW, ANON_PRIV | UMEM_MAP_FIXED_NOREPLACE, -1, 0);
	expect_mmap(as, -EPERM, 0, PG, RW, ANON_PRIV | UMEM_MAP_FIXED, -1, 0);
	expect_mmap(as, -EPERM, base - PG, PG, RW, UMEM_MAP_ANONYMOUS | UMEM_MAP_FIXED, -1, 0);
	/* The mapping type: exactly one of shared and private for anonymous memory. */
	expect_mmap(as, -EINVAL, 0, PG, RW, UMEM_MAP_ANONYMOUS, -1, 0);
	expect_mmap(as, -EINVAL, 0, PG, RW, UMEM_MAP_SHARED_VALIDATE | UMEM_MAP_ANONYMOUS, -1, 0);
	expect_mmap(as, -EINVAL, 0, PG, RW, 0x08 /* DROPPABLE */ | UMEM_MAP_ANONYMOUS, -1, 0);
	expect_mmap(as, -EINVAL, 0, PG, RW, 0x0f | UMEM_MAP_ANONYMOUS, -1, 0);
	/* The console fds: a tty has no mmap; the type is checked first. */
	expect_mmap(as, -ENODEV, 0, PG, UMEM_PROT_READ, UMEM_MAP_PRIVATE, 0, 0);
	expect_mmap(as, -ENODEV, 0, PG, RW, UMEM_MAP_SHARED | 0x400, 1, 0);
	expect_mmap(as, -ENODEV, 0, PG, RW, UMEM_MAP_SHARED_VALIDATE | UMEM_MAP_POPULATE, 2, 0);
	expect_mmap(as, -EOPNOTSUPP, 0, PG, RW, UMEM_MAP_SHARED_VALIDATE | 0x400, 1, 0);
	expect_mmap(as, -EOPNOTSUPP, base, PG, RW,
	            UMEM_MAP_SHARED_VALIDATE | UMEM_MAP_FIXED_NOREPLACE, 1, 0);
	expect_mmap(as, -EINVAL, 0, PG, RW, 0, 2, 0);
	expect_mmap(as, -ENOMEM, top, PG, RW, UMEM_MAP_PRIVATE | UMEM_MAP_FIXED, 0, 0);
	assert_int_equal(as_area_count(as), 0);
}

static void test_mmap_fixed_replaces(void **state)
{
	struct addr_space *as = fixture_as(state);
	uintptr_t x = 0x400000;

	assert_int_equal(umem_mmap(as, x, 4 * PG, RW, ANON_PRIV | UMEM_MAP_FIXED, NULL, 0),
	                 (long)x);
	assert_int_equal(put(as, x, "keep"), 0);
	assert_int_equal(put(as, x + PG, "old"), 0);
	assert_int_equal(put(as, x + 2 * PG, "old2"), 0);
	/* A fixed map over the middle: the old pages there are gone, the rest stays. */
	assert_int_equal(
	    umem_mmap(as, x + PG, PG, UMEM_PROT_READ, ANON_PRIV | UMEM_MAP_FIXED, NULL, 0),
	    (long)(x + PG));
	assert_string_equal(get(as, x + PG), "");
	assert_int_equal(prot_at(as, x + PG), AS_PROT_READ | AS_PROT_USER);
	assert_string_equal(get(as, x), "keep");
	assert_string_equal(get(as, x + 2 * PG), "old2");
	assert_int_equal(prot_at(as, x + 2 * PG), AS_RW);
	assert_int_equal(as_area_count(as), 3);
	/* Over a hole and an area at once. */
	assert_int_equal(umem_mmap(as, x + 3 * PG, 4 * PG, RW, ANON_PRIV | UMEM_MAP_FIXED, NULL, 0),
	                 (long)(x + 3 * PG));
	assert_string_equal(get(as, x + 2 * PG), "old2");
	assert_int_equal(area_at(as, x + 6 * PG).end, x + 7 * PG);
}

static void test_mmap_fixed_noreplace(void **state)
{
	struct addr_space *as = fixture_as(state);
	uintptr_t x = 0x400000;

	assert_int_equal(
	    umem_mmap(as, x, 2 * PG, RW, ANON_PRIV | UMEM_MAP_FIXED_NOREPLACE, NULL, 0), (long)x);
	assert_int_equal(put(as, x + PG, "mine"), 0);
	/* Any overlap: -EEXIST, before the type is looked at, and nothing changes. */
	expect_mmap(as, -EEXIST, x + PG, 2 * PG, RW, ANON_PRIV | UMEM_MAP_FIXED_NOREPLACE, -1, 0);
	expect_mmap(as, -EEXIST, x - PG, 2 * PG, RW, ANON_PRIV | UMEM_MAP_FIXED_NOREPLACE, -1, 0);
	expect_mmap(as, -EEXIST, x, PG, RW, UMEM_MAP_ANONYMOUS | UMEM_MAP_FIXED_NOREPLACE, -1, 0);
	/* NOREPLACE wins over FIXED. */
	expect_mmap(as, -EEXIST, x, PG, RW, ANON_PRIV | UMEM_MAP_FIXED | UMEM_MAP_FIXED_NOREPLACE,
	            -1, 0);
	assert_string_equal(get(as, x + PG), "mine");
	/* Right next to it is free. */
	assert_int_equal(
	    umem_mmap(as, x + 2 * PG, PG, RW, ANON_PRIV | UMEM_MAP_FIXED_NOREPLACE, NULL, 0),
	    (long)(x + 2 * PG));
}

static void test_mmap_hint(void **state)
{
	struct addr_space *as = fixture_as(state);
	uintptr_t x = 0x800000, base = as_user_base(), top = as_user_top();

	/* A free hint is taken as is; an unaligned one rounds down. */
	assert_int_equal(umem_mmap(as, x, 2 * PG, RW, ANON_PRIV, NULL, 0), (long)x);
	assert_int_equal(umem_mmap(as, x + 4 * PG + 123, PG, RW, ANON_PRIV, NULL, 0),
	                 (long)(x + 4 * PG));
	assert_int_equal(put(as, x, "first"), 0);
	/* A taken hint is only a hint: the map goes elsewhere and replaces nothing. */
	long r = umem_mmap(as, x, 2 * PG, RW, ANON_PRIV, NULL, 0);
	assert_true(r > 0 && (uintptr_t)r != x);
	assert_false((uintptr_t)r < x + 2 * PG && (uintptr_t)r + 2 * PG > x);
	assert_string_equal(get(as, x), "first");
	/* Hints below the base or out of range still map, inside the range. */
	r = umem_mmap(as, PG, PG, RW, ANON_PRIV, NULL, 0);
	assert_true((uintptr_t)r >= base && (uintptr_t)r < top);
	r = umem_mmap(as, top - PG, 4 * PG, RW, ANON_PRIV, NULL, 0);
	assert_true((uintptr_t)r >= base && (uintptr_t)r + 4 * PG <= top);
	r = umem_mmap(as, UINTPTR_MAX - 5, PG, RW, ANON_PRIV, NULL, 0);
	assert_true((uintptr_t)r >= base && (uintptr_t)r < top);
	/* No room anywhere: -ENOMEM. */
	expect_mmap(as, -ENOMEM, 0, top - base, RW, ANON_PRIV, -1, 0);
}

static void test_prot_none(void **state)
{
	struct addr_space *as = fixture_as(state);
	uintptr_t a = map_ok(as, 0, 2 * PG, 0, ANON_PRIV);
	char c;

	/* The area exists (it reserves the range) but nothing can touch it. */
	assert_int_equal(prot_at(as, a), AS_PROT_USER);
	assert_true(as_overlaps(as, a, 2 * PG));
	assert_int_equal(as_copy_from_user(as, &c, a, 1), -EFAULT);
	assert_int_equal(put(as, a + PG, "x"), -EFAULT);
	assert_int_equal(as_fault(as, a, AS_ACCESS_READ), -EACCES);
	expect_mmap(as, -EEXIST, a, PG, RW, ANON_PRIV | UMEM_MAP_FIXED_NOREPLACE, -1, 0);
	/* Populating it is a no-op, not an error. */
	uintptr_t b = map_ok(as, 0, PG, 0, ANON_PRIV | UMEM_MAP_POPULATE);
	assert_int_equal(as_query(as, b, NULL, NULL), -EFAULT);
	/* mprotect opens it. */
	assert_int_equal(umem_mprotect(as, a, 2 * PG, RW), 0);
	assert_int_equal(put(as, a + PG, "open"), 0);
	assert_string_equal(get(as, a + PG), "open");
	assert_int_equal(umem_mprotect(as, a, PG, 0), 0);
	assert_int_equal(put(as, a, "x"), -EFAULT);
}

static void test_populate(void **state)
{
	struct addr_space *as = fixture_as(state);
	unsigned prot;

	uintptr_t a = map_ok(as, 0, 8 * PG, RW, ANON_PRIV | UMEM_MAP_POPULATE);
	for (int i = 0; i < 8; i++) {
		assert_int_equal(as_query(as, a + (uintptr_t)i * PG, NULL, &prot), 0);
		assert_int_equal(prot, AS_RW);
	}
	/* MAP_NONBLOCK cancels it, as in Linux. */
	uintptr_t b = map_ok(as, 0, PG, RW, ANON_PRIV | UMEM_MAP_POPULATE | 0x10000);
	assert_int_equal(as_query(as, b, NULL, NULL), -EFAULT);
	/* Shared memory populates too. */
	uintptr_t s = map_ok(as, 0, 2 * PG, UMEM_PROT_READ, ANON_SHARED | UMEM_MAP_POPULATE);
	assert_int_equal(as_query(as, s + PG, NULL, &prot), 0);
	assert_int_equal(prot, AS_PROT_READ | AS_PROT_USER);
	/* More than memory holds: -ENOMEM, and no trace of it. */
	size_t left = page_free_count();
	expect_mmap(as, -ENOMEM, 0, (left + 8) * PG, RW, ANON_PRIV | UMEM_MAP_POPULATE, -1, 0);
	/* Without populate the same size is fine: pages come on demand. */
	uintptr_t big = map_ok(as, 0, (left + 8) * PG, RW, ANON_PRIV);
	assert_int_equal(umem_munmap(as, big, (left + 8) * PG), 0);
}

static void test_shared_and_private_across_fork(void **state)
{
	struct addr_space *p = fixture_as(state), *c;
	uintptr_t s = map_ok(p, 0, 2 * PG, RW, ANON_SHARED);
	uintptr_t v = map_ok(p, 0, 2 * PG, RW, ANON_PRIV);

	assert_true(area_at(p, s).flags & AS_MAP_SHARED);
	assert_false(area_at(p, v).flags & AS_MAP_SHARED);
	assert_int_equal(put(p, s, "parent"), 0);
	assert_int_equal(put(p, v, "parent"), 0);
	assert_int_equal(as_fork(p, &c), 0);
	/* The child writes both: the parent sees the shared write only. */
	assert_int_equal(put(c, s, "child"), 0);
	assert_int_equal(put(c, v, "child"), 0);
	assert_string_equal(get(p, s), "child");
	assert_string_equal(get(p, v), "parent");
	/* And the other way, on a page neither had touched before fork. */
	assert_int_equal(put(p, s + PG, "late"), 0);
	assert_int_equal(put(p, v + PG, "late"), 0);
	assert_string_equal(get(c, s + PG), "late");
	assert_string_equal(get(c, v + PG), "");
	/* Unmapping in the child leaves the parent's mapping alone. */
	assert_int_equal(umem_munmap(c, s, 2 * PG), 0);
	assert_string_equal(get(p, s), "child");
	as_destroy(c);
	assert_string_equal(get(p, s + PG), "late");
}

static void test_munmap(void **state)
{
	struct addr_space *as = fixture_as(state);
	uintptr_t base = as_user_base(), top = as_user_top(), x = 0x400000;
	size_t frames = page_free_count();

	assert_int_equal(
	    umem_mmap(as, x, 4 * PG, RW, ANON_PRIV | UMEM_MAP_FIXED | UMEM_MAP_POPULATE, NULL, 0),
	    (long)x);
	assert_int_equal(put(as, x + 3 * PG, "last"), 0);
	/* Bad ranges: -EINVAL, nothing unmapped. */
	assert_int_equal(umem_munmap(as, x + 1, PG), -EINVAL);
	assert_int_equal(umem_munmap(as, x, 0), -EINVAL);
	assert_int_equal(umem_munmap(as, top + PG, PG), -EINVAL);
	assert_int_equal(umem_munmap(as, top - PG, 2 * PG), -EINVAL);
	assert_int_equal(umem_munmap(as, x, SIZE_MAX), -EINVAL);
	assert_int_equal(umem_munmap(as, UINTPTR_MAX & ~(PG - 1), PG), -EINVAL);
	assert_int_equal(as_area_count(as), 1);
	/* Below the base, at the very top, over holes: fine, nothing to do. */
	assert_int_equal(umem_munmap(as, 0, PG), 0);
	assert_int_equal(umem_munmap(as, top - PG, PG), 0);
	assert_int_equal(umem_munmap(as, top, 1), -EINVAL); /* nothing fits past the top */
	assert_int_equal(umem_munmap(as, x - 8 * PG, 4 * PG), 0);
	/* The middle: the area splits; the length rounds up. */
	assert_int_equal(umem_munmap(as, x + PG, PG + 1), 0);
	assert_int_equal(as_area_count(as), 2);
	assert_int_equal(put(as, x + PG, "x"), -EFAULT);
	assert_int_equal(put(as, x + 2 * PG, "x"), -EFAULT);
	assert_string_equal(get(as, x + 3 * PG), "last");
	/* A range with holes and areas. */
	assert_int_equal(umem_munmap(as, x - PG, 8 * PG), 0);
	assert_int_equal(as_area_count(as), 0);
	/* Starting below the base reaches the areas above it. */
	assert_int_equal(umem_mmap(as, base, PG, RW, ANON_PRIV | UMEM_MAP_FIXED, NULL, 0),
	                 (long)base);
	assert_int_equal(umem_munmap(as, 0, base + PG), 0);
	assert_int_equal(as_area_count(as), 0);
	/* The populated frames came back (tables may stay until destroy). */
	assert_true(frames - page_free_count() <= 4);
}

static void test_mprotect(void **state)
{
	struct addr_space *as = fixture_as(state);
	uintptr_t top = as_user_top(), x = 0x400000;

	assert_int_equal(umem_mmap(as, x, 4 * PG, RW, ANON_PRIV | UMEM_MAP_FIXED, NULL, 0),
	                 (long)x);
	assert_int_equal(put(as, x + PG, "data"), 0);
	/* Linux's order: grows flags, alignment, length 0, overflow, prot bits, then areas. */
	assert_int_equal(umem_mprotect(as, x, PG, UMEM_PROT_READ | 0x03000000), -EINVAL);
	assert_int_equal(umem_mprotect(as, x + 1, 0, UMEM_PROT_READ), -EINVAL);
	assert_int_equal(umem_mprotect(as, x, 0, 0x10), 0);
	assert_int_equal(umem_mprotect(as, x, SIZE_MAX, 0x10), -ENOMEM);
	assert_int_equal(umem_mprotect(as, x, SIZE_MAX - 2 * PG, UMEM_PROT_READ), -ENOMEM);
	assert_int_equal(umem_mprotect(as, x, PG, 0x10), -EINVAL);
	assert_int_equal(umem_mprotect(as, x + 8 * PG, PG, 0x10), -EINVAL);
	assert_int_equal(umem_mprotect(as, x + 8 * PG, PG, UMEM_PROT_READ), -ENOMEM);
	/* A hole anywhere in the range: -ENOMEM, and nothing changed. */
	assert_int_equal(umem_mprotect(as, x, 5 * PG, UMEM_PROT_READ), -ENOMEM);
	assert_int_equal(umem_mprotect(as, x - PG, 2 * PG, UMEM_PROT_READ), -ENOMEM);
	assert_int_equal(prot_at(as, x), AS_RW);
	assert_int_equal(umem_mprotect(as, 0, PG, UMEM_PROT_READ), -ENOMEM);
	assert_int_equal(umem_mprotect(as, top, PG, UMEM_PROT_READ), -ENOMEM);
	/* No area grows: one where Linux looks gives -EINVAL, none -ENOMEM. */
	assert_int_equal(umem_mprotect(as, x, PG, UMEM_PROT_READ | 0x01000000), -EINVAL);
	assert_int_equal(umem_mprotect(as, x - PG, 2 * PG, UMEM_PROT_READ | 0x01000000), -EINVAL);
	assert_int_equal(umem_mprotect(as, x + 8 * PG, PG, UMEM_PROT_READ | 0x01000000), -ENOMEM);
	assert_int_equal(umem_mprotect(as, x, PG, UMEM_PROT_READ | 0x02000000), -EINVAL);
	assert_int_equal(umem_mprotect(as, x - PG, 2 * PG, UMEM_PROT_READ | 0x02000000), -ENOMEM);
	assert_int_equal(prot_at(as, x), AS_RW);
	/* Read-only in the middle (length rounds up): the area splits, data stays. */
	assert_int_equal(umem_mprotect(as, x + PG, PG - 100, UMEM_PROT_READ), 0);
	assert_int_equal(as_area_count(as), 3);
	assert_int_equal(prot_at(as, x + PG), AS_PROT_READ | AS_PROT_USER);
	assert_int_equal(put(as, x + PG, "x"), -EFAULT);
	assert_string_equal(get(as, x + PG), "data");
	assert_int_equal(put(as, x + 2 * PG, "x"), 0);
	/* PROT_SEM is accepted; PROT_WRITE means read and write; back to one area. */
	assert_int_equal(umem_mprotect(as, x, 4 * PG, UMEM_PROT_WRITE | 0x8 /* PROT_SEM */), 0);
	assert_int_equal(prot_at(as, x + PG), AS_RW);
	assert_int_equal(as_area_count(as), 1);
	assert_int_equal(put(as, x + PG, "new"), 0);
	assert_int_equal(umem_mprotect(as, x, PG, UMEM_PROT_EXEC), 0);
	assert_int_equal(prot_at(as, x), AS_PROT_EXEC | AS_PROT_USER);
}

static void test_mprotect_never_writable(void **state)
{
	struct addr_space *as = fixture_as(state);
	uintptr_t x = 0x400000;

	/* An area that may never be written (shmat with SHM_RDONLY), next to a normal one. */
	assert_int_equal(as_map_anon(as, x, 2 * PG, AS_PROT_READ | AS_PROT_USER,
	                             AS_MAP_SHARED | AS_MAP_NEVER_WRITE | AS_MAP_FIXED, NULL),
	                 0);
	assert_int_equal(umem_mmap(as, x + 2 * PG, PG, RW, ANON_PRIV | UMEM_MAP_FIXED, NULL, 0),
	                 (long)(x + 2 * PG));
	assert_int_equal(umem_mprotect(as, x, PG, RW), -EACCES);
	assert_int_equal(umem_mprotect(as, x, 3 * PG, UMEM_PROT_WRITE), -EACCES);
	assert_int_equal(prot_at(as, x + 2 * PG), AS_RW);
	/* Taking rights away, or read and exec, is fine. */
	assert_int_equal(umem_mprotect(as, x, 3 * PG, UMEM_PROT_READ | UMEM_PROT_EXEC), 0);
	assert_int_equal(umem_mprotect(as, x, PG, 0), 0);
	assert_int_equal(prot_at(as, x), AS_PROT_USER);
}

/* Many operations, then destroy: the teardown requires every frame back. */
/* A file the test maps: its pages are anonymous memory; what map() was asked is recorded. */
static struct {
	unsigned prot, flags;
	uint64_t pgoff;
	int calls;
} mapped;

static int map_test_file(const struct umem_file *f, struct addr_space *as, uintptr_t addr,
                         size_t len, unsigned prot, unsigned flags, uint64_t pgoff, uintptr_t *out)
{
	(void)f;
	mapped.prot = prot;
	mapped.flags = flags;
	mapped.pgoff = pgoff;
	mapped.calls++;
	return as_map(as, addr, len, prot, flags, &as_backend_anon, NULL, pgoff, out);
}

static void test_mmap_files(void **state)
{
	struct addr_space *as = fixture_as(state);
	struct umem_file ro = {.readable = true, .map = map_test_file};
	struct umem_file wo = {.writable = true, .map = map_test_file};
	struct umem_file noexec = {
	    .readable = true, .writable = true, .noexec = true, .map = map_test_file};
	long r;

	/* Shared and writable needs a file open for writing; private does not. */
	assert_int_equal(umem_mmap(as, 0, PG, RW, UMEM_MAP_SHARED, &ro, 0), -EACCES);
	r = umem_mmap(as, 0, 2 * PG, UMEM_PROT_READ, UMEM_MAP_SHARED, &ro, 3 * PG);
	assert_true(r > 0);
	assert_int_equal(mapped.pgoff, 3);
	assert_int_equal(mapped.flags, AS_MAP_SHARED | AS_MAP_NEVER_WRITE);
	assert_int_equal(umem_mprotect(as, (uintptr_t)r, PG, RW), -EACCES); /* never writable */
	r = umem_mmap(as, 0, PG, RW, UMEM_MAP_PRIVATE, &ro, 0);
	assert_true(r > 0);
	assert_int_equal(mapped.flags, 0);
	/* Every mapping needs read access; PROT_EXEC on a noexec mount is EPERM. */
	assert_int_equal(umem_mmap(as, 0, PG, UMEM_PROT_READ, UMEM_MAP_PRIVATE, &wo, 0), -EACCES);
	assert_int_equal(
	    umem_mmap(as, 0, PG, UMEM_PROT_READ | UMEM_PROT_EXEC, UMEM_MAP_SHARED, &noexec, 0),
	    -EPERM);
	assert_int_equal(
	    umem_mmap(as, 0, PG, UMEM_PROT_READ, UMEM_MAP_SHARED_VALIDATE | 0x400, &ro, 0),
	    -EOPNOTSUPP);
	/* file_mmap_ok: the range must end below the largest file offset. */
	assert_int_equal(
	    umem_mmap(as, 0, 2 * PG, UMEM_PROT_READ, UMEM_MAP_PRIVATE, &ro, 0x7ffffffffffff000ull),
	    -EOVERFLOW);
	assert_int_equal(mapped.calls, 2);
}

/* msync: flags, alignment, holes; nothing to write back. */
static void test_msync(void **state)
{
	struct addr_space *as = fixture_as(state);
	uintptr_t x = map_ok(as, 0, 4 * PG, RW, ANON_PRIV);

	assert_int_equal(umem_msync(as, x, 4 * PG, 4 /* MS_SYNC */), 0);
	assert_int_equal(umem_msync(as, x, 1, 1 /* MS_ASYNC */), 0);
	assert_int_equal(umem_msync(as, x + 1, PG, 4), -EINVAL);
	assert_int_equal(umem_msync(as, x, PG, 5), -EINVAL);
	assert_int_equal(umem_msync(as, x, PG, 8), -EINVAL);
	assert_int_equal(umem_msync(as, x, 0, 4), 0);
	assert_int_equal(umem_munmap(as, x + PG, PG), 0);
	assert_int_equal(umem_msync(as, x, 4 * PG, 4), -ENOMEM);
	assert_int_equal(umem_msync(as, x, 4 * PG, 1), -ENOMEM);
	assert_int_equal(umem_msync(as, x + 2 * PG, 2 * PG, 1), 0);
	assert_int_equal(umem_msync(as, x + 2 * PG, 3 * PG, 4), -ENOMEM); /* past the end */
	assert_int_equal(umem_msync(as, x, (size_t)-PG, 4), -ENOMEM);
}

static void test_destroy_returns_everything(void **state)
{
	struct addr_space *as = fixture_as(state), *c;

	for (int i = 0; i < 16; i++) {
		uintptr_t a = map_ok(as, 0, (size_t)(i + 1) * PG, RW,
		                     (i % 2 ? ANON_SHARED : ANON_PRIV) | UMEM_MAP_POPULATE);
		assert_int_equal(put(as, a, "x"), 0);
		if (i % 3 == 0)
			assert_int_equal(umem_mprotect(as, a, PG, UMEM_PROT_READ), 0);
		if (i % 4 == 0 && i)
			assert_int_equal(umem_munmap(as, a + PG, PG), 0);
	}
	assert_int_equal(as_fork(as, &c), 0);
	map_ok(c, 0, 4 * PG, RW, ANON_PRIV | UMEM_MAP_POPULATE);
	as_destroy(c);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, umem_setup, umem_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_mmap_anonymous),
	    T(test_mmap_errors_in_linux_order),
	    T(test_mmap_fixed_replaces),
	    T(test_mmap_fixed_noreplace),
	    T(test_mmap_hint),
	    T(test_prot_none),
	    T(test_populate),
	    T(test_shared_and_private_across_fork),
	    T(test_munmap),
	    T(test_mprotect),
	    T(test_mprotect_never_writable),
	    T(test_mmap_files),
	    T(test_msync),
	    T(test_destroy_returns_everything),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
