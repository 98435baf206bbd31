/*
 * A backend that owns its frames and watches its areas, the way ipc-shm
 * does: open() and close() must balance to the number of live areas
 * through split (protect, partial unmap), fork, unmap, FIXED replacement,
 * visit and destroy; each piece's pgoff follows its start; fault() is asked
 * for the right page and the space holds its own reference while mapped.
 */
#include "as_test.h"
#include <string.h>

#define RW     (AS_PROT_READ | AS_PROT_WRITE | AS_PROT_USER)
#define NPAGES 16

struct obj {
	int opens, closes, faults;
	int low;    /* the lowest opens - closes seen after a close */
	int refuse; /* what remap() answers */
	uint64_t last_pgoff;
	paddr_t frames[NPAGES];
};

static void obj_open(struct as_area *a)
{
	struct obj *o = as_area_priv(a);
	o->opens++;
}

static void obj_close(struct as_area *a)
{
	struct obj *o = as_area_priv(a);
	assert_true(as_area_end(a) > as_area_start(a));
	o->closes++;
	if (o->opens - o->closes < o->low)
		o->low = o->opens - o->closes;
}

static int obj_fault(struct as_area *a, uint64_t pgoff, unsigned access, paddr_t *pa)
{
	struct obj *o = as_area_priv(a);
	(void)access;
	o->faults++;
	o->last_pgoff = pgoff;
	if (pgoff >= NPAGES)
		return -EFAULT;
	*pa = o->frames[pgoff];
	return 0;
}

/* A refusal gives back the count open() took, as the contract says. */
static int obj_remap(struct as_area *a)
{
	struct obj *o = as_area_priv(a);
	if (o->refuse)
		o->closes++;
	return o->refuse;
}

static const struct as_backend obj_backend = {
    .name = "test-obj",
    .open = obj_open,
    .close = obj_close,
    .fault = obj_fault,
    .remap = obj_remap,
};

/* Attachments = the caller's own count for each successful as_map + opens - closes. */
static int live(const struct obj *o, int maps)
{
	return maps + o->opens - o->closes;
}

static size_t count_backend_areas(struct addr_space *as);

static enum as_visit count_obj(const struct as_area *a, void *ctx)
{
	if (as_area_backend(a) == &obj_backend)
		(*(size_t *)ctx)++;
	return AS_VISIT_NEXT;
}

static size_t count_backend_areas(struct addr_space *as)
{
	size_t n = 0;
	as_visit(as, 0, count_obj, &n);
	return n;
}

struct pgoff_check {
	uintptr_t start;
	uint64_t pgoff;
};

static enum as_visit find_pgoff(const struct as_area *a, void *ctx)
{
	struct pgoff_check *c = ctx;
	if (as_area_start(a) == c->start) {
		c->pgoff = as_area_pgoff(a);
		return AS_VISIT_STOP;
	}
	return AS_VISIT_NEXT;
}

static uint64_t pgoff_at(struct addr_space *as, uintptr_t start)
{
	struct pgoff_check c = {start, ~0ull};
	as_visit(as, 0, find_pgoff, &c);
	return c.pgoff;
}

static enum as_visit unmap_obj_areas(const struct as_area *a, void *ctx)
{
	(void)ctx;
	return as_area_backend(a) == &obj_backend ? AS_VISIT_UNMAP_NEXT : AS_VISIT_NEXT;
}

static void obj_init(struct obj *o)
{
	memset(o, 0, sizeof(*o));
	for (int i = 0; i < NPAGES; i++)
		o->frames[i] = page_alloc_zeroed(0);
}

