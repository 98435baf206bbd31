/*
 * Credentials: the set*id family with Linux's rules (kernel/sys.c,
 * kernel/groups.c) and the capability fix-ups of security/commoncap.c.
 *
 * Every id call works on a copy 'n' of the credentials and writes it back
 * only once every check has passed, as Linux does with prepare_creds() and
 * commit_creds(): a failed call changes nothing.
 *
 * What Linux has and this does not (see README.md): user namespaces (every
 * id but (uint32_t)-1 is valid, as in the initial namespace), securebits
 * (no SECBIT_KEEP_CAPS, no SECBIT_NO_SETUID_FIXUP), the inheritable,
 * bounding and ambient sets, and RLIMIT_NPROC accounting (which Linux only
 * enforces at execve() anyway).
 */
#include <linux-abi/cred.h>
#include <klib/errno.h>
#include <klib/string.h>
#include <page-alloc/page_alloc.h>

/* "Leave it as it is" for setre*id and setres*id; an invalid id for setuid. */
#define ID_KEEP ((uint32_t)-1)

#define CAP_BIT(n) (1ull << (n))

/*
 * Linux's CAP_FS_SET: the capabilities that follow the fsuid between 0 and
 * non-0 (CHOWN, DAC_OVERRIDE, DAC_READ_SEARCH, FOWNER, FSETID,
 * LINUX_IMMUTABLE, MKNOD, MAC_OVERRIDE).
 */
#define CRED_CAP_FS_SET                                                                            \
	(CAP_BIT(0) | CAP_BIT(1) | CAP_BIT(2) | CAP_BIT(3) | CAP_BIT(4) | CAP_BIT(9) |             \
	 CAP_BIT(27) | CAP_BIT(32))

void cred_init_root(struct cred *c)
{
	memset(c, 0, sizeof(*c));
	c->cap_effective = CRED_CAP_ALL;
	c->cap_permitted = CRED_CAP_ALL;
}

int cred_copy(struct cred *dst, const struct cred *src)
{
	uint32_t *groups = NULL;

	if (src->ngroups) {
		groups = kmalloc(src->ngroups * sizeof(*groups));
		if (!groups)
			return -ENOMEM;
		memcpy(groups, src->groups, src->ngroups * sizeof(*groups));
	}
	*dst = *src;
	dst->groups = groups;
	return 0;
}

void cred_free(struct cred *c)
{
	kfree(c->groups);
	c->groups = NULL;
	c->ngroups = 0;
}

/* ---- uids: cap_task_fix_setuid() ---- */

/*
 * cap_emulate_setxuid(): root-ness lives in the uids. Leaving every one of
 * r/e/s uid non-zero (when one was 0) loses all capabilities for good;
 * euid leaving 0 only hides them (effective), and euid coming back to 0
 * brings back whatever is still permitted. With no SECBIT_KEEP_CAPS the
 * first rule always applies.
 */
static void cred_fix_setxuid(struct cred *n, const struct cred *old)
{
	int was_root = old->ruid == 0 || old->euid == 0 || old->suid == 0;
	int is_root = n->ruid == 0 || n->euid == 0 || n->suid == 0;

	if (was_root && !is_root) {
		n->cap_permitted = 0;
		n->cap_effective = 0;
	}
	if (old->euid == 0 && n->euid != 0)
		n->cap_effective = 0;
	if (old->euid != 0 && n->euid == 0)
		n->cap_effective = n->cap_permitted;
}

/*
 * The LSM_SETID_FS case: only the file-system capabilities follow the
 * fsuid, and only on a change between 0 and non-0.
 */
static void cred_fix_setfsuid(struct cred *n, const struct cred *old)
{
	if (old->fsuid == 0 && n->fsuid != 0)
		n->cap_effective &= ~CRED_CAP_FS_SET;
	if (old->fsuid != 0 && n->fsuid == 0)
		n->cap_effective |= n->cap_permitted & CRED_CAP_FS_SET;
}

/* commit_creds() after a uid change: the fix-up, then the new ids. */
static int cred_commit_uids(struct cred *c, struct cred *n)
{
	cred_fix_setxuid(n, c);
	*c = *n;
	return 0;
}

