/*
 * The reference model and its driver (see model.h). The model knows Linux's
 * rules, not ipc-shm's code: segments are records in an array, ids come
 * from a naive rendering of Linux's cyclic allocation, and each attachment
 * is a page bitmap plus the places it was split, so its number of pieces
 * (areas, what nattch counts) is a count of runs. Every operation is
 * applied to both, results compared, then every segment's IPC_STAT and the
 * SHM_INFO totals compared with the model.
 */
#include "model.h"
#include "fake.h"
#include <klib/errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define P         PAGE_SIZE
#define NPROC     4
#define NSEG      48
#define NATT      16
#define MAXPG     8
#define IDS       CONFIG_IPC_SHM_IDS
#define WIN       (FAKE_USER_BASE + 0x40000) /* explicit attach addresses: WIN + k pages */
#define WINPAGES  24
#define OFF       17 /* the byte of each page that is written and read */
#define ALL_CAPS  (SHM_CAP_IPC_OWNER | SHM_CAP_SYS_ADMIN | SHM_CAP_IPC_LOCK)

struct m_seg {
	bool live;
	int id; /* -1: never used */
	int32_t key;
	size_t size;
	unsigned npages;
	uint32_t mode, uid, gid, cuid, cgid;
	int32_t cpid, lpid;
	int64_t atime, dtime, ctime;
	unsigned long nattch;
	long creator; /* serial of the creating process, 0: none left */
	bool orphan;
	uint32_t touched; /* pages that have a frame */
	uint8_t data[MAXPG];
	bool dropped; /* lost attach counts in this operation */
};

struct m_att {
	bool used;
	int seg;
	uintptr_t base;
	unsigned npages;
	uint32_t mapped, bound, ro; /* per page: mapped, a piece starts here, read-only */
};

struct m_proc {
	bool alive;
	long serial;
	struct fake_proc fp;
	struct m_att att[NATT];
};

struct model {
	struct shm_ns *ns;
	struct shm_limits lim;
	struct m_proc proc[NPROC];
	struct m_seg seg[NSEG];
	bool used[IDS];
	int in_use, last_idx, next_idx;
	unsigned seq;
	unsigned long tot;
	int64_t now;
	long serials;
	struct model_stats st;
	char what[200];
};

static const struct {
	uint32_t uid, gid, group;
	unsigned caps;
	unsigned long memlock;
} profiles[] = {
	{0, 0, 0, ALL_CAPS, 0},
	{1000, 1000, 0, 0, 1ul << 20},
	{1001, 1000, 0, 0, 0},
	{2000, 2000, 1000, 0, 1ul << 20},
};

