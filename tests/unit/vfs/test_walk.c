/* Path walks: '.', '..', symbolic links, limits, search permission, mounts. */
#include "vfs_test.h"
#include <stdio.h>
#include <stdlib.h>

static struct vfs_cred user;

static void mkdirs(const char *const *dirs)
{
	for (; *dirs; dirs++)
		assert_int_equal(vfs_mkdir(T_fs, NULL, *dirs, 0755, &T_root), 0);
}

static uint64_t ino_of(const char *path, bool follow)
{
	struct vfs_stat st;

	assert_int_equal(T_stat(path, follow, &st), 0);
	return st.ino;
}

static void test_dots(void **state)
{
	(void)state;
	mkdirs((const char *const[]){"/a", "/a/b", NULL});
	assert_int_equal(ino_of("/a/b/..", true), ino_of("/a", true));
	assert_int_equal(ino_of("/a/./b/../../a", true), ino_of("/a", true));
	assert_int_equal(ino_of("/..", true), ino_of("/", true)); /* never above the root */
	assert_int_equal(ino_of("/../../a", true), ino_of("/a", true));
	assert_int_equal(ino_of("//a///b//", true), ino_of("/a/b", true));
	assert_int_equal(vfs_chdir(T_fs, "/a/b", &T_root), 0);
	assert_int_equal(ino_of("..", true), ino_of("/a", true));
	assert_int_equal(ino_of(".", true), ino_of("/a/b", true));
	assert_int_equal(T_lookup("", 0, NULL), -ENOENT);
}

static void test_errors(void **state)
{
	char name[300], *path = malloc(VFS_PATH_MAX + 8);

	(void)state;
	mkdirs((const char *const[]){"/d", NULL});
	assert_int_equal(T_touch("/f", VFS_O_CREAT | VFS_O_WRONLY, 0644, NULL), 0);
	assert_int_equal(T_lookup("/f/x", 0, NULL), -ENOTDIR);
	assert_int_equal(T_lookup("/f/", 0, NULL), -ENOTDIR);
	assert_int_equal(T_lookup("/f", VFS_LOOKUP_DIRECTORY, NULL), -ENOTDIR);
	assert_int_equal(T_lookup("/missing/x", 0, NULL), -ENOENT);
	assert_int_equal(T_lookup("/d/missing", 0, NULL), -ENOENT);
	/* 255 bytes is a name; 256 is not. */
	memset(name, 'n', sizeof(name));
	name[0] = '/';
	name[256] = '\0';
	assert_int_equal(T_lookup(name, 0, NULL), -ENOENT);
	name[257] = '\0';
	name[256] = 'n';
	assert_int_equal(T_lookup(name, 0, NULL), -ENAMETOOLONG);
	/* PATH_MAX counts the NUL: 4095 bytes walk, 4096 do not. */
	memset(path, '/', VFS_PATH_MAX + 8);
	path[VFS_PATH_MAX - 2] = 'd';
	path[VFS_PATH_MAX - 1] = '\0';
	assert_int_equal(T_lookup(path, 0, NULL), 0);
	path[VFS_PATH_MAX - 1] = '/';
	path[VFS_PATH_MAX] = '\0';
	assert_int_equal(T_lookup(path, 0, NULL), -ENAMETOOLONG);
	free(path);
}

static void test_symlinks(void **state)
{
	(void)state;
	mkdirs((const char *const[]){"/a", "/a/b", NULL});
	assert_int_equal(T_touch("/a/b/file", VFS_O_CREAT, 0644, NULL), 0);
	assert_int_equal(vfs_symlink(T_fs, "b", NULL, "/a/rel", &T_root), 0);
	assert_int_equal(vfs_symlink(T_fs, "/a/b/file", NULL, "/abs", &T_root), 0);
	assert_int_equal(vfs_symlink(T_fs, "../../a/rel/", NULL, "/a/b/up", &T_root), 0);
	assert_int_equal(vfs_symlink(T_fs, "nowhere", NULL, "/dangling", &T_root), 0);
	assert_int_equal(vfs_symlink(T_fs, "/", NULL, "/root", &T_root), 0);
	assert_int_equal(ino_of("/a/rel/file", true), ino_of("/a/b/file", true));
	assert_int_equal(ino_of("/abs", true), ino_of("/a/b/file", true));
	assert_int_not_equal(ino_of("/abs", false), ino_of("/a/b/file", true));
	assert_int_equal(ino_of("/a/b/up/file", true), ino_of("/a/b/file", true));
	assert_int_equal(ino_of("/root/a", true), ino_of("/a", true));
	assert_int_equal(ino_of("/a/rel/", false),
	                 ino_of("/a/b", true)); /* a trailing '/' follows */
	assert_int_equal(T_lookup("/dangling", VFS_LOOKUP_FOLLOW, NULL), -ENOENT);
	assert_int_equal(T_lookup("/dangling", 0, NULL), 0);
	assert_int_equal(T_lookup("/abs/", VFS_LOOKUP_FOLLOW, NULL), -ENOTDIR);
	assert_int_equal(vfs_symlink(T_fs, "", NULL, "/empty", &T_root), -ENOENT);
}

