/*
 * System V shared memory as /proc shows it, through ipc-shm's own header:
 * /proc/sysvipc/shm (ipc/shm.c sysvipc_shm_proc_show, ipc/util.c's
 * iterator) and kernel.shm{max,all,mni,_rmid_forced,_next_id}
 * (ipc/ipc_sysctl.c), both of the caller's IPC namespace.
 */
#include <klib/errno.h>
#include <page-alloc/page_alloc.h>
#include "procfs_internal.h"

#ifdef CONFIG_IPC_SHM
#include <ipc-shm/shm.h>

/* The 64-bit header, column for column as Linux 6.12 prints it. */
static const char header[] =
    "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid"
    "      atime      dtime      ctime                   rss                  swap\n";

/* Record 0 is the header; record i + 1 the segment at index i (sysvipc_find_ipc's "+1"). */
bool pfs_show_sysvipc_shm(struct pfs_seq *s, uint64_t *idx)
{
	struct shm_seg_info in;
	int i;

	if (*idx == 0) {
		pfs_puts(s, header);
		*idx = 1;
		return true;
	}
	i = *idx - 1 > INT32_MAX ? INT32_MAX : (int)(*idx - 1);
	if (shm_ns_next_seg(pfs_ops->shm_ns(pfs_ops->ctx), &i, &in) < 0)
		return false;
	pfs_printf(s,
	           "%10d %10d  %4o %21lu %5u %5u  %5lu %5u %5u %5u %5u %10llu %10llu %10llu %21lu "
	           "%21lu\n",
	           in.key, in.id, in.mode, (unsigned long)in.segsz, (unsigned)in.cpid,
	           (unsigned)in.lpid, in.nattch, in.uid, in.gid, in.cuid, in.cgid,
	           (unsigned long long)in.atime, (unsigned long long)in.dtime,
	           (unsigned long long)in.ctime, in.rss * PAGE_SIZE, 0ul);
	*idx = (uint64_t)i + 2;
	return true;
}

enum shm_field { SHMMAX, SHMALL, SHMMNI, RMID_FORCED, NEXT_ID };

/*
 * The limits are read, changed and written back as one: this lock keeps
 * two writers of different fields from undoing each other. Taken alone
 * (the namespace's lock inside).
 */
static void *limits_lock;

static int shm_get_field(void *ctx, void *value)
{
	struct shm_ns *ns = pfs_ops->shm_ns(pfs_ops->ctx);
	struct shm_limits l;
	long *v = value;

	if ((enum shm_field)(uintptr_t)ctx == NEXT_ID) {
		*v = shm_ns_get_next_id(ns);
		return 0;
	}
	shm_ns_get_limits(ns, &l);
	switch ((enum shm_field)(uintptr_t)ctx) {
	case SHMMAX:
		*v = (long)l.shmmax;
		break;
	case SHMALL:
		*v = (long)l.shmall;
		break;
	case SHMMNI:
		*v = (long)l.shmmni;
		break;
	default:
		*v = l.rmid_forced;
		break;
	}
	return 0;
}

static int shm_set_field(void *ctx, const void *value)
{
	struct shm_ns *ns = pfs_ops->shm_ns(pfs_ops->ctx);
	long v = *(const long *)value;
	struct shm_limits l;
	int rc;

	if ((enum shm_field)(uintptr_t)ctx == NEXT_ID)
		return shm_ns_set_next_id(ns, (int)v);
	vfs_lock(limits_lock);
	shm_ns_get_limits(ns, &l);
	switch ((enum shm_field)(uintptr_t)ctx) {
	case SHMMAX:
		l.shmmax = (unsigned long)v;
		break;
	case SHMALL:
		l.shmall = (unsigned long)v;
		break;
	case SHMMNI:
		l.shmmni = (unsigned long)v;
		break;
	default:
		l.rmid_forced = v != 0;
		break;
	}
	rc = shm_ns_set_limits(ns, &l);
	vfs_unlock(limits_lock);
	return rc;
}

#define SHM_SYSCTL(n, m, k, field, ...)                                                            \
	{                                                                                          \
		.path = "kernel/" n, .mode = m, .kind = k, .get = shm_get_field,                   \
		.set = shm_set_field, .ctx = (void *)(uintptr_t)(field), __VA_ARGS__               \
	}

/* ipc_sysctls: shmmni up to the id table's size (Linux: IPCMNI), shm_next_id 0..INT_MAX. */
static const struct procfs_sysctl shm_sysctls[] = {
    SHM_SYSCTL("shmmax", 0644, PROCFS_SYSCTL_ULONG, SHMMAX),
    SHM_SYSCTL("shmall", 0644, PROCFS_SYSCTL_ULONG, SHMALL),
    SHM_SYSCTL("shmmni", 0644, PROCFS_SYSCTL_INT, SHMMNI, .range = true, .min = 0,
               .max = CONFIG_IPC_SHM_IDS),
    SHM_SYSCTL("shm_rmid_forced", 0644, PROCFS_SYSCTL_INT, RMID_FORCED, .range = true, .min = 0,
               .max = 1),
    SHM_SYSCTL("shm_next_id", 0444, PROCFS_SYSCTL_INT, NEXT_ID, .range = true, .min = 0,
               .max = 0x7fffffff, .admin_writable = true),
};

int pfs_sysvipc_init(void)
{
	int rc;

	if (!limits_lock && !(limits_lock = vfs_lock_new("procfs_shm_limits")))
		return -ENOMEM;
	if ((rc = procfs_sysctl_register(shm_sysctls,
	                                 sizeof(shm_sysctls) / sizeof(shm_sysctls[0]))) < 0) {
		vfs_lock_free(limits_lock);
		limits_lock = NULL;
	}
	return rc;
}

void pfs_sysvipc_fini(void)
{
	vfs_lock_free(limits_lock);
	limits_lock = NULL;
}

#else

int pfs_sysvipc_init(void)
{
	return 0;
}

void pfs_sysvipc_fini(void)
{
}

#endif
