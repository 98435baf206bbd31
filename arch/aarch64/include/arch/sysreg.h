/*
 * AArch64 system registers the kernel programs (Arm ARM, chapter D19
 * "AArch64 System Register Descriptions"): access, and the fields used.
 * Constants are plain numbers, usable from assembly.
 */
#ifndef ARCH_SYSREG_H
#define ARCH_SYSREG_H

#ifdef __ASSEMBLER__
#define SR_UL(x) x
#else
#define SR_UL(x) x##UL
#endif

/* clang-format off */
/* SCTLR_EL1: the MMU and caches, and what EL0 may do. */
#define SCTLR_M       (SR_UL(1) << 0)  /* stage 1 translation */
#define SCTLR_C       (SR_UL(1) << 2)  /* data caches */
#define SCTLR_SA      (SR_UL(1) << 3)  /* sp alignment check at EL1 */
#define SCTLR_SA0     (SR_UL(1) << 4)  /* ... and at EL0 */
#define SCTLR_EOS     (SR_UL(1) << 11) /* exception return is context synchronizing (RES1 before v8.5) */
#define SCTLR_I       (SR_UL(1) << 12) /* instruction caches */
#define SCTLR_DZE     (SR_UL(1) << 14) /* EL0 may DC ZVA (glibc's memset) */
#define SCTLR_UCT     (SR_UL(1) << 15) /* EL0 may read CTR_EL0 (glibc reads the cache line sizes) */
#define SCTLR_NTWI    (SR_UL(1) << 16) /* EL0 wfi not trapped */
#define SCTLR_NTWE    (SR_UL(1) << 18) /* EL0 wfe not trapped */
#define SCTLR_TSCXT   (SR_UL(1) << 20) /* (RES1 before v8.5) */
#define SCTLR_EIS     (SR_UL(1) << 22) /* exception entry is context synchronizing (RES1 before v8.5) */
#define SCTLR_SPAN    (SR_UL(1) << 23) /* exception entry leaves PSTATE.PAN alone */
#define SCTLR_UCI     (SR_UL(1) << 26) /* EL0 may clean caches (JITs, __clear_cache) */
#define SCTLR_NTLSMD  (SR_UL(1) << 28) /* (RES1 before v8.2) */
#define SCTLR_LSMAOE  (SR_UL(1) << 29) /* (RES1 before v8.2) */
#define SCTLR_RES1    (SCTLR_EOS | SCTLR_TSCXT | SCTLR_EIS | SCTLR_NTLSMD | SCTLR_LSMAOE)
#define SCTLR_MMU_OFF SCTLR_RES1
#define SCTLR_MMU_ON  (SCTLR_RES1 | SCTLR_M | SCTLR_C | SCTLR_SA | SCTLR_SA0 | SCTLR_I |        \
                       SCTLR_DZE | SCTLR_UCT | SCTLR_NTWI | SCTLR_NTWE | SCTLR_SPAN | SCTLR_UCI)

/* TCR_EL1: both halves 48 bits, 4 KiB granule, tables in inner-shareable write-back memory. */
#define TCR_T0SZ      (SR_UL(16) << 0)
#define TCR_IRGN0_WB  (SR_UL(1) << 8)
#define TCR_ORGN0_WB  (SR_UL(1) << 10)
#define TCR_SH0_INNER (SR_UL(3) << 12)
#define TCR_TG0_4K    (SR_UL(0) << 14)
#define TCR_T1SZ      (SR_UL(16) << 16)
#define TCR_IRGN1_WB  (SR_UL(1) << 24)
#define TCR_ORGN1_WB  (SR_UL(1) << 26)
#define TCR_SH1_INNER (SR_UL(3) << 28)
#define TCR_TG1_4K    (SR_UL(2) << 30)
#define TCR_IPS_SHIFT 32               /* from ID_AA64MMFR0_EL1.PARange */
#define TCR_AS        (SR_UL(1) << 36) /* 16-bit ASIDs */
#define TCR_TBI0      (SR_UL(1) << 37) /* user addresses: top byte ignored, as Linux */
#define TCR_BASE      (TCR_T0SZ | TCR_IRGN0_WB | TCR_ORGN0_WB | TCR_SH0_INNER | TCR_TG0_4K |  \
                       TCR_T1SZ | TCR_IRGN1_WB | TCR_ORGN1_WB | TCR_SH1_INNER | TCR_TG1_4K |  \
                       TCR_TBI0)

/* MAIR_EL1: slot 0 normal write-back memory, slot 1 device nGnRE (paging's PT_DEVICE). */
#define MAIR_VALUE    SR_UL(0x04ff)
#define ATTR_NORMAL   0
#define ATTR_DEVICE   1