/* Linux follows 40 links in one walk; the 41st is ELOOP, nested or in a chain. */
static void test_eloop(void **state)
{
	char name[32], target[32];

	(void)state;
	assert_int_equal(T_touch("/l0", VFS_O_CREAT, 0644, NULL), 0);
	for (int i = 1; i <= 41; i++) {
		snprintf(name, sizeof(name), "/l%d", i);
		snprintf(target, sizeof(target), "l%d", i - 1);
		assert_int_equal(vfs_symlink(T_fs, target, NULL, name, &T_root), 0);
	}
	assert_int_equal(T_lookup("/l40", VFS_LOOKUP_FOLLOW, NULL), 0);
	assert_int_equal(T_lookup("/l41", VFS_LOOKUP_FOLLOW, NULL), -ELOOP);
	assert_int_equal(T_lookup("/l41", 0, NULL), 0);
	/* In the middle of a path too: d40 -> d39 -> ... -> d0 (a directory). */
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/d0", 0755, &T_root), 0);
	for (int i = 1; i <= 41; i++) {
		snprintf(name, sizeof(name), "/d%d", i);
		snprintf(target, sizeof(target), "d%d/", i - 1);
		assert_int_equal(vfs_symlink(T_fs, target, NULL, name, &T_root), 0);
	}
	assert_int_equal(T_touch("/d0/f", VFS_O_CREAT, 0644, NULL), 0);
	assert_int_equal(T_lookup("/d40/f", 0, NULL), 0);
	assert_int_equal(T_lookup("/d41/f", 0, NULL), -ELOOP);
	/* A loop. */
	assert_int_equal(vfs_symlink(T_fs, "loop", NULL, "/loop", &T_root), 0);
	assert_int_equal(T_lookup("/loop", VFS_LOOKUP_FOLLOW, NULL), -ELOOP);
	assert_int_equal(T_lookup("/loop/x", 0, NULL), -ELOOP);
}

static void test_search_permission(void **state)
{
	struct vfs_cred rs = user, in_group = vfs_env_user(2000, 100);

	(void)state;
	mkdirs((const char *const[]){"/p", "/p/q", NULL});
	assert_int_equal(T_touch("/p/q/f", VFS_O_CREAT, 0644, NULL), 0);
	assert_int_equal(T_lookup("/p/q/f", 0, &user), 0);
	/* Owner root, group 100, mode 0750: others may not search. */
	struct vfs_path p;
	assert_int_equal(vfs_lookup(T_fs, NULL, "/p", 0, &T_root, &p), 0);
	assert_int_equal(vfs_chown(&p, 0, 100, &T_root), 0);
	assert_int_equal(vfs_chmod(&p, 0750, &T_root), 0);
	vfs_path_put(&p);
	assert_int_equal(T_lookup("/p/q/f", 0, &user), -EACCES);
	assert_int_equal(T_lookup("/p", 0, &user), 0); /* the last component needs no search */
	assert_int_equal(T_lookup("/p/q/f", 0, &in_group), 0);
	rs.caps = VFS_CAP_DAC_READ_SEARCH;
	assert_int_equal(T_lookup("/p/q/f", 0, &rs), 0);
	rs.caps = VFS_CAP_DAC_OVERRIDE;
	assert_int_equal(T_lookup("/p/q/f", 0, &rs), 0);
	/* A relative walk searches the working directory. */
	assert_int_equal(vfs_chdir(T_fs, "/p", &T_root), 0);
	assert_int_equal(T_lookup("q", 0, &user), -EACCES);
	assert_int_equal(T_lookup("q", 0, &in_group), 0);
}

