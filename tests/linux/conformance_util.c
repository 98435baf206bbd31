/*
 * Output, system-call wrappers, children and clean-up for the conformance
 * program. Only the Linux API; no stdio buffering anywhere (a line is one
 * write(2)), so the order of lines from parent and children is fixed by
 * the order of fork and wait4 alone.
 */
#define _GNU_SOURCE
#include "conformance.h"

#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct mailbox *mbox;
int mbox_id = -1;
size_t page;

static pid_t main_pid;
static int tracked[128];
static unsigned ntracked;

bool in_child(void)
{
	return getpid() != main_pid;
}

static void put_line(const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(1, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(3);
		buf += n;
		len -= (size_t)n;
	}
}

static void vline(const char *prefix, const char *fmt, va_list ap)
{
	char buf[512];
	int n = snprintf(buf, sizeof(buf), "%s", prefix);

	n += vsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
	if (n > (int)sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	put_line(buf, (size_t)n);
}

void report(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("", fmt, ap);
	va_end(ap);
	if (mbox)
		__atomic_fetch_add(&mbox->checks, 1, __ATOMIC_SEQ_CST);
}

void fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("FATAL: ", fmt, ap);
	va_end(ap);
	if (in_child())
		_exit(99);
	cleanup();
	exit(1);
}

const char *errname(int err)
{
	static char buf[4][16];
	static unsigned slot;
	const char *name = strerrorname_np(err);

	if (name)
		return name;
	slot = (slot + 1) % 4;
	snprintf(buf[slot], sizeof(buf[slot]), "E#%d", err);
	return buf[slot];
}

const char *res(long r)
{
	return r >= 0 ? "ok" : errname((int)-r);
}

const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

int s_get(key_t key, size_t size, int flg)
{
	int r = shmget(key, size, flg);

	return r < 0 ? -errno : r;
}

long s_at(int id, const void *addr, int flg, char **out)
{
	void *p = shmat(id, addr, flg);

	if (p == (void *)-1)
		return -errno;
	if (out)
		*out = p;
	return 0;
}

int s_dt(const void *addr)
{
	return shmdt(addr) < 0 ? -errno : 0;
}

int s_ctl(int id, int cmd, void *buf)
{
	int r = shmctl(id, cmd, buf);

	return r < 0 ? -errno : r;
}

int s_stat(int id, struct shmid_ds *ds)
{
	/* Zeroed first: qemu-user 7.2 writes a 16-bit mode where riscv64 Linux
	 * writes 32 bits, and must not show the old bytes above it. */
	memset(ds, 0, sizeof(*ds));
	return s_ctl(id, IPC_STAT, ds);
}

const char *nattch_of(int id)
{
	static char buf[8][24];
	static unsigned slot;
	struct shmid_ds ds;
	int r = s_stat(id, &ds);

	slot = (slot + 1) % 8;
	if (r < 0)
		snprintf(buf[slot], sizeof(buf[slot]), "%s", errname(-r));
	else
		snprintf(buf[slot], sizeof(buf[slot]), "%lu", (unsigned long)ds.shm_nattch);
	return buf[slot];
}

void track(int id)
{
	if (!in_child()) {
		if (ntracked < sizeof(tracked) / sizeof(tracked[0]))
			tracked[ntracked++] = id;
		return;
	}
	unsigned i = __atomic_fetch_add(&mbox->nchild_ids, 1, __ATOMIC_SEQ_CST);
	if (i < sizeof(mbox->child_ids) / sizeof(mbox->child_ids[0]))
		mbox->child_ids[i] = id;
}

/* Root removes anything; an id already gone just answers EINVAL. */
void cleanup(void)
{
	for (unsigned i = 0; i < ntracked; i++)
		shmctl(tracked[i], IPC_RMID, NULL);
	ntracked = 0;
	if (mbox) {
		unsigned n = mbox->nchild_ids;
		for (unsigned i = 0; i < n && i < sizeof(mbox->child_ids) / sizeof(int); i++)
			shmctl(mbox->child_ids[i], IPC_RMID, NULL);
	}
	if (mbox_id >= 0)
		shmctl(mbox_id, IPC_RMID, NULL);
}

int seg_new(key_t key, size_t size, int mode)
{
	int id = s_get(key, size, IPC_CREAT | IPC_EXCL | mode);

	if (id < 0)
		fatal("shmget(size %zu, mode 0%o) -> %s", size, (unsigned)mode, res(id));
	track(id);
	return id;
}

char *seg_attach(int id, const void *addr, int flg)
{
	char *p = NULL;
	long r = s_at(id, addr, flg, &p);

	if (r < 0)
		fatal("shmat(flags 0%o) -> %s", (unsigned)flg, res(r));
	return p;
}

