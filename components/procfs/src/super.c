/*
 * The file system types "proc" and "sysfs", their inodes, and the
 * directories: lookups and getdents over the fixed tables, the processes
 * (fs/proc/root.c, base.c), a process's fds (fd.c) and /proc/sys
 * (proc_sysctl.c).
 */
#include <klib/errno.h>
#include <klib/printf.h>
#include <klib/string.h>
#include <page-alloc/page_alloc.h>
#include "procfs_internal.h"

#define DT_DIR 4
#define DT_REG 8
#define DT_LNK 10

/* getdents positions of the root: the fixed entries, then a process at PID_POS + pid. */
#define PID_POS 0x10000ull

const struct procfs_ops *pfs_ops;

static const struct vfs_inode_ops pfs_dir_iops, pfs_sysfs_dir_iops, pfs_file_iops, pfs_link_iops;
static const struct vfs_file_ops pfs_dir_fops = {.llseek = vfs_generic_llseek};

/* Inode numbers as a function of the parent's and the name (FNV-1a), so getdents and stat agree. */
static uint64_t pfs_ino(uint64_t parent, const char *name)
{
	uint64_t h = 0xcbf29ce484222325ull ^ parent;

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 0x100000001b3ull;
	return h | 0x100; /* never the root's 1 */
}

long pfs_name_number(const char *name)
{
	unsigned long long n;

	if (name[0] < '1' || name[0] > '9' || kstrtou64(name, 10, &n, NULL) < 0 || n > INT32_MAX)
		return name[0] == '0' && name[1] == '\0' ? 0 : -1;
	return (long)n;
}

static unsigned dtype(uint32_t mode)
{
	return VFS_S_ISDIR(mode) ? DT_DIR : VFS_S_ISLNK(mode) ? DT_LNK : DT_REG;
}

int pfs_inode_new(struct vfs_sb *sb, const struct pfs_entry *e, int32_t pid, uint64_t ino,
                  struct pfs_inode **out)
{
	struct pfs_inode *pi = kzalloc(sizeof(*pi));
	const struct vfs_inode_ops *iops = &pfs_file_iops;
	const struct vfs_file_ops *fops = NULL;

	if (!pi)
		return -ENOMEM;
	if (VFS_S_ISDIR(e->mode)) {
		iops = sb->magic == PROCFS_SYSFS_MAGIC ? &pfs_sysfs_dir_iops : &pfs_dir_iops;
		fops = &pfs_dir_fops;
	} else if (VFS_S_ISLNK(e->mode)) {
		iops = &pfs_link_iops;
	} else if (e->kind == PFS_SYSCTL) {
		fops = &pfs_sysctl_fops;
	} else {
		fops = e->show ? &pfs_seq_fops : &pfs_raw_fops;
	}
	if (vfs_inode_init(&pi->v, sb, ino, e->mode, iops, fops) < 0) {
		kfree(pi);
		return -ENOMEM;
	}
	pi->e = e;
	pi->pid = pid;
	pi->fd = -1;
	pi->v.nlink = VFS_S_ISDIR(e->mode) ? 2 : 1;
	*out = pi;
	return 0;
}

static void pfs_destroy_inode(struct vfs_inode *inode)
{
	struct pfs_inode *pi = PI(inode);

	kfree(pi->sysdir);
	vfs_inode_fini(inode);
	kfree(pi);
}

/* Files of a process belong to its effective ids, or to root if it is not dumpable
 * (task_dump_owner). */
static int pfs_owner(struct pfs_inode *pi)
{
	struct procfs_proc *p = kmalloc(sizeof(*p));
	int rc;

	if (!p)
		return -ENOMEM;
	if ((rc = pfs_ops->proc(pfs_ops->ctx, pi->pid, p)) == 0) {
		pi->v.uid = p->dumpable ? p->uid[1] : 0;
		pi->v.gid = p->dumpable ? p->gid[1] : 0;
	}
	kfree(p);
	return rc;
}

