/* chmod, chown, truncate, utimes: notify_change's rules and the times they move. */
#include "vfs_test.h"

static struct vfs_cred user, other;

static struct vfs_path path_of(const char *name)
{
	struct vfs_path p;

	assert_int_equal(vfs_lookup(T_fs, NULL, name, 0, &T_root, &p), 0);
	return p;
}

static struct vfs_stat stat_of(const char *name)
{
	struct vfs_stat st;

	assert_int_equal(T_stat(name, false, &st), 0);
	return st;
}

static void test_chmod(void **state)
{
	struct vfs_path p;
	struct vfs_cred in50 = vfs_env_user(1000, 50);

	(void)state;
	assert_int_equal(T_touch("/f", VFS_O_CREAT, 0644, NULL), 0);
	p = path_of("/f");
	assert_int_equal(vfs_chown(&p, 1000, 1000, &T_root), 0);
	vfs_env_time.sec += 10;
	assert_int_equal(vfs_chmod(&p, 04755, &user), 0);
	assert_int_equal(stat_of("/f").mode, VFS_S_IFREG | 04755);
	assert_int_equal(stat_of("/f").ctime.sec, vfs_env_time.sec);
	assert_int_equal(vfs_chmod(&p, 0600, &other), -EPERM);
	/* S_ISGID needs membership of the file's group. */
	assert_int_equal(vfs_chown(&p, (uint32_t)-1, 50, &T_root), 0);
	assert_int_equal(vfs_chmod(&p, 02755, &user), 0);
	assert_int_equal(stat_of("/f").mode, VFS_S_IFREG | 0755);
	assert_int_equal(vfs_chmod(&p, 02755, &in50), 0);
	assert_int_equal(stat_of("/f").mode, VFS_S_IFREG | 02755);
	vfs_path_put(&p);
	assert_int_equal(vfs_symlink(T_fs, "f", NULL, "/l", &T_root), 0);
	p = path_of("/l");
	assert_int_equal(vfs_chmod(&p, 0600, &T_root), -EOPNOTSUPP);
	vfs_path_put(&p);
}

static void test_chown(void **state)
{
	struct vfs_path p;
	struct vfs_cred member = user;
	uint32_t groups[] = {77};

	(void)state;
	assert_int_equal(T_touch("/f", VFS_O_CREAT, 06755, &T_root), 0);
	p = path_of("/f");
	assert_int_equal(stat_of("/f").mode & 07777, 06755);
	/* Even root's chown clears set-user-id, and set-group-id with group exec. */
	assert_int_equal(vfs_chown(&p, 1000, (uint32_t)-1, &T_root), 0);
	assert_int_equal(stat_of("/f").mode & 07777, 0755);
	assert_int_equal(stat_of("/f").uid, 1000);
	/* The owner may give a group it belongs to, not another owner. */
	assert_int_equal(vfs_chown(&p, 2000, (uint32_t)-1, &user), -EPERM);
	assert_int_equal(vfs_chown(&p, 1000, (uint32_t)-1, &user), 0);
	assert_int_equal(vfs_chown(&p, (uint32_t)-1, 77, &user), -EPERM);
	member.groups = groups;
	member.ngroups = 1;
	assert_int_equal(vfs_chown(&p, (uint32_t)-1, 77, &member), 0);
	assert_int_equal(stat_of("/f").gid, 77);
	assert_int_equal(vfs_chown(&p, (uint32_t)-1, 1000, &other), -EPERM);
	/* chown(-1, -1) changes nothing but ctime (and set-id bits). */
	vfs_env_time.sec += 5;
	assert_int_equal(vfs_chown(&p, (uint32_t)-1, (uint32_t)-1, &other), 0);
	assert_int_equal(stat_of("/f").ctime.sec, vfs_env_time.sec);
	vfs_path_put(&p);
}

