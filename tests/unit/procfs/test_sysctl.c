/*
 * /proc/sys with Linux's rules (the parsers of kernel/sysctl.c, the
 * permissions of sysctl_perm) and the System V shared memory files:
 * kernel.shm* through ipc-shm's limits, /proc/sysvipc/shm byte for byte.
 */
#include "procfs_test.h"
#include <stdio.h>
#include <stdlib.h>

static long int_value = 7, range_value = 5;
static unsigned long ulong_value = 10;
static char str_value[8] = "unikit";

static int get_long(void *ctx, void *v)
{
	*(long *)v = *(long *)ctx;
	return 0;
}

static int set_long(void *ctx, const void *v)
{
	*(long *)ctx = *(const long *)v;
	return 0;
}

static int get_ulong(void *ctx, void *v)
{
	*(unsigned long *)v = *(unsigned long *)ctx;
	return 0;
}

static int set_ulong(void *ctx, const void *v)
{
	*(unsigned long *)ctx = *(const unsigned long *)v;
	return 0;
}

static int get_str(void *ctx, void *v)
{
	strcpy(v, ctx);
	return 0;
}

static int set_str(void *ctx, const void *v)
{
	strcpy(ctx, v);
	return 0;
}

static const struct procfs_sysctl table[] = {
    {.path = "kernel/plain",
     .mode = 0644,
     .kind = PROCFS_SYSCTL_INT,
     .get = get_long,
     .set = set_long,
     .ctx = &int_value},
    {.path = "vm/ranged",
     .mode = 0644,
     .kind = PROCFS_SYSCTL_INT,
     .range = true,
     .min = 0,
     .max = 2,
     .get = get_long,
     .set = set_long,
     .ctx = &range_value},
    {.path = "kernel/big",
     .mode = 0644,
     .kind = PROCFS_SYSCTL_ULONG,
     .get = get_ulong,
     .set = set_ulong,
     .ctx = &ulong_value},
    {.path = "kernel/name",
     .mode = 0644,
     .kind = PROCFS_SYSCTL_STRING,
     .maxlen = 8,
     .get = get_str,
     .set = set_str,
     .ctx = str_value},
    {.path = "kernel/ro",
     .mode = 0444,
     .kind = PROCFS_SYSCTL_INT,
     .get = get_long,
     .set = set_long,
     .ctx = &int_value},
    {.path = "net/core/deep",
     .mode = 0644,
     .kind = PROCFS_SYSCTL_INT,
     .get = get_long,
     .set = set_long,
     .ctx = &int_value},
};

static int setup(void **state)
{
	procfs_test_setup(state);
	int_value = 7, range_value = 5, ulong_value = 10;
	strcpy(str_value, "unikit");
	assert_int_equal(procfs_sysctl_register(table, sizeof(table) / sizeof(table[0])), 0);
	return 0;
}

static void expect_file(const char *path, const char *want)
{
	char *got = T_read(path, NULL);

	assert_string_equal(got, want);
	free(got);
}

static void test_tree(void **state)
{
	static const struct procfs_sysctl bad[] = {
	    {.path = "noslash", .get = get_long, .set = set_long},
	    {.path = "a//b", .get = get_long, .set = set_long},
	    {.path = "kernel/plain", .get = get_long, .set = set_long},
	};
	struct vfs_path p;
	struct vfs_stat st;
	char *names;

	(void)state;
	names = T_list("/proc/sys");
	assert_string_equal(names, "kernel net vm");
	free(names);
	names = T_list("/proc/sys/kernel");
	assert_string_equal(names, "big name plain ro shm_next_id shm_rmid_forced shmall shmmax "
	                           "shmmni");
	free(names);
	names = T_list("/proc/sys/net/core");
	assert_string_equal(names, "deep");
	free(names);
	expect_file("/proc/sys/net/core/deep", "7\n");
	assert_int_equal(vfs_lookup(T_fs, NULL, "/proc/sys/kernel/nothing", 0, &T_root, &p),
	                 -ENOENT);
	assert_int_equal(vfs_lookup(T_fs, NULL, "/proc/sys/kernel/ro", 0, &T_root, &p), 0);
	assert_int_equal(vfs_getattr(&p, &st), 0);
	assert_int_equal(st.mode, VFS_S_IFREG | 0444);
	vfs_path_put(&p);
	assert_int_equal(procfs_sysctl_register(&bad[0], 1), -EINVAL);
	assert_int_equal(procfs_sysctl_register(&bad[1], 1), -EINVAL);
	assert_int_equal(procfs_sysctl_register(&bad[2], 1), -EEXIST);
}

