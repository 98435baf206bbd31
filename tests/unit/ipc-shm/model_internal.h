/*
 * The reference model's state and helpers, shared by model.c (the model's
 * rules, checks and driver) and model_ops.c (the operations).
 */
#ifndef IPC_SHM_TEST_MODEL_INTERNAL_H
#define IPC_SHM_TEST_MODEL_INTERNAL_H

#include "model.h"
#include "fake.h"

#define P        PAGE_SIZE
#define NPROC    4
#define NSEG     48
#define NATT     16
#define MAXPG    8
#define IDS      CONFIG_IPC_SHM_IDS
#define WIN      (FAKE_USER_BASE + 0x40000) /* explicit attach addresses: WIN + k pages */
#define WINPAGES 24
#define OFF      17 /* the byte of each page that is written and read */
#define ALL_CAPS (SHM_CAP_IPC_OWNER | SHM_CAP_SYS_ADMIN | SHM_CAP_IPC_LOCK)

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
	bool dropped;      /* lost attach counts in this operation */
	bool lock_charged; /* SHM_LOCK charged lock_uid's locked pages */
	uint32_t lock_uid;
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
	struct {
		uint32_t uid;
		unsigned long pages;
	} locked[8]; /* pages locked per real uid (Linux's user_shm_lock) */
};

/* The locked-page count of a uid (a new slot at 0 if it has none). */
unsigned long *m_locked(struct model *m, uint32_t uid);
void m_unlock_charge(struct model *m, struct m_seg *s);

struct m_profile {
	uint32_t uid, gid, group;
	unsigned caps;
	unsigned long memlock;
};
extern const struct m_profile profiles[4];

#define EXPECT(m, got, want)                                                                       \
	do {                                                                                       \
		long long g_ = (long long)(got), w_ = (long long)(want);                           \
		if (g_ != w_)                                                                      \
			fail(m, __FILE__, __LINE__, "%s is %lld, expected %lld", #got, g_, w_);    \
	} while (0)

void fail(struct model *m, const char *file, int line, const char *fmt, ...);
unsigned take(uint64_t *r, unsigned n);
int m_next_id(struct model *m, int *idx_out, unsigned *seq_out);
int m_max_idx(const struct model *m);
struct m_seg *m_by_id(struct model *m, int id);
struct m_seg *m_by_idx(struct model *m, int idx);
unsigned m_live(const struct model *m);
void m_count(struct model *m, long result);
void m_destroy(struct model *m, struct m_seg *s);
bool m_may_destroy(const struct model *m, const struct m_seg *s);
void m_settle(struct model *m);
bool m_perm(const struct m_seg *s, const struct shm_caller *c, unsigned flag);
bool m_owner(const struct m_seg *s, const struct shm_caller *c);
unsigned m_pieces(const struct m_att *a);
void m_opened(struct model *m, struct m_seg *s, unsigned n, int32_t pid);
void m_split(struct model *m, struct m_att *a, unsigned q, int32_t pid);
void m_unmap_pages(struct model *m, struct m_att *a, unsigned s, unsigned e, int32_t pid);
void m_unmap_range(struct model *m, struct m_proc *p, uintptr_t addr, uintptr_t len);
bool m_overlaps(const struct m_proc *p, uintptr_t addr, uintptr_t len);
struct m_att *m_free_att(struct m_proc *p);
struct m_att *m_pick_att(struct m_proc *p, uint64_t *r);
int m_pick_page(const struct m_att *a, uint64_t *r);
int m_pick_id(struct model *m, uint64_t *r);
void m_expect_stat(struct model *m, const struct m_seg *s, const struct shmid64_ds *got);
void op_get(struct model *m, struct m_proc *p, uint64_t *r);
void op_at(struct model *m, struct m_proc *p, uint64_t *r);
void op_dt(struct model *m, struct m_proc *p, uint64_t *r);
void op_ctl(struct model *m, struct m_proc *p, uint64_t *r);
void op_touch(struct model *m, struct m_proc *p, uint64_t *r);
void op_split(struct model *m, struct m_proc *p, uint64_t *r, bool unmap);
void op_fork(struct model *m, struct m_proc *p);
void op_exit(struct model *m, struct m_proc *p, bool exec);
void op_limits(struct model *m, uint64_t *r);

#endif
