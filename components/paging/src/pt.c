/*
 * Page-table objects: creation and destruction, table pages, the kernel
 * table whose upper entries every other table shares, activation and TLB
 * flushes through the hal.
 *
 * Sharing the kernel: pt_set_kernel() marks one table as the kernel's. Where
 * one root translates both halves (riscv64, x86-64), its root entries are
 * copied into every other table of its format (now and whenever the kernel
 * adds one), so a trap taken while a user table is active finds the kernel
 * mapped. Those borrowed entries are off limits to the borrowing table, and
 * the kernel never frees a table directly below its root, which keeps the
 * copies valid. Where the hardware has a root per half (a split_halves
 * format: AArch64's TTBR0/TTBR1), the kernel's table is installed once and
 * nothing is copied.
 */
#include "pt_internal.h"
#include <hal/mmu.h>
#include <hal/spinlock.h>
#include <klib/errno.h>
#include <klib/panic.h>

static LIST_HEAD(all_tables);
static hal_spinlock_t tables_lock = HAL_SPINLOCK_INIT;
static struct pt *kernel_pt;
static struct pt *active_pt; /* the calling CPU's (one CPU runs the kernel so far) */

paddr_t pt_table_alloc(struct pt *pt)
{
	paddr_t pa = page_alloc_zeroed(0);

	if (pa != PADDR_NONE)
		pt->tables++;
	return pa;
}

void pt_table_free(struct pt *pt, paddr_t table)
{
	pt->tables--;
	page_free(table, 0);
}

bool pt_table_empty(paddr_t table)
{
	const uint64_t *t = pt_table(table);

	/*
	 * A cache line (8 entries) at a time, without a branch per entry: an
	 * empty table (every unmap of its last page asks) is read at memory
	 * speed, and a used one still stops at its first used line.
	 */
	for (unsigned i = 0; i < PT_ENTRIES; i += 8) {
		uint64_t any = 0;

		for (unsigned j = 0; j < 8; j++)
			any |= t[i + j];
		if (any)
			return false;
	}
	return true;
}

void pt_free_subtree(struct pt *pt, paddr_t table, unsigned level)
{
	uint64_t *t = pt_table(table);

	for (unsigned i = 0; level > 0 && i < PT_ENTRIES; i++)
		if (pt->fmt->kind(t[i], level) == PTE_TABLE)
			pt_free_subtree(pt, pte_pa(pt->fmt, t[i]), level - 1);
	pt_table_free(pt, table);
}

bool pt_may_free(const struct pt *pt, unsigned level)
{
	return !(pt == kernel_pt && level == pt_top(pt));
}

static bool is_shared(const struct pt *pt, unsigned idx)
{
	return pt->shared[idx / 64] >> (idx % 64) & 1;
}

/* Borrow the kernel's root entry idx, unless this table uses that slot itself. */
static void borrow(struct pt *pt, unsigned idx, uint64_t pte)
{
	uint64_t *root = pt_table(pt->root);

	if (root[idx] && !is_shared(pt, idx))
		return;
	root[idx] = pte;
	pt->shared[idx / 64] |= 1ull << (idx % 64);
}

/* Does this table carry copies of the kernel's root entries? (tables_lock held) */
static bool shares_kernel(const struct pt *pt)
{
	return kernel_pt && pt != kernel_pt && pt->fmt == kernel_pt->fmt && !pt->fmt->split_halves;
}

static void borrow_all(struct pt *pt)
{
	const uint64_t *k = pt_table(kernel_pt->root);

	for (unsigned i = 0; i < PT_ENTRIES; i++)
		if (k[i])
			borrow(pt, i, k[i]);
}

void pt_set_root_entry(struct pt *pt, unsigned idx, uint64_t pte)
{
	struct pt *other;

	pt_table(pt->root)[idx] = pte;
	if (pt != kernel_pt)
		return;
	unsigned long flags = hal_spin_lock_irqsave(&tables_lock);
	list_for_each_entry(other, &all_tables, link)
		if (other != pt && shares_kernel(other))
			borrow(other, idx, pte);
	hal_spin_unlock_irqrestore(&tables_lock, flags);
}

int pt_create(const struct pt_format *fmt, struct pt **out)
{
	struct pt *pt;

	if (!fmt || !out)
		return -EINVAL;
	pt = kzalloc(sizeof(*pt));
	if (!pt)
		return -ENOMEM;
	pt->fmt = fmt;
	pt->root = pt_table_alloc(pt);
	if (pt->root == PADDR_NONE) {
		kfree(pt);
		return -ENOMEM;
	}
	unsigned long flags = hal_spin_lock_irqsave(&tables_lock);
	if (shares_kernel(pt))
		borrow_all(pt);
	list_add_tail(&all_tables, &pt->link);
	hal_spin_unlock_irqrestore(&tables_lock, flags);
	*out = pt;
	return 0;
}