static void fail(struct model *m, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "model mismatch (model.c:%d) at op %lu [%s]: ", line, m->st.ops, m->what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

#define EXPECT(m, got, want)                                                                  \
	do {                                                                                  \
		long long g_ = (long long)(got), w_ = (long long)(want);                      \
		if (g_ != w_)                                                                 \
			fail(m, __LINE__, "%s is %lld, expected %lld", #got, g_, w_);          \
	} while (0)

/* A mixed-radix reader over the operation's 64 random bits. */
static unsigned take(uint64_t *r, unsigned n)
{
	unsigned v = (unsigned)(*r % n);

	*r /= n;
	return v;
}

/* Ids: Linux's idr_alloc_cyclic + ipc_idr_alloc, naively. */
static int m_next_id(struct model *m, int *idx_out, unsigned *seq_out)
{
	int max = m->in_use * 3 / 2, idx = -1;

	if (max < 64)
		max = 64;
	if (max > IDS)
		max = IDS;
	for (int i = m->next_idx; i < max && idx < 0; i++)
		if (!m->used[i])
			idx = i;
	for (int i = 0; i < max && idx < 0 && m->next_idx > 0; i++)
		if (!m->used[i])
			idx = i;
	*seq_out = m->seq;
	if (idx <= m->last_idx)
		*seq_out = m->seq + 1 >= 65535 ? 0 : m->seq + 1;
	*idx_out = idx;
	return (int)(*seq_out * 32768) + idx;
}

static int m_max_idx(const struct model *m)
{
	if (m->in_use == 0)
		return 0;
	if (m->in_use == IDS)
		return IDS - 1;
	for (int i = IDS - 1; i >= 0; i--)
		if (m->used[i])
			return i;
	return 0;
}

static struct m_seg *m_by_id(struct model *m, int id)
{
	for (int i = 0; i < NSEG; i++)
		if (m->seg[i].live && m->seg[i].id == id)
			return &m->seg[i];
	return NULL;
}

static struct m_seg *m_by_idx(struct model *m, int idx)
{
	for (int i = 0; i < NSEG; i++)
		if (m->seg[i].live && m->seg[i].id % 32768 == idx)
			return &m->seg[i];
	return NULL;
}

static unsigned m_live(const struct model *m)
{
	unsigned n = 0;

	for (int i = 0; i < NSEG; i++)
		n += m->seg[i].live;
	return n;
}

static void m_count(struct model *m, long result)
{
	if (result < 0)
		m->st.errors++;
	else
		m->st.ok++;
}

static void m_destroy(struct model *m, struct m_seg *s)
{
	s->live = false;
	m->used[s->id % 32768] = false;
	m->in_use--;
	m->tot -= s->npages;
	m->st.destroyed++;
}

static bool m_may_destroy(const struct model *m, const struct m_seg *s)
{
	return s->nattch == 0 && (m->lim.rmid_forced || (s->mode & SHM_DEST));
}

/* After an operation: segments that lost their last count and may go, go. */
static void m_settle(struct model *m)
{
	for (int i = 0; i < NSEG; i++) {
		struct m_seg *s = &m->seg[i];

		if (s->live && s->dropped && m_may_destroy(m, s))
			m_destroy(m, s);
		s->dropped = false;
	}
}

/* ipcperms. */
static bool m_perm(const struct m_seg *s, const struct shm_caller *c, unsigned flag)
{
	unsigned want = (flag >> 6 | flag >> 3 | flag) & 7, granted = s->mode;
	bool group = c->egid == s->gid || c->egid == s->cgid;

	for (size_t i = 0; i < c->ngroups; i++)
		group |= c->groups[i] == s->gid || c->groups[i] == s->cgid;
	if (c->euid == s->uid || c->euid == s->cuid)
		granted >>= 6;
	else if (group)
		granted >>= 3;
	return !(want & ~granted & 7) || (c->caps & SHM_CAP_IPC_OWNER);
}

static bool m_owner(const struct m_seg *s, const struct shm_caller *c)
{
	return c->euid == s->uid || c->euid == s->cuid;
}

/* Pieces (areas) of an attachment: runs of mapped pages, also cut where split. */
static unsigned m_pieces(const struct m_att *a)
{
	unsigned n = 0;

	for (unsigned p = 0; p < a->npages; p++)
		if ((a->mapped >> p & 1) && (p == 0 || !(a->mapped >> (p - 1) & 1) || (a->bound >> p & 1)))
			n++;
	return n;
}

/* Attach counts given and taken: stamps as Linux's shm_open and shm_close. */
static void m_opened(struct model *m, struct m_seg *s, unsigned n, int32_t pid)
{
	if (!n)
		return;
	s->nattch += n;
	s->atime = m->now;
	s->lpid = pid;
}

static void m_closed(struct model *m, struct m_seg *s, unsigned n, int32_t pid)
{
	if (!n)
		return;
	s->nattch -= n;
	s->dtime = m->now;
	s->lpid = pid;
	s->dropped = true;
}

/* Cut attachment a before page q (0 < q < npages) if a piece spans it: open() on the new piece. */
static void m_split(struct model *m, struct m_att *a, unsigned q, int32_t pid)
{
	if (q == 0 || q >= a->npages || !(a->mapped >> q & 1) || !(a->mapped >> (q - 1) & 1) ||
	    (a->bound >> q & 1))
		return;
	a->bound |= 1u << q;
	m_opened(m, &m->seg[a->seg], 1, pid);
}

/* Unmap pages [s, e) of attachment a (relative pages, clipped). */
static void m_unmap_pages(struct model *m, struct m_att *a, unsigned s, unsigned e, int32_t pid)
{
	unsigned before, after;
	uint32_t range;

	e = e > a->npages ? a->npages : e;
	if (s >= e)
		return;
	m_split(m, a, s, pid);
	m_split(m, a, e, pid);
	before = m_pieces(a);
	range = (e - s >= 32 ? ~0u : ((1u << (e - s)) - 1)) << s;
	a->mapped &= ~range;
	a->bound &= ~range;
	after = m_pieces(a);
	m_closed(m, &m->seg[a->seg], before - after, pid);
	if (!a->mapped)
		a->used = false;
}

/* Unmap [addr, addr + len) from every attachment of a process. */
static void m_unmap_range(struct model *m, struct m_proc *p, uintptr_t addr, uintptr_t len)
{
	for (int i = 0; i < NATT; i++) {
		struct m_att *a = &p->att[i];
		uintptr_t end = a->base + (uintptr_t)a->npages * P;

		if (!a->used || addr >= end || addr + len <= a->base)
			continue;
		m_unmap_pages(m, a, addr > a->base ? (unsigned)((addr - a->base) / P) : 0,
			      (unsigned)((MIN(addr + len, end) - a->base) / P), p->fp.c.pid);
	}
}

static bool m_overlaps(const struct m_proc *p, uintptr_t addr, uintptr_t len)
{
	for (int i = 0; i < NATT; i++) {
		const struct m_att *a = &p->att[i];

		if (!a->used)
			continue;
		for (unsigned pg = 0; pg < a->npages; pg++) {
			uintptr_t va = a->base + pg * P;

			if ((a->mapped >> pg & 1) && va < addr + len && va + P > addr)
				return true;
		}
	}
	return false;
}

static struct m_att *m_free_att(struct m_proc *p)
{
	for (int i = 0; i < NATT; i++)
		if (!p->att[i].used)
			return &p->att[i];
	return NULL;
}

/* A random attachment of p, or NULL. */
static struct m_att *m_pick_att(struct m_proc *p, uint64_t *r)
{
	int n = 0, k;

	for (int i = 0; i < NATT; i++)
		n += p->att[i].used;
	if (!n)
		return NULL;
	k = (int)take(r, (unsigned)n);
	for (int i = 0; i < NATT; i++)
		if (p->att[i].used && k-- == 0)
			return &p->att[i];
	return NULL;
}

/* A random mapped page of a, or -1. */
static int m_pick_page(const struct m_att *a, uint64_t *r)
{
	unsigned pg = take(r, a->npages);

	for (unsigned i = 0; i < a->npages; i++, pg = (pg + 1) % a->npages)
		if (a->mapped >> pg & 1)
			return (int)pg;
	return -1;
}

/* An id to use: a live one, a stale one, a removed one, or -1. */
static int m_pick_id(struct model *m, uint64_t *r)
{
	int k = (int)take(r, NSEG), kind = (int)take(r, 9);

	kind = kind > 4 ? 0 : kind; /* mostly live ones */

	for (int i = 0; i < NSEG; i++) {
		struct m_seg *s = &m->seg[(k + i) % NSEG];

		if (kind == 0 && s->live)
			return s->id;
		if (kind == 1 && s->live)
			return s->id + 32768;
		if (kind == 2 && !s->live && s->id >= 0)
			return s->id;
		if (kind == 3 && s->live)
			return s->id % 32768;
	}
	return kind == 4 ? -1 : 5;
}

static void m_spawn(struct model *m, struct m_proc *p, unsigned profile)
{
	memset(p, 0, sizeof(*p));
	p->alive = true;
	p->serial = ++m->serials;
	fake_proc_init(&p->fp, (int32_t)(1000 + p->serial), profiles[profile].uid,
		       profiles[profile].gid);
	p->fp.c.caps = profiles[profile].caps;
	p->fp.c.memlock_limit = profiles[profile].memlock;
	if (profiles[profile].group) {
		p->fp.groups[0] = profiles[profile].group;
		p->fp.c.ngroups = 1;
	}
}

static void op_get(struct model *m, struct m_proc *p, uint64_t *r)
{
	static const size_t sizes[] = {0, 1, P - 1, P, P + 1, 3 * P, 5 * P, 8 * P, 9 * P};
	static const int modes[] = {0600, 0640, 0666, 0604, 0, 0777, 0400, 0660};
	int32_t key = (int32_t)take(r, 4);
	size_t size = sizes[take(r, ARRAY_SIZE(sizes))];
	int flags = modes[take(r, ARRAY_SIZE(modes))] | (take(r, 4) ? IPC_CREAT : 0) |
		    (take(r, 3) ? 0 : IPC_EXCL);
	struct m_seg *s = NULL, *n = NULL;
	int want, got, idx = -1;
	unsigned seq = 0;

	snprintf(m->what, sizeof(m->what), "get pid %d key %d size %zu flags %#o", p->fp.c.pid, key,
		 size, flags);
	if (m_live(m) == NSEG)
		return;
	for (int i = 0; key && i < NSEG; i++)
		if (m->seg[i].live && m->seg[i].key == key)
			s = &m->seg[i];
	if (s && (flags & IPC_CREAT) && (flags & IPC_EXCL))
		want = -EEXIST;
	else if (s && s->size < size)
		want = -EINVAL;
	else if (s && !m_perm(s, &p->fp.c, (unsigned)flags))
		want = -EACCES;
	else if (s)
		want = s->id;
	else if (key && !(flags & IPC_CREAT))
		want = -ENOENT;
	else if (size < 1 || size > m->lim.shmmax)
		want = -EINVAL;
	else if (m->tot + (size + P - 1) / P > m->lim.shmall ||
		 m->in_use >= (int)MIN(m->lim.shmmni, (unsigned long)IDS))
		want = -ENOSPC;
	else
		want = m_next_id(m, &idx, &seq);
	got = p_get(m->ns, &p->fp, key, size, flags);
	m_count(m, got);
	EXPECT(m, got, want);
	if (idx < 0)
		return;
	for (int i = 0; i < NSEG && !n; i++)
		if (!m->seg[i].live)
			n = &m->seg[i];
	*n = (struct m_seg){.live = true, .id = got, .key = key, .size = size,
			    .npages = (unsigned)((size + P - 1) / P), .mode = (unsigned)flags & 0777,
			    .uid = p->fp.c.euid, .cuid = p->fp.c.euid, .gid = p->fp.c.egid,
			    .cgid = p->fp.c.egid, .cpid = p->fp.c.pid, .ctime = m->now,
			    .creator = p->serial};
	m->used[idx] = true;
	m->in_use++;
	m->next_idx = idx + 1;
	m->last_idx = idx;
	m->seq = seq;
	m->tot += n->npages;
}

/* shmat's expected result, with no side effect; *fixed_at is the address for a fixed one. */
static int m_at_expect(struct model *m, struct m_proc *p, int id, uintptr_t addr, int flags,
		       struct m_seg **sp, uintptr_t *fixed_at, bool *fixed)
{
	unsigned want = flags & SHM_RDONLY ? 0444 : 0666;
	struct m_seg *s;
	uintptr_t len;

	*fixed = false;
	*sp = NULL;
	if (id < 0)
		return -EINVAL;
	if (addr) {
		if (addr & (P - 1)) {
			if (!(flags & SHM_RND))
				return -EINVAL;
			addr &= ~(uintptr_t)(P - 1);
			if (!addr && (flags & SHM_REMAP))
				return -EINVAL;
		}
		*fixed = true;
	} else if (flags & SHM_REMAP) {
		return -EINVAL;
	}
	*fixed_at = addr;
	s = m_by_id(m, id);
	if (!s)
		return -EINVAL;
	if (!m_perm(s, &p->fp.c, want | (flags & SHM_EXEC ? 0111 : 0)))
		return -EACCES;
	*sp = s; /* from here on a failure still takes and gives back counts */
	len = (uintptr_t)s->npages * P;
	if (*fixed && !(flags & SHM_REMAP) && addr && m_overlaps(p, addr, s->size))
		return -EINVAL;
	if (*fixed && (len > FAKE_USER_TOP - FAKE_USER_BASE || addr > FAKE_USER_TOP - len))
		return -ENOMEM;
	if (*fixed && addr < FAKE_USER_BASE)
		return -EPERM;
	return 0;
}

static void op_at(struct model *m, struct m_proc *p, uint64_t *r)
{
	static const int flagbits[] = {0, 0, 0, SHM_RDONLY, SHM_RND, SHM_RDONLY | SHM_EXEC, SHM_EXEC,
				       SHM_REMAP, SHM_REMAP | SHM_RND, SHM_RDONLY | SHM_REMAP};
	int id = m_pick_id(m, r), flags = flagbits[take(r, ARRAY_SIZE(flagbits))];
	unsigned k = take(r, WINPAGES), where = take(r, 10);
	uintptr_t addrs[] = {0, 0, 0, 0, WIN + k * P, WIN + k * P, WIN + k * P + 5,
			     FAKE_USER_TOP - (k % 4 + 1) * P, FAKE_USER_BASE - P, 7};
	uintptr_t addr = addrs[where], at = 0;
	struct m_att *a = m_free_att(p);
	struct m_seg *s;
	bool fixed;
	intptr_t got;
	int want;

	snprintf(m->what, sizeof(m->what), "at pid %d id %d addr %#lx flags %#o", p->fp.c.pid, id,
		 (unsigned long)addr, flags);
	if (!a)
		return;
	want = m_at_expect(m, p, id, addr, flags, &s, &at, &fixed);
	got = p_at(m->ns, &p->fp, id, addr, flags);
	m_count(m, got);
	if (want < 0) {
		EXPECT(m, got, want);
		if (s) /* the pin taken and given back: with rmid_forced that may destroy */
			s->dropped = true;
		return;
	}
	if (fixed)
		EXPECT(m, got, at);
	if (got <= 0 || (got & (P - 1)) || (uintptr_t)got < FAKE_USER_BASE)
		fail(m, __LINE__, "attach address %#lx", (unsigned long)got);
	if (flags & SHM_REMAP)
		m_unmap_range(m, p, (uintptr_t)got, (uintptr_t)s->npages * P);
	else if (m_overlaps(p, (uintptr_t)got, s->size))
		fail(m, __LINE__, "attached over a mapping at %#lx", (unsigned long)got);
	*a = (struct m_att){.used = true, .seg = (int)(s - m->seg), .base = (uintptr_t)got,
			    .npages = s->npages, .mapped = (1u << s->npages) - 1,
			    .ro = flags & SHM_RDONLY ? (1u << s->npages) - 1 : 0};
	m_opened(m, s, 1, p->fp.c.pid);
}

static void op_dt(struct model *m, struct m_proc *p, uint64_t *r)
{
	struct m_att *a = m_pick_att(p, r), *first = NULL;
	unsigned how = take(r, 6); /* mostly an attachment's start */
	uintptr_t addr = WIN + take(r, WINPAGES) * P, firstva = 0;

	if (a && how < 5)
		addr = a->base + (how == 3 ? P : how == 4 ? 3 : 0);
	snprintf(m->what, sizeof(m->what), "dt pid %d addr %#lx", p->fp.c.pid, (unsigned long)addr);
	for (int i = 0; i < NATT && !(addr & (P - 1)); i++) {
		struct m_att *c = &p->att[i];

		if (!c->used || c->base != addr)
			continue;
		for (unsigned pg = 0; pg < c->npages; pg++) {
			if ((c->mapped >> pg & 1) && (!first || c->base + pg * P < firstva)) {
				first = c;
				firstva = c->base + pg * P;
			}
		}
	}
	int got = p_dt(m->ns, &p->fp, addr);

	m_count(m, got);
	EXPECT(m, got, first ? 0 : -EINVAL);
	if (!first)
		return;
	int seg = first->seg;
	for (int i = 0; i < NATT; i++) {
		struct m_att *c = &p->att[i];

		if (c->used && c->base == addr && c->seg == seg)
			m_unmap_pages(m, c, 0, c->npages, p->fp.c.pid);
	}
}

static void m_fill_stat(const struct m_seg *s, struct shmid64_ds *ds)
{
	memset(ds, 0, sizeof(*ds));
	ds->shm_perm = (struct ipc64_perm){.key = s->key, .uid = s->uid, .gid = s->gid,
					   .cuid = s->cuid, .cgid = s->cgid, .mode = s->mode,
					   .seq = (uint16_t)(s->id / 32768)};
	ds->shm_segsz = s->size;
	ds->shm_atime = (long)s->atime;
	ds->shm_dtime = (long)s->dtime;
	ds->shm_ctime = (long)s->ctime;
	ds->shm_cpid = s->cpid;
	ds->shm_lpid = s->lpid;
	ds->shm_nattch = s->nattch;
}

static void m_expect_stat(struct model *m, const struct m_seg *s, const struct shmid64_ds *got)
{
	struct shmid64_ds want;

	m_fill_stat(s, &want);
	EXPECT(m, got->shm_perm.key, want.shm_perm.key);
	EXPECT(m, got->shm_perm.uid, want.shm_perm.uid);
	EXPECT(m, got->shm_perm.gid, want.shm_perm.gid);
	EXPECT(m, got->shm_perm.cuid, want.shm_perm.cuid);
	EXPECT(m, got->shm_perm.cgid, want.shm_perm.cgid);
	EXPECT(m, got->shm_perm.mode, want.shm_perm.mode);
	EXPECT(m, got->shm_perm.seq, want.shm_perm.seq);
	EXPECT(m, got->shm_segsz, want.shm_segsz);
	EXPECT(m, got->shm_atime, want.shm_atime);
	EXPECT(m, got->shm_dtime, want.shm_dtime);
	EXPECT(m, got->shm_ctime, want.shm_ctime);
	EXPECT(m, got->shm_cpid, want.shm_cpid);
	EXPECT(m, got->shm_lpid, want.shm_lpid);
	EXPECT(m, got->shm_nattch, want.shm_nattch);
	if (memcmp(got, &want, sizeof(want)))
		fail(m, __LINE__, "padding or unused fields differ");
}

static void op_ctl(struct model *m, struct m_proc *p, uint64_t *r)
{
	static const int cmds[] = {IPC_STAT, SHM_STAT, SHM_STAT_ANY, IPC_SET, IPC_RMID, IPC_INFO,
				   SHM_INFO, SHM_LOCK, SHM_UNLOCK, 99, -1};
	static const uint32_t ids[] = {0, 1000, 2000, (uint32_t)-1};
	int cmd = cmds[take(r, ARRAY_SIZE(cmds))], id = m_pick_id(m, r), want = 0, got;
	union {
		struct shmid64_ds ds;
		struct shminfo64 info;
		struct shm_info usage;
	} b;
	const struct shm_caller *c = &p->fp.c;
	struct m_seg *s = id < 0 ? NULL : cmd == SHM_STAT || cmd == SHM_STAT_ANY ? m_by_idx(m, id % 32768)
									  : m_by_id(m, id);

	memset(&b, 0, sizeof(b));
	b.ds.shm_perm.uid = ids[take(r, 4)];
	b.ds.shm_perm.gid = ids[take(r, 4)];
	b.ds.shm_perm.mode = take(r, 010000);
	snprintf(m->what, sizeof(m->what), "ctl pid %d id %d cmd %d", p->fp.c.pid, id, cmd);
	got = p_ctl(m->ns, &p->fp, id, cmd, &b);
	m_count(m, got);
	if (cmd < 0 || id < 0 || cmd == 99) {
		EXPECT(m, got, -EINVAL);
		return;
	}
	if (cmd == IPC_INFO || cmd == SHM_INFO) {
		EXPECT(m, got, m_max_idx(m));
		if (cmd == IPC_INFO) {
			EXPECT(m, b.info.shmmni, m->lim.shmmni);
			EXPECT(m, b.info.shmmax, m->lim.shmmax);
			EXPECT(m, b.info.shmall, m->lim.shmall);
		} else {
			EXPECT(m, b.usage.used_ids, m->in_use);
			EXPECT(m, b.usage.shm_tot, m->tot);
		}
		return;
	}
	if (!s)
		want = -EINVAL;
	else if ((cmd == IPC_STAT || cmd == SHM_STAT) && !m_perm(s, c, 0444))
		want = -EACCES;
	else if ((cmd == IPC_SET || cmd == IPC_RMID) && !m_owner(s, c) && !(c->caps & SHM_CAP_SYS_ADMIN))
		want = -EPERM;
	else if ((cmd == SHM_LOCK || cmd == SHM_UNLOCK) && !(c->caps & SHM_CAP_IPC_LOCK) &&
		 (!m_owner(s, c) || (cmd == SHM_LOCK && !c->memlock_limit)))
		want = -EPERM;
	else if (cmd == IPC_SET && (b.ds.shm_perm.uid == (uint32_t)-1 || b.ds.shm_perm.gid == (uint32_t)-1))
		want = -EINVAL;
	else if (cmd == SHM_STAT || cmd == SHM_STAT_ANY)
		want = s->id;
	EXPECT(m, got, want);
	if (want < 0)
		return;
	switch (cmd) {
	case IPC_STAT:
	case SHM_STAT:
	case SHM_STAT_ANY:
		m_expect_stat(m, s, &b.ds);
		break;
	case IPC_SET:
		s->uid = b.ds.shm_perm.uid;
		s->gid = b.ds.shm_perm.gid;
		s->mode = (s->mode & ~0777u) | (b.ds.shm_perm.mode & 0777u);
		s->ctime = m->now;
		break;
	case IPC_RMID:
		if (s->nattch) {
			s->mode |= SHM_DEST;
			s->key = IPC_PRIVATE;
		} else {
			m_destroy(m, s);
		}
		break;
	case SHM_LOCK:
		s->mode |= SHM_LOCKED;
		break;
	default:
		s->mode &= ~(uint32_t)SHM_LOCKED;
		break;
	}
}

static void op_touch(struct model *m, struct m_proc *p, uint64_t *r)
{
	struct m_att *a = m_pick_att(p, r);
	int pg = a ? m_pick_page(a, r) : -1;
	bool write = take(r, 2);
	uint8_t v = (uint8_t)take(r, 256), got = 0;
	struct m_seg *s;
	uintptr_t va;

	if (pg < 0)
		return;
	s = &m->seg[a->seg];
	va = a->base + (uintptr_t)pg * P + OFF;
	snprintf(m->what, sizeof(m->what), "%s pid %d va %#lx", write ? "write" : "read",
		 p->fp.c.pid, (unsigned long)va);
	if (write && (a->ro >> pg & 1)) {
		EXPECT(m, p_poke(&p->fp, va, v), -EFAULT);
		return;
	}
	if (write) {
		EXPECT(m, p_poke(&p->fp, va, v), 0);
		s->data[pg] = v;
	} else {
		EXPECT(m, p_peek(&p->fp, va, &got), 0);
		EXPECT(m, got, s->data[pg]);
	}
	s->touched |= 1u << pg;
}

/* mprotect or munmap of one page of an attachment. */
static void op_split(struct model *m, struct m_proc *p, uint64_t *r, bool unmap)
{
	struct m_att *a = m_pick_att(p, r);
	int pg = a ? m_pick_page(a, r) : -1;
	uintptr_t va;

	if (pg < 0)
		return;
	va = a->base + (uintptr_t)pg * P;
	snprintf(m->what, sizeof(m->what), "%s pid %d va %#lx", unmap ? "munmap" : "mprotect",
		 p->fp.c.pid, (unsigned long)va);
	fake_set_pid(p->fp.c.pid);
	if (unmap) {
		EXPECT(m, as_unmap(p->fp.c.as, va, P), 0);
		m_unmap_pages(m, a, (unsigned)pg, (unsigned)pg + 1, p->fp.c.pid);
	} else {
		EXPECT(m, as_protect(p->fp.c.as, va, P, AS_PROT_READ | AS_PROT_USER), 0);
		m_split(m, a, (unsigned)pg, p->fp.c.pid);
		m_split(m, a, (unsigned)pg + 1, p->fp.c.pid);
		a->ro |= 1u << pg;
	}
}

static void op_fork(struct model *m, struct m_proc *p)
{
	struct m_proc *c = NULL;

	for (int i = 0; i < NPROC && !c; i++)
		if (!m->proc[i].alive)
			c = &m->proc[i];
	if (!c)
		return;
	snprintf(m->what, sizeof(m->what), "fork pid %d", p->fp.c.pid);
	c->alive = true;
	c->serial = ++m->serials;
	memcpy(c->att, p->att, sizeof(c->att));
	fake_proc_fork(&c->fp, &p->fp, (int32_t)(1000 + c->serial));
	for (int i = 0; i < NATT; i++)
		if (c->att[i].used)
			m_opened(m, &m->seg[c->att[i].seg], m_pieces(&c->att[i]), p->fp.c.pid);
}

/* Exit (or exec, which keeps the process): every attachment goes. */
static void op_exit(struct model *m, struct m_proc *p, bool exec)
{
	snprintf(m->what, sizeof(m->what), "%s pid %d", exec ? "exec" : "exit", p->fp.c.pid);
	for (int i = 0; i < NATT; i++)
		if (p->att[i].used)
			m_unmap_pages(m, &p->att[i], 0, p->att[i].npages, p->fp.c.pid);
	if (exec) {
		fake_proc_exec(&p->fp);
		return;
	}
	fake_proc_exit(m->ns, &p->fp);
	m_settle(m); /* the space goes before the creator records are looked at */
	for (int i = 0; i < NSEG; i++) {
		struct m_seg *s = &m->seg[i];

		if (!s->live || s->creator != p->serial)
			continue;
		s->creator = 0;
		s->orphan = true;
		if (m_may_destroy(m, s))
			m_destroy(m, s);
	}
	p->alive = false;
}

static void op_limits(struct model *m, uint64_t *r)
{
	static const unsigned long mni[] = {3, 6, 4096}, all[] = {12, 64, 100000};
	bool was_forced = m->lim.rmid_forced;

	switch (take(r, 4)) {
	case 0:
		m->lim.rmid_forced = !m->lim.rmid_forced;
		break;
	case 1:
		m->lim.shmmni = mni[take(r, 3)];
		break;
	case 2:
		m->lim.shmall = all[take(r, 3)];
		break;
	default:
		m->lim.shmmax = take(r, 2) ? 3 * P : 8 * P;
		break;
	}
	snprintf(m->what, sizeof(m->what), "limits mni %lu all %lu max %lu forced %d",
		 m->lim.shmmni, m->lim.shmall, m->lim.shmmax, m->lim.rmid_forced);
	EXPECT(m, shm_ns_set_limits(m->ns, &m->lim), 0);
	for (int i = 0; i < NSEG && m->lim.rmid_forced && !was_forced; i++)
		if (m->seg[i].live && m->seg[i].orphan && m->seg[i].nattch == 0)
			m_destroy(m, &m->seg[i]);
}

/* Every segment as the model sees it, and the totals. */
static void m_check_all(struct model *m)
{
	struct shm_caller root = {.caps = ALL_CAPS};
	unsigned long rss = 0;
	struct shm_info usage;

	for (int i = 0; i < NSEG; i++) {
		struct m_seg *s = &m->seg[i];
		struct shmid64_ds ds;
		unsigned long pieces = 0;

		if (!s->live) {
			if (s->id >= 0)
				EXPECT(m, shm_ctl(m->ns, &root, s->id, IPC_STAT, &ds), -EINVAL);
			continue;
		}
		for (int p = 0; p < NPROC; p++)
			for (int a = 0; a < NATT; a++)
				if (m->proc[p].alive && m->proc[p].att[a].used && m->proc[p].att[a].seg == i)
					pieces += m_pieces(&m->proc[p].att[a]);
		if (pieces != s->nattch)
			fail(m, __LINE__, "model inconsistent: %lu pieces, nattch %lu", pieces, s->nattch);
		EXPECT(m, shm_ctl(m->ns, &root, s->id, IPC_STAT, &ds), 0);
		m_expect_stat(m, s, &ds);
		rss += (unsigned long)__builtin_popcount(s->touched);
	}
	EXPECT(m, shm_ctl(m->ns, &root, 0, SHM_INFO, &usage), m_max_idx(m));
	EXPECT(m, usage.used_ids, m->in_use);
	EXPECT(m, usage.shm_tot, m->tot);
	EXPECT(m, usage.shm_rss, rss);
}

struct model *model_new(void)
{
	struct model *m = calloc(1, sizeof(*m));

	if (!m)
		abort();
	shm_default_limits(&m->lim);
	m->lim.shmmax = 8 * P;
	m->lim.shmmni = 6;
	m->lim.shmall = 64;
	m->ns = fake_ns(&m->lim);
	m->last_idx = -1;
	m->now = 1000;
	for (int i = 0; i < NSEG; i++)
		m->seg[i].id = -1;
	for (int i = 0; i < NPROC; i++)
		m_spawn(m, &m->proc[i], (unsigned)i);
	return m;
}

void model_step(struct model *m, uint64_t r)
{
	struct m_proc *p = &m->proc[take(&r, NPROC)];
	unsigned op = take(&r, 17);

	fake_set_time(++m->now);
	m->st.ops++;
	if (!p->alive) {
		m_spawn(m, p, take(&r, ARRAY_SIZE(profiles)));
		return;
	}
	if (op < 3)
		op_get(m, p, &r);
	else if (op < 6)
		op_at(m, p, &r);
	else if (op < 8)
		op_dt(m, p, &r);
	else if (op < 10)
		op_ctl(m, p, &r);
	else if (op == 10)
		op_touch(m, p, &r);
	else if (op == 11 || op == 12)
		op_split(m, p, &r, op == 12);
	else if (op == 13)
		op_fork(m, p);
	else if (op == 14)
		op_exit(m, p, false);
	else if (op == 15)
		op_exit(m, p, true);
	else
		op_limits(m, &r);
	m_settle(m);
	m_check_all(m);
}

struct model_stats model_stats(const struct model *m)
{
	return m->st;
}

void model_free(struct model *m)
{
	for (int i = 0; i < NPROC; i++)
		if (m->proc[i].alive)
			fake_proc_exit(m->ns, &m->proc[i].fp);
	shm_ns_destroy(m->ns);
	if (!fake_all_clean()) {
		fprintf(stderr, "model: resources left after %lu ops\n", m->st.ops);
		abort();
	}
	free(m);
}
