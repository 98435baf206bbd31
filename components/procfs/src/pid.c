/*
 * /proc/<pid>'s text files, in Linux 6.12's formats: stat (fs/proc/array.c
 * do_task_stat), statm, status (proc_pid_status), limits, comm, cmdline
 * and environ (base.c get_mm_cmdline, environ_read), oom_score_adj.
 */
#include <klib/errno.h>
#include <klib/printf.h>
#include <klib/string.h>
#include <page-alloc/page_alloc.h>
#include "procfs_internal.h"

#define USER_HZ           100
#define OOM_SCORE_ADJ_MAX 1000
#define RLIM_INFINITY     (~0ull)

static uint64_t clock_t_of(uint64_t ns)
{
	return ns / (1000000000ull / USER_HZ);
}

/* A fresh snapshot of the file's process (s->err on failure). */
static struct procfs_proc *snapshot(struct pfs_seq *s)
{
	struct procfs_proc *p = kzalloc(sizeof(*p));
	int rc;

	if (!p) {
		s->err = -ENOMEM;
		return NULL;
	}
	if ((rc = pfs_ops->proc(pfs_ops->ctx, s->pi->pid, p)) < 0) {
		s->err = rc;
		kfree(p);
		return NULL;
	}
	return p;
}

static void put_ull(struct pfs_seq *s, uint64_t v)
{
	pfs_printf(s, " %llu", (unsigned long long)v);
}

static void put_ll(struct pfs_seq *s, int64_t v)
{
	pfs_printf(s, " %lld", (long long)v);
}

/* do_task_stat; a /proc/<pid>/task/<tid>/stat is the same file for a one-task process. */
bool pfs_show_pid_stat(struct pfs_seq *s, uint64_t *idx)
{
	struct procfs_proc *p;
	bool permitted;
	uint64_t hide;

	if (!pfs_once(idx) || !(p = snapshot(s)))
		return false;
	permitted = pfs_ops->may_inspect(pfs_ops->ctx, p->pid) == 0;
	hide = p->has_mm ? 1 : 0; /* what an unpermitted reader sees of the code range */
	pfs_printf(s, "%d (%s) %c", p->pid, p->comm, p->state);
	put_ll(s, p->ppid);
	put_ll(s, p->pgid);
	put_ll(s, p->sid);
	put_ll(s, (int64_t)p->tty_nr);
	put_ll(s, p->tty_pgrp);
	put_ull(s, p->flags);
	put_ull(s, p->min_flt);
	put_ull(s, p->cmin_flt);
	put_ull(s, p->maj_flt);
	put_ull(s, p->cmaj_flt);
	put_ull(s, clock_t_of(p->utime_ns));
	put_ull(s, clock_t_of(p->stime_ns));
	put_ll(s, (int64_t)clock_t_of(p->cutime_ns));
	put_ll(s, (int64_t)clock_t_of(p->cstime_ns));
	put_ll(s, p->priority);
	put_ll(s, p->nice);
	put_ll(s, p->threads);
	put_ull(s, 0);
	put_ull(s, clock_t_of(p->start_ns));
	put_ull(s, p->vm_pages * PAGE_SIZE);
	put_ull(s, p->rss_anon + p->rss_file + p->rss_shmem);
	put_ull(s, p->rsslim);
	put_ull(s, permitted ? p->start_code : hide);
	put_ull(s, permitted ? p->end_code : hide);
	put_ull(s, permitted ? p->start_stack : 0);
	put_ull(s, 0); /* esp and eip: zeroed, as Linux does for a running task */
	put_ull(s, 0);
	put_ull(s, p->sig_pending & 0x7fffffff);
	put_ull(s, p->sig_blocked & 0x7fffffff);
	put_ull(s, p->sig_ignored & 0x7fffffff);
	put_ull(s, p->sig_caught & 0x7fffffff);
	put_ull(s, permitted && p->state != 'R' ? 1 : 0); /* wchan: a flag since 4.x */
	put_ull(s, 0);
	put_ull(s, 0);
	put_ll(s, p->exit_signal);
	put_ll(s, p->cpu);
	put_ull(s, 0); /* rt_priority */
	put_ull(s, 0); /* policy: SCHED_NORMAL */
	put_ull(s, 0); /* delayacct_blkio_ticks */
	put_ull(s, 0); /* guest time */
	put_ll(s, 0);
	if (p->has_mm && permitted) {
		put_ull(s, p->start_data);
		put_ull(s, p->end_data);
		put_ull(s, p->start_brk);
		put_ull(s, p->arg_start);
		put_ull(s, p->arg_end);
		put_ull(s, p->env_start);
		put_ull(s, p->env_end);
	} else {
		pfs_puts(s, " 0 0 0 0 0 0 0");
	}
	put_ll(s, permitted ? p->exit_code : 0);
	pfs_puts(s, "\n");
	kfree(p);
	return true;
}

