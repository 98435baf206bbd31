/*
 * ipc-shm over the real memory components (real_mem.h): attachments in
 * several spaces share frames, and shm_nattch follows every area through
 * fork, mprotect, partial munmap, SHM_REMAP and IPC_RMID as on Linux.
 */
#include "real_mem.h"
#include <klib/errno.h>

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
	assert_int_equal(user_load(&b, vb + 3 * P + 99),
	                 0); /* the last, partial page reads zeros */
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
	/* Fork copies no entries of shared memory (as Linux, for a mapping without private
	 * pages): the child's first touch maps the same frame, with no copy-on-write. */
	assert_int_equal(as_query(child.c.as, v1, NULL, NULL), -EFAULT);
	assert_int_equal(user_load(&child, v1), 1);
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
		ps->v[ps->n++] =
		    (struct piece){as_area_start(area), as_area_end(area), as_area_pgoff(area)};
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
	assert_int_equal(as_fault(reader.c.as, r + P, AS_ACCESS_WRITE),
	                 -EACCES); /* untouched page too */
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
	vb2 = p_at(&b, id, 0, 0);                         /* the id still attaches */
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

#define T(f) cmocka_unit_test_setup_teardown(f, real_setup, real_teardown)

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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
