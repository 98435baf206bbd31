/*
 * /proc/<pid>: stat, statm, status, limits, comm, oom_score_adj, cmdline,
 * environ, maps, fd/, exe, cwd, root, task/, in Linux's formats; what an
 * unpermitted reader sees; a process that goes away.
 */
#include "procfs_test.h"
#include <stdio.h>
#include <stdlib.h>

static void expect_file(const char *path, const char *want)
{
	char *got = T_read(path, NULL);

	assert_string_equal(got, want);
	free(got);
}

static struct fproc *sample(void)
{
	struct fproc *p = T_proc_add(5, "prog", 'S');

	p->info.ppid = 1;
	p->info.pgid = 5;
	p->info.sid = 1;
	p->info.uid[0] = 1000, p->info.uid[1] = 1001, p->info.uid[2] = 1002, p->info.uid[3] = 1003;
	p->info.gid[0] = 100, p->info.gid[1] = 101, p->info.gid[2] = 102, p->info.gid[3] = 103;
	p->info.fd_size = 64;
	p->info.utime_ns = 250000000;
	p->info.stime_ns = 30000000;
	p->info.start_ns = 1500000000;
	p->info.sig_blocked = 1ull << 9;
	p->info.sig_ignored = 1ull << 12;
	p->info.sig_caught = (1ull << 9) | (1ull << 63);
	p->info.cap_prm = p->info.cap_eff = p->info.cap_bnd = 0x1ffffffffffull;
	p->info.sigq_limit = 1000;
	p->info.rsslim = ~0ull;
	p->info.nvcsw = 7;
	p->info.has_mm = true;
	p->info.vm_pages = 300;
	p->info.vm_peak = 320;
	p->info.rss_anon = 10, p->info.rss_file = 20, p->info.rss_shmem = 3;
	p->info.vm_data = 40, p->info.vm_stack = 33, p->info.vm_exec = 30;
	p->info.start_code = 0x10000, p->info.end_code = 0x12345;
	p->info.start_data = 0x20000, p->info.end_data = 0x21000;
	p->info.start_brk = 0x22000, p->info.start_stack = 0x3ffffff000;
	p->groups[0] = 100, p->groups[1] = 27;
	p->ngroups = 2;
	return p;
}

static void test_stat(void **state)
{
	char *names;

	(void)state;
	sample();
	names = T_list("/proc/5");
	assert_string_equal(names, "task fd environ status limits comm cmdline stat statm maps cwd "
	                           "root exe mounts oom_score_adj");
	free(names);
	expect_file(
	    "/proc/5/stat",
	    "5 (prog) S 1 5 1 0 -1 0 0 0 0 0 25 3 0 0 20 0 1 0 150 1228800 33 "
	    "18446744073709551615 65536 74565 274877902848 0 0 0 512 4096 512 1 0 0 17 0 0 0 "
	    "0 0 0 131072 135168 139264 0 0 0 0 0\n");
	/* An unpermitted reader sees no addresses (do_task_stat's 'permitted'). */
	T_proc(5)->secret = true;
	expect_file("/proc/5/stat",
	            "5 (prog) S 1 5 1 0 -1 0 0 0 0 0 25 3 0 0 20 0 1 0 150 1228800 33 "
	            "18446744073709551615 1 1 0 0 0 0 512 4096 512 0 0 0 17 0 0 0 "
	            "0 0 0 0 0 0 0 0 0 0 0\n");
	expect_file("/proc/5/statm", "300 33 23 3 0 73 0\n");
	/* task/ has the one task, whose directory lacks task/ itself. */
	names = T_list("/proc/5/task");
	assert_string_equal(names, "5");
	free(names);
	names = T_list("/proc/5/task/5");
	assert_null(strstr(names, "task"));
	assert_non_null(strstr(names, "stat"));
	free(names);
	expect_file("/proc/5/task/5/comm", "prog\n");
	/* A process that is not dumpable (it changed ids) has its files owned by root. */
	{
		struct vfs_path path;
		struct vfs_stat st;

		assert_int_equal(vfs_lookup(T_fs, NULL, "/proc/5/status", 0, &T_root, &path), 0);
		assert_int_equal(vfs_getattr(&path, &st), 0);
		assert_int_equal(st.uid, 1001);
		T_proc(5)->info.dumpable = false;
		vfs_path_put(&path);
		assert_int_equal(vfs_lookup(T_fs, NULL, "/proc/5/status", 0, &T_root, &path), 0);
		assert_int_equal(vfs_getattr(&path, &st), 0);
		assert_int_equal(st.uid, 0);
		assert_int_equal(st.gid, 0);
		vfs_path_put(&path);
		T_proc(5)->info.dumpable = true;
	}
	/* A zombie: no memory left; its files still read. */
	T_proc(5)->info.state = 'Z';
	T_proc(5)->info.has_mm = false;
	expect_file("/proc/5/statm", "0 0 0 0 0 0 0\n");
}

