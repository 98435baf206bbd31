/* Memory calls: umem.h over the process's space. */
#include <klib/errno.h>
#include <linux-arch/unistd.h>
#include "abi_internal.h"

long lx_sys_mem(struct process *p, unsigned long nr, const unsigned long *a)
{
	switch (nr) {
	case NR_brk:
		return umem_brk(&lx(p)->brk, p->as, a[0]);
	case NR_mmap:
		return umem_mmap(p->as, a[0], a[1], (int)a[2], (int)a[3], (int)a[4], a[5]);
	case NR_munmap:
		return umem_munmap(p->as, a[0], a[1]);
	case NR_mprotect:
		return umem_mprotect(p->as, a[0], a[1], (int)a[2]);
	case NR_madvise:
		/* Advice only; MADV_DONTNEED on private memory would need zapping pages. */
		return (a[0] & 4095) ? -EINVAL : 0;
	case NR_mremap:
		return -ENOMEM; /* glibc's realloc falls back to malloc+copy */
	default:
		return -ENOSYS;
	}
}
