/* Limits: size= and nr_inodes= (ENOSPC), options, statfs, long links, RLIMIT_FSIZE, deep trees. */
#include "tmpfs_test.h"
#include <stdio.h>
#include <stdlib.h>

#define PG 4096

static void show_to(void *ctx, const char *s, size_t len)
{
	char *text = ctx;

	assert_true(strlen(text) + len < 512);
	strncat(text, s, len);
}

static void test_size_limit(void **state)
{
	struct vfs_file *f, *g;
	struct vfs_statfs sfs;
	struct vfs_path root;
	char *buf = calloc(1, 10 * PG);
	size_t free0;

	(void)state;
	tmpfs_test_mount("size=16k,nr_inodes=5");
	free0 = T_free();
	assert_int_equal(T_open("/f", VFS_O_CREAT | VFS_O_RDWR, 0644, &f), 0);
	/* Four pages fit; a write that needs more stops at the limit, then ENOSPC. */
	assert_int_equal(T_pwrite(f, buf, 10 * PG, 0), 4 * PG);
	assert_int_equal(tmpfs_pages_used(), 4); /* what /proc/meminfo's Shmem counts */
	assert_int_equal(T_pwrite(f, buf, 1, 4 * PG), -ENOSPC);
	assert_int_equal(T_pwrite(f, buf, 10, 100), 10); /* rewriting a page needs none */
	assert_int_equal(vfs_ftruncate(f, 100 * PG, &T_root, NULL), 0); /* a hole needs none */
	vfs_fs_root(T_fs, &root);
	assert_int_equal(vfs_statfs(&root, &sfs), 0);
	assert_int_equal(sfs.type, TMPFS_MAGIC);
	assert_int_equal(sfs.bsize, PG);
	assert_int_equal(sfs.blocks, 4);
	assert_int_equal(sfs.bfree, 0);
	assert_int_equal(sfs.files, 5);
	assert_int_equal(sfs.ffree, 3); /* the root and /f */
	assert_int_equal(sfs.namelen, 255);
	assert_int_equal(sfs.flags, 0x20 | VFS_MNT_RELATIME);
	/* A mapping's page past the limit: ENOSPC from get_page (SIGBUS). */
	{
		struct vfs_inode *inode = vfs_file_inode(f);
		paddr_t pa;

		assert_int_equal(inode->ops->get_page(inode, 50, &pa), -ENOSPC);
	}
	/* Inodes: three more, then ENOSPC. */
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/d1", 0755, &T_root), 0);
	assert_int_equal(vfs_symlink(T_fs, "x", NULL, "/l1", &T_root), 0);
	assert_int_equal(T_open("/g", VFS_O_CREAT | VFS_O_RDWR, 0644, &g), 0);
	vfs_file_put(g);
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/d2", 0755, &T_root), -ENOSPC);
	assert_int_equal(T_open("/h", VFS_O_CREAT | VFS_O_RDWR, 0644, &g), -ENOSPC);
	/* Freed space is usable again. */
	assert_int_equal(vfs_ftruncate(f, 0, &T_root, NULL), 0);
	assert_int_equal(vfs_statfs(&root, &sfs), 0);
	assert_int_equal(sfs.bfree, 4);
	vfs_path_put(&root);
	assert_int_equal(T_pwrite(f, buf, 2 * PG, 0), 2 * PG);
	vfs_file_put(f);
	assert_int_equal(vfs_unlink(T_fs, NULL, "/f", &T_root), 0);
	assert_int_equal(vfs_unlink(T_fs, NULL, "/g", &T_root), 0);
	assert_int_equal(vfs_unlink(T_fs, NULL, "/l1", &T_root), 0);
	assert_int_equal(vfs_rmdir(T_fs, NULL, "/d1", &T_root), 0);
	assert_int_equal(T_free(), free0);
	assert_int_equal(tmpfs_pages_used(), 0);
	free(buf);
}

