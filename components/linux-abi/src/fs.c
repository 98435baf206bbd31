/*
 * The file system of the Linux environment: the vfs with this layer's
 * locks and clock; the tree a Linux program expects (tmpfs at /, /dev with
 * devfs's nodes, /dev/shm, /tmp, /proc and /sys); each process's files and fs struct
 * through fork, exec and exit; programs read and mapped from the tree
 * for execve.
 */
#include <devfs/devfs.h>
#include <procfs/procfs.h>
#include <hal/time.h>
#include <klib/errno.h>
#include <klib/log.h>
#include <klib/string.h>
#include <linux-abi/linux_abi.h>
#include <page-alloc/page_alloc.h>
#include <random/random.h>
#include <tmpfs/tmpfs.h>
#include <vfs/fs.h>
#include <vfs/mmap.h>
#include "abi_internal.h"

#define CRED_CAP_DAC_READ_SEARCH 2
#define CRED_CAP_FOWNER          3
#define CRED_CAP_FSETID          4
#define CRED_CAP_MKNOD           27
#define LX_SIGXFSZ               25

static void ops_now(void *ctx, struct vfs_timespec *out)
{
	uint64_t ns = hal_time_realtime_ns();

	(void)ctx;
	out->sec = (int64_t)(ns / 1000000000ull);
	out->nsec = (int64_t)(ns % 1000000000ull);
}

static void *ops_wait_create(void *ctx)
{
	(void)ctx;
	return lx_wait_create();
}

static void ops_wait_destroy(void *ctx, void *wait)
{
	(void)ctx;
	lx_wait_destroy(wait);
}

/* Deadlines are on hal_time_ns(), task's clock. */
static int ops_wait(void *ctx, void *wait, void *lock, uint64_t deadline)
{
	(void)ctx;
	return lx_wait(wait, lock, deadline);
}

static void ops_wake(void *ctx, void *wait)
{
	(void)ctx;
	lx_wake(wait);
}

static const struct vfs_ops vfs_glue = {
    .lock_create = lx_lock_create,
    .lock_destroy = lx_lock_destroy,
    .lock = lx_lock,
    .unlock = lx_unlock,
    .now = ops_now,
    .wait_create = ops_wait_create,
    .wait_destroy = ops_wait_destroy,
    .wait = ops_wait,
    .wake = ops_wake,
};

/* /dev/random and /dev/urandom: the kernel's generator (components/random). */
void lx_random_bytes(void *buf, size_t len)
{
	random_bytes(buf, len);
}

static const struct vfs_cred boot_cred = {.caps = ~0u, .fsize_limit = VFS_NO_LIMIT};

/* The mounts of a Linux system, as systemd or an init script makes them. */
static int mount_tree(void)
{
	static const unsigned pseudo =
	    VFS_MNT_NOSUID | VFS_MNT_NODEV | VFS_MNT_NOEXEC | VFS_MNT_RELATIME;
	static const struct {
		const char *source, *dir, *type, *options;
		uint32_t mode;
		unsigned flags;
	} mounts[] = {
	    {"devtmpfs", "/dev", "tmpfs", "mode=0755", 0755, VFS_MNT_NOSUID | VFS_MNT_RELATIME},
	    {"tmpfs", "/dev/shm", "tmpfs", NULL, 01777,
	     VFS_MNT_NOSUID | VFS_MNT_NODEV | VFS_MNT_RELATIME},
	    {"tmpfs", "/tmp", "tmpfs", NULL, 01777,
	     VFS_MNT_NOSUID | VFS_MNT_NODEV | VFS_MNT_RELATIME},
	    {"proc", "/proc", "proc", NULL, 0555, pseudo},
	    {"sysfs", "/sys", "sysfs", NULL, 0555, pseudo},
	};
	struct vfs_fs *fs;
	int rc = 0;

	if ((rc = vfs_mount_root("rootfs", "tmpfs", "mode=0755", VFS_MNT_RELATIME)) < 0)
		return rc;
	if (!(fs = vfs_fs_new()))
		return -ENOMEM;
	vfs_fs_umask(fs, 0);
	for (size_t i = 0; i < sizeof(mounts) / sizeof(mounts[0]) && rc == 0; i++) {
		rc = vfs_mkdir(fs, NULL, mounts[i].dir, mounts[i].mode, &boot_cred);
		if (rc == 0 || rc == -EEXIST)
			rc = vfs_mount(fs, mounts[i].source, mounts[i].dir, mounts[i].type,
			               mounts[i].options, mounts[i].flags, &boot_cred);
		if (rc == 0 && i == 0)
			rc = devfs_populate(fs, "/dev", &boot_cred);
	}
	vfs_fs_put(fs);
	return rc;
}