static void test_status(void **state)
{
	(void)state;
	sample();
	strcpy(T_proc(5)->info.comm, "a\\b\nc");
	expect_file("/proc/5/status",
	            "Name:\ta\\\\b\\nc\n"
	            "Umask:\t0022\n"
	            "State:\tS (sleeping)\n"
	            "Tgid:\t5\nNgid:\t0\nPid:\t5\nPPid:\t1\nTracerPid:\t0\n"
	            "Uid:\t1000\t1001\t1002\t1003\n"
	            "Gid:\t100\t101\t102\t103\n"
	            "FDSize:\t64\n"
	            "Groups:\t100 27 \n"
	            "Kthread:\t0\n"
	            "VmPeak:\t    1280 kB\nVmSize:\t    1200 kB\nVmLck:\t       0 kB\n"
	            "VmPin:\t       0 kB\nVmHWM:\t     132 kB\nVmRSS:\t     132 kB\n"
	            "RssAnon:\t      40 kB\nRssFile:\t      80 kB\nRssShmem:\t      12 kB\n"
	            "VmData:\t     160 kB\nVmStk:\t     132 kB\nVmExe:\t      12 kB\n"
	            "VmLib:\t     108 kB\nVmPTE:\t       0 kB\nVmSwap:\t       0 kB\n"
	            "CoreDumping:\t0\nTHP_enabled:\t0\nuntag_mask:\t0xffffffffffffffff\n"
	            "Threads:\t1\nSigQ:\t0/1000\n"
	            "SigPnd:\t0000000000000000\nShdPnd:\t0000000000000000\n"
	            "SigBlk:\t0000000000000200\nSigIgn:\t0000000000001000\n"
	            "SigCgt:\t8000000000000200\n"
	            "CapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\n"
	            "CapEff:\t000001ffffffffff\nCapBnd:\t000001ffffffffff\n"
	            "CapAmb:\t0000000000000000\n"
	            "NoNewPrivs:\t0\nSpeculation_Store_Bypass:\tunknown\n"
	            "SpeculationIndirectBranch:\tunsupported\n"
	            "Cpus_allowed:\t1\nCpus_allowed_list:\t0\n"
	            "voluntary_ctxt_switches:\t7\nnonvoluntary_ctxt_switches:\t0\n");
	/* A zombie has no memory lines and no umask (no fs struct). */
	T_proc(5)->info.has_mm = false;
	T_proc(5)->info.umask = (uint32_t)-1;
	T_proc(5)->info.state = 'Z';
	T_proc(5)->ngroups = 0;
	{
		char *text = T_read("/proc/5/status", NULL);

		assert_null(strstr(text, "VmSize"));
		assert_null(strstr(text, "Umask"));
		assert_non_null(strstr(text, "State:\tZ (zombie)\n"));
		assert_non_null(strstr(text, "Groups:\t \n"));
		free(text);
	}
}

