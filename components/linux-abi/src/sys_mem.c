/* Memory calls: umem.h over the process's space; a file mapping's file from the fd table. */
#include <klib/errno.h>
#include <klib/log.h>
#include <linux-arch/unistd.h>
#include <vfs/mmap.h>
#include "abi_internal.h"

static int map_file(const struct umem_file *uf, struct addr_space *as, uintptr_t addr, size_t len,
                    unsigned prot, unsigned flags, uint64_t pgoff, uintptr_t *out)
{
	return vfs_mmap(as, uf->priv, addr, len, prot, flags, pgoff, out);
}

static long do_mmap(struct process *p, const unsigned long *a)
{
	struct vfs_file *f = NULL;
	struct umem_file uf, *file = NULL;
	long rc;

	if (!(a[3] & UMEM_MAP_ANONYMOUS) && (f = lx_fget(p, (int)a[4])) &&
	    !(vfs_file_flags(f) & VFS_O_PATH)) {
		uf = (struct umem_file){
		    .readable = vfs_file_readable(f),
		    .writable = vfs_file_writable(f),
		    .noexec = vfs_path_mnt_flags(vfs_file_path(f)) & VFS_MNT_NOEXEC,
		    .map = vfs_file_mappable(f) ? map_file : NULL,
		    .priv = f,
		};
		file = &uf;
	}
	rc = umem_mmap(p->as, a[0], a[1], (int)a[2], (int)a[3], file, a[5]);
	if (f)
		vfs_file_put(f); /* the area holds its own reference */
	return rc;
}

/* Linux warns once per boot (pr_warn_once), before any check, whoever calls. */
static long do_remap_file_pages(struct process *p, const unsigned long *a)
{
	/* A word: on some targets gcc makes a byte's atomic exchange a libatomic call. */
	static int warned;

	if (!__atomic_exchange_n(&warned, 1, __ATOMIC_RELAXED))
		klog_warn("linux-abi",
		          "%s (%d) uses deprecated remap_file_pages() syscall. See "
		          "Documentation/mm/remap_file_pages.rst.",
		          p->comm, p->pid);
	return umem_remap_file_pages(p->as, a[0], a[1], a[2], a[3], a[4]);
}

long lx_sys_mem(struct process *p, unsigned long nr, const unsigned long *a)
{
	switch (nr) {
	case NR_brk:
		return umem_brk(&lx(p)->brk, p->as, a[0]);
	case NR_mmap:
		return do_mmap(p, a);
	case NR_munmap:
		return umem_munmap(p->as, a[0], a[1]);
	case NR_mprotect:
		return umem_mprotect(p->as, a[0], a[1], (int)a[2]);
	case NR_msync:
		return umem_msync(p->as, a[0], a[1], (int)a[2]);
	case NR_madvise:
		/* Advice only; MADV_DONTNEED on private memory would need zapping pages. */
		return (a[0] & 4095) ? -EINVAL : 0;
	case NR_remap_file_pages:
		return do_remap_file_pages(p, a);
	case NR_mremap:
		return -ENOMEM; /* glibc's realloc falls back to malloc+copy */
	default:
		return -ENOSYS;
	}
}