/* Linux's task_statm: size, resident, shared, text, 0, data + stack, 0. */
bool pfs_show_statm(struct pfs_seq *s, uint64_t *idx)
{
	struct procfs_proc *p;
	uint64_t text = 0;

	if (!pfs_once(idx) || !(p = snapshot(s)))
		return false;
	if (!p->has_mm) {
		pfs_puts(s, "0 0 0 0 0 0 0\n");
		kfree(p);
		return true;
	}
	text = ((p->end_code + PAGE_SIZE - 1) / PAGE_SIZE) - p->start_code / PAGE_SIZE;
	pfs_printf(s, "%llu %llu %llu %llu 0 %llu 0\n", (unsigned long long)p->vm_pages,
	           (unsigned long long)(p->rss_anon + p->rss_file + p->rss_shmem),
	           (unsigned long long)(p->rss_file + p->rss_shmem), (unsigned long long)text,
	           (unsigned long long)(p->vm_data + p->vm_stack));
	kfree(p);
	return true;
}

static const char *state_name(char state)
{
	static const char *const names[] = {"R (running)", "S (sleeping)",     "D (disk sleep)",
	                                    "T (stopped)", "t (tracing stop)", "X (dead)",
	                                    "Z (zombie)",  "P (parked)",       "I (idle)"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i][0] == state)
			return names[i];
	return names[0];
}

/* The name as status shows it: seq_escape_str with only newline and backslash escaped. */
static void put_name(struct pfs_seq *s, const char *comm)
{
	for (; *comm; comm++) {
		if (*comm == '\n')
			pfs_puts(s, "\\n");
		else if (*comm == '\\')
			pfs_puts(s, "\\\\");
		else
			pfs_write(s, comm, 1);
	}
}

static void put_groups(struct pfs_seq *s, int32_t pid)
{
	uint32_t *g = NULL;
	long n = pfs_ops->groups(pfs_ops->ctx, pid, NULL, 0);

	if (n > 0 && (g = kcalloc((size_t)n, sizeof(*g))))
		n = MIN(n, pfs_ops->groups(pfs_ops->ctx, pid, g, (size_t)n));
	for (long i = 0; g && i < n; i++)
		pfs_printf(s, i ? " %u" : "%u", g[i]);
	if (n > 0 && !g)
		s->err = -ENOMEM;
	pfs_puts(s, " \n"); /* Linux's trailing space, kept for compatibility */
	kfree(g);
}

static void put_kb(struct pfs_seq *s, const char *label, uint64_t pages)
{
	pfs_printf(s, "%s%8llu kB\n", label, (unsigned long long)(pages * (PAGE_SIZE / 1024)));
}

/* task_mem: the memory lines of status. */
static void status_mem(struct pfs_seq *s, const struct procfs_proc *p)
{
	uint64_t rss = p->rss_anon + p->rss_file + p->rss_shmem;
	uint64_t text = ((p->end_code + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1)) -
	                (p->start_code & ~(uint64_t)(PAGE_SIZE - 1));

	text = MIN(text, p->vm_exec * PAGE_SIZE);
	put_kb(s, "VmPeak:\t", MAX(p->vm_peak, p->vm_pages));
	put_kb(s, "VmSize:\t", p->vm_pages);
	put_kb(s, "VmLck:\t", p->vm_locked);
	put_kb(s, "VmPin:\t", 0);
	put_kb(s, "VmHWM:\t", MAX(p->rss_peak, rss));
	put_kb(s, "VmRSS:\t", rss);
	put_kb(s, "RssAnon:\t", p->rss_anon);
	put_kb(s, "RssFile:\t", p->rss_file);
	put_kb(s, "RssShmem:\t", p->rss_shmem);
	put_kb(s, "VmData:\t", p->vm_data);
	put_kb(s, "VmStk:\t", p->vm_stack);
	pfs_printf(s, "VmExe:\t%8llu kB\n", (unsigned long long)(text >> 10));
	pfs_printf(s, "VmLib:\t%8llu kB\n",
	           (unsigned long long)((p->vm_exec * PAGE_SIZE - text) >> 10));
	pfs_printf(s, "VmPTE:\t%8llu kB\n", (unsigned long long)(p->pte_bytes >> 10));
	put_kb(s, "VmSwap:\t", 0);
	pfs_puts(s, "CoreDumping:\t0\nTHP_enabled:\t0\nuntag_mask:\t0xffffffffffffffff\n");
}

