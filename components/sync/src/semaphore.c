/* Counting semaphore: a count and a FIFO of waiters; up hands a unit over. */
#include <klib/errno.h>
#include <sync/semaphore.h>
#include "sync_internal.h"

void sem_init(struct semaphore *s, const char *name, unsigned long count)
{
	hal_spin_init(&s->lock);
	s->count = count;
	wq_init(&s->waiters);
	s->name = name ? name : "(unnamed)";
}

int sem_down_until(struct semaphore *s, uint64_t deadline)
{
	unsigned long flags;
	int rc = 0;

	sync_might_sleep("sem_down", s->name, NULL, 0);
	flags = hal_spin_lock_irqsave(&s->lock);
	if (s->count > 0)
		s->count--;
	else
		rc = wq_wait(&s->waiters, &s->lock, deadline); /* 0: a unit handed over */
	wq_unlock(&s->lock, flags);
	return rc;
}

int sem_down(struct semaphore *s)
{
	return sem_down_until(s, TASK_FOREVER);
}

int sem_trydown(struct semaphore *s)
{
	unsigned long flags = hal_spin_lock_irqsave(&s->lock);
	int rc = -EAGAIN;

	if (s->count > 0) {
		s->count--;
		rc = 0;
	}
	hal_spin_unlock_irqrestore(&s->lock, flags);
	return rc;
}

int sem_up(struct semaphore *s)
{
	unsigned long flags = hal_spin_lock_irqsave(&s->lock);
	int rc = 0;

	if (!wq_wake_one(&s->waiters)) {
		if (s->count == (unsigned long)-1)
			rc = -EOVERFLOW;
		else
			s->count++;
	}
	wq_unlock(&s->lock, flags);
	return rc;
}

unsigned long sem_count(struct semaphore *s)
{
	return READ_ONCE(s->count);
}
