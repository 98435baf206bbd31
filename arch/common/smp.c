/*
 * Cross-CPU calls and kicks (hal/smp.h), the same for every architecture.
 *
 * Each CPU owns one outgoing call: fn, arg and the set of targets that
 * have not finished it. A call fills its CPU's slot, sets the caller's bit
 * in each target's incoming mask and raises an IPI on them; a target's IPI
 * handler takes its whole incoming mask at once, runs each caller's fn and
 * clears its own bit in that caller's pending set. One slot per caller
 * bounds the memory (no allocation, no queue to overflow): a CPU's next
 * call waits until its previous one is done everywhere.
 *
 * Ordering: the caller writes fn and arg, then sets the incoming bit with
 * release; the target takes the mask with acquire, so it sees them. The
 * target reads fn and arg before it clears its pending bit with release;
 * the caller rewrites them only after seeing pending empty with acquire,
 * and a waiting caller sees what fn wrote.
 *
 * A caller that waits, with interrupts off, runs the calls made to its own
 * CPU meanwhile: two CPUs calling each other cannot deadlock.
 *
 * It waits in wfi, not spinning, and the target that finishes last kicks it
 * awake: under QEMU's single-threaded TCG (-icount) a spinning CPU keeps the
 * targets from running until its time slice ends (many milliseconds of
 * guest time per call). The cost is one IPI back per waited call. 'wake'
 * and 'pending' are a Dekker pair (seq_cst): the caller sets wake, then
 * reads pending; the target clears its bit, then reads wake; one of them
 * sees the other, so the last target either kicks or the caller sees the
 * call done. A kick that comes anyway is harmless.
 */
#include <hal/cpu.h>
#include <klib/compiler.h>
#include <klib/errno.h>
#include "smp.h"

/* Its own cache line: the targets write pending while the owner polls it. */
struct cpu_call {
	hal_cpu_fn fn;
	void *arg;
	hal_cpumask_t pending;
	bool wake; /* the caller waits in wfi: the last target kicks it */
} KIT_ALIGNED(64);

static struct cpu_call calls[HAL_NR_CPUS];
static hal_cpumask_t incoming[HAL_NR_CPUS]; /* bit s: CPU s has a call for this one */
static hal_cpumask_t online = 1;            /* the boot CPU is 0 */
static void (*kick_fn)(void);

unsigned hal_cpu_count(void)
{
	return (unsigned)__builtin_popcountll(hal_cpu_online_mask());
}

hal_cpumask_t hal_cpu_online_mask(void)
{
	return __atomic_load_n(&online, __ATOMIC_ACQUIRE);
}

void smp_cpu_online(unsigned cpu)
{
	__atomic_fetch_or(&online, HAL_CPU_BIT(cpu), __ATOMIC_RELEASE);
}

void smp_ipi_handle(void)
{
	unsigned self = hal_cpu_id();
	hal_cpumask_t from = __atomic_exchange_n(&incoming[self], 0, __ATOMIC_ACQUIRE);

	while (from) {
		unsigned src = (unsigned)__builtin_ctzll(from);
		struct cpu_call *c = &calls[src];
		hal_cpu_fn fn = c->fn;
		void *arg = c->arg;

		from &= from - 1;
		fn(arg);
		if (!__atomic_and_fetch(&c->pending, ~HAL_CPU_BIT(self), __ATOMIC_SEQ_CST) &&
		    __atomic_load_n(&c->wake, __ATOMIC_SEQ_CST))
			arch_ipi_send(HAL_CPU_BIT(src));
	}
}

void hal_cpu_set_kick_handler(void (*fn)(void))
{
	__atomic_store_n(&kick_fn, fn, __ATOMIC_RELEASE);
}

void smp_kick_handle(void)
{
	void (*fn)(void) = __atomic_load_n(&kick_fn, __ATOMIC_ACQUIRE);

	if (fn)
		fn();
}

static void wait_done(struct cpu_call *c)
{
	__atomic_store_n(&c->wake, true, __ATOMIC_SEQ_CST);
	for (;;) {
		arch_ipi_ack();
		smp_ipi_handle();
		if (!__atomic_load_n(&c->pending, __ATOMIC_SEQ_CST))
			return;
		hal_cpu_wait();
	}
}

int hal_cpu_call(hal_cpumask_t cpus, hal_cpu_fn fn, void *arg, bool wait)
{
	unsigned long flags;
	hal_cpumask_t others;
	struct cpu_call *c;
	unsigned self;

	if (!fn || (cpus & ~hal_cpu_online_mask()))
		return -EINVAL;
	flags = hal_irq_save();
	self = hal_cpu_id();
	c = &calls[self];
	others = cpus & ~HAL_CPU_BIT(self);
	if (others) {
		wait_done(c);
		c->fn = fn;
		c->arg = arg;
		__atomic_store_n(&c->wake, false, __ATOMIC_RELAXED);
		__atomic_store_n(&c->pending, others, __ATOMIC_RELAXED);
		for (hal_cpumask_t m = others; m; m &= m - 1)
			__atomic_fetch_or(&incoming[__builtin_ctzll(m)], HAL_CPU_BIT(self),
			                  __ATOMIC_RELEASE);
		arch_ipi_send(others);
	}
	if (cpus & HAL_CPU_BIT(self))
		fn(arg);
	if (wait)
		wait_done(c);
	hal_irq_restore(flags);
	return 0;
}

void hal_cpu_kick(hal_cpumask_t cpus)
{
	unsigned long flags = hal_irq_save();

	cpus &= hal_cpu_online_mask() & ~HAL_CPU_BIT(hal_cpu_id());
	if (cpus)
		arch_ipi_send(cpus);
	hal_irq_restore(flags);
}
