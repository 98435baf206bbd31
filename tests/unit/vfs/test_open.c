/* openat's flags and checks, I/O through the file object, devices, ENOMEM. */
#include "vfs_test.h"
#include <stdio.h>

static struct vfs_cred user;

static void test_create(void **state)
{
	struct vfs_stat st;
	struct vfs_file *f;

	(void)state;
	vfs_fs_umask(T_fs, 027);
	assert_int_equal(T_touch("/f", VFS_O_CREAT | VFS_O_WRONLY, 0666,
	                         CR(.uid = 7, .gid = 8, .caps = ~0u, .fsize_limit = VFS_NO_LIMIT)),
	                 0);
	assert_int_equal(T_stat("/f", true, &st), 0);
	assert_int_equal(st.mode, VFS_S_IFREG | 0640);
	assert_int_equal(st.uid, 7);
	assert_int_equal(st.gid, 8);
	assert_int_equal(T_touch("/f", VFS_O_CREAT | VFS_O_EXCL, 0666, NULL), -EEXIST);
	assert_int_equal(T_touch("/f", VFS_O_CREAT, 0666, NULL), 0);
	assert_int_equal(fakefs.creates, 1);
	/* O_TRUNC empties it; without write access it is refused. */
	assert_int_equal(T_open("/f", VFS_O_RDWR, 0, NULL, &f), 0);
	assert_int_equal(T_write(f, "hello"), 5);
	vfs_file_put(f);
	assert_int_equal(T_stat("/f", true, &st), 0);
	assert_int_equal(st.size, 5);
	assert_int_equal(T_touch("/f", VFS_O_RDONLY | VFS_O_TRUNC, 0, &user), -EACCES);
	assert_int_equal(T_touch("/f", VFS_O_RDONLY | VFS_O_TRUNC, 0, NULL), 0);
	assert_int_equal(T_stat("/f", true, &st), 0);
	assert_int_equal(st.size, 0);
	/* Creating in a directory the caller may not write: the file system is never asked. */
	assert_int_equal(T_touch("/g", VFS_O_CREAT, 0644, &user), -EACCES);
	assert_int_equal(fakefs.creates, 1);
	assert_int_equal(T_touch("/nodir/g", VFS_O_CREAT, 0644, NULL), -ENOENT);
	/* The file system's own error comes back. */
	fakefs.fail_next = -ENOSPC;
	assert_int_equal(T_touch("/g", VFS_O_CREAT, 0644, NULL), -ENOSPC);
	assert_int_equal(T_stat("/g", true, &st), -ENOENT);
}

static void test_directories(void **state)
{
	(void)state;
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/d", 0755, &T_root), 0);
	assert_int_equal(T_touch("/f", VFS_O_CREAT, 0644, NULL), 0);
	assert_int_equal(T_touch("/d", VFS_O_RDONLY | VFS_O_DIRECTORY, 0, NULL), 0);
	assert_int_equal(T_touch("/d", VFS_O_WRONLY, 0, NULL), -EISDIR);
	assert_int_equal(T_touch("/d", VFS_O_RDWR, 0, NULL), -EISDIR);
	assert_int_equal(T_touch("/d", VFS_O_CREAT, 0644, NULL), -EISDIR);
	assert_int_equal(T_touch("/d/", VFS_O_CREAT, 0644, NULL), -EISDIR);
	assert_int_equal(T_touch("/new/", VFS_O_CREAT, 0644, NULL), -EISDIR);
	assert_int_equal(T_touch("/f", VFS_O_DIRECTORY, 0, NULL), -ENOTDIR);
	assert_int_equal(T_touch("/f/", 0, 0, NULL), -ENOTDIR);
	assert_int_equal(T_touch("/d", VFS_O_DIRECTORY | VFS_O_CREAT, 0, NULL), -EINVAL);
	assert_int_equal(T_touch(".", VFS_O_CREAT, 0, NULL), -EISDIR);
	assert_int_equal(T_touch("/d/..", VFS_O_CREAT | VFS_O_EXCL, 0, NULL), -EEXIST);
	assert_int_equal(T_touch("/d", VFS_O_TMPFILE | VFS_O_RDONLY, 0, NULL), -EINVAL);
}