static const struct process_files exec_files;

int lx_fs_setup(void)
{
	int rc;

	if ((rc = vfs_init(&vfs_glue)) < 0)
		return rc;
	if ((rc = tmpfs_register()) < 0 || (rc = devfs_init(lx_random_bytes)) < 0 ||
	    (rc = lx_proc_setup()) < 0 || (rc = mount_tree()) < 0) {
		klog_err("linux-abi", "mounting the file system failed: %s", kstrerror(rc));
		lx_fs_shutdown();
		return rc;
	}
	process_set_file_ops(&exec_files);
	return 0;
}

void lx_fs_shutdown(void)
{
	devfs_fini();
	procfs_fini();
	vfs_shutdown();
}

/* ---- A process's files ---- */

/* The first process: the root as cwd, /dev/console on 0, 1 and 2 (Linux's console_on_rootfs). */
int lx_files_first(struct lx_proc *s)
{
	struct vfs_file *console;

	if (!(s->fs = vfs_fs_new()))
		return -ENOMEM;
	if (!(s->files = vfs_fdt_new())) {
		vfs_fs_put(s->fs);
		s->fs = NULL;
		return -ENOMEM;
	}
	if (vfs_open(s->fs, NULL, "/dev/console", VFS_O_RDWR, 0, &boot_cred, &console) < 0) {
		klog_warn("linux-abi", "unable to open an initial console");
		return 0;
	}
	for (int fd = 0; fd < 3; fd++) {
		vfs_file_get(console);
		if (vfs_fd_install(s->files, console, 0, 3, false) < 0)
			vfs_file_put(console);
	}
	vfs_file_put(console);
	return 0;
}

int lx_files_fork(struct lx_proc *child, const struct lx_proc *parent)
{
	child->files = vfs_fdt_copy(parent->files);
	child->fs = vfs_fs_copy(parent->fs);
	if (child->files && child->fs)
		return 0;
	if (child->files)
		vfs_fdt_put(child->files);
	if (child->fs)
		vfs_fs_put(child->fs);
	child->files = NULL;
	child->fs = NULL;
	return -ENOMEM;
}

void lx_files_exec(struct lx_proc *s)
{
	vfs_fdt_exec(s->files);
}

/*
 * The pointers go under the tree lock, where /proc's readers take their
 * own references (proc.c); the references are dropped after it.
 */
void lx_files_exit(struct lx_proc *s)
{
	struct vfs_fdtable *files;
	struct vfs_fs *fs;
	struct vfs_path exe, exe_next;
	unsigned long flags = process_lock();

	files = s->files, fs = s->fs, exe = s->exe, exe_next = s->exe_next;
	s->files = NULL;
	s->fs = NULL;
	s->exe = s->exe_next = (struct vfs_path){0};
	process_unlock(flags);
	if (files)
		vfs_fdt_put(files);
	if (fs)
		vfs_fs_put(fs);
	if (exe.dentry)
		vfs_path_put(&exe);
	if (exe_next.dentry)
		vfs_path_put(&exe_next);
}

/* exec succeeded: the program it opened is now the process's exe. */
void lx_files_exec_done(struct lx_proc *s)
{
	struct vfs_path old;
	unsigned long flags = process_lock();

	old = s->exe;
	s->exe = s->exe_next;
	s->exe_next = (struct vfs_path){0};
	process_unlock(flags);
	if (old.dentry)
		vfs_path_put(&old);
}

