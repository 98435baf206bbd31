/*
 * Waiting on file descriptors: poll, ppoll, pselect6, and select where the
 * architecture kept it, after Linux's fs/select.c (do_sys_poll, do_poll,
 * core_sys_select, max_select_fd, do_select, poll_select_finish). The
 * files are asked through the vfs's poll tables (vfs/poll.h); the signal
 * mask of ppoll and pselect6 is swapped for the call and put back as
 * Linux's restore_saved_sigmask_unless does; the time left is written
 * back to ppoll's, pselect6's and select's timeout.
 */
#include <klib/compiler.h>
#include <klib/errno.h>
#include <klib/string.h>
#include <hal/time.h>
#include <page-alloc/page_alloc.h>
#include <task/task.h>
#include <vfs/poll.h>
#include <linux-arch/unistd.h>
#include "abi_internal.h"

#define NSEC        1000000000ll
#define POLLIN_SET  (VFS_POLLRDNORM | VFS_POLLRDBAND | VFS_POLLIN | VFS_POLLHUP | VFS_POLLERR)
#define POLLOUT_SET (VFS_POLLWRBAND | VFS_POLLWRNORM | VFS_POLLOUT | VFS_POLLERR)
#define POLLEX_SET  VFS_POLLPRI

struct lx_pollfd {
	int32_t fd;
	int16_t events, revents;
};

/* How a call's timeout is given back (poll_select_finish's enum poll_time_type). */
enum tmo { TMO_NONE, TMO_TIMESPEC, TMO_TIMEVAL };

/* Linux's signal_pending(): a signal to act on, or death (which a wait also ends for). */
static bool signal_pending(void)
{
	return task_interrupts(task_current()) & (TASK_INTR_SIGNAL | TASK_INTR_FATAL);
}

/* poll_select_set_timeout: 0 is "now" (poll once), else now + the time. */
static int set_timeout(int64_t sec, int64_t nsec, uint64_t *deadline)
{
	if (sec < 0 || nsec < 0 || nsec >= NSEC)
		return -EINVAL;
	if (!sec && !nsec) {
		*deadline = 0;
		return 0;
	}
	/* timespec64_add_safe: past the end of time is forever. */
	if ((uint64_t)sec > (UINT64_MAX - hal_time_ns()) / NSEC - 1)
		*deadline = TASK_FOREVER;
	else
		*deadline = hal_time_ns() + (uint64_t)sec * NSEC + (uint64_t)nsec;
	return 0;
}

static int get_timeout(struct process *p, uintptr_t uts, enum tmo type, uint64_t *deadline)
{
	int64_t t[2];

	*deadline = TASK_FOREVER;
	if (!uts)
		return 0;
	if (lx_copy_in(p, t, uts, sizeof(t)) < 0)
		return -EFAULT;
	if (type == TMO_TIMEVAL) {
		if (t[1] < 0)
			return -EINVAL;
		return set_timeout(t[0] + t[1] / 1000000, t[1] % 1000000 * 1000, deadline);
	}
	return set_timeout(t[0], t[1], deadline);
}

/* poll_select_finish: the mask back (unless a handler will see it), the time left written back. */
static long finish(struct process *p, uintptr_t uts, enum tmo type, uint64_t deadline, long rc,
                   bool mask_swapped)
{
	uint64_t now = hal_time_ns(), left;
	int64_t t[2];

	if (mask_swapped)
		process_sigmask_restore(p, rc == -ERESTARTNOHAND);
	if (!uts || type == TMO_NONE || deadline == 0 || deadline == TASK_FOREVER)
		return rc;
	left = deadline > now ? deadline - now : 0;
	t[0] = (int64_t)(left / NSEC);
	t[1] = (int64_t)(left % NSEC);
	if (type == TMO_TIMEVAL)
		t[1] /= 1000;
	/* A timeout in read-only memory: not updated, and then the call cannot be restarted. */
	if (lx_copy_out(p, uts, t, sizeof(t)) < 0 && rc == -ERESTARTNOHAND)
		rc = -EINTR;
	return rc;
}

