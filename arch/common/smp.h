/*
 * What every architecture's SMP code shares (arch/common/smp.c): the set of
 * online CPUs and the cross-CPU call and kick bookkeeping of hal/smp.h. The
 * architecture starts its CPUs and delivers IPIs. Private to arch/.
 */
#ifndef ARCH_COMMON_SMP_H
#define ARCH_COMMON_SMP_H

#include <hal/smp.h>

/* Implemented by the architecture: raise an IPI on each CPU of cpus (never the caller). */
void arch_ipi_send(hal_cpumask_t cpus);
/* Implemented by the architecture: clear this CPU's pending IPI (it is being looked at now). */
void arch_ipi_ack(void);

/* The calling CPU (logical id cpu) is up and takes IPIs: it joins the online set. */
void smp_cpu_online(unsigned cpu);

/*
 * The architecture's IPI handler calls this after arch_ipi_ack() (so that
 * one raised meanwhile is not lost): runs the calls made to this CPU.
 * Interrupts off.
 */
void smp_ipi_handle(void);

/* Then this, from the IPI interrupt only (not from a waiting caller): hal_cpu_set_kick_handler's
 * fn. */
void smp_kick_handle(void);

#endif