/* An inode for child entry e of dir, named name. */
static int pfs_child(struct pfs_inode *dir, const struct pfs_entry *e, const char *name,
                     int32_t pid, struct pfs_inode **out)
{
	struct pfs_inode *pi;
	int rc = pfs_inode_new(dir->v.sb, e, pid, pfs_ino(dir->v.ino, name), &pi);

	if (rc < 0)
		return rc;
	if (pid > 0 && (rc = pfs_owner(pi)) < 0) {
		vfs_inode_put(&pi->v);
		return rc == -ESRCH ? -ENOENT : rc;
	}
	if (e->kind == PFS_FILE && e->show == pfs_show_config)
		vfs_inode_set_size(&pi->v, pfs_config_size());
	if (e->kind == PFS_SYSCTL_DIR && !(pi->sysdir = kzalloc(1))) {
		vfs_inode_put(&pi->v);
		return -ENOMEM;
	}
	*out = pi;
	return 0;
}

static const struct pfs_entry *pfs_children(const struct pfs_inode *dir)
{
	return dir->e->children;
}

static bool pfs_listed(const struct pfs_inode *dir, const struct pfs_entry *e)
{
	return !(dir->tid && e->tgid_only);
}

static const struct pfs_entry pfs_tid_dir = {
    .name = "", .mode = VFS_S_IFDIR | 0555, .kind = PFS_PID_DIR, .children = pfs_pid_entries};

static const struct pfs_entry cpu_dir = {.name = "", .mode = VFS_S_IFDIR | 0755, .kind = PFS_DIR};

/* cpu<n> of /sys/devices/system/cpu, for each possible CPU. */
static int pfs_cpu_lookup(struct pfs_inode *dir, const char *name, struct pfs_inode **out)
{
	long n = strncmp(name, "cpu", 3) == 0 ? pfs_name_number(name + 3) : -1;

	if (n < 0 || n >= (long)pfs_ops->cpus(pfs_ops->ctx, false))
		return -ENOENT;
	return pfs_child(dir, &cpu_dir, name, 0, out);
}

/* After the fixed entries (positions up to 'base'), cpu<n> at base + n. */
static long pfs_readdir_cpus(struct pfs_inode *dir, uint64_t *pos, uint64_t base,
                             vfs_filldir_t emit, void *ctx)
{
	unsigned ncpus = pfs_ops->cpus(pfs_ops->ctx, false);
	long done = 0;
	char name[16];

	for (unsigned cpu = 0; cpu < ncpus; cpu++) {
		size_t len = (size_t)ksnprintf(name, sizeof(name), "cpu%u", cpu);

		if (base + cpu < *pos)
			continue;
		if (!emit(ctx, name, len, pfs_ino(dir->v.ino, name), DT_DIR, base + cpu + 1))
			break;
		*pos = base + cpu + 1;
		done++;
	}
	return done;
}

/* /proc/<pid> (or /proc/<pid>/task/<pid>): a directory while the process exists. */
static int pfs_pid_lookup(struct pfs_inode *dir, const char *name, bool tid, struct pfs_inode **out)
{
	static const struct pfs_entry pid_dir = {.name = "",
	                                         .mode = VFS_S_IFDIR | 0555,
	                                         .kind = PFS_PID_DIR,
	                                         .children = pfs_pid_entries};
	long pid = pfs_name_number(name);
	int rc;

	if (pid <= 0 || (tid && pid != dir->pid))
		return -ENOENT; /* threads are processes here: a process's one task is itself */
	if ((rc = pfs_child(dir, tid ? &pfs_tid_dir : &pid_dir, name, (int32_t)pid, out)) < 0)
		return rc;
	(*out)->tid = tid;
	return 0;
}

static int pfs_lookup(struct vfs_inode *vdir, const char *name, struct vfs_inode **out)
{
	struct pfs_inode *dir = PI(vdir), *pi = NULL;
	const struct pfs_entry *e;
	int rc = -ENOENT;

	switch (dir->e->kind) {
	case PFS_FD_DIR:
		rc = pfs_fd_lookup(dir, name, &pi);
		break;
	case PFS_SYSCTL_DIR:
		rc = pfs_sysctl_lookup(dir, name, &pi);
		break;
	case PFS_TASK_DIR:
		rc = pfs_pid_lookup(dir, name, true, &pi);
		break;
	default:
		for (e = pfs_children(dir); e && e->name; e++)
			if (pfs_listed(dir, e) && strcmp(e->name, name) == 0)
				break;
		if (e && e->name)
			rc = pfs_child(dir, e, name, dir->pid, &pi);
		else if (dir->e == &pfs_root_dir)
			rc = pfs_pid_lookup(dir, name, false, &pi);
		else if (dir->e->cpus)
			rc = pfs_cpu_lookup(dir, name, &pi);
	}
	if (rc == 0)
		*out = &pi->v;
	return rc;
}