/* The sleep between passes: 0 to look again, else the pass's end (-ETIMEDOUT: time is up). */
static int poll_sleep(struct vfs_poll_table *pt, uint64_t deadline)
{
	if (deadline == 0)
		return -ETIMEDOUT;
	return vfs_poll_table_sleep(pt, deadline);
}

/* do_pollfd: one entry's revents (POLLNVAL for an fd with no file, O_PATH included). */
static unsigned pollfd_one(struct process *p, struct lx_pollfd *e, struct vfs_poll_table *pt)
{
	unsigned filter = (uint16_t)e->events | VFS_POLLERR | VFS_POLLHUP;
	struct vfs_file *f;
	unsigned mask;

	if (e->fd < 0)
		return 0;
	if (!(f = lx_fget(p, e->fd)))
		return VFS_POLLNVAL;
	mask = (vfs_file_flags(f) & VFS_O_PATH) ? VFS_POLLNVAL : vfs_poll(f, pt) & filter;
	vfs_file_put(f);
	return mask;
}

static long do_poll(struct process *p, struct lx_pollfd *fds, unsigned long nfds, uint64_t deadline)
{
	struct vfs_poll_table *pt;
	long count;
	int rc;

	if ((rc = vfs_poll_table_new(&pt)) < 0)
		return rc;
	for (;;) {
		count = 0;
		for (unsigned long i = 0; i < nfds; i++) {
			fds[i].revents = (int16_t)pollfd_one(p, &fds[i], count ? NULL : pt);
			if (fds[i].revents)
				count++;
		}
		if (!count && signal_pending())
			count = -ERESTARTNOHAND;
		if (count)
			break;
		if ((rc = poll_sleep(pt, deadline)) == -ETIMEDOUT)
			break;
		if (rc == -ENOMEM) {
			count = rc;
			break;
		}
		/* woken or interrupted: the next pass says which */
	}
	vfs_poll_table_free(pt);
	return count;
}

/* do_sys_poll: the entries in, polled, their revents out. */
static long sys_poll(struct process *p, uintptr_t ufds, unsigned long nfds, uint64_t deadline)
{
	struct lx_pollfd *fds;
	long rc;

	if (nfds > lx(p)->rlim[LX_RLIMIT_NOFILE].cur)
		return -EINVAL;
	if (!(fds = kmalloc(nfds ? nfds * sizeof(*fds) : 1)))
		return -ENOMEM;
	if (lx_copy_in(p, fds, ufds, nfds * sizeof(*fds)) < 0) {
		kfree(fds);
		return -EFAULT;
	}
	rc = do_poll(p, fds, nfds, deadline);
	for (unsigned long i = 0; i < nfds && rc >= 0; i++)
		if (lx_copy_out(p, ufds + i * sizeof(*fds) + 6, &fds[i].revents, 2) < 0)
			rc = -EFAULT;
	kfree(fds);
	return rc;
}

/* set_user_sigmask: a ppoll/pselect6 mask of exactly 8 bytes. */
static int swap_mask(struct process *p, uintptr_t umask, unsigned long size)
{
	uint64_t mask;

	if (!umask)
		return 0;
	if (size != sizeof(mask))
		return -EINVAL;
	if (lx_copy_in(p, &mask, umask, sizeof(mask)) < 0)
		return -EFAULT;
	process_sigmask_swap(p, mask);
	return 1;
}

static long do_ppoll(struct process *p, const unsigned long *a)
{
	uint64_t deadline;
	long rc;
	int swapped;

	if ((rc = get_timeout(p, a[2], TMO_TIMESPEC, &deadline)) < 0)
		return rc;
	if ((swapped = swap_mask(p, a[3], a[4])) < 0)
		return swapped;
	rc = sys_poll(p, a[0], a[1], deadline);
	return finish(p, a[2], TMO_TIMESPEC, deadline, rc, swapped);
}

