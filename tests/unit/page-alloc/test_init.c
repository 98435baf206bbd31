/*
 * page_alloc_init() takes RAM minus every other region of the memory map,
 * whatever their alignment and overlaps: checked page by page against a
 * memory map with firmware, kernel, device tree and initrd ranges in two
 * banks.
 */
#include "kit_test.h"
#include "fake_hal.h"
#include <page-alloc/page_alloc.h>
#include <stdlib.h>

#define BANK0        (16u << 20)
#define BANK1        (4u << 20)
#define INITRD_PAGES 256 /* test_ram_minus_everything_else's 1 MiB */

static struct hal_mem_region map[8];
static size_t nmap;

static bool page_is_taken(uint64_t pa)
{
	for (size_t i = 0; i < nmap; i++)
		if (map[i].type != HAL_MEM_RAM && map[i].base < pa + PAGE_SIZE &&
		    pa < map[i].base + map[i].size)
			return true;
	return false;
}

static bool page_is_ram(uint64_t pa)
{
	for (size_t i = 0; i < nmap; i++)
		if (map[i].type == HAL_MEM_RAM && map[i].base <= pa &&
		    pa + PAGE_SIZE <= map[i].base + map[i].size)
			return true;
	return false;
}

/* What the allocator should manage: each run of free pages minus its metadata. */
static size_t expected_total(void)
{
	size_t total = 0;

	for (size_t b = 0; b < nmap; b++) {
		if (map[b].type != HAL_MEM_RAM)
			continue;
		size_t run = 0;
		for (uint64_t pa = map[b].base; pa <= map[b].base + map[b].size; pa += PAGE_SIZE) {
			bool ok =
			    pa < map[b].base + map[b].size && page_is_ram(pa) && !page_is_taken(pa);
			if (ok) {
				run++;
				continue;
			}
			size_t meta = (run * 32 + PAGE_SIZE - 1) / PAGE_SIZE;
			if (run > meta)
				total += run - meta;
			run = 0;
		}
	}
	return total;
}

static void test_ram_minus_everything_else(void **state)
{
	(void)state;
	uint64_t r0 = (uint64_t)(uintptr_t)fake_hal_ram(BANK0, 2u << 20);
	uint64_t r1 = (uint64_t)(uintptr_t)fake_hal_ram(BANK1 + (1u << 20), 2u << 20);

	nmap = 0;
	map[nmap++] = (struct hal_mem_region){r0, BANK0, HAL_MEM_RAM};
	map[nmap++] = (struct hal_mem_region){r1, BANK1, HAL_MEM_RAM};
	map[nmap++] = (struct hal_mem_region){r0, 0x40000, HAL_MEM_RESERVED};
	map[nmap++] = (struct hal_mem_region){r0 + 0x100123, 0x2000, HAL_MEM_RESERVED};
	map[nmap++] = (struct hal_mem_region){r0 + 0x200000, 0x35000, HAL_MEM_KERNEL};
	map[nmap++] = (struct hal_mem_region){r0 + 0xf00800, 0x1000, HAL_MEM_FDT};
	map[nmap++] = (struct hal_mem_region){r0 + 0x800000, 0x100000, HAL_MEM_INITRD};
	/* Firmware range straddling the end of bank 1. */
	map[nmap++] = (struct hal_mem_region){r1 + BANK1 - 0x3000, 0x10000, HAL_MEM_RESERVED};
	fake_hal_set_regions(map, nmap);

	page_alloc_reset();
	assert_int_equal(page_alloc_init(), 0);
	/* The initrd's 256 pages are held, their metadata (256 * 32 bytes) a block of two. */
	assert_int_equal(page_total_count(), expected_total() + INITRD_PAGES);
	assert_int_equal(page_free_count(), expected_total() - 2);
	assert_true(page_is_managed(r0 + 0x800000));
	assert_int_equal(page_ref_count(r0 + 0x800000), 1);
	assert_int_equal(page_ref_count(r0 + 0x8ff000), 1);
	assert_false(page_is_managed(r0 + 0x900000));

	/* Every frame it hands out is RAM that nothing else owns. */
	size_t n = 0;
	paddr_t pa;
	while ((pa = page_alloc(0)) != PADDR_NONE) {
		assert_true(page_is_ram(pa));
		assert_false(page_is_taken(pa));
		n++;
	}
	assert_int_equal(n, expected_total() - 2);

	/* Released, the initrd's frames are free (those kept by a user when it lets them go). */
	assert_int_equal(page_ref_try_get_run(r0 + 0x801000, 1), 1);
	assert_int_equal(page_alloc_release_held(), INITRD_PAGES);
	assert_int_equal(page_alloc_release_held(), 0);
	assert_int_equal(page_free_count(), INITRD_PAGES - 1);
	assert_int_equal(page_ref_count(r0 + 0x801000), 1);
	assert_true(page_ref_put(r0 + 0x801000));
	assert_int_equal(page_free_count(), INITRD_PAGES);
	while ((pa = page_alloc(0)) != PADDR_NONE) {
		assert_true(pa >= r0 + 0x800000 && pa < r0 + 0x900000);
		n++;
	}
	assert_int_equal(n, page_total_count() - 2);
}