/* proc_dointvec(_minmax) and proc_doulongvec_minmax, one value. */
static void test_numbers(void **state)
{
	struct vfs_file *f;
	struct vfs_iter it;
	char buf[16];

	(void)state;
	expect_file("/proc/sys/kernel/plain", "7\n");
	assert_int_equal(T_write("/proc/sys/kernel/plain", "-12\n", NULL), 4);
	expect_file("/proc/sys/kernel/plain", "-12\n");
	assert_int_equal(T_write("/proc/sys/kernel/plain", "  0x10", NULL), 6);
	assert_int_equal(int_value, 16);
	assert_int_equal(T_write("/proc/sys/kernel/plain", "010", NULL), 3);
	assert_int_equal(int_value, 8); /* base 0: octal */
	assert_int_equal(T_write("/proc/sys/kernel/plain", "2147483647", NULL), 10);
	assert_int_equal(T_write("/proc/sys/kernel/plain", "-2147483648", NULL), 11);
	assert_int_equal(int_value, -2147483648l);
	assert_int_equal(T_write("/proc/sys/kernel/plain", "2147483648", NULL), -EINVAL);
	assert_int_equal(T_write("/proc/sys/kernel/plain", "5x", NULL), -EINVAL);
	assert_int_equal(T_write("/proc/sys/kernel/plain", "x", NULL), -EINVAL);
	assert_int_equal(T_write("/proc/sys/kernel/plain", "  \n", NULL), -EINVAL);
	assert_int_equal(T_write("/proc/sys/kernel/plain", "-", NULL), -EINVAL);
	assert_int_equal(T_write("/proc/sys/kernel/plain", "000000000000000000001", NULL), -EINVAL);
	/* One value is taken, and the blanks after it: the rest is the caller's next write. */
	assert_int_equal(T_write("/proc/sys/kernel/plain", "5 6", NULL), 2);
	assert_int_equal(int_value, 5);
	/* Ranges. */
	assert_int_equal(T_write("/proc/sys/vm/ranged", "2", NULL), 1);
	assert_int_equal(T_write("/proc/sys/vm/ranged", "3", NULL), -EINVAL);
	assert_int_equal(T_write("/proc/sys/vm/ranged", "-1", NULL), -EINVAL);
	assert_int_equal(range_value, 2);
	/* Unsigned long: no sign; the whole range. */
	assert_int_equal(T_write("/proc/sys/kernel/big", "18446744073709551615", NULL), 20);
	expect_file("/proc/sys/kernel/big", "18446744073709551615\n");
	assert_int_equal(T_write("/proc/sys/kernel/big", "-1", NULL), -EINVAL);
	assert_int_equal(T_write("/proc/sys/kernel/big", "18446744073709551616", NULL), -EINVAL);

	/* A read past 0 gives nothing; a write past 0 is ignored (sysctl_writes_strict). */
	assert_int_equal(T_open("/proc/sys/kernel/plain", VFS_O_RDWR, NULL, &f), 0);
	assert_int_equal(T_fread(f, buf, 1), 1);
	assert_int_equal(buf[0], '5');
	assert_int_equal(T_fread(f, buf, sizeof(buf)), 0);
	vfs_iter_kernel(&it, "9", 1);
	assert_int_equal(vfs_write(f, &it, &T_root, NULL), 1);
	assert_int_equal(int_value, 5);
	vfs_file_put(f);
}

