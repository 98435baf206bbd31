/*
 * Whole pages written: kept from a source that gives its frames (the
 * initrd's, vfs_iter_kernel_frames) instead of copied; otherwise filled in
 * a fresh frame before the file has it, so a failed copy leaves no page
 * and no stale bytes; written in place where the file has the page.
 */
#include "tmpfs_test.h"
#include <stdlib.h>

#define PG 4096

static long write_iter(struct vfs_file *f, struct vfs_iter *it, int64_t pos)
{
	return vfs_pwrite(f, it, pos, &T_root, NULL);
}

static void check_bytes(struct vfs_file *f, const uint8_t *want, size_t n, int64_t pos)
{
	uint8_t *got = malloc(n);

	assert_non_null(got);
	assert_int_equal(T_pread(f, got, n, pos), n);
	assert_memory_equal(got, want, n);
	free(got);
}

static void test_keeps_given_frames(void **state)
{
	enum { HELD = 8 };
	uint8_t *mem = fake_hal_ram(HELD * PG, PG);
	paddr_t held = (paddr_t)(uintptr_t)mem;
	struct vfs_file *f, *g;
	struct vfs_iter it;
	struct vfs_stat st;
	size_t free0 = T_free();
	static uint8_t again[2 * PG];
	paddr_t pa;

	(void)state;
	for (size_t i = 0; i < HELD * PG; i++)
		mem[i] = (uint8_t)(i * 13 + i / PG);
	assert_int_equal(page_alloc_add_held_range(held, HELD * PG), 0);
	free0 -= 1; /* the range's metadata: one page, kept */

	/* Three whole pages and 100 bytes: the pages are the source's frames, the tail a copy. */
	assert_int_equal(T_open("/f", VFS_O_CREAT | VFS_O_RDWR, 0755, &f), 0);
	vfs_iter_kernel_frames(&it, mem, 3 * PG + 100);
	assert_int_equal(write_iter(f, &it, 0), 3 * PG + 100);
	for (int i = 0; i < 3; i++)
		assert_int_equal(page_ref_count(held + (paddr_t)i * PG), 2);
	assert_int_equal(page_ref_count(held + 3 * PG), 1);
	assert_int_equal(vfs_file_inode(f)->ops->get_page(vfs_file_inode(f), 1, &pa), 0);
	assert_true(pa == held + PG);
	page_ref_put(pa);
	check_bytes(f, mem, 3 * PG + 100, 0);
	assert_int_equal(T_stat("/f", &st), 0);
	assert_int_equal(st.blocks, 4 * 8);
	/* Over pages the file has (frames 0 and 1): copied into them, frames 6 and 7 not kept. */
	memcpy(again, mem + 6 * PG, sizeof(again));
	vfs_iter_kernel_frames(&it, mem + 6 * PG, 2 * PG);
	assert_int_equal(write_iter(f, &it, 0), 2 * PG);
	assert_int_equal(page_ref_count(held), 2);
	assert_int_equal(page_ref_count(held + 6 * PG), 1);
	check_bytes(f, mem + 6 * PG, 2 * PG, 0);
	check_bytes(f, mem + 2 * PG, PG + 100, 2 * PG);

	/* At an offset that puts no source page on a file page: copied, nothing kept. */
	assert_int_equal(T_open("/g", VFS_O_CREAT | VFS_O_RDWR, 0644, &g), 0);
	vfs_iter_kernel_frames(&it, mem + 4 * PG + 8, 2 * PG);
	assert_int_equal(write_iter(g, &it, 0), 2 * PG);
	vfs_iter_kernel_frames(&it, mem + 4 * PG, 2 * PG);
	assert_int_equal(write_iter(g, &it, 2 * PG + 1), 2 * PG);
	for (int i = 4; i < HELD; i++)
		assert_int_equal(page_ref_count(held + (paddr_t)i * PG), 1);
	check_bytes(g, mem + 4 * PG + 8, 2 * PG, 0);
	check_bytes(g, mem + 4 * PG, 2 * PG, 2 * PG + 1);

	/* Released, the frames the files kept stay theirs; the rest are free. */
	assert_int_equal(page_alloc_release_held(), HELD);
	check_bytes(f, again, 2 * PG, 0); /* frames 6 and 7 are free now: not read */
	free0 += HELD;
	T_free0 += HELD - 1;
	/* A file's own page now: written in place like any other. */
	assert_int_equal(T_pwrite(f, "new", 3, PG + 10), 3);
	assert_memory_equal(mem + PG + 10, "new", 3);
	vfs_file_put(f);
	vfs_file_put(g);
	assert_int_equal(vfs_unlink(T_fs, NULL, "/f", &T_root), 0);
	assert_int_equal(vfs_unlink(T_fs, NULL, "/g", &T_root), 0);
	assert_int_equal(T_free(), free0);
}

