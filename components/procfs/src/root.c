/*
 * /proc's own files: the machine as Linux 6.12 shows it (fs/proc/meminfo.c,
 * stat.c, uptime.c, loadavg.c, version.c, cmdline.c, fs/filesystems.c,
 * fs/proc_namespace.c), and the links self and thread-self (self.c,
 * thread_self.c).
 */
#include <klib/errno.h>
#include <klib/printf.h>
#include <klib/string.h>
#include <page-alloc/page_alloc.h>
#include "procfs_internal.h"

#define USER_HZ     100 /* clock ticks per second in every interface (Linux's USER_HZ) */
#define FSHIFT      11  /* load averages' fixed point */
#define FIXED_1     (1ull << FSHIFT)
#define NR_SOFTIRQS 10

static uint64_t clock_t_of(uint64_t ns)
{
	return ns / (1000000000ull / USER_HZ);
}

/* show_val_kb: the label (padded to 16 by Linux's strings), pages in kB in 8 columns. */
static void show_kb(struct pfs_seq *s, const char *label, uint64_t pages)
{
	pfs_printf(s, "%s%8llu kB\n", label, (unsigned long long)(pages * (PAGE_SIZE / 1024)));
}

bool pfs_show_meminfo(struct pfs_seq *s, uint64_t *idx)
{
	struct procfs_meminfo m = {0};

	if (!pfs_once(idx))
		return false;
	pfs_ops->meminfo(pfs_ops->ctx, &m);
	show_kb(s, "MemTotal:       ", m.total);
	show_kb(s, "MemFree:        ", m.free);
	show_kb(s, "MemAvailable:   ", m.available);
	show_kb(s, "Buffers:        ", m.buffers);
	show_kb(s, "Cached:         ", m.cached);
	show_kb(s, "SwapCached:     ", 0);
	show_kb(s, "Active:         ", m.active_anon + m.active_file);
	show_kb(s, "Inactive:       ", m.inactive_anon + m.inactive_file);
	show_kb(s, "Active(anon):   ", m.active_anon);
	show_kb(s, "Inactive(anon): ", m.inactive_anon);
	show_kb(s, "Active(file):   ", m.active_file);
	show_kb(s, "Inactive(file): ", m.inactive_file);
	show_kb(s, "Unevictable:    ", m.unevictable);
	show_kb(s, "Mlocked:        ", m.mlocked);
	show_kb(s, "SwapTotal:      ", m.swap_total);
	show_kb(s, "SwapFree:       ", m.swap_free);
	show_kb(s, "Dirty:          ", 0);
	show_kb(s, "Writeback:      ", 0);
	show_kb(s, "AnonPages:      ", m.anon);
	show_kb(s, "Mapped:         ", m.mapped);
	show_kb(s, "Shmem:          ", m.shmem);
	show_kb(s, "KReclaimable:   ", m.slab_reclaimable);
	show_kb(s, "Slab:           ", m.slab_reclaimable + m.slab_unreclaimable);
	show_kb(s, "SReclaimable:   ", m.slab_reclaimable);
	show_kb(s, "SUnreclaim:     ", m.slab_unreclaimable);
	pfs_printf(s, "KernelStack:    %8llu kB\n", (unsigned long long)m.kernel_stack_kb);
	show_kb(s, "PageTables:     ", m.page_tables);
	show_kb(s, "SecPageTables:  ", 0);
	show_kb(s, "NFS_Unstable:   ", 0);
	show_kb(s, "Bounce:         ", 0);
	show_kb(s, "WritebackTmp:   ", 0);
	show_kb(s, "CommitLimit:    ", m.commit_limit);
	show_kb(s, "Committed_AS:   ", m.committed);
	pfs_printf(s, "VmallocTotal:   %8llu kB\n", (unsigned long long)m.vmalloc_total_kb);
	show_kb(s, "VmallocUsed:    ", 0);
	show_kb(s, "VmallocChunk:   ", 0);
	show_kb(s, "Percpu:         ", 0);
	/* hugetlb_report_meminfo: the default 2 MiB hstate, none reserved. */
	pfs_printf(s,
	           "HugePages_Total:   %5u\nHugePages_Free:    %5u\nHugePages_Rsvd:    %5u\n"
	           "HugePages_Surp:    %5u\nHugepagesize:   %8u kB\n",
	           0u, 0u, 0u, 0u, 2048u);
	pfs_printf(s, "Hugetlb:        %8u kB\n", 0u);
	return true;
}

