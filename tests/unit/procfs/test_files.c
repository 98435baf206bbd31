/*
 * /proc's own files and /sys: the directory, self and thread-self, each
 * machine file byte for byte in Linux's format, config.gz through a real
 * gzip reader, the seq_file reading rules.
 */
#include "procfs_test.h"
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <klib/crc32.h>

static void expect_file(const char *path, const char *want)
{
	char *got = T_read(path, NULL);

	assert_string_equal(got, want);
	free(got);
}

static void test_root_dir(void **state)
{
	struct vfs_stat st;
	struct vfs_path p;
	struct vfs_statfs sfs;
	char *names, buf[64];

	(void)state;
	T_proc_add(1, "init", 'S');
	T_proc_add(42, "sh", 'R');
	T_proc_add(7, "daemon", 'S');
	names = T_list("/proc");
	assert_string_equal(names, "cmdline config.gz cpuinfo filesystems loadavg meminfo mounts "
	                           "stat sys sysvipc uptime version self thread-self 1 7 42");
	free(names);
	assert_int_equal(vfs_lookup(T_fs, NULL, "/proc", 0, &T_root, &p), 0);
	assert_int_equal(vfs_getattr(&p, &st), 0);
	assert_int_equal(st.mode, VFS_S_IFDIR | 0555);
	assert_int_equal(vfs_statfs(&p, &sfs), 0);
	assert_int_equal(sfs.type, PROCFS_SUPER_MAGIC);
	vfs_path_put(&p);

	/* self and thread-self name the caller; a kernel task has neither. */
	T_current = 42;
	assert_int_equal(T_readlink("/proc/self", buf, sizeof(buf)), 2);
	assert_string_equal(buf, "42");
	assert_int_equal(T_readlink("/proc/thread-self", buf, sizeof(buf)), 10);
	assert_string_equal(buf, "42/task/42");
	assert_int_equal(T_readlink("/proc/self", buf, 2), 1); /* cut as readlink(2) cuts */
	assert_int_equal(T_readlink("/proc/mounts", buf, sizeof(buf)), 11);
	assert_string_equal(buf, "self/mounts");
	assert_int_equal(vfs_lookup(T_fs, NULL, "/proc/self/stat", VFS_LOOKUP_FOLLOW, &T_root, &p),
	                 0);
	vfs_path_put(&p);
	assert_int_equal(
	    vfs_lookup(T_fs, NULL, "/proc/thread-self/comm", VFS_LOOKUP_FOLLOW, &T_root, &p), 0);
	vfs_path_put(&p);
	T_current = 0;
	assert_int_equal(T_readlink("/proc/self", buf, sizeof(buf)), -ENOENT);

	/* Names that are not processes. */
	assert_int_equal(vfs_lookup(T_fs, NULL, "/proc/3", 0, &T_root, &p), -ENOENT);
	assert_int_equal(vfs_lookup(T_fs, NULL, "/proc/042", 0, &T_root, &p), -ENOENT);
	assert_int_equal(vfs_lookup(T_fs, NULL, "/proc/0", 0, &T_root, &p), -ENOENT);
	assert_int_equal(vfs_lookup(T_fs, NULL, "/proc/-1", 0, &T_root, &p), -ENOENT);
	assert_int_equal(vfs_lookup(T_fs, NULL, "/proc/nothing", 0, &T_root, &p), -ENOENT);
	/* A process that ends leaves /proc. */
	T_proc_del(7);
	names = T_list("/proc");
	assert_non_null(strstr(names, "self thread-self 1 42"));
	free(names);
	/* Nothing can be made in /proc: its lookups say ENOENT (Linux's), /sys leaves it to EPERM.
	 */
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/proc/x", 0755, &T_root), -ENOENT);
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/proc/1/x", 0755, &T_root), -ENOENT);
	{
		struct vfs_file *f;
		struct vfs_cred user = vfs_env_user(1000, 1000);

		assert_int_equal(
		    vfs_open(T_fs, NULL, "/proc/new", VFS_O_CREAT | VFS_O_WRONLY, 0644, &user, &f),
		    -ENOENT);
	}
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/sys/x", 0755, &T_root), -EPERM);
}