int cred_setuid(struct cred *c, uint32_t uid)
{
	struct cred n = *c;

	if (uid == ID_KEEP)
		return -EINVAL;
	if (cred_capable(c, CRED_CAP_SETUID))
		n.ruid = n.suid = uid;
	else if (uid != c->ruid && uid != c->suid)
		return -EPERM;
	n.euid = n.fsuid = uid;
	return cred_commit_uids(c, &n);
}

int cred_setreuid(struct cred *c, uint32_t ruid, uint32_t euid)
{
	int priv = cred_capable(c, CRED_CAP_SETUID);
	struct cred n = *c;

	if (ruid != ID_KEEP) {
		if (ruid != c->ruid && ruid != c->euid && !priv)
			return -EPERM;
		n.ruid = ruid;
	}
	if (euid != ID_KEEP) {
		if (euid != c->ruid && euid != c->euid && euid != c->suid && !priv)
			return -EPERM;
		n.euid = euid;
	}
	/*
	 * The saved uid follows the new euid whenever the real uid is set or
	 * the euid moves away from the old real uid: a set-user-ID program
	 * that swaps real and effective cannot get the old euid back.
	 */
	if (ruid != ID_KEEP || (euid != ID_KEEP && euid != c->ruid))
		n.suid = n.euid;
	n.fsuid = n.euid;
	return cred_commit_uids(c, &n);
}

/* Is 'id' (not ID_KEEP) none of the three the caller already holds? */
static int cred_id_new(uint32_t id, uint32_t r, uint32_t e, uint32_t s)
{
	return id != ID_KEEP && id != r && id != e && id != s;
}

int cred_setresuid(struct cred *c, uint32_t ruid, uint32_t euid, uint32_t suid)
{
	struct cred n = *c;

	/*
	 * Linux returns early when nothing would change, before the privilege
	 * check and without the fsuid = euid reset (note the fsuid test).
	 */
	if ((ruid == ID_KEEP || ruid == c->ruid) &&
	    (euid == ID_KEEP || (euid == c->euid && euid == c->fsuid)) &&
	    (suid == ID_KEEP || suid == c->suid))
		return 0;
	if ((cred_id_new(ruid, c->ruid, c->euid, c->suid) ||
	     cred_id_new(euid, c->ruid, c->euid, c->suid) ||
	     cred_id_new(suid, c->ruid, c->euid, c->suid)) &&
	    !cred_capable(c, CRED_CAP_SETUID))
		return -EPERM;
	if (ruid != ID_KEEP)
		n.ruid = ruid;
	if (euid != ID_KEEP)
		n.euid = euid;
	if (suid != ID_KEEP)
		n.suid = suid;
	n.fsuid = n.euid;
	return cred_commit_uids(c, &n);
}

uint32_t cred_setfsuid(struct cred *c, uint32_t uid)
{
	uint32_t old = c->fsuid;
	struct cred n = *c;

	/* setfsuid(-1) is the usual way to read the fsuid: it changes nothing. */
	if (uid == ID_KEEP || uid == c->fsuid)
		return old;
	if (uid != c->ruid && uid != c->euid && uid != c->suid && !cred_capable(c, CRED_CAP_SETUID))
		return old;
	n.fsuid = uid;
	cred_fix_setfsuid(&n, c);
	*c = n;
	return old;
}

/* ---- gids: the same rules under CAP_SETGID, with no capability fix-up ---- */

int cred_setgid(struct cred *c, uint32_t gid)
{
	if (gid == ID_KEEP)
		return -EINVAL;
	if (cred_capable(c, CRED_CAP_SETGID))
		c->rgid = c->egid = c->sgid = c->fsgid = gid;
	else if (gid == c->rgid || gid == c->sgid)
		c->egid = c->fsgid = gid;
	else
		return -EPERM;
	return 0;
}

int cred_setregid(struct cred *c, uint32_t rgid, uint32_t egid)
{
	int priv = cred_capable(c, CRED_CAP_SETGID);
	struct cred n = *c;

	if (rgid != ID_KEEP) {
		if (rgid != c->rgid && rgid != c->egid && !priv)
			return -EPERM;
		n.rgid = rgid;
	}
	if (egid != ID_KEEP) {
		if (egid != c->rgid && egid != c->egid && egid != c->sgid && !priv)
			return -EPERM;
		n.egid = egid;
	}
	if (rgid != ID_KEEP || (egid != ID_KEEP && egid != c->rgid))
		n.sgid = n.egid;
	n.fsgid = n.egid;
	*c = n;
	return 0;
}

