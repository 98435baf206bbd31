/*
 * shm_nattch through everything that makes or breaks a mapping: mprotect
 * splits (Linux counts areas, not shmat calls), fork (+1 per inherited
 * area), exit, exec, and a child killed by SIGSEGV. Also which pid lands in
 * shm_lpid: Linux's shm_open/shm_close record the current process, and
 * during fork that is the parent.
 */
#define _GNU_SOURCE
#include "conformance.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int mprot(void *p, size_t len, int prot)
{
	return mprotect(p, len, prot) < 0 ? -errno : 0;
}

static void fork_child_counts(void *arg)
{
	int id = *(int *)arg;

	report("nattch: in the forked child -> %s", nattch_of(id));
}

struct attachment {
	int id;
	char *addr;
};

static void fork_child_detaches(void *arg)
{
	struct attachment *at = arg;
	struct shmid_ds ds;

	strcpy(at->addr + page, "from the child");
	int r = s_dt(at->addr);
	s_stat(at->id, &ds);
	report("nattch: child detaches its inherited copy -> %s, nattch %lu, lpid is the child: %s",
	       res(r), (unsigned long)ds.shm_nattch, yes_no(ds.shm_lpid == getpid()));
}

/* Stay alive, attached and silent, until the parent has looked. */
static void fork_child_holds(void *arg)
{
	(void)arg;
	flag_set(&mbox->ready, 1);
	flag_wait(&mbox->go);
}

void test_nattch(void)
{
	int id = seg_new(IPC_PRIVATE, 3 * page, 0600);
	char *a = seg_attach(id, NULL, 0), *b;
	struct shmid_ds ds;
	int r;

	report("nattch: one attachment -> %s", nattch_of(id));
	r = mprot(a + page, page, PROT_READ);
	report("nattch: mprotect(PROT_READ) of the middle page -> %s, nattch %s", res(r),
	       nattch_of(id));
	b = seg_attach(id, NULL, 0);
	report("nattch: a second shmat -> %s", nattch_of(id));
	child_run("nattch: fork with 3+1 areas attached", fork_child_counts, &id);
	report("nattch: after the child exited -> %s", nattch_of(id));

	struct attachment arg = {id, b};
	pid_t pid = child_start(fork_child_detaches, &arg);
	report("nattch: child status -> %s", child_wait(pid));
	s_stat(id, &ds);
	report(
	    "nattch: after it: nattch %lu, lpid is that child: %s, parent reads what it wrote: %s",
	    (unsigned long)ds.shm_nattch, yes_no(ds.shm_lpid == pid),
	    yes_no(strcmp(b + page, "from the child") == 0));
	/* fork's shm_open runs in the parent: lpid becomes the parent. */
	mbox->ready = mbox->go = 0;
	pid = child_start(fork_child_holds, NULL);
	flag_wait(&mbox->ready);
	s_stat(id, &ds);
	report("nattch: lpid after a fork is the parent: %s, nattch %lu",
	       yes_no(ds.shm_lpid == getpid()), (unsigned long)ds.shm_nattch);
	flag_set(&mbox->go, 1);
	report("nattch: child status -> %s", child_wait(pid));
	s_stat(id, &ds);
	report("nattch: lpid after that child's exit is the child: %s", yes_no(ds.shm_lpid == pid));

	r = s_dt(a);
	report("nattch: shmdt of the split attachment removes its 3 pieces -> %s, nattch %s",
	       res(r), nattch_of(id));
	r = (int)s_at(id, a, 0, &a);
	report("nattch: its range is free again -> %s", res(r));
	s_dt(a);
	s_dt(b);
	report("nattch: after detaching everything -> %s", nattch_of(id));
	s_ctl(id, IPC_RMID, NULL);
}

/* ---- exec: attachments are dropped, the exec'd program starts with none ---- */

static int exec_seg;
static const char *exec_self;

static void exec_child_start(void *arg)
{
	char m[16], s[16];
	char *argv[] = {(char *)exec_self, "--exec-child", m, s, NULL};
	(void)arg;

	snprintf(m, sizeof(m), "%d", mbox_id);
	snprintf(s, sizeof(s), "%d", exec_seg);
	execve(exec_self, argv, environ);
	report("exec: execve of argv[0] -> %s", errname(errno));
	flag_set(&mbox->ready, -1);
	_exit(97);
}