/* The program an exec opened, to become the process's exe if the exec succeeds. */
static void exe_opened(struct lx_proc *s, struct vfs_file *f)
{
	struct vfs_path old, p = *vfs_file_path(f);
	unsigned long flags;

	vfs_path_get(&p);
	flags = process_lock();
	old = s->exe_next;
	s->exe_next = p;
	process_unlock(flags);
	if (old.dentry)
		vfs_path_put(&old);
}

void lx_vfs_cred(struct process *p, struct vfs_cred *out)
{
	const struct cred *c = &lx(p)->cred;
	static const struct {
		unsigned cap, vfs;
	} caps[] = {
	    {CRED_CAP_CHOWN, VFS_CAP_CHOWN},
	    {CRED_CAP_DAC_OVERRIDE, VFS_CAP_DAC_OVERRIDE},
	    {CRED_CAP_DAC_READ_SEARCH, VFS_CAP_DAC_READ_SEARCH},
	    {CRED_CAP_FOWNER, VFS_CAP_FOWNER},
	    {CRED_CAP_FSETID, VFS_CAP_FSETID},
	    {CRED_CAP_MKNOD, VFS_CAP_MKNOD},
	    {CRED_CAP_SYS_ADMIN, VFS_CAP_SYS_ADMIN},
	};
	uint64_t fsize = lx(p)->rlim[LX_RLIMIT_FSIZE].cur;

	*out = (struct vfs_cred){
	    .uid = c->fsuid,
	    .gid = c->fsgid,
	    .groups = c->groups,
	    .ngroups = c->ngroups,
	    .fsize_limit = fsize == LX_RLIM_INFINITY ? VFS_NO_LIMIT : fsize,
	};
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		if (cred_capable(c, caps[i].cap))
			out->caps |= caps[i].vfs;
}

/* Linux's send_sig(SIGXFSZ, current, 0): to the writing thread, SI_USER from itself. */
void lx_send_xfsz(struct process *p)
{
	lx_send_self(p, LX_SIGXFSZ);
}

void lx_send_self(struct process *p, int sig)
{
	struct process_siginfo info = {.signo = sig, .code = PROCESS_SI_USER};

	info.pid = process_tgid(p);
	info.uid = lx(p)->cred.ruid;
	process_kill_thread(NULL, 0, p->pid, &info);
}

struct vfs_file *lx_fget(struct process *p, int fd)
{
	return vfs_fd_get(lx(p)->files, fd);
}

/* ---- Programs for execve ---- */

static int exec_open(struct process *p, const char *path, void **file, uint64_t *size)
{
	struct vfs_cred cr;
	struct vfs_file *f;
	int rc;

	if (!lx_state(p))
		return -ENOMEM;
	lx_vfs_cred(p, &cr);
	if ((rc = vfs_open_exec(lx(p)->fs, path, &cr, &f)) < 0)
		return rc;
	exe_opened(lx(p), f);
	*file = f;
	*size = vfs_inode_size(vfs_file_inode(f));
	return 0;
}

static long exec_read(void *file, uint64_t off, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		struct vfs_iter it;
		long n;

		vfs_iter_kernel(&it, (char *)buf + done, len - done);
		if ((n = vfs_pread(file, &it, (int64_t)(off + done))) < 0)
			return n;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (long)done;
}

static int exec_map(void *file, struct addr_space *as, uintptr_t va, size_t len, uint64_t off,
                    unsigned prot)
{
	return vfs_mmap(as, file, va, len, prot, AS_MAP_PRIVATE | AS_MAP_FIXED_NOREPLACE,
	                off / PAGE_SIZE, NULL);
}

static void exec_close(void *file)
{
	vfs_file_put(file);
}

static const struct process_files exec_files = {
    .open = exec_open,
    .read = exec_read,
    .map = exec_map,
    .close = exec_close,
};
