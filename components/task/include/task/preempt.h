/*
 * Preemption control. While the count is non-zero the timer tick does not
 * switch away from the running task; a switch that fell due meanwhile
 * happens in the preempt_enable() that brings the count back to zero.
 * Nestable. Interrupts still run; disable those for exclusion from an
 * interrupt handler. Blocking (sleeping, waiting, yielding) while preemption
 * is disabled is a bug, caught in every build (a panic naming the task).
 * All three: any context, never sleep; preempt_enable() may switch at once
 * to a task whose switch fell due (interrupts enabled), and a call without
 * a matching preempt_disable() panics in debug builds.
 */
#ifndef TASK_PREEMPT_H
#define TASK_PREEMPT_H

void preempt_disable(void);
void preempt_enable(void);
/* 0 when the running task may be preempted. */
unsigned preempt_count(void);

#endif
