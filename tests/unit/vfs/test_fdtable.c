/* fd tables: lowest free fd, limits, dup2/dup3, close-on-exec, fork copies and sharing. */
#include "vfs_test.h"

static struct vfs_file *new_file(void)
{
	struct vfs_file *f;

	assert_int_equal(T_open("/f", VFS_O_CREAT | VFS_O_RDWR, 0644, NULL, &f), 0);
	return f;
}

static int install(struct vfs_fdtable *t, unsigned min, unsigned limit, bool cloexec)
{
	struct vfs_file *f = new_file();
	int fd = vfs_fd_install(t, f, min, limit, cloexec);

	if (fd < 0)
		vfs_file_put(f);
	return fd;
}

static void test_lowest(void **state)
{
	struct vfs_fdtable *t = vfs_fdt_new();

	(void)state;
	assert_non_null(t);
	for (int i = 0; i < 5; i++)
		assert_int_equal(install(t, 0, 1024, false), i);
	assert_int_equal(vfs_fd_close(t, 1), 0);
	assert_int_equal(vfs_fd_close(t, 3), 0);
	assert_int_equal(vfs_fd_close(t, 3), -EBADF);
	assert_int_equal(vfs_fd_close(t, -1), -EBADF);
	assert_int_equal(vfs_fd_close(t, 100000), -EBADF);
	assert_int_equal(install(t, 0, 1024, false), 1);
	assert_int_equal(install(t, 0, 1024, false), 3);
	assert_int_equal(install(t, 0, 1024, false), 5);
	/* F_DUPFD's minimum. */
	assert_int_equal(install(t, 10, 1024, false), 10);
	assert_int_equal(install(t, 0, 1024, false), 6);
	/* RLIMIT_NOFILE: the lowest free fd must be below it. */
	assert_int_equal(install(t, 0, 7, false), -EMFILE);
	assert_int_equal(install(t, 20, 20, false), -EMFILE);
	/* Growth past the first 64 slots, far out. */
	assert_int_equal(install(t, 5000, 1 << 20, false), 5000);
	{
		struct vfs_file *f = vfs_fd_get(t, 5000);

		assert_non_null(f);
		vfs_file_put(f);
	}
	assert_null(vfs_fd_get(t, 4999));
	assert_null(vfs_fd_get(t, -5));
	{
		int fds[16];

		assert_int_equal(vfs_fdt_list(t, fds, 16), 9);
		assert_int_equal(fds[8], 5000);
	}
	vfs_fdt_put(t);
}

static void test_dup2(void **state)
{
	struct vfs_fdtable *t = vfs_fdt_new();
	struct vfs_file *a, *b;

	(void)state;
	assert_int_equal(install(t, 0, 1024, false), 0);
	assert_int_equal(install(t, 0, 1024, true), 1);
	assert_int_equal(vfs_fd_dup2(t, 0, 0, 1024, false), 0); /* dup2 to itself: nothing */
	assert_int_equal(vfs_fd_dup2(t, 7, 3, 1024, false), -EBADF);
	assert_int_equal(vfs_fd_dup2(t, 0, 1024, 1024, false), -EBADF);
	assert_int_equal(vfs_fd_dup2(t, 0, -1, 1024, false), -EBADF);
	/* Over an open fd: replaced, its close-on-exec flag set anew. */
	assert_int_equal(vfs_fd_get_cloexec(t, 1), 1);
	assert_int_equal(vfs_fd_dup2(t, 0, 1, 1024, false), 1);
	assert_int_equal(vfs_fd_get_cloexec(t, 1), 0);
	a = vfs_fd_get(t, 0);
	b = vfs_fd_get(t, 1);
	assert_ptr_equal(a, b); /* one file: one offset */
	vfs_file_put(a);
	vfs_file_put(b);
	assert_int_equal(vfs_fd_dup2(t, 0, 300, 1024, true), 300);
	assert_int_equal(vfs_fd_get_cloexec(t, 300), 1);
	assert_int_equal(install(t, 0, 1024, false), 2);
	assert_int_equal(vfs_fd_set_cloexec(t, 2, true), 0);
	assert_int_equal(vfs_fd_set_cloexec(t, 9, true), -EBADF);
	assert_int_equal(vfs_fd_get_cloexec(t, 9), -EBADF);
	/* exec closes the close-on-exec fds. */
	vfs_fdt_exec(t);
	assert_null(vfs_fd_get(t, 300));
	assert_null(vfs_fd_get(t, 2));
	a = vfs_fd_get(t, 1);
	assert_non_null(a);
	vfs_file_put(a);
	vfs_fdt_put(t);
}