/* proc_dostring: a newline ends it, the length is cut, a write past 0 continues it. */
static void test_strings(void **state)
{
	struct vfs_file *f;
	struct vfs_iter it;

	(void)state;
	expect_file("/proc/sys/kernel/name", "unikit\n");
	assert_int_equal(T_write("/proc/sys/kernel/name", "host\nignored", NULL), 12);
	assert_string_equal(str_value, "host");
	assert_int_equal(T_write("/proc/sys/kernel/name", "0123456789", NULL), 10);
	assert_string_equal(str_value, "0123456");
	assert_int_equal(T_open("/proc/sys/kernel/name", VFS_O_WRONLY, NULL, &f), 0);
	vfs_iter_kernel(&it, "ab", 2);
	assert_int_equal(vfs_write(f, &it, &T_root, NULL), 2);
	vfs_iter_kernel(&it, "cd", 2);
	assert_int_equal(vfs_write(f, &it, &T_root, NULL), 2);
	vfs_file_put(f);
	assert_string_equal(str_value, "abcd");
}

/* sysctl_perm: root's euid gets the owner's bits, capabilities or not; EPERM once it is gone. */
static void test_permissions(void **state)
{
	struct vfs_cred user = vfs_env_user(1000, 1000), root_grp = vfs_env_user(1000, 0);
	struct vfs_cred capable = vfs_env_root();
	struct vfs_file *f;
	struct vfs_iter it;

	(void)state;
	capable.uid = 1000;
	expect_file("/proc/sys/kernel/plain", "7\n"); /* everyone reads */
	assert_int_equal(T_write("/proc/sys/kernel/plain", "1", &user), -EACCES);
	assert_int_equal(T_write("/proc/sys/kernel/plain", "1", &root_grp), -EACCES);
	assert_int_equal(T_write("/proc/sys/kernel/plain", "1", &capable), -EACCES);
	assert_int_equal(T_write("/proc/sys/kernel/ro", "1", NULL), -EACCES); /* not even root */
	assert_int_equal(int_value, 7);
	/* Opened by root, written after a change of ids. */
	assert_int_equal(T_open("/proc/sys/kernel/plain", VFS_O_WRONLY, NULL, &f), 0);
	vfs_iter_kernel(&it, "3", 1);
	assert_int_equal(vfs_write(f, &it, &user, NULL), -EPERM);
	vfs_file_put(f);
	/* Nothing under /proc/sys executes. */
	assert_int_equal(T_open("/proc/sys/kernel/plain", VFS_O_RDONLY, NULL, &f), 0);
	assert_int_equal(vfs_permission(vfs_file_path(f), VFS_MAY_EXEC, &T_root), -EACCES);
	vfs_file_put(f);
}

static int create(uint32_t key, size_t size, int flags)
{
	struct shm_caller c = {.pid = T_current, .euid = 1000, .egid = 100, .caps = 0};

	return shm_get(T_shm, &c, (int32_t)key, size, flags);
}

