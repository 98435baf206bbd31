/*
 * Page-table objects: creation and destruction, table pages, the kernel
 * table whose upper entries every other table shares, activation and TLB
 * flushes through the hal.
 *
 * Sharing the kernel: pt_set_kernel() marks one table as the kernel's. Where
 * one root translates both halves (riscv64, x86-64), its root entries are
 * copied into every other table of its format (now and whenever the kernel
 * adds one), so a trap taken while a user table is active finds the kernel
 * mapped. A copy carries the format's 'borrowed' bit, which the
 * hardware ignores: the borrowing table never changes, splits or frees it,
 * and the kernel never frees a table directly below its root, which keeps
 * the copies valid.
 *
 * One root entry can cover both the kernel and a user range: under Sv48 an
 * entry is 512 GiB, and riscv64's kernel maps RAM at 2 GiB, just above user
 * programs. A table that maps into a borrowed root entry therefore splits
 * it: it gets its own table under that entry, holding the kernel's entries
 * of that level as borrowed copies, and from then on the kernel's changes at
 * that level are copied into it as well. Only what the kernel really maps,
 * at that level's granularity (1 GiB under Sv48), stays off limits.
 *
 * Where the hardware has a root per half (a split_halves format: AArch64's
 * TTBR0/TTBR1), the kernel's table is installed once and nothing is copied.
 */
#include "pt_internal.h"
#include <hal/mmu.h>
#include <hal/smp.h>
#include <hal/spinlock.h>
#include <klib/errno.h>
#include <klib/panic.h>

static LIST_HEAD(all_tables);
static hal_spinlock_t tables_lock = HAL_SPINLOCK_INIT;
static struct pt *kernel_pt;
/* Each CPU's user half, by hal_cpu_id(); written by that CPU. */
static struct pt *active_pt[HAL_NR_CPUS];

/* Whether some CPU runs pt now (a snapshot: a check before teardown). */
static bool pt_is_active(const struct pt *pt)
{
	for (unsigned i = 0; i < HAL_NR_CPUS; i++)
		if (__atomic_load_n(&active_pt[i], __ATOMIC_RELAXED) == pt)
			return true;
	return false;
}

paddr_t pt_table_alloc(struct pt *pt)
{
	paddr_t pa = page_alloc_zeroed(0);

	if (pa != PADDR_NONE)
		pt->tables++;
	return pa;
}

void pt_table_free(struct pt *pt, paddr_t table)
{
	if (table == pt->kept)
		pt->kept = 0;
	pt->tables--;
	page_free(table, 0);
}

/*
 * A table that counts no used entry holds only zeros: page-alloc may hand it
 * out again as a zeroed page without clearing it (a shmat, touch and shmdt
 * of one page needs two tables, freed again at the shmdt).
 */
void pt_table_free_empty(struct pt *pt, paddr_t table)
{
	if (table == pt->kept)
		pt->kept = 0;
	pt->tables--;
	if (pt_table_empty(table))
		page_free_zeroed(table, 0);
	else
		page_free(table, 0);
}

void pt_free_subtree(struct pt *pt, paddr_t table, unsigned level)
{
	uint64_t *t = pt_table(table);

	for (unsigned i = 0; level > 0 && i < PT_ENTRIES; i++)
		if (t[i] && !pte_borrowed(pt->fmt, t[i]) && pt->fmt->kind(t[i], level) == PTE_TABLE)
			pt_free_subtree(pt, pte_pa(pt->fmt, t[i]), level - 1);
	pt_table_free(pt, table);
}

bool pt_may_free(const struct pt *pt, unsigned level)
{
	return !(pt == kernel_pt && level == pt_top(pt));
}

static bool is_split(const struct pt *pt, unsigned idx)
{
	return pt->split[idx / 64] >> (idx % 64) & 1;
}

static void mark_split(struct pt *pt, unsigned idx, bool on)
{
	uint64_t bit = 1ull << (idx % 64);

	pt->split[idx / 64] = on ? pt->split[idx / 64] | bit : pt->split[idx / 64] & ~bit;
}

