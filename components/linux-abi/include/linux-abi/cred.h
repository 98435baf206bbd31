/*
 * Credentials of a Linux process: real, effective, saved and filesystem
 * uid/gid, the supplementary groups and the capability sets, with the rules
 * of Linux's set*id family (kernel/sys.c, kernel/groups.c and the
 * capability fix-ups of security/commoncap.c: cap_emulate_setxuid).
 *
 * Every function returns 0 / a value or a negative Linux errno, with
 * Linux's checks in Linux's order. A failed call changes nothing.
 */
#ifndef LINUX_ABI_CRED_H
#define LINUX_ABI_CRED_H

#include <stddef.h>
#include <stdint.h>

/* Linux capability numbers (include/uapi/linux/capability.h) used here. */
#define CRED_CAP_CHOWN        0
#define CRED_CAP_DAC_OVERRIDE 1
#define CRED_CAP_KILL         5
#define CRED_CAP_SETGID       6
#define CRED_CAP_SETUID       7
#define CRED_CAP_IPC_LOCK     14
#define CRED_CAP_IPC_OWNER    15
#define CRED_CAP_SYS_ADMIN    21
#define CRED_CAP_SYS_NICE     23
#define CRED_CAP_SYS_RESOURCE 24
#define CRED_CAP_ALL          ((1ull << 41) - 1) /* CAP_LAST_CAP 40 (Linux 5.9+) */

#define CRED_NGROUPS_MAX 65536 /* Linux's NGROUPS_MAX */

struct cred {
	uint32_t ruid, euid, suid, fsuid;
	uint32_t rgid, egid, sgid, fsgid;
	uint32_t *groups; /* sorted ascending (Linux's groups_sort); heap */
	size_t ngroups;
	uint64_t cap_effective; /* bit n: capability n */
	uint64_t cap_permitted;
};

/* root with every capability and no supplementary groups (the first process). */
void cred_init_root(struct cred *c);

/* *dst = a copy of src (fork). 0 or -ENOMEM. */
int cred_copy(struct cred *dst, const struct cred *src);

/* Free what cred_init_root/cred_copy allocated. */
void cred_free(struct cred *c);

static inline int cred_capable(const struct cred *c, unsigned cap)
{
	return (c->cap_effective >> cap) & 1;
}

/* The system calls. (uint32_t)-1 means "unchanged" where Linux says so. */
int cred_setuid(struct cred *c, uint32_t uid);
int cred_setgid(struct cred *c, uint32_t gid);
int cred_setreuid(struct cred *c, uint32_t ruid, uint32_t euid);
int cred_setregid(struct cred *c, uint32_t rgid, uint32_t egid);
int cred_setresuid(struct cred *c, uint32_t ruid, uint32_t euid, uint32_t suid);
int cred_setresgid(struct cred *c, uint32_t rgid, uint32_t egid, uint32_t sgid);
/* setfsuid/setfsgid return the previous value, never an error (Linux). */
uint32_t cred_setfsuid(struct cred *c, uint32_t uid);
uint32_t cred_setfsgid(struct cred *c, uint32_t gid);
/* setgroups: -EPERM without CAP_SETGID, -EINVAL past NGROUPS_MAX, -ENOMEM. */
int cred_setgroups(struct cred *c, const uint32_t *groups, size_t n);
/*
 * getgroups: with size 0, the count; otherwise copy the groups to 'out'
 * and return the count, or -EINVAL if size is smaller than the count.
 */
int cred_getgroups(const struct cred *c, size_t size, uint32_t *out);
/* Is gid the effective gid or a supplementary group? */
int cred_in_group(const struct cred *c, uint32_t gid);

#endif
