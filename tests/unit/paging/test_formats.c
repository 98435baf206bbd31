/*
 * The other formats, by hand-written raw entries: Sv48 (a fourth level,
 * upper half at 0xffff800000000000) and AArch64 with the 4 KiB granule
 * (descriptors 0b11 table/page, 0b01 block; AF 0x400, SH inner 0x300,
 * AP[2:1] at bits 7:6, nG 0x800, PXN bit 53, UXN bit 54). Then the kernel
 * table's root entries, shared by every other table where one root
 * translates both halves, and by none where the hardware has a root per
 * half (AArch64). x86-64's 4-level and 5-level formats, with and without
 * 1 GiB pages.
 */
#include "pt_test.h"
#include <klib/errno.h>

#define A64_PXN (1ull << 53)
#define A64_UXN (1ull << 54)

static void test_sv48(void **state)
{
	struct pt *pt;
	size_t free0 = pt_test_ram(8);
	(void)state;

	assert_int_equal(pt_create(&pt_format_sv48, &pt), 0);
	assert_string_equal(pt_format_name(pt_format(pt)), "sv48");
	assert_int_equal(pt_format_va_bits(&pt_format_sv48), 48);
	/* 0x0000800000000000 is not canonical in Sv48; its sign-extended twin is. */
	assert_int_equal(pt_map(pt, 0x0000800000000000ull, 0, 4096, PT_READ, 0), -EINVAL);
	assert_int_equal(
	    pt_map(pt, 0xffff800000201000ull, 0x9000, 4096, PT_READ | PT_WRITE | PT_GLOBAL, 0), 0);
	paddr_t root = pt_root(pt);
	assert_int_equal(raw_used(root), 1);
	paddr_t l2 = sv_next(raw(root, 256));
	paddr_t l1 = sv_next(raw(l2, 0));
	paddr_t l0 = sv_next(raw(l1, 1));
	assert_int_equal(raw(l0, 1), (0x9ull << 10) | 0xe7); /* D A G W R V */
	assert_int_equal(pt_table_pages(pt), 4);
	/* A 1 GiB page two levels below the root. */
	assert_int_equal(
	    pt_map(pt, 0x40000000, 0x80000000, 1u << 30, PT_READ | PT_USER, PT_MAP_HUGE), 0);
	paddr_t l2b = sv_next(raw(root, 0));
	assert_int_equal(raw(l2b, 1), (0x80000ull << 10) | 0xd3); /* D A U R V */
	pt_destroy(pt);
	assert_int_equal(page_free_count(), free0);
}