static void test_fork_share(void **state)
{
	struct vfs_fdtable *t = vfs_fdt_new(), *copy, *shared;
	struct vfs_file *a, *b;

	(void)state;
	assert_int_equal(install(t, 0, 1024, false), 0);
	assert_int_equal(install(t, 100, 1024, true), 100);
	assert_non_null(copy = vfs_fdt_copy(t));
	shared = vfs_fdt_share(t);
	/* The copy has the same files and flags, but its own table. */
	a = vfs_fd_get(t, 0);
	b = vfs_fd_get(copy, 0);
	assert_ptr_equal(a, b);
	vfs_file_put(a);
	vfs_file_put(b);
	assert_int_equal(vfs_fd_get_cloexec(copy, 100), 1);
	assert_int_equal(vfs_fd_close(copy, 0), 0);
	assert_non_null(a = vfs_fd_get(t, 0));
	vfs_file_put(a);
	/* The shared table is the same table. */
	assert_int_equal(vfs_fd_close(shared, 0), 0);
	assert_null(vfs_fd_get(t, 0));
	vfs_fdt_put(shared);
	vfs_fdt_put(copy);
	vfs_fdt_put(t);
}

/* An fd taken for an open in progress: not open, not free; dup2 onto it is EBUSY. */
static void test_reserve(void **state)
{
	struct vfs_fdtable *t = vfs_fdt_new(), *c;
	struct vfs_file *f;
	int fd;

	(void)state;
	assert_int_equal(install(t, 0, 1024, false), 0);
	fd = vfs_fd_reserve(t, 0, 1024);
	assert_int_equal(fd, 1);
	assert_null(vfs_fd_get(t, 1));
	assert_int_equal(vfs_fd_close(t, 1), -EBADF);
	assert_int_equal(vfs_fd_dup2(t, 0, 1, 1024, false), -EBUSY);
	assert_int_equal(install(t, 0, 1024, false), 2);
	assert_int_equal(vfs_fd_reserve(t, 0, 3), -EMFILE);
	assert_non_null(c = vfs_fdt_copy(t)); /* a fork meanwhile: the child has no such fd */
	assert_int_equal(install(c, 0, 1024, false), 1);
	vfs_fdt_put(c);
	vfs_fd_fill(t, fd, new_file(), true);
	assert_non_null(f = vfs_fd_get(t, 1));
	vfs_file_put(f);
	assert_int_equal(vfs_fd_get_cloexec(t, 1), 1);
	fd = vfs_fd_reserve(t, 0, 1024);
	assert_int_equal(fd, 3);
	vfs_fd_unreserve(t, fd);
	assert_int_equal(install(t, 0, 1024, false), 3);
	vfs_fdt_put(t);
}

/* Every allocation failing in turn: NULL or -ENOMEM, and nothing leaks (teardown checks). */
static void test_enomem(void **state)
{
	(void)state;
	for (long budget = 0; budget < 8; budget++) {
		struct vfs_fdtable *t, *c;
		struct vfs_file *f = new_file();
		int fd;

		fake_heap_budget = budget;
		t = vfs_fdt_new();
		c = t ? vfs_fdt_copy(t) : NULL;
		fd = t ? vfs_fd_install(t, f, 4000, 1 << 20, false) : -ENOMEM;
		fake_heap_budget = -1;
		assert_true(fd == 4000 || fd == -ENOMEM);
		if (fd < 0)
			vfs_file_put(f);
		if (c)
			vfs_fdt_put(c);
		if (t)
			vfs_fdt_put(t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_lowest, vfs_test_setup, vfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_dup2, vfs_test_setup, vfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_fork_share, vfs_test_setup, vfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_reserve, vfs_test_setup, vfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_enomem, vfs_test_setup, vfs_test_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
