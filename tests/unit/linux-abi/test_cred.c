/*
 * The set*id family against Linux's rules (kernel/sys.c) and the capability
 * fix-ups of security/commoncap.c: every call's success and errno paths as
 * root and as an unprivileged user, the privilege being CAP_SETUID /
 * CAP_SETGID in the effective set (not uid 0), and a failed call changing
 * nothing. The heap is the malloc fake: no test may leave a block behind.
 */
#include "cred_test.h"
#include "fake_heap.h"

/* Each test starts from an empty heap, so one failure does not fail the next. */
static int setup(void **state)
{
	(void)state;
	fake_heap_budget = -1;
	fake_heap_live = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(fake_heap_live, 0);
	return 0;
}

static void test_init_root(void **state)
{
	struct cred c;

	(void)state;
	memset(&c, 0x5a, sizeof(c));
	cred_init_root(&c);
	assert_uids(&c, 0, 0, 0, 0);
	assert_gids(&c, 0, 0, 0, 0);
	assert_int_equal(c.ngroups, 0);
	assert_null(c.groups);
	assert_int_equal(c.cap_effective, CRED_CAP_ALL);
	assert_int_equal(c.cap_permitted, CRED_CAP_ALL);
	assert_true(cred_capable(&c, CRED_CAP_SETUID));
	assert_true(cred_capable(&c, 40));  /* CAP_CHECKPOINT_RESTORE, the last */
	assert_false(cred_capable(&c, 41)); /* no such capability */
	cred_free(&c);
}

/* ---- setuid ---- */

static void test_setuid_root_drops_everything(void **state)
{
	struct cred c;

	(void)state;
	cred_init_root(&c);
	assert_int_equal(cred_setuid(&c, 1000), 0);
	assert_uids(&c, 1000, 1000, 1000, 1000);
	assert_int_equal(c.cap_permitted, 0);
	assert_int_equal(c.cap_effective, 0);
	/* For good: no uid is 0 any more and CAP_SETUID is gone. */
	assert_int_equal(cred_setuid(&c, 0), -EPERM);
	assert_uids(&c, 1000, 1000, 1000, 1000);
	assert_int_equal(c.cap_effective, 0);
	assert_int_equal(cred_setuid(&c, 1000), 0); /* to itself: fine */
	cred_free(&c);
}

static void test_setuid_invalid(void **state)
{
	struct cred c, before;

	(void)state;
	cred_init_root(&c);
	before = c;
	assert_int_equal(cred_setuid(&c, KEEP), -EINVAL);
	assert_cred_same(&c, &before);
	cred_make_user(&c, 1000, 1000, 1000, 100, 100, 100);
	before = c;
	/* -EINVAL comes before the privilege check. */
	assert_int_equal(cred_setuid(&c, KEEP), -EINVAL);
	assert_cred_same(&c, &before);
}

static void test_setuid_unprivileged(void **state)
{
	struct cred c, before;

	(void)state;
	cred_make_user(&c, 1000, 1001, 1002, 100, 100, 100);
	before = c;
	/* The euid alone does not count: only the real and saved uids. */
	assert_int_equal(cred_setuid(&c, 1001), -EPERM);
	assert_int_equal(cred_setuid(&c, 5), -EPERM);
	assert_cred_same(&c, &before);
	assert_int_equal(cred_setuid(&c, 1002), 0);
	assert_uids(&c, 1000, 1002, 1002, 1002);
	assert_int_equal(cred_setuid(&c, 1000), 0);
	assert_uids(&c, 1000, 1000, 1002, 1000);
	assert_int_equal(c.cap_effective, 0);
}

static void test_setuid_set_user_id_root(void **state)
{
	struct cred c;

	(void)state;
	/* A set-user-ID-root program run by 1000: r=1000, e=s=0, all caps. */
	cred_init_root(&c);
	assert_int_equal(cred_setresuid(&c, 1000, KEEP, KEEP), 0);
	assert_uids(&c, 1000, 0, 0, 0);
	assert_int_equal(c.cap_effective, CRED_CAP_ALL);
	/* Privileged, so setuid sets all three: back to full root. */
	assert_int_equal(cred_setuid(&c, 0), 0);
	assert_uids(&c, 0, 0, 0, 0);
	assert_int_equal(c.cap_permitted, CRED_CAP_ALL);
}

