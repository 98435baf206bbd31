/*
 * shmget: creation, the attributes of a new segment, existing keys, and
 * every error with its precedence (Linux ipcget_public: ENOENT when the key
 * is unused and IPC_CREAT absent; for a used key EEXIST first, then the size
 * check of shm_more_checks (EINVAL), then permissions (EACCES); for a new
 * segment newseg's size limits (EINVAL)).
 */
#define _GNU_SOURCE
#include "conformance.h"

#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static time_t now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec;
}

static bool all_zero(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* The attributes IPC_STAT reports for a segment just created by root. */
static void new_segment_attributes(key_t key)
{
	time_t t0 = now();
	int id = s_get(key, 5000, IPC_CREAT | IPC_EXCL | 0754);
	time_t t1 = now();
	struct shmid_ds ds;

	report("shmget: new key, size 5000, IPC_CREAT|IPC_EXCL|0754 -> %s", res(id));
	if (id < 0)
		return;
	track(id);
	int r = s_stat(id, &ds);
	report("shmget: IPC_STAT of the new segment -> %s", res(r));
	if (r < 0)
		return;
	report("shmget: new: key is the requested key: %s", yes_no(ds.shm_perm.__key == key));
	report("shmget: new: mode = 0%o (flags & 0777, no IPC_CREAT/IPC_EXCL bits)",
	       (unsigned)ds.shm_perm.mode);
	report("shmget: new: uid %u gid %u cuid %u cgid %u", (unsigned)ds.shm_perm.uid,
	       (unsigned)ds.shm_perm.gid, (unsigned)ds.shm_perm.cuid, (unsigned)ds.shm_perm.cgid);
	report("shmget: new: segsz = %lu (not rounded to pages)", (unsigned long)ds.shm_segsz);
	report("shmget: new: cpid is the caller: %s, lpid = %ld", yes_no(ds.shm_cpid == getpid()),
	       (long)ds.shm_lpid);
	report("shmget: new: nattch = %lu, atime zero: %s, dtime zero: %s",
	       (unsigned long)ds.shm_nattch, yes_no(ds.shm_atime == 0), yes_no(ds.shm_dtime == 0));
	report("shmget: new: ctime set at creation: %s",
	       yes_no(ds.shm_ctime != 0 && ds.shm_ctime >= t0 && ds.shm_ctime <= t1));

	char *p;
	r = (int)s_at(id, NULL, 0, &p);
	report("shmget: new: attach -> %s", res(r));
	if (r < 0)
		return;
	/* The tail of the last page is mapped too, and zero like the rest. */
	report("shmget: new: all 8192 bytes of the 2 pages read as zero: %s",
	       yes_no(all_zero(p, 8192)));
	memset(p, 0x5a, 5000);
	s_dt(p);
}

/* shmget on a key that is in use. */
static void existing_key(key_t key)
{
	int id = s_get(key, 0, 0), r;
	struct shmid_ds ds;

	report("shmget: existing key, size 0, flags 0 -> %s", res(id));
	r = s_get(key, 5000, IPC_CREAT | 0600);
	report("shmget: existing key, same size, IPC_CREAT -> %s, same id: %s", res(r),
	       yes_no(r == id));
	r = s_get(key, 100, 0);
	report("shmget: existing key, smaller size -> %s, same id: %s", res(r), yes_no(r == id));
	r = s_get(key, 5001, 0);
	report("shmget: existing key, size 5001 > segsz 5000 -> %s", res(r));
	r = s_get(key, 8192, IPC_CREAT);
	report("shmget: existing key, size 8192 (within the pages, > segsz) -> %s", res(r));
	r = s_get(key, 0, IPC_CREAT | IPC_EXCL | 0600);
	report("shmget: existing key, IPC_CREAT|IPC_EXCL -> %s", res(r));
	r = s_get(key, 1 << 20, IPC_CREAT | IPC_EXCL | 0600);
	report("shmget: existing key, IPC_CREAT|IPC_EXCL and too big (EEXIST first) -> %s", res(r));
	r = s_get(key, 0, IPC_EXCL);
	report("shmget: existing key, IPC_EXCL without IPC_CREAT -> %s", res(r));
	if (id >= 0 && s_stat(id, &ds) == 0)
		report("shmget: existing key: mode still 0%o after shmget with 0600",
		       (unsigned)ds.shm_perm.mode);

	char *p;
	r = (int)s_at(id, NULL, SHM_RDONLY, &p);
	if (r == 0) {
		report("shmget: existing key: data written earlier still there: %s",
		       yes_no(p[0] == 0x5a && p[4999] == 0x5a && p[5000] == 0));
		s_dt(p);
	}
}

static void private_key(void)
{
	int a = s_get(IPC_PRIVATE, 4096, 0600);
	int b = s_get(IPC_PRIVATE, 4096, IPC_CREAT | IPC_EXCL | 0600);
	struct shmid_ds ds;

	report("shmget: IPC_PRIVATE without IPC_CREAT -> %s", res(a));
	report("shmget: IPC_PRIVATE with IPC_CREAT|IPC_EXCL -> %s", res(b));
	if (a >= 0)
		track(a);
	if (b >= 0)
		track(b);
	report("shmget: IPC_PRIVATE twice gives two segments: %s",
	       yes_no(a >= 0 && b >= 0 && a != b));
	if (a >= 0 && s_stat(a, &ds) == 0)
		report("shmget: IPC_PRIVATE segment's key = %d", (int)ds.shm_perm.__key);
	s_ctl(a, IPC_RMID, NULL);
	s_ctl(b, IPC_RMID, NULL);
}

static void creation_errors(key_t key)
{
	struct shminfo info;
	int r;

	r = s_get(key, 4096, 0);
	report("shmget: unused key, no IPC_CREAT -> %s", res(r));
	r = s_get(key, 4096, IPC_EXCL | 0600);
	report("shmget: unused key, IPC_EXCL only -> %s", res(r));
	r = s_get(key, 0, IPC_CREAT | 0600);
	report("shmget: unused key, size 0 (< SHMMIN) -> %s", res(r));
	r = s_get(IPC_PRIVATE, 0, IPC_CREAT | 0600);
	report("shmget: IPC_PRIVATE, size 0 -> %s", res(r));
	if (s_ctl(0, IPC_INFO, &info) >= 0 && info.shmmax < SIZE_MAX) {
		r = s_get(key, info.shmmax + 1, IPC_CREAT | 0600);
		report("shmget: unused key, size SHMMAX+1 -> %s", res(r));
	} else {
		report("shmget: unused key, size SHMMAX+1 -> (IPC_INFO failed or SHMMAX is the "
		       "maximum)");
	}
	r = s_get(IPC_PRIVATE, SIZE_MAX, IPC_CREAT | 0600);
	report("shmget: IPC_PRIVATE, size SIZE_MAX -> %s", res(r));
	r = s_get(key, 4096, 0);
	report("shmget: after the failed creations the key is still unused -> %s", res(r));
}

/* A key freed by IPC_RMID (no attachment) can be created again at once. */
static void key_reuse(key_t key)
{
	int old = s_get(key, 0, 0);
	int r = s_ctl(old, IPC_RMID, NULL);

	report("shmget: IPC_RMID of the unattached segment -> %s", res(r));
	r = s_get(key, 0, 0);
	report("shmget: the key after IPC_RMID -> %s", res(r));
	int id = s_get(key, 4096, IPC_CREAT | IPC_EXCL | 0600);
	report("shmget: create the same key again -> %s, new id: %s", res(id), yes_no(id != old));
	if (id < 0)
		return;
	track(id);
	char *p;
	if (s_at(id, NULL, 0, &p) == 0) {
		report("shmget: the new segment reads as zero, not the old data: %s",
		       yes_no(all_zero(p, 4096)));
		s_dt(p);
	}
	report("shmget: the old id after IPC_RMID: IPC_STAT -> %s", nattch_of(old));
	s_ctl(id, IPC_RMID, NULL);
}

void test_shmget(void)
{
	key_t key = key_fresh(1), unused = key_fresh(2);

	new_segment_attributes(key);
	existing_key(key);
	private_key();
	creation_errors(unused);
	key_reuse(key);
}
