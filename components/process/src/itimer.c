/*
 * Timers that send signals: ITIMER_REAL (setitimer, alarm: Linux's
 * it_real_fn, SIGALRM to the thread group, re-armed by the interval) and
 * POSIX timers (timer_create: Linux's posix-timers.c with hrtimers). Both
 * are a struct process_timer; armed ones are on one list under the tree
 * lock, and one kernel task sleeps until the earliest expiry, fires what
 * is due and sleeps again. The task starts when a timer is armed and none
 * runs, and ends when the list is empty, so a kernel whose programs use no
 * timer has no such task.
 */
#include <hal/time.h>
#include <klib/errno.h>
#include <klib/string.h>
#include <task/task.h>
#include "process_internal.h"

struct process_timer {
	struct process *p;      /* its thread group's leader */
	struct list_node node;  /* on p->timers (POSIX timers) */
	struct list_node armed; /* on the armed list while deadline != 0 */
	uint64_t deadline;      /* hal_time_ns() of the next expiry; 0: disarmed */
	uint64_t interval;
	int id;    /* -1: ITIMER_REAL */
	int clock; /* the layer's clock id (TIMER_ABSTIME) */
	int sigev, signo;
	int32_t tid; /* PROCESS_SIGEV_THREAD_ID: the thread the signal is for */
	uint64_t value;
	int overrun;      /* expiries while its signal was pending */
	int overrun_last; /* the count of the signal before the pending one */
};

static struct list_node armed = LIST_HEAD_INIT(armed);
static struct wait_queue changed = WAIT_QUEUE_INIT(changed);
static bool running;              /* the task runs (tree lock) */
static struct task *timer_thread; /* it, to be joined (tree lock) */

/*
 * With the tree lock: the thread a SIGEV_THREAD_ID timer signals, if it
 * is still a live thread of the timer's group (Linux drops the signal of
 * a timer whose thread has gone).
 */
static struct process *thread_of(const struct process_timer *t)
{
	struct process *th = process_find(t->tid);

	if (!th || th->leader != t->p || th->thread_exited || th->state != PROCESS_RUNNING)
		return NULL;
	return th;
}

/* With the tree lock: is t's signal pending (not yet taken)? */
static bool pending_locked(const struct process_timer *t)
{
	const struct process *th;
	uint64_t pending;
	const struct process_siginfo *info;

	if (t->sigev == PROCESS_SIGEV_NONE)
		return false;
	if (t->sigev == PROCESS_SIGEV_THREAD_ID) {
		if (!(th = thread_of(t)))
			return false;
		pending = th->thread_pending, info = &th->thread_info[t->signo - 1];
	} else {
		pending = t->p->sig_pending, info = &t->p->sig_info[t->signo - 1];
	}
	return (pending & PROCESS_SIGBIT(t->signo)) && info->code == PROCESS_SI_TIMER &&
	       info->timerid == t->id;
}

/* t's overrun plus n, saturated at INT_MAX (Linux's DELAYTIMER_MAX). */
static int overrun_add(int overrun, uint64_t n)
{
	return n >= (uint64_t)(INT32_MAX - overrun) ? INT32_MAX : overrun + (int)n;
}

/*
 * With the tree lock: an expiry (Linux's posix_timer_fn, it_real_fn), and
 * 'missed' periods that passed after it before the timer task ran (a late
 * wake-up): Linux counts them as overruns when it forwards the timer.
 */
static void expire(struct process_timer *t, uint64_t missed)
{
	struct process *p = t->p;
	struct process_siginfo info = {.signo = t->signo};
	struct process *th;

	if (t->id < 0) {
		info.code = PROCESS_SI_KERNEL;
		process_send_locked(p, &info);
		return;
	}
	if (t->sigev == PROCESS_SIGEV_NONE)
		return;
	if (pending_locked(t)) { /* still pending: more overruns, in the queued siginfo too */
		t->overrun = overrun_add(t->overrun, missed + 1);
		th = t->sigev == PROCESS_SIGEV_THREAD_ID ? thread_of(t) : NULL;
		(th ? th->thread_info : p->sig_info)[t->signo - 1].overrun = t->overrun;
		return;
	}
	t->overrun_last = t->overrun; /* that signal was taken: its count is the last */
	t->overrun = overrun_add(0, missed);
	info.code = PROCESS_SI_TIMER;
	info.timerid = t->id;
	info.value = t->value;
	info.overrun = t->overrun;
	if (t->sigev != PROCESS_SIGEV_THREAD_ID)
		process_send_locked(p, &info);
	else if ((p = thread_of(t)))
		process_send_thread_locked(p, &info);
}

static void disarm_locked(struct process_timer *t)
{
	if (t->deadline)
		list_del(&t->armed);
	t->deadline = 0;
	t->interval = 0;
}

