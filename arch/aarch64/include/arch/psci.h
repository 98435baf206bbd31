/*
 * Calls into the firmware through PSCI, Arm's Power State Coordination
 * Interface (Arm DEN 0022): power off, and starting a secondary CPU. QEMU's
 * virt machine implements PSCI itself; the device tree's /psci node says
 * which instruction reaches it (hvc, or smc when QEMU emulates EL2).
 * Version 0.2 or later: the function ids are the standard ones.
 */
#ifndef ARCH_PSCI_H
#define ARCH_PSCI_H

#include <stdint.h>

enum aarch64_psci_conduit { PSCI_CONDUIT_NONE, PSCI_CONDUIT_HVC, PSCI_CONDUIT_SMC };

/* PSCI return codes. */
#define PSCI_SUCCESS            0
#define PSCI_NOT_SUPPORTED      (-1)
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_DENIED             (-3)
#define PSCI_ALREADY_ON         (-4)

/* The conduit the device tree names; before this (or with NONE) nothing is called. */
void aarch64_psci_init(enum aarch64_psci_conduit conduit);
enum aarch64_psci_conduit aarch64_psci_conduit(void);

/* SYSTEM_OFF. Returns only if there is no PSCI, or the firmware refused. */
void aarch64_psci_system_off(void);

/*
 * CPU_ON: start the CPU whose MPIDR affinity is 'mpidr' at physical address
 * entry_pa, with the MMU off, at the kernel's exception level, x0 =
 * context. A PSCI return code (PSCI_NOT_SUPPORTED without PSCI). For the
 * secondary CPUs of SMP: nothing calls it yet.
 */
long aarch64_psci_cpu_on(uint64_t mpidr, uint64_t entry_pa, uint64_t context);

#endif