#define TTBR_ASID_SHIFT 48

/* CPACR_EL1.FPEN: whether FP/SIMD instructions trap. */
#define CPACR_FPEN_MASK   (SR_UL(3) << 20)
#define CPACR_FPEN_EL0TRAP (SR_UL(1) << 20) /* EL1 may, EL0 traps (EC_FP_ACCESS) */
#define CPACR_FPEN_NONE    (SR_UL(3) << 20) /* nobody traps */

/* SPSR_ELx / PSTATE. */
#define PSR_MODE_EL0T  SR_UL(0x0)
#define PSR_MODE_EL1H  SR_UL(0x5)
#define PSR_F          (SR_UL(1) << 6)
#define PSR_I          (SR_UL(1) << 7)
#define PSR_A          (SR_UL(1) << 8)
#define PSR_D          (SR_UL(1) << 9)
#define PSR_DAIF       (PSR_D | PSR_A | PSR_I | PSR_F)
#define PSR_NZCV       (SR_UL(0xf) << 28)

/* CurrentEL. */
#define CURRENT_EL1    SR_UL(0x4)
#define CURRENT_EL2    SR_UL(0x8)

/* HCR_EL2 for a kernel that runs at EL1 under no hypervisor. */
#define HCR_RW         (SR_UL(1) << 31) /* EL1 is AArch64 */
#define HCR_APK        (SR_UL(1) << 40) /* pointer-authentication keys not trapped */
#define HCR_API        (SR_UL(1) << 41) /* pointer-authentication instructions not trapped */
#define CNTHCTL_EL1PCTEN (SR_UL(1) << 0)
#define CNTHCTL_EL1PCEN  (SR_UL(1) << 1)
/* CPTR_EL2 without VHE: the RES1 bits, nothing trapped (TZ, TFP clear). */
#define CPTR_EL2_NOTRAP SR_UL(0x32ff)
#define ICC_SRE_EL2_SRE    (SR_UL(1) << 0)
#define ICC_SRE_EL2_ENABLE (SR_UL(1) << 3) /* EL1 may use ICC_SRE_EL1 */

/* CNTKCTL_EL1: EL0 may read the virtual counter (glibc's clock reads, as Linux allows). */
#define CNTKCTL_EL0VCTEN (SR_UL(1) << 1)
/* CNTV_CTL_EL0. */
#define CNTV_ENABLE    (SR_UL(1) << 0)
#define CNTV_IMASK     (SR_UL(1) << 1)

/* ESR_ELx: exception class and its syndrome. */
#define ESR_EC_SHIFT   26
#define ESR_EC(esr)    (((esr) >> ESR_EC_SHIFT) & 0x3f)
#define ESR_ISS(esr)   ((esr) & 0x1ffffff)
#define EC_UNKNOWN     0x00
#define EC_WFX         0x01
#define EC_FP_ACCESS   0x07
#define EC_ILLEGAL     0x0e
#define EC_SVC64       0x15
#define EC_SYS64       0x18
#define EC_SVE         0x19
#define EC_IABT_LOW    0x20
#define EC_IABT_CUR    0x21
#define EC_PC_ALIGN    0x22
#define EC_DABT_LOW    0x24
#define EC_DABT_CUR    0x25
#define EC_SP_ALIGN    0x26
#define EC_FP_EXC64    0x2c
#define EC_SERROR      0x2f
#define EC_BRK64       0x3c
#define ISS_WNR        (SR_UL(1) << 6)  /* data abort: a write */
#define ISS_FSC(iss)   ((iss) & 0x3f)   /* fault status code */

/* The vector a trap came through (trap.S passes it): the table's 16 entries. */
#define VEC_EL1_SP0    0   /* current EL with SP_EL0: never used */
#define VEC_EL1        4   /* current EL with SP_EL1: the kernel */
#define VEC_EL0_64     8   /* lower EL, AArch64: user mode */
#define VEC_EL0_32     12  /* lower EL, AArch32: never used */
#define VEC_SYNC       0
#define VEC_IRQ        1
#define VEC_FIQ        2
#define VEC_SERROR     3
/* clang-format on */

#ifndef __ASSEMBLER__
#include <stdint.h>

#define sysreg_read(r)                                                                             \
	({                                                                                         \
		uint64_t v_;                                                                       \
		__asm__ __volatile__("mrs %0, " #r : "=r"(v_));                                    \
		v_;                                                                                \
	})
#define sysreg_write(r, v) __asm__ __volatile__("msr " #r ", %0" ::"r"((uint64_t)(v)) : "memory")
#define isb()              __asm__ __volatile__("isb" ::: "memory")
#endif

#endif
