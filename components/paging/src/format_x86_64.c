/*
 * x86-64 4-level paging, 4 KiB pages, 48-bit addresses (Intel SDM vol. 3,
 * 4.5), and 5-level paging (CR4.LA57: a PML5 above the PML4, 57-bit
 * addresses, the same entries; the root entry has no PS bit). An entry is
 * P[0] R/W[1] U/S[2] PWT[3] PCD[4] A[5] D[6], PS[7] in a directory or
 * directory-pointer entry (a 2 MiB or 1 GiB page; PAT in a 4 KiB page's
 * entry), G[8] in a leaf, the address in [51:12], XD[63];
 * bits [11:9] are ignored by the walker, for software.
 *
 * Every present entry is readable, so a mapping without PT_READ reads back
 * with it. The walk ANDs R/W and U/S over the levels: tables carry both,
 * and the leaf decides. Execute-disable must be on (EFER.NXE: the
 * architecture's boot requires it), or XD is a reserved bit. Device
 * registers are PCD|PWT: uncached with the PAT's power-on contents. A and
 * D are set on every leaf (this kernel does not track them, and the CPU
 * would otherwise write them on first use).
 *
 * One root translates both halves (CR3), like Sv48: a user table borrows
 * the kernel's root entries. Not every CPU has 1 GiB pages (CPUID
 * pdpe1gb): the _2m formats never make them.
 */
#include "pt_internal.h"

/* clang-format off */
#define X_P        (1ull << 0)
#define X_W        (1ull << 1)
#define X_U        (1ull << 2)
#define X_PWT      (1ull << 3)
#define X_PCD      (1ull << 4)
#define X_A        (1ull << 5)
#define X_D        (1ull << 6)
#define X_PS       (1ull << 7)
#define X_G        (1ull << 8)
#define X_NONE     (1ull << 9)  /* software: an inaccessible page that keeps its frame */
#define X_BORROWED (1ull << 10) /* software, also in tables: a copy of a kernel entry */
#define X_XD       (1ull << 63)
/* clang-format on */

static uint64_t x86_leaf_bits(unsigned prot, unsigned level)
{
	uint64_t b = X_P | X_A | X_D;

	if (!(prot & (PT_READ | PT_WRITE | PT_EXEC)))
		return X_NONE;
	if (level > 0)
		b |= X_PS;
	if (prot & PT_WRITE)
		b |= X_W;
	if (prot & PT_USER)
		b |= X_U;
	if (prot & PT_GLOBAL)
		b |= X_G;
	if (prot & PT_DEVICE)
		b |= X_PCD | X_PWT;
	if (!(prot & PT_EXEC) || (prot & PT_DEVICE))
		b |= X_XD;
	return b;
}

static enum pte_kind x86_kind(uint64_t pte, unsigned level)
{
	if (!(pte & X_P))
		return pte & X_NONE ? PTE_LEAF : PTE_EMPTY;
	return level > 0 && !(pte & X_PS) ? PTE_TABLE : PTE_LEAF;
}

static unsigned x86_prot(uint64_t pte)
{
	if (!(pte & X_P))
		return 0;
	return PT_READ | (pte & X_W ? PT_WRITE : 0) | (pte & X_U ? PT_USER : 0) |
	       (pte & X_G ? PT_GLOBAL : 0) | (pte & X_PCD ? PT_DEVICE : 0) |
	       (pte & X_XD ? 0 : PT_EXEC);
}

/* One format: levels, significant address bits, whether 1 GiB pages are left out. */
#define X86_FORMAT(fname, nlevels, bits, no1g)                                                     \
	{                                                                                          \
		.name = fname, .levels = nlevels, .va_bits = bits, .sign_extended = true,          \
		.no_1g_pages = no1g, .pa_shift = 0, .addr_mask = 0x000ffffffffff000ull,            \
		.table_bits = X_P | X_W | X_U | X_A, .borrowed = X_BORROWED,                       \
		.leaf_bits = x86_leaf_bits, .kind = x86_kind, .prot = x86_prot,                    \
	}

const struct pt_format pt_format_x86_64 = X86_FORMAT("x86_64", 4, 48, false);
const struct pt_format pt_format_x86_64_2m = X86_FORMAT("x86_64-no1g", 4, 48, true);
const struct pt_format pt_format_x86_64_la57 = X86_FORMAT("x86_64-la57", 5, 57, false);
const struct pt_format pt_format_x86_64_la57_2m = X86_FORMAT("x86_64-la57-no1g", 5, 57, true);
