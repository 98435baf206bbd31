/* Helpers shared by the credential tests. */
#ifndef CRED_TEST_H
#define CRED_TEST_H

#include "kit_test.h"
#include <klib/compiler.h>
#include <klib/errno.h>
#include <linux-abi/cred.h>
#include <string.h>

#define KEEP ((uint32_t)-1)

/* Linux's CAP_FS_SET, written out from the capability numbers. */
#define CAP_FS_SET_TEST                                                                            \
	((1ull << 0) /* CHOWN */ | (1ull << 1) /* DAC_OVERRIDE */ |                                \
	 (1ull << 2) /* DAC_READ_SEARCH */ | (1ull << 3) /* FOWNER */ | (1ull << 4) /* FSETID */ | \
	 (1ull << 9) /* LINUX_IMMUTABLE */ | (1ull << 27) /* MKNOD */ |                            \
	 (1ull << 32) /* MAC_OVERRIDE */)

#define assert_uids(c, r, e, s, fs)                                                                \
	do {                                                                                       \
		assert_int_equal((c)->ruid, (r));                                                  \
		assert_int_equal((c)->euid, (e));                                                  \
		assert_int_equal((c)->suid, (s));                                                  \
		assert_int_equal((c)->fsuid, (fs));                                                \
	} while (0)

#define assert_gids(c, r, e, s, fs)                                                                \
	do {                                                                                       \
		assert_int_equal((c)->rgid, (r));                                                  \
		assert_int_equal((c)->egid, (e));                                                  \
		assert_int_equal((c)->sgid, (s));                                                  \
		assert_int_equal((c)->fsgid, (fs));                                                \
	} while (0)

/* The credentials bit for bit, groups included. */
static inline void assert_cred_same(const struct cred *a, const struct cred *b)
{
	assert_uids(a, b->ruid, b->euid, b->suid, b->fsuid);
	assert_gids(a, b->rgid, b->egid, b->sgid, b->fsgid);
	assert_int_equal(a->cap_effective, b->cap_effective);
	assert_int_equal(a->cap_permitted, b->cap_permitted);
	assert_int_equal(a->ngroups, b->ngroups);
	if (a->ngroups)
		assert_memory_equal(a->groups, b->groups, a->ngroups * sizeof(uint32_t));
}

/*
 * An unprivileged process: root that set its gids, then its uids (the
 * order a login program uses), and so lost every capability.
 */
static inline void cred_make_user(struct cred *c, uint32_t r, uint32_t e, uint32_t s, uint32_t rg,
                                  uint32_t eg, uint32_t sg)
{
	cred_init_root(c);
	assert_int_equal(cred_setresgid(c, rg, eg, sg), 0);
	assert_int_equal(cred_setresuid(c, r, e, s), 0);
	assert_int_equal(c->cap_permitted, 0);
	assert_int_equal(c->cap_effective, 0);
}

#endif
