/*
 * The layer's glue with process: per-process state through fork, exec,
 * exit and reaping, the dispatcher, and user-memory helpers.
 */
#include <klib/errno.h>
#include <klib/string.h>
#include <linux-abi/linux_abi.h>
#include <linux-arch/abi.h>
#include <linux-arch/unistd.h>
#include <page-alloc/page_alloc.h>
#include <process/sysno.h>
#include "abi_internal.h"

/*
 * Linux's RLIMIT_NPROC for the first process: half of max_threads, which
 * fork_init() sizes so that thread stacks take at most an eighth of RAM
 * (RAM / (THREAD_SIZE * 8), the architecture's THREAD_SIZE, at least 20):
 * about 500 with 128 MiB of RAM and 16 KiB stacks.
 */
static uint64_t nproc_default(void)
{
	uint64_t threads =
	    (uint64_t)page_total_count() * PAGE_SIZE / ((uint64_t)LINUX_ARCH_THREAD_SIZE * 8);

	return (threads < 20 ? 20 : threads) / 2;
}

static void rlimit_defaults(struct lx_rlimit *r)
{
	for (unsigned i = 0; i < LX_RLIM_NLIMITS; i++)
		r[i] = (struct lx_rlimit){LX_RLIM_INFINITY, LX_RLIM_INFINITY};
	/* Linux's defaults for the first process (include/asm-generic/resource.h). */
	r[LX_RLIMIT_STACK].cur = 8ul << 20;
	r[LX_RLIMIT_CORE].cur = 0;
	r[LX_RLIMIT_NOFILE] = (struct lx_rlimit){1024, 4096};
	r[LX_RLIMIT_MEMLOCK] = (struct lx_rlimit){8ul << 20, 8ul << 20};
	r[LX_RLIMIT_NPROC].cur = r[LX_RLIMIT_NPROC].max = nproc_default();
}

/* The first process's state, made on demand (process_start_init has no parent to copy). */
static struct lx_proc *state_new(void)
{
	struct lx_proc *s = kzalloc(sizeof(*s));

	if (!s)
		return NULL;
	s->refs = 1;
	cred_init_root(&s->cred);
	rlimit_defaults(s->rlim);
	s->dumpable = true;
	if (lx_files_first(s) < 0) {
		cred_free(&s->cred);
		kfree(s);
		return NULL;
	}
	return s;
}

struct lx_proc *lx_state(struct process *p)
{
	/*
	 * A process without state is one process_start_init made: its state
	 * (the shm creator record with it) is born here, once. Every later
	 * exec keeps it, as Linux keeps the segments a task created on its
	 * list across exec.
	 */
	if (!p->abi) {
		if (!(p->abi = state_new()))
			return NULL;
		lx_shm_init_task(p);
	}
	return p->abi;
}

static long (*const groups[])(struct process *, unsigned long, const unsigned long *) = {
    lx_sys_fd,     lx_sys_file, lx_sys_stat,   lx_sys_mem,  lx_sys_proc, lx_sys_id,     lx_sys_time,
    lx_sys_signal, lx_sys_shm,  lx_sys_thread, lx_sys_poll, lx_sys_pipe, lx_sys_legacy,
};
#define NGROUPS (sizeof(groups) / sizeof(groups[0]))

/*
 * Each group answers -ENOSYS to a number it does not handle, so a call used
 * to be offered to one group after another: ~250 instructions of switches
 * per call before the shm group saw shmat. The group that took a number is
 * remembered (plus one; 0: not known yet) and is asked first next time.
 * Which group handles a number does not depend on the arguments, so the
 * answer is the same; should the remembered group answer -ENOSYS after all,
 * the call goes on to the groups after it as before. Racing harts store the
 * same byte: no lock.
 */
static uint8_t group_of[SYSNO_COUNT];

static long dispatch(struct process *p, unsigned long nr, const unsigned long args[6])
{
	size_t i = 0;
	long rc;

	if (nr < SYSNO_COUNT && (i = __atomic_load_n(&group_of[nr], __ATOMIC_RELAXED))) {
		if ((rc = groups[i - 1](p, nr, args)) != -ENOSYS)
			return rc;
	}
	for (; i < NGROUPS; i++)
		if ((rc = groups[i](p, nr, args)) != -ENOSYS) {
			if (nr < SYSNO_COUNT)
				__atomic_store_n(&group_of[nr], (uint8_t)(i + 1), __ATOMIC_RELAXED);
			return rc;
		}
	/* Restartable sequences are not provided, as in a Linux built without
	 * CONFIG_RSEQ: -ENOSYS, without the unknown-call warning, since glibc
	 * registers one at every program's start and goes on without it. */
	if (nr == NR_rseq)
		return -ENOSYS;
	sysno_report_unknown(nr);
	return -ENOSYS;
}

struct uid_count {
	uint32_t uid;
	uint64_t n;
};

static void count_uid(struct process *q, void *ctx)
{
	struct uid_count *c = ctx;

	if (q->abi && lx(q)->cred.ruid == c->uid)
		c->n++;
}

/*
 * Linux's RLIMIT_NPROC check in copy_process: the processes of the real
 * uid (zombies included, the child to be too) may not exceed the limit,
 * unless the uid is root or the parent has CAP_SYS_RESOURCE or
 * CAP_SYS_ADMIN. The child has no state yet, so it is not counted here.
 */