static void test_setuid_checks_the_capability_not_uid0(void **state)
{
	struct cred c, before;

	(void)state;
	/* euid 0 without CAP_SETUID: the unprivileged rule. */
	cred_init_root(&c);
	c.cap_effective &= ~(1ull << CRED_CAP_SETUID);
	before = c;
	assert_int_equal(cred_setuid(&c, 1000), -EPERM);
	assert_cred_same(&c, &before);

	/* uid 1000 holding CAP_SETUID: privileged, and no uid was 0, so no fix-up. */
	cred_make_user(&c, 1000, 1000, 1000, 100, 100, 100);
	c.cap_permitted = c.cap_effective = 1ull << CRED_CAP_SETUID;
	assert_int_equal(cred_setuid(&c, 2000), 0);
	assert_uids(&c, 2000, 2000, 2000, 2000);
	assert_int_equal(c.cap_effective, 1ull << CRED_CAP_SETUID);
	assert_int_equal(c.cap_permitted, 1ull << CRED_CAP_SETUID);
	/* Becoming euid 0 raises effective to permitted, nothing more. */
	assert_int_equal(cred_setuid(&c, 0), 0);
	assert_uids(&c, 0, 0, 0, 0);
	assert_int_equal(c.cap_effective, 1ull << CRED_CAP_SETUID);
}

/* ---- setreuid ---- */

static void test_setreuid_root(void **state)
{
	struct cred c;

	(void)state;
	cred_init_root(&c);
	assert_int_equal(cred_setreuid(&c, 1000, 2000), 0);
	assert_uids(&c, 1000, 2000, 2000, 2000); /* ruid set: suid = new euid */
	assert_int_equal(c.cap_permitted, 0);
	assert_int_equal(c.cap_effective, 0);
	assert_int_equal(cred_setreuid(&c, 0, KEEP), -EPERM);
	assert_int_equal(cred_setreuid(&c, KEEP, 0), -EPERM);
}

static void test_setreuid_euid_only(void **state)
{
	struct cred c;

	(void)state;
	cred_init_root(&c);
	/* euid moves away from the real uid: the saved uid follows it. */
	assert_int_equal(cred_setreuid(&c, KEEP, 1000), 0);
	assert_uids(&c, 0, 1000, 1000, 1000);
	assert_int_equal(c.cap_permitted, CRED_CAP_ALL); /* ruid is still 0 */
	assert_int_equal(c.cap_effective, 0);
	/* Back to the real uid: allowed, the saved uid stays, caps come back. */
	assert_int_equal(cred_setreuid(&c, KEEP, 0), 0);
	assert_uids(&c, 0, 0, 1000, 0);
	assert_int_equal(c.cap_effective, CRED_CAP_ALL);
}

static void test_setreuid_unprivileged(void **state)
{
	struct cred c, before;

	(void)state;
	cred_make_user(&c, 1000, 1001, 1002, 100, 100, 100);
	before = c;
	/* The real uid may take the euid, not the saved uid. */
	assert_int_equal(cred_setreuid(&c, 1002, KEEP), -EPERM);
	assert_int_equal(cred_setreuid(&c, 5, KEEP), -EPERM);
	/* The euid may take any of the three, nothing else. */
	assert_int_equal(cred_setreuid(&c, KEEP, 5), -EPERM);
	/* A good ruid with a bad euid: all or nothing. */
	assert_int_equal(cred_setreuid(&c, 1001, 5), -EPERM);
	assert_cred_same(&c, &before);

	assert_int_equal(cred_setreuid(&c, KEEP, 1002), 0);
	assert_uids(&c, 1000, 1002, 1002, 1002);
	assert_int_equal(cred_setreuid(&c, KEEP, 1000), 0); /* == old ruid: suid kept */
	assert_uids(&c, 1000, 1000, 1002, 1000);
	assert_int_equal(cred_setreuid(&c, KEEP, KEEP), 0);
	assert_uids(&c, 1000, 1000, 1002, 1000);
}

