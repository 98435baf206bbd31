/* Named, checked spinlocks over hal's raw spinlock (sync/spinlock.h). */
#include <hal/cpu.h>
#include <sync/spinlock.h>
#include <task/preempt.h>

void spin_init_key(struct spinlock *l, const char *name, const void *key)
{
	hal_spin_init(&l->raw);
	lock_dep_init(&l->dep, name, key);
}

void spin_lock_at(struct spinlock *l, const char *file, int line)
{
	lockdep_check(&l->dep, file, line); /* first: a report leaves nothing half-done */
	preempt_disable();
	hal_spin_lock(&l->raw);
	lockdep_acquired(&l->dep, file, line);
}

void spin_unlock(struct spinlock *l)
{
	lockdep_released(&l->dep);
	hal_spin_unlock(&l->raw);
	preempt_enable();
}

unsigned long spin_lock_irqsave_at(struct spinlock *l, const char *file, int line)
{
	unsigned long flags;

	lockdep_check(&l->dep, file, line);
	flags = hal_irq_save();
	hal_spin_lock(&l->raw);
	lockdep_acquired(&l->dep, file, line);
	return flags;
}

void spin_unlock_irqrestore(struct spinlock *l, unsigned long flags)
{
	lockdep_released(&l->dep);
	hal_spin_unlock(&l->raw);
	hal_irq_restore(flags);
}
