/* tmpfs_test.h */
#include "tmpfs_test.h"

struct vfs_fs *T_fs;
struct vfs_cred T_root;
size_t T_free0;
static bool mounted;

void tmpfs_test_mount(const char *options)
{
	assert_false(mounted);
	assert_int_equal(vfs_mount_root(NULL, "tmpfs", options, VFS_MNT_RELATIME), 0);
	assert_non_null(T_fs = vfs_fs_new());
	mounted = true;
}

static int setup(void)
{
	static bool ram;

	if (!ram) {
		mem_test_ram(64);
		ram = true;
	}
	vfs_env_order_errors = 0;
	vfs_env_init();
	assert_int_equal(tmpfs_register(), 0);
	T_root = vfs_env_root();
	T_free0 = page_free_count();
	return 0;
}

int tmpfs_test_setup(void **state)
{
	(void)state;
	setup();
	tmpfs_test_mount(NULL);
	return 0;
}

int tmpfs_test_setup_bare(void **state)
{
	(void)state;
	return setup();
}

int tmpfs_test_teardown(void **state)
{
	(void)state;
	if (T_fs)
		vfs_fs_put(T_fs);
	T_fs = NULL;
	mounted = false;
	vfs_shutdown();
	assert_int_equal(page_free_count(), T_free0);
	assert_int_equal(vfs_env_locks, 0);
	assert_int_equal(vfs_env_order_errors, 0);
	return 0;
}

int T_open(const char *path, unsigned flags, uint32_t mode, struct vfs_file **out)
{
	return vfs_open(T_fs, NULL, path, flags, mode, &T_root, out);
}

int T_stat(const char *path, struct vfs_stat *st)
{
	struct vfs_path p;
	int rc = vfs_lookup(T_fs, NULL, path, 0, &T_root, &p);

	if (rc == 0) {
		vfs_getattr(&p, st);
		vfs_path_put(&p);
	}
	return rc;
}

long T_pwrite(struct vfs_file *f, const void *buf, size_t n, int64_t pos)
{
	struct vfs_iter it;

	vfs_iter_kernel(&it, (void *)buf, n);
	return pos < 0 ? vfs_write(f, &it, &T_root, NULL) : vfs_pwrite(f, &it, pos, &T_root, NULL);
}

long T_pread(struct vfs_file *f, void *buf, size_t n, int64_t pos)
{
	struct vfs_iter it;

	vfs_iter_kernel(&it, buf, n);
	return pos < 0 ? vfs_read(f, &it) : vfs_pread(f, &it, pos);
}

size_t T_free(void)
{
	return page_free_count();
}
