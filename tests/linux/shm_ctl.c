/*
 * shmctl: the IPC_RMID lifecycle, IPC_SET, SHM_LOCK/SHM_UNLOCK, IPC_INFO,
 * SHM_INFO, SHM_STAT/SHM_STAT_ANY and the errors of shmctl itself.
 *
 * Linux facts checked here: IPC_RMID of an attached segment only marks it
 * (SHM_DEST, 01000, in the mode) and makes its key private, so the key is
 * free for a new segment while the old id keeps working (even for shmat)
 * until the last detach. IPC_SET takes uid, gid and the low 9 mode bits and
 * nothing else. IPC_INFO and SHM_INFO return the highest index in use.
 */
#define _GNU_SOURCE
#include "conformance.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static void child_stays_attached(void *arg)
{
	int id = *(int *)arg;
	char *p = seg_attach(id, NULL, 0);

	/* Hold the attachment until the parent says go. */
	flag_set(&mbox->ready, 1);
	flag_wait(&mbox->go);
	report("rmid: child still reads the removed segment: %s", yes_no(p[0] == 'r'));
}

void test_rmid(void)
{
	key_t key = key_fresh(3);
	int id = seg_new(key, page, 0640), r;
	char *p = seg_attach(id, NULL, 0), *q;
	struct shmid_ds ds;

	p[0] = 'r';
	r = s_ctl(id, IPC_RMID, NULL);
	report("rmid: IPC_RMID while attached -> %s", res(r));
	r = s_stat(id, &ds);
	report("rmid: IPC_STAT of the removed segment -> %s, mode 0%o, key private: %s, nattch %lu",
	       res(r), (unsigned)ds.shm_perm.mode, yes_no(ds.shm_perm.__key == IPC_PRIVATE),
	       (unsigned long)ds.shm_nattch);
	r = s_get(key, 0, 0);
	report("rmid: shmget of its old key -> %s", res(r));
	int again = s_get(key, page, IPC_CREAT | IPC_EXCL | 0600);
	report("rmid: create a new segment with the old key -> %s, a different id: %s", res(again),
	       yes_no(again != id));
	if (again >= 0)
		track(again);
	r = s_ctl(id, IPC_RMID, NULL);
	report("rmid: IPC_RMID again while still attached -> %s", res(r));
	r = (int)s_at(id, NULL, 0, &q);
	report("rmid: shmat of the removed id -> %s, nattch %s, sees the data: %s", res(r),
	       nattch_of(id), yes_no(r == 0 && q[0] == 'r'));
	if (r == 0)
		s_dt(q);

	/* A child keeps it alive after the parent detaches. */
	mbox->ready = mbox->go = 0;
	pid_t pid = child_start(child_stays_attached, &id);
	flag_wait(&mbox->ready);
	r = s_dt(p);
	report("rmid: parent detaches -> %s, the segment lives on: nattch %s", res(r),
	       nattch_of(id));
	flag_set(&mbox->go, 1);
	report("rmid: child status -> %s", child_wait(pid));
	report("rmid: after the last detach: IPC_STAT -> %s", nattch_of(id));
	r = (int)s_at(id, NULL, 0, &q);
	report("rmid: shmat -> %s", res(r));
	r = s_ctl(id, IPC_RMID, NULL);
	report("rmid: IPC_RMID -> %s", res(r));
	r = s_get(key, 0, 0);
	report("rmid: the new segment on the key is untouched: %s", yes_no(r == again));
	s_ctl(again, IPC_RMID, NULL);
	r = s_stat(again, &ds);
	report("rmid: IPC_RMID without attachments removes at once: IPC_STAT -> %s", res(r));
}