/* With the tree lock: fire what is due; the earliest deadline left, or 0. */
static uint64_t fire_due(uint64_t now)
{
	struct process_timer *t, *tmp;
	uint64_t next = 0;

	list_for_each_entry_safe(t, tmp, &armed, armed)
	{
		if (t->deadline <= now) {
			uint64_t missed = t->interval ? (now - t->deadline) / t->interval : 0;

			expire(t, missed);
			if (!t->interval) {
				disarm_locked(t);
				continue;
			}
			/* Linux's hrtimer_forward: past now, on the timer's own grid. */
			t->deadline += (missed + 1) * t->interval;
		}
		if (!next || t->deadline < next)
			next = t->deadline;
	}
	return next;
}

static int timer_task(void *arg)
{
	hal_spinlock_t *lock = process_tree_lock();
	unsigned long flags = hal_spin_lock_irqsave(lock);
	uint64_t next;

	(void)arg;
	while ((next = fire_due(hal_time_ns())) != 0)
		wq_wait(&changed, lock, next); /* a new, earlier timer wakes it */
	running = false;
	hal_spin_unlock_irqrestore(lock, flags);
	return 0;
}

static void read_locked(const struct process_timer *t, uint64_t now, uint64_t *value,
                        uint64_t *interval)
{
	if (value) /* Linux reports at least 1 us left for an armed timer */
		*value = !t || !t->deadline ? 0 : t->deadline > now ? t->deadline - now : 1000;
	if (interval)
		*interval = t ? t->interval : 0;
}

/* With the tree lock: g's ITIMER_REAL (id -1) or POSIX timer 'id', or NULL. */
static struct process_timer *find_locked(struct process *g, int id)
{
	struct process_timer *t;

	if (id < 0)
		return g->itimer;
	list_for_each_entry(t, &g->timers, node) if (t->id == id) return t;
	return NULL;
}

/* With the tree lock: must the caller start the timers' task? (marked running then) */
static bool need_task_locked(struct task **ended)
{
	if (running)
		return false;
	running = true;
	*ended = timer_thread; /* one that ended before: the caller joins it */
	timer_thread = NULL;
	return true;
}

/* Start the timers' task; -ENOMEM: g's timer 'id' is disarmed again. */
static int start_task(struct process *g, int id, struct task *ended)
{
	/* Joinable: its stack is back when the timers stop. */
	struct task_attr attr = {.detached = false};
	struct process_timer *t;
	struct task *task;
	unsigned long flags;
	int rc;

	if (ended)
		task_join(ended, NULL);
	rc = task_create(&task, "timers", timer_task, NULL, &attr);
	flags = process_lock();
	if (rc == 0) {
		timer_thread = task;
	} else {
		running = false;
		if ((t = find_locked(g, id))) /* another thread may have deleted it meanwhile */
			disarm_locked(t);
	}
	process_unlock(flags);
	return rc == 0 ? 0 : -ENOMEM;
}

/*
 * Arm g's timer 'id' (value 0: disarm), old setting out; starts the task
 * if needed (-ENOMEM). The lookup is under the lock: any thread of the
 * group may delete the timer at any time.
 */
static int arm(struct process *g, int id, uint64_t value, uint64_t interval, uint64_t *old_value,
               uint64_t *old_interval)
{
	uint64_t now = hal_time_ns();
	unsigned long flags = process_lock();
	struct process_timer *t = find_locked(g, id);
	struct task *ended = NULL;
	bool start = false;

	if (!t) {
		process_unlock(flags);
		return -EINVAL;
	}
	read_locked(t, now, old_value, old_interval);
	disarm_locked(t);
	if (value) {
		t->deadline = value > UINT64_MAX - now ? UINT64_MAX : now + value;
		t->interval = interval;
		list_add_tail(&armed, &t->armed);
		start = need_task_locked(&ended);
	}
	wq_wake_all(&changed);
	process_unlock(flags);
	return start ? start_task(g, id, ended) : 0;
}

static struct process_timer *timer_new(struct process *g, int id, int sigev, int signo,
                                       uint64_t value)
{
	struct process_timer *t = kzalloc(sizeof(*t));

	if (t)
		*t = (struct process_timer){
		    .p = g, .id = id, .sigev = sigev, .signo = signo, .value = value};
	return t;
}

int process_setitimer(struct process *p, uint64_t value, uint64_t interval, uint64_t *old_value,
                      uint64_t *old_interval)
{
	struct process *g = p->leader;
	struct process_timer *t = NULL;
	unsigned long flags;

	if (value && !(t = timer_new(g, -1, PROCESS_SIGEV_SIGNAL, PROCESS_SIGALRM, 0)))
		return -ENOMEM; /* made before the lock, dropped if the group has one */
	flags = process_lock();
	if (!g->itimer && t) {
		g->itimer = t; /* the timer task reads it */
		t = NULL;
	}
	if (!g->itimer) { /* disarming a timer never armed */
		process_unlock(flags);
		read_locked(NULL, 0, old_value, old_interval);
		return 0;
	}
	process_unlock(flags);
	kfree(t);
	return arm(g, -1, value, interval, old_value, old_interval);
}

