/* Directories and times: link counts, sizes, getdents offsets, Linux's timestamp rules. */
#include "tmpfs_test.h"
#include <pthread.h>

static struct vfs_stat stat_of(const char *path)
{
	struct vfs_stat st;

	assert_int_equal(T_stat(path, &st), 0);
	return st;
}

static int64_t tick(void)
{
	return vfs_env_time.sec += 10;
}

static void test_nlink_size(void **state)
{
	struct vfs_file *f;

	(void)state;
	assert_int_equal(stat_of("/").nlink, 2);
	assert_int_equal(stat_of("/").size, 40);
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/a", 0755, &T_root), 0);
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/a/b", 0755, &T_root), 0);
	assert_int_equal(T_open("/a/f", VFS_O_CREAT | VFS_O_RDWR, 0644, &f), 0);
	vfs_file_put(f);
	assert_int_equal(stat_of("/").nlink, 3);
	assert_int_equal(stat_of("/a").nlink, 3);
	assert_int_equal(stat_of("/a").size, 80); /* 20 per entry, as Linux's tmpfs */
	assert_int_equal(vfs_rename(T_fs, NULL, "/a/b", NULL, "/b", 0, &T_root), 0);
	assert_int_equal(stat_of("/").nlink, 4);
	assert_int_equal(stat_of("/a").nlink, 2);
	assert_int_equal(stat_of("/a").size, 60);
	assert_int_equal(vfs_rmdir(T_fs, NULL, "/b", &T_root), 0);
	assert_int_equal(stat_of("/").nlink, 3);
	/* '..' of a moved directory points at its new parent. */
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/a/c", 0755, &T_root), 0);
	assert_int_equal(vfs_rename(T_fs, NULL, "/a/c", NULL, "/c", 0, &T_root), 0);
	assert_int_equal(stat_of("/c/..").ino, stat_of("/").ino);
	/* A directory replacing an empty one. */
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/a/d", 0755, &T_root), 0);
	assert_int_equal(vfs_rename(T_fs, NULL, "/c", NULL, "/a/d", 0, &T_root), 0);
	assert_int_equal(stat_of("/").nlink, 3);
	assert_int_equal(stat_of("/a").nlink, 3);
	assert_int_equal(vfs_rename(T_fs, NULL, "/a", NULL, "/a/d", 0, &T_root), -EINVAL);
	assert_int_equal(vfs_rename(T_fs, NULL, "/a/d", NULL, "/a", 0, &T_root), -ENOTEMPTY);
}

struct names {
	char buf[256];
	uint64_t last_next;
};

static bool collect(void *ctx, const char *name, size_t len, uint64_t ino, unsigned type,
                    uint64_t next)
{
	struct names *c = ctx;

	(void)ino;
	strncat(c->buf, name, len);
	strcat(c->buf, type == 4 ? "/ " : " ");
	c->last_next = next;
	return true;
}

/* Offsets stay with entries: removals and renames elsewhere do not make a reader skip. */
static void test_getdents(void **state)
{
	struct vfs_file *d, *f;
	struct names c = {0};

	(void)state;
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/d", 0755, &T_root), 0);
	for (const char *const *n = (const char *const[]){"/d/a", "/d/b", "/d/c", NULL}; *n; n++) {
		assert_int_equal(T_open(*n, VFS_O_CREAT | VFS_O_RDWR, 0644, &f), 0);
		vfs_file_put(f);
	}
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/d/s", 0755, &T_root), 0);
	assert_int_equal(T_open("/d", VFS_O_RDONLY, 0, &d), 0);
	assert_int_equal(vfs_getdents(d, collect, &c), 6);
	assert_string_equal(c.buf, "./ ../ a b c s/ ");
	/* Rewind to after 'a', remove 'b', rename 'a' over 'c' (it takes c's offset). */
	assert_int_equal(vfs_lseek(d, 3, VFS_SEEK_SET), 3);
	assert_int_equal(vfs_unlink(T_fs, NULL, "/d/b", &T_root), 0);
	assert_int_equal(vfs_rename(T_fs, NULL, "/d/a", NULL, "/d/c", 0, &T_root), 0);
	c.buf[0] = '\0';
	assert_int_equal(vfs_getdents(d, collect, &c), 2);
	assert_string_equal(c.buf, "c s/ ");
	assert_int_equal(vfs_lseek(d, 0, VFS_SEEK_END), -EINVAL);
	assert_int_equal(vfs_lseek(d, -1, VFS_SEEK_SET), -EINVAL);
	vfs_file_put(d);
}