/* kernel.shm*: ipc-shm's limits, with Linux's ranges and shm_next_id's rule. */
static void test_shm_sysctls(void **state)
{
	struct vfs_cred user = vfs_env_user(1000, 1000), admin = vfs_env_root();
	struct shm_limits l;
	int id;

	(void)state;
	T_current = 10;
	expect_file("/proc/sys/kernel/shmmax", "18446744073692774399\n");
	expect_file("/proc/sys/kernel/shmall", "18446744073692774399\n");
	expect_file("/proc/sys/kernel/shmmni", "4096\n");
	expect_file("/proc/sys/kernel/shm_rmid_forced", "0\n");
	expect_file("/proc/sys/kernel/shm_next_id", "-1\n");

	assert_int_equal(T_write("/proc/sys/kernel/shmmax", "8192\n", NULL), 5);
	shm_ns_get_limits(T_shm, &l);
	assert_int_equal(l.shmmax, 8192);
	assert_int_equal(create(IPC_PRIVATE, 8193, 0600), -EINVAL);
	assert_int_equal(T_write("/proc/sys/kernel/shmmni", "1", NULL), 1);
	assert_int_equal(id = create(IPC_PRIVATE, 100, 0600), 0);
	assert_int_equal(create(IPC_PRIVATE, 100, 0600), -ENOSPC);
	assert_int_equal(T_write("/proc/sys/kernel/shmmni", "32769", NULL), -EINVAL);
	assert_int_equal(T_write("/proc/sys/kernel/shmmni", "-1", NULL), -EINVAL);
	assert_int_equal(T_write("/proc/sys/kernel/shm_rmid_forced", "2", NULL), -EINVAL);
	assert_int_equal(T_write("/proc/sys/kernel/shm_rmid_forced", "1", NULL), 1);
	expect_file("/proc/sys/kernel/shmmni", "1\n");
	expect_file("/proc/sys/kernel/shm_rmid_forced", "1\n");
	shm_ns_get_limits(T_shm, &l);
	assert_int_equal(l.shmmax, 8192); /* one field written leaves the others */

	/* shm_next_id: 0444, writable by CAP_SYS_ADMIN; 0..INT_MAX; spent by the next creation. */
	assert_int_equal(T_write("/proc/sys/kernel/shmmni", "4096", NULL), 4);
	assert_int_equal(T_write("/proc/sys/kernel/shm_next_id", "5", &user), -EACCES);
	assert_int_equal(T_write("/proc/sys/kernel/shm_next_id", "-1", &admin), -EINVAL);
	assert_int_equal(T_write("/proc/sys/kernel/shm_next_id", "98765", &admin), 5);
	expect_file("/proc/sys/kernel/shm_next_id", "98765\n");
	assert_int_equal(create(IPC_PRIVATE, 100, 0600), 98765);
	expect_file("/proc/sys/kernel/shm_next_id", "-1\n");
	/* Root without CAP_SYS_ADMIN: the mode's 0444 applies. */
	admin.caps = 0;
	assert_int_equal(T_write("/proc/sys/kernel/shm_next_id", "5", &admin), -EACCES);
	(void)id;
}

/* /proc/sysvipc/shm: sysvipc_shm_proc_show's widths, a line per segment in index order. */
static void test_sysvipc_shm(void **state)
{
	struct shm_caller c = {.pid = 33, .euid = 1000, .egid = 100};
	char want[1024], *text;
	int a, b;

	(void)state;
	expect_file(
	    "/proc/sysvipc/shm",
	    "       key      shmid perms                  size  cpid  lpid nattch   uid   gid "
	    " cuid  cgid      atime      dtime      ctime                   rss              "
	    "    swap\n");
	T_current = 33;
	T_shm_time = 1700000200;
	assert_int_equal(a = shm_get(T_shm, &c, 0x1234abcd, 5000, IPC_CREAT | 0640), 0);
	T_shm_time = 1700000300;
	assert_int_equal(b = shm_get(T_shm, &c, -5, 4096, IPC_CREAT | 0600), 1);
	assert_int_equal(
	    shm_ctl(T_shm, &(struct shm_caller){.euid = 1000, .pid = 33}, a, IPC_RMID, NULL), 0);
	assert_int_equal(a = shm_get(T_shm, &c, IPC_PRIVATE, 1, 0666), 2);
	text = T_read("/proc/sysvipc/shm", NULL);
	snprintf(
	    want, sizeof(want),
	    "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  "
	    "cuid  cgid      atime      dtime      ctime                   rss                  "
	    "swap\n"
	    "        -5          1   600                  4096    33     0      0  1000   100  "
	    "1000   100          0          0 1700000300                     0                 "
	    "    0\n"
	    "         0          2   666                     1    33     0      0  1000   100  "
	    "1000   100          0          0 1700000300                     0                 "
	    "    0\n");
	assert_string_equal(text, want);
	free(text);
	text = T_read_chunks("/proc/sysvipc/shm", 11);
	assert_string_equal(text, want);
	free(text);
	(void)b;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_tree, setup, procfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_numbers, setup, procfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_strings, setup, procfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_permissions, setup, procfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_shm_sysctls, setup, procfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_sysvipc_shm, setup, procfs_test_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