static void test_no_ram_is_an_error(void **state)
{
	(void)state;
	fake_hal_set_regions(NULL, 0);
	page_alloc_reset();
	assert_int_equal(page_alloc_init(), -12 /* -ENOMEM */);
	assert_true(page_alloc(0) == PADDR_NONE);
	assert_null(kmalloc(16));
}

/*
 * More pieces than the allocator can hold: the largest are kept, so a
 * small CONFIG_PAGE_ALLOC_MAX_RANGES loses crumbs, never the bulk of RAM.
 * The bank starts with MAX_RANGES + 4 pieces of 15 pages (a reserved page
 * after each) and ends with one large piece at the highest address.
 */
static void test_largest_pieces_kept(void **state)
{
	(void)state;
	enum { SMALL = CONFIG_PAGE_ALLOC_MAX_RANGES + 4, STEP = 16 * PAGE_SIZE };
	static struct hal_mem_region many[SMALL + 1];
	uint64_t r0 = (uint64_t)(uintptr_t)fake_hal_ram(BANK0, 2u << 20);
	uint64_t tail = SMALL * STEP, tail_pages = (BANK0 - tail) / PAGE_SIZE;
	size_t n = 0;

	many[n++] = (struct hal_mem_region){r0, BANK0, HAL_MEM_RAM};
	for (int i = 0; i < SMALL; i++)
		many[n++] = (struct hal_mem_region){r0 + i * STEP + 15 * PAGE_SIZE, PAGE_SIZE,
		                                    HAL_MEM_RESERVED};
	fake_hal_set_regions(many, n);

	page_alloc_reset();
	assert_int_equal(page_alloc_init(), 0);
	/* The tail (less its metadata page) and MAX_RANGES - 1 small pieces (less one each). */
	assert_int_equal(page_total_count(), tail_pages -
	                                         (tail_pages * 32 + PAGE_SIZE - 1) / PAGE_SIZE +
	                                         (CONFIG_PAGE_ALLOC_MAX_RANGES - 1) * 14);
	/* The first small pieces by address are the ones kept among equals. */
	assert_true(page_is_managed(r0 + PAGE_SIZE));
	assert_false(page_is_managed(r0 + (SMALL - 1) * STEP + PAGE_SIZE));
}

/*
 * RAM the boot tables do not reach (HAL_MEM_UNMAPPED, x86-64 without 1 GiB
 * pages) is left alone by page_alloc_init and taken by
 * page_alloc_init_late, still cut around what else owns part of it.
 */
static void test_unmapped_ram_waits(void **state)
{
	(void)state;
	uint64_t r0 = (uint64_t)(uintptr_t)fake_hal_ram(BANK0, 2u << 20);
	uint64_t half = BANK0 / 2, late_pages = half / PAGE_SIZE - 4;
	uint64_t p1 = 16, p2 = late_pages - p1; /* the pieces below and above the initrd */
	uint64_t kept = p1 - (p1 * 32 + PAGE_SIZE - 1) / PAGE_SIZE + p2 -
	                (p2 * 32 + PAGE_SIZE - 1) / PAGE_SIZE; /* less their metadata */
	struct hal_mem_region m[] = {
	    {r0, BANK0, HAL_MEM_RAM},
	    {r0 + half, half, HAL_MEM_UNMAPPED},
	    {r0 + half + 0x10000, 4 * PAGE_SIZE, HAL_MEM_INITRD},
	};
	size_t early;

	fake_hal_set_regions(m, 3);
	page_alloc_reset();
	assert_int_equal(page_alloc_init(), 0);
	early = page_total_count();
	assert_true(page_is_managed(r0 + half - PAGE_SIZE));
	assert_false(page_is_managed(r0 + half));
	assert_false(page_is_managed(r0 + BANK0 - PAGE_SIZE));

	assert_int_equal(page_alloc_init_late(), late_pages * PAGE_SIZE);
	assert_int_equal(page_total_count(), early + kept);
	assert_true(page_is_managed(r0 + BANK0 - PAGE_SIZE));
	assert_true(page_is_managed(r0 + half + 0x10000)); /* the initrd's, held from the start */
	assert_int_equal(page_ref_count(r0 + half + 0x10000), 1);
	/* Nothing is added twice. */
	assert_int_equal(page_alloc_init_late(), 0);
	assert_int_equal(page_total_count(), early + kept);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ram_minus_everything_else),
	    cmocka_unit_test(test_no_ram_is_an_error),
	    cmocka_unit_test(test_largest_pieces_kept),
	    cmocka_unit_test(test_unmapped_ram_waits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
