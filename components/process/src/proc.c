/*
 * The process table: pids, the tree of parents and children, and the lock
 * that guards both. Pids count up from 1 and are not reused while the
 * counter lasts (2^31), as a demanding reader of logs would want.
 */
#include <hal/spinlock.h>
#include <klib/errno.h>
#include <klib/string.h>
#include <page-alloc/page_alloc.h>
#include <task/task.h>
#include "process_internal.h"

static hal_spinlock_t tree_lock = HAL_SPINLOCK_INIT;
static struct list_node all_processes = LIST_HEAD_INIT(all_processes);
static int32_t next_pid = 1;
static size_t nprocesses;

const struct process_abi *process_abi_ops;
const struct process_files *process_file_ops;

void process_set_abi(const struct process_abi *abi)
{
	process_abi_ops = abi;
}

void process_set_file_ops(const struct process_files *ops)
{
	process_file_ops = ops;
}

unsigned long process_lock(void)
{
	return hal_spin_lock_irqsave(&tree_lock);
}

void process_unlock(unsigned long flags)
{
	hal_spin_unlock_irqrestore(&tree_lock, flags);
}

hal_spinlock_t *process_tree_lock(void)
{
	return &tree_lock;
}

struct list_node *process_all_list(void)
{
	return &all_processes;
}

struct process *process_find(int32_t pid)
{
	struct process *p;

	list_for_each_entry(p, &all_processes, all) if (p->pid == pid) return p->state ==
	        PROCESS_NEW
	    ? NULL
	    : p;
	return NULL;
}

void process_for_each(void (*fn)(struct process *p, void *ctx), void *ctx)
{
	unsigned long flags = process_lock();
	struct process *p;

	list_for_each_entry(p, &all_processes, all) fn(p, ctx);
	process_unlock(flags);
}

struct process *process_alloc(struct process *parent, bool thread)
{
	struct process *p = kzalloc(sizeof(*p));
	unsigned long flags;

	if (!p)
		return NULL;
	list_init(&p->children);
	wq_init(&p->child_exit);
	wq_init(&p->as_idle);
	wq_init(&p->group_wq);
	list_init(&p->threads);
	list_add_tail(&p->threads, &p->thread);
	p->leader = p;
	p->nr_threads = 1;
	list_init(&p->timers);
	wq_init(&p->stop_wq);
	p->state = PROCESS_NEW;
	flags = process_lock();
	if (next_pid <= 0) { /* 2^31 processes: out of pids */
		process_unlock(flags);
		kfree(p);
		return NULL;
	}
	p->pid = next_pid++;
	p->parent = parent;
	if (thread) {
		/* In no list of the tree: its group's leader stands for it there. */
		list_init(&p->sibling);
		list_del(&p->thread);
		p->nr_threads = 0;
		p->leader = parent;
		p->parent = parent->parent;
		p->pgid = parent->pgid;
		p->sid = parent->sid;
	} else if (parent) {
		list_add_tail(&parent->children, &p->sibling);
		p->pgid = parent->pgid; /* session leadership is not inherited */
		p->sid = parent->sid;
	} else {
		list_init(&p->sibling); /* the first process: group and session 0, as Linux's */
	}
	list_add_tail(&all_processes, &p->all);
	nprocesses++;
	process_unlock(flags);
	return p;
}

void process_publish(struct process *p)
{
	unsigned long flags = process_lock();

	p->state = PROCESS_RUNNING;
	process_unlock(flags);
}

void process_discard(struct process *p)
{
	unsigned long flags = process_lock();

	list_del(&p->all);
	list_del(&p->sibling);
	nprocesses--;
	process_unlock(flags);
	kfree(p);
}

void process_reap_locked(struct process *p)
{
	list_del(&p->all);
	list_del(&p->sibling);
	nprocesses--;
}

size_t process_count_locked(void)
{
	return nprocesses;
}

size_t process_count(void)
{
	unsigned long flags = process_lock();
	size_t n = nprocesses;

	process_unlock(flags);
	return n;
}

int32_t process_next_pid(int32_t after)
{
	unsigned long flags = process_lock();
	int32_t best = 0;
	struct process *p;

	list_for_each_entry(p, &all_processes, all)
	{
		if (p->state != PROCESS_NEW && p->leader == p && p->pid > after &&
		    (!best || p->pid < best))
			best = p->pid;
	}
	process_unlock(flags);
	return best;
}

int32_t process_last_pid(void)
{
	unsigned long flags = process_lock();
	int32_t last = next_pid - 1;

	process_unlock(flags);
	return last;
}

struct addr_space *process_as_get(int32_t pid, struct process_as_ref *ref)
{
	unsigned long flags = process_lock();
	struct process *p = process_find(pid);

	ref->p = NULL;
	ref->as = NULL;
	if (p)
		p = p->leader; /* a thread's space is its group's */
	if (p && p->state == PROCESS_RUNNING && p->as) {
		p->as_users++;
		ref->p = p;
		ref->as = p->as;
	}
	process_unlock(flags);
	return ref->as;
}

void process_as_put(struct process_as_ref *ref)
{
	unsigned long flags = process_lock();

	if (--ref->p->as_users == 0) {
		wq_wake_all(&ref->p->as_idle);
		wq_wake_all(&ref->p->group_wq); /* an exec from a thread waits for it too */
	}
	process_unlock(flags);
	ref->p = NULL;
	ref->as = NULL;
}

void process_as_retire(struct process *p, struct addr_space *as)
{
	unsigned long flags = process_lock();

	if (p->as == as)
		p->as = NULL;
	while (p->as_users)
		wq_wait(&p->as_idle, &tree_lock, TASK_FOREVER);
	process_unlock(flags);
	as_destroy(as);
}

struct process *process_current(void)
{
	return task_owner(task_current());
}

int32_t process_tgid(struct process *p)
{
	return p->leader->pid;
}

static int randomize_va_space = CONFIG_PROCESS_RANDOMIZE_VA_SPACE;

int process_set_randomize_va_space(int level)
{
	if (level < 0 || level > 2)
		return -EINVAL;
	__atomic_store_n(&randomize_va_space, level, __ATOMIC_RELAXED);
	return 0;
}

int process_randomize_va_space(void)
{
	return __atomic_load_n(&randomize_va_space, __ATOMIC_RELAXED);
}
