/*
 * ipc-shm over the real addr-space, paging and page-alloc: host memory as
 * RAM (mem_test.h), the unit tests' fake hal, pthread-mutex locks and the
 * realtime clock (host_ops.c). Where the other ipc-shm tests read the
 * addr-space contract through fakes, these run it.
 *
 * User accesses go the way the hardware takes them (support/user_access.h):
 * a walk of the Sv39 table from the root as_activate() installed, and on a
 * missing or forbidding entry a page fault through the hook as_init()
 * installed in the hal, then the retried access. So "a write through one
 * space is read through the other" means two walks of two tables reaching
 * one frame.
 *
 * Every test ends with everything gone: each space destroyed, the namespace
 * destroyed, no lock left, and page_free_count() exactly where it started
 * (page-alloc's heap holds no frame when idle, so this also shows every
 * kmalloc of ipc-shm and addr-space was freed).
 */
#include "kit_test.h"
#include "mem_test.h"
#include "host_ops.h"
#include "user_access.h"
#include <addr-space/addr_space.h>
#include <ipc-shm/shm.h>
#include <klib/errno.h>
#include <string.h>

#define P       PAGE_SIZE
#define RAM_MIB 16
#define UR      (AS_PROT_READ | AS_PROT_USER)
#define URW     (AS_PROT_READ | AS_PROT_WRITE | AS_PROT_USER)

struct proc {
	struct shm_caller c;
	struct shm_task task;
};

static struct shm_ns *ns;
static size_t free0;
static long locks0;
/*
 * What the CPU switches to before a space is destroyed (a space may not be
 * destroyed while active), as a kernel switches to its own table at exit.
 * Made after the reset of RAM and never destroyed (the next reset drops it).
 */
static struct addr_space *idle;

static int setup(void **state)
{
	(void)state;
	mem_test_ram(RAM_MIB);
	assert_int_equal(as_create(&idle), 0);
	as_activate(idle);
	as_init();
	free0 = page_free_count();
	locks0 = host_shm_locks_live();
	return shm_ns_create(&ns, NULL, &host_shm_ops);
}

static int teardown(void **state)
{
	(void)state;
	if (ns)
		shm_ns_destroy(ns);
	ns = NULL;
	assert_int_equal(host_shm_locks_live(), locks0);
	assert_int_equal(page_free_count(), free0);
	return 0;
}

static void proc_init(struct proc *p, int32_t pid, uint32_t uid)
{
	memset(p, 0, sizeof(*p));
	p->c.pid = pid;
	p->c.euid = p->c.egid = uid;
	assert_int_equal(as_create(&p->c.as), 0);
	shm_task_init(&p->task);
	p->c.task = &p->task;
}

/* fork(): as_fork runs in the parent, so open() stamps the parent's pid. */
static void proc_fork(struct proc *child, const struct proc *parent, int32_t pid)
{
	*child = *parent;
	child->c.pid = pid;
	host_shm_set_pid(parent->c.pid);
	assert_int_equal(as_fork(parent->c.as, &child->c.as), 0);
	shm_task_init(&child->task);
	child->c.task = &child->task;
}

/* exit(): the space goes (close() for every attachment), then the creator records. */
static void proc_exit(struct proc *p)
{
	host_shm_set_pid(p->c.pid);
	as_activate(idle);
	as_destroy(p->c.as);
	p->c.as = NULL;
	shm_task_exit(ns, &p->task);
}

static int p_get(struct proc *p, int32_t key, size_t size, int flags)
{
	host_shm_set_pid(p->c.pid);
	return shm_get(ns, &p->c, key, size, flags);
}

static uintptr_t p_at(struct proc *p, int id, uintptr_t addr, int flags)
{
	intptr_t a;

	host_shm_set_pid(p->c.pid);
	a = shm_at(ns, &p->c, id, addr, flags);
	assert_true(a > 0);
	return (uintptr_t)a;
}

static int p_dt(struct proc *p, uintptr_t addr)
{
	host_shm_set_pid(p->c.pid);
	return shm_dt(ns, &p->c, addr);
}