/* ---- select ---- */

struct fdsets {
	size_t words;
	uint64_t *in, *out, *ex, *res_in, *res_out, *res_ex;
};

/* max_select_fd: every fd in a set must be open (-EBADF); the highest one plus one. */
static long max_select_fd(struct process *p, const struct fdsets *s, unsigned n)
{
	long max = 0;

	for (unsigned fd = 0; fd < n; fd++) {
		uint64_t bit = 1ull << (fd % 64);
		struct vfs_file *f;

		if (!((s->in[fd / 64] | s->out[fd / 64] | s->ex[fd / 64]) & bit))
			continue;
		if (!(f = lx_fget(p, (int)fd)))
			return -EBADF;
		vfs_file_put(f);
		max = fd + 1;
	}
	return max;
}

/* select_poll_one: a file's events (POLLNVAL for an O_PATH one, which matches no set). */
static unsigned select_one(struct process *p, unsigned fd, struct vfs_poll_table *pt)
{
	struct vfs_file *f = lx_fget(p, (int)fd);
	unsigned mask;

	if (!f)
		return VFS_POLLNVAL;
	mask = (vfs_file_flags(f) & VFS_O_PATH) ? VFS_POLLNVAL : vfs_poll(f, pt);
	vfs_file_put(f);
	return mask;
}

static long do_select(struct process *p, struct fdsets *s, unsigned n, uint64_t deadline)
{
	struct vfs_poll_table *pt;
	long count, max = max_select_fd(p, s, n);
	int rc;

	if (max < 0)
		return max;
	if ((rc = vfs_poll_table_new(&pt)) < 0)
		return rc;
	for (;;) {
		count = 0;
		memset(s->res_in, 0, 3 * s->words * 8);
		for (unsigned fd = 0; fd < (unsigned)max; fd++) {
			size_t w = fd / 64;
			uint64_t bit = 1ull << (fd % 64);
			unsigned mask;

			if (!((s->in[w] | s->out[w] | s->ex[w]) & bit))
				continue;
			mask = select_one(p, fd, count ? NULL : pt);
			if ((mask & POLLIN_SET) && (s->in[w] & bit))
				s->res_in[w] |= bit, count++;
			if ((mask & POLLOUT_SET) && (s->out[w] & bit))
				s->res_out[w] |= bit, count++;
			if ((mask & POLLEX_SET) && (s->ex[w] & bit))
				s->res_ex[w] |= bit, count++;
		}
		if (count || signal_pending())
			break;
		if ((rc = poll_sleep(pt, deadline)) == -ETIMEDOUT)
			break;
		if (rc == -ENOMEM) {
			count = rc;
			break;
		}
	}
	vfs_poll_table_free(pt);
	return count;
}

static int get_set(struct process *p, uintptr_t u, uint64_t *k, size_t words)
{
	if (!u) {
		memset(k, 0, words * 8);
		return 0;
	}
	return lx_copy_in(p, k, u, words * 8);
}

static int put_set(struct process *p, uintptr_t u, const uint64_t *k, size_t words)
{
	return u ? lx_copy_out(p, u, k, words * 8) : 0;
}

