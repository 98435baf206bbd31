/*
 * shm_ops on the host: each lock a pthread mutex on page-alloc's heap (as a
 * kernel would put its locks there, so a leaked lock shows in the frame
 * count), seconds of the coarse realtime clock, and a thread-local pid.
 */
#include "host_ops.h"
#include <page-alloc/page_alloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

static _Thread_local int32_t current_pid = 1;
static long locks_live;

static void *host_lock_create(void *ctx, const char *name)
{
	pthread_mutex_t *mu = kmalloc(sizeof(*mu));

	(void)ctx;
	(void)name;
	if (mu && pthread_mutex_init(mu, NULL) != 0) {
		kfree(mu);
		mu = NULL;
	}
	if (mu)
		__atomic_fetch_add(&locks_live, 1, __ATOMIC_RELAXED);
	return mu;
}

static void host_lock_destroy(void *ctx, void *lock)
{
	(void)ctx;
	if (pthread_mutex_destroy(lock) != 0)
		abort(); /* destroyed while held */
	kfree(lock);
	__atomic_fetch_sub(&locks_live, 1, __ATOMIC_RELAXED);
}

static void host_lock(void *ctx, void *lock)
{
	(void)ctx;
	pthread_mutex_lock(lock);
}

static void host_unlock(void *ctx, void *lock)
{
	(void)ctx;
	pthread_mutex_unlock(lock);
}

/* Seconds of realtime, read the way Linux's shm reads them (ktime_get_real_seconds: the tick's
 * copy). */
static int64_t host_now(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_REALTIME_COARSE, &ts);
	return ts.tv_sec;
}

static int32_t host_current_pid(void *ctx)
{
	(void)ctx;
	return current_pid;
}

const struct shm_ops host_shm_ops = {
    .lock_create = host_lock_create,
    .lock_destroy = host_lock_destroy,
    .lock = host_lock,
    .unlock = host_unlock,
    .now = host_now,
    .current_pid = host_current_pid,
};

void host_shm_set_pid(int32_t pid)
{
	current_pid = pid;
}

long host_shm_locks_live(void)
{
	return __atomic_load_n(&locks_live, __ATOMIC_RELAXED);
}