static void test_setreuid_swap(void **state)
{
	struct cred c;

	(void)state;
	cred_make_user(&c, 1000, 1001, 1001, 100, 100, 100);
	/* The BSD swap: the ruid is set, so the saved uid becomes the new euid. */
	assert_int_equal(cred_setreuid(&c, 1001, 1000), 0);
	assert_uids(&c, 1001, 1000, 1000, 1000);
	assert_int_equal(cred_setreuid(&c, 1000, 1001), 0);
	assert_uids(&c, 1000, 1001, 1001, 1001);
}

static void test_setreuid_resets_fsuid_without_fs_fixup(void **state)
{
	struct cred c;

	(void)state;
	cred_init_root(&c);
	assert_int_equal(cred_setfsuid(&c, 1000), 0);
	assert_int_equal(c.cap_effective, CRED_CAP_ALL & ~CAP_FS_SET_TEST);
	/*
	 * fsuid = euid again, but the RE fix-up looks at the euid only, which
	 * did not move: the file-system capabilities stay off, as in Linux.
	 */
	assert_int_equal(cred_setreuid(&c, KEEP, KEEP), 0);
	assert_uids(&c, 0, 0, 0, 0);
	assert_int_equal(c.cap_effective, CRED_CAP_ALL & ~CAP_FS_SET_TEST);
}

/* ---- setresuid ---- */

static void test_setresuid_seteuid_and_back(void **state)
{
	struct cred c;

	(void)state;
	cred_init_root(&c);
	assert_int_equal(cred_setresuid(&c, KEEP, 1000, KEEP), 0);
	assert_uids(&c, 0, 1000, 0, 1000);
	assert_int_equal(c.cap_permitted, CRED_CAP_ALL);
	assert_int_equal(c.cap_effective, 0);
	assert_false(cred_capable(&c, CRED_CAP_SETUID));
	/* 0 is still the real and saved uid: seteuid(0) works, caps return. */
	assert_int_equal(cred_setresuid(&c, KEEP, 0, KEEP), 0);
	assert_uids(&c, 0, 0, 0, 0);
	assert_int_equal(c.cap_effective, CRED_CAP_ALL);
}

static void test_setresuid_root_drops(void **state)
{
	struct cred c, before;

	(void)state;
	cred_init_root(&c);
	/* The saved uid alone keeps the permitted set. */
	assert_int_equal(cred_setresuid(&c, 1000, 1000, 0), 0);
	assert_uids(&c, 1000, 1000, 0, 1000);
	assert_int_equal(c.cap_permitted, CRED_CAP_ALL);
	assert_int_equal(c.cap_effective, 0);
	assert_int_equal(cred_setresuid(&c, KEEP, 0, KEEP), 0);
	assert_int_equal(c.cap_effective, CRED_CAP_ALL);
	/* All three non-zero: everything goes, and 0 is out of reach. */
	assert_int_equal(cred_setresuid(&c, 1000, 1000, 1000), 0);
	assert_uids(&c, 1000, 1000, 1000, 1000);
	assert_int_equal(c.cap_permitted, 0);
	assert_int_equal(c.cap_effective, 0);
	before = c;
	assert_int_equal(cred_setresuid(&c, 0, KEEP, KEEP), -EPERM);
	assert_int_equal(cred_setresuid(&c, KEEP, KEEP, 0), -EPERM);
	assert_cred_same(&c, &before);
}

static void test_setresuid_unprivileged(void **state)
{
	struct cred c, before;

	(void)state;
	cred_make_user(&c, 1000, 1001, 1002, 100, 100, 100);
	before = c;
	assert_int_equal(cred_setresuid(&c, 5, KEEP, KEEP), -EPERM);
	assert_int_equal(cred_setresuid(&c, KEEP, 5, KEEP), -EPERM);
	assert_int_equal(cred_setresuid(&c, KEEP, KEEP, 5), -EPERM);
	assert_int_equal(cred_setresuid(&c, 1002, 1000, 5), -EPERM);
	assert_cred_same(&c, &before);
	/* Any permutation of the three it holds. */
	assert_int_equal(cred_setresuid(&c, 1002, 1000, 1001), 0);
	assert_uids(&c, 1002, 1000, 1001, 1000);
	assert_int_equal(cred_setresuid(&c, 1001, 1001, 1001), 0);
	assert_uids(&c, 1001, 1001, 1001, 1001);
	assert_int_equal(cred_setresuid(&c, 1000, KEEP, KEEP), -EPERM); /* gone now */
}