static void test_aarch64(void **state)
{
	struct pt *pt;
	size_t free0 = pt_test_ram(8);
	(void)state;

	assert_int_equal(pt_create(&pt_format_aarch64_4k, &pt), 0);
	/* Kernel RWX, global, as a 2 MiB block: PXN clear, UXN set. */
	assert_int_equal(pt_map(pt, 0x40200000, 0x80200000, 0x200000,
	                        PT_READ | PT_WRITE | PT_EXEC | PT_GLOBAL, PT_MAP_HUGE),
	                 0);
	/* User RW data page: AP=01, nG, never executable. */
	assert_int_equal(pt_map(pt, 0x1000, 0x5000, 0x1000, PT_READ | PT_WRITE | PT_USER, 0), 0);
	/* User read-only executable page: AP=11, UXN clear, PXN set. */
	assert_int_equal(pt_map(pt, 0x2000, 0x6000, 0x1000, PT_READ | PT_EXEC | PT_USER, 0), 0);

	paddr_t root = pt_root(pt);
	uint64_t e = raw(root, 0);
	assert_int_equal(e & 0xfff, 0x3); /* table */
	paddr_t l2 = e & 0x0000fffffffff000ull;
	paddr_t l1a = raw(l2, 1) & 0x0000fffffffff000ull;
	assert_int_equal(raw(l1a, 1), A64_UXN | 0x80200000ull | 0x701);
	paddr_t l1b = raw(l2, 0) & 0x0000fffffffff000ull;
	paddr_t l0 = raw(l1b, 0) & 0x0000fffffffff000ull;
	assert_int_equal(raw(l0, 1), A64_PXN | A64_UXN | 0x5000 | 0xf43);
	assert_int_equal(raw(l0, 2), A64_PXN | 0x6000 | 0xfc3);
	assert_int_equal(pt_table_pages(pt), 5);

	paddr_t pa;
	unsigned prot;
	size_t size;
	assert_int_equal(pt_query(pt, 0x40234567, &pa, &prot, &size), 0);
	assert_int_equal(pa, 0x80234567);
	assert_int_equal(prot, PT_READ | PT_WRITE | PT_EXEC | PT_GLOBAL);
	assert_int_equal(size, 0x200000);
	assert_int_equal(pt_query(pt, 0x2000, &pa, &prot, &size), 0);
	assert_int_equal(prot, PT_READ | PT_EXEC | PT_USER);
	/* One table covers one half: no upper-half addresses. */
	assert_int_equal(pt_map(pt, 0xffff000000000000ull, 0, 4096, PT_READ, 0), -EINVAL);
	/* Splitting a block makes level-0 *page* descriptors (0b11), not blocks. */
	assert_int_equal(pt_unmap(pt, 0x40200000, 0x1000, NULL, NULL), 0);
	paddr_t l0b = raw(l1a, 1) & 0x0000fffffffff000ull;
	assert_int_equal(raw(l0b, 1), A64_UXN | 0x80201000ull | 0x703);
	pt_destroy(pt);
	assert_int_equal(page_free_count(), free0);
}

#define X86_XD   (1ull << 63)
#define X86_ADDR 0x000ffffffffff000ull

