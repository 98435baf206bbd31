/*
 * The host's CPUs are threads (hal/smp.h, CONFIG_SMP): CPU 0 is the thread
 * that ran main(), the others are pthreads that hal_smp_start() creates,
 * each running the same kernel code on its own stack. How many: the
 * environment's KIT_CPUS (run.py --smp sets it), else CONFIG_HOST_CPUS,
 * at most CONFIG_NR_CPUS.
 *
 * An IPI is the flag 'ipi' in the target's struct host_cpu (the hart's
 * pending software interrupt) and a signal to its thread (pthread_kill),
 * which interrupts whatever it runs, or ends its hal_cpu_wait (sigsuspend).
 * The signal is sent only when the flag goes from 0 to 1: a target that
 * has not acknowledged the last one will still look at the flag. The
 * cross-CPU call bookkeeping is arch/common/smp.c's; remote TLB flushes
 * have nothing to do (Linux keeps the one page table coherent).
 */
#include <errno.h>
#include <hal/smp.h>
#include <hal/time.h>
#include <klib/log.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "../common/smp.h"
#include "host.h"

/* How long a created thread may take to come online. */
#define COME_UP_NS (10ull * 1000000000ull)

struct host_cpu host_cpus[HAL_NR_CPUS];
static pthread_t threads[HAL_NR_CPUS];
static void (*secondary_main)(void);

static void on_ipi_signal(int sig)
{
	int saved = errno; /* the interrupted code may be about to read it */

	(void)sig;
#ifdef HOST_TSAN
	/* Taken at the next interrupt enable or wait (cpu.c says why): the flag is set. */
	errno = saved;
	return;
#endif
	if (host_irq_test_and_set()) {
		host_ipi_interrupt();
		host_irq_enable_and_replay();
	} /* else the flag stays set until interrupts come back on */
	errno = saved;
}

void host_ipi_interrupt(void)
{
	arch_ipi_ack();
	smp_ipi_handle();
	smp_kick_handle();
}

void arch_ipi_ack(void)
{
	__atomic_store_n(&host_cpu_self()->ipi, 0, __ATOMIC_SEQ_CST);
}

void arch_ipi_send(hal_cpumask_t set)
{
	for (; set; set &= set - 1) {
		unsigned cpu = (unsigned)__builtin_ctzll(set);

		if (!__atomic_exchange_n(&host_cpus[cpu].ipi, 1, __ATOMIC_SEQ_CST))
			pthread_kill(threads[cpu], HOST_IPI_SIGNAL);
	}
}

static void cpu_bind(unsigned id)
{
	host_cpus[id].id = id;
	threads[id] = pthread_self();
	host_cpu_tls = &host_cpus[id];
}

void host_cpu_boot(void)
{
	struct sigaction sa = {.sa_handler = on_ipi_signal, .sa_flags = SA_RESTART | SA_NODEFER};

	cpu_bind(0);
	sigemptyset(&sa.sa_mask);
	if (sigaction(HOST_IPI_SIGNAL, &sa, NULL) != 0) {
		perror("host: IPI signal");
		exit(2);
	}
}

static void *cpu_thread(void *arg)
{
	unsigned id = (unsigned)(uintptr_t)arg;

	cpu_bind(id); /* interrupts are off: host_irq_off starts at 1 in every thread */
	host_timer_create();
	host_trap_thread_init();
	smp_cpu_online(id);
	secondary_main();
	fprintf(stderr, "host: the entry of cpu %u returned\n", id);
	abort();
}

/* The CPUs wanted: KIT_CPUS, else CONFIG_HOST_CPUS; 0 if KIT_CPUS is not a count. */
static unsigned cpus_wanted(void)
{
	const char *s = getenv("KIT_CPUS");
	char *end;
	unsigned long n;

	if (!s || !*s)
		return CONFIG_HOST_CPUS;
	errno = 0;
	n = strtoul(s, &end, 10);
	if (*end || errno || n == 0 || n > 4096)
		return 0;
	return (unsigned)n;
}

static int start_cpu(unsigned id)
{
	uint64_t deadline = hal_time_ns() + COME_UP_NS;
	int rc = pthread_create(&threads[id], NULL, cpu_thread, (void *)(uintptr_t)id);

	if (rc) {
		klog_warn("smp", "cpu %u: no thread (%s)", id, strerror(rc));
		return -rc;
	}
	while (!(hal_cpu_online_mask() & HAL_CPU_BIT(id))) {
		if (hal_time_ns() >= deadline) {
			klog_err("smp", "cpu %u was started but did not come up", id);
			return -ETIMEDOUT;
		}
		nanosleep(&(struct timespec){.tv_nsec = 100000}, NULL);
	}
	return 0;
}

int hal_smp_start(void (*entry)(void))
{
	unsigned want = cpus_wanted();

	if (!want) {
		klog_warn("smp", "KIT_CPUS=%s is not a number of cpus (1-4096): %d",
		          getenv("KIT_CPUS"), CONFIG_HOST_CPUS);
		want = CONFIG_HOST_CPUS;
	}
	if (want > HAL_NR_CPUS) {
		klog_info("smp", "%u cpus asked for; CONFIG_NR_CPUS=%d: %d of them are used", want,
		          HAL_NR_CPUS, HAL_NR_CPUS);
		want = HAL_NR_CPUS;
	}
	secondary_main = entry;
	for (unsigned id = 1; id < want; id++)
		if (start_cpu(id) < 0)
			break;
	return (int)hal_cpu_count();
}