static void test_limits_comm_oom(void **state)
{
	struct vfs_cred user = vfs_env_user(1000, 1000);
	struct fproc *p = sample();
	char *text;

	(void)state;
	p->rlim[3] = (struct procfs_rlimit){8388608, ~0ull};
	p->rlim[7] = (struct procfs_rlimit){1024, 4096};
	p->rlim[13] = (struct procfs_rlimit){0, 0};
	text = T_read("/proc/5/limits", NULL);
	assert_int_equal(strncmp(text,
	                         "Limit                     Soft Limit           Hard Limit        "
	                         "   Units     \nMax cpu time              unlimited            "
	                         "unlimited            seconds   \n",
	                         158),
	                 0);
	assert_non_null(strstr(
	    text,
	    "\nMax stack size            8388608              unlimited            bytes     \n"));
	assert_non_null(strstr(
	    text,
	    "\nMax open files            1024                 4096                 files     \n"));
	assert_non_null(strstr(
	    text, "\nMax nice priority         0                    0                    \n"));
	assert_non_null(strstr(
	    text,
	    "Max realtime timeout      unlimited            unlimited            us        \n"));
	free(text);

	/* comm: the process itself may rename itself (the newline kept, as Linux keeps it). */
	T_current = 5;
	assert_int_equal(T_write("/proc/5/comm", "new\n", NULL), 4);
	assert_string_equal(p->info.comm, "new\n");
	assert_int_equal(T_write("/proc/5/comm", "0123456789abcdefXYZ", NULL), 19);
	assert_string_equal(p->info.comm, "0123456789abcde");
	T_current = 1;
	assert_int_equal(T_write("/proc/5/comm", "x", NULL), -EINVAL);

	/* oom_score_adj: range, parsing, the minimum rule, reads at an offset. */
	expect_file("/proc/5/oom_score_adj", "0\n");
	assert_int_equal(T_write("/proc/5/oom_score_adj", "-1000", NULL), 5);
	expect_file("/proc/5/oom_score_adj", "-1000\n");
	assert_int_equal(p->oom_min, -1000);
	assert_int_equal(T_write("/proc/5/oom_score_adj", " 0x10 \n", NULL), 7);
	expect_file("/proc/5/oom_score_adj", "16\n");
	assert_int_equal(T_write("/proc/5/oom_score_adj", "1001", NULL), -EINVAL);
	assert_int_equal(T_write("/proc/5/oom_score_adj", "-1001", NULL), -EINVAL);
	assert_int_equal(T_write("/proc/5/oom_score_adj", "12abc", NULL), -EINVAL);
	assert_int_equal(T_write("/proc/5/oom_score_adj", "", NULL), -EINVAL); /* as Linux's */
	assert_int_equal(T_write("/proc/5/oom_score_adj", "99999999999", NULL), -ERANGE);
	/* The privileged write of 16 made 16 the minimum for the unprivileged. */
	T_sys_resource = false;
	assert_int_equal(T_write("/proc/5/oom_score_adj", "20", NULL), 2);
	assert_int_equal(T_write("/proc/5/oom_score_adj", "15", NULL), -EACCES);
	assert_int_equal(p->oom_min, 16);
	/* A user who does not own the file cannot open it for writing (0644, owner 1001). */
	assert_int_equal(T_write("/proc/5/oom_score_adj", "5", &user), -EACCES);
	user.uid = 1001;
	assert_int_equal(T_write("/proc/5/oom_score_adj", "30", &user), 2);
	{
		struct vfs_file *f;
		char buf[8];

		assert_int_equal(T_open("/proc/5/oom_score_adj", VFS_O_RDONLY, NULL, &f), 0);
		assert_int_equal(T_fread(f, buf, 1), 1); /* "30\n" */
		assert_int_equal(T_fread(f, buf, 8), 2);
		assert_int_equal(memcmp(buf, "0\n", 2), 0);
		assert_int_equal(T_fread(f, buf, 8), 0);
		vfs_file_put(f);
	}
}