/* The processes of /proc, at PID_POS + pid. */
static long pfs_readdir_pids(struct pfs_inode *dir, uint64_t *pos, vfs_filldir_t emit, void *ctx)
{
	int32_t pid = *pos > PID_POS ? (int32_t)(*pos - PID_POS - 1) : 0;
	long n = 0;
	char name[16];

	while ((pid = pfs_ops->next_pid(pfs_ops->ctx, pid)) > 0) {
		size_t len = (size_t)ksnprintf(name, sizeof(name), "%d", pid);

		if (!emit(ctx, name, len, pfs_ino(dir->v.ino, name), DT_DIR, PID_POS + pid + 1))
			break;
		*pos = PID_POS + pid + 1;
		n++;
	}
	return n;
}

static long pfs_readdir(struct vfs_inode *vdir, uint64_t *pos, vfs_filldir_t emit, void *ctx)
{
	struct pfs_inode *dir = PI(vdir);
	const struct pfs_entry *e = pfs_children(dir);
	uint64_t i = 2;
	long n = 0;

	if (*pos == 0) {
		if (!emit(ctx, ".", 1, dir->v.ino, DT_DIR, 1))
			return 0;
		*pos = 1, n++;
	}
	if (*pos == 1) {
		if (!emit(ctx, "..", 2, dir->v.ino, DT_DIR,
		          2)) /* the parent's number is not kept */
			return n;
		*pos = 2, n++;
	}
	switch (dir->e->kind) {
	case PFS_FD_DIR:
		return n + pfs_fd_readdir(dir, pos, emit, ctx);
	case PFS_SYSCTL_DIR:
		return n + pfs_sysctl_readdir(dir, pos, emit, ctx);
	case PFS_TASK_DIR: {
		char name[16];
		size_t len = (size_t)ksnprintf(name, sizeof(name), "%d", dir->pid);

		if (*pos == 2 && emit(ctx, name, len, pfs_ino(dir->v.ino, name), DT_DIR, 3))
			*pos = 3, n++;
		return n;
	}
	default:
		break;
	}
	for (; e && e->name; e++, i++) {
		if (i < *pos || !pfs_listed(dir, e))
			continue;
		if (!emit(ctx, e->name, strlen(e->name), pfs_ino(dir->v.ino, e->name),
		          dtype(e->mode), i + 1))
			return n;
		*pos = i + 1, n++;
	}
	if (dir->e == &pfs_root_dir)
		n += pfs_readdir_pids(dir, pos, emit, ctx);
	if (dir->e->cpus)
		n += pfs_readdir_cpus(dir, pos, i, emit, ctx);
	return n;
}

/* The target, cut to size as readlink(2) cuts it. */
static long pfs_readlink(struct vfs_inode *inode, char *buf, size_t size)
{
	struct pfs_inode *pi = PI(inode);
	char *tmp = kmalloc(VFS_PATH_MAX);
	long len;

	if (!tmp)
		return -ENOMEM;
	len = pi->e->kind == PFS_FD_LINK ? pfs_fd_readlink(pi, tmp, VFS_PATH_MAX)
	                                 : pi->e->readlink(pi, tmp, VFS_PATH_MAX);
	if (len >= 0) {
		len = MIN((size_t)len, size);
		memcpy(buf, tmp, (size_t)len);
	}
	kfree(tmp);
	return len;
}

int pfs_permission(struct vfs_inode *inode, unsigned mask, const struct vfs_cred *cr)
{
	struct pfs_inode *pi = PI(inode);
	int rc;

	if (pi->e->kind == PFS_SYSCTL || pi->e->kind == PFS_SYSCTL_DIR)
		return pfs_sysctl_permission(pi, mask, cr);
	rc = vfs_generic_permission(inode, mask, cr);
	/* proc_fd_permission: a process may always read its own fds. */
	if (rc < 0 && pi->e->kind == PFS_FD_DIR && pfs_ops->current_pid(pfs_ops->ctx) == pi->pid)
		rc = 0;
	return rc;
}

