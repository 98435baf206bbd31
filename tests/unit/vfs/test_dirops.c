/* mkdir, unlink, rmdir, link, rename: results and Linux's order of errors. */
#include "vfs_test.h"
#include "vfs_internal.h" /* vfs_inode_lock2 */

static struct vfs_cred user, other;

static void setup_tree(void)
{
	vfs_fs_umask(T_fs, 0);
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/d", 0755, &T_root), 0);
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/d/sub", 0755, &T_root), 0);
	assert_int_equal(T_touch("/d/f", VFS_O_CREAT, 0644, NULL), 0);
	assert_int_equal(T_touch("/top", VFS_O_CREAT, 0644, NULL), 0);
}

static void test_mkdir(void **state)
{
	struct vfs_stat st;

	(void)state;
	setup_tree();
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/d", 0755, &T_root), -EEXIST);
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/d/.", 0755, &T_root), -EEXIST);
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/", 0755, &T_root), -EEXIST);
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/new/", 0755, &T_root),
	                 0); /* a trailing '/' is fine */
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/top/x", 0755, &T_root), -ENOTDIR);
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/d/x", 0755, &user), -EACCES);
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/m", 07777, &T_root), 0);
	assert_int_equal(T_stat("/m", true, &st), 0);
	assert_int_equal(st.mode,
	                 VFS_S_IFDIR | 01777); /* set-id bits never come from mkdir's mode */
	assert_int_equal(st.nlink, 2);
	assert_int_equal(T_stat("/d", true, &st), 0);
	assert_int_equal(st.nlink, 3);
	/* symlink and mknod: a trailing '/' on a new name is ENOENT, on an old one EEXIST. */
	assert_int_equal(vfs_symlink(T_fs, "x", NULL, "/s/", &T_root), -ENOENT);
	assert_int_equal(vfs_symlink(T_fs, "x", NULL, "/top/", &T_root), -EEXIST);
	assert_int_equal(vfs_mknod(T_fs, NULL, "/n/", 0644, 0, &T_root), -ENOENT);
}

static void test_unlink_rmdir(void **state)
{
	(void)state;
	setup_tree();
	assert_int_equal(vfs_unlink(T_fs, NULL, "/d", &T_root), -EISDIR);
	assert_int_equal(vfs_unlink(T_fs, NULL, "/d/.", &T_root), -EISDIR);
	assert_int_equal(vfs_unlink(T_fs, NULL, "/top/", &T_root), -ENOTDIR);
	assert_int_equal(vfs_unlink(T_fs, NULL, "/d/", &T_root), -EISDIR);
	assert_int_equal(vfs_unlink(T_fs, NULL, "/none/", &T_root), -ENOENT);
	assert_int_equal(vfs_unlink(T_fs, NULL, "/d/f", &user), -EACCES);
	assert_int_equal(fakefs.unlinks, 0);
	assert_int_equal(vfs_rmdir(T_fs, NULL, "/top", &T_root), -ENOTDIR);
	assert_int_equal(vfs_rmdir(T_fs, NULL, "/d/.", &T_root), -EINVAL);
	assert_int_equal(vfs_rmdir(T_fs, NULL, "/d/sub/..", &T_root), -ENOTEMPTY);
	assert_int_equal(vfs_rmdir(T_fs, NULL, "/", &T_root), -EBUSY);
	assert_int_equal(vfs_rmdir(T_fs, NULL, "/d", &T_root), -ENOTEMPTY);
	assert_int_equal(vfs_rmdir(T_fs, NULL, "/d/sub/", &T_root), 0);
	assert_int_equal(vfs_unlink(T_fs, NULL, "/d/f", &T_root), 0);
	assert_int_equal(vfs_unlink(T_fs, NULL, "/d/f", &T_root), -ENOENT);
	assert_int_equal(vfs_rmdir(T_fs, NULL, "/d", &T_root), 0);
	assert_int_equal(T_lookup("/d", 0, NULL), -ENOENT);
}