/* x86-64: P 1, W 2, U 4, PWT 8, PCD 0x10, A 0x20, D 0x40, PS 0x80, G 0x100, XD bit 63. */
static void test_x86_64(void **state)
{
	struct pt *pt;
	size_t free0 = pt_test_ram(16);
	(void)state;

	assert_int_equal(pt_create(&pt_format_x86_64, &pt), 0);
	assert_string_equal(pt_format_name(pt_format(pt)), "x86_64");
	assert_int_equal(pt_format_va_bits(&pt_format_x86_64), 48);
	assert_int_equal(pt_map(pt, 0x0000800000000000ull, 0, 4096, PT_READ, 0), -EINVAL);
	/* Kernel text, global, a 2 MiB page: no W, no XD. */
	assert_int_equal(pt_map(pt, 0xffffffff80200000ull, 0x200000, 0x200000,
	                        PT_READ | PT_EXEC | PT_GLOBAL, PT_MAP_HUGE),
	                 0);
	/* User data: W U, never executable. */
	assert_int_equal(pt_map(pt, 0x1000, 0x5000, 0x1000, PT_READ | PT_WRITE | PT_USER, 0), 0);
	/* Device registers: PCD PWT, XD. */
	assert_int_equal(pt_map(pt, 0xffff8080fee00000ull, 0xfee00000, 0x1000,
	                        PT_READ | PT_WRITE | PT_GLOBAL | PT_DEVICE, 0),
	                 0);
	/* A user 1 GiB page two levels below the root. */
	assert_int_equal(
	    pt_map(pt, 0x40000000, 0x80000000, 1u << 30, PT_READ | PT_USER, PT_MAP_HUGE), 0);

	paddr_t root = pt_root(pt);
	assert_int_equal(raw(root, 511) & 0xfff, 0x27); /* tables: P W U A, the leaf decides */
	paddr_t k3 = raw(root, 511) & X86_ADDR;
	paddr_t k2 = raw(k3, 510) & X86_ADDR;
	assert_int_equal(raw(k2, 1), 0x200000ull | 0x1e1); /* G PS D A P */
	paddr_t u3 = raw(root, 0) & X86_ADDR;
	paddr_t u2 = raw(u3, 0) & X86_ADDR;
	paddr_t u1 = raw(u2, 0) & X86_ADDR;
	assert_int_equal(raw(u1, 1), X86_XD | 0x5000 | 0x67);        /* D A U W P */
	assert_int_equal(raw(u3, 1), X86_XD | 0x80000000ull | 0xe5); /* PS D A U P */
	paddr_t d3 = raw(root, 257) & X86_ADDR;
	paddr_t d2 = raw(d3, 3) & X86_ADDR;
	paddr_t d1 = raw(d2, 0x1f7) & X86_ADDR;
	assert_int_equal(raw(d1, 0), X86_XD | 0xfee00000ull | 0x17b); /* G D A PCD PWT W P */

	paddr_t pa;
	unsigned prot;
	size_t size;
	assert_int_equal(pt_query(pt, 0xffffffff80234567ull, &pa, &prot, &size), 0);
	assert_int_equal(pa, 0x234567);
	assert_int_equal(prot, PT_READ | PT_EXEC | PT_GLOBAL);
	assert_int_equal(size, 0x200000);
	assert_int_equal(pt_query(pt, 0xffff8080fee00000ull, &pa, &prot, &size), 0);
	assert_int_equal(prot, PT_READ | PT_WRITE | PT_GLOBAL | PT_DEVICE);
	/* No access at all: not present to the CPU, but the frame is kept (software bit 9). */
	assert_int_equal(pt_protect(pt, 0x1000, 0x1000, 0), 0);
	assert_int_equal(raw(u1, 1), 0x5000 | 0x200);
	/* Splitting a 2 MiB page makes 4 KiB entries, whose bit 7 is PAT, not PS. */
	assert_int_equal(pt_unmap(pt, 0xffffffff80200000ull, 0x1000, NULL, NULL), 0);
	paddr_t k1 = raw(k2, 1) & X86_ADDR;
	assert_int_equal(raw(k1, 1), 0x201000ull | 0x161); /* G D A P */
	pt_destroy(pt);
	assert_int_equal(page_free_count(), free0);
}

/* Without 1 GiB pages (no CPUID pdpe1gb) a GiB becomes 512 2 MiB pages. */
static void test_x86_64_no_1g(void **state)
{
	struct pt *pt;
	size_t free0 = pt_test_ram(8);
	(void)state;

	assert_int_equal(pt_create(&pt_format_x86_64_2m, &pt), 0);
	assert_int_equal(
	    pt_map(pt, 0x40000000, 0x80000000, 1u << 30, PT_READ | PT_USER, PT_MAP_HUGE), 0);
	paddr_t u3 = raw(pt_root(pt), 0) & X86_ADDR;
	assert_int_equal(raw(u3, 1) & 0x80, 0); /* a table, not a 1 GiB page */
	paddr_t u2 = raw(u3, 1) & X86_ADDR;
	assert_int_equal(raw(u2, 0), X86_XD | 0x80000000ull | 0xe5);
	assert_int_equal(raw(u2, 511), X86_XD | 0xbfe00000ull | 0xe5);
	pt_destroy(pt);
	assert_int_equal(page_free_count(), free0);
}

struct walked {
	unsigned n;
	uintptr_t va[4];
	paddr_t pa[4];
};

static int walk_record(void *ctx, uintptr_t va, paddr_t pa, size_t size, unsigned prot)
{
	struct walked *w = ctx;

	(void)size;
	(void)prot;
	if (w->n < 4) {
		w->va[w->n] = va;
		w->pa[w->n] = pa;
	}
	w->n++;
	return 0;
}

/*
 * 5-level paging (LA57): a PML5 above the PML4, 57-bit canonical addresses
 * (bits 63..56 equal). The user half reaches 0x00ffffffffffffff, past the
 * 4-level format's 2^47; the kernel's addresses keep their PML4 slots under
 * the PML5's entry 511.
 */
