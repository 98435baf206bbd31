/*
 * SHM_LOCK's accounting (Linux's user_shm_lock/user_shm_unlock): the pages
 * of locked segments are counted per real uid, and a lock that would take
 * the caller's count past its RLIMIT_MEMLOCK fails with ENOMEM unless it
 * has CAP_IPC_LOCK (which still counts the pages). The segment remembers
 * whom it charged and refunds that user on SHM_UNLOCK or when it is freed.
 * Linux keeps the counts per user namespace; here they are per shm
 * namespace, which is the same thing in a kernel with one of each.
 */
#include <klib/errno.h>
#include <page-alloc/page_alloc.h>
#include "shm_internal.h"

struct memlock_user {
	struct list_node link;
	uint32_t uid;
	unsigned long pages;
};

static struct memlock_user *user_find(struct shm_ns *ns, uint32_t uid, bool create)
{
	struct memlock_user *u;

	list_for_each_entry(u, &ns->memlock_users, link) if (u->uid == uid) return u;
	if (!create || !(u = kzalloc(sizeof(*u))))
		return NULL;
	u->uid = uid;
	list_add_tail(&ns->memlock_users, &u->link);
	return u;
}

int shm_memlock_charge(struct shm_ns *ns, struct shm_seg *seg, const struct shm_caller *c)
{
	struct memlock_user *u;
	unsigned long limit = c->memlock_limit;

	shm_assert_ns_held(ns);
	if (seg->lock_charged)
		return 0;
	if (!(u = user_find(ns, c->uid, true)))
		return -ENOMEM;
	if (limit != ~0ul)
		limit >>= PAGE_SHIFT;
	if (u->pages + seg->npages > limit && !(c->caps & SHM_CAP_IPC_LOCK)) {
		if (!u->pages) {
			list_del(&u->link);
			kfree(u);
		}
		return -ENOMEM;
	}
	u->pages += seg->npages;
	seg->lock_charged = true;
	seg->lock_uid = c->uid;
	return 0;
}

void shm_memlock_refund(struct shm_ns *ns, struct shm_seg *seg)
{
	struct memlock_user *u;

	if (!seg->lock_charged)
		return;
	seg->lock_charged = false;
	if (!(u = user_find(ns, seg->lock_uid, false)))
		return;
	u->pages -= seg->npages;
	if (!u->pages) {
		list_del(&u->link);
		kfree(u);
	}
}

void shm_memlock_fini(struct shm_ns *ns)
{
	struct memlock_user *u, *tmp;

	list_for_each_entry_safe(u, tmp, &ns->memlock_users, link)
	{
		list_del(&u->link);
		kfree(u);
	}
}

/* Linux's in_group_p: the caller's egid or one of its supplementary groups. */
static bool in_group(const struct shm_caller *c, uint32_t gid)
{
	if (c->egid == gid)
		return true;
	for (size_t i = 0; i < c->ngroups; i++)
		if (c->groups[i] == gid)
			return true;
	return false;
}

/*
 * newseg's SHM_HUGETLB branch on a kernel with hugetlbfs and no huge page
 * reserved (vm.nr_hugepages 0): the page size must be one of an hstate
 * (hstate_sizelog), the caller must be allowed huge pages
 * (can_do_hugetlb_shm: CAP_IPC_LOCK, or vm.hugetlb_shm_group, which is 0),
 * and then hugetlb_reserve_pages finds none free. Linux 6.12 no longer
 * lets RLIMIT_MEMLOCK stand in for the capability (only a warning).
 */
int shm_hugetlb_refuse(const struct shm_caller *c, int flags)
{
	unsigned log = ((unsigned)flags >> SHM_HUGE_SHIFT) & SHM_HUGE_MASK;

	if (log != 0 && log != 21 && log != 30)
		return -EINVAL;
	if (!(c->caps & SHM_CAP_IPC_LOCK) && !in_group(c, 0))
		return -EPERM;
	return -ENOMEM;
}
