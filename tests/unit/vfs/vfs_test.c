/* vfs_test.h */
#include "vfs_test.h"

struct vfs_fs *T_fs;
struct vfs_cred T_root;

int vfs_test_setup(void **state)
{
	(void)state;
	fake_heap_budget = -1;
	memset(&fakefs, 0, sizeof(fakefs));
	vfs_env_order_errors = 0;
	vfs_env_init();
	fakefs_register();
	assert_int_equal(vfs_mount_root(NULL, "fakefs", NULL, 0), 0);
	assert_non_null(T_fs = vfs_fs_new());
	T_root = vfs_env_root();
	return 0;
}

int vfs_test_teardown(void **state)
{
	(void)state;
	fake_heap_budget = -1;
	vfs_fs_put(T_fs);
	T_fs = NULL;
	vfs_shutdown();
	assert_int_equal(fakefs.inodes, 0);
	assert_int_equal(vfs_env_locks, 0);
	assert_int_equal(vfs_env_waits, 0);
	assert_int_equal(fake_heap_live, 0);
	assert_int_equal(vfs_env_order_errors, 0);
	return 0;
}

int T_open(const char *path, unsigned flags, uint32_t mode, const struct vfs_cred *cr,
           struct vfs_file **out)
{
	return vfs_open(T_fs, NULL, path, flags, mode, cr ? cr : &T_root, out);
}

int T_touch(const char *path, unsigned flags, uint32_t mode, const struct vfs_cred *cr)
{
	struct vfs_file *f;
	int rc = T_open(path, flags, mode, cr, &f);

	if (rc == 0)
		vfs_file_put(f);
	return rc;
}

int T_stat(const char *path, bool follow, struct vfs_stat *st)
{
	struct vfs_path p;
	int rc = vfs_lookup(T_fs, NULL, path, follow ? VFS_LOOKUP_FOLLOW : 0, &T_root, &p);

	if (rc == 0) {
		vfs_getattr(&p, st);
		vfs_path_put(&p);
	}
	return rc;
}

long T_write(struct vfs_file *f, const char *s)
{
	struct vfs_iter it;

	vfs_iter_kernel(&it, (void *)s, strlen(s));
	return vfs_write(f, &it, &T_root, NULL);
}

long T_read(struct vfs_file *f, char *buf, size_t n)
{
	struct vfs_iter it;

	vfs_iter_kernel(&it, buf, n);
	return vfs_read(f, &it);
}

int T_lookup(const char *path, unsigned flags, const struct vfs_cred *cr)
{
	struct vfs_path p;
	int rc = vfs_lookup(T_fs, NULL, path, flags, cr ? cr : &T_root, &p);

	if (rc == 0)
		vfs_path_put(&p);
	return rc;
}