static void test_symlinks(void **state)
{
	struct vfs_file *f;
	struct vfs_stat st;
	char buf[8];

	(void)state;
	assert_int_equal(T_touch("/t", VFS_O_CREAT, 0644, NULL), 0);
	assert_int_equal(vfs_symlink(T_fs, "t", NULL, "/l", &T_root), 0);
	assert_int_equal(vfs_symlink(T_fs, "made", NULL, "/dangling", &T_root), 0);
	assert_int_equal(T_touch("/l", VFS_O_RDONLY, 0, NULL), 0);
	assert_int_equal(T_touch("/l", VFS_O_RDONLY | VFS_O_NOFOLLOW, 0, NULL), -ELOOP);
	assert_int_equal(T_touch("/dangling", VFS_O_CREAT | VFS_O_EXCL, 0644, NULL), -EEXIST);
	assert_int_equal(T_touch("/dangling", VFS_O_CREAT | VFS_O_NOFOLLOW, 0644, NULL), -ELOOP);
	/* O_CREAT through a dangling link makes its target. */
	assert_int_equal(T_touch("/dangling", VFS_O_CREAT, 0600, NULL), 0);
	assert_int_equal(T_stat("/made", false, &st), 0);
	assert_int_equal(st.mode, VFS_S_IFREG | 0600);
	/* O_PATH opens the link itself and refuses I/O. */
	assert_int_equal(T_open("/l", VFS_O_PATH | VFS_O_NOFOLLOW | VFS_O_RDWR, 0, NULL, &f), 0);
	assert_true(VFS_S_ISLNK(vfs_file_inode(f)->mode));
	assert_int_equal(T_read(f, buf, sizeof(buf)), -EBADF);
	assert_int_equal(T_write(f, "x"), -EBADF);
	assert_int_equal(vfs_lseek(f, 0, VFS_SEEK_SET), -EBADF);
	assert_int_equal(vfs_file_flags(f) & VFS_O_ACCMODE, 0);
	vfs_file_put(f);
}

static void test_permissions(void **state)
{
	struct vfs_path p;

	(void)state;
	assert_int_equal(T_touch("/secret", VFS_O_CREAT, 0600, NULL), 0);
	assert_int_equal(T_touch("/pub", VFS_O_CREAT, 0644, NULL), 0);
	assert_int_equal(T_touch("/secret", VFS_O_RDONLY, 0, &user), -EACCES);
	assert_int_equal(T_touch("/pub", VFS_O_RDONLY, 0, &user), 0);
	assert_int_equal(T_touch("/pub", VFS_O_WRONLY, 0, &user), -EACCES);
	assert_int_equal(T_touch("/pub", VFS_O_RDONLY | VFS_O_NOATIME, 0, &user), -EPERM);
	/* Root overrides, except execution without any x bit. */
	assert_int_equal(T_touch("/secret", VFS_O_RDWR, 0, NULL), 0);
	assert_int_equal(vfs_lookup(T_fs, NULL, "/secret", 0, &T_root, &p), 0);
	assert_int_equal(vfs_permission(&p, VFS_MAY_EXEC, &T_root), -EACCES);
	assert_int_equal(vfs_chmod(&p, 0100, &T_root), 0);
	assert_int_equal(vfs_permission(&p, VFS_MAY_EXEC, &T_root), 0);
	assert_int_equal(vfs_permission(&p, VFS_MAY_EXEC, &user), -EACCES);
	vfs_path_put(&p);
	/* A read-only mount: EROFS for writes, but EEXIST first. */
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/ro", 0755, &T_root), 0);
	assert_int_equal(vfs_mount(T_fs, NULL, "/ro", "fakefs", NULL, VFS_MNT_RDONLY, &T_root), 0);
	assert_int_equal(T_touch("/ro/x", VFS_O_CREAT, 0644, NULL), -EROFS);
	assert_int_equal(T_touch("/ro", VFS_O_RDONLY, 0, NULL), 0);
	assert_int_equal(T_touch("/ro/.", VFS_O_CREAT | VFS_O_EXCL, 0644, NULL), -EEXIST);
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/ro/d", 0755, &T_root), -EROFS);
}

