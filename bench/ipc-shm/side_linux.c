/*
 * Linux's side: the system calls. As root, the process first moves to a
 * fresh IPC namespace with shmmni = 32768, so the 32768-segment lookups can
 * run and the machine's own segments do not interfere.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* unshare() */
#endif
#include "bench_side.h"
#include <sched.h>
#include <stdio.h>
#include <sys/ipc.h>
#include <sys/shm.h>

static const char *linux_init(void)
{
	FILE *f;

	if (unshare(CLONE_NEWIPC) != 0)
		return NULL; /* not root: the host namespace and its shmmni */
	f = fopen("/proc/sys/kernel/shmmni", "w");
	if (f) {
		fputs("32768\n", f);
		fclose(f);
	}
	return NULL;
}

static long linux_shmmni(void)
{
	struct shminfo info;

	if (shmctl(0, IPC_INFO, (struct shmid_ds *)&info) < 0)
		return 0;
	return (long)info.shmmni;
}

static int linux_get(int32_t key, size_t size, int flags)
{
	return shmget(key, size, flags);
}

static uintptr_t linux_at(int id)
{
	void *p = shmat(id, NULL, 0);

	return p == (void *)-1 ? 0 : (uintptr_t)p;
}

static int linux_dt(uintptr_t addr)
{
	return shmdt((void *)addr);
}

static int linux_rmid(int id)
{
	return shmctl(id, IPC_RMID, NULL);
}

static void linux_touch(uintptr_t addr)
{
	*(volatile char *)addr = 1;
}

const struct bench_side bench_linux = {
    .name = "linux",
    .init = linux_init,
    .shmmni = linux_shmmni,
    .get = linux_get,
    .at = linux_at,
    .dt = linux_dt,
    .rmid = linux_rmid,
    .touch = linux_touch,
};