static struct shmid64_ds p_stat(int id)
{
	struct shm_caller root = {.pid = 1, .caps = SHM_CAP_IPC_OWNER};
	struct shmid64_ds ds;

	assert_int_equal(shm_ctl(ns, &root, id, IPC_STAT, &ds), 0);
	return ds;
}

static unsigned long nattch(int id)
{
	return p_stat(id).shm_nattch;
}

/* A user access by p, failing the test if it faults for good. */
static int user_access_by(struct proc *p, uintptr_t va, bool write, uint8_t *byte)
{
	int rc;

	host_shm_set_pid(p->c.pid);
	rc = user_access(p->c.as, va, write, byte);
	assert_int_not_equal(rc, -EAGAIN); /* resolved, yet the access still faults */
	return rc;
}

static int user_store(struct proc *p, uintptr_t va, uint8_t v)
{
	return user_access_by(p, va, true, &v);
}

static uint8_t user_load(struct proc *p, uintptr_t va)
{
	uint8_t v = 0xee;

	assert_int_equal(user_access_by(p, va, false, &v), 0);
	return v;
}

/* The frame behind va in p's table, by the hardware walk and by as_query, which must agree. */
static paddr_t frame_of(struct proc *p, uintptr_t va)
{
	paddr_t walked, queried;
	uint64_t pte;

	assert_int_equal(user_mmu_walk(p->c.as, va, &walked, &pte), 0);
	assert_int_equal(as_query(p->c.as, va, &queried, NULL), 0);
	assert_int_equal(walked, queried);
	return walked & ~(paddr_t)(P - 1);
}

static void test_two_spaces_share_one_segments_frames(void **state)
{
	struct proc a, b;
	char buf[6] = {0};
	uintptr_t va, vb, filler;
	int id;
	(void)state;

	proc_init(&a, 10, 1000);
	proc_init(&b, 20, 1000);
	id = p_get(&a, 0x1234, 3 * P + 100, IPC_CREAT | 0600);
	assert_true(id >= 0);
	assert_int_equal(p_get(&b, 0x1234, 0, 0), id);
	/* b attaches elsewhere, so the frames are shared, not the addresses. */
	assert_int_equal(as_map_anon(b.c.as, 0, 5 * P, URW, 0, &filler), 0);
	va = p_at(&a, id, 0, 0);
	vb = p_at(&b, id, 0, 0);
	assert_int_not_equal(va, vb);
	assert_int_equal(nattch(id), 2);
	/* Lazy: nothing is mapped, no frame taken, until the first touch. */
	assert_int_equal(as_query(a.c.as, va, NULL, NULL), -EFAULT);
	assert_int_equal(p_stat(id).shm_segsz, 3 * P + 100);

	assert_int_equal(user_store(&a, va + P + 7, 0x5a), 0);
	assert_int_equal(user_load(&b, vb + P + 7), 0x5a);
	assert_int_equal(user_load(&b, vb + 3 * P + 99), 0); /* the last, partial page reads zeros */
	assert_int_equal(user_store(&b, vb + 3 * P + 99, 0xa5), 0);
	assert_int_equal(user_load(&a, va + 3 * P + 99), 0xa5);
	assert_int_equal(frame_of(&a, va + P), frame_of(&b, vb + P));
	assert_int_equal(frame_of(&a, va + 3 * P), frame_of(&b, vb + 3 * P));
	assert_int_not_equal(frame_of(&a, va + P), frame_of(&a, va + 3 * P));
	/* The segment holds one reference, each mapping one more. */
	assert_int_equal(page_ref_count(frame_of(&a, va + P)), 3);

	/* The user-copy helpers see the same bytes, in both directions. */
	assert_int_equal(as_copy_to_user(a.c.as, va + 2 * P, "hello", 6), 0);
	assert_int_equal(as_copy_from_user(b.c.as, buf, vb + 2 * P, 6), 0);
	assert_string_equal(buf, "hello");
	assert_int_equal(user_load(&a, va + 2 * P + 1), 'e');

	/* The segment's pages stop at its size: the area is whole pages, nothing beyond. */
	assert_int_equal(user_store(&a, va + 4 * P, 1), -EFAULT);

	assert_int_equal(p_dt(&a, va), 0);
	assert_int_equal(as_query(a.c.as, va + P, NULL, NULL), -EFAULT);
	assert_int_equal(user_load(&b, vb + P + 7), 0x5a);
	proc_exit(&a);
	proc_exit(&b);
	/* Detached everywhere but not removed: the frames stay with the segment. */
	assert_int_equal(nattch(id), 0);
	assert_true(page_free_count() < free0);
}