int cred_setresgid(struct cred *c, uint32_t rgid, uint32_t egid, uint32_t sgid)
{
	if ((rgid == ID_KEEP || rgid == c->rgid) &&
	    (egid == ID_KEEP || (egid == c->egid && egid == c->fsgid)) &&
	    (sgid == ID_KEEP || sgid == c->sgid))
		return 0;
	if ((cred_id_new(rgid, c->rgid, c->egid, c->sgid) ||
	     cred_id_new(egid, c->rgid, c->egid, c->sgid) ||
	     cred_id_new(sgid, c->rgid, c->egid, c->sgid)) &&
	    !cred_capable(c, CRED_CAP_SETGID))
		return -EPERM;
	if (rgid != ID_KEEP)
		c->rgid = rgid;
	if (egid != ID_KEEP)
		c->egid = egid;
	if (sgid != ID_KEEP)
		c->sgid = sgid;
	c->fsgid = c->egid;
	return 0;
}

uint32_t cred_setfsgid(struct cred *c, uint32_t gid)
{
	uint32_t old = c->fsgid;

	if (gid == ID_KEEP)
		return old;
	if (gid == c->rgid || gid == c->egid || gid == c->sgid || gid == c->fsgid ||
	    cred_capable(c, CRED_CAP_SETGID))
		c->fsgid = gid;
	return old;
}

/* ---- supplementary groups (kernel/groups.c) ---- */

/* Sift g[i] down the max-heap g[0..n). */
static void cred_sift_down(uint32_t *g, size_t i, size_t n)
{
	for (;;) {
		size_t big = i, l = 2 * i + 1, r = l + 1;
		uint32_t t;

		if (l < n && g[l] > g[big])
			big = l;
		if (r < n && g[r] > g[big])
			big = r;
		if (big == i)
			return;
		t = g[i];
		g[i] = g[big];
		g[big] = t;
		i = big;
	}
}

/*
 * groups_sort(): ascending, duplicates kept. A heap sort, as Linux's sort():
 * O(n log n) in the worst case, in place and without recursion.
 */
static void cred_groups_sort(uint32_t *g, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		cred_sift_down(g, i, n);
	for (size_t end = n; end > 1; end--) {
		uint32_t t = g[0];

		g[0] = g[end - 1];
		g[end - 1] = t;
		cred_sift_down(g, 0, end - 1);
	}
}

int cred_setgroups(struct cred *c, const uint32_t *groups, size_t n)
{
	uint32_t *g = NULL;

	if (!cred_capable(c, CRED_CAP_SETGID))
		return -EPERM;
	if (n > CRED_NGROUPS_MAX)
		return -EINVAL;
	if (n) {
		g = kmalloc(n * sizeof(*g));
		if (!g)
			return -ENOMEM;
	}
	/* groups_from_user(): its faults and invalid ids come after the allocation. */
	if (n && !groups) {
		kfree(g);
		return -EFAULT;
	}
	for (size_t i = 0; i < n; i++) {
		if (groups[i] == ID_KEEP) {
			kfree(g);
			return -EINVAL;
		}
		g[i] = groups[i];
	}
	cred_groups_sort(g, n);
	kfree(c->groups);
	c->groups = g;
	c->ngroups = n;
	return 0;
}

int cred_getgroups(const struct cred *c, size_t size, uint32_t *out)
{
	/* Linux's gidsetsize is an int: a size past INT_MAX is a negative one. */
	if (size > 0x7fffffff)
		return -EINVAL;
	if (size) {
		if (c->ngroups > size)
			return -EINVAL;
		if (c->ngroups) {
			if (!out)
				return -EFAULT;
			memcpy(out, c->groups, c->ngroups * sizeof(*out));
		}
	}
	return (int)c->ngroups;
}

/* in_egroup_p(): the egid, or a binary search of the sorted groups. */
int cred_in_group(const struct cred *c, uint32_t gid)
{
	size_t lo = 0, hi = c->ngroups;

	if (gid == c->egid)
		return 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->groups[mid] == gid)
			return 1;
		if (c->groups[mid] < gid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}
