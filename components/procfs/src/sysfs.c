/*
 * The part of /sys C libraries read (drivers/base/cpu.c): the CPUs, for
 * sysconf(_SC_NPROCESSORS_ONLN) and _CONF (glibc reads online and counts
 * the cpu<n> directories); and mm/hugetlb_sysfs's hstate directories,
 * whose pools are empty here (LTP looks for /sys/kernel/mm/hugepages).
 */
#include <klib/errno.h>
#include "procfs_internal.h"

/* cpumap_print_list_to_buf for CPUs 0..n-1: "0", "0-3". */
static void show_range(struct pfs_seq *s, unsigned n)
{
	if (n == 1)
		pfs_puts(s, "0\n");
	else if (n > 1)
		pfs_printf(s, "0-%u\n", n - 1);
	else
		pfs_puts(s, "\n");
}

static bool pfs_show_cpus_online(struct pfs_seq *s, uint64_t *idx)
{
	if (!pfs_once(idx))
		return false;
	show_range(s, pfs_ops->cpus(pfs_ops->ctx, true));
	return true;
}

static bool pfs_show_cpus_possible(struct pfs_seq *s, uint64_t *idx)
{
	if (!pfs_once(idx))
		return false;
	show_range(s, pfs_ops->cpus(pfs_ops->ctx, false));
	return true;
}

/* NR_CPUS - 1: the CPUs this kernel could ever run. */
static bool pfs_show_kernel_max(struct pfs_seq *s, uint64_t *idx)
{
	if (!pfs_once(idx))
		return false;
	pfs_printf(s, "%u\n", pfs_ops->cpus(pfs_ops->ctx, false) - 1);
	return true;
}

/* The possible CPUs not online: none while every possible CPU runs ("\n"). */
static bool show_offline(struct pfs_seq *s, uint64_t *idx)
{
	unsigned possible = pfs_ops->cpus(pfs_ops->ctx, false);
	unsigned online = pfs_ops->cpus(pfs_ops->ctx, true);

	if (!pfs_once(idx))
		return false;
	if (online >= possible)
		pfs_puts(s, "\n");
	else if (online + 1 == possible)
		pfs_printf(s, "%u\n", online);
	else
		pfs_printf(s, "%u-%u\n", online, possible - 1);
	return true;
}

/* Every count of an empty huge page pool. */
static bool show_zero(struct pfs_seq *s, uint64_t *idx)
{
	if (!pfs_once(idx))
		return false;
	pfs_puts(s, "0\n");
	return true;
}

/*
 * nr_hugepages_store: a count (kstrtoul, base 10, a trailing newline
 * allowed), which the pool cannot reach: it stays empty, as on a Linux
 * whose allocations all fail. -EINVAL for anything else.
 */
static long write_nr_hugepages(struct pfs_inode *pi, const char *buf, size_t len,
                               const struct vfs_cred *cr)
{
	size_t n = len && buf[len - 1] == '\n' ? len - 1 : len;

	(void)pi, (void)cr;
	if (n == 0 || n > 20)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (buf[i] < '0' || buf[i] > '9')
			return -EINVAL;
	return (long)len;
}

#define FILE_ENTRY(n, m, fn)                                                                       \
	{                                                                                          \
		.name = n, .mode = VFS_S_IFREG | (m), .kind = PFS_FILE, .show = fn                 \
	}
#define DIR_ENTRY(n, c)                                                                            \
	{                                                                                          \
		.name = n, .mode = VFS_S_IFDIR | 0755, .kind = PFS_DIR, .children = c              \
	}

static const struct pfs_entry cpu_entries[] = {
    FILE_ENTRY("kernel_max", 0444, pfs_show_kernel_max),
    FILE_ENTRY("offline", 0444, show_offline),
    FILE_ENTRY("online", 0444, pfs_show_cpus_online),
    FILE_ENTRY("possible", 0444, pfs_show_cpus_possible),
    FILE_ENTRY("present", 0444, pfs_show_cpus_possible),
    {.name = NULL},
};

static const struct pfs_entry system_entries[] = {
    {.name = "cpu",
     .mode = VFS_S_IFDIR | 0755,
     .kind = PFS_DIR,
     .children = cpu_entries,
     .cpus = true},
    {.name = NULL},
};

static const struct pfs_entry hstate_entries[] = {
    FILE_ENTRY("free_hugepages", 0444, show_zero),
    {.name = "nr_hugepages",
     .mode = VFS_S_IFREG | 0644,
     .kind = PFS_FILE,
     .show = show_zero,
     .write = write_nr_hugepages},
    FILE_ENTRY("nr_overcommit_hugepages", 0444, show_zero),
    FILE_ENTRY("resv_hugepages", 0444, show_zero),
    FILE_ENTRY("surplus_hugepages", 0444, show_zero),
    {.name = NULL},
};

/* The hstates of 4 KiB pages: PMD (the default) and PUD pages. */
static const struct pfs_entry hugepages_entries[] = {
    DIR_ENTRY("hugepages-1048576kB", hstate_entries),
    DIR_ENTRY("hugepages-2048kB", hstate_entries),
    {.name = NULL},
};

static const struct pfs_entry mm_entries[] = {
    DIR_ENTRY("hugepages", hugepages_entries),
    {.name = NULL},
};

static const struct pfs_entry kernel_entries[] = {
    DIR_ENTRY("mm", mm_entries),
    {.name = NULL},
};

static const struct pfs_entry devices_entries[] = {
    DIR_ENTRY("system", system_entries),
    {.name = NULL},
};

static const struct pfs_entry sysfs_entries[] = {
    DIR_ENTRY("devices", devices_entries),
    DIR_ENTRY("kernel", kernel_entries),
    {.name = NULL},
};

const struct pfs_entry pfs_sysfs_root_dir = {
    .name = "", .mode = VFS_S_IFDIR | 0555, .kind = PFS_DIR, .children = sysfs_entries};
