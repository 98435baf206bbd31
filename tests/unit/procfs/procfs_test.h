/*
 * procfs tests: the real vfs, tmpfs and page-alloc (host memory as RAM),
 * ipc-shm over the real addr-space, all with the vfs tests' lock-order
 * checking locks; tmpfs at /, proc at /proc and sysfs at /sys, as the
 * kernel mounts them. procfs's ops are a fake (procfs_test.c): a table of
 * processes the test fills, a current pid, fixed machine figures. Every
 * test ends with every frame, lock and heap block back.
 */
#ifndef PROCFS_TEST_H
#define PROCFS_TEST_H

#include "mem_test.h"
#include "vfs_env.h"
#include <ipc-shm/shm.h>
#include <klib/errno.h>
#include <procfs/procfs.h>
#include <string.h>
#include <tmpfs/tmpfs.h>

/* A process of the fake. */
struct fproc {
	bool used;
	struct procfs_proc info;
	uint32_t groups[8];
	size_t ngroups;
	struct vfs_fdtable *files;
	struct vfs_fs *fs;
	struct vfs_path exe;
	bool has_exe;
	uint64_t mem_base; /* read_mem sees mem[] at [mem_base, mem_base + sizeof mem) */
	char mem[256];
	struct procfs_map maps[4];
	char map_names[4][64];
	int nmaps;
	struct procfs_rlimit rlim[PROCFS_RLIM_NLIMITS];
	int oom_adj, oom_min;
	bool secret; /* may_inspect: -EACCES */
};

extern struct vfs_fs *T_fs;
extern struct vfs_cred T_root;
extern int32_t T_current;   /* the caller's pid */
extern bool T_sys_resource; /* the caller has CAP_SYS_RESOURCE */
extern unsigned T_ncpus;    /* CPUs for cpuinfo and /sys */
extern struct procfs_meminfo T_meminfo;
extern struct procfs_kstat T_kstat;
extern struct shm_ns *T_shm;
extern int64_t T_shm_time; /* ipc-shm's clock */

int procfs_test_setup(void **state);
int procfs_test_teardown(void **state);

/* A process with pid, comm and state; its fd table and fs struct are new. */
struct fproc *T_proc_add(int32_t pid, const char *comm, char state);
void T_proc_del(int32_t pid);
struct fproc *T_proc(int32_t pid);

/* The whole file as the caller 'cr' (NULL: root) reads it, NUL-terminated, in a malloc'd buffer. */
char *T_read(const char *path, const struct vfs_cred *cr);
/* The same in reads of 'chunk' bytes. */
char *T_read_chunks(const char *path, size_t chunk);
/* open + write + close: the write's result, or the open's error. */
long T_write(const char *path, const char *text, const struct vfs_cred *cr);
/* readlink into buf (NUL-terminated): the length or -errno. */
long T_readlink(const char *path, char *buf, size_t size);
/* The names getdents gives for a directory, joined by spaces (malloc'd). */
char *T_list(const char *path);
int T_open(const char *path, unsigned flags, const struct vfs_cred *cr, struct vfs_file **out);
long T_fread(struct vfs_file *f, char *buf, size_t n);

#endif
