/*
 * What /proc shows of a namespace: its segments one by one
 * (/proc/sysvipc/shm), the segment behind an attachment (maps), and
 * kernel.shm_next_id.
 */
#include "shm_internal.h"
#include <klib/errno.h>

int shm_ns_next_seg(struct shm_ns *ns, int *idx, struct shm_seg_info *out)
{
	struct shm_seg *seg = NULL;
	int i;

	shm_ns_lock(ns);
	for (i = *idx < 0 ? 0 : *idx; i <= ns->ids.max_idx && !seg; i++)
		seg = shm_ids_find_idx(&ns->ids, i);
	if (seg) {
		*idx = i - 1;
		*out = (struct shm_seg_info){
		    .key = seg->perm->key,
		    .id = seg->id,
		    .mode = seg->perm->mode,
		    .segsz = seg->perm->segsz,
		    .cpid = seg->cpid,
		    .uid = seg->perm->uid,
		    .gid = seg->perm->gid,
		    .cuid = seg->perm->cuid,
		    .cgid = seg->perm->cgid,
		    .ctime = seg->ctime,
		};
		shm_seg_lock(seg);
		out->lpid = seg->lpid;
		out->nattch = __atomic_load_n(&seg->nattch, __ATOMIC_RELAXED);
		out->atime = seg->atime;
		out->dtime = seg->dtime;
		out->rss = seg->rss;
		shm_seg_unlock(seg);
	}
	shm_ns_unlock(ns);
	return seg ? 0 : -ENOENT;
}

int shm_ns_get_next_id(struct shm_ns *ns)
{
	int id;

	shm_ns_lock(ns);
	id = ns->ids.next_id;
	shm_ns_unlock(ns);
	return id;
}

int shm_ns_set_next_id(struct shm_ns *ns, int id)
{
	if (id < -1)
		return -EINVAL;
	shm_ns_lock(ns);
	ns->ids.next_id = id;
	shm_ns_unlock(ns);
	return 0;
}

bool shm_area_seg(const struct as_area *area, int32_t *key, int *id)
{
	struct shm_seg *seg;

	if (as_area_backend(area) != &shm_backend)
		return false;
	/* The area holds an attach count: the segment lives at least as long. */
	seg = as_area_priv(area);
	*key = seg->name_key;
	shm_ns_lock(seg->ns);
	*id = seg->id;
	shm_ns_unlock(seg->ns);
	return true;
}
