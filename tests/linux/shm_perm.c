/*
 * Permissions, checked in children that dropped every privilege.
 *
 * Linux's ipcperms picks ONE class and never falls through: the owner class
 * when euid is the segment's uid or cuid, else the group class when the
 * caller is in gid or cgid (egid or a supplementary group), else other.
 * shmat asks r (and w unless SHM_RDONLY, x with SHM_EXEC), IPC_STAT and
 * SHM_STAT ask r, SHM_STAT_ANY asks nothing. IPC_SET, IPC_RMID need the
 * owner or the creator (EPERM); SHM_LOCK too, plus a RLIMIT_MEMLOCK that is
 * not 0 (EPERM) and big enough for the segment (ENOMEM).
 *
 * The ids used: segments owned by uid 1000 / gid 1000, created by root
 * (cuid 0, cgid 0); callers 1000 (owner), 2000 (group member or stranger),
 * 3000 (other).
 */
#define _GNU_SOURCE
#include "conformance.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

struct who {
	const char *name;
	uid_t uid;
	gid_t gid;
	int ngroups;
	gid_t groups[2];
};

static const struct who owner = {"owner (uid 1000)", 1000, 1001, 0, {0}};
static const struct who owner_in_group = {"owner in the group", 1000, 1000, 0, {0}};
static const struct who group_egid = {"group by egid", 2000, 1000, 0, {0}};
static const struct who group_supp = {"group by supplementary gid", 2000, 2000, 1, {1000}};
static const struct who group_cgid = {"group by cgid 0 (supplementary)", 2000, 2000, 1, {0}};
static const struct who other = {"other", 3000, 3000, 0, {0}};

struct access_case {
	const struct who *who;
	int mode;
};

/* What one caller may do with a segment of the given mode. */
static const struct access_case access_cases[] = {
    {&owner, 0600},      {&owner, 0400},          {&owner, 0700},      {&owner, 0200},
    {&owner, 0066},      {&owner_in_group, 0060}, {&group_egid, 0060}, {&group_egid, 0040},
    {&group_egid, 0606}, {&group_supp, 0060},     {&group_supp, 0604}, {&group_cgid, 0050},
    {&other, 0006},      {&other, 0005},          {&other, 0660},      {&other, 0001},
};

struct ctx {
	int id, index;
	key_t key;
	const struct access_case *c;
};

static void drop(const struct who *w)
{
	become(w->uid, w->gid, w->ngroups, w->groups);
}

static const char *try_at(int id, int flg)
{
	char *p;
	long r = s_at(id, NULL, flg, &p);

	if (r == 0)
		s_dt(p);
	return res(r);
}

static void access_child(void *arg)
{
	const struct ctx *x = arg;
	struct shmid_ds ds;

	drop(x->c->who);
	report("perm: %s, mode 0%03o: IPC_STAT %s, shmat rw %s, ro %s, ro+exec %s, rw+exec %s",
	       x->c->who->name, (unsigned)x->c->mode, res(s_stat(x->id, &ds)), try_at(x->id, 0),
	       try_at(x->id, SHM_RDONLY), try_at(x->id, SHM_RDONLY | SHM_EXEC),
	       try_at(x->id, SHM_EXEC));
}

/* A root-created segment handed to uid 1000 / gid 1000 with 'mode'. */
static void give(int id, int mode)
{
	struct shmid_ds set;

	if (s_stat(id, &set) < 0)
		fatal("IPC_STAT failed");
	set.shm_perm.uid = 1000;
	set.shm_perm.gid = 1000;
	set.shm_perm.mode = (unsigned short)mode;
	if (s_ctl(id, IPC_SET, &set) < 0)
		fatal("IPC_SET failed");
}

static void access_rules(int id)
{
	for (size_t i = 0; i < sizeof(access_cases) / sizeof(access_cases[0]); i++) {
		struct ctx x = {id, -1, 0, &access_cases[i]};
		give(id, access_cases[i].mode);
		const char *st = child_wait(child_start(access_child, &x));
		if (strcmp(st, "exited 0") != 0)
			report("perm: the child for case %zu -> %s", i, st);
	}
}

