/*
 * shmat and shmdt: addresses (SHMLBA, SHM_RND, SHM_REMAP), overlap, flags,
 * the times and pids they record, and every EINVAL of shmdt.
 *
 * Addresses are never printed. Where a check needs a known-free range it
 * takes one from free_range() (an mmap released at once) and prints only
 * whether the result equals the expected address.
 */
#define _GNU_SOURCE
#include "conformance.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void stat_or_die(int id, struct shmid_ds *ds)
{
	int r = s_stat(id, ds);

	if (r < 0)
		fatal("IPC_STAT -> %s", res(r));
}

static void attach_basics(void)
{
	int id = seg_new(IPC_PRIVATE, 3 * page, 0600);
	struct shmid_ds ds;
	char *a, *b;
	long r;

	r = s_at(-1, NULL, 0, &a);
	report("shmat: id -1 -> %s", res(r));
	r = s_at(id, NULL, 0, &a);
	report("shmat: NULL address -> %s, page aligned: %s", res(r),
	       yes_no(r == 0 && ((unsigned long)a & (page - 1)) == 0));
	stat_or_die(id, &ds);
	report("shmat: after attach: nattch %lu, atime set: %s, lpid is the caller: %s, dtime "
	       "zero: %s",
	       (unsigned long)ds.shm_nattch, yes_no(ds.shm_atime != 0),
	       yes_no(ds.shm_lpid == getpid()), yes_no(ds.shm_dtime == 0));
	r = s_at(id, NULL, 0, &b);
	report("shmat: the same segment again -> %s, another address: %s, nattch %s", res(r),
	       yes_no(r == 0 && a != b), nattch_of(id));
	a[0] = 'x';
	a[3 * page - 1] = 'y';
	report("shmat: a write through one attachment is seen through the other: %s",
	       yes_no(b[0] == 'x' && b[3 * page - 1] == 'y'));
	r = s_dt(b);
	stat_or_die(id, &ds);
	report("shmdt: second attachment -> %s, nattch %lu, dtime set: %s, lpid is the caller: %s",
	       res(r), (unsigned long)ds.shm_nattch, yes_no(ds.shm_dtime != 0),
	       yes_no(ds.shm_lpid == getpid()));
	s_dt(a);
	s_ctl(id, IPC_RMID, NULL);
}

/* SHMLBA alignment, SHM_RND rounding down, SHM_REMAP without an address. */
static void addresses(void)
{
	int id = seg_new(IPC_PRIVATE, page, 0600);
	char *want = free_range(4), *p;
	long r;

	r = s_at(id, want + 100, 0, &p);
	report("shmat: unaligned address without SHM_RND -> %s", res(r));
	r = s_at(id, want + 100, SHM_RND, &p);
	report("shmat: unaligned address with SHM_RND -> %s, rounded down to SHMLBA: %s", res(r),
	       yes_no(r == 0 && p == want));
	if (r == 0)
		s_dt(p);
	r = s_at(id, want + SHMLBA - 1, SHM_RND, &p);
	report("shmat: SHMLBA-1 past an aligned address with SHM_RND -> %s, rounded down: %s",
	       res(r), yes_no(r == 0 && p == want));
	if (r == 0)
		s_dt(p);
	r = s_at(id, want + page, 0, &p);
	report("shmat: aligned address -> %s, attached there: %s", res(r),
	       yes_no(r == 0 && p == want + page));
	if (r == 0)
		s_dt(p);
	r = s_at(id, NULL, SHM_REMAP, &p);
	report("shmat: NULL address with SHM_REMAP -> %s", res(r));
	if (r == 0)
		s_dt(p);
	r = s_at(id, (void *)100, SHM_RND | SHM_REMAP, &p);
	report("shmat: address below SHMLBA with SHM_RND|SHM_REMAP (rounds to 0) -> %s", res(r));
	if (r == 0)
		s_dt(p);
	report("shmat: nattch after the address checks -> %s", nattch_of(id));
	s_ctl(id, IPC_RMID, NULL);
}

/* A fixed address over an existing mapping: EINVAL, or replace with SHM_REMAP. */
static void overlap_and_remap(void)
{
	int a = seg_new(IPC_PRIVATE, 3 * page, 0600);
	int b = seg_new(IPC_PRIVATE, 3 * page, 0600);
	int c = seg_new(IPC_PRIVATE, page, 0600);
	/* The NULL attachments first, so they cannot land in the free range. */
	char *pb = seg_attach(b, NULL, 0), *pc = seg_attach(c, NULL, 0);
	char *base = free_range(8), *p;
	long r;

	seg_attach(a, base + 2 * page, 0)[0] = 'A';
	pb[0] = 'B';
	pc[0] = 'C';
	r = s_at(c, base + 3 * page, 0, &p);
	report("shmat: fixed address inside another attachment -> %s", res(r));
	r = s_at(b, base, 0, &p);
	report("shmat: range whose last page overlaps an attachment -> %s", res(r));
	r = s_at(b, base + 4 * page, 0, &p);
	report("shmat: range whose first page overlaps an attachment -> %s", res(r));
	r = s_at(b, base + 5 * page, 0, &p);
	report("shmat: range right after an attachment -> %s", res(r));
	if (r == 0)
		s_dt(p);
	report("shmat: nattch a %s b %s c %s", nattch_of(a), nattch_of(b), nattch_of(c));

	/* C over A's middle page: A is split in two pieces, both still attached. */
	r = s_at(c, base + 3 * page, SHM_REMAP, &p);
	report(
	    "shmat: SHM_REMAP of a 1-page segment over the middle of a 3-page one -> %s, there: %s",
	    res(r), yes_no(r == 0 && p == base + 3 * page));
	report("shmat: after the partial remap: reads C there: %s, nattch a %s c %s",
	       yes_no(r == 0 && base[3 * page] == 'C'), nattch_of(a), nattch_of(c));
	r = s_dt(base + 2 * page);
	report("shmdt: the split attachment -> %s, nattch a %s", res(r), nattch_of(a));
	/* B over everything: C's piece is replaced whole. */
	r = s_at(b, base + 2 * page, SHM_REMAP, &p);
	report("shmat: SHM_REMAP of a 3-page segment over the range -> %s, reads B: %s, nattch b "
	       "%s c %s",
	       res(r), yes_no(r == 0 && base[2 * page] == 'B'), nattch_of(b), nattch_of(c));
	s_dt(base + 2 * page);
	s_dt(pb);
	s_dt(pc);
	report("shmdt: after detaching everything: nattch a %s b %s c %s", nattch_of(a),
	       nattch_of(b), nattch_of(c));
	s_ctl(a, IPC_RMID, NULL);
	s_ctl(b, IPC_RMID, NULL);
	s_ctl(c, IPC_RMID, NULL);
}