static void test_open_close_balance(void **state)
{
	static struct obj o;
	struct addr_space *as, *child;
	const uintptr_t at = 0x1000000;
	int maps = 0;
	size_t free0 = as_test_ram(16);
	(void)state;

	obj_init(&o);
	assert_int_equal(as_create(&as), 0);

	/* The first area: as_map calls no open(); the caller counts it. */
	assert_int_equal(
	    as_map(as, at, 8 * PG, RW, AS_MAP_SHARED | AS_MAP_FIXED, &obj_backend, &o, 4, NULL), 0);
	maps++;
	assert_int_equal(o.opens, 0);
	/* A failed map calls nothing. */
	assert_int_equal(as_map(as, at, PG, RW, AS_MAP_FIXED_NOREPLACE, &obj_backend, &o, 0, NULL),
	                 -EEXIST);
	assert_int_equal(o.opens + o.closes, 0);

	/* Faults ask for pgoff + index; the space takes its own reference. */
	assert_int_equal(as_fault(as, at + 3 * PG, AS_ACCESS_WRITE), 0);
	assert_int_equal(o.last_pgoff, 7);
	assert_int_equal(page_ref_count(o.frames[7]), 2);
	paddr_t pa;
	assert_int_equal(as_query(as, at + 3 * PG, &pa, NULL), 0);
	assert_int_equal(pa, o.frames[7]);

	/* protect of the middle: two splits, two new pieces, pgoffs following. */
	assert_int_equal(as_protect(as, at + 2 * PG, 2 * PG, AS_PROT_READ | AS_PROT_USER), 0);
	assert_int_equal(o.opens, 2);
	assert_int_equal(o.closes, 0);
	assert_int_equal(pgoff_at(as, at), 4);
	assert_int_equal(pgoff_at(as, at + 2 * PG), 6);
	assert_int_equal(pgoff_at(as, at + 4 * PG), 8);
	assert_int_equal(count_backend_areas(as), 3);
	assert_int_equal(live(&o, maps), 3);
	/* Back to RW: backend areas never merge. */
	assert_int_equal(as_protect(as, at, 8 * PG, RW), 0);
	assert_int_equal(count_backend_areas(as), 3);

	/* Partial unmap of the last piece's tail: split, then the tail closes. */
	assert_int_equal(as_unmap(as, at + 7 * PG, PG), 0);
	assert_int_equal(live(&o, maps), (int)count_backend_areas(as));
	/* Unmapping the middle piece whole closes it; its frame reference goes. */
	assert_int_equal(as_unmap(as, at + 2 * PG, 2 * PG), 0);
	assert_int_equal(page_ref_count(o.frames[7]), 1);
	assert_int_equal(live(&o, maps), (int)count_backend_areas(as));
	assert_int_equal(count_backend_areas(as), 2);

	/* Fork: every copied area is opened. */
	int opens = o.opens;
	assert_int_equal(as_fork(as, &child), 0);
	assert_int_equal(o.opens, opens + 2);
	assert_int_equal(live(&o, maps), 4);

	/* FIXED replacement over part of one area and all of another: closes and a split. */
	assert_int_equal(as_map_anon(child, at + PG, 5 * PG, RW, AS_MAP_FIXED, NULL), 0);
	assert_int_equal(live(&o, maps),
	                 (int)(count_backend_areas(as) + count_backend_areas(child)));
	assert_int_equal(count_backend_areas(child), 2); /* [at, at+1) and [at+6, at+7) pages */

	/* A second attach, adjacent and equal: still two areas (no merging). */
	assert_int_equal(as_map(as, at + 8 * PG, 2 * PG, RW, AS_MAP_SHARED | AS_MAP_FIXED,
	                        &obj_backend, &o, 12, NULL),
	                 0);
	maps++;
	assert_int_equal(count_backend_areas(as), 3);

	/* Visit-unmap (as shmdt does): closes what it removes. */
	assert_int_equal(as_visit(as, 0, unmap_obj_areas, NULL), 3);
	assert_int_equal(live(&o, maps), (int)count_backend_areas(child));

	/* Destroy closes the rest: everything balances. */
	as_destroy(child);
	as_destroy(as);
	assert_int_equal(live(&o, maps), 0);
	for (int i = 0; i < NPAGES; i++) {
		assert_int_equal(page_ref_count(o.frames[i]), 1);
		page_free(o.frames[i], 0);
	}
	assert_int_equal(page_free_count(), free0);
}