void test_ipc_set(void)
{
	int id = seg_new(IPC_PRIVATE, 5000, 0600), r;
	struct shmid_ds ds, set;
	char *p = seg_attach(id, NULL, 0);

	s_stat(id, &ds);
	time_t ctime0 = ds.shm_ctime;
	memset(&set, 0x7f, sizeof(set)); /* junk in every field IPC_SET must ignore */
	set.shm_perm.uid = 1000;
	set.shm_perm.gid = 2000;
	set.shm_perm.mode = 0177640;
	r = s_ctl(id, IPC_SET, &set);
	report("ipc_set: uid 1000 gid 2000 mode 0177640, junk elsewhere -> %s", res(r));
	s_stat(id, &ds);
	report("ipc_set: now uid %u gid %u cuid %u cgid %u mode 0%o", (unsigned)ds.shm_perm.uid,
	       (unsigned)ds.shm_perm.gid, (unsigned)ds.shm_perm.cuid, (unsigned)ds.shm_perm.cgid,
	       (unsigned)ds.shm_perm.mode);
	report("ipc_set: segsz %lu nattch %lu, cpid and lpid kept: %s, ctime updated: %s",
	       (unsigned long)ds.shm_segsz, (unsigned long)ds.shm_nattch,
	       yes_no(ds.shm_cpid == getpid() && ds.shm_lpid == getpid()),
	       yes_no(ds.shm_ctime >= ctime0));

	s_ctl(id, SHM_LOCK, NULL);
	set.shm_perm.mode = 0604;
	r = s_ctl(id, IPC_SET, &set);
	s_stat(id, &ds);
	report("ipc_set: on a locked segment, mode 0604 -> %s, mode 0%o (SHM_LOCKED kept)", res(r),
	       (unsigned)ds.shm_perm.mode);
	s_ctl(id, IPC_RMID, NULL);
	r = s_ctl(id, IPC_SET, &set);
	s_stat(id, &ds);
	report("ipc_set: on a removed, attached segment -> %s, mode 0%o (SHM_DEST kept)", res(r),
	       (unsigned)ds.shm_perm.mode);
	s_ctl(id, SHM_UNLOCK, NULL);

	set.shm_perm.uid = (uid_t)-1;
	r = s_ctl(id, IPC_SET, &set);
	report("ipc_set: uid -1 -> %s", res(r));
	set.shm_perm.uid = 0;
	set.shm_perm.gid = (gid_t)-1;
	r = s_ctl(id, IPC_SET, &set);
	report("ipc_set: gid -1 -> %s", res(r));
	s_stat(id, &ds);
	report("ipc_set: after the failures uid %u gid %u", (unsigned)ds.shm_perm.uid,
	       (unsigned)ds.shm_perm.gid);
	s_dt(p);
}

void test_lock(void)
{
	static const struct {
		int cmd;
		const char *what;
	} steps[] = {
	    {SHM_LOCK, "SHM_LOCK"},
	    {SHM_LOCK, "SHM_LOCK again"},
	    {SHM_UNLOCK, "SHM_UNLOCK"},
	    {SHM_UNLOCK, "SHM_UNLOCK again"},
	};
	int id = seg_new(IPC_PRIVATE, page, 0600), r;
	struct shmid_ds ds;

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		r = s_ctl(id, steps[i].cmd, NULL);
		s_stat(id, &ds);
		report("lock: %s -> %s, mode 0%o", steps[i].what, res(r),
		       (unsigned)ds.shm_perm.mode);
	}
	s_ctl(id, IPC_RMID, NULL);
	r = s_ctl(id, SHM_LOCK, NULL);
	report("lock: SHM_LOCK of a removed segment -> %s", res(r));
}

/* The index SHM_STAT takes for 'id', by scanning 0..max; -1 if none. */
static int index_of(int id, int max)
{
	struct shmid_ds ds;

	for (int i = 0; i <= max; i++)
		if (s_ctl(i, SHM_STAT, &ds) == id)
			return i;
	return -1;
}

