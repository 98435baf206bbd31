/*
 * What /proc shows of the tree (path names, the mount list, the types) and
 * a file system's own permission rule.
 */
#include "vfs_test.h"
#include <stdio.h>
#include <stdlib.h>

struct text {
	char buf[1024];
	size_t len;
};

static void to_text(void *ctx, const char *s, size_t len)
{
	struct text *t = ctx;

	assert_true(t->len + len < sizeof(t->buf));
	memcpy(t->buf + t->len, s, len);
	t->len += len;
	t->buf[t->len] = '\0';
}

static void open_path(const char *path, struct vfs_file **f)
{
	assert_int_equal(T_open(path, VFS_O_RDONLY, 0, NULL, f), 0);
}

static void test_path_name(void **state)
{
	struct vfs_file *f;
	char buf[64];

	(void)state;
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/d", 0755, &T_root), 0);
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/mnt", 0755, &T_root), 0);
	assert_int_equal(vfs_mount(T_fs, NULL, "/mnt", "fakefs", NULL, 0, &T_root), 0);
	assert_int_equal(T_touch("/d/file", VFS_O_CREAT | VFS_O_WRONLY, 0644, NULL), 0);
	assert_int_equal(T_touch("/mnt/in", VFS_O_CREAT | VFS_O_WRONLY, 0644, NULL), 0);

	open_path("/d/../d/./file", &f);
	assert_int_equal(vfs_path_name(vfs_file_path(f), buf, sizeof(buf)), 7);
	assert_string_equal(buf, "/d/file");
	/* The size counts the NUL: 7 bytes and a NUL need 8. */
	assert_int_equal(vfs_path_name(vfs_file_path(f), buf, 7), -ENAMETOOLONG);
	assert_int_equal(vfs_path_name(vfs_file_path(f), buf, 8), 7);
	/* A removed name keeps its last path, marked. */
	assert_int_equal(vfs_unlink(T_fs, NULL, "/d/file", &T_root), 0);
	assert_int_equal(vfs_path_name(vfs_file_path(f), buf, sizeof(buf)), 17);
	assert_string_equal(buf, "/d/file (deleted)");
	vfs_file_put(f);

	open_path("/mnt/in", &f); /* across a mount */
	assert_int_equal(vfs_path_name(vfs_file_path(f), buf, sizeof(buf)), 7);
	assert_string_equal(buf, "/mnt/in");
	vfs_file_put(f);
	open_path("/mnt", &f);
	vfs_path_name(vfs_file_path(f), buf, sizeof(buf));
	assert_string_equal(buf, "/mnt");
	vfs_file_put(f);
	open_path("/", &f);
	assert_int_equal(vfs_path_name(vfs_file_path(f), buf, sizeof(buf)), 1);
	assert_string_equal(buf, "/");
	vfs_file_put(f);
	assert_int_equal(vfs_unlink(T_fs, NULL, "/mnt/in", &T_root), 0);
	assert_int_equal(vfs_umount(T_fs, "/mnt", true, &T_root), 0);
}

static void test_mounts(void **state)
{
	struct text t = {.len = 0};
	uint64_t cursor = 0;

	(void)state;
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/a dir", 0755, &T_root), 0);
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/m", 0755, &T_root), 0);
	assert_int_equal(vfs_mount(T_fs, "my\tsrc\\", "/a dir", "fakefs", NULL,
	                           VFS_MNT_NOSUID | VFS_MNT_NOEXEC | VFS_MNT_RELATIME, &T_root),
	                 0);
	assert_int_equal(vfs_mount(T_fs, "second", "/m", "fakefs", NULL, VFS_MNT_RDONLY, &T_root),
	                 0);
	assert_int_equal(vfs_mount(T_fs, "over", "/m", "fakefs", NULL, VFS_MNT_NODEV, &T_root), 0);
	while (vfs_mount_show(&cursor, to_text, &t))
		;
	assert_string_equal(t.buf,
	                    "none / fakefs rw,fake 0 0\n"
	                    "my\\011src\\134 /a\\040dir fakefs rw,nosuid,noexec,relatime,fake 0 0\n"
	                    "second /m fakefs ro,fake 0 0\n"
	                    "over /m fakefs rw,nodev,fake 0 0\n");
	/* Taking one off leaves the others in order; the cursor picks up after it. */
	assert_int_equal(vfs_umount(T_fs, "/m", true, &T_root), 0);
	cursor = 0;
	t.len = 0;
	assert_true(vfs_mount_show(&cursor, to_text, &t));
	assert_true(vfs_mount_show(&cursor, to_text, &t));
	t.len = 0;
	assert_true(vfs_mount_show(&cursor, to_text, &t));
	assert_string_equal(t.buf, "second /m fakefs ro,fake 0 0\n");
	assert_false(vfs_mount_show(&cursor, to_text, &t));
	assert_int_equal(vfs_umount(T_fs, "/m", true, &T_root), 0);
	assert_int_equal(vfs_umount(T_fs, "/a dir", true, &T_root), 0);
}

