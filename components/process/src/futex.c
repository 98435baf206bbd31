/*
 * Futexes: keys, buckets of waiters under one lock, wait, wake, requeue,
 * and the exit of a thread (robust list, clear_child_tid). Linux's
 * kernel/futex/{core,waitwake,requeue}.c.
 */
#include <hal/spinlock.h>
#include <klib/errno.h>
#include <process/futex.h>
#include <task/task.h>
#include "process_internal.h"

#define FUTEX_BUCKETS     64 /* a power of two; only spreads the search */
#define FUTEX_TID_MASK    0x3fffffffu
#define FUTEX_OWNER_DIED  0x40000000u
#define FUTEX_WAITERS     0x80000000u
#define ROBUST_LIST_LIMIT 2048 /* Linux's bound on a list a program may have looped */

struct futex_key {
	const void *space; /* the address space, or NULL: 'addr' is a physical address */
	uintptr_t addr;
};

/* A sleeping thread, on its own stack. */
struct futex_waiter {
	struct list_node node; /* in its bucket while 'queued' (futex_lock) */
	struct futex_key key;
	uint32_t bitset;
	bool queued;          /* no waker has taken it yet */
	struct wait_queue wq; /* its task alone sleeps here */
};

static hal_spinlock_t futex_lock = HAL_SPINLOCK_INIT;
static struct list_node buckets[FUTEX_BUCKETS];
static bool buckets_ready;
static size_t nwaiters;

static struct list_node *bucket(const struct futex_key *k)
{
	uint64_t h = ((uint64_t)(uintptr_t)k->space ^ k->addr) * 0x9e3779b97f4a7c15ull;

	if (!buckets_ready) { /* first use, under futex_lock */
		for (unsigned i = 0; i < FUTEX_BUCKETS; i++)
			list_init(&buckets[i]);
		buckets_ready = true;
	}
	return &buckets[h >> 58];
}

static bool key_eq(const struct futex_key *a, const struct futex_key *b)
{
	return a->space == b->space && a->addr == b->addr;
}

struct area_probe {
	uintptr_t addr;
	bool found, shared;
};

static enum as_visit probe(const struct as_area *a, void *ctx)
{
	struct area_probe *pr = ctx;

	if (as_area_start(a) <= pr->addr) {
		pr->found = true;
		pr->shared = as_area_flags(a) & AS_MAP_SHARED;
	}
	return AS_VISIT_STOP;
}

/* Linux's get_futex_key: -EINVAL (alignment), -EFAULT (no user page for a shared key). */
static int futex_key(struct addr_space *as, uintptr_t uaddr, bool shared, struct futex_key *k)
{
	struct area_probe pr = {.addr = uaddr};
	unsigned prot;
	paddr_t pa;

	if (uaddr & 3)
		return -EINVAL;
	if (uaddr > as_user_top() - 4)
		return -EFAULT;
	k->space = as;
	k->addr = uaddr;
	if (!shared)
		return 0;
	as_visit(as, uaddr, probe, &pr);
	if (!pr.found)
		return -EFAULT;
	if (!pr.shared)
		return 0; /* private memory: keyed by its space, whatever the flag */
	if (as_query(as, uaddr, &pa, &prot) < 0) {
		if (as_fault(as, uaddr, AS_ACCESS_READ) < 0 || as_query(as, uaddr, &pa, &prot) < 0)
			return -EFAULT;
	}
	k->space = NULL;
	k->addr = (uintptr_t)pa;
	return 0;
}

/* With futex_lock held: w leaves its bucket and its task wakes. */
static void wake_waiter(struct futex_waiter *w)
{
	list_del(&w->node);
	w->queued = false;
	nwaiters--;
	wq_wake_all(&w->wq);
}

int futex_wait(struct addr_space *as, uintptr_t uaddr, bool shared, uint32_t val, uint64_t deadline,
               uint32_t bitset)
{
	struct futex_waiter w = {.bitset = bitset};
	unsigned long flags;
	uint32_t cur;
	int rc;

	if (!bitset)
		return -EINVAL;
	if ((rc = futex_key(as, uaddr, shared, &w.key)) < 0)
		return rc;
	wq_init(&w.wq);
	flags = hal_spin_lock_irqsave(&futex_lock);
	list_add_tail(bucket(&w.key), &w.node);
	w.queued = true;
	nwaiters++;
	hal_spin_unlock_irqrestore(&futex_lock, flags);
	/* Queued first: a waker that changes the word after this read finds us. */
	if (as_copy_from_user(as, &cur, uaddr, sizeof(cur)) < 0)
		rc = -EFAULT;
	else if (cur != val)
		rc = -EAGAIN;
	flags = hal_spin_lock_irqsave(&futex_lock);
	while (rc == 0 && w.queued)
		rc = wq_wait_intr(&w.wq, &futex_lock, deadline, TASK_WAIT_INTERRUPTIBLE);
	if (w.queued) {
		list_del(&w.node);
		nwaiters--;
	} else {
		rc = 0; /* a waker chose it: the wake is consumed, never lost */
	}
	hal_spin_unlock_irqrestore(&futex_lock, flags);
	return rc;
}

