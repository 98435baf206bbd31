/*
 * Preemption control. While the count is non-zero the timer tick does not
 * switch away from the running task; a switch that fell due meanwhile
 * happens in the preempt_enable() that brings the count back to zero.
 * Nestable. Interrupts still run; disable those for exclusion from an
 * interrupt handler. Blocking (sleeping, waiting, yielding) while preemption
 * is disabled is a bug, caught in debug builds.
 */
#ifndef TASK_PREEMPT_H
#define TASK_PREEMPT_H

void preempt_disable(void);
void preempt_enable(void);
/* 0 when the running task may be preempted. */
unsigned preempt_count(void);

#endif
