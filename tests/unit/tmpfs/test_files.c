/* Regular files: data, sparse files and holes, truncation, mapping pages, frames given back. */
#include "tmpfs_test.h"
#include <stdlib.h>

#define PG 4096

static void test_data(void **state)
{
	struct vfs_file *f;
	char buf[16];
	struct vfs_stat st;

	(void)state;
	assert_int_equal(T_open("/f", VFS_O_CREAT | VFS_O_RDWR, 0644, &f), 0);
	assert_int_equal(T_pwrite(f, "hello world", 11, -1), 11);
	assert_int_equal(T_pread(f, buf, sizeof(buf), 0), 11);
	assert_memory_equal(buf, "hello world", 11);
	assert_int_equal(T_pread(f, buf, sizeof(buf), 11), 0);
	assert_int_equal(T_pread(f, buf, 5, 6), 5);
	assert_memory_equal(buf, "world", 5);
	assert_int_equal(T_stat("/f", &st), 0);
	assert_int_equal(st.size, 11);
	assert_int_equal(st.blocks, 8); /* one page */
	assert_int_equal(st.blksize, PG);
	assert_int_equal(st.nlink, 1);
	vfs_file_put(f);
}

static void test_sparse(void **state)
{
	struct vfs_file *f;
	char *buf = malloc(3 * PG);
	struct vfs_stat st;
	size_t free0 = T_free();

	(void)state;
	assert_int_equal(T_open("/s", VFS_O_CREAT | VFS_O_RDWR, 0644, &f), 0);
	/* One byte at 1 GiB: one data page, and the tree's path to it; the rest is a hole. */
	assert_int_equal(T_pwrite(f, "x", 1, 1ll << 30), 1);
	assert_int_equal(T_stat("/s", &st), 0);
	assert_int_equal(st.size, (1ull << 30) + 1);
	assert_int_equal(st.blocks, 8);
	assert_true(free0 - T_free() <= 5);
	memset(buf, 0x55, 3 * PG);
	assert_int_equal(T_pread(f, buf, 3 * PG, 5 * PG + 7), 3 * PG);
	for (int i = 0; i < 3 * PG; i++)
		assert_int_equal(buf[i], 0);
	assert_int_equal(T_pread(f, buf, 2, 1ll << 30), 1);
	assert_int_equal(buf[0], 'x');
	/* SEEK_DATA and SEEK_HOLE see the real holes. */
	assert_int_equal(vfs_lseek(f, 0, VFS_SEEK_DATA), 1ll << 30);
	assert_int_equal(vfs_lseek(f, 0, VFS_SEEK_HOLE), 0);
	assert_int_equal(vfs_lseek(f, 1ll << 30, VFS_SEEK_HOLE), (1ll << 30) + 1);
	assert_int_equal(vfs_lseek(f, 5, VFS_SEEK_DATA), 1ll << 30);
	assert_int_equal(vfs_lseek(f, (1ll << 30) + 1, VFS_SEEK_DATA), -ENXIO);
	assert_int_equal(vfs_lseek(f, -1, VFS_SEEK_DATA), -ENXIO);
	assert_int_equal(T_pwrite(f, "y", 1, 3 * PG), 1);
	assert_int_equal(vfs_lseek(f, 0, VFS_SEEK_DATA), 3 * PG);
	assert_int_equal(vfs_lseek(f, 3 * PG, VFS_SEEK_HOLE), 4 * PG);
	/* The largest offset a file may reach. */
	assert_int_equal(T_pwrite(f, "z", 1, (int64_t)VFS_MAX_FILESIZE - 1), 1);
	assert_int_equal(T_pwrite(f, "z", 1, (int64_t)VFS_MAX_FILESIZE), -EFBIG);
	vfs_file_put(f);
	assert_int_equal(vfs_unlink(T_fs, NULL, "/s", &T_root), 0);
	assert_int_equal(T_free(), free0);
	free(buf);
}