static void test_meminfo(void **state)
{
	char *text;

	(void)state;
	T_meminfo = (struct procfs_meminfo){.total = 16384,
	                                    .free = 12000,
	                                    .available = 12000,
	                                    .cached = 300,
	                                    .shmem = 200,
	                                    .anon = 50,
	                                    .active_anon = 250,
	                                    .kernel_stack_kb = 64,
	                                    .page_tables = 7,
	                                    .slab_unreclaimable = 9,
	                                    .commit_limit = 8192,
	                                    .committed = 400,
	                                    .vmalloc_total_kb = 123456789};
	text = T_read("/proc/meminfo", NULL);
	assert_string_equal(text, "MemTotal:          65536 kB\n"
	                          "MemFree:           48000 kB\n"
	                          "MemAvailable:      48000 kB\n"
	                          "Buffers:               0 kB\n"
	                          "Cached:             1200 kB\n"
	                          "SwapCached:            0 kB\n"
	                          "Active:             1000 kB\n"
	                          "Inactive:              0 kB\n"
	                          "Active(anon):       1000 kB\n"
	                          "Inactive(anon):        0 kB\n"
	                          "Active(file):          0 kB\n"
	                          "Inactive(file):        0 kB\n"
	                          "Unevictable:           0 kB\n"
	                          "Mlocked:               0 kB\n"
	                          "SwapTotal:             0 kB\n"
	                          "SwapFree:              0 kB\n"
	                          "Dirty:                 0 kB\n"
	                          "Writeback:             0 kB\n"
	                          "AnonPages:           200 kB\n"
	                          "Mapped:                0 kB\n"
	                          "Shmem:               800 kB\n"
	                          "KReclaimable:          0 kB\n"
	                          "Slab:                 36 kB\n"
	                          "SReclaimable:          0 kB\n"
	                          "SUnreclaim:           36 kB\n"
	                          "KernelStack:          64 kB\n"
	                          "PageTables:           28 kB\n"
	                          "SecPageTables:         0 kB\n"
	                          "NFS_Unstable:          0 kB\n"
	                          "Bounce:                0 kB\n"
	                          "WritebackTmp:          0 kB\n"
	                          "CommitLimit:       32768 kB\n"
	                          "Committed_AS:       1600 kB\n"
	                          "VmallocTotal:   123456789 kB\n"
	                          "VmallocUsed:           0 kB\n"
	                          "VmallocChunk:          0 kB\n"
	                          "Percpu:                0 kB\n"
	                          "HugePages_Total:       0\n"
	                          "HugePages_Free:        0\n"
	                          "HugePages_Rsvd:        0\n"
	                          "HugePages_Surp:        0\n"
	                          "Hugepagesize:       2048 kB\n"
	                          "Hugetlb:               0 kB\n");
	free(text);
}

static void test_machine_files(void **state)
{
	(void)state;
	T_proc_add(1, "init", 'S');
	T_current = 1; /* /proc/mounts is self/mounts */
	T_kstat = (struct procfs_kstat){.user_ns = 1234560000000ull,
	                                .system_ns = 20000000,
	                                .idle_ns = 3000000000ull,
	                                .uptime_ns = 4567890000000ull,
	                                .boot_time = 1700000000,
	                                .interrupts = 99,
	                                .context_switches = 555,
	                                .forks = 12,
	                                .running = 2,
	                                .blocked = 1,
	                                .threads = 9,
	                                .last_pid = 31,
	                                .loadavg = {2048, 1024 + 512, 0}};
	expect_file("/proc/stat", "cpu  123456 0 2 300 0 0 0 0 0 0\n"
	                          "cpu0 123456 0 2 300 0 0 0 0 0 0\n"
	                          "intr 99\nctxt 555\nbtime 1700000000\nprocesses 12\n"
	                          "procs_running 2\nprocs_blocked 1\n"
	                          "softirq 0 0 0 0 0 0 0 0 0 0 0\n");
	expect_file("/proc/uptime", "4567.89 3.00\n");
	expect_file("/proc/loadavg", "1.00 0.75 0.00 2/9 31\n");
	expect_file("/proc/version",
	            "Linux version 6.1.0-unikit (builder@host) (cc 1.0) #1 unikit\n");
	expect_file("/proc/cmdline", "init=/prog -- a b\n");
	expect_file("/proc/filesystems", "nodev\ttmpfs\nnodev\tproc\nnodev\tsysfs\n");
	expect_file("/proc/mounts", "rootfs / tmpfs rw,relatime,mode=755,inode64 0 0\n"
	                            "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n"
	                            "sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\n");
}