static void test_backend_fault_errors(void **state)
{
	static struct obj o;
	struct addr_space *as;
	uintptr_t a;
	size_t free0 = as_test_ram(16);
	(void)state;

	obj_init(&o);
	assert_int_equal(as_create(&as), 0);
	/* An area running past the object's end: the fault fails, the copy helper says -EFAULT. */
	assert_int_equal(as_map(as, 0, 4 * PG, RW, AS_MAP_SHARED, &obj_backend, &o, NPAGES - 2, &a),
	                 0);
	assert_int_equal(as_fault(as, a + PG, AS_ACCESS_READ), 0);
	assert_int_equal(as_fault(as, a + 2 * PG, AS_ACCESS_READ), -EFAULT);
	char c = 'x';
	assert_int_equal(as_copy_to_user(as, a + 2 * PG, &c, 1), -EFAULT);
	/* POPULATE failing in the backend: the map fails, nothing opened or closed. */
	assert_int_equal(as_map(as, 0, 4 * PG, RW, AS_MAP_SHARED | AS_MAP_POPULATE, &obj_backend,
	                        &o, NPAGES - 1, NULL),
	                 -EFAULT);
	assert_int_equal(o.opens + o.closes, 0);
	assert_int_equal(as_area_count(as), 1);
	as_destroy(as);
	assert_int_equal(o.closes, 1);
	for (int i = 0; i < NPAGES; i++)
		page_free(o.frames[i], 0);
	assert_int_equal(page_free_count(), free0);
}

/*
 * A private view of the object written at once copies its page; when the
 * last free frame takes the copy and no table can be made for it, the
 * fault is -ENOMEM and the copy goes back.
 */
static void test_private_copy_without_room_for_a_table(void **state)
{
	static struct obj o;
	static paddr_t hog[8192];
	struct addr_space *as;
	uintptr_t a;
	size_t free0 = as_test_ram(16), n = 0;
	(void)state;

	obj_init(&o);
	assert_int_equal(as_create(&as), 0);
	assert_int_equal(as_map(as, 0x40000000, PG, RW, AS_MAP_FIXED, &obj_backend, &o, 0, &a), 0);
	n = as_test_hog(hog, 1);
	assert_int_equal(as_fault(as, a, AS_ACCESS_WRITE), -ENOMEM);
	assert_int_equal(page_free_count(), 1);
	as_test_unhog(hog, n);
	assert_int_equal(as_fault(as, a, AS_ACCESS_WRITE), 0);
	as_destroy(as);
	for (int i = 0; i < NPAGES; i++)
		page_free(o.frames[i], 0);
	assert_int_equal(page_free_count(), free0);
}

/*
 * Fork copies the entries of a private area only once it has a page of its
 * own (Linux's anon_vma): before, every page it maps is the backend's, and
 * the child's fault maps the same frame again (a program's text). After a
 * write made a private copy, the child gets every present entry,
 * copy-on-write.
 */