static void test_x86_64_la57(void **state)
{
	struct pt *pt;
	struct walked w = {0};
	size_t free0 = pt_test_ram(16);
	paddr_t pa;
	unsigned prot;
	size_t size;
	(void)state;

	assert_int_equal(pt_create(&pt_format_x86_64_la57, &pt), 0);
	assert_string_equal(pt_format_name(pt_format(pt)), "x86_64-la57");
	assert_int_equal(pt_format_va_bits(&pt_format_x86_64_la57), 57);
	assert_int_equal(pt_format_va_bits(&pt_format_x86_64_la57_2m), 57);
	/* Canonical: bits 63..56 equal. Bit 56 alone, or the top 7 bits without it, is not. */
	assert_int_equal(pt_map(pt, 0x0100000000000000ull, 0, 4096, PT_READ, 0), -EINVAL);
	assert_int_equal(pt_map(pt, 0xfe00000000000000ull, 0, 4096, PT_READ, 0), -EINVAL);
	assert_int_equal(pt_map(pt, 0x00fffffffffff000ull, 0, 8192, PT_READ, 0), -EINVAL);
	assert_int_equal(pt_query(pt, 0x0100000000000000ull, &pa, NULL, NULL), -ENOENT);
	assert_int_equal(pt_table_pages(pt), 1);

	/* The top user page: PML5 255, PML4 511, PDPT 511, PD 511, PT 511. */
	assert_int_equal(
	    pt_map(pt, 0x00fffffffffff000ull, 0x7000, 4096, PT_READ | PT_WRITE | PT_USER, 0), 0);
	/* Just past 4-level's user half: PML5 0, PML4 256. */
	assert_int_equal(pt_map(pt, 0x0000800000000000ull, 0x8000, 4096, PT_READ | PT_USER, 0), 0);
	/* The kernel's image, a global 2 MiB page: PML5 511, PML4 511, PDPT 510, PD 1. */
	assert_int_equal(pt_map(pt, 0xffffffff80200000ull, 0x200000, 0x200000,
	                        PT_READ | PT_EXEC | PT_GLOBAL, PT_MAP_HUGE),
	                 0);
	/* The bottom of the 57-bit kernel half: PML5 256. */
	assert_int_equal(pt_map(pt, 0xff00000000000000ull, 0x9000, 4096, PT_READ | PT_GLOBAL, 0),
	                 0);

	paddr_t root = pt_root(pt);
	assert_int_equal(raw_used(root), 4);
	paddr_t t = raw(root, 255) & X86_ADDR;
	assert_int_equal(raw(root, 255) & 0xfff, 0x27); /* tables: P W U A */
	for (int i = 0; i < 3; i++)
		t = raw(t, 511) & X86_ADDR;
	assert_int_equal(raw(t, 511), X86_XD | 0x7000 | 0x67); /* D A U W P */
	paddr_t low4 = raw(root, 0) & X86_ADDR;
	assert_int_equal(raw_used(low4), 1);
	assert_int_not_equal(raw(low4, 256), 0);
	paddr_t k4 = raw(root, 511) & X86_ADDR;
	paddr_t k3 = raw(k4, 511) & X86_ADDR;
	paddr_t k2 = raw(k3, 510) & X86_ADDR;
	assert_int_equal(raw(k2, 1), 0x200000ull | 0x1e1); /* G PS D A P */
	assert_int_not_equal(raw(root, 256), 0);
	/* 1 + 4 tables per 4 KiB page in its own PML5 entry, 3 for the 2 MiB one. */
	assert_int_equal(pt_table_pages(pt), 1 + 4 + 4 + 3 + 4);

	assert_int_equal(pt_query(pt, 0x00ffffffffffffffull, &pa, &prot, &size), 0);
	assert_int_equal(pa, 0x7fff);
	assert_int_equal(prot, PT_READ | PT_WRITE | PT_USER);
	assert_int_equal(size, 4096);
	assert_int_equal(pt_query(pt, 0xffffffff80234567ull, &pa, &prot, &size), 0);
	assert_int_equal(pa, 0x234567);
	assert_int_equal(size, 0x200000);
	/* A walk over the whole user half finds both user pages, in order. */
	assert_int_equal(pt_walk(pt, 0, 0x0100000000000000ull, walk_record, &w), 0);
	assert_int_equal(w.n, 2);
	assert_int_equal(w.va[0], 0x0000800000000000ull);
	assert_int_equal(w.pa[0], 0x8000);
	assert_int_equal(w.va[1], 0x00fffffffffff000ull);
	assert_int_equal(w.pa[1], 0x7000);

	/* Unmapping the top pages frees their four tables and the PML5 entry empties
	 * (more than one page: one page's unmap keeps its empty tables, test_ops.c). */
	assert_int_equal(pt_unmap(pt, 0x00ffffffffffe000ull, 8192, NULL, NULL), 0);
	assert_int_equal(raw(root, 255), 0);
	assert_int_equal(pt_table_pages(pt), 1 + 4 + 3 + 4);
	assert_int_equal(pt_query(pt, 0x00fffffffffff000ull, &pa, NULL, NULL), -ENOENT);
	pt_destroy(pt);
	assert_int_equal(page_free_count(), free0);
}