static void test_cpuinfo(void **state)
{
	char *text, want[2048];
	int n, m;

	(void)state;
	T_ncpus = 3;
	n = sprintf(want, "processor\t: 0\nhart\t\t: 10\n\n");
	m = sprintf(want + n, "processor\t: 1\nhart\t\t: 11\n");
	while (m < 1000) /* what the fake writes for CPU 1, which needs a second try */
		m += sprintf(want + n + m, "flags\t\t: long\n");
	sprintf(want + n + m, "\nprocessor\t: 2\nhart\t\t: 12\n\n");
	text = T_read("/proc/cpuinfo", NULL);
	assert_int_equal(strlen(text), strlen(want));
	assert_string_equal(text, want);
	free(text);
}

/* gzip -dc, the host's, reads the stream; its bytes are checked by hand too. */
static void test_config_gz(void **state)
{
	char *gz = malloc(1 << 16), text[8192], path[] = "/tmp/procfs-config-XXXXXX";
	struct vfs_file *f;
	struct vfs_stat st;
	size_t len = 0, n;
	long got;
	FILE *out;
	int fd;

	(void)state;
	assert_int_equal((int)kcrc32(0, "123456789", 9), (int)0xcbf43926u); /* the check value */
	assert_int_equal(T_open("/proc/config.gz", VFS_O_RDONLY, NULL, &f), 0);
	while ((got = T_fread(f, gz + len, 100)) > 0)
		len += (size_t)got;
	assert_int_equal(vfs_getattr(vfs_file_path(f), &st), 0);
	assert_int_equal(st.size, len); /* its size is known, as Linux's is */
	vfs_file_put(f);
	assert_true(len > 18);
	assert_int_equal((unsigned char)gz[0], 0x1f);
	assert_int_equal((unsigned char)gz[1], 0x8b);
	assert_int_equal(gz[2], 8);
	assert_int_equal(gz[10], 1); /* one stored block, the last */

	assert_true((fd = mkstemp(path)) >= 0);
	assert_int_equal(write(fd, gz, len), (ssize_t)len);
	close(fd);
	snprintf(text, sizeof(text), "gzip -dc < %s", path);
	assert_non_null(out = popen(text, "r"));
	n = fread(text, 1, sizeof(text) - 1, out);
	text[n] = '\0';
	assert_int_equal(pclose(out), 0); /* gzip checked the CRC-32 and the length */
	unlink(path);
	assert_non_null(strstr(text, "\nCONFIG_SYSVIPC=y\n"));
	assert_non_null(strstr(text, "\nCONFIG_CHECKPOINT_RESTORE=y\n"));
	assert_non_null(strstr(text, "\nCONFIG_HUGETLBFS=y\n"));
	assert_null(strstr(text, "LOCKDEP"));
	free(gz);
}