/* One paragraph per CPU, from the architecture (ops->cpuinfo). */
bool pfs_show_cpuinfo(struct pfs_seq *s, uint64_t *idx)
{
	size_t size = 512, len;
	char *buf;

	for (;;) {
		if (!(buf = kmalloc(size))) {
			s->err = -ENOMEM;
			return false;
		}
		len = pfs_ops->cpuinfo(pfs_ops->ctx, (unsigned)*idx, buf, size);
		if (len < size)
			break;
		kfree(buf);
		size = len + 1;
	}
	if (len > 0) {
		pfs_write(s, buf, len);
		(*idx)++;
	}
	kfree(buf);
	return len > 0;
}

static void show_cpu_times(struct pfs_seq *s, const char *name, const struct procfs_kstat *k)
{
	const uint64_t t[10] = {k->user_ns, k->nice_ns,    k->system_ns, k->idle_ns, k->iowait_ns,
	                        k->irq_ns,  k->softirq_ns, k->steal_ns,  0,          0};

	pfs_puts(s, name);
	for (int i = 0; i < 10; i++)
		pfs_printf(s, " %llu", (unsigned long long)clock_t_of(t[i]));
	pfs_puts(s, "\n");
}

/*
 * show_stat. One CPU today: cpu0 is the total. No per-interrupt counts
 * after intr's total, and no softirqs (their counts are 0).
 */
bool pfs_show_stat(struct pfs_seq *s, uint64_t *idx)
{
	struct procfs_kstat k = {0};

	if (!pfs_once(idx))
		return false;
	pfs_ops->kstat(pfs_ops->ctx, &k);
	show_cpu_times(s, "cpu ", &k);
	show_cpu_times(s, "cpu0", &k);
	pfs_printf(s, "intr %llu\n", (unsigned long long)k.interrupts);
	pfs_printf(s, "ctxt %llu\nbtime %llu\nprocesses %llu\nprocs_running %u\nprocs_blocked %u\n",
	           (unsigned long long)k.context_switches, (unsigned long long)k.boot_time,
	           (unsigned long long)k.forks, k.running, k.blocked);
	pfs_puts(s, "softirq 0");
	for (int i = 0; i < NR_SOFTIRQS; i++)
		pfs_puts(s, " 0");
	pfs_puts(s, "\n");
	return true;
}

bool pfs_show_uptime(struct pfs_seq *s, uint64_t *idx)
{
	struct procfs_kstat k = {0};

	if (!pfs_once(idx))
		return false;
	pfs_ops->kstat(pfs_ops->ctx, &k);
	pfs_printf(s, "%llu.%02llu %llu.%02llu\n", (unsigned long long)(k.uptime_ns / 1000000000),
	           (unsigned long long)(k.uptime_ns % 1000000000 / 10000000),
	           (unsigned long long)(k.idle_ns / 1000000000),
	           (unsigned long long)(k.idle_ns % 1000000000 / 10000000));
	return true;
}

bool pfs_show_loadavg(struct pfs_seq *s, uint64_t *idx)
{
	struct procfs_kstat k = {0};

	if (!pfs_once(idx))
		return false;
	pfs_ops->kstat(pfs_ops->ctx, &k);
	for (int i = 0; i < 3; i++) {
		uint64_t v = k.loadavg[i] + FIXED_1 / 200; /* get_avenrun's rounding */

		pfs_printf(s, "%llu.%02llu ", (unsigned long long)(v >> FSHIFT),
		           (unsigned long long)(((v & (FIXED_1 - 1)) * 100) >> FSHIFT));
	}
	pfs_printf(s, "%u/%u %d\n", k.running, k.threads, k.last_pid);
	return true;
}

