/*
 * The lock-order checker (debug builds, CONFIG_SYNC_LOCKDEP): a graph whose
 * nodes are lock classes and whose edges are "held A while taking B", each
 * edge remembering the two acquisitions (names and file:line) that first
 * showed it. A new edge A->B that closes a cycle (B already reaches A) is a
 * possible deadlock: reported once, with every edge of the cycle.
 *
 * Fixed tables (Kconfig sizes), no allocation. When a table fills up, the
 * checker says so and stops checking: it never fails a correct program.
 * The locks a task holds live in its task_local() area.
 */
#include <hal/spinlock.h>
#include <klib/printf.h>
#include <task/task.h>
#include <sync/lockdep.h>
#include "sync_internal.h"

#define NCLASSES CONFIG_SYNC_LOCKDEP_CLASSES
#define NEDGES   CONFIG_SYNC_LOCKDEP_EDGES
#define DEPTH    CONFIG_SYNC_LOCKDEP_DEPTH
#define NONE     (-1)

struct ld_class {
	const void *key;
	const char *name;
	int first_edge; /* this class's out-edges, linked through next; published with release */
	int last_to;    /* the class of the last edge found from this one: a hint, tried first */
};

struct ld_site {
	const char *name, *file;
	int line;
};

struct ld_edge {
	int from, to, next;
	struct ld_site held, taken; /* 'held' was held while 'taken' was taken */
};

struct ld_held {
	struct lock_dep *dep;
	const char *file;
	int line;
};

struct ld_task {
	unsigned depth;
	struct ld_held held[DEPTH];
};

_Static_assert(
    sizeof(struct ld_task) <= CONFIG_TASK_LOCAL_SIZE,
    "CONFIG_TASK_LOCAL_SIZE cannot hold CONFIG_SYNC_LOCKDEP_DEPTH locks per task: raise it");

static struct ld_class classes[NCLASSES];
static struct ld_edge edges[NEDGES];
static int nclasses, nedges;
static bool checker_off;
static hal_spinlock_t ld_lock = HAL_SPINLOCK_INIT;

/* DFS scratch, used under ld_lock. */
static int dfs_iter[NCLASSES], dfs_path[NCLASSES];
static bool dfs_seen[NCLASSES];

static void stop_checking(const char *why)
{
	if (!checker_off)
		kprintf("\nsync: lock-order checker stopped: %s\n", why);
	checker_off = true;
}

static int class_of(struct lock_dep *d)
{
	const void *key = d->key ? d->key : d;

	unsigned cls = __atomic_load_n(&d->cls, __ATOMIC_RELAXED); /* all_seen reads it unlocked */

	if (cls)
		return (int)cls - 1;
	for (int i = 0; i < nclasses; i++) {
		if (classes[i].key == key) {
			__atomic_store_n(&d->cls, (unsigned)i + 1, __ATOMIC_RELEASE);
			return i;
		}
	}
	if (nclasses == NCLASSES) {
		stop_checking("more lock classes than CONFIG_SYNC_LOCKDEP_CLASSES");
		return NONE;
	}
	classes[nclasses] = (struct ld_class){key, d->name, NONE, NONE};
	__atomic_store_n(&d->cls, (unsigned)++nclasses, __ATOMIC_RELEASE);
	return nclasses - 1;
}

/*
 * Is there an edge from -> to? Safe without ld_lock: edges are only ever
 * added, each written whole before the release store that links it in,
 * and never changed after; a reader that misses one just added answers
 * false, and the caller then looks again under the lock.
 */
static bool has_edge(int from, int to)
{
	struct ld_class *c = &classes[from];

	if (__atomic_load_n(&c->last_to, __ATOMIC_RELAXED) == to)
		return true;
	for (int e = __atomic_load_n(&c->first_edge, __ATOMIC_ACQUIRE); e != NONE;
	     e = edges[e].next) {
		if (edges[e].to == to) {
			__atomic_store_n(&c->last_to, to, __ATOMIC_RELAXED);
			return true;
		}
	}
	return false;
}

/*
 * The common case, without ld_lock: every class d and the held locks
 * belong to is known, and every order "held, then d" has been seen
 * before, so there is nothing to add and no cycle to look for.
 */
