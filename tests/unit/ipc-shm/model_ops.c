/*
 * The reference model's operations: each picks its arguments from the
 * random bits, works out Linux's answer from the model, makes the call and
 * compares, then updates the model.
 */
#include "model_internal.h"
#include <klib/errno.h>
#include <stdio.h>
#include <string.h>

void op_get(struct model *m, struct m_proc *p, uint64_t *r)
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
	*n = (struct m_seg){.live = true,
	                    .id = got,
	                    .key = key,
	                    .size = size,
	                    .npages = (unsigned)((size + P - 1) / P),
	                    .mode = (unsigned)flags & 0777,
	                    .uid = p->fp.c.euid,
	                    .cuid = p->fp.c.euid,
	                    .gid = p->fp.c.egid,
	                    .cgid = p->fp.c.egid,
	                    .cpid = p->fp.c.pid,
	                    .ctime = m->now,
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

void op_at(struct model *m, struct m_proc *p, uint64_t *r)
{
	static const int flagbits[] = {0,
	                               0,
	                               0,
	                               SHM_RDONLY,
	                               SHM_RND,
	                               SHM_RDONLY | SHM_EXEC,
	                               SHM_EXEC,
	                               SHM_REMAP,
	                               SHM_REMAP | SHM_RND,
	                               SHM_RDONLY | SHM_REMAP};
	int id = m_pick_id(m, r), flags = flagbits[take(r, ARRAY_SIZE(flagbits))];
	unsigned k = take(r, WINPAGES), where = take(r, 10);
	uintptr_t addrs[] = {0,
	                     0,
	                     0,
	                     0,
	                     WIN + k * P,
	                     WIN + k * P,
	                     WIN + k * P + 5,
	                     FAKE_USER_TOP - (k % 4 + 1) * P,
	                     FAKE_USER_BASE - P,
	                     7};
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
		fail(m, __FILE__, __LINE__, "attach address %#lx", (unsigned long)got);
	if (flags & SHM_REMAP)
		m_unmap_range(m, p, (uintptr_t)got, (uintptr_t)s->npages * P);
	else if (m_overlaps(p, (uintptr_t)got, s->size))
		fail(m, __FILE__, __LINE__, "attached over a mapping at %#lx", (unsigned long)got);
	*a = (struct m_att){.used = true,
	                    .seg = (int)(s - m->seg),
	                    .base = (uintptr_t)got,
	                    .npages = s->npages,
	                    .mapped = (1u << s->npages) - 1,
	                    .ro = flags & SHM_RDONLY ? (1u << s->npages) - 1 : 0};
	m_opened(m, s, 1, p->fp.c.pid);
}

void op_dt(struct model *m, struct m_proc *p, uint64_t *r)
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

void op_ctl(struct model *m, struct m_proc *p, uint64_t *r)
{
	static const int cmds[] = {IPC_STAT, SHM_STAT, SHM_STAT_ANY, IPC_SET, IPC_RMID, IPC_INFO,
	                           SHM_INFO, SHM_LOCK, SHM_UNLOCK,   99,      -1};
	static const uint32_t ids[] = {0, 1000, 2000, (uint32_t)-1};
	int cmd = cmds[take(r, ARRAY_SIZE(cmds))], id = m_pick_id(m, r), want = 0, got;
	union {
		struct shmid64_ds ds;
		struct shminfo64 info;
		struct shm_info usage;
	} b;
	const struct shm_caller *c = &p->fp.c;
	struct m_seg *s = id < 0                                   ? NULL
	                  : cmd == SHM_STAT || cmd == SHM_STAT_ANY ? m_by_idx(m, id % 32768)
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
	else if ((cmd == IPC_SET || cmd == IPC_RMID) && !m_owner(s, c) &&
	         !(c->caps & SHM_CAP_SYS_ADMIN))
		want = -EPERM;
	else if ((cmd == SHM_LOCK || cmd == SHM_UNLOCK) && !(c->caps & SHM_CAP_IPC_LOCK) &&
	         (!m_owner(s, c) || (cmd == SHM_LOCK && !c->memlock_limit)))
		want = -EPERM;
	else if (cmd == SHM_LOCK && !s->lock_charged && !(c->caps & SHM_CAP_IPC_LOCK) &&
	         *m_locked(m, c->uid) + s->npages >
	             (c->memlock_limit == ~0ul ? ~0ul : c->memlock_limit >> 12))
		want = -ENOMEM;
	else if (cmd == IPC_SET &&
	         (b.ds.shm_perm.uid == (uint32_t)-1 || b.ds.shm_perm.gid == (uint32_t)-1))
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
		if (!s->lock_charged) {
			*m_locked(m, c->uid) += s->npages;
			s->lock_charged = true;
			s->lock_uid = c->uid;
		}
		s->mode |= SHM_LOCKED;
		break;
	default:
		m_unlock_charge(m, s);
		s->mode &= ~(uint32_t)SHM_LOCKED;
		break;
	}
}

void op_touch(struct model *m, struct m_proc *p, uint64_t *r)
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
void op_split(struct model *m, struct m_proc *p, uint64_t *r, bool unmap)
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

void op_fork(struct model *m, struct m_proc *p)
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
void op_exit(struct model *m, struct m_proc *p, bool exec)
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

/* New limits: shmmni past the id table (4096 with a small one) is -EINVAL, and changes nothing. */
void op_limits(struct model *m, uint64_t *r)
{
	static const unsigned long mni[] = {3, 6, 4096}, all[] = {12, 64, 100000};
	bool was_forced = m->lim.rmid_forced;
	struct shm_limits old = m->lim;

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
	if (m->lim.shmmni > IDS) {
		EXPECT(m, shm_ns_set_limits(m->ns, &m->lim), -EINVAL);
		m->lim = old;
		return;
	}
	EXPECT(m, shm_ns_set_limits(m->ns, &m->lim), 0);
	for (int i = 0; i < NSEG && m->lim.rmid_forced && !was_forced; i++)
		if (m->seg[i].live && m->seg[i].orphan && m->seg[i].nattch == 0)
			m_destroy(m, &m->seg[i]);
}