void test_exec(const char *self)
{
	exec_seg = seg_new(IPC_PRIVATE, page, 0600);
	exec_self = self;
	char *p = seg_attach(exec_seg, NULL, 0);
	struct shmid_ds ds;

	strcpy(p, "written before exec");
	mbox->ready = mbox->go = 0;
	report("exec: parent attached -> nattch %s", nattch_of(exec_seg));
	pid_t pid = child_start(exec_child_start, NULL);
	bool ready = flag_wait(&mbox->ready);
	report("exec: the exec'd child is running: %s, nattch seen by the parent -> %s",
	       yes_no(ready), nattch_of(exec_seg));
	flag_set(&mbox->go, 1);
	report("exec: child status -> %s", child_wait(pid));
	s_stat(exec_seg, &ds);
	report("exec: after the exec'd child exited: nattch %lu, lpid is the child: %s",
	       (unsigned long)ds.shm_nattch, yes_no(ds.shm_lpid == pid));
	s_dt(p);
	s_ctl(exec_seg, IPC_RMID, NULL);
}

/* The exec'd program: argv carries the ids (never printed). */
void exec_child(const char *mbox_arg, const char *seg_arg)
{
	int id = atoi(seg_arg);
	char *p;
	(void)mbox_arg;

	flag_set(&mbox->ready, 1);
	if (!flag_wait(&mbox->go))
		report("exec: exec'd child: the parent never answered");
	report("exec: exec'd child: nattch after exec (the parent's only) -> %s", nattch_of(id));
	long r = s_at(id, NULL, 0, &p);
	report("exec: exec'd child: attach -> %s, sees the data written before exec: %s, nattch %s",
	       res(r), yes_no(r == 0 && strcmp(p, "written before exec") == 0), nattch_of(id));
	/* Exit still attached: exit must detach. */
}

/* ---- faults: the kernel kills the process, the parent's wait4 sees it ---- */

static void write_rdonly(void *arg)
{
	volatile char *p = seg_attach(*(int *)arg, NULL, SHM_RDONLY);

	p[0] = 1;
	report("fault: the write to a SHM_RDONLY attachment went through");
}

static void read_past_end(void *arg)
{
	/* Two pages of PROT_NONE, the first replaced by the 1-page segment. */
	char *guard = mmap(NULL, 2 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	volatile char *p = seg_attach(*(int *)arg, guard, SHM_REMAP);

	report("fault: child reads the last byte of the segment -> %d", p[page - 1]);
	(void)p[page];
	report("fault: the read past the end went through");
}

/*
 * remap_file_pages to an offset past the object's end is allowed; a touch
 * there is SIGBUS (Linux's shmem_fault), for an attachment and for shared
 * anonymous memory alike. The child exits 3 if the remap fails (qemu-user
 * has no remap_file_pages).
 */
static void touch_remapped_past_end(volatile char *p)
{
	if (remap_file_pages((void *)p, page, 0, 5, 0) < 0)
		_exit(3);
	p[0] = 1;
	report("fault: the write past the end went through");
}

static void remapped_attachment(void *arg)
{
	touch_remapped_past_end(seg_attach(*(int *)arg, NULL, 0));
}

static void remapped_shared_anon(void *arg)
{
	char *m = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	(void)arg;
	if (m == MAP_FAILED)
		fatal("mmap: %s", errname(errno));
	touch_remapped_past_end(m);
}

static void null_deref(void *arg)
{
	volatile char *volatile np = arg;

	np[0] = 1;
	report("fault: the NULL write went through");
}

void test_faults(void)
{
	int id = seg_new(IPC_PRIVATE, page, 0600);
	char *p = seg_attach(id, NULL, 0);

	child_run("fault: write to a SHM_RDONLY attachment", write_rdonly, &id);
	report("fault: nattch after the killed child -> %s, data unchanged: %s", nattch_of(id),
	       yes_no(p[0] == 0));
	child_run("fault: read past the end of an attachment", read_past_end, &id);
	report("fault: nattch after the killed child -> %s", nattch_of(id));
	child_run("fault: write to an attachment remapped past the end", remapped_attachment, &id);
	report("fault: nattch after the killed child -> %s", nattch_of(id));
	child_run("fault: write to shared anonymous memory remapped past the end",
	          remapped_shared_anon, NULL);
	child_run("fault: NULL write", null_deref, NULL);
	s_dt(p);
	s_ctl(id, IPC_RMID, NULL);
}