static void test_fstypes(void **state)
{
	(void)state;
	assert_string_equal(vfs_fstype_name(0), "fakefs");
	assert_null(vfs_fstype_name(1));
}

/* A file system's permission op replaces the mode bits and the capabilities. */
static void test_permission_op(void **state)
{
	struct vfs_cred user = vfs_env_user(1000, 1000);
	struct vfs_file *f;

	(void)state;
	fakefs.guard = true;
	assert_int_equal(T_touch("/g", VFS_O_CREAT | VFS_O_WRONLY, 0000, NULL), 0);
	fakefs.guard = false;
	fakefs.guard_calls = 0;
	fakefs.guard_rc = -EACCES;
	assert_int_equal(T_open("/g", VFS_O_WRONLY, 0, NULL, &f), -EACCES); /* root too */
	assert_int_equal(fakefs.guard_calls, 1);
	assert_int_equal(fakefs.guard_mask & 7, VFS_MAY_WRITE);
	fakefs.guard_rc = 0;
	assert_int_equal(T_open("/g", VFS_O_RDWR, 0, &user, &f), 0); /* mode 0000, yet allowed */
	assert_int_equal(fakefs.guard_mask & 7, VFS_MAY_READ | VFS_MAY_WRITE);
	vfs_file_put(f);
	/* Files without the op keep the generic rule. */
	assert_int_equal(T_touch("/plain", VFS_O_CREAT | VFS_O_WRONLY, 0000, NULL), 0);
	assert_int_equal(T_open("/plain", VFS_O_RDONLY, 0, &user, &f), -EACCES);
	assert_int_equal(fakefs.guard_calls, 2);
}

/* A name the file system says is stale is dropped and looked up again (d_revalidate). */
static void test_revalidate(void **state)
{
	struct vfs_file *f;
	struct vfs_path p;
	unsigned lookups;

	(void)state;
	fakefs.guard = true;
	assert_int_equal(T_touch("/r", VFS_O_CREAT | VFS_O_WRONLY, 0644, NULL), 0);
	fakefs.guard = false;
	assert_int_equal(T_open("/r", VFS_O_RDONLY, 0, NULL, &f), 0);
	lookups = fakefs.lookups;
	assert_int_equal(vfs_lookup(T_fs, NULL, "/r", 0, &T_root, &p), 0);
	assert_int_equal(fakefs.lookups, lookups); /* the live name, as it is */
	assert_ptr_equal(vfs_path_inode(&p), vfs_file_inode(f));
	vfs_path_put(&p);
	fakefs.stale = true;
	assert_int_equal(vfs_lookup(T_fs, NULL, "/r", 0, &T_root, &p), 0);
	assert_int_equal(fakefs.lookups, lookups + 1); /* asked again */
	vfs_path_put(&p);
	fakefs.stale = false;
	/* The open file keeps the name it had, now marked removed. */
	{
		char buf[32];

		assert_int_equal(vfs_path_name(vfs_file_path(f), buf, sizeof(buf)), 12);
		assert_string_equal(buf, "/r (deleted)");
	}
	vfs_file_put(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_path_name, vfs_test_setup, vfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_mounts, vfs_test_setup, vfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_fstypes, vfs_test_setup, vfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_permission_op, vfs_test_setup, vfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_revalidate, vfs_test_setup, vfs_test_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