static int failing_copy(struct vfs_iter *it, size_t off, void *k, size_t n, bool to_buf)
{
	(void)it;
	(void)off;
	(void)to_buf;
	memset(k, 0x77, n / 2); /* half the bytes moved, then a bad address */
	return -EFAULT;
}

/* A whole page into a hole whose copy fails: no page, no block, no stray bytes. */
static void test_failed_copy_leaves_the_hole(void **state)
{
	struct vfs_iter it = {.copy = failing_copy, .len = 2 * PG};
	struct vfs_file *f;
	struct vfs_stat st;
	uint8_t zeros[PG] = {0};
	size_t free0 = T_free();

	(void)state;
	assert_int_equal(T_open("/h", VFS_O_CREAT | VFS_O_RDWR, 0644, &f), 0);
	assert_int_equal(vfs_ftruncate(f, 3 * PG, &T_root, NULL), 0);
	assert_int_equal(write_iter(f, &it, PG), -EFAULT);
	assert_int_equal(T_stat("/h", &st), 0);
	assert_int_equal(st.blocks, 0);
	assert_int_equal(st.size, 3 * PG);
	check_bytes(f, zeros, PG, PG);
	vfs_file_put(f);
	assert_int_equal(vfs_unlink(T_fs, NULL, "/h", &T_root), 0);
	assert_int_equal(T_free(), free0);
}

/* A whole page over one the file has: written into that frame (a mapping of it sees the data). */
static void test_whole_page_over_a_page(void **state)
{
	struct vfs_file *f;
	struct vfs_inode *inode;
	uint8_t *data = malloc(PG);
	paddr_t pa, pb;
	size_t free0 = T_free();

	(void)state;
	assert_non_null(data);
	memset(data, 0xab, PG);
	assert_int_equal(T_open("/o", VFS_O_CREAT | VFS_O_RDWR, 0644, &f), 0);
	inode = vfs_file_inode(f);
	assert_int_equal(vfs_ftruncate(f, PG, &T_root, NULL), 0);
	assert_int_equal(inode->ops->get_page(inode, 0, &pa), 0); /* "mapped" */
	assert_int_equal(T_pwrite(f, data, PG, 0), PG);
	assert_int_equal(((uint8_t *)page_to_virt(pa))[PG - 1], 0xab);
	assert_int_equal(inode->ops->get_page(inode, 0, &pb), 0);
	assert_true(pa == pb);
	page_ref_put(pa);
	page_ref_put(pb);
	/* Into a hole: a fresh frame with exactly the data. */
	assert_int_equal(T_pwrite(f, data, PG, 2 * PG), PG);
	check_bytes(f, data, PG, 2 * PG);
	vfs_file_put(f);
	assert_int_equal(vfs_unlink(T_fs, NULL, "/o", &T_root), 0);
	assert_int_equal(T_free(), free0);
	free(data);
}