/*
 * pid_revalidate: a process's files last as long as the process (and an
 * fd's link as long as the fd); they follow its owner as it changes ids.
 */
static bool pfs_revalidate(struct vfs_inode *inode)
{
	struct pfs_inode *pi = PI(inode);

	if (pi->pid <= 0)
		return true;
	if (pi->e->kind == PFS_FD_LINK && !pfs_fd_valid(pi))
		return false;
	return pfs_owner(pi) == 0;
}

/* /proc's lookups answer ENOENT, creation included; /sys's leave creation to EPERM. */
static const struct vfs_inode_ops pfs_dir_iops = {.lookup = pfs_lookup,
                                                  .readdir = pfs_readdir,
                                                  .permission = pfs_permission,
                                                  .revalidate = pfs_revalidate,
                                                  .final_lookup = true};
static const struct vfs_inode_ops pfs_sysfs_dir_iops = {
    .lookup = pfs_lookup, .readdir = pfs_readdir, .permission = pfs_permission};
static const struct vfs_inode_ops pfs_file_iops = {.permission = pfs_permission,
                                                   .revalidate = pfs_revalidate};
static const struct vfs_inode_ops pfs_link_iops = {
    .readlink = pfs_readlink, .permission = pfs_permission, .revalidate = pfs_revalidate};

static int pfs_statfs(struct vfs_sb *sb, struct vfs_statfs *out)
{
	(void)sb;
	out->bsize = out->frsize = PAGE_SIZE;
	out->namelen = VFS_NAME_MAX;
	return 0;
}

static void pfs_put_super(struct vfs_sb *sb)
{
	(void)sb;
}

static const struct vfs_sb_ops pfs_sb_ops = {
    .destroy_inode = pfs_destroy_inode,
    .statfs = pfs_statfs,
    .put_super = pfs_put_super,
};

static int pfs_fill(struct vfs_sb *sb, const char *options, const struct pfs_entry *root,
                    uint32_t magic)
{
	struct pfs_inode *pi;
	int rc;

	if (options && *options)
		return -EINVAL; /* hidepid=, subset= and gid= are not supported */
	sb->magic = magic;      /* first: the root's operations depend on it */
	if ((rc = pfs_inode_new(sb, root, 0, 1, &pi)) < 0)
		return rc;
	sb->ops = &pfs_sb_ops;
	sb->root = &pi->v;
	return 0;
}

static int pfs_fill_proc(struct vfs_sb *sb, const char *options)
{
	return pfs_fill(sb, options, &pfs_root_dir, PROCFS_SUPER_MAGIC);
}

static int pfs_fill_sysfs(struct vfs_sb *sb, const char *options)
{
	return pfs_fill(sb, options, &pfs_sysfs_root_dir, PROCFS_SYSFS_MAGIC);
}

static struct vfs_fstype proc_type = {.name = "proc", .fill_super = pfs_fill_proc};
static struct vfs_fstype sysfs_type = {.name = "sysfs", .fill_super = pfs_fill_sysfs};

static bool pfs_ops_complete(const struct procfs_ops *o)
{
	return o && o->meminfo && o->kstat && o->uname && o->cmdline && o->cpuinfo && o->cpus &&
#ifdef CONFIG_IPC_SHM
	       o->shm_ns &&
#endif
	       o->current_pid && o->next_pid && o->proc && o->groups && o->may_inspect &&
	       o->read_mem && o->map && o->files && o->fs && o->exe && o->rlimits &&
	       o->oom_score_adj && o->set_oom_score_adj && o->set_comm;
}

int procfs_init(const struct procfs_ops *ops)
{
	int rc;

	if (!pfs_ops_complete(ops))
		return -EINVAL;
	pfs_ops = ops;
	if ((rc = pfs_config_init()) < 0 || (rc = pfs_sysvipc_init()) < 0 ||
	    (rc = vfs_register_fs(&proc_type)) < 0 || (rc = vfs_register_fs(&sysfs_type)) < 0) {
		procfs_fini();
		return rc;
	}
	return 0;
}

void procfs_fini(void)
{
	pfs_sysctl_fini();
	pfs_sysvipc_fini();
	pfs_config_fini();
	pfs_ops = NULL;
}