/* 5-level without 1 GiB pages: a GiB is 512 2 MiB pages, four tables down from the root. */
static void test_x86_64_la57_no_1g(void **state)
{
	struct pt *pt;
	size_t free0 = pt_test_ram(8);
	(void)state;

	assert_int_equal(pt_create(&pt_format_x86_64_la57_2m, &pt), 0);
	assert_int_equal(
	    pt_map(pt, 0x0080000040000000ull, 0x80000000, 1u << 30, PT_READ | PT_USER, PT_MAP_HUGE),
	    0);
	paddr_t l4 = raw(pt_root(pt), 128) & X86_ADDR;
	paddr_t l3 = raw(l4, 0) & X86_ADDR;
	assert_int_equal(raw(l3, 1) & 0x80, 0); /* a table, not a 1 GiB page */
	paddr_t l2 = raw(l3, 1) & X86_ADDR;
	assert_int_equal(raw(l2, 0), X86_XD | 0x80000000ull | 0xe5);
	assert_int_equal(raw(l2, 511), X86_XD | 0xbfe00000ull | 0xe5);
	pt_destroy(pt);
	assert_int_equal(page_free_count(), free0);
}

static void test_kernel_entries_are_shared(void **state)
{
	struct pt *k, *u1, *u2;
	size_t free0 = pt_test_ram(8);
	const uintptr_t io = 0xffffffc000000000ull;
	(void)state;

	assert_int_equal(pt_create(&pt_format_sv39, &k), 0);
	assert_int_equal(
	    pt_map(k, 0x80200000, 0x80200000, 0x4000, PT_READ | PT_EXEC | PT_GLOBAL, 0), 0);
	assert_int_equal(pt_create(&pt_format_sv39, &u1), 0); /* before the kernel is known */
	pt_set_kernel(k);
	assert_ptr_equal(pt_kernel(), k);
	assert_int_equal(pt_create(&pt_format_sv39, &u2), 0);
	size_t ktables = pt_table_pages(k);

	/* Both see the kernel's entry (a copy marked with RSW bit 9) and cannot touch it. */
	assert_int_equal(raw(pt_root(u1), 2), raw(pt_root(k), 2) | 0x200);
	assert_int_equal(raw(pt_root(u2), 2), raw(pt_root(k), 2) | 0x200);
	assert_int_equal(pt_table_pages(u2), 1);
	assert_int_equal(pt_map(u2, 0x80202000, 0, 4096, PT_READ, 0), -EINVAL);
	assert_int_equal(pt_unmap(u2, 0x80200000, 4096, NULL, NULL), -EINVAL);
	assert_int_equal(pt_protect(u1, 0x80200000, 4096, PT_READ), -EINVAL);
	paddr_t pa;
	assert_int_equal(pt_query(u2, 0x80201000, &pa, NULL, NULL), 0);
	assert_int_equal(pa, 0x80201000);

	/* A kernel mapping in a new root entry reaches every table at once. */
	assert_int_equal(pt_map(k, io, 0x10000000, 4096, PT_READ | PT_WRITE | PT_GLOBAL, 0), 0);
	assert_int_equal(pt_query(u1, io, &pa, NULL, NULL), 0);
	assert_int_equal(pa, 0x10000000);
	assert_int_equal(pt_query(u2, io, &pa, NULL, NULL), 0);

	/* User mappings stay private. */
	assert_int_equal(pt_map(u1, 0x10000, 0x7000, 4096, PT_READ | PT_USER, 0), 0);
	assert_int_equal(pt_query(u2, 0x10000, &pa, NULL, NULL), -ENOENT);
	assert_int_equal(pt_query(k, 0x10000, &pa, NULL, NULL), -ENOENT);

	/* Emptying a shared kernel table keeps it (the others still point at it). */
	ktables = pt_table_pages(k);
	assert_int_equal(pt_unmap(k, io, 4096, NULL, NULL), 0);
	assert_int_equal(pt_table_pages(k),
	                 ktables - 1); /* its leaf table went, not the shared one */
	assert_int_equal(raw(pt_root(u1), 256), raw(pt_root(k), 256) | 0x200);
	assert_int_equal(pt_query(u1, io, &pa, NULL, NULL), -ENOENT);

	pt_destroy(u1);
	pt_destroy(u2);
	assert_int_equal(pt_table_pages(k),
	                 ktables - 1); /* destroying users left the kernel's alone */
	expect_panic(pt_destroy(k));
	assert_true(kit_test_output_has("kernel page table"));
	pt_set_kernel(NULL);
	pt_destroy(k);
	assert_int_equal(page_free_count(), free0);
}