/* A sticky directory: only the file's owner, the directory's owner or CAP_FOWNER remove. */
static void test_sticky(void **state)
{
	struct vfs_path p;

	(void)state;
	vfs_fs_umask(T_fs, 0);
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/tmp", 01777, &T_root), 0);
	assert_int_equal(T_touch("/tmp/mine", VFS_O_CREAT, 0666, &user), 0);
	assert_int_equal(vfs_unlink(T_fs, NULL, "/tmp/mine", &other), -EPERM);
	assert_int_equal(vfs_rename(T_fs, NULL, "/tmp/mine", NULL, "/tmp/x", 0, &other), -EPERM);
	assert_int_equal(vfs_unlink(T_fs, NULL, "/tmp/mine", &user), 0);
	assert_int_equal(T_touch("/tmp/mine", VFS_O_CREAT, 0666, &user), 0);
	assert_int_equal(vfs_lookup(T_fs, NULL, "/tmp", 0, &T_root, &p), 0);
	assert_int_equal(vfs_chown(&p, 2000, 0, &T_root), 0); /* 'other' owns the directory */
	vfs_path_put(&p);
	assert_int_equal(vfs_unlink(T_fs, NULL, "/tmp/mine", &other), 0);
}

static void test_link(void **state)
{
	struct vfs_stat st;

	(void)state;
	setup_tree();
	assert_int_equal(vfs_link(T_fs, NULL, "/top", NULL, "/d/hard", false, &T_root), 0);
	assert_int_equal(T_stat("/top", true, &st), 0);
	assert_int_equal(st.nlink, 2);
	assert_int_equal(vfs_link(T_fs, NULL, "/top", NULL, "/d/hard", false, &T_root), -EEXIST);
	assert_int_equal(vfs_link(T_fs, NULL, "/d", NULL, "/dlink", false, &T_root), -EPERM);
	assert_int_equal(vfs_link(T_fs, NULL, "/none", NULL, "/x", false, &T_root), -ENOENT);
	assert_int_equal(vfs_link(T_fs, NULL, "/top", NULL, "/x/", false, &T_root), -ENOENT);
	assert_int_equal(vfs_link(T_fs, NULL, "/top", NULL, "/d/y", false, &user), -EACCES);
	/* Across mounts: EXDEV. */
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/mnt", 0755, &T_root), 0);
	assert_int_equal(vfs_mount(T_fs, "/mnt", "fakefs", NULL, 0, &T_root), 0);
	assert_int_equal(vfs_link(T_fs, NULL, "/top", NULL, "/mnt/x", false, &T_root), -EXDEV);
	/* A link to a link, or (followed) to its target. */
	assert_int_equal(vfs_symlink(T_fs, "top", NULL, "/sl", &T_root), 0);
	assert_int_equal(vfs_link(T_fs, NULL, "/sl", NULL, "/sl2", false, &T_root), 0);
	assert_int_equal(T_stat("/sl2", false, &st), 0);
	assert_true(VFS_S_ISLNK(st.mode));
	assert_int_equal(vfs_link(T_fs, NULL, "/sl", NULL, "/top3", true, &T_root), 0);
	assert_int_equal(T_stat("/top3", false, &st), 0);
	assert_int_equal(st.nlink, 3);
	assert_int_equal(vfs_unlink(T_fs, NULL, "/top", &T_root), 0);
	assert_int_equal(T_stat("/d/hard", false, &st), 0);
	assert_int_equal(st.nlink, 2);
}