/* Copy the kernel's entry pte into the slot e, unless its table uses that slot itself. */
static void borrow(const struct pt_format *f, uint64_t *e, uint64_t pte)
{
	/* The table is the page the slot lies in. */
	uint64_t *t = (uint64_t *)((uintptr_t)e & ~(uintptr_t)(PAGE_SIZE - 1));

	if (*e && !pte_borrowed(f, *e))
		return;
	pt_store(t, (unsigned)(e - t), pte ? pte | f->borrowed : 0);
}

/* Does this table carry copies of the kernel's root entries? (tables_lock held) */
static bool shares_kernel(const struct pt *pt)
{
	return kernel_pt && pt != kernel_pt && pt->fmt == kernel_pt->fmt && !pt->fmt->split_halves;
}

static void borrow_all(struct pt *pt)
{
	const uint64_t *k = pt_table(kernel_pt->root);
	uint64_t *root = pt_table(pt->root);

	for (unsigned i = 0; i < PT_ENTRIES; i++)
		if (k[i])
			borrow(pt->fmt, &root[i], k[i]);
}

/* Called with tables_lock held. */
static void set_root(struct pt *pt, unsigned idx, uint64_t pte)
{
	uint64_t *root = pt_table(pt->root);
	struct pt *other;

	pt_store(root, idx, pte);
	if (pt == kernel_pt) {
		list_for_each_entry(other, &all_tables, link) if (shares_kernel(other))
		    borrow(other->fmt, &pt_table(other->root)[idx], pte);
		return;
	}
	mark_split(pt, idx, false);
	if (!pte && shares_kernel(pt))
		borrow(pt->fmt, &root[idx], pt_table(kernel_pt->root)[idx]);
}

/* The kernel changed entry idx below its root entry ri: copy it into the tables that split ri. */
static void lend_below_root(unsigned ri, unsigned idx, uint64_t pte)
{
	struct pt *other;

	list_for_each_entry(other, &all_tables, link)
	{
		if (other == kernel_pt || !is_split(other, ri))
			continue;
		uint64_t *t = pt_table(pte_pa(other->fmt, pt_table(other->root)[ri]));
		borrow(other->fmt, &t[idx], pte);
	}
}

void pt_set_entry(struct pt *pt, uint64_t *t, uint64_t va, unsigned level, uint64_t pte)
{
	unsigned top = pt_top(pt), ri = pt_index(va, top);
	unsigned long flags;

	/*
	 * Below the root, only the kernel's entries one level down are copied
	 * elsewhere (lend_below_root), into the tables that split that root
	 * entry: stores into those go under tables_lock too, for the table's
	 * count of used entries is then written by two tables' owners. (A
	 * user table's own split bits change only in its owner's calls, so
	 * reading them here needs no lock.)
	 */
	if (level < top && !(level == top - 1 && (pt == kernel_pt || is_split(pt, ri)))) {
		pt_store(t, pt_index(va, level), pte); /* nobody else writes into t */
		return;
	}
	flags = hal_spin_lock_irqsave(&tables_lock);
	if (level == top) {
		set_root(pt, ri, pte);
	} else {
		pt_store(t, pt_index(va, level), pte);
		if (pt == kernel_pt && is_split(pt, ri))
			lend_below_root(ri, pt_index(va, level), pte);
	}
	hal_spin_unlock_irqrestore(&tables_lock, flags);
}

/*
 * Give pt its own table under the borrowed root entry ri, holding the
 * kernel's entries of that level as borrowed copies. Translations do not
 * change, but the root entry does: cached walks through it must go.
 */