void pt_destroy(struct pt *pt)
{
	uint64_t *root;

	if (!pt)
		return;
	if (pt == kernel_pt)
		panic("pt_destroy: the kernel page table is shared by every table");
	if (pt == active_pt)
		panic("pt_destroy: table %p is active on this CPU", (void *)pt);
	unsigned long flags = hal_spin_lock_irqsave(&tables_lock);
	list_del(&pt->link);
	hal_spin_unlock_irqrestore(&tables_lock, flags);
	root = pt_table(pt->root);
	for (unsigned i = 0; i < PT_ENTRIES; i++)
		if (!is_shared(pt, i) && pt->fmt->kind(root[i], pt_top(pt)) == PTE_TABLE)
			pt_free_subtree(pt, pte_pa(pt->fmt, root[i]), pt_top(pt) - 1);
	pt_table_free(pt, pt->root);
	kverify(pt->tables == 0);
	kfree(pt);
}

paddr_t pt_root(const struct pt *pt)
{
	return pt->root;
}

const struct pt_format *pt_format(const struct pt *pt)
{
	return pt->fmt;
}

const char *pt_format_name(const struct pt_format *fmt)
{
	return fmt->name;
}

unsigned pt_format_va_bits(const struct pt_format *fmt)
{
	return fmt->va_bits;
}

size_t pt_table_pages(const struct pt *pt)
{
	return pt->tables;
}

void pt_set_kernel(struct pt *pt)
{
	struct pt *other;

	unsigned long flags = hal_spin_lock_irqsave(&tables_lock);
	kernel_pt = pt;
	if (pt)
		list_for_each_entry(other, &all_tables, link)
			if (other != pt && shares_kernel(other))
				borrow_all(other);
	hal_spin_unlock_irqrestore(&tables_lock, flags);
}

struct pt *pt_kernel(void)
{
	return kernel_pt;
}

void pt_activate(struct pt *pt)
{
	active_pt = pt;
	/* The kernel's table is the kernel half, already installed: no user half. */
	if (!pt || pt == kernel_pt) {
		hal_mmu_switch(0, 0);
		return;
	}
	if (pt->retired)
		panic("pt_activate: table %p was retired", (void *)pt);
	pt->asid_now = hal_asid_get(&pt->asid);
	hal_mmu_switch(pt->root, pt->asid_now);
}

void pt_retire(struct pt *pt)
{
	if (pt == active_pt || pt == kernel_pt)
		panic("pt_retire: table %p is in use", (void *)pt);
	pt->retired = true;
}

void pt_flush(const struct pt *pt, uint64_t va, uint64_t len, bool tables_freed)
{
	unsigned asid;

	if (pt == kernel_pt)
		asid = HAL_TLB_ANY_ASID; /* the kernel's mappings are in every space (and global) */
	else if (pt == active_pt)
		asid = pt->asid_now;
	else if (pt->retired || (asid = hal_asid_cached(&pt->asid)) == HAL_ASID_NONE)
		return; /* nothing of it can be cached: its next activation fences or flushes */
	/* A per-address flush is only promised to drop leaf entries. */
	if (tables_freed)
		hal_tlb_flush_asid(asid);
	else
		hal_tlb_flush_range(asid, (uintptr_t)va, (size_t)len);
}

int pt_check_prot(unsigned prot)
{
	if (prot & ~(PT_READ | PT_WRITE | PT_EXEC | PT_USER | PT_GLOBAL))
		return -EINVAL;
	if ((prot & PT_WRITE) && !(prot & PT_READ))
		return -EINVAL; /* reserved on riscv, inexpressible on AArch64 */
	return 0;
}

static bool va_valid(const struct pt_format *f, uint64_t va)
{
	if (!f->sign_extended)
		return va >> f->va_bits == 0;
	uint64_t top = va >> (f->va_bits - 1);
	return top == 0 || top == (~0ull >> (f->va_bits - 1));
}

int pt_check_va_range(const struct pt_format *f, uint64_t va, uint64_t len)
{
	uint64_t last = va + len - 1;

	if (len == 0 || ((va | len) & (PAGE_SIZE - 1)) || last < va)
		return -EINVAL;
	if (!va_valid(f, va) || !va_valid(f, last))
		return -EINVAL; /* outside the format */
	if (f->sign_extended && (va ^ last) >> (f->va_bits - 1))
		return -EINVAL; /* across the hole between the halves */
	return 0;
}

int pt_check_range(const struct pt *pt, uint64_t va, uint64_t len)
{
	uint64_t last = va + len - 1;
	int rc = pt_check_va_range(pt->fmt, va, len);

	if (rc)
		return rc;
	for (unsigned i = pt_index(va, pt_top(pt));; i++) {
		if (is_shared(pt, i))
			return -EINVAL; /* the kernel's */
		if (i == pt_index(last, pt_top(pt)))
			break;
	}
	return 0;
}