static void test_setresuid_noop(void **state)
{
	struct cred c;

	(void)state;
	cred_init_root(&c);
	assert_int_equal(cred_setfsuid(&c, 1000), 0);
	/* Nothing asked: Linux returns before fsuid = euid. */
	assert_int_equal(cred_setresuid(&c, KEEP, KEEP, KEEP), 0);
	assert_uids(&c, 0, 0, 0, 1000);
	assert_int_equal(cred_setresuid(&c, 0, KEEP, 0), 0);
	assert_uids(&c, 0, 0, 0, 1000);
	/* Naming the euid while the fsuid differs is not a no-op. */
	assert_int_equal(cred_setresuid(&c, KEEP, 0, KEEP), 0);
	assert_uids(&c, 0, 0, 0, 0);
	/* Unprivileged, the same ids again succeed. */
	cred_make_user(&c, 1000, 1001, 1002, 100, 100, 100);
	assert_int_equal(cred_setresuid(&c, 1000, 1001, 1002), 0);
	assert_uids(&c, 1000, 1001, 1002, 1001);
}

/* ---- setfsuid ---- */

static void test_setfsuid_root(void **state)
{
	struct cred c;

	(void)state;
	cred_init_root(&c);
	assert_int_equal(cred_setfsuid(&c, 1000), 0); /* returns the old fsuid */
	assert_uids(&c, 0, 0, 0, 1000);
	/* Exactly the file-system capabilities leave the effective set. */
	assert_int_equal(c.cap_effective, CRED_CAP_ALL & ~CAP_FS_SET_TEST);
	assert_int_equal(c.cap_permitted, CRED_CAP_ALL);
	assert_false(cred_capable(&c, CRED_CAP_CHOWN));
	assert_false(cred_capable(&c, CRED_CAP_DAC_OVERRIDE));
	assert_true(cred_capable(&c, CRED_CAP_SETUID));
	assert_true(cred_capable(&c, CRED_CAP_IPC_OWNER));
	/* Non-zero to non-zero: no change. */
	assert_int_equal(cred_setfsuid(&c, 2000), 1000);
	assert_int_equal(c.cap_effective, CRED_CAP_ALL & ~CAP_FS_SET_TEST);
	/* Back to 0: they come back from the permitted set. */
	assert_int_equal(cred_setfsuid(&c, 0), 2000);
	assert_uids(&c, 0, 0, 0, 0);
	assert_int_equal(c.cap_effective, CRED_CAP_ALL);
}

static void test_setfsuid_raises_only_permitted(void **state)
{
	struct cred c;

	(void)state;
	cred_init_root(&c);
	assert_int_equal(cred_setfsuid(&c, 1000), 0);
	c.cap_permitted &= ~(1ull << CRED_CAP_CHOWN);
	assert_int_equal(cred_setfsuid(&c, 0), 1000);
	assert_int_equal(c.cap_effective, CRED_CAP_ALL & ~(1ull << CRED_CAP_CHOWN));
}

static void test_setfsuid_query_and_refusal(void **state)
{
	struct cred c, before;

	(void)state;
	cred_init_root(&c);
	before = c;
	assert_int_equal(cred_setfsuid(&c, KEEP), 0); /* the usual way to read it */
	assert_cred_same(&c, &before);

	cred_make_user(&c, 1000, 1001, 1002, 100, 100, 100);
	before = c;
	assert_int_equal(cred_setfsuid(&c, 5), 1001); /* refused: old value, no change */
	assert_int_equal(cred_setfsuid(&c, 0), 1001);
	assert_int_equal(cred_setfsuid(&c, KEEP), 1001);
	assert_cred_same(&c, &before);
	assert_int_equal(cred_setfsuid(&c, 1002), 1001);
	assert_uids(&c, 1000, 1001, 1002, 1002);
	assert_int_equal(cred_setfsuid(&c, 1000), 1002);
	assert_uids(&c, 1000, 1001, 1002, 1000);
	assert_int_equal(c.cap_effective, 0);
}