static void test_times(void **state)
{
	struct vfs_file *f;
	char buf[4];
	int64_t t;

	(void)state;
	t = tick();
	assert_int_equal(T_open("/f", VFS_O_CREAT | VFS_O_RDWR, 0644, &f), 0);
	assert_int_equal(stat_of("/f").atime.sec, t);
	assert_int_equal(stat_of("/f").btime.sec, t);
	assert_int_equal(stat_of("/").mtime.sec, t);
	assert_int_equal(stat_of("/").ctime.sec, t);
	/* A write moves mtime and ctime; a write of nothing moves nothing. */
	t = tick();
	assert_int_equal(T_pwrite(f, "abc", 3, 0), 3);
	assert_int_equal(stat_of("/f").mtime.sec, t);
	assert_int_equal(stat_of("/f").ctime.sec, t);
	tick();
	assert_int_equal(T_pwrite(f, "", 0, 0), 0);
	assert_int_equal(stat_of("/f").mtime.sec, t);
	/* relatime: a read moves atime while it is not newer than mtime/ctime, then once a day. */
	t = tick();
	assert_int_equal(T_pread(f, buf, 3, 0), 3);
	assert_int_equal(stat_of("/f").atime.sec, t);
	tick();
	assert_int_equal(T_pread(f, buf, 3, 0), 3);
	assert_int_equal(stat_of("/f").atime.sec, t);
	vfs_env_time.sec += 24 * 3600;
	assert_int_equal(T_pread(f, buf, 3, 0), 3);
	assert_int_equal(stat_of("/f").atime.sec, vfs_env_time.sec);
	/* A link moves the inode's ctime and the directory's mtime/ctime, not the inode's mtime. */
	t = tick();
	assert_int_equal(vfs_link(T_fs, NULL, "/f", NULL, "/g", false, &T_root), 0);
	assert_int_equal(stat_of("/f").ctime.sec, t);
	assert_int_not_equal(stat_of("/f").mtime.sec, t);
	assert_int_equal(stat_of("/").mtime.sec, t);
	/* Unlink: the inode's ctime, the directory's times. */
	t = tick();
	assert_int_equal(vfs_unlink(T_fs, NULL, "/g", &T_root), 0);
	assert_int_equal(stat_of("/f").ctime.sec, t);
	assert_int_equal(stat_of("/").ctime.sec, t);
	/* Rename: both directories, the moved inode's ctime. */
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/d", 0755, &T_root), 0);
	t = tick();
	assert_int_equal(vfs_rename(T_fs, NULL, "/f", NULL, "/d/f", 0, &T_root), 0);
	assert_int_equal(stat_of("/d/f").ctime.sec, t);
	assert_int_not_equal(stat_of("/d/f").mtime.sec, t);
	assert_int_equal(stat_of("/d").mtime.sec, t);
	assert_int_equal(stat_of("/").mtime.sec, t);
	vfs_file_put(f);
}

/*
 * Path walks from several threads at once: each component's reference is
 * taken under the vfs's tree lock and dropped without it unless it is the
 * last (vfs_dentry_put). Every walk must find what is there, and the
 * teardown must find every page, dentry and lock back: a lost or doubled
 * drop leaks a dentry or frees one in use (ASan; the tsan matrix sees the
 * races themselves).
 */
#define WALKERS 4
#define WALKS   3000

static void *walker(void *arg)
{
	uint64_t want = *(const uint64_t *)arg;
	long bad = 0;

	for (int i = 0; i < WALKS; i++) {
		struct vfs_stat st;

		if (T_stat("/a/b/c", &st) != 0 || st.ino != want)
			bad++;
		if (T_stat(i % 2 ? "/a/b/none" : "/a/none/c", &st) != -ENOENT)
			bad++;
	}
	return (void *)bad;
}

static void test_concurrent_walks(void **state)
{
	pthread_t t[WALKERS];
	struct vfs_file *f;
	struct vfs_stat st;
	(void)state;

	assert_int_equal(vfs_mkdir(T_fs, NULL, "/a", 0755, &T_root), 0);
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/a/b", 0755, &T_root), 0);
	assert_int_equal(T_open("/a/b/c", VFS_O_CREAT | VFS_O_RDWR, 0644, &f), 0);
	vfs_file_put(f);
	assert_int_equal(T_stat("/a/b/c", &st), 0);
	for (int i = 0; i < WALKERS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, walker, &st.ino), 0);
	for (int i = 0; i < WALKERS; i++) {
		void *bad;

		assert_int_equal(pthread_join(t[i], &bad), 0);
		assert_int_equal((long)bad, 0);
	}
	assert_int_equal(vfs_unlink(T_fs, NULL, "/a/b/c", &T_root), 0);
	assert_int_equal(T_stat("/a/b/c", &st), -ENOENT);
	assert_int_equal(vfs_rmdir(T_fs, NULL, "/a/b", &T_root), 0);
	assert_int_equal(vfs_rmdir(T_fs, NULL, "/a", &T_root), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_nlink_size, tmpfs_test_setup, tmpfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_getdents, tmpfs_test_setup, tmpfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_times, tmpfs_test_setup, tmpfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_concurrent_walks, tmpfs_test_setup,
	                                    tmpfs_test_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