static void test_rename(void **state)
{
	struct vfs_stat st;
	uint64_t ino;

	(void)state;
	setup_tree();
	assert_int_equal(T_stat("/d/f", true, &st), 0);
	ino = st.ino;
	assert_int_equal(vfs_rename(T_fs, NULL, "/d/f", NULL, "/g", 0, &T_root), 0);
	assert_int_equal(T_stat("/g", true, &st), 0);
	assert_int_equal(st.ino, ino);
	assert_int_equal(T_lookup("/d/f", 0, NULL), -ENOENT);
	/* Over a file: replaced. Over itself (a hard link too): nothing. */
	assert_int_equal(vfs_rename(T_fs, NULL, "/g", NULL, "/top", 0, &T_root), 0);
	assert_int_equal(T_stat("/top", true, &st), 0);
	assert_int_equal(st.ino, ino);
	assert_int_equal(vfs_rename(T_fs, NULL, "/top", NULL, "/top", 0, &T_root), 0);
	/* The checks, in Linux's order. */
	assert_int_equal(vfs_rename(T_fs, NULL, "/none", NULL, "/x", 0, &T_root), -ENOENT);
	assert_int_equal(vfs_rename(T_fs, NULL, "/d", NULL, "/d/sub/in", 0, &T_root), -EINVAL);
	assert_int_equal(vfs_rename(T_fs, NULL, "/d/sub", NULL, "/d", 0, &T_root), -ENOTEMPTY);
	assert_int_equal(vfs_rename(T_fs, NULL, "/d", NULL, "/top", 0, &T_root), -ENOTDIR);
	assert_int_equal(vfs_rename(T_fs, NULL, "/top", NULL, "/d", 0, &T_root), -EISDIR);
	assert_int_equal(vfs_rename(T_fs, NULL, "/top/", NULL, "/x", 0, &T_root), -ENOTDIR);
	assert_int_equal(vfs_rename(T_fs, NULL, "/top", NULL, "/x/", 0, &T_root), -ENOTDIR);
	assert_int_equal(vfs_rename(T_fs, NULL, "/d/.", NULL, "/x", 0, &T_root), -EBUSY);
	assert_int_equal(vfs_rename(T_fs, NULL, "/top", NULL, "/d/..", 0, &T_root), -EBUSY);
	assert_int_equal(
	    vfs_rename(T_fs, NULL, "/top", NULL, "/d/..", VFS_RENAME_NOREPLACE, &T_root), -EEXIST);
	assert_int_equal(
	    vfs_rename(T_fs, NULL, "/top", NULL, "/d/sub", VFS_RENAME_NOREPLACE, &T_root), -EEXIST);
	assert_int_equal(vfs_rename(T_fs, NULL, "/top", NULL, "/x", 8, &T_root), -EINVAL);
	assert_int_equal(vfs_rename(T_fs, NULL, "/top", NULL, "/x",
	                            VFS_RENAME_NOREPLACE | VFS_RENAME_EXCHANGE, &T_root),
	                 -EINVAL);
	assert_int_equal(vfs_rename(T_fs, NULL, "/top", NULL, "/x", VFS_RENAME_WHITEOUT, &user),
	                 -EPERM);
	assert_int_equal(vfs_rename(T_fs, NULL, "/top", NULL, "/d/y", 0, &user), -EACCES);
	assert_int_equal(fakefs.renames, 2); /* none of the refused ones reached the file system */
	/* Exchange: both must exist; they swap. */
	assert_int_equal(vfs_rename(T_fs, NULL, "/top", NULL, "/x", VFS_RENAME_EXCHANGE, &T_root),
	                 -ENOENT);
	assert_int_equal(
	    vfs_rename(T_fs, NULL, "/top", NULL, "/d/sub", VFS_RENAME_EXCHANGE, &T_root), 0);
	assert_int_equal(T_stat("/d/sub", true, &st), 0);
	assert_int_equal(st.ino, ino);
	assert_int_equal(T_stat("/top", true, &st), 0);
	assert_true(VFS_S_ISDIR(st.mode));
	/* A directory moves to another parent; its '..' follows. */
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/a", 0755, &T_root), 0);
	assert_int_equal(vfs_rename(T_fs, NULL, "/top", NULL, "/a/moved", 0, &T_root), 0);
	assert_int_equal(vfs_chdir(T_fs, "/a/moved", &T_root), 0);
	{
		char buf[32];

		assert_int_equal(vfs_getcwd(T_fs, buf, sizeof(buf)), 9);
		assert_string_equal(buf, "/a/moved");
	}
}