/* AArch64's kernel table is TTBR1's: user tables (TTBR0's) borrow nothing from it. */
static void test_split_halves_borrow_nothing(void **state)
{
	struct pt *k, *u1, *u2;
	size_t free0 = pt_test_ram(8);
	paddr_t pa;
	(void)state;

	assert_int_equal(pt_create(&pt_format_aarch64_4k, &k), 0);
	assert_int_equal(
	    pt_map(k, 0x40200000, 0x40200000, 0x4000, PT_READ | PT_EXEC | PT_GLOBAL, 0), 0);
	assert_int_equal(pt_create(&pt_format_aarch64_4k, &u1), 0);
	pt_set_kernel(k);
	assert_int_equal(pt_create(&pt_format_aarch64_4k, &u2), 0);
	/* No copies, before or after, and a new kernel root entry reaches no one. */
	assert_int_equal(raw_used(pt_root(u1)), 0);
	assert_int_equal(raw_used(pt_root(u2)), 0);
	assert_int_equal(pt_map(k, 0x8000000000ull, 0x9000, 4096, PT_READ | PT_GLOBAL, 0), 0);
	assert_int_equal(raw_used(pt_root(u1)), 0);
	assert_int_equal(pt_query(u2, 0x40201000, &pa, NULL, NULL), -ENOENT);
	/* The same addresses are the user table's own to map. */
	assert_int_equal(pt_map(u2, 0x40200000, 0x7000, 4096, PT_READ | PT_USER, 0), 0);
	assert_int_equal(pt_query(u2, 0x40200000, &pa, NULL, NULL), 0);
	assert_int_equal(pa, 0x7000);
	assert_int_equal(pt_query(k, 0x40200000, &pa, NULL, NULL), 0);
	assert_int_equal(pa, 0x40200000);
	pt_destroy(u1);
	pt_destroy(u2);
	pt_set_kernel(NULL);
	pt_destroy(k);
	assert_int_equal(page_free_count(), free0);
}

