/*
 * RISC-V supervisor CSRs (the privileged architecture manual, chapter
 * "Supervisor-Level ISA"): access and the fields the kernel uses.
 */
#ifndef ARCH_CSR_H
#define ARCH_CSR_H

/* Constants usable from assembly too. */
#ifdef __ASSEMBLER__
#define CSR_UL(x) x
#else
#define CSR_UL(x) x##UL
#endif

/* clang-format off */
#define SSTATUS_SIE        (CSR_UL(1) << 1)
#define SSTATUS_SPIE       (CSR_UL(1) << 5)
#define SSTATUS_SPP        (CSR_UL(1) << 8)
#define SSTATUS_FS         (CSR_UL(3) << 13) /* 1 Initial, 2 Clean, 3 Dirty */
#define SSTATUS_FS_DIRTY   (CSR_UL(3) << 13)
#define SSTATUS_FS_CLEAN   (CSR_UL(2) << 13)
#define SIE_SSIE           (CSR_UL(1) << 1)
#define SIE_STIE           (CSR_UL(1) << 5)
#define SIP_SSIP           (CSR_UL(1) << 1)
#define SCAUSE_INTERRUPT   (CSR_UL(1) << 63)
#define IRQ_S_SOFT         1
#define IRQ_S_TIMER        5
#define IRQ_S_EXT          9

#define SATP_MODE_SHIFT    60
#define SATP_MODE_SV39     CSR_UL(8)
#define SATP_MODE_SV48     CSR_UL(9)
#define SATP_ASID_SHIFT    44
#define SATP_ASID_MASK     CSR_UL(0xffff)
/* clang-format on */

#ifndef __ASSEMBLER__
#define csr_read(csr)                                                                              \
	({                                                                                         \
		unsigned long v_;                                                                  \
		__asm__ __volatile__("csrr %0, " #csr : "=r"(v_));                                 \
		v_;                                                                                \
	})
#define csr_write(csr, val)  __asm__ __volatile__("csrw " #csr ", %0" ::"rK"(val) : "memory")
#define csr_set(csr, bits)   __asm__ __volatile__("csrs " #csr ", %0" ::"rK"(bits) : "memory")
#define csr_clear(csr, bits) __asm__ __volatile__("csrc " #csr ", %0" ::"rK"(bits) : "memory")
#endif

#endif