/*
 * proc_pid_status with this kernel's configuration: no PID namespaces (no
 * NS* lines), no seccomp, no cpusets (no Mems_allowed), one CPU.
 */
bool pfs_show_status(struct pfs_seq *s, uint64_t *idx)
{
	struct procfs_proc *p;

	if (!pfs_once(idx) || !(p = snapshot(s)))
		return false;
	pfs_puts(s, "Name:\t");
	put_name(s, p->comm);
	pfs_puts(s, "\n");
	if (p->umask != (uint32_t)-1)
		pfs_printf(s, "Umask:\t%#04o\n", p->umask);
	pfs_printf(s, "State:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t%d\n",
	           state_name(p->state), p->pid, p->pid, p->ppid, p->tracer);
	pfs_printf(s, "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\nFDSize:\t%u\nGroups:\t",
	           p->uid[0], p->uid[1], p->uid[2], p->uid[3], p->gid[0], p->gid[1], p->gid[2],
	           p->gid[3], p->fd_size);
	put_groups(s, p->pid);
	pfs_puts(s, "Kthread:\t0\n");
	if (p->has_mm)
		status_mem(s, p);
	pfs_printf(s, "Threads:\t%u\nSigQ:\t%llu/%llu\n", p->threads, (unsigned long long)p->sigq,
	           (unsigned long long)p->sigq_limit);
	pfs_printf(s,
	           "SigPnd:\t%016llx\nShdPnd:\t%016llx\nSigBlk:\t%016llx\nSigIgn:\t%016llx\n"
	           "SigCgt:\t%016llx\n",
	           (unsigned long long)p->sig_pending, (unsigned long long)p->sig_shared,
	           (unsigned long long)p->sig_blocked, (unsigned long long)p->sig_ignored,
	           (unsigned long long)p->sig_caught);
	pfs_printf(s,
	           "CapInh:\t%016llx\nCapPrm:\t%016llx\nCapEff:\t%016llx\nCapBnd:\t%016llx\n"
	           "CapAmb:\t%016llx\n",
	           (unsigned long long)p->cap_inh, (unsigned long long)p->cap_prm,
	           (unsigned long long)p->cap_eff, (unsigned long long)p->cap_bnd,
	           (unsigned long long)p->cap_amb);
	pfs_puts(s, "NoNewPrivs:\t0\nSpeculation_Store_Bypass:\tunknown\n"
	            "SpeculationIndirectBranch:\tunsupported\n");
	pfs_printf(s, "Cpus_allowed:\t1\nCpus_allowed_list:\t0\n");
	pfs_printf(s, "voluntary_ctxt_switches:\t%llu\nnonvoluntary_ctxt_switches:\t%llu\n",
	           (unsigned long long)p->nvcsw, (unsigned long long)p->nivcsw);
	kfree(p);
	return true;
}