/* Near the size limit: as many of the given pages as fit, then -ENOSPC; none kept past it. */
static void test_given_frames_at_the_limit(void **state)
{
	enum { HELD = 4 };
	uint8_t *mem = fake_hal_ram(HELD * PG, PG);
	paddr_t held = (paddr_t)(uintptr_t)mem;
	struct vfs_file *f;
	struct vfs_iter it;
	size_t free0;

	(void)state;
	tmpfs_test_mount("size=8k");
	free0 = T_free();
	memset(mem, 0x3c, HELD * PG);
	assert_int_equal(page_alloc_add_held_range(held, HELD * PG), 0);
	assert_int_equal(T_open("/l", VFS_O_CREAT | VFS_O_RDWR, 0644, &f), 0);
	vfs_iter_kernel_frames(&it, mem, 3 * PG);
	assert_int_equal(write_iter(f, &it, 0), 2 * PG); /* a short write */
	assert_int_equal(page_ref_count(held), 2);
	assert_int_equal(page_ref_count(held + PG), 2);
	assert_int_equal(page_ref_count(held + 2 * PG), 1);
	vfs_iter_kernel_frames(&it, mem + 2 * PG, PG);
	assert_int_equal(write_iter(f, &it, 2 * PG), -ENOSPC);
	/* Over the two it has: no charge needed, so it works at the limit. */
	vfs_iter_kernel_frames(&it, mem + 2 * PG, 2 * PG);
	assert_int_equal(write_iter(f, &it, 0), 2 * PG);
	assert_int_equal(page_ref_count(held + 2 * PG), 1);
	assert_int_equal(tmpfs_pages_used(), 2);
	assert_int_equal(page_alloc_release_held(), HELD);
	vfs_file_put(f);
	assert_int_equal(vfs_unlink(T_fs, NULL, "/l", &T_root), 0);
	assert_int_equal(T_free(), free0 - 1 + HELD); /* the range's metadata page stays */
	T_free0 += HELD - 1;
}

/* Given frames across a leaf of the page tree (slots 510 to 513): each kept at its offset. */
static void test_given_frames_across_a_leaf(void **state)
{
	enum { HELD = 4, AT = 510 };
	uint8_t *mem = fake_hal_ram(HELD * PG, PG);
	paddr_t held = (paddr_t)(uintptr_t)mem, pa;
	struct vfs_file *f;
	struct vfs_iter it;
	size_t free0 = T_free();

	(void)state;
	for (size_t i = 0; i < HELD * PG; i++)
		mem[i] = (uint8_t)(i / PG + 1);
	assert_int_equal(page_alloc_add_held_range(held, HELD * PG), 0);
	assert_int_equal(T_open("/x", VFS_O_CREAT | VFS_O_RDWR, 0644, &f), 0);
	vfs_iter_kernel_frames(&it, mem, HELD * PG);
	assert_int_equal(write_iter(f, &it, (int64_t)AT * PG), HELD * PG);
	for (int i = 0; i < HELD; i++) {
		assert_int_equal(vfs_file_inode(f)->ops->get_page(vfs_file_inode(f), AT + i, &pa),
		                 0);
		assert_true(pa == held + (paddr_t)i * PG);
		page_ref_put(pa);
	}
	check_bytes(f, mem, HELD * PG, (int64_t)AT * PG);
	assert_int_equal(page_alloc_release_held(), HELD);
	vfs_file_put(f);
	assert_int_equal(vfs_unlink(T_fs, NULL, "/x", &T_root), 0);
	assert_int_equal(T_free(), free0 - 1 + HELD); /* the range's metadata page stays */
	T_free0 += HELD - 1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_keeps_given_frames, tmpfs_test_setup,
	                                    tmpfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_failed_copy_leaves_the_hole, tmpfs_test_setup,
	                                    tmpfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_whole_page_over_a_page, tmpfs_test_setup,
	                                    tmpfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_given_frames_at_the_limit, tmpfs_test_setup_bare,
	                                    tmpfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_given_frames_across_a_leaf, tmpfs_test_setup,
	                                    tmpfs_test_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