static void test_truncate(void **state)
{
	struct vfs_file *f;
	struct vfs_path p;
	struct vfs_cred lim = T_root;
	bool xfsz = false;
	int64_t t0;

	(void)state;
	assert_int_equal(T_open("/f", VFS_O_CREAT | VFS_O_RDWR, 04755, NULL, &f), 0);
	assert_int_equal(T_write(f, "0123456789"), 10);
	p = path_of("/f");
	t0 = vfs_env_time.sec += 10;
	/* truncate(2) to the same size moves nothing; ftruncate moves mtime and ctime. */
	assert_int_equal(vfs_truncate(&p, 10, &T_root, NULL), 0);
	assert_int_not_equal(stat_of("/f").mtime.sec, t0);
	assert_int_equal(vfs_ftruncate(f, 10, &T_root, NULL), 0);
	assert_int_equal(stat_of("/f").mtime.sec, t0);
	vfs_env_time.sec += 10;
	assert_int_equal(vfs_truncate(&p, 4, &T_root, NULL), 0);
	assert_int_equal(stat_of("/f").size, 4);
	assert_int_equal(stat_of("/f").mtime.sec, vfs_env_time.sec);
	assert_int_equal(stat_of("/f").mode & 07777,
	                 04755); /* root keeps set-user-id (CAP_FSETID) */
	/* Limits: beyond RLIMIT_FSIZE is EFBIG (SIGXFSZ), shrinking is always allowed. */
	lim.fsize_limit = 100;
	assert_int_equal(vfs_truncate(&p, 101, &lim, &xfsz), -EFBIG);
	assert_true(xfsz);
	assert_int_equal(vfs_truncate(&p, 100, &lim, NULL), 0);
	lim.fsize_limit = 10;
	assert_int_equal(vfs_truncate(&p, 50, &lim, NULL), 0);
	assert_int_equal(vfs_truncate(&p, -1, &T_root, NULL), -EINVAL);
	assert_int_equal(vfs_truncate(&p, 1, &user, NULL), -EACCES);
	assert_int_equal(fakefs.setsizes, 3);
	vfs_path_put(&p);
	assert_int_equal(vfs_ftruncate(f, -1, &T_root, NULL), -EINVAL);
	vfs_file_put(f);
	assert_int_equal(T_open("/f", VFS_O_RDONLY, 0, NULL, &f), 0);
	assert_int_equal(vfs_ftruncate(f, 0, &T_root, NULL), -EINVAL);
	vfs_file_put(f);
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/d", 0755, &T_root), 0);
	p = path_of("/d");
	assert_int_equal(vfs_truncate(&p, 0, &T_root, NULL), -EISDIR);
	vfs_path_put(&p);
}

static void test_utimes(void **state)
{
	struct vfs_path p;
	struct vfs_timespec set[2] = {{100, 5}, {200, 6}};
	struct vfs_timespec omit_now[2] = {{0, VFS_UTIME_OMIT}, {0, VFS_UTIME_NOW}};

	(void)state;
	vfs_fs_umask(T_fs, 0);
	assert_int_equal(T_touch("/f", VFS_O_CREAT, 0666, NULL), 0);
	p = path_of("/f");
	assert_int_equal(vfs_utimes(&p, set, &T_root), 0);
	assert_int_equal(stat_of("/f").atime.sec, 100);
	assert_int_equal(stat_of("/f").mtime.nsec, 6);
	/* Both now: the owner, or anyone who may write. Explicit times: the owner only. */
	vfs_env_time.sec += 1;
	assert_int_equal(vfs_utimes(&p, NULL, &user), 0);
	assert_int_equal(stat_of("/f").atime.sec, vfs_env_time.sec);
	assert_int_equal(vfs_utimes(&p, set, &user), -EPERM);
	assert_int_equal(vfs_utimes(&p, omit_now, &user), -EPERM);
	vfs_env_time.sec += 1;
	assert_int_equal(vfs_utimes(&p, omit_now, &T_root), 0);
	assert_int_not_equal(stat_of("/f").atime.sec, vfs_env_time.sec);
	assert_int_equal(stat_of("/f").mtime.sec, vfs_env_time.sec);
	set[0].nsec = 1000000000;
	assert_int_equal(vfs_utimes(&p, set, &T_root), -EINVAL);
	assert_int_equal(vfs_chmod(&p, 0644, &T_root), 0);
	assert_int_equal(vfs_utimes(&p, NULL, &user), -EACCES);
	vfs_path_put(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_chmod, vfs_test_setup, vfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_chown, vfs_test_setup, vfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_truncate, vfs_test_setup, vfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_utimes, vfs_test_setup, vfs_test_teardown),
	};

	user = vfs_env_user(1000, 1000);
	other = vfs_env_user(2000, 2000);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