static void test_cmdline_environ(void **state)
{
	struct fproc *p = sample();
	char *text;

	(void)state;
	p->mem_base = 0x1000;
	memcpy(p->mem, "prog\0-x\0arg\0HOME=/\0TERM=x\0", 26);
	p->info.arg_start = 0x1000, p->info.arg_end = 0x100c;
	p->info.env_start = 0x100c, p->info.env_end = 0x101a;
	text = T_read("/proc/5/cmdline", NULL);
	assert_int_equal(memcmp(text, "prog\0-x\0arg\0", 12), 0);
	free(text);
	{
		struct vfs_file *f;
		struct vfs_iter it;
		char buf[32];

		assert_int_equal(T_open("/proc/5/cmdline", VFS_O_RDONLY, NULL, &f), 0);
		vfs_iter_kernel(&it, buf, sizeof(buf));
		assert_int_equal(vfs_pread(f, &it, 5), 7);
		assert_int_equal(memcmp(buf, "-x\0arg\0", 7), 0);
		vfs_file_put(f);
		assert_int_equal(T_open("/proc/5/environ", VFS_O_RDONLY, NULL, &f), 0);
		assert_int_equal(T_fread(f, buf, sizeof(buf)), 14);
		assert_int_equal(memcmp(buf, "HOME=/\0TERM=x\0", 14), 0);
		vfs_file_put(f);
	}
	/* setproctitle: the argument area's last byte is not a NUL; the text runs on to a NUL. */
	memcpy(p->mem, "a long new title\0", 17);
	text = T_read("/proc/5/cmdline", NULL);
	assert_string_equal(text, "a long new title");
	free(text);
	/* environ and maps need the right to inspect the process (and environ is 0400). */
	p->secret = true;
	text = T_read("/proc/5/environ", NULL);
	assert_string_equal(text, "open: -13");
	free(text);
	text = T_read("/proc/5/maps", NULL);
	assert_string_equal(text, "open: -13");
	free(text);
	/* A zombie's cmdline is empty. */
	p->secret = false;
	p->info.has_mm = false;
	text = T_read("/proc/5/cmdline", NULL);
	assert_string_equal(text, "");
	free(text);
}

static void test_maps(void **state)
{
	struct fproc *p = sample();
	char *whole, *pieces;

	(void)state;
	p->maps[0] = (struct procfs_map){.start = 0x10000,
	                                 .end = 0x13000,
	                                 .read = true,
	                                 .exec = true,
	                                 .dev = VFS_MKDEV(0, 1),
	                                 .ino = 12};
	strcpy(p->map_names[0], "/bin/prog");
	p->maps[1] =
	    (struct procfs_map){.start = 0x22000, .end = 0x24000, .read = true, .write = true};
	strcpy(p->map_names[1], "[heap]");
	p->maps[2] = (struct procfs_map){.start = 0x2000000000,
	                                 .end = 0x2000001000,
	                                 .read = true,
	                                 .write = true,
	                                 .shared = true,
	                                 .offset = 0x3000,
	                                 .dev = VFS_MKDEV(0, 0x23),
	                                 .ino = 7};
	strcpy(p->map_names[2], "/tmp/a\nb (deleted)");
	p->maps[3] = (struct procfs_map){.start = 0x3000000000, .end = 0x3000004000, .read = true};
	p->nmaps = 4;
	whole = T_read("/proc/5/maps", NULL);
	assert_string_equal(whole, "00010000-00013000 r-xp 00000000 00:01 12                      "
	                           "           /bin/prog\n"
	                           "00022000-00024000 rw-p 00000000 00:00 0                       "
	                           "           [heap]\n"
	                           "2000000000-2000001000 rw-s 00003000 00:23 7                   "
	                           "           /tmp/a\\012b (deleted)\n"
	                           "3000000000-3000004000 r--p 00000000 00:00 0 \n");
	pieces = T_read_chunks("/proc/5/maps", 13);
	assert_string_equal(whole, pieces);
	free(whole);
	free(pieces);
}