static void test_fork_copies_private_pages_only(void **state)
{
	static struct obj o;
	struct addr_space *as, *c1, *c2;
	uintptr_t a;
	paddr_t pa;
	unsigned prot;
	size_t free0 = as_test_ram(16);
	(void)state;

	obj_init(&o);
	assert_int_equal(as_create(&as), 0);
	assert_int_equal(as_map(as, 0x40000000, 4 * PG, RW, AS_MAP_FIXED, &obj_backend, &o, 0, &a),
	                 0);
	assert_int_equal(as_fault(as, a, AS_ACCESS_READ), 0);
	assert_int_equal(as_fault(as, a + PG, AS_ACCESS_READ), 0);
	assert_int_equal(as_fork(as, &c1), 0);
	assert_int_equal(as_query(c1, a, NULL, NULL), -EFAULT);
	assert_int_equal(as_resident_pages(c1), 0);
	int faults = o.faults;
	assert_int_equal(as_fault(c1, a, AS_ACCESS_READ), 0);
	assert_int_equal(o.faults, faults + 1);
	assert_int_equal(as_query(c1, a, &pa, &prot), 0);
	assert_int_equal(pa & ~(paddr_t)(PG - 1), o.frames[0]);
	assert_int_equal(prot, AS_PROT_READ | AS_PROT_USER);

	/* A write makes the parent's own copy of page 1: now fork copies every entry. */
	assert_int_equal(as_fault(as, a + PG, AS_ACCESS_WRITE), 0);
	paddr_t mine;
	assert_int_equal(as_query(as, a + PG, &mine, NULL), 0);
	mine &= ~(paddr_t)(PG - 1);
	assert_true(mine != o.frames[1]);
	assert_int_equal(as_fork(as, &c2), 0);
	assert_int_equal(as_resident_pages(c2), 2);
	assert_int_equal(as_query(c2, a + PG, &pa, &prot), 0);
	assert_int_equal(pa & ~(paddr_t)(PG - 1), mine);
	assert_int_equal(prot, AS_PROT_READ | AS_PROT_USER); /* copy-on-write on both sides */
	assert_int_equal(page_ref_count(mine), 2);
	assert_int_equal(as_query(c2, a, &pa, NULL), 0);
	assert_int_equal(pa & ~(paddr_t)(PG - 1), o.frames[0]);

	as_destroy(c2);
	as_destroy(c1);
	as_destroy(as);
	for (int i = 0; i < NPAGES; i++)
		page_free(o.frames[i], 0);
	assert_int_equal(page_free_count(), free0);
}

/*
 * Shared anonymous memory remapped past its end (remap_file_pages with a
 * large offset): its pages there fault -ENXIO (SIGBUS, as Linux's
 * shmem_fault), the user copies -EFAULT; its pages inside still work.
 */
static void test_shared_anon_past_end(void **state)
{
	struct addr_space *as;
	uintptr_t a;
	size_t free0 = as_test_ram(16);
	char c = 'x';
	(void)state;

	assert_int_equal(as_create(&as), 0);
	assert_int_equal(as_map_anon(as, 0, 2 * PG, RW, AS_MAP_SHARED, &a), 0);
	assert_int_equal(as_remap(as, a, PG, 5, 0), 0);
	assert_int_equal(as_fault(as, a, AS_ACCESS_WRITE), -ENXIO);
	assert_int_equal(as_copy_to_user(as, a, &c, 1), -EFAULT);
	assert_int_equal(as_fault(as, a + PG, AS_ACCESS_WRITE), 0);
	assert_int_equal(as_remap(as, a, PG, 1, 0), 0); /* back inside: page 1 twice */
	assert_int_equal(as_copy_to_user(as, a, &c, 1), 0);
	as_destroy(as);
	assert_int_equal(page_free_count(), free0);
}

/* A backend whose fault() hands over a reference (a file: truncation may drop its own meanwhile).
 */
static int ref_fault(struct as_area *a, uint64_t pgoff, unsigned access, paddr_t *pa)
{
	int rc = obj_fault(a, pgoff, access, pa);

	if (rc == 0)
		page_ref_get(*pa);
	return rc;
}

static const struct as_backend ref_backend = {
    .name = "test-ref",
    .open = obj_open,
    .close = obj_close,
    .fault = ref_fault,
    .fault_gives_ref = true,
};