#define A64_ADDR 0x0000fffffffff000ull

static uint64_t *slot_of(paddr_t table, unsigned idx)
{
	return &((uint64_t *)page_to_virt(table))[idx];
}

/* TTBR1's table: the top 2^48 bytes, indexed by the same bits; device memory in it. */
static void test_aarch64_upper(void **state)
{
	struct pt *pt;
	size_t free0 = pt_test_ram(8);
	paddr_t pa;
	unsigned prot;
	(void)state;

	assert_ptr_equal(pt_format_user(&pt_format_aarch64_4k_upper), &pt_format_aarch64_4k);
	assert_ptr_equal(pt_format_user(&pt_format_aarch64_4k), &pt_format_aarch64_4k);
	assert_ptr_equal(pt_format_user(&pt_format_sv39), &pt_format_sv39);
	assert_int_equal(pt_create(&pt_format_aarch64_4k_upper, &pt), 0);
	assert_string_equal(pt_format_name(pt_format(pt)), "aarch64-4k-upper");
	/* No lower-half address, none between the halves, no wrap past the top. */
	assert_int_equal(pt_map(pt, 0x1000, 0x1000, 4096, PT_READ, 0), -EINVAL);
	assert_int_equal(pt_map(pt, 0xfffe000000000000ull, 0x1000, 4096, PT_READ, 0), -EINVAL);
	assert_int_equal(pt_map(pt, 0xfffffffffffff000ull, 0x1000, 0x2000, PT_READ, 0), -EINVAL);
	/* The image at the top: root entry 511, then 510, then a 2 MiB block. */
	assert_int_equal(pt_map(pt, 0xffffffff80000000ull, 0x40200000, 0x200000,
	                        PT_READ | PT_EXEC | PT_GLOBAL, PT_MAP_HUGE),
	                 0);
	paddr_t l2 = raw(pt_root(pt), 511) & A64_ADDR;
	paddr_t l1 = raw(l2, 510) & A64_ADDR;
	assert_int_equal(raw(l1, 0), A64_UXN | 0x40200000ull | 0x781);
	/* Device registers: AttrIndx 1, never executable, and read back as such. */
	assert_int_equal(pt_map(pt, 0xffff008009000000ull, 0x09000000, 4096,
	                        PT_READ | PT_WRITE | PT_GLOBAL | PT_DEVICE, 0),
	                 0);
	l2 = raw(pt_root(pt), 1) & A64_ADDR;
	l1 = raw(l2, 0) & A64_ADDR;
	paddr_t l0 = raw(l1, 72) & A64_ADDR;
	assert_int_equal(raw(l0, 0), A64_PXN | A64_UXN | 0x09000000ull | 0x707);
	assert_int_equal(pt_query(pt, 0xffff008009000010ull, &pa, &prot, NULL), 0);
	assert_int_equal(pa, 0x09000010);
	assert_int_equal(prot, PT_READ | PT_WRITE | PT_GLOBAL | PT_DEVICE);
	assert_int_equal(pt_query(pt, 0xffffffff80001000ull, &pa, &prot, NULL), 0);
	assert_int_equal(prot, PT_READ | PT_EXEC | PT_GLOBAL);
	assert_int_equal(pt_map(pt, 0xffff008009001000ull, 0x09001000, 4096,
	                        PT_READ | PT_EXEC | PT_GLOBAL | PT_DEVICE, 0),
	                 -EINVAL);
	pt_destroy(pt);
	assert_int_equal(page_free_count(), free0);
}

static uint64_t *watched; /* the entry the flush hook reads */
static uint64_t seen[8];  /* its value at each flush */
static unsigned nseen;