static void test_fork_counts_each_attachment_and_shares_frames(void **state)
{
	struct proc parent, child;
	uintptr_t v1, v2;
	struct shmid64_ds ds;
	int id;
	(void)state;

	proc_init(&parent, 30, 1000);
	id = p_get(&parent, IPC_PRIVATE, 2 * P, 0600);
	v1 = p_at(&parent, id, 0, 0);
	v2 = p_at(&parent, id, 0, SHM_RDONLY);
	assert_int_equal(user_store(&parent, v1, 1), 0);
	assert_int_equal(nattch(id), 2);

	proc_fork(&child, &parent, 31);
	ds = p_stat(id);
	assert_int_equal(ds.shm_nattch, 4);
	assert_int_equal(ds.shm_lpid, 30); /* open() runs in the parent */
	/* The copy maps the same frame, already present; no copy-on-write for shared memory. */
	assert_int_equal(frame_of(&child, v1), frame_of(&parent, v1));
	assert_int_equal(user_store(&child, v1 + 5, 7), 0);
	assert_int_equal(user_load(&parent, v1 + 5), 7);
	assert_int_equal(user_load(&parent, v2 + 5), 7);
	/* The read-only attachment stays read-only in the child. */
	assert_int_equal(user_store(&child, v2, 1), -EACCES);

	proc_exit(&child);
	ds = p_stat(id);
	assert_int_equal(ds.shm_nattch, 2);
	assert_int_equal(ds.shm_lpid, 31); /* close() runs in the exiting child */
	assert_int_equal(user_load(&parent, v1 + 5), 7);
	assert_int_equal(shm_ctl(ns, &parent.c, id, IPC_RMID, NULL), 0);
	proc_exit(&parent);
}

/* The attachment's pieces, each with its start and the first page it maps. */
struct piece {
	uintptr_t start, end;
	uint64_t pgoff;
};

struct pieces {
	struct piece v[8];
	int n;
};

static enum as_visit collect_piece(const struct as_area *area, void *ctx)
{
	struct pieces *ps = ctx;

	if (ps->n < 8)
		ps->v[ps->n++] = (struct piece){as_area_start(area), as_area_end(area), as_area_pgoff(area)};
	return AS_VISIT_NEXT;
}

static struct pieces pieces_of(struct proc *p)
{
	struct pieces ps = {.n = 0};

	as_visit(p->c.as, 0, collect_piece, &ps);
	return ps;
}

