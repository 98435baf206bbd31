/*
 * What /proc and /sys show of this kernel (procfs's ops): the processes
 * (process's table, each one's task, the layer's per-process state), the
 * memory (page-alloc, tmpfs, ipc-shm), the CPU (task's counters, the
 * architecture's /proc/cpuinfo paragraph), and the sysctls the layer owns
 * (the uts strings, and the settings other components act on).
 */
#include <hal/boot.h>
#include <hal/cpu.h>
#include <hal/smp.h>
#include <hal/spinlock.h>
#include <hal/time.h>
#include <klib/errno.h>
#include <klib/printf.h>
#include <klib/string.h>
#include <page-alloc/page_alloc.h>
#include <process/linux_arch.h>
#include <procfs/procfs.h>
#include <task/task.h>
#include <tmpfs/tmpfs.h>
#include <vfs/fs.h>
#include <vfs/mmap.h>
#include <vfs/pipe.h>
#include "abi_internal.h"

#define SIGCHLD               17
#define PF_FORKNOEXEC         0x00000040 /* forked but did not exec */
#define PF_EXITING            0x00000004
#define CRED_CAP_SYS_PTRACE   19
#define CRED_CAP_SYS_RESOURCE 24
#define RLIMIT_RSS            5
#define RLIMIT_SIGPENDING     11
#define UTS_LEN               LX_UTS_LEN /* __NEW_UTS_LEN + 1 */
#ifdef __clang__
#define LX_COMPILER "clang version " __clang_version__
#else
#define LX_COMPILER "gcc version " __VERSION__
#endif

/* ---- The uts strings (uname, kernel.hostname, kernel.domainname) ---- */

static hal_spinlock_t uts_lock = HAL_SPINLOCK_INIT;
static char uts_nodename[UTS_LEN] = "unikit", uts_domainname[UTS_LEN] = "(none)";

void lx_uts(char nodename[UTS_LEN], char domainname[UTS_LEN])
{
	unsigned long flags = hal_spin_lock_irqsave(&uts_lock);

	memcpy(nodename, uts_nodename, UTS_LEN);
	memcpy(domainname, uts_domainname, UTS_LEN);
	hal_spin_unlock_irqrestore(&uts_lock, flags);
}

static int get_uts(void *ctx, void *value)
{
	unsigned long flags = hal_spin_lock_irqsave(&uts_lock);

	memcpy(value, ctx, UTS_LEN);
	hal_spin_unlock_irqrestore(&uts_lock, flags);
	return 0;
}

static int set_uts(void *ctx, const void *value)
{
	unsigned long flags = hal_spin_lock_irqsave(&uts_lock);

	kstrlcpy(ctx, value, UTS_LEN);
	hal_spin_unlock_irqrestore(&uts_lock, flags);
	return 0;
}

static int get_const(void *ctx, void *value)
{
	kstrlcpy(value, ctx, UTS_LEN);
	return 0;
}

static int set_const(void *ctx, const void *value)
{
	(void)ctx, (void)value;
	return -EPERM; /* 0444: procfs refuses first */
}

/*
 * Settings the layer keeps for the components that act on them; each is
 * one get/set pair, so the component that comes to act on it replaces the
 * pair's body and nothing else:
 *   kernel.randomize_va_space  exec's layout randomization (harden-mem's
 *                              process_set_randomize_va_space); 0 until
 *                              exec randomizes: nothing is randomized today
 *   vm.max_map_count           the most areas a space may have
 * Until then the value written is kept and read back, and changes nothing.
 */
static long randomize_va_space, max_map_count = 65530;

static int get_setting(void *ctx, void *value)
{
	*(long *)value = __atomic_load_n((long *)ctx, __ATOMIC_RELAXED);
	return 0;
}

static int set_setting(void *ctx, const void *value)
{
	__atomic_store_n((long *)ctx, *(const long *)value, __ATOMIC_RELAXED);
	return 0;
}

/*
 * vm.nr_hugepages: the huge pages of the default size the pool holds. A
 * write asks Linux to grow or shrink the pool to that count and reads back
 * what it managed; this kernel has no huge page to give, so the pool stays
 * empty whatever is written (as a Linux whose allocations all fail).
 */
static int get_nr_hugepages(void *ctx, void *value)
{
	(void)ctx;
	*(unsigned long *)value = 0;
	return 0;
}

static int set_nr_hugepages(void *ctx, const void *value)
{
	(void)ctx, (void)value;
	return 0;
}

