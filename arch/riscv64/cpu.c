/* The calling hart: id, interrupt enable (sstatus.SIE), wfi. */
#include <hal/cpu.h>
#include "riscv.h"

unsigned hal_cpu_id(void)
{
	/* One hart runs the kernel so far: the one OpenSBI picked to boot. */
	return (unsigned)riscv_board.boot_hart;
}

unsigned long hal_irq_save(void)
{
	unsigned long old;

	__asm__ __volatile__("csrrc %0, sstatus, %1" : "=r"(old) : "rK"(SSTATUS_SIE) : "memory");
	return old & SSTATUS_SIE;
}

void hal_irq_restore(unsigned long flags)
{
	if (flags & SSTATUS_SIE)
		csr_set(sstatus, SSTATUS_SIE);
}

void hal_irq_enable(void)
{
	csr_set(sstatus, SSTATUS_SIE);
}

void hal_irq_disable(void)
{
	csr_clear(sstatus, SSTATUS_SIE);
}

bool hal_irq_enabled(void)
{
	return (csr_read(sstatus) & SSTATUS_SIE) != 0;
}

void hal_cpu_wait(void)
{
	/* wfi wakes on a pending enabled interrupt even while SIE is clear. */
	__asm__ __volatile__("wfi" ::: "memory");
}

void hal_cpu_relax(void)
{
	/* Zihintpause 'pause', a hint: a no-op on harts without it. */
	__asm__ __volatile__(".word 0x0100000f" ::: "memory");
}