static bool all_seen(const struct ld_task *lt, struct lock_dep *d)
{
	int to = (int)__atomic_load_n(&d->cls, __ATOMIC_ACQUIRE) - 1;

	if (to < 0)
		return false;
	for (unsigned i = 0; i < lt->depth; i++) {
		int from = (int)__atomic_load_n(&lt->held[i].dep->cls, __ATOMIC_ACQUIRE) - 1;

		if (from < 0 || (from != to && !has_edge(from, to)))
			return false;
	}
	return true;
}

/* Depth-first search for a path from -> to; its edges end up in dfs_path. */
static int find_path(int from, int to)
{
	int depth = 0;

	for (int i = 0; i < nclasses; i++)
		dfs_seen[i] = false;
	dfs_seen[from] = true;
	dfs_iter[0] = classes[from].first_edge;
	while (depth >= 0) {
		int e = dfs_iter[depth], next;

		if (e == NONE) {
			depth--;
			continue;
		}
		dfs_iter[depth] = edges[e].next;
		next = edges[e].to;
		dfs_path[depth] = e;
		if (next == to)
			return depth + 1;
		if (!dfs_seen[next]) {
			dfs_seen[next] = true;
			dfs_iter[++depth] = classes[next].first_edge;
		}
	}
	return 0;
}

static void add_edge(int from, int to, struct ld_site held, struct ld_site taken)
{
	if (nedges == NEDGES) {
		stop_checking("more lock orders than CONFIG_SYNC_LOCKDEP_EDGES");
		return;
	}
	edges[nedges] = (struct ld_edge){from, to, classes[from].first_edge, held, taken};
	__atomic_store_n(&classes[from].first_edge, nedges++, __ATOMIC_RELEASE);
}

static void print_site(const char *what, const struct ld_site *s)
{
	kprintf("    %s '%s' at %s:%d\n", what, s->name, s->file, s->line);
}

static void report_cycle(const struct ld_site *held, const struct ld_site *taken, int len)
{
	kprintf("\nsync: lock order inversion (possible deadlock) in task '%s':\n"
	        "  now:\n",
	        task_name(task_current()));
	print_site("holding", held);
	print_site("taking ", taken);
	kprintf("  but earlier, the opposite order:\n");
	for (int i = 0; i < len; i++) {
		const struct ld_edge *e = &edges[dfs_path[i]];
		print_site("holding", &e->held);
		print_site("taking ", &e->taken);
	}
}

void lockdep_check(struct lock_dep *d, const char *file, int line)
{
	struct task *self = task_current();
	struct ld_task *lt = self ? task_local(self) : NULL;
	bool found = false;
	unsigned long flags;
	int to;

	if (!lt || lt->depth == 0 || READ_ONCE(checker_off) || all_seen(lt, d))
		return;
	flags = hal_spin_lock_irqsave(&ld_lock);
	to = class_of(d);
	for (unsigned i = 0; i < lt->depth && to != NONE && !checker_off; i++) {
		const struct ld_held *h = &lt->held[i];
		struct ld_site held = {h->dep->name, h->file, h->line},
		               taken = {d->name, file, line};
		int from = class_of(h->dep), len;

		if (from == NONE || from == to || has_edge(from, to))
			continue;
		len = found ? 0 : find_path(to, from);
		if (len) {
			report_cycle(&held, &taken, len);
			found = true;
		}
		add_edge(from, to, held, taken);
	}
	hal_spin_unlock_irqrestore(&ld_lock, flags);
	if (found)
		SYNC_REPORT("lock order inversion on taking '%s' (see above)", d->name);
}

void lockdep_acquired(struct lock_dep *d, const char *file, int line)
{
	struct task *self = task_current();
	struct ld_task *lt = self ? task_local(self) : NULL;

	if (!lt || READ_ONCE(checker_off))
		return;
	if (lt->depth == DEPTH) {
		unsigned long flags = hal_spin_lock_irqsave(&ld_lock);
		stop_checking("a task holds more than CONFIG_SYNC_LOCKDEP_DEPTH locks");
		hal_spin_unlock_irqrestore(&ld_lock, flags);
		return;
	}
	lt->held[lt->depth++] = (struct ld_held){d, file, line};
}

void lockdep_released(struct lock_dep *d)
{
	struct task *self = task_current();
	struct ld_task *lt = self ? task_local(self) : NULL;

	if (!lt)
		return;
	/* Usually the last one taken, but any order of release is allowed. */
	for (unsigned i = lt->depth; i-- > 0;) {
		if (lt->held[i].dep == d) {
			for (unsigned j = i + 1; j < lt->depth; j++)
				lt->held[j - 1] = lt->held[j];
			lt->depth--;
			return;
		}
	}
}