static void test_mprotect_split_counts_three_and_shmdt_removes_every_piece(void **state)
{
	struct proc p;
	struct pieces ps;
	uintptr_t v;
	int id;
	(void)state;

	proc_init(&p, 40, 1000);
	id = p_get(&p, IPC_PRIVATE, 4 * P, 0600);
	v = p_at(&p, id, 0, 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(user_store(&p, v + i * P, (uint8_t)(i + 1)), 0);

	assert_int_equal(as_protect(p.c.as, v + P, P, UR), 0);
	assert_int_equal(nattch(id), 3);
	ps = pieces_of(&p);
	assert_int_equal(ps.n, 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(ps.v[i].pgoff, (ps.v[i].start - v) / P);
	assert_int_equal(ps.v[1].end - ps.v[1].start, P);
	/* The page-table entry changed with it: the write faults and is refused. */
	assert_int_equal(user_store(&p, v + P, 9), -EACCES);
	assert_int_equal(user_load(&p, v + P), 2);
	assert_int_equal(user_store(&p, v + 2 * P, 9), 0);
	/* Made writable again, the pieces stay (areas with close() never merge, as on Linux). */
	assert_int_equal(as_protect(p.c.as, v + P, P, URW), 0);
	assert_int_equal(nattch(id), 3);

	assert_int_equal(p_dt(&p, v + P), -EINVAL); /* a piece's start is not an attachment's */
	assert_int_equal(p_dt(&p, v), 0);
	assert_int_equal(nattch(id), 0);
	assert_int_equal(as_area_count(p.c.as), 0);
	assert_int_equal(p_dt(&p, v), -EINVAL);
	assert_int_equal(shm_ctl(ns, &p.c, id, IPC_RMID, NULL), 0);
	proc_exit(&p);
}

/*
 * Partial munmap, with the results Linux 6.18 gives on this machine for the
 * same steps (munmap, then shmdt at the piece and at the original start):
 * the remaining pieces count, shmdt at the original start removes them all,
 * shmdt at a piece's own start is EINVAL.
 */
static void test_partial_unmap_counts_and_detaches_as_linux(void **state)
{
	static const struct {
		unsigned first, pages; /* the range unmapped, in pages */
		unsigned long nattch;  /* what Linux reports after it */
	} cases[] = {{0, 1, 1}, {1, 1, 2}, {3, 1, 1}, {1, 2, 2}};
	struct proc p;
	int id;
	(void)state;

	proc_init(&p, 50, 1000);
	id = p_get(&p, IPC_PRIVATE, 4 * P, 0600);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uintptr_t v = p_at(&p, id, 0, 0);
		paddr_t f;

		for (unsigned pg = 0; pg < 4; pg++)
			assert_int_equal(user_store(&p, v + pg * P, (uint8_t)(10 * i + pg)), 0);
		f = frame_of(&p, v + cases[i].first * P);
		assert_int_equal(page_ref_count(f), 2);
		assert_int_equal(as_unmap(p.c.as, v + cases[i].first * P, cases[i].pages * P), 0);
		assert_int_equal(nattch(id), cases[i].nattch);
		/* The unmapped page's mapping reference is gone; the segment keeps its own. */
		assert_int_equal(page_ref_count(f), 1);
		assert_int_equal(as_query(p.c.as, v + cases[i].first * P, NULL, NULL), -EFAULT);
		if (cases[i].first > 0)
			assert_int_equal(user_load(&p, v), 10 * i);
		if (cases[i].first == 0)
			assert_int_equal(p_dt(&p, v + P), -EINVAL);
		assert_int_equal(p_dt(&p, v), 0);
		assert_int_equal(nattch(id), 0);
		assert_int_equal(as_area_count(p.c.as), 0);
	}
	assert_int_equal(shm_ctl(ns, &p.c, id, IPC_RMID, NULL), 0);
	proc_exit(&p);
}

static void test_rdonly_write_faults_eacces_and_cannot_be_made_writable(void **state)
{
	struct proc owner, reader;
	struct shmid64_ds ds;
	uintptr_t w, r;
	int id;
	(void)state;

	proc_init(&owner, 60, 1000);
	proc_init(&reader, 61, 2000);
	id = p_get(&owner, IPC_PRIVATE, 2 * P, 0644);
	w = p_at(&owner, id, 0, 0);
	assert_int_equal(user_store(&owner, w, 42), 0);
	host_shm_set_pid(61);
	assert_int_equal(shm_at(ns, &reader.c, id, 0, 0), -EACCES);
	r = p_at(&reader, id, 0, SHM_RDONLY);

	assert_int_equal(user_load(&reader, r), 42);
	assert_int_equal(as_fault(reader.c.as, r, AS_ACCESS_WRITE), -EACCES);
	assert_int_equal(as_fault(reader.c.as, r + P, AS_ACCESS_WRITE), -EACCES); /* untouched page too */
	assert_int_equal(user_store(&reader, r, 1), -EACCES);
	assert_int_equal(as_copy_to_user(reader.c.as, r, "x", 1), -EFAULT);
	assert_int_equal(shm_ctl_user(ns, &reader.c, id, IPC_STAT, r), -EFAULT);
	/* As on Linux: mprotect cannot add write (EACCES), may add exec. */
	assert_int_equal(as_protect(reader.c.as, r, 2 * P, URW), -EACCES);
	assert_int_equal(as_protect(reader.c.as, r, P, UR | AS_PROT_EXEC), 0);
	assert_int_equal(user_store(&reader, r, 1), -EACCES);
	assert_int_equal(user_load(&reader, r), 42);
	/* Its frame's entry in the reader's table never had W. */
	{
		paddr_t pa;
		uint64_t pte;

		assert_int_equal(user_mmu_walk(reader.c.as, r, &pa, &pte), 0);
		assert_false(pte & SV39_W);
		assert_true(pte & SV39_U);
	}
	ds = p_stat(id);
	assert_int_equal(ds.shm_nattch, 3); /* the exec piece split it */
	proc_exit(&reader);
	assert_int_equal(shm_ctl(ns, &owner.c, id, IPC_RMID, NULL), 0);
	proc_exit(&owner);
}

static void test_shm_remap_replaces_the_old_mapping(void **state)
{
	struct proc p;
	size_t before;
	uintptr_t q, v;
	int id, other;
	(void)state;

	proc_init(&p, 70, 1000);
	id = p_get(&p, IPC_PRIVATE, 2 * P, 0600);
	other = p_get(&p, IPC_PRIVATE, 4 * P, 0600);
	assert_int_equal(as_map_anon(p.c.as, 0, 8 * P, URW, 0, &q), 0);
	for (int i = 0; i < 8; i++)
		assert_int_equal(user_store(&p, q + i * P, 0x77), 0);
	before = page_free_count();

	host_shm_set_pid(70);
	assert_int_equal(shm_at(ns, &p.c, id, q + P, 0), -EINVAL);
	assert_int_equal(nattch(id), 0);
	v = p_at(&p, id, q + P, SHM_REMAP);
	assert_int_equal(v, q + P);
	assert_int_equal(nattch(id), 1);
	/* The two anonymous frames under it went back; the segment has none yet. */
	assert_int_equal(page_free_count(), before + 2);
	assert_int_equal(user_load(&p, q + P), 0);
	assert_int_equal(user_load(&p, q), 0x77);
	assert_int_equal(user_load(&p, q + 3 * P), 0x77);
	assert_int_equal(as_area_count(p.c.as), 3);

	/* Remapping over an attachment closes it: the old one no longer counts. */
	assert_int_equal(user_store(&p, v, 5), 0);
	assert_int_equal(p_at(&p, other, q, SHM_REMAP), q);
	assert_int_equal(nattch(id), 0);
	assert_int_equal(nattch(other), 1);
	assert_int_equal(p_dt(&p, v), -EINVAL);
	assert_int_equal(user_load(&p, v), 0); /* now page 1 of 'other' */
	assert_int_equal(p_dt(&p, q), 0);
	assert_int_equal(as_area_count(p.c.as), 1); /* the anonymous tail */
	assert_int_equal(shm_ctl(ns, &p.c, id, IPC_RMID, NULL), 0);
	assert_int_equal(shm_ctl(ns, &p.c, other, IPC_RMID, NULL), 0);
	proc_exit(&p);
}

static void test_rmid_while_attached_frees_at_the_last_detach(void **state)
{
	struct proc a, b;
	uintptr_t va, vb, vb2;
	paddr_t frames[16];
	int id;
	(void)state;

	proc_init(&a, 80, 1000);
	proc_init(&b, 81, 1000);
	id = p_get(&a, 0x77, 16 * P, IPC_CREAT | 0600);
	va = p_at(&a, id, 0, 0);
	vb = p_at(&b, id, 0, 0);
	for (int i = 0; i < 16; i++) {
		assert_int_equal(user_store(&a, va + i * P, 1), 0);
		frames[i] = frame_of(&a, va + i * P);
	}

	assert_int_equal(shm_ctl(ns, &a.c, id, IPC_RMID, NULL), 0);
	assert_true(p_stat(id).shm_perm.mode & SHM_DEST);
	assert_int_equal(p_stat(id).shm_perm.key, IPC_PRIVATE);
	assert_int_equal(p_get(&a, 0x77, 0, 0), -ENOENT); /* the key is free again */
	vb2 = p_at(&b, id, 0, 0);                          /* the id still attaches */
	assert_int_equal(nattch(id), 3);
	assert_int_equal(p_dt(&a, va), 0);
	assert_int_equal(p_dt(&b, vb), 0);
	assert_int_equal(user_load(&b, vb2 + 15 * P), 1);
	assert_int_equal(nattch(id), 1);
	assert_int_equal(page_ref_count(frames[15]), 2); /* the segment's and vb2's mapping */
	assert_int_equal(p_dt(&b, vb2), 0);
	assert_int_equal(shm_ctl(ns, &a.c, id, IPC_STAT, &(struct shmid64_ds){0}), -EINVAL);
	/* Its 16 frames are free now (the spaces' tables stay until exit). */
	for (int i = 0; i < 16; i++)
		assert_int_equal(page_ref_count(frames[i]), 0);
	proc_exit(&a);
	proc_exit(&b);
}

static void test_ctl_user_copies_through_the_real_space(void **state)
{
	struct proc p;
	struct shmid64_ds ds;
	uintptr_t buf, v;
	int id;
	(void)state;

	proc_init(&p, 90, 1000);
	id = p_get(&p, IPC_PRIVATE, 2 * P, 0600);
	assert_int_equal(as_map_anon(p.c.as, 0, P, URW, 0, &buf), 0);
	/* Into a lazy anonymous page: the copy faults it in. */
	assert_int_equal(shm_ctl_user(ns, &p.c, id, IPC_STAT, buf), 0);
	assert_int_equal(as_copy_from_user(p.c.as, &ds, buf, sizeof(ds)), 0);
	assert_int_equal(ds.shm_segsz, 2 * P);
	assert_int_equal(ds.shm_cpid, 90);
	/*
	 * Into the segment's own, untouched attachment: the copy faults a
	 * page of the segment in, under the space's lock and through
	 * ipc-shm's own backend, after shm_ctl let go of its locks.
	 */
	v = p_at(&p, id, 0, 0);
	assert_int_equal(shm_ctl_user(ns, &p.c, id, IPC_STAT, v + P - 8), 0);
	assert_int_equal(as_copy_from_user(p.c.as, &ds, v + P - 8, sizeof(ds)), 0);
	assert_int_equal(ds.shm_nattch, 1);
	/* IPC_SET from user memory. */
	ds.shm_perm.mode = 0640;
	assert_int_equal(as_copy_to_user(p.c.as, buf, &ds, sizeof(ds)), 0);
	assert_int_equal(shm_ctl_user(ns, &p.c, id, IPC_SET, buf), 0);
	assert_int_equal(p_stat(id).shm_perm.mode, 0640);
	/* Unmapped, or off the end of the segment: EFAULT. */
	assert_int_equal(shm_ctl_user(ns, &p.c, id, IPC_STAT, 0x7000000), -EFAULT);
	assert_int_equal(shm_ctl_user(ns, &p.c, id, IPC_STAT, v + 2 * P - 8), -EFAULT);
	assert_int_equal(shm_ctl(ns, &p.c, id, IPC_RMID, NULL), 0);
	proc_exit(&p);
}

static void test_large_segment_attaches_lazily_on_a_2mib_boundary(void **state)
{
	struct proc p;
	struct shm_info info;
	size_t before;
	uintptr_t v;
	int id;
	(void)state;

	proc_init(&p, 100, 1000);
	/* 64 MiB: four times this test's RAM, fine since only touched pages take frames. */
	id = p_get(&p, IPC_PRIVATE, 64ul << 20, 0600);
	before = page_free_count();
	v = p_at(&p, id, 0, 0);
	assert_int_equal(v % (2ul << 20), 0);
	assert_true(before - page_free_count() <= 1); /* at most the area's own heap slab */
	assert_int_equal(user_store(&p, v, 1), 0);
	assert_int_equal(user_store(&p, v + (32ul << 20), 2), 0);
	assert_int_equal(user_store(&p, v + (64ul << 20) - 1, 3), 0);
	assert_true(shm_ctl(ns, &p.c, 0, SHM_INFO, &info) >= 0);
	assert_int_equal(info.shm_rss, 3);
	assert_int_equal(info.shm_tot, 16384);
	assert_int_equal(p_dt(&p, v), 0);
	assert_int_equal(shm_ctl(ns, &p.c, id, IPC_RMID, NULL), 0);
	proc_exit(&p);
}

/* Take every free frame and every free heap object; give them back. */
struct hoard {
	paddr_t frames[8192];
	size_t nframes;
	void **objs; /* kmalloc'd objects chained through their first word */
};

static void hoard_all(struct hoard *h)
{
	h->nframes = 0;
	h->objs = NULL;
	while (h->nframes < sizeof(h->frames) / sizeof(h->frames[0]) &&
	       (h->frames[h->nframes] = page_alloc(0)) != PADDR_NONE)
		h->nframes++;
	for (size_t size = P / 2; size >= sizeof(void *); size /= 2) {
		void **o;

		while ((o = kmalloc(size))) {
			*o = h->objs;
			h->objs = o;
		}
	}
	assert_int_equal(page_free_count(), 0);
}

static void hoard_release(struct hoard *h)
{
	while (h->objs) {
		void **o = h->objs;

		h->objs = *o;
		kfree(o);
	}
	while (h->nframes)
		page_free(h->frames[--h->nframes], 0);
}

static void test_out_of_memory_fails_cleanly_and_recovers(void **state)
{
	static struct hoard h;
	struct proc p;
	uintptr_t v;
	int id;
	(void)state;

	proc_init(&p, 110, 1000);
	id = p_get(&p, IPC_PRIVATE, 4 * P, 0600);
	v = p_at(&p, id, 0, 0);
	assert_int_equal(user_store(&p, v, 1), 0);
	hoard_all(&h);
	/* No frame for the page: the fault says so, and nothing breaks. */
	assert_int_equal(user_store(&p, v + 3 * P, 1), -ENOMEM);
	/* No heap for the area or the segment: the calls fail and change nothing. */
	host_shm_set_pid(110);
	assert_int_equal(shm_at(ns, &p.c, id, 0, 0), -ENOMEM);
	assert_int_equal(shm_get(ns, &p.c, IPC_PRIVATE, P, 0600), -ENOMEM);
	assert_int_equal(nattch(id), 1);
	assert_int_equal(as_area_count(p.c.as), 1);
	hoard_release(&h);
	assert_int_equal(user_store(&p, v + 3 * P, 4), 0);
	assert_int_equal(user_load(&p, v), 1);
	assert_int_equal(shm_ctl(ns, &p.c, id, IPC_RMID, NULL), 0);
	proc_exit(&p);
}

/*
 * fork with too little memory, at every point where it can run out: memory
 * comes back one frame at a time until as_fork succeeds. Each failure
 * leaves the count as it was (the copies made so far are closed again).
 */
static void test_fork_without_memory_fails_cleanly_at_every_point(void **state)
{
	static struct hoard h;
	struct proc parent, child;
	uintptr_t v[3];
	int id, failures = 0, rc;
	(void)state;

	proc_init(&parent, 120, 1000);
	id = p_get(&parent, IPC_PRIVATE, 600 * P, 0600);
	for (int i = 0; i < 3; i++) {
		v[i] = p_at(&parent, id, 0, 0);
		assert_int_equal(user_store(&parent, v[i] + 599 * P, (uint8_t)i), 0);
	}
	hoard_all(&h);
	host_shm_set_pid(120);
	while ((rc = as_fork(parent.c.as, &child.c.as)) != 0) {
		assert_int_equal(rc, -ENOMEM);
		assert_int_equal(nattch(id), 3);
		assert_true(h.nframes > 0);
		page_free(h.frames[--h.nframes], 0);
		failures++;
	}
	assert_true(failures > 2); /* the space, its table, an area... */
	assert_int_equal(nattch(id), 6);
	hoard_release(&h);
	assert_int_equal(frame_of(&parent, v[2] + 599 * P), frame_of(&child, v[2] + 599 * P));
	child.c.pid = 121;
	child.c.task = NULL;
	host_shm_set_pid(121);
	as_activate(idle);
	as_destroy(child.c.as);
	assert_int_equal(nattch(id), 3);
	assert_int_equal(shm_ctl(ns, &parent.c, id, IPC_RMID, NULL), 0);
	proc_exit(&parent);
}

/*
 * Teardown in the worst order, as when processes leave an IPC namespace
 * (unshare/setns) and it is destroyed while they still have its segments
 * attached: the segments live on, marked; the last detach frees the last
 * segment and the namespace with it. Every frame comes back.
 */
static void test_destroying_everything_returns_every_frame(void **state)
{
	struct proc procs[4];
	uintptr_t v[2][3];
	int ids[3];
	(void)state;

	proc_init(&procs[0], 200, 1000);
	proc_init(&procs[1], 201, 1000);
	ids[0] = p_get(&procs[0], 0x100, 3 * P, IPC_CREAT | 0666);
	ids[1] = p_get(&procs[1], IPC_PRIVATE, 600 * P, 0666); /* a two-level page tree */
	ids[2] = p_get(&procs[1], 0x101, P, IPC_CREAT | 0666);
	for (int i = 0; i < 2; i++)
		for (int s = 0; s < 3; s++)
			v[i][s] = p_at(&procs[i], ids[s], 0, s == 2 ? SHM_RDONLY : 0);
	assert_int_equal(user_store(&procs[0], v[0][0] + 2 * P, 1), 0);
	assert_int_equal(user_store(&procs[0], v[0][1], 2), 0);
	assert_int_equal(user_store(&procs[1], v[1][1] + 599 * P, 3), 0);
	assert_int_equal(user_load(&procs[1], v[1][2]), 0);
	proc_fork(&procs[2], &procs[0], 202);
	proc_fork(&procs[3], &procs[2], 203);
	assert_int_equal(nattch(ids[0]), 4);
	assert_int_equal(user_load(&procs[3], v[0][1] + 599 * P), 3);
	proc_exit(&procs[2]);

	/* 0 and 1 leave the namespace; 3 still runs in it when it goes. */
	shm_task_exit(ns, &procs[0].task);
	shm_task_exit(ns, &procs[1].task);
	shm_task_exit(ns, &procs[3].task);
	shm_ns_destroy(ns);
	ns = NULL; /* freed with its last segment, by the last as_destroy below */
	assert_int_equal(user_load(&procs[0], v[0][0] + 2 * P), 1);
	for (int i = 0; i < 4; i++) {
		if (i == 2)
			continue;
		host_shm_set_pid(procs[i].c.pid);
		as_activate(idle);
		as_destroy(procs[i].c.as);
	}
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_two_spaces_share_one_segments_frames),
		T(test_fork_counts_each_attachment_and_shares_frames),
		T(test_mprotect_split_counts_three_and_shmdt_removes_every_piece),
		T(test_partial_unmap_counts_and_detaches_as_linux),
		T(test_rdonly_write_faults_eacces_and_cannot_be_made_writable),
		T(test_shm_remap_replaces_the_old_mapping),
		T(test_rmid_while_attached_frees_at_the_last_detach),
		T(test_ctl_user_copies_through_the_real_space),
		T(test_large_segment_attaches_lazily_on_a_2mib_boundary),
		T(test_out_of_memory_fails_cleanly_and_recovers),
		T(test_fork_without_memory_fails_cleanly_at_every_point),
		T(test_destroying_everything_returns_every_frame),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