/* vm.overcommit_memory: page-alloc's commit policy (0..2: procfs checks the range). */
static int get_overcommit(void *ctx, void *value)
{
	(void)ctx;
	*(long *)value = page_overcommit_mode();
	return 0;
}

static int set_overcommit(void *ctx, const void *value)
{
	(void)ctx;
	return page_set_overcommit_mode(*(const long *)value);
}

/* fs.pipe-max-size (Linux's proc_dopipe_max_size): written sizes round as F_SETPIPE_SZ's. */
static int get_pipe_max(void *ctx, void *value)
{
	(void)ctx;
	*(unsigned long *)value = vfs_pipe_max_size();
	return 0;
}

static int set_pipe_max(void *ctx, const void *value)
{
	(void)ctx;
	return vfs_pipe_set_max_size(*(const unsigned long *)value);
}

#define UTS_SYSCTL(n, m, getter, setter, data)                                                     \
	{                                                                                          \
		.path = "kernel/" n, .mode = m, .kind = PROCFS_SYSCTL_STRING, .maxlen = UTS_LEN,   \
		.get = getter, .set = setter, .ctx = (void *)(data)                                \
	}
#define SETTING(p, ...)                                                                            \
	{                                                                                          \
		.path = p, .mode = 0644, .kind = PROCFS_SYSCTL_INT, .get = get_setting,            \
		.set = set_setting, __VA_ARGS__                                                    \
	}

/* Linux's tables (kernel/utsname_sysctl.c, kernel/sysctl.c, mm/util.c, mm/mmap.c). */
static const struct procfs_sysctl sysctls[] = {
    UTS_SYSCTL("ostype", 0444, get_const, set_const, "Linux"),
    UTS_SYSCTL("osrelease", 0444, get_const, set_const, LX_UTS_RELEASE),
    UTS_SYSCTL("version", 0444, get_const, set_const, LX_UTS_VERSION),
    UTS_SYSCTL("hostname", 0644, get_uts, set_uts, uts_nodename),
    UTS_SYSCTL("domainname", 0644, get_uts, set_uts, uts_domainname),
    SETTING("kernel/randomize_va_space", .ctx = &randomize_va_space),
    {.path = "vm/overcommit_memory",
     .mode = 0644,
     .kind = PROCFS_SYSCTL_INT,
     .range = true,
     .min = 0,
     .max = 2,
     .get = get_overcommit,
     .set = set_overcommit},
    SETTING("vm/max_map_count", .range = true, .min = 0, .max = 0x7fffffff, .ctx = &max_map_count),
    {.path = "fs/pipe-max-size",
     .mode = 0644,
     .kind = PROCFS_SYSCTL_ULONG,
     .get = get_pipe_max,
     .set = set_pipe_max},
    {.path = "vm/nr_hugepages",
     .mode = 0644,
     .kind = PROCFS_SYSCTL_ULONG,
     .get = get_nr_hugepages,
     .set = set_nr_hugepages},
};

/* ---- The machine ---- */

static void op_meminfo(void *ctx, struct procfs_meminfo *out)
{
	uint64_t shmem = tmpfs_pages_used() + lx_shm_pages();

	(void)ctx;
	*out = (struct procfs_meminfo){
	    .total = page_total_count(),
	    .free = page_free_count(),
	    .cached = shmem,
	    .shmem = shmem,
	    .active_anon = shmem, /* shared memory is swap-backed: the anon lists (Linux's) */
	    .commit_limit = page_total_count() / 2, /* overcommit_ratio 50, no swap */
	};
	/* Nothing is reclaimable without swap: what is free is what is available. */
	out->available = out->free;
}

static void op_kstat(void *ctx, struct procfs_kstat *out)
{
	struct task_cpu_stats t;
	uint64_t now = hal_time_ns();

	(void)ctx;
	task_cpu_stats(&t);
	*out = (struct procfs_kstat){
	    .ncpus = 1,
	    .system_ns = now > t.idle_ns ? now - t.idle_ns : 0, /* busy: no user/system split */
	    .idle_ns = t.idle_ns,
	    .uptime_ns = now,
	    .boot_time = (hal_time_realtime_ns() - now) / 1000000000ull,
	    .interrupts = task_ticks(),
	    .context_switches = t.switches,
	    .forks = (uint64_t)process_last_pid(),
	    .running = t.ready,
	    .threads = (unsigned)process_count(),
	    .last_pid = process_last_pid(),
	};
}