static void test_fds_and_links(void **state)
{
	struct vfs_cred user = vfs_env_user(1000, 1000);
	struct fproc *p = sample();
	struct vfs_file *f;
	struct vfs_stat st;
	struct vfs_path path;
	char buf[128], *names;

	(void)state;
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/tmp/d", 0755, &T_root), 0);
	assert_int_equal(
	    vfs_open(T_fs, NULL, "/tmp/d/file", VFS_O_CREAT | VFS_O_RDONLY, 0644, &T_root, &f), 0);
	assert_int_equal(vfs_fd_install(p->files, f, 3, 1024, false), 3);
	assert_int_equal(
	    vfs_open(T_fs, NULL, "/tmp/d/w", VFS_O_CREAT | VFS_O_WRONLY, 0644, &T_root, &f), 0);
	assert_int_equal(vfs_fd_install(p->files, f, 10, 1024, false), 10);
	names = T_list("/proc/5/fd");
	assert_string_equal(names, "3 10");
	free(names);
	assert_int_equal(T_readlink("/proc/5/fd/3", buf, sizeof(buf)), 11);
	assert_string_equal(buf, "/tmp/d/file");
	assert_int_equal(vfs_lookup(T_fs, NULL, "/proc/5/fd/3", 0, &T_root, &path), 0);
	assert_int_equal(vfs_getattr(&path, &st), 0);
	assert_int_equal(st.mode, VFS_S_IFLNK | 0500); /* lr-x------: open for reading */
	assert_int_equal(st.uid, 1001);
	vfs_path_put(&path);
	assert_int_equal(vfs_lookup(T_fs, NULL, "/proc/5/fd/10", 0, &T_root, &path), 0);
	assert_int_equal(vfs_getattr(&path, &st), 0);
	assert_int_equal(st.mode, VFS_S_IFLNK | 0300); /* l-wx------ */
	vfs_path_put(&path);
	/* Following the link opens the file. */
	assert_int_equal(T_open("/proc/5/fd/3", VFS_O_RDONLY, NULL, &f), 0);
	vfs_file_put(f);
	assert_int_equal(vfs_lookup(T_fs, NULL, "/proc/5/fd/4", 0, &T_root, &path), -ENOENT);
	assert_int_equal(vfs_unlink(T_fs, NULL, "/tmp/d/file", &T_root), 0);
	assert_int_equal(T_readlink("/proc/5/fd/3", buf, sizeof(buf)), 21);
	assert_string_equal(buf, "/tmp/d/file (deleted)");
	assert_int_equal(vfs_fd_close(p->files, 10), 0);
	names = T_list("/proc/5/fd");
	assert_string_equal(names, "3");
	free(names);

	/* fd/ is 0500 for its owner; another user is refused, the process itself is not. */
	assert_int_equal(T_open("/proc/5/fd", VFS_O_RDONLY | VFS_O_DIRECTORY, &user, &f), -EACCES);
	T_current = 5;
	assert_int_equal(T_open("/proc/5/fd", VFS_O_RDONLY | VFS_O_DIRECTORY, &user, &f), 0);
	vfs_file_put(f);

	/* cwd, root, exe; refused without the right to inspect. */
	assert_int_equal(vfs_chdir(p->fs, "/tmp/d", &T_root), 0);
	assert_int_equal(T_readlink("/proc/5/cwd", buf, sizeof(buf)), 6);
	assert_string_equal(buf, "/tmp/d");
	assert_int_equal(T_readlink("/proc/5/root", buf, sizeof(buf)), 1);
	assert_string_equal(buf, "/");
	assert_int_equal(T_readlink("/proc/5/exe", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(vfs_lookup(T_fs, NULL, "/tmp/d", 0, &T_root, &p->exe), 0);
	p->has_exe = true;
	assert_int_equal(T_readlink("/proc/5/exe", buf, sizeof(buf)), 6);
	p->secret = true;
	assert_int_equal(T_readlink("/proc/5/exe", buf, sizeof(buf)), -EACCES);
	assert_int_equal(T_readlink("/proc/5/cwd", buf, sizeof(buf)), -EACCES);
	assert_int_equal(T_readlink("/proc/5/fd/3", buf, sizeof(buf)), -EACCES);
}

/* A process that ends: its directory is gone, its open files fail with ESRCH. */
static void test_gone(void **state)
{
	struct vfs_file *stat, *dir;
	struct vfs_path path;
	char buf[64];

	(void)state;
	sample();
	assert_int_equal(T_open("/proc/5/stat", VFS_O_RDONLY, NULL, &stat), 0);
	assert_int_equal(T_open("/proc/5", VFS_O_RDONLY | VFS_O_DIRECTORY, NULL, &dir), 0);
	T_proc_del(5);
	assert_int_equal(T_fread(stat, buf, sizeof(buf)), -ESRCH);
	vfs_file_put(stat);
	assert_int_equal(vfs_lookup(T_fs, NULL, "/proc/5", 0, &T_root, &path), -ENOENT);
	assert_int_equal(vfs_lookup(T_fs, vfs_file_path(dir), "stat", 0, &T_root, &path), -ENOENT);
	vfs_file_put(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_stat, procfs_test_setup, procfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_status, procfs_test_setup, procfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_limits_comm_oom, procfs_test_setup,
	                                    procfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_cmdline_environ, procfs_test_setup,
	                                    procfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_maps, procfs_test_setup, procfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_fds_and_links, procfs_test_setup,
	                                    procfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_gone, procfs_test_setup, procfs_test_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