bool pfs_show_limits(struct pfs_seq *s, uint64_t *idx)
{
	static const char *const names[PROCFS_RLIM_NLIMITS][2] = {
	    {"Max cpu time", "seconds"},     {"Max file size", "bytes"},
	    {"Max data size", "bytes"},      {"Max stack size", "bytes"},
	    {"Max core file size", "bytes"}, {"Max resident set", "bytes"},
	    {"Max processes", "processes"},  {"Max open files", "files"},
	    {"Max locked memory", "bytes"},  {"Max address space", "bytes"},
	    {"Max file locks", "locks"},     {"Max pending signals", "signals"},
	    {"Max msgqueue size", "bytes"},  {"Max nice priority", NULL},
	    {"Max realtime priority", NULL}, {"Max realtime timeout", "us"},
	};
	struct procfs_rlimit r[PROCFS_RLIM_NLIMITS];
	int rc;

	if (!pfs_once(idx))
		return false;
	if ((rc = pfs_ops->rlimits(pfs_ops->ctx, s->pi->pid, r)) < 0) {
		s->err = rc;
		return false;
	}
	pfs_puts(
	    s, "Limit                     Soft Limit           Hard Limit           Units     \n");
	for (int i = 0; i < PROCFS_RLIM_NLIMITS; i++) {
		pfs_printf(s, "%-25s ", names[i][0]);
		if (r[i].cur == RLIM_INFINITY)
			pfs_printf(s, "%-20s ", "unlimited");
		else
			pfs_printf(s, "%-20llu ", (unsigned long long)r[i].cur);
		if (r[i].max == RLIM_INFINITY)
			pfs_printf(s, "%-20s ", "unlimited");
		else
			pfs_printf(s, "%-20llu ", (unsigned long long)r[i].max);
		if (names[i][1])
			pfs_printf(s, "%-10s\n", names[i][1]);
		else
			pfs_puts(s, "\n");
	}
	return true;
}

bool pfs_show_comm(struct pfs_seq *s, uint64_t *idx)
{
	struct procfs_proc *p;

	if (!pfs_once(idx) || !(p = snapshot(s)))
		return false;
	pfs_printf(s, "%s\n", p->comm);
	kfree(p);
	return true;
}

/* comm_write: the first 15 bytes as they are (a newline included), by the process itself. */
long pfs_write_comm(struct pfs_inode *pi, const char *buf, size_t len, const struct vfs_cred *cr)
{
	char comm[16] = {0};
	int rc;

	(void)cr;
	memcpy(comm, buf, MIN(len, sizeof(comm) - 1));
	if ((rc = pfs_ops->set_comm(pfs_ops->ctx, pi->pid, comm)) < 0)
		return rc;
	return (long)len;
}

/* simple_read_from_buffer over a small text. */
static long read_text(const char *text, size_t tlen, void *buf, size_t len, uint64_t pos)
{
	if (pos >= tlen)
		return 0;
	len = MIN(len, tlen - (size_t)pos);
	memcpy(buf, text + pos, len);
	return (long)len;
}

long pfs_read_oom_adj(struct pfs_inode *pi, void *buf, size_t len, uint64_t pos)
{
	char text[16];
	int adj, rc;

	if ((rc = pfs_ops->oom_score_adj(pfs_ops->ctx, pi->pid, &adj)) < 0)
		return rc;
	return read_text(text, (size_t)ksnprintf(text, sizeof(text), "%d\n", adj), buf, len, pos);
}

/* kstrtoint(strstrip(buffer), 0, ...): base 0, a sign, surrounding blanks. */
static int parse_int(const char *s, int *out)
{
	unsigned long long v;
	const char *end;
	bool neg = false;
	int rc;

	while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
		s++;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if ((rc = kstrtou64(s, 0, &v, &end)) < 0)
		return rc;
	while (*end == ' ' || (*end >= '\t' && *end <= '\r'))
		end++;
	if (*end)
		return -EINVAL;
	if (v > (neg ? 0x80000000ull : 0x7fffffffull))
		return -ERANGE;
	*out = neg ? (int)-(long long)v : (int)v;
	return 0;
}

/* oom_score_adj_write: at most 12 bytes are read (PROC_NUMBUF - 1); the count is returned. */
long pfs_write_oom_adj(struct pfs_inode *pi, const char *buf, size_t len, const struct vfs_cred *cr)
{
	char text[13] = {0};
	int adj, rc;

	(void)cr;
	memcpy(text, buf, MIN(len, sizeof(text) - 1));
	if ((rc = parse_int(text, &adj)) < 0)
		return rc;
	if (adj < -OOM_SCORE_ADJ_MAX || adj > OOM_SCORE_ADJ_MAX)
		return -EINVAL;
	if ((rc = pfs_ops->set_oom_score_adj(pfs_ops->ctx, pi->pid, adj)) < 0)
		return rc;
	return (long)len;
}

