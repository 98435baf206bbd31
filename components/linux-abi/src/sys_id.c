/* The uid/gid family: cred.h does the rules, this moves the values. */
#include <klib/errno.h>
#include <page-alloc/page_alloc.h>
#include <linux-arch/unistd.h>
#include "abi_internal.h"

static long put3(struct process *p, const unsigned long *a, uint32_t r, uint32_t e, uint32_t s)
{
	if (lx_copy_out(p, a[0], &r, 4) < 0 || lx_copy_out(p, a[1], &e, 4) < 0 ||
	    lx_copy_out(p, a[2], &s, 4) < 0)
		return -EFAULT;
	return 0;
}

static long do_getgroups(struct process *p, int size, uintptr_t ulist)
{
	struct cred *c = &lx(p)->cred;
	int n;

	if (size < 0)
		return -EINVAL;
	if (size == 0)
		return (long)c->ngroups;
	if ((size_t)size < c->ngroups)
		return -EINVAL;
	n = (int)c->ngroups;
	if (n && lx_copy_out(p, ulist, c->groups, (size_t)n * 4) < 0)
		return -EFAULT;
	return n;
}

static long do_setgroups(struct process *p, int n, uintptr_t ulist)
{
	uint32_t *g = NULL;
	long rc;

	/* Linux's order: the privilege first, then the count, then the copy. */
	if (!cred_capable(&lx(p)->cred, CRED_CAP_SETGID))
		return -EPERM;
	if (n < 0 || n > CRED_NGROUPS_MAX)
		return -EINVAL;
	if (n && !(g = kmalloc((size_t)n * 4)))
		return -ENOMEM;
	if (n && lx_copy_in(p, g, ulist, (size_t)n * 4) < 0) {
		kfree(g);
		return -EFAULT;
	}
	rc = cred_setgroups(&lx(p)->cred, g, (size_t)n);
	kfree(g);
	return rc;
}

long lx_sys_id(struct process *p, unsigned long nr, const unsigned long *a)
{
	struct cred *c = &lx(p)->cred;
	uint32_t x = (uint32_t)a[0], y = (uint32_t)a[1], z = (uint32_t)a[2];

	switch (nr) {
	case NR_getuid: return c->ruid;
	case NR_geteuid: return c->euid;
	case NR_getgid: return c->rgid;
	case NR_getegid: return c->egid;
	case NR_getresuid: return put3(p, a, c->ruid, c->euid, c->suid);
	case NR_getresgid: return put3(p, a, c->rgid, c->egid, c->sgid);
	case NR_setuid: return cred_setuid(c, x);
	case NR_setgid: return cred_setgid(c, x);
	case NR_setreuid: return cred_setreuid(c, x, y);
	case NR_setregid: return cred_setregid(c, x, y);
	case NR_setresuid: return cred_setresuid(c, x, y, z);
	case NR_setresgid: return cred_setresgid(c, x, y, z);
	case NR_setfsuid: return cred_setfsuid(c, x);
	case NR_setfsgid: return cred_setfsgid(c, x);
	case NR_getgroups: return do_getgroups(p, (int)a[0], a[1]);
	case NR_setgroups: return do_setgroups(p, (int)a[0], a[1]);
	default: return -ENOSYS;
	}
}