static void op_uname(void *ctx, struct procfs_uname *out)
{
	(void)ctx;
	*out = (struct procfs_uname){"Linux",  LX_UTS_RELEASE, LX_UTS_VERSION,
	                             "unikit", "unikit",       LX_COMPILER};
}

static const char *op_cmdline(void *ctx)
{
	(void)ctx;
	return hal_boot_cmdline();
}

/* One CPU: the one the kernel runs on. */
static size_t op_cpuinfo(void *ctx, unsigned cpu, char *buf, size_t size)
{
	(void)ctx;
	if (cpu > 0)
		return 0;
	return linux_arch_cpuinfo(buf, size,
	                          &(struct linux_arch_cpu){.processor = 0, .hwid = hal_cpu_id()});
}

/* Online and possible alike: CPUs come up at boot and never go (hal/smp.h). */
static unsigned op_cpus(void *ctx, bool online)
{
	(void)ctx, (void)online;
	return hal_cpu_count();
}

#ifdef CONFIG_IPC_SHM
/* The reader's (ipc_sysctl.c and /proc/sysvipc show current's IPC namespace). */
static struct shm_ns *op_shm_ns(void *ctx)
{
	(void)ctx;
	return lx_shm_ns(process_current());
}
#endif

/* ---- Processes ---- */

static int32_t op_current_pid(void *ctx)
{
	struct process *p = process_current();

	(void)ctx;
	return p ? process_tgid(p) : 0; /* /proc/self is the thread group */
}

static int32_t op_next_pid(void *ctx, int32_t after)
{
	(void)ctx;
	return process_next_pid(after);
}

/*
 * Linux's letter: Z for a zombie, else what its task does: R running or
 * ready, S asleep (a process sleeps only in system calls that wait for
 * an event: wait4, nanosleep, reads; Linux calls those interruptible).
 */
static char state_letter(struct process *p, const struct task_info *ti)
{
	if (p->state == PROCESS_ZOMBIE)
		return 'Z';
	if (p->leader->stop_done)
		return 'T';
	return p->task && ti->activity == TASK_ACT_SLEEPING ? 'S' : 'R';
}

/* Handlers and ignored signals (collect_sigign_sigcatch), with the tree lock held. */
static void copy_signals(const struct process *p, struct procfs_proc *out)
{
	out->sig_blocked = p->sig_blocked;
	out->sig_pending = p->thread_pending;
	for (unsigned i = 0; i < PROCESS_NSIG; i++) {
		uintptr_t handler = p->leader->sig_action[i].handler;

		if (handler == PROCESS_SIG_IGN)
			out->sig_ignored |= 1ull << i;
		else if (handler != PROCESS_SIG_DFL)
			out->sig_caught |= 1ull << i;
	}
}

static void copy_state(const struct lx_proc *s, struct procfs_proc *out)
{
	const struct cred *c = &s->cred;

	out->uid[0] = c->ruid, out->uid[1] = c->euid, out->uid[2] = c->suid, out->uid[3] = c->fsuid;
	out->gid[0] = c->rgid, out->gid[1] = c->egid, out->gid[2] = c->sgid, out->gid[3] = c->fsgid;
	out->cap_prm = c->cap_permitted;
	out->cap_eff = c->cap_effective;
	out->cap_bnd = CRED_CAP_ALL;
	out->dumpable = s->dumpable;
	out->rsslim = s->rlim[RLIMIT_RSS].cur;
	out->sigq_limit = s->rlim[RLIMIT_SIGPENDING].cur;
	if (s->fs)
		out->umask = vfs_fs_get_umask(s->fs);
	if (s->files)
		out->fd_size = vfs_fdt_size(s->files);
}

