/* vfs_env.h: pthread locks with a lock-order check, a settable clock. */
#include "vfs_env.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <klib/errno.h>

struct vfs_timespec vfs_env_time = {1700000000, 0};
long vfs_env_locks, vfs_env_order_errors;

struct env_lock {
	pthread_mutex_t m;
	const char *name;
	int rank;
};

/*
 * Ranks of vfs/vfs.h's order (with procfs's locks and ipc-shm's, which
 * procfs tests run under it); a lock may be taken only if no lock held
 * ranks above it. Two locks of one rank may nest where the header says so
 * (directories parent first, inodes in address order). Innermost locks
 * (rank 100: fd tables, fs structs) may be taken under others, but
 * nothing under them.
 */
static int rank_of(const char *name)
{
	static const struct {
		const char *name;
		int rank;
	} ranks[] = {
	    {"vfs_file", 10},  {"procfs_seq", 15}, {"procfs_shm_limits", 16}, {"vfs_rename", 20},
	    {"vfs_dir", 30},   {"vfs_inode", 40},  {"vfs_pipe", 45},          {"vfs_eventfd", 45},
	    {"shm_ns", 52},    {"shm_seg", 54},    {"tmpfs_pages", 60},       {"vfs_tree", 70},
	    {"devfs_tty", 80}, {"vfs_poll", 90},   {"vfs_poll_table", 95},    {"vfs_fdtable", 100},
	    {"vfs_fs", 100},
	};

	for (size_t i = 0; i < sizeof(ranks) / sizeof(ranks[0]); i++)
		if (strcmp(ranks[i].name, name) == 0)
			return ranks[i].rank;
	fprintf(stderr, "vfs_env: a lock of unknown class '%s'\n", name);
	abort();
}

#define MAX_HELD 16
static __thread struct env_lock *held[MAX_HELD];
static __thread int nheld;

static void check_order(struct env_lock *l)
{
	for (int i = 0; i < nheld; i++) {
		struct env_lock *h = held[i];
		bool bad = h->rank > l->rank || h->rank == 100 ||
		           (h->rank == l->rank && l->rank != 30 && l->rank != 40);

		if (bad && vfs_env_order_errors++ == 0)
			fprintf(stderr,
			        "vfs_env: lock order broken: '%s' taken while holding '%s'\n",
			        l->name, h->name);
	}
}

static void *lock_create(void *ctx, const char *name)
{
	struct env_lock *l = calloc(1, sizeof(*l));

	(void)ctx;
	if (!l)
		return NULL;
	pthread_mutex_init(&l->m, NULL);
	l->name = name;
	l->rank = rank_of(name);
	vfs_env_locks++;
	return l;
}

static void lock_destroy(void *ctx, void *lock)
{
	struct env_lock *l = lock;

	(void)ctx;
	pthread_mutex_destroy(&l->m);
	free(l);
	vfs_env_locks--;
}

static void lock(void *ctx, void *lock)
{
	struct env_lock *l = lock;

	(void)ctx;
	check_order(l);
	pthread_mutex_lock(&l->m);
	if (nheld < MAX_HELD)
		held[nheld++] = l;
}

static void unlock(void *ctx, void *lock)
{
	struct env_lock *l = lock;

	(void)ctx;
	for (int i = nheld - 1; i >= 0; i--)
		if (held[i] == l) {
			memmove(&held[i], &held[i + 1], (size_t)(nheld - i - 1) * sizeof(held[0]));
			nheld--;
			break;
		}
	pthread_mutex_unlock(&l->m);
}

static void now(void *ctx, struct vfs_timespec *out)
{
	(void)ctx;
	*out = vfs_env_time;
}

/* Waits: a pthread condition, sliced so that a signal (vfs_env_signal) is seen within 1 ms. */
volatile bool vfs_env_signal;
long vfs_env_waits, vfs_env_sleeps;

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t vfs_env_now_ns(void)
{
	return mono_ns();
}

static void *wait_create(void *ctx)
{
	pthread_condattr_t a;
	pthread_cond_t *c = calloc(1, sizeof(*c));

	(void)ctx;
	if (!c)
		return NULL;
	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(c, &a);
	pthread_condattr_destroy(&a);
	__atomic_add_fetch(&vfs_env_waits, 1, __ATOMIC_RELAXED);
	return c;
}

static void wait_destroy(void *ctx, void *wait)
{
	(void)ctx;
	pthread_cond_destroy(wait);
	free(wait);
	__atomic_sub_fetch(&vfs_env_waits, 1, __ATOMIC_RELAXED);
}

static int wait(void *ctx, void *wait, void *lock, uint64_t deadline)
{
	struct env_lock *l = lock;
	uint64_t until = mono_ns() + 1000000;
	struct timespec ts;

	(void)ctx;
	if (vfs_env_signal)
		return -EINTR;
	if (deadline != VFS_WAIT_FOREVER && mono_ns() >= deadline)
		return -ETIMEDOUT;
	if (deadline < until)
		until = deadline;
	ts.tv_sec = (time_t)(until / 1000000000ull);
	ts.tv_nsec = (long)(until % 1000000000ull);
	__atomic_add_fetch(&vfs_env_sleeps, 1, __ATOMIC_RELAXED);
	pthread_cond_timedwait(wait, &l->m, &ts);
	__atomic_sub_fetch(&vfs_env_sleeps, 1, __ATOMIC_RELAXED);
	return 0; /* woken, or a slice over: the caller checks again */
}

static void wake(void *ctx, void *wait)
{
	(void)ctx;
	pthread_cond_broadcast(wait);
}

const struct vfs_ops vfs_env_ops = {
    .lock_create = lock_create,
    .lock_destroy = lock_destroy,
    .lock = lock,
    .unlock = unlock,
    .now = now,
    .wait_create = wait_create,
    .wait_destroy = wait_destroy,
    .wait = wait,
    .wake = wake,
};

void vfs_env_init(void)
{
	assert_int_equal(vfs_init(&vfs_env_ops), 0);
}

struct vfs_cred vfs_env_root(void)
{
	return (struct vfs_cred){.caps = ~0u, .fsize_limit = VFS_NO_LIMIT};
}

struct vfs_cred vfs_env_user(uint32_t uid, uint32_t gid)
{
	return (struct vfs_cred){.uid = uid, .gid = gid, .fsize_limit = VFS_NO_LIMIT};
}