/*
 * Two inodes locked together (a rename's source and target): a directory
 * before a file whatever their addresses, as Linux's lock_two_inodes and
 * vfs.h's order ("vfs_dir" before "vfs_inode"). The file here sits below
 * the directory in memory, so address order alone would take it first.
 */
static void test_lock2_takes_the_directory_first(void **state)
{
	struct vfs_inode in[3];

	(void)state;
	assert_int_equal(vfs_inode_init(&in[0], NULL, 90, VFS_S_IFREG | 0644, NULL, NULL), 0);
	assert_int_equal(vfs_inode_init(&in[1], NULL, 91, VFS_S_IFDIR | 0755, NULL, NULL), 0);
	assert_int_equal(vfs_inode_init(&in[2], NULL, 92, VFS_S_IFREG | 0644, NULL, NULL), 0);
	vfs_inode_lock2(&in[0], &in[1]);
	vfs_inode_unlock2(&in[0], &in[1]);
	vfs_inode_lock2(&in[1], &in[0]);
	vfs_inode_unlock2(&in[1], &in[0]);
	vfs_inode_lock2(&in[2], &in[0]); /* two files: in address order */
	vfs_inode_unlock2(&in[2], &in[0]);
	assert_int_equal(vfs_env_order_errors, 0);
	for (int i = 0; i < 3; i++)
		vfs_inode_fini(&in[i]);
}

struct names {
	char buf[256];
	int n, max;
};

static bool collect(void *ctx, const char *name, size_t len, uint64_t ino, unsigned type,
                    uint64_t next)
{
	struct names *c = ctx;

	(void)ino, (void)type, (void)next;
	if (c->n == c->max)
		return false;
	strncat(c->buf, name, len);
	strcat(c->buf, " ");
	c->n++;
	return true;
}

static void test_getdents(void **state)
{
	struct names c = {.max = 2};
	struct vfs_file *f;

	(void)state;
	setup_tree();
	assert_int_equal(T_open("/d", VFS_O_RDONLY | VFS_O_DIRECTORY, 0, NULL, &f), 0);
	assert_int_equal(vfs_getdents(f, collect, &c), 2);
	c.n = 0;
	assert_int_equal(vfs_getdents(f, collect, &c), 2);
	c.n = 0;
	assert_int_equal(vfs_getdents(f, collect, &c), 0);
	assert_string_equal(c.buf, ". .. sub f ");
	assert_int_equal(vfs_lseek(f, 0, VFS_SEEK_SET), 0);
	c.n = 0, c.max = 10, c.buf[0] = 0;
	assert_int_equal(vfs_getdents(f, collect, &c), 4);
	vfs_file_put(f);
	assert_int_equal(T_open("/d/sub", VFS_O_RDONLY, 0, NULL, &f), 0);
	assert_int_equal(vfs_rmdir(T_fs, NULL, "/d/sub", &T_root), 0);
	assert_int_equal(vfs_getdents(f, collect, &c), -ENOENT);
	vfs_file_put(f);
	assert_int_equal(T_open("/top", VFS_O_RDONLY, 0, NULL, &f), 0);
	assert_int_equal(vfs_getdents(f, collect, &c), -ENOTDIR);
	vfs_file_put(f);
	assert_int_equal(T_open("/d", VFS_O_PATH, 0, NULL, &f), 0);
	assert_int_equal(vfs_getdents(f, collect, &c), -EBADF);
	vfs_file_put(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_mkdir, vfs_test_setup, vfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_unlink_rmdir, vfs_test_setup, vfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_sticky, vfs_test_setup, vfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_link, vfs_test_setup, vfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_rename, vfs_test_setup, vfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_lock2_takes_the_directory_first, vfs_test_setup,
	                                    vfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_getdents, vfs_test_setup, vfs_test_teardown),
	};

	user = vfs_env_user(1000, 1000);
	other = vfs_env_user(2000, 2000);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