/* The fields the tree lock guards, and the layer's state (p cannot go meanwhile). */
static void copy_locked(struct process *p, struct procfs_proc *out)
{
	struct task_info ti = {0};

	if (p->task && p->state != PROCESS_ZOMBIE)
		task_get_info(p->task, &ti);
	out->pid = p->pid;
	out->ppid = p->leader->parent ? p->leader->parent->pid : 0;
	out->pgid = p->leader->pgid;
	out->sid = p->leader->sid;
	out->sig_shared =
	    p->leader->sig_pending; /* kill() pends for the whole process: shared_pending */
	copy_signals(p, out);
	out->state = state_letter(p, &ti);
	memcpy(out->comm, p->comm, sizeof(out->comm));
	out->comm[sizeof(out->comm) - 1] = '\0';
	out->exit_code = p->state == PROCESS_ZOMBIE ? p->wstatus : 0;
	out->exit_signal = SIGCHLD;
	out->threads = 1;
	out->priority = 20 + ti.nice;
	out->nice = ti.nice;
	out->stime_ns = ti.runtime_ns; /* no user/system split: all of its CPU time */
	out->nvcsw = ti.switches_in > ti.preemptions ? ti.switches_in - ti.preemptions : 0;
	out->nivcsw = ti.preemptions;
	out->tty_pgrp = -1;
	out->umask = (uint32_t)-1;
	if (p->abi)
		copy_state(lx(p), out);
	if (p->state != PROCESS_ZOMBIE) {
		const struct process_layout *l = &p->layout;

		out->start_code = l->start_code, out->end_code = l->end_code;
		out->start_data = l->start_data, out->end_data = l->end_data;
		out->start_stack = l->start_stack;
		out->arg_start = l->arg_start, out->arg_end = l->arg_end;
		out->env_start = l->env_start, out->env_end = l->env_end;
		if (p->abi)
			out->start_brk = lx(p)->brk.start, out->brk = lx(p)->brk.cur;
	}
}

struct vm_count {
	uint64_t pages, exec, data, stack;
	uint64_t start_stack;
};

static enum as_visit count_area(const struct as_area *a, void *ctx)
{
	struct vm_count *c = ctx;
	uint64_t pages = (as_area_end(a) - as_area_start(a)) / PAGE_SIZE;
	unsigned prot = as_area_prot(a);

	c->pages += pages;
	if (as_area_start(a) <= c->start_stack && as_area_end(a) >= c->start_stack)
		c->stack += pages; /* Linux's VmStk: the stack area */
	else if (prot & AS_PROT_EXEC)
		c->exec += pages;
	else if ((prot & AS_PROT_WRITE) && !(as_area_flags(a) & AS_MAP_SHARED))
		c->data += pages; /* Linux's VmData: private, writable, not the stack */
	return AS_VISIT_NEXT;
}

/*
 * The memory figures of pid's space (zero for a zombie). The resident
 * count is addr-space's (the OOM killer weighs it with the page-table
 * pages, VmPTE), not split into anon, file and shmem: all of it is shown
 * as RssAnon.
 */
static void copy_mm(int32_t pid, struct procfs_proc *out)
{
	struct process_as_ref ref;
	struct vm_count c = {.start_stack = out->start_stack};
	size_t tables, resident;

	if (!process_as_get(pid, &ref))
		return;
	as_visit(ref.as, 0, count_area, &c);
	tables = as_table_pages(ref.as);
	resident = as_resident_pages(ref.as);
	process_as_put(&ref);
	out->rss_anon = resident;
	out->pte_bytes = (uint64_t)tables * PAGE_SIZE;
	out->has_mm = true;
	out->vm_pages = out->vm_peak = c.pages;
	out->vm_exec = c.exec;
	out->vm_data = c.data;
	out->vm_stack = c.stack;
	out->rss_peak = out->rss_anon;
}

static int op_proc(void *ctx, int32_t pid, struct procfs_proc *out)
{
	unsigned long flags = process_lock();
	struct process *p = process_find(pid);

	(void)ctx;
	if (!p) {
		process_unlock(flags);
		return -ESRCH;
	}
	memset(out, 0, sizeof(*out));
	copy_locked(p, out);
	process_unlock(flags);
	copy_mm(pid, out);
	return 0;
}

static long op_groups(void *ctx, int32_t pid, uint32_t *out, size_t max)
{
	unsigned long flags = process_lock();
	struct process *p = process_find(pid);
	long n = -ESRCH;

	(void)ctx;
	if (p && p->abi) {
		const struct cred *c = &lx(p)->cred;

		n = (long)c->ngroups;
		memcpy(out, c->groups, MIN(c->ngroups, max) * sizeof(*out));
	} else if (p) {
		n = 0;
	}
	process_unlock(flags);
	return n;
}

/*
 * ptrace_may_access(PTRACE_MODE_READ_FSCREDS): the caller itself, or its
 * file system ids are all of the target's real, effective and saved ids,
 * and the target is dumpable; or the caller has CAP_SYS_PTRACE.
 */
