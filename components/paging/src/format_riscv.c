/*
 * RISC-V Sv39 and Sv48 (privileged spec, "Virtual-Memory System"). An entry
 * is V R W X U G A D, two bits for software (RSW), then the physical page
 * number from bit 10. V with none of R/W/X points to the next table; any of
 * R/W/X makes a leaf at any level. W without R is reserved.
 *
 * A and D are set on every leaf: this kernel does not track accessed/dirty
 * pages, and hardware that does not update them would otherwise fault on
 * first use.
 */
#include "pt_internal.h"

#define PTE_V        (1ull << 0)
#define PTE_R        (1ull << 1)
#define PTE_W        (1ull << 2)
#define PTE_X        (1ull << 3)
#define PTE_U        (1ull << 4)
#define PTE_G        (1ull << 5)
#define PTE_A        (1ull << 6)
#define PTE_D        (1ull << 7)
#define PTE_NONE     (1ull << 8) /* RSW: an inaccessible page that keeps its frame */
#define PTE_BORROWED (1ull << 9) /* RSW: a copy of a kernel table's entry */

static uint64_t riscv_leaf_bits(unsigned prot, unsigned level)
{
	uint64_t b = PTE_V | PTE_A | PTE_D;

	(void)level; /* leaves look the same at every level */
	if (!(prot & (PT_READ | PT_WRITE | PT_EXEC)))
		return PTE_NONE;
	if (prot & PT_READ)
		b |= PTE_R;
	if (prot & PT_WRITE)
		b |= PTE_W;
	if (prot & PT_EXEC)
		b |= PTE_X;
	if (prot & PT_USER)
		b |= PTE_U;
	if (prot & PT_GLOBAL)
		b |= PTE_G;
	return b;
}

static enum pte_kind riscv_kind(uint64_t pte, unsigned level)
{
	(void)level;
	if (!(pte & PTE_V))
		return pte & PTE_NONE ? PTE_LEAF : PTE_EMPTY;
	return pte & (PTE_R | PTE_W | PTE_X) ? PTE_LEAF : PTE_TABLE;
}

static unsigned riscv_prot(uint64_t pte)
{
	if (!(pte & PTE_V))
		return 0;
	return (pte & PTE_R ? PT_READ : 0) | (pte & PTE_W ? PT_WRITE : 0) |
	       (pte & PTE_X ? PT_EXEC : 0) | (pte & PTE_U ? PT_USER : 0) |
	       (pte & PTE_G ? PT_GLOBAL : 0);
}

const struct pt_format pt_format_sv39 = {
    .name = "sv39",
    .levels = 3,
    .va_bits = 39,
    .sign_extended = true,
    .pa_shift = 2,
    .addr_mask = 0x003ffffffffffc00ull, /* PPN[2:0], bits 10..53 */
    .table_bits = PTE_V,
    .borrowed = PTE_BORROWED,
    .leaf_bits = riscv_leaf_bits,
    .kind = riscv_kind,
    .prot = riscv_prot,
};

const struct pt_format pt_format_sv48 = {
    .name = "sv48",
    .levels = 4,
    .va_bits = 48,
    .sign_extended = true,
    .pa_shift = 2,
    .addr_mask = 0x003ffffffffffc00ull,
    .table_bits = PTE_V,
    .borrowed = PTE_BORROWED,
    .leaf_bits = riscv_leaf_bits,
    .kind = riscv_kind,
    .prot = riscv_prot,
};
