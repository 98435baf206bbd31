/* PSCI calls (arch/psci.h), through the conduit the device tree names. */
#include <arch/psci.h>

/* clang-format off */
#define PSCI_0_2_SYSTEM_OFF 0x84000008u
#define PSCI_0_2_CPU_ON_64  0xc4000003u
/* clang-format on */

static enum aarch64_psci_conduit conduit;

void aarch64_psci_init(enum aarch64_psci_conduit c)
{
	conduit = c;
}

enum aarch64_psci_conduit aarch64_psci_conduit(void)
{
	return conduit;
}

/* The SMC Calling Convention: function id in x0, arguments x1-x3, result in x0. */
static long psci_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	if (conduit == PSCI_CONDUIT_HVC)
		__asm__ __volatile__("hvc #0"
		                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
		                     :
		                     : "memory");
	else if (conduit == PSCI_CONDUIT_SMC)
		__asm__ __volatile__("smc #0"
		                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
		                     :
		                     : "memory");
	else
		return PSCI_NOT_SUPPORTED;
	return (long)x0;
}

void aarch64_psci_system_off(void)
{
	psci_call(PSCI_0_2_SYSTEM_OFF, 0, 0, 0);
}

long aarch64_psci_cpu_on(uint64_t mpidr, uint64_t entry_pa, uint64_t context)
{
	return psci_call(PSCI_0_2_CPU_ON_64, mpidr, entry_pa, context);
}