static int op_may_inspect(void *ctx, int32_t pid)
{
	struct process *me = process_current();
	unsigned long flags = process_lock();
	struct process *p = process_find(pid);
	int rc = 0;

	(void)ctx;
	if (!p) {
		rc = -ESRCH;
	} else if (me && p != me && p->abi && me->abi) {
		const struct cred *a = &lx(me)->cred, *t = &lx(p)->cred;
		bool same = a->fsuid == t->ruid && a->fsuid == t->euid && a->fsuid == t->suid &&
		            a->fsgid == t->rgid && a->fsgid == t->egid && a->fsgid == t->sgid;

		if (!cred_capable(a, CRED_CAP_SYS_PTRACE) && (!same || !lx(p)->dumpable))
			rc = -EACCES;
	}
	process_unlock(flags);
	return rc;
}

static long op_read_mem(void *ctx, int32_t pid, uint64_t addr, void *buf, size_t len)
{
	struct process_as_ref ref;
	long rc;

	(void)ctx;
	if (!process_as_get(pid, &ref))
		return -ESRCH;
	rc = as_copy_from_user(ref.as, buf, addr, len) < 0 ? -EFAULT : (long)len;
	process_as_put(&ref);
	return rc;
}

struct map_find {
	struct procfs_map *out;
	uintptr_t start_brk, brk; /* the process's break (Linux's mm->start_brk, mm->brk) */
	uintptr_t start_stack;    /* where argc is (mm->start_stack) */
	bool found;
};

/*
 * Linux's show_map_vma: a file's path (and its device, inode and offset),
 * the SYSV attachments (a shmem file Linux names by the key, inode the
 * id), [heap] for the area of the break (vma_is_initial_heap).
 */
static void name_area(const struct as_area *a, const struct map_find *m, struct procfs_map *out)
{
	struct vfs_file *f = vfs_area_file(a);
#ifdef CONFIG_IPC_SHM
	int32_t key;
	int id;
#endif

	if (f) {
		struct vfs_inode *inode = vfs_file_inode(f);

		out->dev = inode->sb->dev;
		out->ino = inode->ino;
		out->offset = as_area_pgoff(a) * PAGE_SIZE;
		if (vfs_path_name(vfs_file_path(f), out->name, out->name_size) < 0)
			out->name[0] = '\0';
		return;
	}
#ifdef CONFIG_IPC_SHM
	if (shm_area_seg(a, &key, &id)) {
		out->ino = (uint64_t)id;
		out->offset = as_area_pgoff(a) * PAGE_SIZE;
		ksnprintf(out->name, out->name_size, "/SYSV%08x (deleted)", (unsigned)key);
		return;
	}
#endif
	if (m->start_brk && as_area_start(a) <= m->brk && as_area_end(a) >= m->start_brk)
		kstrlcpy(out->name, "[heap]", out->name_size);
	else if (as_area_start(a) <= m->start_stack && as_area_end(a) >= m->start_stack)
		kstrlcpy(out->name, "[stack]", out->name_size);
}

static enum as_visit find_area(const struct as_area *a, void *ctx)
{
	struct map_find *m = ctx;
	struct procfs_map *out = m->out;
	unsigned prot = as_area_prot(a);

	out->start = as_area_start(a);
	out->end = as_area_end(a);
	out->read = prot & AS_PROT_READ;
	out->write = prot & AS_PROT_WRITE;
	out->exec = prot & AS_PROT_EXEC;
	out->shared = as_area_flags(a) & AS_MAP_SHARED;
	out->offset = out->dev = out->ino = 0;
	out->name[0] = '\0';
	name_area(a, m, out);
	m->found = true;
	return AS_VISIT_STOP;
}

static int op_map(void *ctx, int32_t pid, uint64_t addr, struct procfs_map *out)
{
	struct map_find m = {.out = out};
	struct process_as_ref ref;
	unsigned long flags;

	(void)ctx;
	if (!process_as_get(pid, &ref))
		return -ESRCH;
	flags = process_lock();
	if (ref.p->abi) {
		m.start_brk = lx(ref.p)->brk.start;
		m.brk = lx(ref.p)->brk.cur;
	}
	m.start_stack = ref.p->layout.start_stack;
	process_unlock(flags);
	as_visit(ref.as, (uintptr_t)addr, find_area, &m);
	process_as_put(&ref);
	return m.found ? 0 : -ENOENT;
}

static struct vfs_fdtable *op_files(void *ctx, int32_t pid)
{
	unsigned long flags = process_lock();
	struct process *p = process_find(pid);
	struct vfs_fdtable *t = p && p->abi && lx(p)->files ? vfs_fdt_share(lx(p)->files) : NULL;