static void test_fsuid_follows_euid(void **state)
{
	struct cred c;

	(void)state;
	cred_init_root(&c);
	assert_int_equal(cred_setresuid(&c, KEEP, 1000, KEEP), 0);
	assert_int_equal(c.fsuid, 1000);
	assert_int_equal(cred_setreuid(&c, KEEP, 0), 0);
	assert_int_equal(c.fsuid, 0);
	assert_int_equal(cred_setuid(&c, 7), 0);
	assert_int_equal(c.fsuid, 7);
}

/* ---- gids: the same shapes, CAP_SETGID, and no capability changes ---- */

static void test_setgid(void **state)
{
	struct cred c, before;

	(void)state;
	cred_init_root(&c);
	assert_int_equal(cred_setgid(&c, KEEP), -EINVAL);
	assert_int_equal(cred_setgid(&c, 100), 0);
	assert_gids(&c, 100, 100, 100, 100);
	assert_int_equal(c.cap_effective, CRED_CAP_ALL); /* gids never touch caps */
	assert_int_equal(c.cap_permitted, CRED_CAP_ALL);
	assert_int_equal(cred_setgid(&c, 0), 0); /* still CAP_SETGID */

	cred_make_user(&c, 1000, 1000, 1000, 100, 101, 102);
	before = c;
	assert_int_equal(cred_setgid(&c, KEEP), -EINVAL);
	assert_int_equal(cred_setgid(&c, 101), -EPERM); /* the egid alone does not count */
	assert_int_equal(cred_setgid(&c, 0), -EPERM);
	assert_cred_same(&c, &before);
	assert_int_equal(cred_setgid(&c, 102), 0);
	assert_gids(&c, 100, 102, 102, 102);
	assert_int_equal(cred_setgid(&c, 100), 0);
	assert_gids(&c, 100, 100, 102, 100);
}

static void test_gid_privilege_is_cap_setgid(void **state)
{
	struct cred c;

	(void)state;
	cred_make_user(&c, 1000, 1000, 1000, 100, 100, 100);
	c.cap_effective = c.cap_permitted = 1ull << CRED_CAP_SETUID;
	assert_int_equal(cred_setgid(&c, 5), -EPERM);
	assert_int_equal(cred_setresgid(&c, 5, KEEP, KEEP), -EPERM);
	c.cap_effective = c.cap_permitted = 1ull << CRED_CAP_SETGID;
	assert_int_equal(cred_setuid(&c, 5), -EPERM);
	assert_int_equal(cred_setgid(&c, 5), 0);
	assert_gids(&c, 5, 5, 5, 5);
	assert_int_equal(cred_setregid(&c, 6, 7), 0);
	assert_gids(&c, 6, 7, 7, 7);
	assert_int_equal(cred_setfsgid(&c, 9), 7);
	assert_int_equal(c.fsgid, 9);
	assert_int_equal(c.cap_effective, 1ull << CRED_CAP_SETGID);
}