static void test_mounts(void **state)
{
	struct vfs_path p;
	struct vfs_statfs sfs;

	(void)state;
	mkdirs((const char *const[]){"/mnt", "/mnt/under", NULL});
	assert_int_equal(vfs_mount(T_fs, NULL, "/mnt", "fakefs", NULL, VFS_MNT_NOEXEC, &T_root), 0);
	assert_int_equal(T_lookup("/mnt/under", 0, NULL), -ENOENT); /* hidden by the mount */
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/mnt/top", 0755, &T_root), 0);
	assert_int_equal(ino_of("/mnt/top/..", true), ino_of("/mnt", true));
	assert_int_equal(ino_of("/mnt/..", true), ino_of("/", true));
	assert_int_equal(vfs_lookup(T_fs, NULL, "/mnt/top", 0, &T_root, &p), 0);
	assert_int_equal(vfs_statfs(&p, &sfs), 0);
	assert_int_equal(sfs.type, FAKEFS_MAGIC);
	assert_int_equal(sfs.flags, 0x20 | VFS_MNT_NOEXEC);
	vfs_path_put(&p);
	/* Stacked: the newest mount shows. */
	assert_int_equal(vfs_mount(T_fs, NULL, "/mnt", "fakefs", NULL, 0, &T_root), 0);
	assert_int_equal(T_lookup("/mnt/top", 0, NULL), -ENOENT);
	assert_int_equal(ino_of("/mnt/..", true), ino_of("/", true));
	/* Errors. */
	assert_int_equal(vfs_mount(T_fs, NULL, "/mnt", "nofs", NULL, 0, &T_root), -ENODEV);
	assert_int_equal(vfs_mount(T_fs, NULL, "/nothere", "fakefs", NULL, 0, &T_root), -ENOENT);
	assert_int_equal(vfs_mount(T_fs, NULL, "/mnt", "fakefs", "bad", 0, &T_root), -EINVAL);
	assert_int_equal(vfs_mount(T_fs, NULL, "/mnt", "fakefs", NULL, 0, &user), -EPERM);
	assert_int_equal(vfs_rmdir(T_fs, NULL, "/mnt", &T_root), -EBUSY);
	assert_int_equal(vfs_rename(T_fs, NULL, "/mnt", NULL, "/moved", 0, &T_root), -EBUSY);
	/* umount: the top one first; busy while anything holds a name in it. */
	assert_int_equal(vfs_umount(T_fs, "/mnt", true, &user), -EPERM);
	assert_int_equal(vfs_umount(T_fs, "/", true, &T_root), -EBUSY);
	assert_int_equal(vfs_umount(T_fs, "/nothere", true, &T_root), -ENOENT);
	assert_int_equal(vfs_umount(T_fs, "/mnt", true, &T_root), 0);
	assert_int_equal(T_lookup("/mnt/top", 0, NULL), 0); /* the first mount shows again */
	assert_int_equal(vfs_umount(T_fs, "/mnt/top", true, &T_root), -EINVAL);
	assert_int_equal(vfs_chdir(T_fs, "/mnt/top", &T_root), 0);
	assert_int_equal(vfs_umount(T_fs, "/mnt", true, &T_root), -EBUSY);
	assert_int_equal(vfs_chdir(T_fs, "/", &T_root), 0);
	{
		struct vfs_file *f;

		assert_int_equal(T_open("/mnt", VFS_O_RDONLY, 0, NULL, &f), 0);
		assert_int_equal(vfs_umount(T_fs, "/mnt", true, &T_root), -EBUSY);
		vfs_file_put(f);
	}
	assert_int_equal(vfs_umount(T_fs, "/mnt", true, &T_root), 0);
	assert_int_equal(T_lookup("/mnt/under", 0, NULL), 0); /* the directory's own entries */
	assert_int_equal(vfs_rmdir(T_fs, NULL, "/mnt/under", &T_root), 0);
	assert_int_equal(vfs_rmdir(T_fs, NULL, "/mnt", &T_root), 0);
}

static void test_getcwd(void **state)
{
	char buf[64];

	(void)state;
	mkdirs((const char *const[]){"/x", "/x/y", "/m", NULL});
	assert_int_equal(vfs_getcwd(T_fs, buf, sizeof(buf)), 2);
	assert_string_equal(buf, "/");
	assert_int_equal(vfs_chdir(T_fs, "/x/y", &T_root), 0);
	assert_int_equal(vfs_getcwd(T_fs, buf, sizeof(buf)), 5);
	assert_string_equal(buf, "/x/y");
	assert_int_equal(vfs_getcwd(T_fs, buf, 4), -ERANGE);
	assert_int_equal(vfs_rename(T_fs, NULL, "/x", NULL, "/z", 0, &T_root), 0);
	assert_int_equal(vfs_getcwd(T_fs, buf, sizeof(buf)), 5);
	assert_string_equal(buf, "/z/y");
	assert_int_equal(vfs_mount(T_fs, NULL, "/m", "fakefs", NULL, 0, &T_root), 0);
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/m/in", 0755, &T_root), 0);
	assert_int_equal(vfs_chdir(T_fs, "/m/in", &T_root), 0);
	assert_int_equal(vfs_getcwd(T_fs, buf, sizeof(buf)), 6);
	assert_string_equal(buf, "/m/in");
	assert_int_equal(vfs_rmdir(T_fs, NULL, "/m/in", &T_root), 0);
	assert_int_equal(vfs_getcwd(T_fs, buf, sizeof(buf)), -ENOENT);
	assert_int_equal(vfs_chdir(T_fs, "..", &T_root),
	                 0); /* '..' of a removed directory still works */
	assert_int_equal(vfs_getcwd(T_fs, buf, sizeof(buf)), 3);
	assert_string_equal(buf, "/m");
	assert_int_equal(vfs_chdir(T_fs, "/z/y/nothere", &T_root), -ENOENT);
	assert_int_equal(T_touch("/file", VFS_O_CREAT, 0644, NULL), 0);
	assert_int_equal(vfs_chdir(T_fs, "/file", &T_root), -ENOTDIR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_dots, vfs_test_setup, vfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_errors, vfs_test_setup, vfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_symlinks, vfs_test_setup, vfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_eloop, vfs_test_setup, vfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_search_permission, vfs_test_setup,
	                                    vfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_mounts, vfs_test_setup, vfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_getcwd, vfs_test_setup, vfs_test_teardown),
	};

	user = vfs_env_user(1000, 1000);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
