/*
 * AArch64 stage 1, 4 KiB granule, 48-bit addresses (Arm ARM, "VMSAv8-64
 * translation table format descriptors"). Bits [1:0]: 11 a table (or, at
 * the last level, a page), 01 a block (1 GiB or 2 MiB), x0 invalid. Then
 * AttrIndx[4:2] (the MAIR_EL1 slot: 0 normal write-back memory, 1 device
 * memory, nGnRE), AP[7:6] (bit 7 read-only, bit 6 EL0 access), SH[9:8] (11
 * inner shareable), AF[10], nG[11], the output address in [47:12], PXN[53]
 * and UXN[54]; bits [58:55] are for software. The architecture setting
 * these up (MAIR_EL1, TCR_EL1) must give the slots those meanings.
 *
 * Every valid entry is readable at EL1, so a mapping without PT_READ reads
 * back with it. A table covers one half: TTBR0's, the user's (addresses
 * below 2^48), or TTBR1's, the kernel's (addresses with the top 16 bits
 * set: pt_format_aarch64_4k_upper). Both index the same bits [47:12].
 *
 * A valid entry changes to another translation (another frame, a table
 * in place of a block) only through an invalid one and a TLB flush: the
 * architecture's break-before-make rule (pt_break).
 */
#include "pt_internal.h"

#define D_VALID       (1ull << 0)
#define D_TYPE        (1ull << 1) /* table, or page at the last level */
#define D_ATTR_DEVICE (1ull << 2) /* AttrIndx 1 */
#define D_ATTR_MASK   (7ull << 2)
#define D_AP_EL0      (1ull << 6)
#define D_AP_RO       (1ull << 7)
#define D_SH_INNER    (3ull << 8)
#define D_AF          (1ull << 10)
#define D_NG          (1ull << 11)
#define D_PXN         (1ull << 53)
#define D_UXN         (1ull << 54)
#define D_NONE        (1ull << 55) /* software: an inaccessible page that keeps its frame */
#define D_BORROWED    (1ull << 56) /* software, also in tables: a copy of a kernel entry */

static uint64_t a64_leaf_bits(unsigned prot, unsigned level)
{
	uint64_t b = D_VALID | D_AF | D_SH_INNER;

	if (!(prot & (PT_READ | PT_WRITE | PT_EXEC)))
		return D_NONE;
	if (level == 0)
		b |= D_TYPE;
	if (prot & PT_DEVICE)
		b |= D_ATTR_DEVICE;
	if (!(prot & PT_WRITE))
		b |= D_AP_RO;
	if (prot & PT_USER)
		b |= D_AP_EL0;
	if (!(prot & PT_GLOBAL))
		b |= D_NG;
	/* Executable by exactly the level that owns it; never both. */
	if (!(prot & PT_EXEC) || (prot & PT_USER))
		b |= D_PXN;
	if (!(prot & PT_EXEC) || !(prot & PT_USER))
		b |= D_UXN;
	return b;
}

static enum pte_kind a64_kind(uint64_t pte, unsigned level)
{
	if (!(pte & D_VALID))
		return pte & D_NONE ? PTE_LEAF : PTE_EMPTY;
	return level > 0 && (pte & D_TYPE) ? PTE_TABLE : PTE_LEAF;
}

static unsigned a64_prot(uint64_t pte)
{
	unsigned p = PT_READ;

	if (!(pte & D_VALID))
		return 0;
	if (!(pte & D_AP_RO))
		p |= PT_WRITE;
	if (pte & D_AP_EL0)
		p |= PT_USER;
	if (!(pte & D_NG))
		p |= PT_GLOBAL;
	if ((pte & D_ATTR_MASK) == D_ATTR_DEVICE)
		p |= PT_DEVICE;
	if (!(pte & (pte & D_AP_EL0 ? D_UXN : D_PXN)))
		p |= PT_EXEC;
	return p;
}

const struct pt_format pt_format_aarch64_4k = {
    .name = "aarch64-4k",
    .levels = 4,
    .va_bits = 48,
    .sign_extended = false,
    .split_halves = true,
    .break_before_make = true,
    .pa_shift = 0,
    .addr_mask = 0x0000fffffffff000ull,
    .table_bits = D_VALID | D_TYPE,
    .leaf_bits = a64_leaf_bits,
    .kind = a64_kind,
    .prot = a64_prot,
};

const struct pt_format pt_format_aarch64_4k_upper = {
    .name = "aarch64-4k-upper",
    .levels = 4,
    .va_bits = 48,
    .sign_extended = false,
    .upper_half = true,
    .split_halves = true,
    .break_before_make = true,
    .user = &pt_format_aarch64_4k,
    .pa_shift = 0,
    .addr_mask = 0x0000fffffffff000ull,
    .table_bits = D_VALID | D_TYPE,
    .borrowed = D_BORROWED,
    .leaf_bits = a64_leaf_bits,
    .kind = a64_kind,
    .prot = a64_prot,
};
