/*
 * Shared helpers of the System V shared memory conformance program.
 *
 * The program runs on Linux (natively or under qemu-riscv64) and inside the
 * unikit image; the transcripts must match byte for byte. So every line says
 * what was done and what came back (an errno NAME, a count, a yes/no fact),
 * and never a pid, an address, a key, an id or a time.
 *
 * Every wrapper returns a value >= 0 or a negative errno, as the kernel
 * does, so a result prints with res().
 */
#ifndef SHM_CONFORMANCE_H
#define SHM_CONFORMANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/types.h>

/* Keys the program owns; they are removed before use (see key_fresh). */
#define KEY_BASE 0x53480000

/* State shared by every process of a run (a SysV segment, of course). */
struct mailbox {
	unsigned checks;   /* lines reported, by every process */
	int child_ids[32]; /* segments created by children, for cleanup */
	unsigned nchild_ids;
	int ready, go; /* a handshake between two processes */
};

extern struct mailbox *mbox;
extern int mbox_id;
extern size_t page; /* the page size, from the auxv */

/* Output: one write(2) per line, so fork never duplicates buffered text. */
void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
const char *res(long r);    /* "ok" or the errno name of -r */
const char *yes_no(bool b); /* "yes" / "no" */
const char *errname(int err);

/* The system calls, as value-or-negative-errno. */
int s_get(key_t key, size_t size, int flg);
long s_at(int id, const void *addr, int flg, char **out);
int s_dt(const void *addr);
int s_ctl(int id, int cmd, void *buf);
int s_stat(int id, struct shmid_ds *ds);
/* "2", or "EINVAL" when IPC_STAT fails (a static buffer per call, 8 deep). */
const char *nattch_of(int id);

/* A segment that must exist for the rest of a check: fatal if it can't. */
int seg_new(key_t key, size_t size, int mode);
char *seg_attach(int id, const void *addr, int flg);
/* Remember a segment for the final clean-up (children: via the mailbox). */
void track(int id);
/* Remove every segment created by the run. */
void cleanup(void);
/* Make 'key' unused (remove a leftover segment of an earlier run). */
key_t key_fresh(int n);
/* 'n' free pages of address space, reserved then released. */
char *free_range(size_t n);

/* Children. The function runs in the child, which then exits 0. */
pid_t child_start(void (*fn)(void *), void *arg);
/* Wait for it: "exited 0", "killed by SIGSEGV". */
const char *child_wait(pid_t pid);
/* Fork, run, wait, and report "<what>: child -> <status>". */
void child_run(const char *what, void (*fn)(void *), void *arg);
bool in_child(void);

/* A handshake through the mailbox: wait (20 s at most) until another process
 * sets the flag; true when it set 1 (go on), false on -1 (it failed) or on
 * timeout. */
bool flag_wait(int *flag);
void flag_set(int *flag, int v);

/* Drop every privilege (setgroups, setgid, setuid) and check it took. */
void become(uid_t uid, gid_t gid, int ngroups, const gid_t *groups);

/* Page size, no core files, the mailbox (or, in an exec'd child, attach the
 * run's mailbox 'exec_mbox_id'). */
void conformance_setup(int exec_mbox_id);

/* The sections, in the order main runs them. */
void test_shmget(void);
void test_shmat(void);
void test_shmdt(void);
void test_nattch(void);
void test_exec(const char *self);
void exec_child(const char *mbox_arg, const char *seg_arg);
void test_faults(void);
void test_rmid(void);
void test_ipc_set(void);
void test_lock(void);
void test_info(void);
void test_ctl_errors(void);
void test_perm(void);
void test_namespaces(void);

#endif