void process_getitimer(struct process *p, uint64_t *value, uint64_t *interval)
{
	unsigned long flags = process_lock();

	read_locked(p->leader->itimer, hal_time_ns(), value, interval);
	process_unlock(flags);
}

int process_timer_create(struct process *p, int clock, int sigev, int signo, int32_t tid,
                         uint64_t value, bool value_is_id)
{
	struct process *g = p->leader;
	struct process_timer *t = timer_new(g, 0, sigev, signo, value);
	unsigned long flags;
	int id;

	if (!t)
		return -EAGAIN;
	t->clock = clock;
	t->tid = tid;
	flags = process_lock();
	if (sigev == PROCESS_SIGEV_THREAD_ID && !thread_of(t)) {
		process_unlock(flags);
		kfree(t);
		return -EINVAL; /* Linux's good_sigevent: a thread of the caller's group */
	}
	id = t->id = g->timer_next_id++;
	if (value_is_id)
		t->value = (uint64_t)t->id;
	list_add_tail(&g->timers, &t->node);
	process_unlock(flags);
	return id; /* t may be gone already: another thread may have deleted it */
}

int process_timer_set(struct process *p, int id, uint64_t value, uint64_t interval,
                      uint64_t *old_value, uint64_t *old_interval)
{
	return id < 0 ? -EINVAL : arm(p->leader, id, value, interval, old_value, old_interval);
}

int process_timer_get(struct process *p, int id, uint64_t *value, uint64_t *interval)
{
	unsigned long flags = process_lock();
	struct process_timer *t = id < 0 ? NULL : find_locked(p->leader, id);

	if (t)
		read_locked(t, hal_time_ns(), value, interval);
	process_unlock(flags);
	return t ? 0 : -EINVAL;
}

int process_timer_clock(struct process *p, int id)
{
	unsigned long flags = process_lock();
	struct process_timer *t = id < 0 ? NULL : find_locked(p->leader, id);
	int clock = t ? t->clock : -EINVAL;

	process_unlock(flags);
	return clock;
}

int process_timer_overrun(struct process *p, int id)
{
	unsigned long flags = process_lock();
	struct process_timer *t = id < 0 ? NULL : find_locked(p->leader, id);
	/* Linux's it_overrun_last: the count the last signal taken carried. */
	int n = !t ? -EINVAL : pending_locked(t) ? t->overrun_last : t->overrun;

	process_unlock(flags);
	return n;
}

static void delete_locked(struct process_timer *t)
{
	disarm_locked(t);
	list_del(&t->node);
}

int process_timer_delete(struct process *p, int id)
{
	unsigned long flags = process_lock();
	struct process_timer *t = id < 0 ? NULL : find_locked(p->leader, id);

	if (t) {
		delete_locked(t);
		wq_wake_all(&changed); /* the task ends if that was the last */
	}
	process_unlock(flags);
	kfree(t);
	return t ? 0 : -EINVAL;
}

/* Every POSIX timer of p's group goes (and, at exit, ITIMER_REAL). */
static void drop(struct process *p, bool itimer_too)
{
	struct list_node gone = LIST_HEAD_INIT(gone);
	struct process_timer *t, *tmp, *it = NULL;
	unsigned long flags = process_lock();

	p = p->leader;
	list_for_each_entry_safe(t, tmp, &p->timers, node)
	{
		delete_locked(t);
		list_add_tail(&gone, &t->node);
	}
	if (itimer_too && (it = p->itimer)) {
		disarm_locked(it);
		p->itimer = NULL;
	}
	wq_wake_all(&changed);
	process_unlock(flags);
	list_for_each_entry_safe(t, tmp, &gone, node) kfree(t);
	kfree(it);
}

void process_timers_lead_locked(struct process *p, struct process *g)
{
	struct process_timer *t;

	p->itimer = g->itimer;
	g->itimer = NULL;
	if (p->itimer)
		p->itimer->p = p;
	list_splice_tail(&p->timers, &g->timers);
	list_for_each_entry(t, &p->timers, node) t->p = p;
	p->timer_next_id = g->timer_next_id;
}

void process_timers_exit(struct process *p)
{
	drop(p, true);
}

void process_timers_exec(struct process *p)
{
	drop(p, false);
}

void process_timers_stop(void)
{
	unsigned long flags = process_lock();
	struct task *t = timer_thread;

	timer_thread = NULL;
	wq_wake_all(&changed); /* nothing is armed once every process is gone: it ends */
	process_unlock(flags);
	if (t)
		task_join(t, NULL);
}