static void flags(void)
{
	int id = seg_new(IPC_PRIVATE, page, 0600);
	char *w = seg_attach(id, NULL, 0), *p;
	long r;

	w[7] = 42;
	r = s_at(id, NULL, SHM_RDONLY, &p);
	report("shmat: SHM_RDONLY -> %s, reads the data: %s", res(r), yes_no(r == 0 && p[7] == 42));
	if (r == 0) {
		int m = mprotect(p, page, PROT_READ | PROT_WRITE) < 0 ? -errno : 0;
		report("shmat: mprotect(PROT_WRITE) of a SHM_RDONLY attachment -> %s", res(m));
		s_dt(p);
	}
	/* Root has CAP_IPC_OWNER: the missing x bit does not matter. */
	r = s_at(id, NULL, SHM_EXEC, &p);
	report("shmat: SHM_EXEC by root on a mode 0600 segment -> %s", res(r));
	if (r == 0)
		s_dt(p);
	r = s_at(id, NULL, SHM_RDONLY | SHM_EXEC, &p);
	report("shmat: SHM_RDONLY|SHM_EXEC by root -> %s", res(r));
	if (r == 0)
		s_dt(p);
	s_dt(w);
	report("shmat: nattch after the flag checks -> %s", nattch_of(id));

	int dead = seg_new(IPC_PRIVATE, page, 0600);
	s_ctl(dead, IPC_RMID, NULL);
	int fresh = seg_new(IPC_PRIVATE, page, 0600);
	r = s_at(dead, NULL, 0, &p);
	report("shmat: id of a removed segment -> %s (a new segment exists: %s)", res(r),
	       yes_no(fresh != dead));
	s_ctl(fresh, IPC_RMID, NULL);
	s_ctl(id, IPC_RMID, NULL);
}

/* A 5000-byte segment maps 2 whole pages: the tail of the last is usable. */
static void partial_page(void)
{
	int id = seg_new(IPC_PRIVATE, 5000, 0600);
	char *p = seg_attach(id, NULL, 0);

	p[2 * page - 1] = 1;
	report("shmat: the last byte of the last page of a 5000-byte segment is usable: %s",
	       yes_no(p[2 * page - 1] == 1));
	s_dt(p);
	s_ctl(id, IPC_RMID, NULL);
}

void test_shmat(void)
{
	attach_basics();
	addresses();
	overlap_and_remap();
	flags();
	partial_page();
}

void test_shmdt(void)
{
	int id = seg_new(IPC_PRIVATE, 3 * page, 0600);
	char *p = seg_attach(id, NULL, 0);
	char *anon = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int r;

	if (anon == MAP_FAILED)
		fatal("mmap -> %s", errname(errno));
	r = s_dt(p + page);
	report("shmdt: page-aligned address inside an attachment -> %s", res(r));
	r = s_dt(p + 1);
	report("shmdt: unaligned address inside an attachment -> %s", res(r));
	r = s_dt(anon);
	report("shmdt: an anonymous mapping, never attached -> %s", res(r));
	r = s_dt(NULL);
	report("shmdt: NULL -> %s", res(r));
	report("shmdt: nattch after the failed detaches -> %s", nattch_of(id));
	r = s_dt(p);
	report("shmdt: the attachment -> %s, nattch %s", res(r), nattch_of(id));
	r = s_dt(p);
	report("shmdt: the same address twice -> %s", res(r));
	munmap(anon, page);

	/* munmap of the first page leaves pieces; shmdt of the start finds them. */
	p = seg_attach(id, NULL, 0);
	r = munmap(p, page) < 0 ? -errno : 0;
	report("shmdt: munmap of the first page of a 3-page attachment -> %s, nattch %s", res(r),
	       nattch_of(id));
	r = s_dt(p);
	report("shmdt: the start address after that -> %s, nattch %s", res(r), nattch_of(id));
	p = seg_attach(id, NULL, 0);
	r = munmap(p + page, page) < 0 ? -errno : 0;
	report("shmdt: munmap of the middle page -> %s, nattch %s", res(r), nattch_of(id));
	r = s_dt(p);
	report("shmdt: the start address removes both pieces -> %s, nattch %s", res(r),
	       nattch_of(id));
	r = (int)s_at(id, p, 0, &p);
	report("shmdt: the range is free again (attach there without SHM_REMAP) -> %s", res(r));
	s_dt(p);
	s_ctl(id, IPC_RMID, NULL);
}