bool pfs_show_version(struct pfs_seq *s, uint64_t *idx)
{
	struct procfs_uname u;

	if (!pfs_once(idx))
		return false;
	pfs_ops->uname(pfs_ops->ctx, &u);
	pfs_printf(s, "%s version %s (%s@%s) (%s) %s\n", u.sysname, u.release, u.compile_by,
	           u.compile_host, u.compiler, u.version);
	return true;
}

bool pfs_show_cmdline(struct pfs_seq *s, uint64_t *idx)
{
	if (!pfs_once(idx))
		return false;
	pfs_printf(s, "%s\n", pfs_ops->cmdline(pfs_ops->ctx));
	return true;
}

/* Every file system here lives in memory: "nodev" (no FS_REQUIRES_DEV). */
bool pfs_show_filesystems(struct pfs_seq *s, uint64_t *idx)
{
	const char *name = vfs_fstype_name((size_t)*idx);

	if (!name)
		return false;
	pfs_printf(s, "nodev\t%s\n", name);
	(*idx)++;
	return true;
}

static void seq_sink(void *ctx, const char *p, size_t n)
{
	pfs_write(ctx, p, n);
}

/* The record index is the last mount shown's number (vfs_mount_show's cursor). */
bool pfs_show_mounts(struct pfs_seq *s, uint64_t *idx)
{
	return vfs_mount_show(idx, seq_sink, s);
}

long pfs_self_link(struct pfs_inode *pi, char *buf, size_t size)
{
	int32_t pid = pfs_ops->current_pid(pfs_ops->ctx);

	(void)pi;
	return pid > 0 ? ksnprintf(buf, size, "%d", pid) : -ENOENT;
}

/* The caller's one thread is itself (no threads yet). */
long pfs_thread_self_link(struct pfs_inode *pi, char *buf, size_t size)
{
	int32_t pid = pfs_ops->current_pid(pfs_ops->ctx);

	(void)pi;
	return pid > 0 ? ksnprintf(buf, size, "%d/task/%d", pid, pid) : -ENOENT;
}

static long mounts_link(struct pfs_inode *pi, char *buf, size_t size)
{
	(void)pi;
	return ksnprintf(buf, size, "self/mounts");
}

#define FILE_ENTRY(n, m, fn)                                                                       \
	{                                                                                          \
		.name = n, .mode = VFS_S_IFREG | (m), .kind = PFS_FILE, .show = fn                 \
	}
#define LINK_ENTRY(n, fn)                                                                          \
	{                                                                                          \
		.name = n, .mode = VFS_S_IFLNK | 0777, .kind = PFS_LINK, .readlink = fn            \
	}

#ifdef CONFIG_IPC_SHM
static const struct pfs_entry sysvipc_entries[] = {
    FILE_ENTRY("shm", 0444, pfs_show_sysvipc_shm),
    {.name = NULL},
};
#endif

const struct pfs_entry pfs_root_entries[] = {
    FILE_ENTRY("cmdline", 0444, pfs_show_cmdline),
    FILE_ENTRY("config.gz", 0444, pfs_show_config),
    FILE_ENTRY("cpuinfo", 0444, pfs_show_cpuinfo),
    FILE_ENTRY("filesystems", 0444, pfs_show_filesystems),
    FILE_ENTRY("loadavg", 0444, pfs_show_loadavg),
    FILE_ENTRY("meminfo", 0444, pfs_show_meminfo),
    LINK_ENTRY("mounts", mounts_link),
    FILE_ENTRY("stat", 0444, pfs_show_stat),
    {.name = "sys", .mode = VFS_S_IFDIR | 0555, .kind = PFS_SYSCTL_DIR},
#ifdef CONFIG_IPC_SHM
    {.name = "sysvipc", .mode = VFS_S_IFDIR | 0555, .kind = PFS_DIR, .children = sysvipc_entries},
#endif
    FILE_ENTRY("uptime", 0444, pfs_show_uptime),
    FILE_ENTRY("version", 0444, pfs_show_version),
    LINK_ENTRY("self", pfs_self_link),
    LINK_ENTRY("thread-self", pfs_thread_self_link),
    {.name = NULL},
};

const struct pfs_entry pfs_root_dir = {
    .name = "", .mode = VFS_S_IFDIR | 0555, .kind = PFS_DIR, .children = pfs_root_entries};
