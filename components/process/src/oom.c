/*
 * The OOM killer, Linux's way (mm/oom_kill.c): when a process's page fault
 * finds no free frame, the process with the most resident pages dies by
 * SIGKILL, never pid 1, and the fault runs again once the victim's memory
 * is back. Never the faulting process by chance, unless it is the biggest
 * (or nothing else can go).
 *
 * Badness is Linux's oom_badness without its adjustments: resident pages
 * (shared and copy-on-write pages counted in each process that maps them)
 * plus page-table pages. There is no oom_score_adj (every process weighs
 * what it holds) and no swap. While a victim, or any process already dying
 * with its memory, has not let go of it, no second victim is chosen: the
 * faulting process waits (killable) for it, as Linux's oom_evaluate_task
 * aborts on a victim in progress.
 */
#include <klib/errno.h>
#include <klib/log.h>
#include <klib/string.h>
#include <task/task.h>
#include "process_internal.h"

static struct wait_queue memory_back = WAIT_QUEUE_INIT(memory_back);

/* About to give its memory back: dying with its space, or destroying it now. */
static bool freeing(const struct process *q)
{
	return q->state == PROCESS_RUNNING &&
	       ((q->as && __atomic_load_n(&q->sig_fatal, __ATOMIC_RELAXED)) || q->releasing);
}

static size_t space_pages(struct addr_space *as)
{
	return as ? as_resident_pages(as) + as_table_pages(as) : 0;
}

/* An exec's new space counts too: its arguments are the process's doing. */
static size_t badness(struct process *q)
{
	return space_pages(q->as) + space_pages(q->exec_as);
}

/* Linux's select_bad_process: the most pages; a tie goes to the later one. */
static struct process *select_victim(size_t *points)
{
	struct process *q, *chosen = NULL;

	*points = 0;
	list_for_each_entry(q, process_all_list(), all)
	{
		if (q->state != PROCESS_RUNNING || q->leader != q || !q->as || q->pid == 1)
			continue;
		size_t b = badness(q);
		if (b && b >= *points) {
			chosen = q;
			*points = b;
		}
	}
	return chosen;
}

void process_oom_released_locked(struct process *p)
{
	p->releasing = false;
	wq_wake_all(&memory_back);
}

int process_oom(struct process *p)
{
	hal_spinlock_t *lock = process_tree_lock();
	unsigned long flags = hal_spin_lock_irqsave(lock);
	struct process *q, *victim = NULL;
	char comm[sizeof(p->comm)];
	size_t points = 0;
	int32_t pid = 0;
	int rc;

	list_for_each_entry(q, process_all_list(), all) if (freeing(q))
	{
		victim = q;
		break;
	}
	if (!victim) {
		victim = select_victim(&points);
		if (!victim) { /* nobody else: only pid 1, or p alone */
			victim = p;
			points = badness(p);
		}
		victim->oom_victim = true;
		pid = victim->pid;
		memcpy(comm, victim->comm, sizeof(comm));
		process_make_fatal_locked(victim, PROCESS_SIGKILL);
	}
	if (victim == p)
		rc = -EINTR;
	else /* until some process gave its memory back */
		rc = wq_wait_intr(&memory_back, lock, TASK_FOREVER, TASK_WAIT_KILLABLE);
	hal_spin_unlock_irqrestore(lock, flags);
	if (pid)
		klog_warn("process",
		          "out of memory: killed process %d (%s), %zu pages (resident and tables)",
		          pid, comm, points);
	return rc == -EINTR ? -EINTR : 0;
}
