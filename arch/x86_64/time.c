/*
 * Time on x86-64: the TSC as the clock, the local APIC timer as the
 * one-shot timer (Intel SDM vol. 3, 11.5.4), both measured against the
 * board's reference clock at boot (a PC's PIT). The timer runs in
 * TSC-deadline mode where CPUID says the CPU has it: the deadline is then
 * a TSC value, compared by the hardware with the clock itself. Else in
 * one-shot mode, counting the APIC's own clock down from a 32-bit count:
 * a deadline further than the count reaches, or one the timer reaches
 * early by the rates' rounding, re-arms for what is left rather than
 * firing early. The wall clock (hal_time_realtime_ns) is the board's RTC.
 *
 * Each CPU has its own timer and deadline (armed[]): the rates are
 * measured once, on the boot CPU, and each other CPU routes its own timer
 * alike (x86_64_time_cpu_init). The TSCs of one machine count in step
 * (QEMU's do).
 *
 * The TSC counts at a constant rate on the CPUs this targets (QEMU's, and
 * those with CPUID 0x80000007's invariant TSC); one whose rate follows
 * the core's frequency would make hal_time_ns() wander.
 */
#include <arch/board.h>
#include <hal/cpu.h>
#include <hal/platform.h>
#include <hal/smp.h>
#include <hal/time.h>
#include <klib/errno.h>
#include "../common/ticks.h"
#include "x86_64.h"

/* clang-format off */
#define APIC_LVT_TIMER   0x320
#define APIC_TIMER_INIT  0x380
#define APIC_TIMER_CUR   0x390
#define APIC_TIMER_DIV   0x3e0
#define DIV_BY_1         0xb
#define LVT_MASKED       (1u << 16)
#define LVT_TSC_DEADLINE (2u << 17)
#define CALIBRATE_US     20000
/* clang-format on */

static uint64_t tsc_hz, apic_hz;
static bool tsc_deadline;
static uint64_t armed[HAL_NR_CPUS]; /* each CPU's deadline armed; 0: none */
static hal_timer_handler_t timer_fn;
static void *timer_arg;

int x86_64_time_init(void (*wait_us)(void *ctx, unsigned us), void *ctx)
{
	uint64_t t0, t1;
	uint32_t left;
	int rc;

	if ((rc = x86_64_apic_init()) < 0)
		return rc;
	tsc_deadline = cpuid(1, 0).ecx & CPUID1_ECX_TSC_DEADLINE;
	x86_64_apic_write(APIC_TIMER_DIV, DIV_BY_1);
	x86_64_apic_write(APIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
	x86_64_apic_write(APIC_TIMER_INIT, 0xffffffff);
	t0 = rdtsc();
	wait_us(ctx, CALIBRATE_US);
	t1 = rdtsc();
	left = x86_64_apic_read(APIC_TIMER_CUR);
	x86_64_apic_write(APIC_TIMER_INIT, 0);
	tsc_hz = (t1 - t0) * (1000000 / CALIBRATE_US);
	apic_hz = (0xffffffffull - left) * (1000000 / CALIBRATE_US);
	if (!tsc_hz || (!tsc_deadline && !apic_hz))
		return -ENODEV;
	x86_64_time_cpu_init();
	return 0;
}

void x86_64_time_cpu_init(void)
{
	x86_64_apic_write(APIC_TIMER_DIV, DIV_BY_1);
	x86_64_apic_write(APIC_LVT_TIMER, VEC_TIMER | (tsc_deadline ? LVT_TSC_DEADLINE : 0));
	/* The LVT write must land before the first deadline write (SDM 11.5.4.1). */
	__asm__ __volatile__("mfence" ::: "memory");
}

uint64_t hal_time_ns(void)
{
	return tsc_hz ? ticks_to_ns(rdtsc(), tsc_hz) : 0;
}

uint64_t hal_time_freq_hz(void)
{
	return tsc_hz;
}

uint64_t hal_boot_entry_ns(void)
{
	return tsc_hz ? ticks_to_ns(x86_64_entry_tsc, tsc_hz) : 0;
}

void hal_timer_set_handler(hal_timer_handler_t fn, void *arg)
{
	timer_fn = fn;
	timer_arg = arg;
}

/* This CPU's timer for its deadline; interrupts off. */
static void program(uint64_t armed_ns)
{
	uint64_t now, count = 1;

	if (tsc_deadline) {
		/* Zero disarms: the earliest deadline is 1. */
		wrmsr(MSR_TSC_DEADLINE, ns_to_ticks(armed_ns, tsc_hz) ?: 1);
		return;
	}
	now = hal_time_ns();
	if (armed_ns > now)
		count = ns_to_ticks(armed_ns - now, apic_hz);
	x86_64_apic_write(APIC_TIMER_INIT, count > 0xffffffff ? 0xffffffff : count ?: 1);
}

void hal_timer_arm(uint64_t deadline_ns)
{
	unsigned long flags = hal_irq_save();

	armed[hal_cpu_id()] = deadline_ns ?: 1;
	program(deadline_ns ?: 1);
	hal_irq_restore(flags);
}

void hal_timer_cancel(void)
{
	unsigned long flags = hal_irq_save();

	armed[hal_cpu_id()] = 0;
	if (tsc_deadline)
		wrmsr(MSR_TSC_DEADLINE, 0);
	else
		x86_64_apic_write(APIC_TIMER_INIT, 0);
	hal_irq_restore(flags);
}

void x86_64_timer_interrupt(void)
{
	unsigned cpu = hal_cpu_id();

#ifdef CONFIG_SMP
	if (!x86_64_cpu_self()->wait_irqoff) /* taken: a replay waits no more (smp.c) */
		x86_64_cpu_self()->replaying &= (unsigned char)~X86_64_DEFER_TIMER;
#endif
	if (!armed[cpu])
		return; /* cancelled after it fired, before it was taken */
	if (hal_time_ns() < armed[cpu]) {
		program(armed[cpu]);
		return;
	}
#ifdef CONFIG_SMP
	if (x86_64_cpu_self()->wait_irqoff) {
		/* A halt with interrupts off: taken again once they are on (arch/cpu.h). */
		x86_64_cpu_self()->deferred |= X86_64_DEFER_TIMER;
		return;
	}
#endif
	armed[cpu] = 0;
	if (timer_fn)
		timer_fn(timer_arg);
}

#ifdef CONFIG_SMP
/* The deadline has passed: the timer fires as soon as interrupts are on. False: none armed. */
bool x86_64_timer_refire(void)
{
	if (!armed[hal_cpu_id()])
		return false;
	program(1);
	return true;
}
#endif