static void test_truncate(void **state)
{
	struct vfs_file *f;
	char page[PG], buf[8];
	struct vfs_path p;
	struct vfs_stat st;
	size_t free0 = T_free();

	(void)state;
	memset(page, 'a', sizeof(page));
	assert_int_equal(T_open("/t", VFS_O_CREAT | VFS_O_RDWR, 0644, &f), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(T_pwrite(f, page, PG, i * PG), PG);
	assert_int_equal(T_stat("/t", &st), 0);
	assert_int_equal(st.blocks, 32);
	/* Shrinking gives the pages past the end back and zeroes the rest of the last one. */
	assert_int_equal(vfs_ftruncate(f, PG + 10, &T_root, NULL), 0);
	assert_int_equal(T_stat("/t", &st), 0);
	assert_int_equal(st.blocks, 16);
	assert_int_equal(vfs_ftruncate(f, 3 * PG, &T_root, NULL), 0);
	assert_int_equal(T_pread(f, buf, 8, PG + 6), 8);
	assert_memory_equal(buf, "aaaa\0\0\0\0", 8);
	assert_int_equal(T_pread(f, buf, 8, 2 * PG), 8);
	assert_memory_equal(buf, "\0\0\0\0\0\0\0\0", 8);
	/* O_TRUNC. */
	vfs_file_put(f);
	assert_int_equal(T_open("/t", VFS_O_RDWR | VFS_O_TRUNC, 0, &f), 0);
	assert_int_equal(T_stat("/t", &st), 0);
	assert_int_equal(st.size, 0);
	assert_int_equal(st.blocks, 0);
	vfs_file_put(f);
	assert_int_equal(vfs_lookup(T_fs, NULL, "/t", 0, &T_root, &p), 0);
	assert_int_equal(vfs_truncate(&p, 1 << 20, &T_root, NULL), 0);
	vfs_path_put(&p);
	assert_int_equal(vfs_unlink(T_fs, NULL, "/t", &T_root), 0);
	assert_int_equal(T_free(), free0);
}

/* An unlinked file lives while open; a hard link keeps it after the first name goes. */
static void test_lifetime(void **state)
{
	struct vfs_file *f, *g;
	char buf[4];
	struct vfs_stat st;
	size_t free0 = T_free();

	(void)state;
	assert_int_equal(T_open("/a", VFS_O_CREAT | VFS_O_RDWR, 0644, &f), 0);
	assert_int_equal(T_pwrite(f, "data", 4, 0), 4);
	assert_int_equal(vfs_link(T_fs, NULL, "/a", NULL, "/b", false, &T_root), 0);
	assert_int_equal(T_stat("/b", &st), 0);
	assert_int_equal(st.nlink, 2);
	assert_int_equal(vfs_unlink(T_fs, NULL, "/a", &T_root), 0);
	assert_int_equal(T_open("/b", VFS_O_RDONLY, 0, &g), 0);
	assert_int_equal(T_pread(g, buf, 4, 0), 4);
	assert_memory_equal(buf, "data", 4);
	vfs_file_put(g);
	assert_int_equal(vfs_unlink(T_fs, NULL, "/b", &T_root), 0);
	assert_int_equal(T_pread(f, buf, 4, 0), 4); /* still open: still there */
	assert_true(T_free() < free0);
	assert_int_equal(vfs_link(T_fs, NULL, "/none", NULL, "/c", false, &T_root), -ENOENT);
	vfs_file_put(f);
	assert_int_equal(T_free(), free0);
}

/* get_page, what mappings use: holes filled, -ENXIO past the end, the caller's reference. */
static void test_get_page(void **state)
{
	struct vfs_file *f;
	struct vfs_inode *inode;
	paddr_t pa, pb;
	size_t free0 = T_free();
	char buf[4];

	(void)state;
	assert_int_equal(T_open("/m", VFS_O_CREAT | VFS_O_RDWR, 0644, &f), 0);
	inode = vfs_file_inode(f);
	assert_int_equal(vfs_ftruncate(f, 2 * PG, &T_root, NULL), 0);
	assert_int_equal(inode->ops->get_page(inode, 2, &pa), -ENXIO);
	assert_int_equal(inode->ops->get_page(inode, 1, &pa), 0);
	assert_int_equal(page_ref_count(pa), 2);        /* the file's and ours */
	memcpy((char *)page_to_virt(pa) + 5, "map", 3); /* a store through a mapping */
	assert_int_equal(T_pread(f, buf, 3, PG + 5), 3);
	assert_memory_equal(buf, "map", 3);
	assert_int_equal(inode->ops->get_page(inode, 1, &pb), 0);
	assert_true(pa == pb);
	page_ref_put(pb);
	/* Truncated away while "mapped": the frame stays until the mapping lets go. */
	assert_int_equal(vfs_ftruncate(f, 0, &T_root, NULL), 0);
	assert_int_equal(page_ref_count(pa), 1);
	assert_int_equal(inode->ops->get_page(inode, 0, &pb), -ENXIO);
	page_ref_put(pa);
	vfs_file_put(f);
	assert_int_equal(vfs_unlink(T_fs, NULL, "/m", &T_root), 0);
	assert_int_equal(T_free(), free0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_data, tmpfs_test_setup, tmpfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_sparse, tmpfs_test_setup, tmpfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_truncate, tmpfs_test_setup, tmpfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_lifetime, tmpfs_test_setup, tmpfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_get_page, tmpfs_test_setup, tmpfs_test_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
