/*
 * shmctl: Linux's ksys_shmctl and its helpers, check for check.
 *
 * The buffer is copied where Linux copies it: IPC_SET's in before anything
 * but the cmd/id sign check (so a bad buffer is EFAULT even for a bad id),
 * the results out after the command succeeded (so EINVAL and EACCES come
 * first). A kernel caller passes a pointer (NULL acting as a bad one), the
 * system call a user address copied through the caller's address space.
 */
#include "shm_internal.h"
#include <klib/errno.h>
#include <klib/string.h>

union shm_ctl_buf {
	struct shmid64_ds ds;
	struct shminfo64 info;
	struct shm_info shm_info;
};

/* Linux's shmctl_ipc_info. */
static int shm_ctl_ipc_info(struct shm_ns *ns, struct shminfo64 *out)
{
	int maxidx;

	memset(out, 0, sizeof(*out));
	shm_ns_lock(ns);
	out->shmmni = out->shmseg = ns->limits.shmmni;
	out->shmmax = ns->limits.shmmax;
	out->shmall = ns->limits.shmall;
	out->shmmin = SHMMIN;
	maxidx = shm_ids_maxidx(&ns->ids);
	shm_ns_unlock(ns);
	return maxidx < 0 ? 0 : maxidx;
}

/* Linux's shmctl_shm_info: usage, nothing swapped. */
static int shm_ctl_shm_info(struct shm_ns *ns, struct shm_info *out)
{
	int maxidx;

	memset(out, 0, sizeof(*out));
	shm_ns_lock(ns);
	out->used_ids = ns->ids.in_use;
	out->shm_tot = ns->shm_tot;
	out->shm_rss = __atomic_load_n(&ns->rss, __ATOMIC_RELAXED);
	maxidx = shm_ids_maxidx(&ns->ids);
	shm_ns_unlock(ns);
	return maxidx < 0 ? 0 : maxidx;
}

static void shm_ctl_fill(struct shm_seg *seg, struct shmid64_ds *out)
{
	out->shm_perm.key = seg->perm->key;
	out->shm_perm.uid = seg->perm->uid;
	out->shm_perm.gid = seg->perm->gid;
	out->shm_perm.cuid = seg->perm->cuid;
	out->shm_perm.cgid = seg->perm->cgid;
	out->shm_perm.mode = seg->perm->mode;
	out->shm_perm.seq = seg->perm->seq;
	out->shm_segsz = seg->perm->segsz;
	out->shm_ctime = (long)seg->ctime;
	out->shm_cpid = seg->cpid;
	shm_seg_lock(seg);
	out->shm_atime = (long)seg->atime;
	out->shm_dtime = (long)seg->dtime;
	out->shm_lpid = seg->lpid;
	out->shm_nattch = __atomic_load_n(&seg->nattch, __ATOMIC_RELAXED);
	shm_seg_unlock(seg);
}

/*
 * Linux's shmctl_stat. IPC_STAT takes an id and returns 0; SHM_STAT and
 * SHM_STAT_ANY take an index (the sequence bits are ignored) and return the
 * full id. All but SHM_STAT_ANY need read permission.
 */
static int shm_ctl_stat(struct shm_ns *ns, const struct shm_caller *c, int id, int cmd,
                        struct shmid64_ds *out)
{
	struct shm_seg *seg;
	int ret;

	memset(out, 0, sizeof(*out));
	shm_ns_lock(ns);
	if (cmd == IPC_STAT)
		seg = shm_ids_find_id(&ns->ids, id);
	else
		seg = shm_ids_find_idx(&ns->ids, id & (SHM_ID_SEQ_MULT - 1));
	if (!seg) {
		ret = -EINVAL;
	} else if (cmd != SHM_STAT_ANY && !shm_perm_ok(seg->perm, c, 0444)) {
		ret = -EACCES;
	} else {
		shm_ctl_fill(seg, out);
		ret = cmd == IPC_STAT ? 0 : seg->id;
	}
	shm_ns_unlock(ns);
	return ret;
}

/* Linux's ipc_update_perm: owner, group and the permission bits only; -1 is no id. */
static int shm_ctl_set(struct shm_ns *ns, struct shm_seg *seg, const struct shmid64_ds *in)
{
	if (in->shm_perm.uid == (uint32_t)-1 || in->shm_perm.gid == (uint32_t)-1)
		return -EINVAL;
	seg->perm->uid = in->shm_perm.uid;
	seg->perm->gid = in->shm_perm.gid;
	seg->perm->mode = (uint16_t)((seg->perm->mode & ~0777u) | (in->shm_perm.mode & 0777u));
	seg->ctime = shm_now(ns);
	return 0;
}

/* Linux's shmctl_down: IPC_RMID and IPC_SET need the owner or SYS_ADMIN. */
static int shm_ctl_down(struct shm_ns *ns, const struct shm_caller *c, int id, int cmd,
                        const struct shmid64_ds *in)
{
	struct shm_seg *seg;
	int ret = 0;

	shm_ns_lock(ns);
	seg = shm_ids_find_id(&ns->ids, id);
	if (!seg)
		ret = -EINVAL;
	else if (!shm_is_owner(seg->perm, c) && !(c->caps & SHM_CAP_SYS_ADMIN))
		ret = -EPERM;
	else if (cmd == IPC_RMID)
		shm_seg_rmid(ns, seg);
	else
		ret = shm_ctl_set(ns, seg, in);
	shm_ns_unlock(ns);
	return ret;
}