key_t key_fresh(int n)
{
	key_t key = KEY_BASE + n;
	int id = shmget(key, 0, 0);

	if (id >= 0 && shmctl(id, IPC_RMID, NULL) < 0)
		fatal("cannot remove a leftover segment of an earlier run");
	return key;
}

char *free_range(size_t n)
{
	void *p = mmap(NULL, n * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		fatal("mmap of %zu pages -> %s", n, errname(errno));
	munmap(p, n * page);
	return p;
}

pid_t child_start(void (*fn)(void *), void *arg)
{
	pid_t pid = fork();

	if (pid < 0)
		fatal("fork -> %s", errname(errno));
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	return pid;
}

const char *child_wait(pid_t pid)
{
	static char buf[4][48];
	static unsigned slot;
	int st;
	pid_t r;

	do
		r = wait4(pid, &st, 0, NULL);
	while (r < 0 && errno == EINTR);
	if (r != pid)
		fatal("wait4 -> %s", r < 0 ? errname(errno) : "another pid");
	slot = (slot + 1) % 4;
	if (WIFEXITED(st))
		snprintf(buf[slot], sizeof(buf[slot]), "exited %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf[slot], sizeof(buf[slot]), "killed by SIG%s",
		         sigabbrev_np(WTERMSIG(st)) ? sigabbrev_np(WTERMSIG(st)) : "?");
	else
		snprintf(buf[slot], sizeof(buf[slot]), "status 0x%x", (unsigned)st);
	return buf[slot];
}

void child_run(const char *what, void (*fn)(void *), void *arg)
{
	pid_t pid = child_start(fn, arg);

	report("%s: child -> %s", what, child_wait(pid));
}

bool flag_wait(int *flag)
{
	struct timespec ms = {0, 1000000};

	for (int i = 0; i < 20000; i++) {
		int v = __atomic_load_n(flag, __ATOMIC_SEQ_CST);
		if (v)
			return v > 0;
		if (i < 100)
			sched_yield();
		else
			nanosleep(&ms, NULL);
	}
	return false;
}

void flag_set(int *flag, int v)
{
	__atomic_store_n(flag, v, __ATOMIC_SEQ_CST);
}

void become(uid_t uid, gid_t gid, int ngroups, const gid_t *groups)
{
	gid_t got[8];

	if (setgroups((size_t)ngroups, groups) < 0)
		fatal("setgroups -> %s", errname(errno));
	if (setgid(gid) < 0)
		fatal("setgid -> %s", errname(errno));
	if (setuid(uid) < 0)
		fatal("setuid -> %s", errname(errno));
	uid_t r, e, s;
	gid_t rg, eg, sg;
	if (getresuid(&r, &e, &s) < 0 || getresgid(&rg, &eg, &sg) < 0)
		fatal("getresuid/getresgid -> %s", errname(errno));
	if (r != uid || e != uid || s != uid || rg != gid || eg != gid || sg != gid ||
	    getuid() != uid || geteuid() != uid || getgid() != gid || getegid() != gid)
		fatal("credentials did not change to uid %u gid %u", (unsigned)uid, (unsigned)gid);
	if (getgroups(8, got) != ngroups || memcmp(got, groups, sizeof(gid_t) * (size_t)ngroups))
		fatal("supplementary groups did not change");
	/* Privileges are gone for good: root again must be refused. */
	if (setuid(0) == 0)
		fatal("setuid(0) succeeded after dropping privileges");
}

/* Set up the run: page size, no core files, the mailbox. */
static void setup(void)
{
	struct rlimit none = {0, 0};

	main_pid = getpid();
	page = (size_t)sysconf(_SC_PAGESIZE);
	/* A child killed by SIGSEGV must not leave a core file behind. */
	if (setrlimit(RLIMIT_CORE, &none) < 0)
		fatal("setrlimit(RLIMIT_CORE) -> %s", errname(errno));
	mbox_id = s_get(IPC_PRIVATE, sizeof(*mbox), IPC_CREAT | 0600);
	if (mbox_id < 0)
		fatal("shmget of the mailbox -> %s", res(mbox_id));
	long r = s_at(mbox_id, NULL, 0, (char **)&mbox);
	if (r < 0)
		fatal("shmat of the mailbox -> %s", res(r));
}

/* Attach the mailbox of the run in a freshly exec'd process. */
static void setup_exec(int id)
{
	/* main_pid stays 0: this process is a child of the run (fatal exits
	 * without cleaning up, track() goes through the mailbox). */
	page = (size_t)sysconf(_SC_PAGESIZE);
	long r = s_at(id, NULL, 0, (char **)&mbox);
	if (r < 0) {
		report("exec: exec'd child: attach the mailbox -> %s", res(r));
		_exit(98);
	}
}

void conformance_setup(int exec_mbox_id)
{
	if (exec_mbox_id >= 0)
		setup_exec(exec_mbox_id);
	else
		setup();
}