/* The set-group-id bit of a directory: its group for new files, and itself for new directories. */
static void test_setgid_dir(void **state)
{
	struct vfs_path p;
	struct vfs_stat st;
	struct vfs_cred u = vfs_env_user(1000, 1000);

	(void)state;
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/g", 0777, &T_root), 0);
	assert_int_equal(vfs_lookup(T_fs, NULL, "/g", 0, &T_root, &p), 0);
	assert_int_equal(vfs_chown(&p, 0, 50, &T_root), 0);
	assert_int_equal(vfs_chmod(&p, 02777, &T_root), 0);
	vfs_path_put(&p);
	assert_int_equal(T_touch("/g/f", VFS_O_CREAT, 02755, &u), 0);
	assert_int_equal(T_stat("/g/f", true, &st), 0);
	assert_int_equal(st.gid, 50);
	assert_int_equal(st.mode, VFS_S_IFREG | 0755); /* not in group 50: S_ISGID dropped */
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/g/sub", 0755, &u), 0);
	assert_int_equal(T_stat("/g/sub", true, &st), 0);
	assert_int_equal(st.mode, VFS_S_IFDIR | 02755);
	assert_int_equal(st.gid, 50);
}

static long dev_read(struct vfs_file *f, struct vfs_iter *it, uint64_t *pos)
{
	(void)f, (void)pos;
	return it->copy(it, 0, "dev", 3, true) < 0 ? -EFAULT : 3;
}

static const struct vfs_file_ops dev_fops = {.read = dev_read, .stream = true};

static void test_devices(void **state)
{
	struct vfs_file *f;
	char buf[8];
	struct vfs_iter it;

	(void)state;
	assert_int_equal(vfs_mknod(T_fs, NULL, "/c", VFS_S_IFCHR | 0666, VFS_MKDEV(1, 3), &T_root),
	                 0);
	assert_int_equal(vfs_mknod(T_fs, NULL, "/c2", VFS_S_IFCHR | 0666, VFS_MKDEV(1, 3), &user),
	                 -EACCES); /* the directory is root's; EPERM would come after */
	assert_int_equal(T_touch("/c", VFS_O_RDONLY, 0, NULL), -ENXIO);
	assert_int_equal(vfs_chrdev_register(1, 3, 2, &dev_fops), 0);
	assert_int_equal(vfs_chrdev_register(1, 4, 1, &dev_fops), -EBUSY);
	assert_int_equal(T_open("/c", VFS_O_RDONLY, 0, NULL, &f), 0);
	assert_int_equal(T_read(f, buf, sizeof(buf)), 3);
	vfs_iter_kernel(&it, buf, sizeof(buf));
	assert_int_equal(vfs_pread(f, &it, 0), -ESPIPE);
	assert_int_equal(vfs_lseek(f, 0, VFS_SEEK_SET), -ESPIPE);
	vfs_file_put(f);
	/* O_DIRECT: only where the file says it works (tmpfs does; this driver does not). */
	assert_int_equal(T_touch("/c", VFS_O_RDONLY | VFS_O_DIRECT, 0, NULL), -EINVAL);
	assert_int_equal(vfs_mknod(T_fs, NULL, "/fifo", VFS_S_IFIFO | 0666, 0, &T_root), 0);
	/* A FIFO: no waiting with O_NONBLOCK; a writer without a reader is ENXIO then. */
	assert_int_equal(T_touch("/fifo", VFS_O_RDONLY | VFS_O_NONBLOCK, 0, NULL), 0);
	assert_int_equal(T_touch("/fifo", VFS_O_WRONLY | VFS_O_NONBLOCK, 0, NULL), -ENXIO);
	assert_int_equal(vfs_mknod(T_fs, NULL, "/dir", VFS_S_IFDIR | 0755, 0, &T_root), -EPERM);
	assert_int_equal(vfs_mknod(T_fs, NULL, "/bad", 0170000, 0, &T_root), -EINVAL);
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/nodev", 0755, &T_root), 0);
	assert_int_equal(vfs_mount(T_fs, NULL, "/nodev", "fakefs", NULL, VFS_MNT_NODEV, &T_root),
	                 0);
	assert_int_equal(
	    vfs_mknod(T_fs, NULL, "/nodev/c", VFS_S_IFCHR | 0666, VFS_MKDEV(1, 3), &T_root), 0);
	assert_int_equal(T_touch("/nodev/c", VFS_O_RDONLY, 0, NULL), -EACCES);
	/* Without VFS_CAP_MKNOD: EPERM, after the directory's own checks. */
	vfs_fs_umask(T_fs, 0);
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/open", 0777, &T_root), 0);
	assert_int_equal(
	    vfs_mknod(T_fs, NULL, "/open/c", VFS_S_IFCHR | 0666, VFS_MKDEV(1, 3), &user), -EPERM);
	assert_int_equal(vfs_mknod(T_fs, NULL, "/open/r", 0644, 0, &user), 0);
}