static void test_setregid(void **state)
{
	struct cred c, before;

	(void)state;
	cred_init_root(&c);
	assert_int_equal(cred_setregid(&c, KEEP, 100), 0);
	assert_gids(&c, 0, 100, 100, 100); /* egid moved off the rgid: sgid follows */
	assert_int_equal(cred_setregid(&c, 10, 20), 0);
	assert_gids(&c, 10, 20, 20, 20);
	assert_int_equal(c.cap_effective, CRED_CAP_ALL);

	cred_make_user(&c, 1000, 1000, 1000, 100, 101, 102);
	before = c;
	assert_int_equal(cred_setregid(&c, 102, KEEP), -EPERM); /* rgid: not the saved one */
	assert_int_equal(cred_setregid(&c, KEEP, 5), -EPERM);
	assert_int_equal(cred_setregid(&c, 101, 5), -EPERM);
	assert_cred_same(&c, &before);
	assert_int_equal(cred_setregid(&c, KEEP, 100), 0); /* == old rgid: sgid kept */
	assert_gids(&c, 100, 100, 102, 100);
	assert_int_equal(cred_setregid(&c, KEEP, 102), 0);
	assert_gids(&c, 100, 102, 102, 102);
	assert_int_equal(cred_setregid(&c, 102, 100), 0); /* swap: rgid set, sgid = egid */
	assert_gids(&c, 102, 100, 100, 100);
	assert_int_equal(cred_setregid(&c, KEEP, KEEP), 0);
	assert_gids(&c, 102, 100, 100, 100);
}

static void test_setresgid(void **state)
{
	struct cred c, before;

	(void)state;
	cred_init_root(&c);
	assert_int_equal(cred_setresgid(&c, 1, 2, 3), 0);
	assert_gids(&c, 1, 2, 3, 2);
	assert_int_equal(c.cap_effective, CRED_CAP_ALL);

	cred_make_user(&c, 1000, 1000, 1000, 100, 101, 102);
	before = c;
	assert_int_equal(cred_setresgid(&c, 5, KEEP, KEEP), -EPERM);
	assert_int_equal(cred_setresgid(&c, KEEP, 5, KEEP), -EPERM);
	assert_int_equal(cred_setresgid(&c, KEEP, KEEP, 5), -EPERM);
	assert_int_equal(cred_setresgid(&c, 102, 100, 5), -EPERM);
	assert_cred_same(&c, &before);
	assert_int_equal(cred_setresgid(&c, 102, 100, 101), 0);
	assert_gids(&c, 102, 100, 101, 100);

	/* The no-op rule, with the fsgid as for uids. */
	assert_int_equal(cred_setfsgid(&c, 101), 100);
	assert_int_equal(cred_setresgid(&c, KEEP, KEEP, KEEP), 0);
	assert_gids(&c, 102, 100, 101, 101);
	assert_int_equal(cred_setresgid(&c, KEEP, 100, KEEP), 0);
	assert_gids(&c, 102, 100, 101, 100);
}

static void test_setfsgid(void **state)
{
	struct cred c, before;

	(void)state;
	cred_init_root(&c);
	assert_int_equal(cred_setfsgid(&c, 500), 0);
	assert_gids(&c, 0, 0, 0, 500);
	assert_int_equal(c.cap_effective, CRED_CAP_ALL); /* no fix-up for gids */
	assert_int_equal(cred_setfsgid(&c, KEEP), 500);
	assert_int_equal(c.fsgid, 500);
	assert_int_equal(cred_setgid(&c, 3), 0);
	assert_int_equal(c.fsgid, 3); /* fsgid follows egid */

	cred_make_user(&c, 1000, 1000, 1000, 100, 101, 102);
	before = c;
	assert_int_equal(cred_setfsgid(&c, 5), 101);
	assert_cred_same(&c, &before);
	assert_int_equal(cred_setfsgid(&c, 102), 101);
	assert_int_equal(cred_setfsgid(&c, 100), 102);
	assert_int_equal(cred_setfsgid(&c, 100), 100); /* its own fsgid */
	assert_gids(&c, 100, 101, 102, 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_init_root, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_setuid_root_drops_everything, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_setuid_invalid, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_setuid_unprivileged, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_setuid_set_user_id_root, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_setuid_checks_the_capability_not_uid0, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_setreuid_root, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_setreuid_euid_only, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_setreuid_unprivileged, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_setreuid_swap, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_setreuid_resets_fsuid_without_fs_fixup, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_setresuid_seteuid_and_back, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_setresuid_root_drops, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_setresuid_unprivileged, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_setresuid_noop, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_setfsuid_root, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_setfsuid_raises_only_permitted, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_setfsuid_query_and_refusal, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fsuid_follows_euid, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_setgid, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_gid_privilege_is_cap_setgid, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_setregid, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_setresgid, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_setfsgid, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