static void test_options(void **state)
{
	struct vfs_statfs sfs;
	struct vfs_stat st;
	struct vfs_path root;
	static const char *const bad[] = {
	    "size",
	    "size=",
	    "size=1x",
	    "size=101%",
	    "nr_inodes=5%",
	    "mode=8",
	    "mode=10000",
	    "uid=-1",
	    "gid=x",
	    "what=1",
	    "size=99999999999999999999",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(vfs_mount_root(NULL, "tmpfs", bad[i], 0), -EINVAL);
	tmpfs_test_mount("size=50%,mode=0700,uid=5,gid=6,nr_inodes=2k,,size=1m");
	vfs_fs_root(T_fs, &root);
	assert_int_equal(vfs_statfs(&root, &sfs), 0);
	assert_int_equal(sfs.blocks, 256); /* the last size= wins */
	assert_int_equal(sfs.files, 2048);
	vfs_path_put(&root);
	assert_int_equal(T_stat("/", &st), 0);
	assert_int_equal(st.mode, VFS_S_IFDIR | 0700);
	assert_int_equal(st.uid, 5);
	assert_int_equal(st.gid, 6);
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/m", 0755, &T_root), 0);
	assert_int_equal(vfs_mount(T_fs, NULL, "/m", "tmpfs", "size=0,nr_inodes=0", 0, &T_root), 0);
	assert_int_equal(vfs_lookup(T_fs, NULL, "/m", 0, &T_root, &root), 0);
	assert_int_equal(vfs_statfs(&root, &sfs), 0);
	assert_int_equal(sfs.blocks, 0); /* no limit */
	assert_int_equal(sfs.files, 0);
	vfs_path_put(&root);
	assert_int_equal(T_stat("/m", &st), 0);
	assert_int_equal(st.mode, VFS_S_IFDIR | 01777);
	/* /proc/mounts shows what differs from the defaults (shmem_show_options). */
	{
		char text[512] = "";
		uint64_t cursor = 0;

		while (vfs_mount_show(&cursor, show_to, text))
			;
		assert_string_equal(text,
		                    "none / tmpfs rw,relatime,size=1024k,nr_inodes=2048,mode=700,"
		                    "uid=5,gid=6,inode64 0 0\n"
		                    "none /m tmpfs rw,size=0k,nr_inodes=0,inode64 0 0\n");
	}
}

/* Link targets of 128 bytes and more take a page (shmem's short-symlink rule). */
static void test_symlinks(void **state)
{
	char target[4100], buf[4100];
	struct vfs_stat st;
	struct vfs_path p;
	struct vfs_statfs sfs;

	(void)state;
	tmpfs_test_mount("size=4k");
	memset(target, 't', sizeof(target));
	target[127] = '\0';
	assert_int_equal(vfs_symlink(T_fs, target, NULL, "/short", &T_root), 0);
	assert_int_equal(T_stat("/short", &st), 0);
	assert_int_equal(st.size, 127);
	assert_int_equal(st.blocks, 0);
	target[127] = 't';
	target[128] = '\0';
	assert_int_equal(vfs_symlink(T_fs, target, NULL, "/long", &T_root), 0);
	assert_int_equal(T_stat("/long", &st), 0);
	assert_int_equal(st.blocks, 8);
	assert_int_equal(vfs_symlink(T_fs, target, NULL, "/long2", &T_root), -ENOSPC);
	assert_int_equal(vfs_lookup(T_fs, NULL, "/long", 0, &T_root, &p), 0);
	assert_int_equal(vfs_readlink(&p, buf, sizeof(buf)), 128);
	assert_memory_equal(buf, target, 128);
	assert_int_equal(vfs_readlink(&p, buf, 10), 10);
	assert_int_equal(vfs_statfs(&p, &sfs), 0);
	assert_int_equal(sfs.bfree, 0);
	vfs_path_put(&p);
	assert_int_equal(vfs_unlink(T_fs, NULL, "/long", &T_root), 0);
	assert_int_equal(vfs_symlink(T_fs, target, NULL, "/long2", &T_root), 0);
	target[128] = 't';
	target[4095] = '\0'; /* the longest target: a page with its NUL, but no room left */
	assert_int_equal(vfs_symlink(T_fs, target, NULL, "/huge", &T_root), -ENOSPC);
	target[4095] = 't';
	target[4096] = '\0';
	assert_int_equal(vfs_symlink(T_fs, target, NULL, "/huge", &T_root), -ENAMETOOLONG);
}

/* A tree deeper than any stack would allow recursion for is torn down at shutdown. */
static void test_deep_tree(void **state)
{
	struct vfs_file *f;

	(void)state;
	tmpfs_test_mount(NULL);
	for (int i = 0; i < 3000; i++) {
		assert_int_equal(vfs_mkdir(T_fs, NULL, "d", 0755, &T_root), 0);
		assert_int_equal(vfs_chdir(T_fs, "d", &T_root), 0);
		if (i % 500 == 0) {
			assert_int_equal(T_open("f", VFS_O_CREAT | VFS_O_RDWR, 0644, &f), 0);
			assert_int_equal(T_pwrite(f, "x", 1, 0), 1);
			vfs_file_put(f);
		}
	}
	/* The working directory (3000 levels down) goes with the fs struct, then all of it. */
}

static void test_many_files(void **state)
{
	char name[32];
	struct vfs_file *f;

	(void)state;
	tmpfs_test_mount(NULL);
	for (int i = 0; i < 2000; i++) {
		snprintf(name, sizeof(name), "/f%d", i);
		assert_int_equal(T_open(name, VFS_O_CREAT | VFS_O_EXCL | VFS_O_RDWR, 0644, &f), 0);
		assert_int_equal(T_pwrite(f, name, strlen(name), 0), (long)strlen(name));
		vfs_file_put(f);
	}
	for (int i = 0; i < 2000; i += 2) {
		snprintf(name, sizeof(name), "/f%d", i);
		assert_int_equal(vfs_unlink(T_fs, NULL, name, &T_root), 0);
	}
	snprintf(name, sizeof(name), "/f%d", 1999);
	assert_int_equal(T_open(name, VFS_O_RDONLY, 0, &f), 0);
	vfs_file_put(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_size_limit, tmpfs_test_setup_bare,
	                                    tmpfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_options, tmpfs_test_setup_bare,
	                                    tmpfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_symlinks, tmpfs_test_setup_bare,
	                                    tmpfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_deep_tree, tmpfs_test_setup_bare,
	                                    tmpfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_many_files, tmpfs_test_setup_bare,
	                                    tmpfs_test_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