static void test_io(void **state)
{
	struct vfs_file *a, *b;
	struct vfs_iter it;
	char buf[16] = {0};
	bool xfsz = false;
	struct vfs_cred lim = T_root;

	(void)state;
	assert_int_equal(T_open("/f", VFS_O_CREAT | VFS_O_RDWR, 0644, NULL, &a), 0);
	vfs_file_get(a); /* a dup: the same file, one offset */
	b = a;
	assert_int_equal(T_write(a, "abc"), 3);
	assert_int_equal(T_write(b, "def"), 3);
	assert_int_equal(vfs_lseek(a, 0, VFS_SEEK_CUR), 6);
	assert_int_equal(vfs_lseek(a, -2, VFS_SEEK_END), 4);
	assert_int_equal(T_read(b, buf, sizeof(buf)), 2);
	assert_string_equal(buf, "ef");
	assert_int_equal(vfs_lseek(a, -7, VFS_SEEK_CUR), -EINVAL);
	assert_int_equal(vfs_lseek(a, 0, 7), -EINVAL);
	assert_int_equal(vfs_lseek(a, 10, VFS_SEEK_DATA), -ENXIO);
	assert_int_equal(vfs_lseek(a, 1, VFS_SEEK_HOLE), 6);
	vfs_iter_kernel(&it, buf, 3);
	assert_int_equal(vfs_pread(a, &it, 1), 3);
	assert_memory_equal(buf, "bcd", 3);
	assert_int_equal(vfs_lseek(a, 0, VFS_SEEK_CUR), 6); /* pread leaves the offset */
	assert_int_equal(vfs_pread(a, &it, -1), -EINVAL);
	vfs_file_put(b);
	vfs_file_put(a);
	/* O_APPEND: at the end whatever the offset. */
	assert_int_equal(T_open("/f", VFS_O_WRONLY | VFS_O_APPEND, 0, NULL, &a), 0);
	assert_int_equal(T_write(a, "!"), 1);
	assert_int_equal(vfs_lseek(a, 0, VFS_SEEK_CUR), 7);
	assert_int_equal(vfs_file_set_flags(a, 0, &T_root), 0);
	assert_int_equal(vfs_file_flags(a) & VFS_O_APPEND, 0);
	assert_int_equal(T_read(a, buf, 1), -EBADF);
	/* RLIMIT_FSIZE: a write from the limit on is EFBIG (SIGXFSZ); one across it is cut short.
	 */
	lim.fsize_limit = 10;
	assert_int_equal(vfs_lseek(a, 8, VFS_SEEK_SET), 8);
	vfs_iter_kernel(&it, "12345", 5);
	assert_int_equal(vfs_write(a, &it, &lim, &xfsz), 2);
	assert_false(xfsz);
	vfs_iter_kernel(&it, "12345", 5);
	assert_int_equal(vfs_write(a, &it, &lim, &xfsz), -EFBIG);
	assert_true(xfsz);
	vfs_file_put(a);
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/d", 0755, &T_root), 0);
	assert_int_equal(T_open("/d", VFS_O_RDONLY, 0, NULL, &a), 0);
	assert_int_equal(T_read(a, buf, 1), -EISDIR);
	vfs_file_put(a);
}

/* Every allocation failing in turn: an error or success, never a leak (teardown checks). */
static void test_enomem(void **state)
{
	char name[32];
	int ok = 0;

	(void)state;
	for (long budget = 0; budget < 40; budget++) {
		struct vfs_file *f;
		int rc;

		fake_heap_budget = -1;
		vfs_mkdir(T_fs, NULL, "/tmpd", 0755, &T_root); /* -EEXIST after the first */
		snprintf(name, sizeof(name), "/tmpd/f%ld", budget);
		fake_heap_budget = budget;
		rc = T_open(name, VFS_O_CREAT | VFS_O_RDWR, 0644, NULL, &f);
		fake_heap_budget = -1;
		if (rc == 0) {
			ok++;
			vfs_file_put(f);
		} else {
			assert_int_equal(rc, -ENOMEM);
		}
	}
	assert_true(ok > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_create, vfs_test_setup, vfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_directories, vfs_test_setup, vfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_symlinks, vfs_test_setup, vfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_permissions, vfs_test_setup, vfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_setgid_dir, vfs_test_setup, vfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_devices, vfs_test_setup, vfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_io, vfs_test_setup, vfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_enomem, vfs_test_setup, vfs_test_teardown),
	};

	user = vfs_env_user(1000, 1000);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
