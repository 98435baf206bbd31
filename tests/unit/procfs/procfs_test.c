/* procfs_test.h: the environment and the fake procfs_ops. */
#include "procfs_test.h"
#include <stdio.h>
#include <stdlib.h>

struct vfs_fs *T_fs;
struct vfs_cred T_root;
int32_t T_current;
bool T_sys_resource;
unsigned T_ncpus;
struct procfs_meminfo T_meminfo;
struct procfs_kstat T_kstat;
struct shm_ns *T_shm;
int64_t T_shm_time;

#define NPROCS 8
static struct fproc procs[NPROCS];
static size_t free0;

struct fproc *T_proc(int32_t pid)
{
	for (int i = 0; i < NPROCS; i++)
		if (procs[i].used && procs[i].info.pid == pid)
			return &procs[i];
	return NULL;
}

/* ---- The fake ops ---- */

static void f_meminfo(void *ctx, struct procfs_meminfo *out)
{
	(void)ctx;
	*out = T_meminfo;
}

static void f_kstat(void *ctx, struct procfs_kstat *out)
{
	(void)ctx;
	*out = T_kstat;
}

static void f_uname(void *ctx, struct procfs_uname *out)
{
	(void)ctx;
	*out = (struct procfs_uname){"Linux",   "6.1.0-unikit", "#1 unikit",
	                             "builder", "host",         "cc 1.0"};
}

static const char *f_cmdline(void *ctx)
{
	(void)ctx;
	return "init=/prog -- a b";
}

/* CPU 1's paragraph is longer than procfs's first buffer. */
static size_t f_cpuinfo(void *ctx, unsigned cpu, char *buf, size_t size)
{
	char text[1200];
	int n;

	(void)ctx;
	if (cpu >= T_ncpus)
		return 0;
	n = snprintf(text, sizeof(text), "processor\t: %u\nhart\t\t: %u\n", cpu, cpu + 10);
	if (cpu == 1)
		while (n < 1000)
			n += snprintf(text + n, sizeof(text) - (size_t)n, "flags\t\t: long\n");
	n += snprintf(text + n, sizeof(text) - (size_t)n, "\n");
	if ((size_t)n < size)
		memcpy(buf, text, (size_t)n + 1);
	return (size_t)n;
}

static unsigned f_cpus(void *ctx, bool online)
{
	(void)ctx;
	(void)online;
	return T_ncpus;
}

static struct shm_ns *f_shm_ns(void *ctx)
{
	(void)ctx;
	return T_shm;
}

static int32_t f_current_pid(void *ctx)
{
	(void)ctx;
	return T_current;
}

static int32_t f_next_pid(void *ctx, int32_t after)
{
	int32_t best = 0;

	(void)ctx;
	for (int i = 0; i < NPROCS; i++)
		if (procs[i].used && procs[i].info.pid > after &&
		    (!best || procs[i].info.pid < best))
			best = procs[i].info.pid;
	return best;
}

static int f_proc(void *ctx, int32_t pid, struct procfs_proc *out)
{
	struct fproc *p = T_proc(pid);

	(void)ctx;
	if (!p)
		return -ESRCH;
	*out = p->info;
	return 0;
}

static long f_groups(void *ctx, int32_t pid, uint32_t *out, size_t max)
{
	struct fproc *p = T_proc(pid);

	(void)ctx;
	if (!p)
		return -ESRCH;
	for (size_t i = 0; i < p->ngroups && i < max; i++)
		out[i] = p->groups[i];
	return (long)p->ngroups;
}

static int f_may_inspect(void *ctx, int32_t pid)
{
	struct fproc *p = T_proc(pid);

	(void)ctx;
	return !p ? -ESRCH : p->secret ? -EACCES : 0;
}