static void test_fault_gives_ref(void **state)
{
	static struct obj o;
	struct addr_space *as;
	uintptr_t a;
	size_t free0 = as_test_ram(16);
	(void)state;

	obj_init(&o);
	assert_int_equal(as_create(&as), 0);
	/* Shared: the mapping keeps the reference fault() gave, and takes no other. */
	assert_int_equal(as_map(as, 0, 2 * PG, RW, AS_MAP_SHARED, &ref_backend, &o, 0, &a), 0);
	assert_int_equal(as_fault(as, a, AS_ACCESS_WRITE), 0);
	assert_int_equal(page_ref_count(o.frames[0]), 2);
	/* Private, written at once: a copy; the handed reference is dropped. */
	assert_int_equal(as_map(as, 0, 2 * PG, RW, AS_MAP_PRIVATE, &ref_backend, &o, 1, &a), 0);
	assert_int_equal(as_fault(as, a, AS_ACCESS_WRITE), 0);
	assert_int_equal(page_ref_count(o.frames[1]), 1);
	/* Private, read: the backend's frame, read-only, holding the handed reference. */
	assert_int_equal(as_fault(as, a + PG, AS_ACCESS_READ), 0);
	assert_int_equal(page_ref_count(o.frames[2]), 2);
	as_destroy(as);
	for (int i = 0; i < NPAGES; i++) {
		assert_int_equal(page_ref_count(o.frames[i]), 1);
		page_free(o.frames[i], 0);
	}
	assert_int_equal(page_free_count(), free0);
}

/*
 * as_remap (remap_file_pages): the new area is opened before the pieces it
 * replaces close, takes the first piece's protection and flags, and faults
 * the object's pages from its new pgoff; what does not qualify (private,
 * linear, a hole, another object or protection) fails and changes nothing;
 * an owner's refusal leaves the range unmapped and the counts balanced.
 */