/* Out of line: inlined, its frame and saved registers were most of every pt_check_range. */
static __attribute__((noinline)) int split_root(struct pt *pt, unsigned ri)
{
	const struct pt_format *f = pt->fmt;
	uint64_t *root = pt_table(pt->root), *t;
	paddr_t table = pt_table_alloc(pt);
	unsigned long flags;
	int rc = -EINVAL;

	if (table == PADDR_NONE)
		return -ENOMEM;
	t = pt_table(table);
	flags = hal_spin_lock_irqsave(&tables_lock);
	/* A kernel page covering the whole entry leaves nothing to split off. */
	if (kernel_pt && pte_borrowed(f, root[ri]) && f->kind(root[ri], pt_top(pt)) == PTE_TABLE) {
		const uint64_t *k = pt_table(pte_pa(f, root[ri]));
		for (unsigned i = 0; i < PT_ENTRIES; i++)
			pt_store(t, i, k[i] ? k[i] | f->borrowed : 0);
		pt_store(root, ri, pte_addr(f, table) | f->table_bits);
		mark_split(pt, ri, true);
		mark_split(kernel_pt, ri, true);
		rc = 0;
	}
	hal_spin_unlock_irqrestore(&tables_lock, flags);
	if (rc) {
		pt_table_free(pt, table);
		return rc;
	}
	pt_flush(pt, 0, 0, true);
	return 0;
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
	if (pt_is_active(pt))
		panic("pt_destroy: table %p is active on a CPU", (void *)pt);
	unsigned long flags = hal_spin_lock_irqsave(&tables_lock);
	list_del(&pt->link);
	hal_spin_unlock_irqrestore(&tables_lock, flags);
	root = pt_table(pt->root);
	for (unsigned i = 0; i < PT_ENTRIES; i++)
		if (root[i] && !pte_borrowed(pt->fmt, root[i]) &&
		    pt->fmt->kind(root[i], pt_top(pt)) == PTE_TABLE)
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

const struct pt_format *pt_format_user(const struct pt_format *fmt)
{
	return fmt->user ? fmt->user : fmt;
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
		list_for_each_entry(other, &all_tables,
		                    link) if (other != pt && shares_kernel(other))
		    borrow_all(other);
	hal_spin_unlock_irqrestore(&tables_lock, flags);
}

struct pt *pt_kernel(void)
{
	return kernel_pt;
}

void pt_activate(struct pt *pt)
{
	unsigned long flags = hal_irq_save(); /* the CPU's id and its TLB stay ours */
	unsigned cpu = hal_cpu_id();
	struct pt *old = active_pt[cpu];

	if (pt == kernel_pt)
		pt = NULL; /* the kernel half, installed for good: no user half */
	if (pt && pt->retired)
		panic("pt_activate: table %p was retired", (void *)pt);
	if (old && old != pt)
		hal_asid_put(&old->asid);
	__atomic_store_n(&active_pt[cpu], pt, __ATOMIC_RELAXED);
	if (pt)
		hal_mmu_switch(pt->root, hal_asid_get(&pt->asid));
	else
		hal_mmu_switch(0, 0);
	hal_irq_restore(flags);
}

void pt_retire(struct pt *pt)
{
	if (pt == kernel_pt || pt_is_active(pt))
		panic("pt_retire: table %p is in use", (void *)pt);
	pt->retired = true;
}

void pt_flush(struct pt *pt, uint64_t va, uint64_t len, bool tables_freed)
{
	if (pt == kernel_pt) {
#ifdef CONFIG_SMP
		/*
		 * Every CPU may hold them (a freed task stack, say, that a task
		 * ran on elsewhere): flush them all, or a stale entry there
		 * would write into the frame once it is reused.
		 */
		hal_mmu_flush_range_cpus(hal_cpu_online_mask(), HAL_TLB_ANY_ASID,
		                         tables_freed ? 0 : (uintptr_t)va,
		                         tables_freed ? SIZE_MAX : (size_t)len);
#else
		/* The kernel's mappings are in every space (and global); a per-address
		 * flush is only promised to drop leaf entries. */
		if (tables_freed)
			hal_tlb_flush_asid(HAL_TLB_ANY_ASID);
		else
			hal_tlb_flush_range(HAL_TLB_ANY_ASID, (uintptr_t)va, (size_t)len);
#endif
		return;
	}
	if (pt->retired)
		return; /* never active again; its id comes back only after every TLB flushed */
	/* Only the CPUs that may cache it, only the range (or all of the space if a table went). */
	hal_asid_flush(&pt->asid, tables_freed ? 0 : (uintptr_t)va,
	               tables_freed ? SIZE_MAX : (size_t)len);
}

void pt_flush_local(struct pt *pt, uintptr_t va, size_t len)
{
	unsigned long flags;

	if (pt == kernel_pt) {
		pt_flush(pt, va, len, false); /* every CPU runs in it */
		return;
	}
	flags = hal_irq_save();
	/* Every id: this CPU's id for pt is the hal's business, and a page is cheap. */
	if (active_pt[hal_cpu_id()] == pt)
		hal_tlb_flush_range(HAL_TLB_ANY_ASID, va, len);
	hal_irq_restore(flags);
}

void pt_break(struct pt *pt, uint64_t *t, unsigned idx, unsigned level, uint64_t va)
{
	const struct pt_format *f = pt->fmt;
	uint64_t pte = t[idx], size = PT_LEVEL_SIZE(level);
	enum pte_kind k = pte ? f->kind(pte, level) : PTE_EMPTY;

	/* Empty and "none" entries are invalid: no TLB holds them. */
	if (!f->break_before_make || k == PTE_EMPTY || (k == PTE_LEAF && !f->prot(pte)))
		return;
	pt_set_entry(pt, t, va, level, 0);
	pt_flush(pt, va & ~(size - 1), size, k == PTE_TABLE);
}

int pt_check_prot(unsigned prot)
{
	if (prot & ~(PT_READ | PT_WRITE | PT_EXEC | PT_USER | PT_GLOBAL | PT_DEVICE))
		return -EINVAL;
	if ((prot & PT_WRITE) && !(prot & PT_READ))
		return -EINVAL; /* reserved on riscv, inexpressible on AArch64 */
	if ((prot & PT_DEVICE) && (prot & PT_EXEC))
		return -EINVAL; /* instruction fetches from device registers */
	return 0;
}

static inline __attribute__((always_inline)) bool va_valid(const struct pt_format *f, uint64_t va)
{
	if (f->upper_half)
		return va >> f->va_bits == ~0ull >> f->va_bits;
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

/* Has an entry of table t (at 'level') that [va, last] touches any of 'bits'? */
static bool touches(const uint64_t *t, unsigned level, uint64_t va, uint64_t last, uint64_t bits)
{
	for (unsigned i = pt_index(va, level), end = pt_index(last, level);; i++) {
		if (t[i] & bits)
			return true;
		if (i == end)
			return false;
	}
}

/* -EINVAL if [va, last], inside root entry ri, meets the kernel's entries there. */
static int check_below_root(const struct pt *pt, unsigned ri, uint64_t va, uint64_t last)
{
	const struct pt_format *f = pt->fmt;
	uint64_t e = pt_table(pt->root)[ri];
	unsigned top = pt_top(pt);

	if (pte_borrowed(f, e)) {
		if (f->kind(e, top) != PTE_TABLE)
			return -EINVAL; /* one kernel page covers it all */
		return touches(pt_table(pte_pa(f, e)), top - 1, va, last, ~0ull) ? -EINVAL : 0;
	}
	if (is_split(pt, ri) && touches(pt_table(pte_pa(f, e)), top - 1, va, last, f->borrowed))
		return -EINVAL;
	return 0;
}

int pt_check_range(struct pt *pt, uint64_t va, uint64_t len, bool split)
{
	uint64_t last = va + len - 1, *root = pt_table(pt->root);
	unsigned top = pt_top(pt);
	int rc = pt_check_va_range(pt->fmt, va, len);

	while (rc == 0) {
		uint64_t cl = MIN(last, va | (PT_LEVEL_SIZE(top) - 1));
		unsigned ri = pt_index(va, top);

		if (split && pte_borrowed(pt->fmt, root[ri]))
			rc = split_root(pt, ri);
		if (rc == 0)
			rc = check_below_root(pt, ri, va, cl);
		if (cl == last)
			break;
		va = cl + 1;
	}
	return rc;
}