/*
 * Linux's shmctl_do_lock. Without the IPC_LOCK capability: the owner only,
 * and SHM_LOCK not with a zero memlock limit; then SHM_LOCK charges the
 * caller's real uid (memlock.c: ENOMEM past RLIMIT_MEMLOCK). Both are
 * idempotent. (Frames are never swapped here, so the flag and the charge are
 * all there is to locking.)
 */
static int shm_ctl_lock(struct shm_ns *ns, const struct shm_caller *c, int id, int cmd)
{
	struct shm_seg *seg;
	int ret = 0;

	shm_ns_lock(ns);
	seg = shm_ids_find_id(&ns->ids, id);
	if (!seg)
		ret = -EINVAL;
	else if (!(c->caps & SHM_CAP_IPC_LOCK) &&
	         (!shm_is_owner(seg->perm, c) || (cmd == SHM_LOCK && c->memlock_limit == 0)))
		ret = -EPERM;
	else if (cmd == SHM_LOCK && (ret = shm_memlock_charge(ns, seg, c)) == 0)
		seg->perm->mode |= SHM_LOCKED;
	else if (cmd == SHM_UNLOCK) {
		shm_memlock_refund(ns, seg);
		seg->perm->mode &= (uint16_t)~SHM_LOCKED;
	}
	shm_ns_unlock(ns);
	return ret;
}

/* The command proper; IPC_SET's input is already in b. */
static int shm_ctl_do(struct shm_ns *ns, const struct shm_caller *c, int id, int cmd,
                      union shm_ctl_buf *b)
{
	switch (cmd) {
	case IPC_INFO:
		return shm_ctl_ipc_info(ns, &b->info);
	case SHM_INFO:
		return shm_ctl_shm_info(ns, &b->shm_info);
	case IPC_STAT:
	case SHM_STAT:
	case SHM_STAT_ANY:
		return shm_ctl_stat(ns, c, id, cmd, &b->ds);
	case IPC_SET:
	case IPC_RMID:
		return shm_ctl_down(ns, c, id, cmd, &b->ds);
	case SHM_LOCK:
	case SHM_UNLOCK:
		return shm_ctl_lock(ns, c, id, cmd);
	default:
		return -EINVAL;
	}
}

/* Bytes a command copies out (0: none). */
static size_t shm_ctl_out_size(int cmd)
{
	switch (cmd) {
	case IPC_INFO:
		return sizeof(struct shminfo64);
	case SHM_INFO:
		return sizeof(struct shm_info);
	case IPC_STAT:
	case SHM_STAT:
	case SHM_STAT_ANY:
		return sizeof(struct shmid64_ds);
	default:
		return 0;
	}
}

/* Where the caller's buffer is: a kernel pointer, or a user address in c->as. */
struct shm_ctl_where {
	void *kbuf;
	uintptr_t ubuf;
	bool user;
};

/* Copy n bytes between the kernel buffer k and the caller's buffer, either way: 0 or -EFAULT. */
static int shm_copy(const struct shm_caller *c, const struct shm_ctl_where *u, void *k, size_t n,
                    bool out)
{
	if (u->user && out)
		return as_copy_to_user(c->as, u->ubuf, k, n) ? -EFAULT : 0;
	if (u->user)
		return as_copy_from_user(c->as, k, u->ubuf, n) ? -EFAULT : 0;
	if (!u->kbuf)
		return -EFAULT;
	memcpy(out ? u->kbuf : k, out ? k : u->kbuf, n);
	return 0;
}

static int shm_ctl_common(struct shm_ns *ns, const struct shm_caller *c, int id, int cmd,
                          const struct shm_ctl_where *u)
{
	union shm_ctl_buf b;
	size_t out;
	int ret, rc;

	shm_assert_caller_unlocked(ns);
	if (cmd < 0 || id < 0)
		return -EINVAL;
	if (cmd == IPC_SET && (rc = shm_copy(c, u, &b.ds, sizeof(b.ds), false)) < 0)
		return rc;
	ret = shm_ctl_do(ns, c, id, cmd, &b);
	out = shm_ctl_out_size(cmd);
	if (ret >= 0 && out && (rc = shm_copy(c, u, &b, out, true)) < 0)
		return rc;
	return ret;
}

int shm_ctl(struct shm_ns *ns, const struct shm_caller *c, int id, int cmd, void *buf)
{
	struct shm_ctl_where u = {.kbuf = buf};

	return shm_ctl_common(ns, c, id, cmd, &u);
}

int shm_ctl_user(struct shm_ns *ns, const struct shm_caller *c, int id, int cmd, uintptr_t ubuf)
{
	struct shm_ctl_where u = {.ubuf = ubuf, .user = true};

	return shm_ctl_common(ns, c, id, cmd, &u);
}