static long f_read_mem(void *ctx, int32_t pid, uint64_t addr, void *buf, size_t len)
{
	struct fproc *p = T_proc(pid);

	(void)ctx;
	if (!p)
		return -ESRCH;
	if (addr < p->mem_base || addr - p->mem_base >= sizeof(p->mem))
		return -EFAULT;
	len = len < sizeof(p->mem) - (addr - p->mem_base) ? len
	                                                  : sizeof(p->mem) - (addr - p->mem_base);
	memcpy(buf, p->mem + (addr - p->mem_base), len);
	return (long)len;
}

static int f_map(void *ctx, int32_t pid, uint64_t addr, struct procfs_map *out)
{
	struct fproc *p = T_proc(pid);

	(void)ctx;
	if (!p)
		return -ESRCH;
	for (int i = 0; i < p->nmaps; i++) {
		if (p->maps[i].end > addr) {
			char *name = out->name;
			size_t size = out->name_size;

			*out = p->maps[i];
			out->name = name;
			out->name_size = size;
			snprintf(out->name, size, "%s", p->map_names[i]);
			return 0;
		}
	}
	return -ENOENT;
}

static struct vfs_fdtable *f_files(void *ctx, int32_t pid)
{
	struct fproc *p = T_proc(pid);

	(void)ctx;
	return p && p->files ? vfs_fdt_share(p->files) : NULL;
}

static struct vfs_fs *f_fs(void *ctx, int32_t pid)
{
	struct fproc *p = T_proc(pid);

	(void)ctx;
	return p && p->fs ? vfs_fs_share(p->fs) : NULL;
}

static int f_exe(void *ctx, int32_t pid, struct vfs_path *out)
{
	struct fproc *p = T_proc(pid);

	(void)ctx;
	if (!p)
		return -ESRCH;
	if (!p->has_exe)
		return -ENOENT;
	*out = p->exe;
	vfs_path_get(out);
	return 0;
}

static int f_rlimits(void *ctx, int32_t pid, struct procfs_rlimit out[PROCFS_RLIM_NLIMITS])
{
	struct fproc *p = T_proc(pid);

	(void)ctx;
	if (!p)
		return -ESRCH;
	memcpy(out, p->rlim, sizeof(p->rlim));
	return 0;
}

static int f_oom_score_adj(void *ctx, int32_t pid, int *out)
{
	struct fproc *p = T_proc(pid);

	(void)ctx;
	if (!p)
		return -ESRCH;
	*out = p->oom_adj;
	return 0;
}

/* __set_oom_adj's rule. */
static int f_set_oom_score_adj(void *ctx, int32_t pid, int adj)
{
	struct fproc *p = T_proc(pid);

	(void)ctx;
	if (!p)
		return -ESRCH;
	if (adj < p->oom_min && !T_sys_resource)
		return -EACCES;
	p->oom_adj = adj;
	if (T_sys_resource)
		p->oom_min = adj;
	return 0;
}

static int f_set_comm(void *ctx, int32_t pid, const char *comm)
{
	struct fproc *p = T_proc(pid);

	(void)ctx;
	if (!p)
		return -ESRCH;
	if (pid != T_current)
		return -EINVAL;
	snprintf(p->info.comm, sizeof(p->info.comm), "%s", comm);
	return 0;
}

static const struct procfs_ops fake_ops = {
    .meminfo = f_meminfo,
    .kstat = f_kstat,
    .uname = f_uname,
    .cmdline = f_cmdline,
    .cpuinfo = f_cpuinfo,
    .cpus = f_cpus,
    .shm_ns = f_shm_ns,
    .current_pid = f_current_pid,
    .next_pid = f_next_pid,
    .proc = f_proc,
    .groups = f_groups,
    .may_inspect = f_may_inspect,
    .read_mem = f_read_mem,
    .map = f_map,
    .files = f_files,
    .fs = f_fs,
    .exe = f_exe,
    .rlimits = f_rlimits,
    .oom_score_adj = f_oom_score_adj,
    .set_oom_score_adj = f_set_oom_score_adj,
    .set_comm = f_set_comm,
};