void test_info(void)
{
	struct shminfo info;
	struct shm_info before, mid, after;
	struct shmid_ds ds;
	int r;

	r = s_ctl(0, IPC_INFO, &info);
	report(
	    "info: IPC_INFO -> %s, shmmin %lu, shmmni >= 1: %s, shmseg >= 1: %s, shmall >= 1: %s",
	    res(r), (unsigned long)info.shmmin, yes_no(info.shmmni >= 1), yes_no(info.shmseg >= 1),
	    yes_no(info.shmall >= 1));
	report("info: shmmax >= 1 MiB: %s", yes_no(info.shmmax >= (1ul << 20)));
	r = s_ctl(0, SHM_INFO, &before);
	int id = seg_new(IPC_PRIVATE, 3 * page + 1, 0600);
	int max = s_ctl(0, SHM_INFO, &mid);
	report(
	    "info: SHM_INFO -> %s, after a 3-page+1-byte shmget: used_ids +%d, shm_tot +%ld pages, "
	    "shm_rss +%ld",
	    res(max), mid.used_ids - before.used_ids, (long)(mid.shm_tot - before.shm_tot),
	    (long)(mid.shm_rss - before.shm_rss));
	char *p = seg_attach(id, NULL, 0);
	p[0] = p[2 * page] = 1;
	s_ctl(0, SHM_INFO, &mid);
	report("info: after touching 2 of its 4 pages: shm_rss +%ld",
	       (long)(mid.shm_rss - before.shm_rss));
	s_dt(p);

	int imax = s_ctl(0, IPC_INFO, &info);
	report("info: IPC_INFO and SHM_INFO return the same highest index: %s",
	       yes_no(imax == max));
	int idx = index_of(id, max);
	report("info: the new segment's index is <= the highest index: %s",
	       yes_no(idx >= 0 && idx <= max));
	r = s_ctl(idx, SHM_STAT, &ds);
	report("info: SHM_STAT(index) -> %s, returns the shmget id: %s, segsz %lu", res(r),
	       yes_no(r == id), (unsigned long)ds.shm_segsz);
	r = s_ctl(idx, SHM_STAT_ANY, &ds);
	report("info: SHM_STAT_ANY(index) -> %s, returns the shmget id: %s", res(r),
	       yes_no(r == id));
	r = s_ctl(max + 1, SHM_STAT, &ds);
	report("info: SHM_STAT of the index above the highest -> %s", res(r));
	r = s_ctl(-1, SHM_STAT, &ds);
	report("info: SHM_STAT of index -1 -> %s", res(r));

	s_ctl(id, IPC_RMID, NULL);
	s_ctl(0, SHM_INFO, &after);
	report("info: after IPC_RMID: used_ids %+d, shm_tot %+ld, shm_rss %+ld",
	       after.used_ids - before.used_ids, (long)(after.shm_tot - before.shm_tot),
	       (long)(after.shm_rss - before.shm_rss));
	r = s_ctl(idx, SHM_STAT, &ds);
	report("info: SHM_STAT of the freed index -> %s", res(r));
}

void test_ctl_errors(void)
{
	int id = seg_new(IPC_PRIVATE, page, 0600), r;
	struct shmid_ds ds;
	char *ro = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (ro == MAP_FAILED)
		fatal("mmap -> %s", errname(errno));
	char *gone = free_range(1); /* after the mmap, or it would land there */
	r = s_ctl(-1, IPC_STAT, &ds);
	report("ctl: IPC_STAT of id -1 -> %s", res(r));
	r = s_ctl(id, -1, &ds);
	report("ctl: cmd -1 -> %s", res(r));
	r = s_ctl(id, 99, &ds);
	report("ctl: unknown cmd 99 -> %s", res(r));
	r = s_ctl(id, IPC_STAT, NULL);
	report("ctl: IPC_STAT into NULL -> %s", res(r));
	r = s_ctl(id, IPC_STAT, gone);
	report("ctl: IPC_STAT into unmapped memory -> %s", res(r));
	r = s_ctl(id, IPC_STAT, ro);
	report("ctl: IPC_STAT into read-only memory -> %s", res(r));
	r = s_ctl(id, IPC_SET, gone);
	report("ctl: IPC_SET from unmapped memory -> %s", res(r));
	r = s_ctl(0, IPC_INFO, gone);
	report("ctl: IPC_INFO into unmapped memory -> %s", res(r));
	r = s_ctl(id, IPC_RMID, NULL);
	report("ctl: IPC_RMID -> %s", res(r));
	r = s_ctl(id, IPC_STAT, &ds);
	report("ctl: IPC_STAT of the removed id -> %s", res(r));
	r = s_ctl(id, IPC_SET, &ds);
	report("ctl: IPC_SET of the removed id -> %s", res(r));
	r = s_ctl(id, IPC_RMID, NULL);
	report("ctl: IPC_RMID of the removed id -> %s", res(r));
	munmap(ro, page);
}
