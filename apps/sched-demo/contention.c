/*
 * Contention: WORKERS tasks each do ROUNDS rounds of
 *   lock the mutex, a slow read-modify-write of a shared counter, unlock;
 *   take a semaphore unit (limit 2), sleep a pseudo-random 0.2-1 ms on a
 *   timer while holding it, give it back.
 * Checks: the counter is exact and nobody was ever inside the mutex with
 * another; at most 2 tasks (and at some point exactly 2) held the semaphore;
 * no sleep ended before its deadline. Prints each task's counts.
 */
#include <hal/time.h>
#include <klib/printf.h>
#include <sync/mutex.h>
#include <sync/semaphore.h>
#include <task/preempt.h>
#include "demo.h"

#define WORKERS   4
#define ROUNDS    40
#define SEM_LIMIT 2

static struct mutex counter_lock = MUTEX_INIT(counter_lock, "demo_counter");
static struct semaphore slots = SEMAPHORE_INIT(slots, "demo_slots", SEM_LIMIT);
static volatile unsigned long counter;
static int in_mutex, most_in_mutex, in_sem, most_in_sem, early_wakeups;

struct worker_stats {
	unsigned locks, units, sleeps;
	uint64_t late_ns; /* worst lateness of a wakeup: shown, not judged */
};

static struct worker_stats stats[WORKERS];

static void note_enter(int *inside, int *most)
{
	preempt_disable();
	if (++*inside > *most)
		*most = *inside;
	preempt_enable();
}

static void note_leave(int *inside)
{
	preempt_disable();
	--*inside;
	preempt_enable();
}

static int worker(void *arg)
{
	struct worker_stats *st = arg;
	uint64_t seed = 0x9e3779b97f4a7c15ull * (uint64_t)(st - stats + 1);

	for (int r = 0; r < ROUNDS; r++) {
		mutex_lock(&counter_lock);
		note_enter(&in_mutex, &most_in_mutex);
		unsigned long v = counter;
		for (volatile int i = 0; i < 20000; i++)
			;
		counter = v + 1;
		st->locks++;
		note_leave(&in_mutex);
		mutex_unlock(&counter_lock);

		sem_down(&slots);
		note_enter(&in_sem, &most_in_sem);
		st->units++;
		seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
		uint64_t deadline = hal_time_ns() + 200000 + seed % 800000;
		task_sleep_until(deadline);
		uint64_t now = hal_time_ns();
		if (now < deadline)
			early_wakeups++;
		else if (now - deadline > st->late_ns)
			st->late_ns = now - deadline;
		st->sleeps++;
		note_leave(&in_sem);
		sem_up(&slots);
	}
	return 0;
}

bool demo_contention(void)
{
	struct task *t[WORKERS];
	bool ok = true;

	for (int i = 0; i < WORKERS; i++)
		t[i] = demo_spawn("worker", worker, &stats[i], 0);
	for (int i = 0; i < WORKERS; i++)
		demo_join(t[i]);
	for (int i = 0; i < WORKERS; i++)
		kprintf("  worker %d: %u mutex rounds, %u semaphore units, %u sleeps (latest "
		        "wakeup +%llu us)\n",
		        i, stats[i].locks, stats[i].units, stats[i].sleeps,
		        (unsigned long long)stats[i].late_ns / 1000);
	ok &= demo_verdict(counter == WORKERS * ROUNDS && most_in_mutex == 1,
	                   "mutex: %d tasks x %d rounds, counter %lu of %d, most inside at once %d",
	                   WORKERS, ROUNDS, counter, WORKERS * ROUNDS, most_in_mutex);
	ok &= demo_verdict(most_in_sem == SEM_LIMIT, "semaphore: limit %d, most holders at once %d",
	                   SEM_LIMIT, most_in_sem);
	ok &= demo_verdict(early_wakeups == 0, "sleep: %d timed sleeps, %d woke early",
	                   WORKERS * ROUNDS, early_wakeups);
	return ok;
}