/* core_sys_select: n capped at the fd table's size, the sets in, selected, out. */
static long core_select(struct process *p, long n, uintptr_t uin, uintptr_t uout, uintptr_t uex,
                        uint64_t deadline)
{
	unsigned max_fds = vfs_fdt_size(lx(p)->files);
	struct fdsets s;
	uint64_t *all;
	long rc;

	if (n < 0 || n > INT32_MAX)
		return -EINVAL;
	if ((unsigned long)n > max_fds)
		n = max_fds;
	s.words = ((size_t)n + 63) / 64;
	if (!(all = kzalloc(6 * (s.words ? s.words : 1) * 8)))
		return -ENOMEM;
	s.in = all, s.out = all + s.words, s.ex = all + 2 * s.words;
	s.res_in = all + 3 * s.words, s.res_out = all + 4 * s.words, s.res_ex = all + 5 * s.words;
	if (get_set(p, uin, s.in, s.words) < 0 || get_set(p, uout, s.out, s.words) < 0 ||
	    get_set(p, uex, s.ex, s.words) < 0) {
		kfree(all);
		return -EFAULT;
	}
	/* The sets' unused tail bits are ignored, as Linux's. */
	if (n % 64)
		for (int i = 0; i < 3; i++)
			all[i * s.words + s.words - 1] &= (1ull << (n % 64)) - 1;
	rc = do_select(p, &s, (unsigned)n, deadline);
	if (rc == 0 && signal_pending())
		rc = -ERESTARTNOHAND;
	else if (rc >= 0 && (put_set(p, uin, s.res_in, s.words) < 0 ||
	                     put_set(p, uout, s.res_out, s.words) < 0 ||
	                     put_set(p, uex, s.res_ex, s.words) < 0))
		rc = -EFAULT;
	kfree(all);
	return rc;
}

static long do_pselect6(struct process *p, const unsigned long *a)
{
	uint64_t deadline, pack[2] = {0, 0};
	long rc;
	int swapped;

	if (a[5] && lx_copy_in(p, pack, a[5], sizeof(pack)) < 0)
		return -EFAULT;
	if ((rc = get_timeout(p, a[4], TMO_TIMESPEC, &deadline)) < 0)
		return rc;
	if ((swapped = swap_mask(p, pack[0], pack[1])) < 0)
		return swapped;
	rc = core_select(p, (long)(int)a[0], a[1], a[2], a[3], deadline);
	return finish(p, a[4], TMO_TIMESPEC, deadline, rc, swapped);
}

#ifdef NR_select
static long do_select_legacy(struct process *p, const unsigned long *a)
{
	uint64_t deadline;
	long rc;

	if ((rc = get_timeout(p, a[4], TMO_TIMEVAL, &deadline)) < 0)
		return rc;
	rc = core_select(p, (long)(int)a[0], a[1], a[2], a[3], deadline);
	return finish(p, a[4], TMO_TIMEVAL, deadline, rc, false);
}
#endif

#ifdef NR_poll
static long poll_rest(struct process *p, const struct process_restart *r);

/*
 * poll keeps no time left for the program: a signal without a handler
 * lets it go on to the same deadline through restart_syscall (Linux's
 * do_restart_poll); with one, it is -EINTR.
 */
static long poll_until(struct process *p, uintptr_t ufds, unsigned long nfds, uint64_t deadline)
{
	long rc = sys_poll(p, ufds, nfds, deadline);

	if (rc != -ERESTARTNOHAND)
		return rc;
	p->restart = (struct process_restart){.fn = poll_rest, .arg = {ufds, nfds, deadline}};
	return -ERESTART_RESTARTBLOCK;
}

static long poll_rest(struct process *p, const struct process_restart *r)
{
	return poll_until(p, (uintptr_t)r->arg[0], (unsigned long)r->arg[1], r->arg[2]);
}

/* poll's milliseconds (negative: forever). */
static long do_poll_legacy(struct process *p, const unsigned long *a)
{
	long ms = (long)(int)a[2];
	uint64_t deadline = TASK_FOREVER;

	if (ms >= 0)
		set_timeout(ms / 1000, ms % 1000 * 1000000, &deadline);
	return poll_until(p, a[0], a[1], deadline);
}
#endif

long lx_sys_poll(struct process *p, unsigned long nr, const unsigned long *a)
{
	switch (nr) {
	case NR_ppoll:
		return do_ppoll(p, a);
	case NR_pselect6:
		return do_pselect6(p, a);
#ifdef NR_poll
	case NR_poll:
		return do_poll_legacy(p, a);
#endif
#ifdef NR_select
	case NR_select:
		return do_select_legacy(p, a);
#endif
	default:
		return -ENOSYS;
	}
}
