/*
 * The local APIC of the calling CPU (Intel SDM vol. 3, chapter 11): x2APIC
 * mode, its registers as MSRs 0x800 + offset / 16, where CPUID has it
 * (11.12); else xAPIC mode, its registers in memory at IA32_APIC_BASE,
 * which the board lists in its memory map (x86_64_apic_pa) so that it is
 * in the I/O window. The task priority lets every vector through; the
 * spurious vector is VEC_SPURIOUS; the local interrupt lines are masked
 * (the legacy PIC's ExtINT on LINT0 among them: the board masks the PIC).
 */
#include <arch/board.h>
#include <hal/memmap.h>
#include <klib/errno.h>
#include "x86_64.h"

/* clang-format off */
#define APIC_BASE_EXTD   (1ull << 10) /* x2APIC mode */
#define APIC_BASE_EN     (1ull << 11)
#define APIC_BASE_ADDR   0xffffff000ull
#define APIC_ID          0x20
#define APIC_TPR         0x80
#define APIC_EOI         0xb0
#define APIC_SVR         0xf0
#define APIC_ICR_LO      0x300
#define APIC_ICR_HI      0x310
#define ICR_BUSY         (1u << 12) /* xAPIC's delivery status: the last command not yet sent */
#define APIC_LVT_LINT0   0x350
#define APIC_LVT_LINT1   0x360
#define APIC_LVT_ERROR   0x370
#define SVR_ENABLE       (1u << 8)
#define LVT_MASKED       (1u << 16)
#define LVT_NMI          (4u << 8)
/* clang-format on */

static bool x2apic;
static volatile uint32_t *xapic;

uint64_t x86_64_apic_pa(void)
{
	return rdmsr(MSR_APIC_BASE) & APIC_BASE_ADDR;
}

uint32_t x86_64_apic_read(unsigned reg)
{
	return x2apic ? (uint32_t)rdmsr(0x800 + reg / 16) : xapic[reg / 4];
}

void x86_64_apic_write(unsigned reg, uint32_t v)
{
	if (x2apic)
		wrmsr(0x800 + reg / 16, v);
	else
		xapic[reg / 4] = v;
}

void x86_64_apic_eoi(void)
{
	x86_64_apic_write(APIC_EOI, 0);
}

/* x2APIC: one 64-bit write, destination in the high half (11.12.9); xAPIC: high word first. */
void x86_64_apic_send(uint32_t dest, uint32_t icr)
{
	if (x2apic) {
		wrmsr(0x800 + APIC_ICR_LO / 16, (uint64_t)dest << 32 | icr);
		return;
	}
	while (x86_64_apic_read(APIC_ICR_LO) & ICR_BUSY)
		__asm__ __volatile__("pause");
	x86_64_apic_write(APIC_ICR_HI, dest << 24);
	x86_64_apic_write(APIC_ICR_LO, icr);
}

int x86_64_apic_init(void)
{
	struct cpuid c = cpuid(1, 0);
	uint64_t base;

	if (!(c.edx & CPUID1_EDX_APIC))
		return -ENODEV;
	x2apic = c.ecx & CPUID1_ECX_X2APIC;
	base = rdmsr(MSR_APIC_BASE);
	/* xAPIC to x2APIC is allowed directly; disabled to x2APIC is not (11.12.5). */
	wrmsr(MSR_APIC_BASE, base | APIC_BASE_EN);
	if (x2apic)
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_EN | APIC_BASE_EXTD);
	else
		xapic = hal_io_addr(base & APIC_BASE_ADDR);
	x86_64_apic_write(APIC_TPR, 0);
	x86_64_apic_write(APIC_LVT_LINT0, LVT_MASKED);
	x86_64_apic_write(APIC_LVT_LINT1, LVT_NMI);
	x86_64_apic_write(APIC_LVT_ERROR, LVT_MASKED);
	x86_64_apic_write(APIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
	x86_64_cpu_self()->apic_id =
	    x2apic ? x86_64_apic_read(APIC_ID) : x86_64_apic_read(APIC_ID) >> 24;
	return 0;
}