static void test_sysfs(void **state)
{
	const char *nr = "/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages";
	char *names;
	struct vfs_path p;

	(void)state;
	T_ncpus = 4;
	names = T_list("/sys/devices/system/cpu");
	assert_string_equal(names,
	                    "kernel_max offline online possible present cpu0 cpu1 cpu2 cpu3");
	free(names);
	expect_file("/sys/devices/system/cpu/online", "0-3\n");
	expect_file("/sys/devices/system/cpu/possible", "0-3\n");
	expect_file("/sys/devices/system/cpu/kernel_max", "3\n");
	expect_file("/sys/devices/system/cpu/offline", "\n");
	assert_int_equal(vfs_lookup(T_fs, NULL, "/sys/devices/system/cpu/cpu3", 0, &T_root, &p), 0);
	vfs_path_put(&p);
	assert_int_equal(vfs_lookup(T_fs, NULL, "/sys/devices/system/cpu/cpu4", 0, &T_root, &p),
	                 -ENOENT);
	T_ncpus = 1;
	expect_file("/sys/devices/system/cpu/online", "0\n");
	/* The hstates, each with an empty pool; nr_hugepages takes a count and stays 0. */
	names = T_list("/sys/kernel/mm/hugepages");
	assert_string_equal(names, "hugepages-1048576kB hugepages-2048kB");
	free(names);
	names = T_list("/sys/kernel/mm/hugepages/hugepages-2048kB");
	assert_string_equal(names, "free_hugepages nr_hugepages nr_overcommit_hugepages "
	                           "resv_hugepages surplus_hugepages");
	free(names);
	expect_file("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", "0\n");
	assert_int_equal(T_write(nr, "4\n", &T_root), 2);
	assert_int_equal(T_write(nr, "x", &T_root), -EINVAL);
	expect_file(nr, "0\n");
}

/*
 * seq_file's rules: a read at 0 makes fresh text; small reads and large
 * ones give the same bytes; pread anywhere; lseek with SET and CUR only.
 */
static void test_seq_reading(void **state)
{
	char *whole, *pieces, buf[64];
	struct vfs_file *f;
	struct vfs_iter it;

	(void)state;
	T_meminfo.total = 1;
	whole = T_read("/proc/meminfo", NULL);
	pieces = T_read_chunks("/proc/meminfo", 7);
	assert_string_equal(whole, pieces);
	free(pieces);

	assert_int_equal(T_open("/proc/meminfo", VFS_O_RDONLY, NULL, &f), 0);
	assert_int_equal(T_fread(f, buf, 30), 30);
	assert_int_equal(memcmp(buf, "MemTotal:              4 kB\nMe", 30), 0);
	T_meminfo.total = 2; /* the text already made goes on... */
	assert_int_equal(T_fread(f, buf, 5), 5);
	assert_int_equal(memcmp(buf, "mFree", 5), 0);
	assert_int_equal(vfs_lseek(f, 0, VFS_SEEK_SET), 0); /* ...a read at 0 makes it anew */
	assert_int_equal(T_fread(f, buf, 28), 28);
	assert_int_equal(memcmp(buf, "MemTotal:              8 kB\n", 28), 0);
	assert_int_equal(vfs_lseek(f, 0, VFS_SEEK_END), -EINVAL);
	assert_int_equal(vfs_lseek(f, -100, VFS_SEEK_CUR), -EINVAL);
	assert_int_equal(vfs_lseek(f, 2, VFS_SEEK_CUR), 30);
	assert_int_equal(T_fread(f, buf, 4), 4);
	assert_int_equal(memcmp(buf, "mFre", 4), 0);
	vfs_iter_kernel(&it, buf, 8);
	assert_int_equal(vfs_pread(f, &it, 3), 8);
	assert_int_equal(memcmp(buf, "Total:  ", 8), 0);
	vfs_iter_kernel(&it, buf, 8);
	assert_int_equal(vfs_pread(f, &it, 100000), 0);
	vfs_file_put(f);
	free(whole);
	/* Not writable: refused at open by the mode, or by the file (root). */
	{
		struct vfs_cred user = vfs_env_user(1000, 1000);

		assert_int_equal(T_write("/proc/meminfo", "x", &user), -EACCES);
		assert_int_equal(T_write("/proc/meminfo", "x", NULL), -EIO);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_root_dir, procfs_test_setup, procfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_meminfo, procfs_test_setup, procfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_machine_files, procfs_test_setup,
	                                    procfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_cpuinfo, procfs_test_setup, procfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_config_gz, procfs_test_setup,
	                                    procfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_sysfs, procfs_test_setup, procfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_seq_reading, procfs_test_setup,
	                                    procfs_test_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