static void record(uintptr_t va, size_t len)
{
	(void)va;
	(void)len;
	if (nseen < 8)
		seen[nseen++] = *watched;
}

/*
 * A valid AArch64 entry becomes another translation only through an
 * invalid one: at the flush before the new store, the entry reads 0.
 * Sv39 stores the new entry at once: its flush sees it.
 */
static void test_break_before_make(void **state)
{
	struct pt *pt, *sv;
	size_t free0 = pt_test_ram(12);
	uint64_t none = 0;
	(void)state;

	watched = &none;
	assert_int_equal(pt_create(&pt_format_aarch64_4k, &pt), 0);
	pt_activate(pt);
	fake_hal_flush_hook = record;
	/* A block, then one of its pages made read-only: the block splits. */
	assert_int_equal(
	    pt_map(pt, 0x200000, 0x400000, 0x200000, PT_READ | PT_WRITE | PT_USER, PT_MAP_HUGE), 0);
	paddr_t l1 = raw(raw(pt_root(pt), 0) & A64_ADDR, 0) & A64_ADDR;
	watched = slot_of(l1, 1);
	nseen = 0;
	assert_int_equal(pt_protect(pt, 0x201000, 4096, PT_READ | PT_USER), 0);
	assert_true(nseen >= 2);
	assert_int_equal(seen[0], 0);
	assert_int_equal(raw(l1, 1) & 3, 3); /* now a table */
	/* Copy-on-write: a present page takes another frame. */
	paddr_t l0 = raw(l1, 1) & A64_ADDR;
	watched = slot_of(l0, 1);
	nseen = 0;
	assert_int_equal(
	    pt_map(pt, 0x201000, 0x9000, 4096, PT_READ | PT_WRITE | PT_USER, PT_MAP_REPLACE), 0);
	assert_int_equal(nseen, 2);
	assert_int_equal(seen[0], 0);
	assert_int_equal(raw(l0, 1) & A64_ADDR, 0x9000);
	/* The same through the general path: two pages, each broken first. */
	watched = slot_of(l0, 2);
	nseen = 0;
	assert_int_equal(pt_map(pt, 0x202000, 0xa000, 0x2000, PT_READ | PT_USER, PT_MAP_REPLACE),
	                 0);
	assert_int_equal(seen[0], 0);
	assert_int_equal(raw(l0, 2) & A64_ADDR, 0xa000);

	assert_int_equal(pt_create(&pt_format_sv39, &sv), 0);
	pt_activate(sv);
	assert_int_equal(pt_map(sv, 0x1000, 0x5000, 4096, PT_READ | PT_USER, 0), 0);
	paddr_t s0 = sv_next(raw(sv_next(raw(pt_root(sv), 0)), 0));
	watched = slot_of(s0, 1);
	nseen = 0;
	assert_int_equal(pt_map(sv, 0x1000, 0x6000, 4096, PT_READ | PT_USER, PT_MAP_REPLACE), 0);
	assert_int_equal(nseen, 1);
	assert_int_equal(seen[0], raw(s0, 1));
	assert_int_equal(sv_next(seen[0]), 0x6000);

	fake_hal_flush_hook = NULL;
	pt_activate(NULL);
	pt_destroy(pt);
	pt_destroy(sv);
	assert_int_equal(page_free_count(), free0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sv48),
	    cmocka_unit_test(test_aarch64),
	    cmocka_unit_test(test_x86_64),
	    cmocka_unit_test(test_x86_64_no_1g),
	    cmocka_unit_test(test_x86_64_la57),
	    cmocka_unit_test(test_x86_64_la57_no_1g),
	    cmocka_unit_test(test_kernel_entries_are_shared),
	    cmocka_unit_test(test_split_halves_borrow_nothing),
	    cmocka_unit_test(test_aarch64_upper),
	    cmocka_unit_test(test_break_before_make),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
