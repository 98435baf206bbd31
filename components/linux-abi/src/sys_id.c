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
	unsigned long flags;
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
	flags =
	    process_lock(); /* /proc reads others' groups under it; kmalloc's lock nests inside */
	rc = cred_setgroups(&lx(p)->cred, g, (size_t)n);
	process_unlock(flags);
	kfree(g);
	return rc;
}

/*
 * commit_creds: a process whose effective or file system ids change, or
 * that gains a capability, is no longer dumpable (suid_dumpable 0): its
 * /proc files belong to root and others may not inspect it.
 */
static void commit_creds(struct process *p, const struct cred *old)
{
	const struct cred *c = &lx(p)->cred;

	if (c->euid != old->euid || c->egid != old->egid || c->fsuid != old->fsuid ||
	    c->fsgid != old->fsgid || (c->cap_permitted & ~old->cap_permitted))
		lx(p)->dumpable = false;
}

/*
 * The set*id calls, under process's tree lock: other processes read these
 * credentials there (kill's permission check, RLIMIT_NPROC's count, /proc).
 * None of them allocates or sleeps.
 */
static long set_ids(struct process *p, unsigned long nr, uint32_t x, uint32_t y, uint32_t z)
{
	struct cred *c = &lx(p)->cred, old = *c;
	unsigned long flags = process_lock();
	long rc;

	switch (nr) {
	case NR_setuid:
		rc = cred_setuid(c, x);
		break;
	case NR_setgid:
		rc = cred_setgid(c, x);
		break;
	case NR_setreuid:
		rc = cred_setreuid(c, x, y);
		break;
	case NR_setregid:
		rc = cred_setregid(c, x, y);
		break;
	case NR_setresuid:
		rc = cred_setresuid(c, x, y, z);
		break;
	case NR_setresgid:
		rc = cred_setresgid(c, x, y, z);
		break;
	case NR_setfsuid:
		rc = cred_setfsuid(c, x);
		break;
	default:
		rc = cred_setfsgid(c, x);
		break;
	}
	commit_creds(p, &old);
	process_unlock(flags);
	return rc;
}

/*
 * capget (kernel/capability.c): the version handshake (an unknown one is
 * answered with _LINUX_CAPABILITY_VERSION_3 and EINVAL, or 0 for a mere
 * probe without data), then pid's sets (0: the caller's), as one (v1) or
 * two (v2, v3) 32-bit halves.
 */
static long do_capget(struct process *p, uintptr_t uhdr, uintptr_t udata)
{
	enum { V1 = 0x19980330, V2 = 0x20071026, V3 = 0x20080522 };
	uint32_t hdr[2], data[6] = {0};
	unsigned long flags;
	struct process *t;
	unsigned halves;
	int32_t pid;

	if (lx_copy_in(p, hdr, uhdr, sizeof(hdr)) < 0)
		return -EFAULT;
	if (hdr[0] != V1 && hdr[0] != V2 && hdr[0] != V3) {
		hdr[0] = V3;
		if (lx_copy_out(p, uhdr, hdr, 4) < 0)
			return -EFAULT;
		return udata ? -EINVAL : 0;
	}
	if (!udata)
		return 0;
	halves = hdr[0] == V1 ? 1 : 2;
	if ((pid = (int32_t)hdr[1]) < 0)
		return -EINVAL;
	flags = process_lock();
	t = pid == 0 ? p : process_find(pid);
	if (t && t->abi) {
		const struct cred *c = &lx(t)->cred;

		for (unsigned i = 0; i < halves; i++) {
			data[i * 3] = (uint32_t)(c->cap_effective >> (32 * i));
			data[i * 3 + 1] = (uint32_t)(c->cap_permitted >> (32 * i));
		}
	}
	process_unlock(flags);
	if (!t)
		return -ESRCH;
	return lx_copy_out(p, udata, data, halves * 12) < 0 ? -EFAULT : 0;
}

long lx_sys_id(struct process *p, unsigned long nr, const unsigned long *a)
{
	struct cred *c = &lx(p)->cred;
	uint32_t x = (uint32_t)a[0], y = (uint32_t)a[1], z = (uint32_t)a[2];

	switch (nr) {
	case NR_getuid:
		return c->ruid;
	case NR_geteuid:
		return c->euid;
	case NR_getgid:
		return c->rgid;
	case NR_getegid:
		return c->egid;
	case NR_getresuid:
		return put3(p, a, c->ruid, c->euid, c->suid);
	case NR_getresgid:
		return put3(p, a, c->rgid, c->egid, c->sgid);
	case NR_setuid:
	case NR_setgid:
	case NR_setreuid:
	case NR_setregid:
	case NR_setresuid:
	case NR_setresgid:
	case NR_setfsuid:
	case NR_setfsgid:
		return set_ids(p, nr, x, y, z);
	case NR_getgroups:
		return do_getgroups(p, (int)a[0], a[1]);
	case NR_setgroups:
		return do_setgroups(p, (int)a[0], a[1]);
	case NR_capget:
		return do_capget(p, a[0], a[1]);
	default:
		return -ENOSYS;
	}
}