static void memlock(size_t bytes)
{
	struct rlimit lim;

	if (getrlimit(RLIMIT_MEMLOCK, &lim) < 0)
		fatal("getrlimit -> %s", errname(errno));
	lim.rlim_cur = bytes;
	if (setrlimit(RLIMIT_MEMLOCK, &lim) < 0)
		fatal("setrlimit(RLIMIT_MEMLOCK, %zu) -> %s", bytes, errname(errno));
}

/* shmctl by someone who is neither owner nor creator, and by the owner. */
static void ctl_child(void *arg)
{
	const struct ctx *x = arg;
	const struct who *w = x->c->who;
	struct shmid_ds ds, set;
	struct shminfo si;
	struct shm_info sinfo;
	/* The hard limit is set while still root; the checks then move the
	 * soft one below it, which needs no privilege. */
	struct rlimit lim = {64 * page, 64 * page};
	int lock, unlock;

	if (setrlimit(RLIMIT_MEMLOCK, &lim) < 0)
		fatal("setrlimit(RLIMIT_MEMLOCK) -> %s", errname(errno));
	drop(w);
	/* What the segment already has: an allowed IPC_SET changes nothing. */
	memset(&set, 0, sizeof(set));
	set.shm_perm.uid = 1000;
	set.shm_perm.gid = 1000;
	set.shm_perm.mode = (unsigned short)x->c->mode;
	report("perm: %s, mode 0%03o: IPC_SET %s, SHM_STAT %s, SHM_STAT_ANY %s, IPC_INFO %s, "
	       "SHM_INFO %s",
	       w->name, (unsigned)x->c->mode, res(s_ctl(x->id, IPC_SET, &set)),
	       res(s_ctl(x->index, SHM_STAT, &ds)), res(s_ctl(x->index, SHM_STAT_ANY, &ds)),
	       res(s_ctl(0, IPC_INFO, &si)), res(s_ctl(0, SHM_INFO, &sinfo)));
	memlock(0);
	lock = s_ctl(x->id, SHM_LOCK, NULL);
	unlock = s_ctl(x->id, SHM_UNLOCK, NULL);
	report("perm: %s, RLIMIT_MEMLOCK 0: SHM_LOCK %s, SHM_UNLOCK %s", w->name, res(lock),
	       res(unlock));
	if (w->uid == 1000) {
		memlock(page);
		report("perm: %s, RLIMIT_MEMLOCK 1 page, 4-page segment: SHM_LOCK %s", w->name,
		       res(s_ctl(x->id, SHM_LOCK, NULL)));
		memlock(64 * page);
		lock = s_ctl(x->id, SHM_LOCK, NULL);
		s_stat(x->id, &ds);
		unlock = s_ctl(x->id, SHM_UNLOCK, NULL);
		report("perm: %s, RLIMIT_MEMLOCK 64 pages: SHM_LOCK %s, mode 0%o, SHM_UNLOCK %s",
		       w->name, res(lock), (unsigned)ds.shm_perm.mode, res(unlock));
	}
	report("perm: %s: IPC_RMID %s", w->name, res(s_ctl(x->id, IPC_RMID, NULL)));
}

static void ctl_rules(void)
{
	static const struct access_case cases[] = {
	    {&group_egid, 0666},
	    {&other, 0666},
	    {&other, 0600},
	    {&owner, 0600},
	};
	struct shm_info info;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int id = seg_new(IPC_PRIVATE, 4 * page, 0600);
		int max = s_ctl(0, SHM_INFO, &info), index = -1;
		struct shmid_ds ds;
		for (int j = 0; j <= max && index < 0; j++)
			if (s_ctl(j, SHM_STAT, &ds) == id)
				index = j;
		give(id, cases[i].mode);
		struct ctx x = {id, index, 0, &cases[i]};
		child_run("perm: shmctl rules", ctl_child, &x);
		report("perm: the segment after that child -> nattch %s", nattch_of(id));
		s_ctl(id, IPC_RMID, NULL);
	}
}