	(void)ctx;
	process_unlock(flags);
	return t;
}

static struct vfs_fs *op_fs(void *ctx, int32_t pid)
{
	unsigned long flags = process_lock();
	struct process *p = process_find(pid);
	struct vfs_fs *fs = p && p->abi && lx(p)->fs ? vfs_fs_share(lx(p)->fs) : NULL;

	(void)ctx;
	process_unlock(flags);
	return fs;
}

static int op_exe(void *ctx, int32_t pid, struct vfs_path *out)
{
	unsigned long flags = process_lock();
	struct process *p = process_find(pid);
	int rc = -ESRCH;

	(void)ctx;
	if (p && p->abi && lx(p)->exe.dentry) {
		*out = lx(p)->exe;
		vfs_path_get(out);
		rc = 0;
	} else if (p) {
		rc = -ENOENT;
	}
	process_unlock(flags);
	return rc;
}

static int op_rlimits(void *ctx, int32_t pid, struct procfs_rlimit out[PROCFS_RLIM_NLIMITS])
{
	unsigned long flags = process_lock();
	struct process *p = process_find(pid);
	int rc = p ? 0 : -ESRCH;

	(void)ctx;
	for (unsigned i = 0; p && i < PROCFS_RLIM_NLIMITS; i++) {
		out[i].cur = p->abi && i < LX_RLIM_NLIMITS ? lx(p)->rlim[i].cur : LX_RLIM_INFINITY;
		out[i].max = p->abi && i < LX_RLIM_NLIMITS ? lx(p)->rlim[i].max : LX_RLIM_INFINITY;
	}
	process_unlock(flags);
	return rc;
}

static int op_oom_score_adj(void *ctx, int32_t pid, int *adj)
{
	unsigned long flags = process_lock();
	struct process *p = process_find(pid);

	(void)ctx;
	if (p)
		*adj = p->abi ? __atomic_load_n(&lx(p)->oom_score_adj, __ATOMIC_RELAXED) : 0;
	process_unlock(flags);
	return p ? 0 : -ESRCH;
}

/* __set_oom_adj: below the minimum needs CAP_SYS_RESOURCE, which also moves the minimum. */
static int op_set_oom_score_adj(void *ctx, int32_t pid, int adj)
{
	struct process *me = process_current();
	bool capable = me && me->abi && cred_capable(&lx(me)->cred, CRED_CAP_SYS_RESOURCE);
	unsigned long flags = process_lock();
	struct process *p = process_find(pid);
	int rc = 0;

	(void)ctx;
	if (!p || !p->abi) {
		rc = -ESRCH;
	} else if (adj < lx(p)->oom_score_adj_min && !capable) {
		rc = -EACCES;
	} else {
		__atomic_store_n(&lx(p)->oom_score_adj, adj, __ATOMIC_RELAXED);
		if (capable)
			lx(p)->oom_score_adj_min = adj;
	}
	process_unlock(flags);
	return rc;
}

/* comm_write: a process renames itself only. */
static int op_set_comm(void *ctx, int32_t pid, const char *comm)
{
	struct process *me = process_current();

	(void)ctx;
	if (!me || me->pid != pid)
		return -EINVAL;
	kstrlcpy(me->comm, comm, sizeof(me->comm));
	return 0;
}

static const struct procfs_ops ops = {
    .meminfo = op_meminfo,
    .kstat = op_kstat,
    .uname = op_uname,
    .cmdline = op_cmdline,
    .cpuinfo = op_cpuinfo,
    .cpus = op_cpus,
#ifdef CONFIG_IPC_SHM
    .shm_ns = op_shm_ns,
#endif
    .current_pid = op_current_pid,
    .next_pid = op_next_pid,
    .proc = op_proc,
    .groups = op_groups,
    .may_inspect = op_may_inspect,
    .read_mem = op_read_mem,
    .map = op_map,
    .files = op_files,
    .fs = op_fs,
    .exe = op_exe,
    .rlimits = op_rlimits,
    .oom_score_adj = op_oom_score_adj,
    .set_oom_score_adj = op_set_oom_score_adj,
    .set_comm = op_set_comm,
};

int lx_proc_setup(void)
{
	int rc;

	if ((rc = procfs_init(&ops)) < 0 ||
	    (rc = procfs_sysctl_register(sysctls, sizeof(sysctls) / sizeof(sysctls[0]))) < 0)
		return rc;
	return 0;
}