static void test_remap(void **state)
{
	static struct obj o, other;
	struct addr_space *as;
	const uintptr_t at = 0x1000000;
	int maps = 0;
	paddr_t pa;
	size_t free0 = as_test_ram(16);
	(void)state;

	obj_init(&o);
	obj_init(&other);
	assert_int_equal(as_create(&as), 0);
	assert_int_equal(
	    as_map(as, at, 4 * PG, RW, AS_MAP_SHARED | AS_MAP_FIXED, &obj_backend, &o, 0, NULL), 0);
	maps++;

	/* The middle two pages now show pages 9 and 10, faulted in at once. */
	assert_int_equal(as_remap(as, at + PG, 2 * PG, 9, AS_MAP_POPULATE), 0);
	assert_int_equal(o.opens, 3); /* the new area and the two pieces around it */
	assert_int_equal(o.closes, 1);
	assert_int_equal(live(&o, maps), 3);
	assert_int_equal(pgoff_at(as, at + PG), 9);
	assert_int_equal(pgoff_at(as, at + 3 * PG), 3);
	assert_int_equal(as_query(as, at + 2 * PG, &pa, NULL), 0);
	assert_int_equal(pa, o.frames[10]);
	/* Across all three pieces (one object, same protection): one area again, lazy. */
	assert_int_equal(as_remap(as, at, 4 * PG, 0, 0), 0);
	assert_int_equal(count_backend_areas(as), 1);
	assert_int_equal(live(&o, maps), 1);
	assert_true(maps + o.low >= 1); /* the count never fell to zero on the way */
	assert_int_equal(page_ref_count(o.frames[10]), 1);
	assert_int_equal(as_query(as, at + PG, &pa, NULL), -EFAULT);
	assert_int_equal(as_fault(as, at + PG, AS_ACCESS_READ), 0);
	assert_int_equal(o.last_pgoff, 1);
	/* Past the object's end: the remap stands, populate stops quietly, a touch fails. */
	assert_int_equal(as_remap(as, at, 2 * PG, NPAGES - 1, AS_MAP_POPULATE), 0);
	assert_int_equal(as_fault(as, at + PG, AS_ACCESS_READ), -EFAULT);
	assert_int_equal(live(&o, maps), 2);

	/* Refusals, each changing nothing. */
	size_t areas = as_area_count(as), frames = page_free_count();
	int opens = o.opens, closes = o.closes;
	assert_int_equal(as_remap(as, at + 1, PG, 0, 0), -EINVAL);
	assert_int_equal(as_remap(as, at, PG + 1, 0, 0), -EINVAL);
	assert_int_equal(as_remap(as, at, 0, 0, 0), -EINVAL);
	assert_int_equal(as_remap(as, at, PG, 0, AS_MAP_SHARED), -EINVAL);
	assert_int_equal(as_remap(as, at, 2 * PG, UINT64_MAX, 0), -EINVAL);
	assert_int_equal(as_remap(as, at - PG, 2 * PG, 0, 0), -EINVAL); /* no area at the start */
	assert_int_equal(as_remap(as, at, 5 * PG, 0, 0), -EINVAL);      /* runs past the end */
	assert_int_equal(as_remap(as, as_user_top() - PG, 2 * PG, 0, 0), -EINVAL);
	assert_int_equal(as_area_count(as), areas);
	assert_int_equal(page_free_count(), frames);
	assert_int_equal(o.opens - opens, 0);
	assert_int_equal(o.closes - closes, 0);
	assert_int_equal(as_map(as, at + 5 * PG, PG, RW, AS_MAP_SHARED | AS_MAP_FIXED, &obj_backend,
	                        &o, 5, NULL),
	                 0);
	maps++;
	assert_int_equal(as_remap(as, at, 6 * PG, 0, 0), -EINVAL); /* a hole */
	assert_int_equal(as_map(as, at + 4 * PG, PG, RW, AS_MAP_SHARED | AS_MAP_FIXED, &obj_backend,
	                        &other, 4, NULL),
	                 0);
	assert_int_equal(as_remap(as, at, 5 * PG, 0, 0), -EINVAL); /* another object */
	assert_int_equal(as_protect(as, at + 3 * PG, PG, AS_PROT_READ | AS_PROT_USER), 0);
	assert_int_equal(as_remap(as, at, 4 * PG, 0, 0), -EINVAL); /* another protection */
	areas = as_area_count(as);
	frames = page_free_count();
	opens = o.opens;
	closes = o.closes;
	assert_int_equal(as_map_anon(as, at + 8 * PG, PG, RW, AS_MAP_FIXED, NULL), 0);
	assert_int_equal(as_remap(as, at + 8 * PG, PG, 0, 0), -EINVAL); /* private */
	assert_int_equal(as_map_linear(as, at + 9 * PG, 0x80000000, PG, RW, AS_MAP_SHARED), 0);
	assert_int_equal(as_remap(as, at + 9 * PG, PG, 0, 0), -EINVAL); /* linear */
	assert_int_equal(as_area_count(as), areas + 2);
	assert_int_equal(page_free_count(), frames);
	assert_int_equal(o.opens - opens, 0);
	assert_int_equal(o.closes - closes, 0);

	/* The owner refuses: the new area goes without close(), the range stays unmapped. */
	size_t n0 = count_backend_areas(as);
	int live0 = live(&o, maps);
	o.refuse = -EIDRM;
	closes = o.closes;
	assert_int_equal(as_remap(as, at + 2 * PG, PG, 0, AS_MAP_POPULATE), -EIDRM);
	o.refuse = 0;
	assert_false(as_overlaps(as, at + 2 * PG, PG));
	assert_int_equal(count_backend_areas(as), n0 - 1);
	assert_int_equal(live(&o, maps), live0 - 1);
	assert_int_equal(o.closes - closes, 2); /* the old piece's close(), the refusal's */

	as_destroy(as);
	assert_int_equal(live(&o, maps), 0);
	assert_int_equal(other.opens - other.closes, -1); /* its one as_map */
	for (int i = 0; i < NPAGES; i++) {
		assert_int_equal(page_ref_count(o.frames[i]), 1);
		page_free(o.frames[i], 0);
		page_free(other.frames[i], 0);
	}
	assert_int_equal(page_free_count(), free0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_open_close_balance),
	    cmocka_unit_test(test_backend_fault_errors),
	    cmocka_unit_test(test_fault_gives_ref),
	    cmocka_unit_test(test_remap),
	    cmocka_unit_test(test_shared_anon_past_end),
	    cmocka_unit_test(test_private_copy_without_room_for_a_table),
	    cmocka_unit_test(test_fork_copies_private_pages_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