long futex_wake(struct addr_space *as, uintptr_t uaddr, bool shared, int nr, uint32_t bitset)
{
	struct futex_waiter *w, *tmp;
	struct futex_key k;
	unsigned long flags;
	long n = 0;
	int rc;

	if (!bitset)
		return -EINVAL;
	if ((rc = futex_key(as, uaddr, shared, &k)) < 0)
		return rc;
	flags = hal_spin_lock_irqsave(&futex_lock);
	list_for_each_entry_safe(w, tmp, bucket(&k), node)
	{
		if (!key_eq(&w->key, &k) || !(w->bitset & bitset))
			continue;
		wake_waiter(w);
		if (++n >= nr)
			break;
	}
	wq_unlock(&futex_lock, flags);
	return n;
}

long futex_requeue(struct addr_space *as, uintptr_t uaddr, uintptr_t uaddr2, bool shared,
                   int nr_wake, int nr_requeue, const uint32_t *cmpval)
{
	struct futex_key k1, k2;
	struct futex_waiter *w, *tmp;
	unsigned long flags;
	uint32_t cur;
	long n = 0;
	int rc;

	if (nr_wake < 0 || nr_requeue < 0)
		return -EINVAL;
	if ((rc = futex_key(as, uaddr, shared, &k1)) < 0 ||
	    (rc = futex_key(as, uaddr2, shared, &k2)) < 0)
		return rc;
	if (cmpval) {
		if (as_copy_from_user(as, &cur, uaddr, sizeof(cur)) < 0)
			return -EFAULT;
		if (cur != *cmpval)
			return -EAGAIN;
	}
	flags = hal_spin_lock_irqsave(&futex_lock);
	list_for_each_entry_safe(w, tmp, bucket(&k1), node)
	{
		if (n - nr_wake >= nr_requeue)
			break;
		if (!key_eq(&w->key, &k1))
			continue;
		if (++n <= nr_wake) {
			wake_waiter(w);
			continue;
		}
		/* Onto another bucket's tail; within one, where it is (the walk must not meet it
		 * again). */
		if (bucket(&k2) != bucket(&k1)) {
			list_del(&w->node);
			list_add_tail(bucket(&k2), &w->node);
		}
		w->key = k2;
	}
	wq_unlock(&futex_lock, flags);
	return n;
}

/* Linux's handle_futex_death: a lock the dead thread held is marked and one waiter woken. */
static void futex_death(struct addr_space *as, uintptr_t uaddr, int32_t tid)
{
	uint32_t v, nv;

	if ((uaddr & 3) || as_copy_from_user(as, &v, uaddr, sizeof(v)) < 0)
		return;
	if ((v & FUTEX_TID_MASK) != (uint32_t)tid)
		return;
	nv = (v & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
	if (as_copy_to_user(as, uaddr, &nv, sizeof(nv)) < 0)
		return;
	if (v & FUTEX_WAITERS)
		futex_wake(as, uaddr, true, 1, FUTEX_BITSET_MATCH_ANY);
}

/* struct robust_list_head: next, futex_offset, list_op_pending; bit 0 of a pointer marks PI. */
static void exit_robust_list(struct addr_space *as, int32_t tid, uintptr_t head)
{
	uint64_t h[3], next;
	uintptr_t entry, pending;
	unsigned limit = ROBUST_LIST_LIMIT;

	if (as_copy_from_user(as, h, head, sizeof(h)) < 0)
		return;
	entry = h[0] & ~1ull;
	pending = h[2] & ~1ull;
	while (entry != head && limit--) {
		if (as_copy_from_user(as, &next, entry, sizeof(next)) < 0)
			return;
		if (entry != pending)
			futex_death(as, entry + (int64_t)h[1], tid);
		entry = next & ~1ull;
	}
	if (pending)
		futex_death(as, pending + (int64_t)h[1], tid);
}

void futex_exit(struct addr_space *as, int32_t tid, uintptr_t robust_list, size_t robust_len,
                uintptr_t clear_child_tid)
{
	uint32_t zero = 0;

	if (!as)
		return;
	if (robust_list && robust_len == 3 * sizeof(uint64_t))
		exit_robust_list(as, tid, robust_list);
	if (clear_child_tid && as_copy_to_user(as, clear_child_tid, &zero, sizeof(zero)) == 0)
		futex_wake(as, clear_child_tid, true, 1, FUTEX_BITSET_MATCH_ANY);
}

void process_futex_exit(struct process *p)
{
	futex_exit(p->as, p->pid, p->robust_list, p->robust_len, p->clear_child_tid);
}

size_t futex_waiters(void)
{
	unsigned long flags = hal_spin_lock_irqsave(&futex_lock);
	size_t n = nwaiters;

	hal_spin_unlock_irqrestore(&futex_lock, flags);
	return n;
}