/* ipc-shm's ops: the vfs environment's locks, a settable clock, the current pid. */
static void *s_lock_create(void *ctx, const char *name)
{
	return vfs_env_ops.lock_create(ctx, name);
}

static void s_lock_destroy(void *ctx, void *l)
{
	vfs_env_ops.lock_destroy(ctx, l);
}

static void s_lock(void *ctx, void *l)
{
	vfs_env_ops.lock(ctx, l);
}

static void s_unlock(void *ctx, void *l)
{
	vfs_env_ops.unlock(ctx, l);
}

static int64_t s_now(void *ctx)
{
	(void)ctx;
	return T_shm_time;
}

static int32_t s_pid(void *ctx)
{
	(void)ctx;
	return T_current;
}

static const struct shm_ops shm_ops = {
    .lock_create = s_lock_create,
    .lock_destroy = s_lock_destroy,
    .lock = s_lock,
    .unlock = s_unlock,
    .now = s_now,
    .current_pid = s_pid,
};

/* ---- The environment ---- */

struct fproc *T_proc_add(int32_t pid, const char *comm, char state)
{
	for (int i = 0; i < NPROCS; i++) {
		struct fproc *p = &procs[i];

		if (p->used)
			continue;
		memset(p, 0, sizeof(*p));
		p->used = true;
		p->info.pid = pid;
		p->info.state = state;
		p->info.dumpable = true;
		p->info.umask = 022;
		p->info.threads = 1;
		p->info.exit_signal = 17;
		p->info.priority = 20;
		p->info.tty_pgrp = -1;
		snprintf(p->info.comm, sizeof(p->info.comm), "%s", comm);
		assert_non_null(p->files = vfs_fdt_new());
		assert_non_null(p->fs = vfs_fs_new());
		for (int r = 0; r < PROCFS_RLIM_NLIMITS; r++)
			p->rlim[r] = (struct procfs_rlimit){~0ull, ~0ull};
		return p;
	}
	fail_msg("too many fake processes");
	return NULL;
}

static void proc_free(struct fproc *p)
{
	if (p->files)
		vfs_fdt_put(p->files);
	if (p->fs)
		vfs_fs_put(p->fs);
	if (p->has_exe)
		vfs_path_put(&p->exe);
	p->used = false;
}

void T_proc_del(int32_t pid)
{
	proc_free(T_proc(pid));
}

int procfs_test_setup(void **state)
{
	static bool ram;

	(void)state;
	if (!ram)
		mem_test_ram(64), ram = true;
	free0 = page_free_count();
	vfs_env_order_errors = 0;
	vfs_env_init();
	T_root = vfs_env_root();
	T_current = 0;
	T_sys_resource = true;
	T_ncpus = 1;
	T_shm_time = 1700000100;
	memset(&T_meminfo, 0, sizeof(T_meminfo));
	memset(&T_kstat, 0, sizeof(T_kstat));
	assert_int_equal(shm_ns_create(&T_shm, NULL, &shm_ops), 0);
	assert_int_equal(tmpfs_register(), 0);
	assert_int_equal(procfs_init(&fake_ops), 0);
	assert_int_equal(vfs_mount_root("rootfs", "tmpfs", "mode=0755", VFS_MNT_RELATIME), 0);
	assert_non_null(T_fs = vfs_fs_new());
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/proc", 0555, &T_root), 0);
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/sys", 0555, &T_root), 0);
	assert_int_equal(vfs_mkdir(T_fs, NULL, "/tmp", 01777, &T_root), 0);
	assert_int_equal(
	    vfs_mount(T_fs, "proc", "/proc", "proc", NULL,
	              VFS_MNT_NOSUID | VFS_MNT_NODEV | VFS_MNT_NOEXEC | VFS_MNT_RELATIME, &T_root),
	    0);
	assert_int_equal(
	    vfs_mount(T_fs, "sysfs", "/sys", "sysfs", NULL,
	              VFS_MNT_NOSUID | VFS_MNT_NODEV | VFS_MNT_NOEXEC | VFS_MNT_RELATIME, &T_root),
	    0);
	return 0;
}

