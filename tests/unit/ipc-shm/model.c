/*
 * The reference model and its driver (see model.h). The model knows Linux's
 * rules, not ipc-shm's code: segments are records in an array, ids come
 * from a naive rendering of Linux's cyclic allocation, and each attachment
 * is a page bitmap plus the places it was split, so its number of pieces
 * (areas, what nattch counts) is a count of runs. Every operation is
 * applied to both, results compared, then every segment's IPC_STAT and the
 * SHM_INFO totals compared with the model.
 */
#include "model_internal.h"
#include <klib/errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct m_profile profiles[] = {
    {0, 0, 0, ALL_CAPS, 0},
    {1000, 1000, 0, 0, 1ul << 20},
    {1001, 1000, 0, 0, 0},
    {2000, 2000, 1000, 0, 1ul << 20},
};

void fail(struct model *m, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "model mismatch (%s:%d) at op %lu [%s]: ", file, line, m->st.ops, m->what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* A mixed-radix reader over the operation's 64 random bits. */
unsigned take(uint64_t *r, unsigned n)
{
	unsigned v = (unsigned)(*r % n);

	*r /= n;
	return v;
}

/* Ids: Linux's idr_alloc_cyclic + ipc_idr_alloc, naively. */
int m_next_id(struct model *m, int *idx_out, unsigned *seq_out)
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

int m_max_idx(const struct model *m)
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

struct m_seg *m_by_id(struct model *m, int id)
{
	for (int i = 0; i < NSEG; i++)
		if (m->seg[i].live && m->seg[i].id == id)
			return &m->seg[i];
	return NULL;
}

struct m_seg *m_by_idx(struct model *m, int idx)
{
	for (int i = 0; i < NSEG; i++)
		if (m->seg[i].live && m->seg[i].id % 32768 == idx)
			return &m->seg[i];
	return NULL;
}

unsigned m_live(const struct model *m)
{
	unsigned n = 0;

	for (int i = 0; i < NSEG; i++)
		n += m->seg[i].live;
	return n;
}

void m_count(struct model *m, long result)
{
	if (result < 0)
		m->st.errors++;
	else
		m->st.ok++;
}

unsigned long *m_locked(struct model *m, uint32_t uid)
{
	for (unsigned i = 0; i < 8; i++)
		if (m->locked[i].pages && m->locked[i].uid == uid)
			return &m->locked[i].pages;
	for (unsigned i = 0; i < 8; i++)
		if (!m->locked[i].pages) {
			m->locked[i].uid = uid;
			return &m->locked[i].pages;
		}
	abort(); /* more uids than the profiles have */
}

void m_unlock_charge(struct model *m, struct m_seg *s)
{
	if (s->lock_charged)
		*m_locked(m, s->lock_uid) -= s->npages;
	s->lock_charged = false;
}

void m_destroy(struct model *m, struct m_seg *s)
{
	m_unlock_charge(m, s);
	s->live = false;
	m->used[s->id % 32768] = false;
	m->in_use--;
	m->tot -= s->npages;
	m->st.destroyed++;
}

bool m_may_destroy(const struct model *m, const struct m_seg *s)
{
	return s->nattch == 0 && (m->lim.rmid_forced || (s->mode & SHM_DEST));
}

/* After an operation: segments that lost their last count and may go, go. */
void m_settle(struct model *m)
{
	for (int i = 0; i < NSEG; i++) {
		struct m_seg *s = &m->seg[i];

		if (s->live && s->dropped && m_may_destroy(m, s))
			m_destroy(m, s);
		s->dropped = false;
	}
}

/* ipcperms. */
bool m_perm(const struct m_seg *s, const struct shm_caller *c, unsigned flag)
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

bool m_owner(const struct m_seg *s, const struct shm_caller *c)
{
	return c->euid == s->uid || c->euid == s->cuid;
}

/* Pieces (areas) of an attachment: runs of mapped pages, also cut where split. */
unsigned m_pieces(const struct m_att *a)
{
	unsigned n = 0;

	for (unsigned p = 0; p < a->npages; p++)
		if ((a->mapped >> p & 1) &&
		    (p == 0 || !(a->mapped >> (p - 1) & 1) || (a->bound >> p & 1)))
			n++;
	return n;
}

/* Attach counts given and taken: stamps as Linux's shm_open and shm_close. */
void m_opened(struct model *m, struct m_seg *s, unsigned n, int32_t pid)
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
void m_split(struct model *m, struct m_att *a, unsigned q, int32_t pid)
{
	if (q == 0 || q >= a->npages || !(a->mapped >> q & 1) || !(a->mapped >> (q - 1) & 1) ||
	    (a->bound >> q & 1))
		return;
	a->bound |= 1u << q;
	m_opened(m, &m->seg[a->seg], 1, pid);
}

/* Unmap pages [s, e) of attachment a (relative pages, clipped). */
void m_unmap_pages(struct model *m, struct m_att *a, unsigned s, unsigned e, int32_t pid)
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
void m_unmap_range(struct model *m, struct m_proc *p, uintptr_t addr, uintptr_t len)
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

bool m_overlaps(const struct m_proc *p, uintptr_t addr, uintptr_t len)
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

struct m_att *m_free_att(struct m_proc *p)
{
	for (int i = 0; i < NATT; i++)
		if (!p->att[i].used)
			return &p->att[i];
	return NULL;
}

/* A random attachment of p, or NULL. */
struct m_att *m_pick_att(struct m_proc *p, uint64_t *r)
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
int m_pick_page(const struct m_att *a, uint64_t *r)
{
	unsigned pg = take(r, a->npages);

	for (unsigned i = 0; i < a->npages; i++, pg = (pg + 1) % a->npages)
		if (a->mapped >> pg & 1)
			return (int)pg;
	return -1;
}

/* An id to use: a live one, a stale one, a removed one, or -1. */
int m_pick_id(struct model *m, uint64_t *r)
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
	p->fp.c.uid = profiles[profile].uid;
	if (profiles[profile].group) {
		p->fp.groups[0] = profiles[profile].group;
		p->fp.c.ngroups = 1;
	}
}

static void m_fill_stat(const struct m_seg *s, struct shmid64_ds *ds)
{
	memset(ds, 0, sizeof(*ds));
	ds->shm_perm = (struct ipc64_perm){.key = s->key,
	                                   .uid = s->uid,
	                                   .gid = s->gid,
	                                   .cuid = s->cuid,
	                                   .cgid = s->cgid,
	                                   .mode = s->mode,
	                                   .seq = (uint16_t)(s->id / 32768)};
	ds->shm_segsz = s->size;
	ds->shm_atime = (long)s->atime;
	ds->shm_dtime = (long)s->dtime;
	ds->shm_ctime = (long)s->ctime;
	ds->shm_cpid = s->cpid;
	ds->shm_lpid = s->lpid;
	ds->shm_nattch = s->nattch;
}

void m_expect_stat(struct model *m, const struct m_seg *s, const struct shmid64_ds *got)
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
		fail(m, __FILE__, __LINE__, "padding or unused fields differ");
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
				if (m->proc[p].alive && m->proc[p].att[a].used &&
				    m->proc[p].att[a].seg == i)
					pieces += m_pieces(&m->proc[p].att[a]);
		if (pieces != s->nattch)
			fail(m, __FILE__, __LINE__, "model inconsistent: %lu pieces, nattch %lu",
			     pieces, s->nattch);
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
	shm_ns_put(m->ns);
	if (!fake_all_clean()) {
		fprintf(stderr, "model: resources left after %lu ops\n", m->st.ops);
		abort();
	}
	free(m);
}