static int nproc_check(struct process *parent)
{
	struct lx_proc *ps = lx(parent);
	struct uid_count c = {ps->cred.ruid, 0};

	if (ps->rlim[LX_RLIMIT_NPROC].cur == LX_RLIM_INFINITY)
		return 0;
	process_for_each(count_uid, &c);
	if (c.n + 1 <= ps->rlim[LX_RLIMIT_NPROC].cur || c.uid == 0 ||
	    cred_capable(&ps->cred, CRED_CAP_SYS_RESOURCE) ||
	    cred_capable(&ps->cred, CRED_CAP_SYS_ADMIN))
		return 0;
	return -EAGAIN;
}

static int on_fork(struct process *parent, struct process *child)
{
	struct lx_proc *s;
	int rc;

	if ((rc = nproc_check(parent)) < 0)
		return rc;
	if (!(s = kmalloc(sizeof(*s))))
		return -ENOMEM;
	memcpy(s, lx(parent), sizeof(*s));
	s->refs = 1;
	if ((rc = cred_copy(&s->cred, &lx(parent)->cred)) < 0) {
		kfree(s);
		return rc;
	}
	if ((rc = lx_files_fork(s, lx(parent))) < 0) {
		cred_free(&s->cred);
		kfree(s);
		return rc;
	}
	s->exe_next = (struct vfs_path){0};
	if (s->exe.dentry)
		vfs_path_get(&s->exe);
	child->abi = s;
	lx_shm_init_task(child);
	return 0;
}

static void on_exec(struct process *p, uintptr_t brk_start)
{
	umem_brk_init(&lx(p)->brk, brk_start);
	lx(p)->dumpable = true; /* no set-id programs here: exec always makes it dumpable again */
	lx_files_exec_done(lx(p));
	lx_files_exec(lx(p));
}

/* As Linux's do_exit: exit_shm, then exit_files and exit_fs. */
static void on_exit(struct process *p)
{
	lx_shm_exit(p);
	lx_files_exit(lx(p));
}

/* CLONE_THREAD: one more holder of the group's state (RLIMIT_NPROC counts threads). */
static int on_clone_thread(struct process *parent, struct process *child)
{
	int rc;

	if ((rc = nproc_check(parent)) < 0)
		return rc;
	__atomic_add_fetch(&lx(parent)->refs, 1, __ATOMIC_RELAXED);
	child->abi = parent->abi;
	return 0;
}

static void on_release(struct process *p)
{
	if (!p->abi)
		return;
	if (__atomic_sub_fetch(&lx(p)->refs, 1, __ATOMIC_ACQ_REL) != 0) {
		p->abi = NULL; /* other threads of the group hold it */
		return;
	}
	lx_files_exit(lx(p)); /* a fork that failed before its child ran */
	lx_shm_release(lx(p));
	cred_free(&lx(p)->cred);
	kfree(p->abi);
	p->abi = NULL;
}

static int on_ids(struct process *p, uint32_t ids[4])
{
	if (!lx_state(p))
		return -ENOMEM;
	ids[0] = lx(p)->cred.ruid;
	ids[1] = lx(p)->cred.euid;
	ids[2] = lx(p)->cred.rgid;
	ids[3] = lx(p)->cred.egid;
	return 0;
}

static const struct process_abi linux_abi = {
    .syscall = dispatch,
    .fork = on_fork,
    .exec = on_exec,
    .exit = on_exit,
    .release = on_release,
    .clone_thread = on_clone_thread,
    .ids = on_ids,
    .sig_uid = lx_sig_uid,
    .may_signal = lx_may_signal,
};

int linux_abi_init(void)
{
	int rc = lx_fs_setup();

	if (rc < 0)
		return rc;
	if ((rc = lx_shm_setup()) < 0) {
		lx_fs_shutdown();
		return rc;
	}
	process_set_abi(&linux_abi);
	return 0;
}

void linux_abi_shutdown(void)
{
	lx_shm_shutdown();
	lx_fs_shutdown();
}

int lx_copy_in(struct process *p, void *dst, uintptr_t src, size_t len)
{
	int rc;

	while ((rc = as_copy_from_user(p->as, dst, src, len)) == -ENOMEM)
		if (process_oom(p) < 0)
			break; /* p is to die: the call's result does not matter */
	return rc ? -EFAULT : 0;
}

int lx_copy_out(struct process *p, uintptr_t dst, const void *src, size_t len)
{
	int rc;

	while ((rc = as_copy_to_user(p->as, dst, src, len)) == -ENOMEM)
		if (process_oom(p) < 0)
			break;
	return rc ? -EFAULT : 0;
}

bool lx_access_ok(uintptr_t addr, size_t len)
{
	return len <= as_user_top() && addr <= as_user_top() - len;
}

long lx_strdup_in(struct process *p, uintptr_t src, size_t max, char **out)
{
	size_t cap = 256, len = 0;
	char *buf = kmalloc(cap);

	if (!buf)
		return -ENOMEM;
	for (;;) {
		/* Up to the end of the page: the next one may not be mapped. */
		size_t chunk = PAGE_SIZE - ((src + len) & (PAGE_SIZE - 1));
		int rc;

		if (len + chunk > cap) {
			size_t ncap = cap * 2 > len + chunk ? cap * 2 : len + chunk;
			char *n = kmalloc(ncap);

			if (!n) {
				kfree(buf);
				return -ENOMEM;
			}
			memcpy(n, buf, len);
			kfree(buf);
			buf = n;
			cap = ncap;
		}
		if ((rc = lx_copy_in(p, buf + len, src + len, chunk)) < 0) {
			kfree(buf);
			return rc;
		}
		for (size_t i = 0; i < chunk; i++) {
			if (buf[len + i] == '\0') {
				*out = buf;
				return (long)(len + i);
			}
			if (len + i + 1 >= max) {
				kfree(buf);
				return -ENAMETOOLONG;
			}
		}
		len += chunk;
	}
}