int procfs_test_teardown(void **state)
{
	(void)state;
	for (int i = 0; i < NPROCS; i++)
		if (procs[i].used)
			proc_free(&procs[i]);
	vfs_fs_put(T_fs);
	T_fs = NULL;
	shm_ns_put(T_shm);
	T_shm = NULL;
	procfs_fini();
	vfs_shutdown();
	assert_int_equal(page_free_count(), free0);
	assert_int_equal(vfs_env_locks, 0);
	assert_int_equal(vfs_env_order_errors, 0);
	return 0;
}

int T_open(const char *path, unsigned flags, const struct vfs_cred *cr, struct vfs_file **out)
{
	return vfs_open(T_fs, NULL, path, flags, 0, cr ? cr : &T_root, out);
}

long T_fread(struct vfs_file *f, char *buf, size_t n)
{
	struct vfs_iter it;

	vfs_iter_kernel(&it, buf, n);
	return vfs_read(f, &it);
}

static char *read_all(const char *path, const struct vfs_cred *cr, size_t chunk)
{
	size_t len = 0, cap = 1 << 16;
	char *buf = malloc(cap);
	struct vfs_file *f;
	long n;
	int rc;

	if ((rc = T_open(path, VFS_O_RDONLY, cr, &f)) < 0) {
		snprintf(buf, cap, "open: %d", rc);
		return buf;
	}
	while ((n = T_fread(f, buf + len, chunk < cap - 1 - len ? chunk : cap - 1 - len)) > 0)
		len += (size_t)n;
	if (n < 0)
		len = (size_t)snprintf(buf, cap, "read: %ld", n);
	buf[len] = '\0';
	vfs_file_put(f);
	return buf;
}

char *T_read(const char *path, const struct vfs_cred *cr)
{
	return read_all(path, cr, 1 << 16);
}

char *T_read_chunks(const char *path, size_t chunk)
{
	return read_all(path, NULL, chunk);
}

long T_write(const char *path, const char *text, const struct vfs_cred *cr)
{
	struct vfs_file *f;
	struct vfs_iter it;
	long rc;

	if ((rc = T_open(path, VFS_O_WRONLY, cr, &f)) < 0)
		return rc;
	vfs_iter_kernel(&it, (void *)text, strlen(text));
	rc = vfs_write(f, &it, cr ? cr : &T_root, NULL);
	vfs_file_put(f);
	return rc;
}

long T_readlink(const char *path, char *buf, size_t size)
{
	struct vfs_path p;
	long rc;

	if ((rc = vfs_lookup(T_fs, NULL, path, 0, &T_root, &p)) < 0)
		return rc;
	rc = vfs_readlink(&p, buf, size - 1);
	if (rc >= 0)
		buf[rc] = '\0';
	vfs_path_put(&p);
	return rc;
}

struct names {
	char *buf;
	size_t len;
};

static bool add_name(void *ctx, const char *name, size_t len, uint64_t ino, unsigned type,
                     uint64_t next)
{
	struct names *n = ctx;

	(void)ino, (void)type, (void)next;
	if (len == 1 && name[0] == '.')
		return true;
	if (len == 2 && name[0] == '.' && name[1] == '.')
		return true;
	n->len += (size_t)sprintf(n->buf + n->len, "%s%.*s", n->len ? " " : "", (int)len, name);
	return n->len < 3000;
}

char *T_list(const char *path)
{
	struct names n = {malloc(4096), 0};
	struct vfs_file *f;
	int rc;

	n.buf[0] = '\0';
	if ((rc = T_open(path, VFS_O_RDONLY | VFS_O_DIRECTORY, NULL, &f)) < 0) {
		sprintf(n.buf, "open: %d", rc);
		return n.buf;
	}
	while (vfs_getdents(f, add_name, &n) > 0)
		;
	vfs_file_put(f);
	return n.buf;
}