/* Bytes of the process's memory in [start, end) at pos (access_remote_vm). */
static long read_area(int32_t pid, uint64_t start, uint64_t end, void *buf, size_t len,
                      uint64_t pos)
{
	if (start >= end || pos >= end - start)
		return 0;
	len = (size_t)MIN((uint64_t)len, end - start - pos);
	return pfs_ops->read_mem(pfs_ops->ctx, pid, start + pos, buf, len);
}

/*
 * get_mm_cmdline: the argument area; when its last byte is not a NUL the
 * program rewrote its arguments (setproctitle), and the text runs on into
 * the environment area up to the first NUL.
 */
long pfs_read_cmdline(struct pfs_inode *pi, void *buf, size_t len, uint64_t pos)
{
	struct procfs_proc *p = kzalloc(sizeof(*p));
	uint64_t start, end;
	long rc;
	char c;

	if (!p)
		return -ENOMEM;
	if ((rc = pfs_ops->proc(pfs_ops->ctx, pi->pid, p)) < 0 || !p->has_mm || !p->env_end ||
	    p->arg_start >= p->arg_end) {
		kfree(p);
		return rc < 0 ? rc : 0;
	}
	start = p->arg_start;
	end = p->arg_end;
	if (pfs_ops->read_mem(pfs_ops->ctx, pi->pid, end - 1, &c, 1) == 1 && c) {
		uint64_t env_end = p->env_start == p->arg_end ? p->env_end : p->arg_end;
		char *text = buf;

		rc = read_area(pi->pid, start, env_end, buf, len, pos);
		for (long i = 0; i < rc; i++)
			if (text[i] == '\0')
				rc = i;
	} else {
		rc = read_area(pi->pid, start, end, buf, len, pos);
	}
	kfree(p);
	return rc;
}

long pfs_read_environ(struct pfs_inode *pi, void *buf, size_t len, uint64_t pos)
{
	struct procfs_proc *p = kzalloc(sizeof(*p));
	long rc;

	if (!p)
		return -ENOMEM;
	if ((rc = pfs_ops->proc(pfs_ops->ctx, pi->pid, p)) == 0)
		rc = p->has_mm && p->env_end
		         ? read_area(pi->pid, p->env_start, p->env_end, buf, len, pos)
		         : 0;
	kfree(p);
	return rc;
}

#define FILE_SHOW(n, m, fn)                                                                        \
	{                                                                                          \
		.name = n, .mode = VFS_S_IFREG | (m), .kind = PFS_FILE, .show = fn                 \
	}
#define LINK(n, fn)                                                                                \
	{                                                                                          \
		.name = n, .mode = VFS_S_IFLNK | 0777, .kind = PFS_LINK, .readlink = fn            \
	}

/* In Linux's order (tgid_base_stuff), those this kernel has. */
const struct pfs_entry pfs_pid_entries[] = {
    {.name = "task", .mode = VFS_S_IFDIR | 0555, .kind = PFS_TASK_DIR, .tgid_only = true},
    {.name = "fd", .mode = VFS_S_IFDIR | 0500, .kind = PFS_FD_DIR},
    {.name = "environ",
     .mode = VFS_S_IFREG | 0400,
     .kind = PFS_FILE,
     .read = pfs_read_environ,
     .inspect = true},
    FILE_SHOW("status", 0444, pfs_show_status),
    FILE_SHOW("limits", 0444, pfs_show_limits),
    {.name = "comm",
     .mode = VFS_S_IFREG | 0644,
     .kind = PFS_FILE,
     .show = pfs_show_comm,
     .write = pfs_write_comm},
    {.name = "cmdline", .mode = VFS_S_IFREG | 0444, .kind = PFS_FILE, .read = pfs_read_cmdline},
    FILE_SHOW("stat", 0444, pfs_show_pid_stat),
    FILE_SHOW("statm", 0444, pfs_show_statm),
    {.name = "maps",
     .mode = VFS_S_IFREG | 0444,
     .kind = PFS_FILE,
     .show = pfs_show_maps,
     .inspect = true},
    LINK("cwd", pfs_cwd_link),
    LINK("root", pfs_root_link),
    LINK("exe", pfs_exe_link),
    FILE_SHOW("mounts", 0444, pfs_show_mounts),
    {.name = "oom_score_adj",
     .mode = VFS_S_IFREG | 0644,
     .kind = PFS_FILE,
     .read = pfs_read_oom_adj,
     .write = pfs_write_oom_adj,
     .tgid_only = false},
    {.name = NULL},
};