/* shmget of an existing key: EEXIST, then the size (EINVAL), then EACCES. */
static void get_child(void *arg)
{
	const struct ctx *x = arg;
	const struct who *w = x->c->who;
	key_t k = x->key;

	drop(w);
	report("perm: shmget as %s, mode 0640: flags 0 %s, 0400 %s, 0600 %s, 0040 %s, 0060 %s, "
	       "0004 %s",
	       w->name, res(s_get(k, 0, 0)), res(s_get(k, 0, 0400)), res(s_get(k, 0, 0600)),
	       res(s_get(k, 0, 0040)), res(s_get(k, 0, 0060)), res(s_get(k, 0, 0004)));
	report("perm: shmget as %s: IPC_CREAT|0400 %s, too big %s, IPC_CREAT|IPC_EXCL %s", w->name,
	       res(s_get(k, 0, IPC_CREAT | 0400)), res(s_get(k, 2 * page, 0400)),
	       res(s_get(k, 0, IPC_CREAT | IPC_EXCL | 0400)));
}

static void get_rules(void)
{
	static const struct access_case cases[] = {
	    {&owner, 0640}, {&group_egid, 0640}, {&other, 0640}};
	key_t key = key_fresh(4);
	int id = seg_new(key, page, 0640);

	give(id, 0640);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ctx x = {id, -1, key, &cases[i]};
		child_run("perm: shmget rules", get_child, &x);
	}
	s_ctl(id, IPC_RMID, NULL);
}

/* A segment created by an unprivileged process: it is owner and creator. */
static void creator_child(void *arg)
{
	struct shmid_ds ds, set;
	(void)arg;

	drop(&owner);
	int id = s_get(IPC_PRIVATE, page, IPC_CREAT | 0600);
	report("perm: created by uid 1000 gid 1001 -> %s", res(id));
	if (id < 0)
		return;
	track(id);
	s_stat(id, &ds);
	report("perm: its uid %u gid %u cuid %u cgid %u mode 0%o, cpid is the child: %s",
	       (unsigned)ds.shm_perm.uid, (unsigned)ds.shm_perm.gid, (unsigned)ds.shm_perm.cuid,
	       (unsigned)ds.shm_perm.cgid, (unsigned)ds.shm_perm.mode,
	       yes_no(ds.shm_cpid == getpid()));
	set = ds;
	set.shm_perm.uid = 2000;
	set.shm_perm.gid = 2000;
	report("perm: creator gives it to uid 2000 gid 2000 -> %s", res(s_ctl(id, IPC_SET, &set)));
	/* Still the creator: the owner class through cuid. */
	int st = s_stat(id, &ds);
	const char *at = try_at(id, 0);
	report("perm: creator, no longer owner: IPC_STAT %s, shmat %s, IPC_SET %s", res(st), at,
	       res(s_ctl(id, IPC_SET, &set)));
	set.shm_perm.mode = 0;
	st = s_ctl(id, IPC_SET, &set);
	report("perm: creator sets mode 0 -> %s", res(st));
	st = s_stat(id, &ds);
	at = try_at(id, SHM_RDONLY);
	report("perm: creator, mode 0: IPC_STAT %s, shmat ro %s, IPC_RMID %s", res(st), at,
	       res(s_ctl(id, IPC_RMID, NULL)));
}

/* Root may do anything: CAP_IPC_OWNER skips the mode. */
static void root_rules(void)
{
	int id = seg_new(IPC_PRIVATE, page, 0600);
	struct shmid_ds ds;

	give(id, 0);
	report("perm: root, mode 0 and owned by another: IPC_STAT %s, shmat rw %s, rw+exec %s",
	       res(s_stat(id, &ds)), try_at(id, 0), try_at(id, SHM_EXEC));
	s_ctl(id, IPC_RMID, NULL);
}

void test_perm(void)
{
	int id = seg_new(IPC_PRIVATE, page, 0600);

	access_rules(id);
	s_ctl(id, IPC_RMID, NULL);
	ctl_rules();
	get_rules();
	child_run("perm: unprivileged creator", creator_child, NULL);
	root_rules();
}
