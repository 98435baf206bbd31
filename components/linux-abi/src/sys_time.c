/* Clocks and sleeping. */
#include <hal/time.h>
#include <klib/errno.h>
#include <task/task.h>
#include <linux-arch/unistd.h>
#include "abi_internal.h"

#define CLOCK_REALTIME           0
#define CLOCK_MONOTONIC          1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID  3
#define CLOCK_MONOTONIC_RAW      4
#define CLOCK_REALTIME_COARSE    5
#define CLOCK_MONOTONIC_COARSE   6
#define CLOCK_BOOTTIME           7
#define TIMER_ABSTIME            1
#define NSEC                     1000000000ull
#ifdef CONFIG_TASK_ACCOUNTING
#define TASK_ACCOUNTING_ON 1
#else
#define TASK_ACCOUNTING_ON 0 /* no per-task runtime: the CPU clocks read time since boot */
#endif

struct lx_timespec {
	int64_t sec, nsec;
};

/* CPU time the process's task has had (the task's accounting, when on). */
static uint64_t cpu_time(struct process *p)
{
	struct task_info info;

	if (!p->task)
		return 0;
	task_get_info(p->task, &info);
	return info.runtime_ns;
}

int lx_clock_now(struct process *p, int clk, uint64_t *ns)
{
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		*ns = hal_time_realtime_ns();
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		*ns = hal_time_ns();
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID: /* one thread per process: the same clock */
	case CLOCK_THREAD_CPUTIME_ID:
		*ns = TASK_ACCOUNTING_ON ? cpu_time(p) : hal_time_ns();
		return 0;
	default:
		return -EINVAL;
	}
}

static long put_ts(struct process *p, uintptr_t u, uint64_t ns)
{
	struct lx_timespec ts = {(int64_t)(ns / NSEC), (int64_t)(ns % NSEC)};

	return lx_copy_out(p, u, &ts, sizeof(ts));
}

static long get_ts(struct process *p, uintptr_t u, uint64_t *ns)
{
	struct lx_timespec ts;

	if (lx_copy_in(p, &ts, u, sizeof(ts)) < 0)
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || (uint64_t)ts.nsec >= NSEC)
		return -EINVAL;
	*ns = (uint64_t)ts.sec > UINT64_MAX / NSEC - 1
	          ? UINT64_MAX
	          : (uint64_t)ts.sec * NSEC + (uint64_t)ts.nsec;
	return 0;
}

static long sleep_rest(struct process *p, const struct process_restart *r);

/*
 * A relative sleep until 'deadline' (hal_time_ns): 0 once it is over. A
 * signal ends it early with the time left in *urem, and the rest left to
 * restart_syscall (Linux's do_nanosleep and hrtimer_nanosleep_restart):
 * a handler makes the call -EINTR; a signal with none (a stop and
 * SIGCONT) lets the sleep go on to the same deadline.
 */
static long sleep_until(struct process *p, uint64_t deadline, uintptr_t urem)
{
	uint64_t now;

	if (task_sleep_until_intr(deadline, TASK_WAIT_INTERRUPTIBLE) == 0)
		return 0;
	now = hal_time_ns();
	if (urem && put_ts(p, urem, deadline > now ? deadline - now : 0) < 0)
		return -EFAULT;
	p->restart = (struct process_restart){.fn = sleep_rest, .arg = {deadline, urem}};
	return -ERESTART_RESTARTBLOCK;
}

static long sleep_rest(struct process *p, const struct process_restart *r)
{
	return sleep_until(p, r->arg[0], (uintptr_t)r->arg[1]);
}

/*
 * nanosleep/clock_nanosleep: an interruptible sleep, as Linux's. An
 * absolute one (TIMER_ABSTIME) that a signal ends runs again whole when no
 * handler runs (-ERESTARTNOHAND: the same deadline), else it is -EINTR.
 */
static long do_sleep(struct process *p, int clk, int flags, uintptr_t ureq, uintptr_t urem)
{
	uint64_t req, now, mono, deadline;
	long rc;

	if ((rc = get_ts(p, ureq, &req)) < 0)
		return rc;
	if ((rc = lx_clock_now(p, clk, &now)) < 0)
		return rc;
	mono = hal_time_ns();
	if (flags & TIMER_ABSTIME)
		req = req > now ? req - now : 0;
	deadline = req > UINT64_MAX - mono ? TASK_FOREVER : mono + req;
	if (!(flags & TIMER_ABSTIME))
		return sleep_until(p, deadline, urem);
	if (task_sleep_until_intr(deadline, TASK_WAIT_INTERRUPTIBLE) == 0)
		return 0;
	return -ERESTARTNOHAND;
}

long lx_sys_time(struct process *p, unsigned long nr, const unsigned long *a)
{
	uint64_t ns;
	long rc;

	switch (nr) {
	case NR_clock_gettime:
		if ((rc = lx_clock_now(p, (int)a[0], &ns)) < 0)
			return rc;
		return put_ts(p, a[1], ns);
	case NR_clock_getres:
		if ((rc = lx_clock_now(p, (int)a[0], &ns)) < 0)
			return rc;
		return a[1] ? put_ts(p, a[1], 1) : 0;
	case NR_gettimeofday:
		if (a[0]) {
			int64_t tv[2];
			ns = hal_time_realtime_ns();
			tv[0] = (int64_t)(ns / NSEC);
			tv[1] = (int64_t)(ns % NSEC / 1000);
			if (lx_copy_out(p, a[0], tv, sizeof(tv)) < 0)
				return -EFAULT;
		}
		if (a[1]) { /* struct timezone: UTC, no DST (Linux's sys_tz untouched) */
			int32_t tz[2] = {0, 0};
			if (lx_copy_out(p, a[1], tz, sizeof(tz)) < 0)
				return -EFAULT;
		}
		return 0;
	case NR_nanosleep:
		return do_sleep(p, CLOCK_MONOTONIC, 0, a[0], a[1]);
	case NR_clock_nanosleep:
		if (a[0] == CLOCK_THREAD_CPUTIME_ID)
			return -EINVAL;
		return do_sleep(p, (int)a[0], (int)a[1], a[2], a[3]);
	default:
		return -ENOSYS;
	}
}
