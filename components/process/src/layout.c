/*
 * Linux's exec layout (process/layout.h), from mm/util.c and
 * fs/binfmt_elf.c, with the architecture's constants (linux-arch/abi.h).
 */
#include <process/layout.h>

static uint64_t page_up(uint64_t v)
{
	return (v + LAYOUT_PAGE - 1) & ~(uint64_t)(LAYOUT_PAGE - 1);
}

/* The largest random range any piece may have: an eighth of the user range. */
static uint64_t rnd_cap(const struct layout_params *p)
{
	return p->user_top / 8;
}

/* Bits of pages, at most the cap's. */
static unsigned capped_bits(const struct layout_params *p, unsigned bits)
{
	while (bits && ((uint64_t)LAYOUT_PAGE << bits) > rnd_cap(p))
		bits--;
	return bits;
}

unsigned layout_stack_bits(const struct layout_params *p)
{
	return capped_bits(p, LAYOUT_STACK_BITS);
}

unsigned layout_mmap_bits(const struct layout_params *p)
{
	return capped_bits(p, p->mmap_rnd_bits > 40 ? 40 : p->mmap_rnd_bits);
}

uint64_t layout_brk_range(const struct layout_params *p)
{
	uint64_t cap = rnd_cap(p) & ~(uint64_t)(LAYOUT_PAGE - 1);

	return LAYOUT_BRK_RANGE < cap ? LAYOUT_BRK_RANGE : cap;
}

/* A random number of pages below 2^bits, as a byte offset (randomize_stack_top, arch_mmap_rnd). */
static uint64_t rnd_pages(const struct layout_params *p, unsigned bits)
{
	return bits ? (p->rnd(p->ctx) & ((1ull << bits) - 1)) * LAYOUT_PAGE : 0;
}

/* mm/util.c mmap_base(): below the stack's gap, itself bounded by MIN_GAP and MAX_GAP. */
static uint64_t mmap_base(const struct layout_params *p, uint64_t rnd)
{
	uint64_t gap = p->stack_rlimit, pad = LAYOUT_GUARD_GAP, max_gap = p->user_top / 6 * 5;

	if (p->randomize)
		pad += (1ull << layout_stack_bits(p)) * LAYOUT_PAGE;
	if (gap + pad > gap) /* values close to infinity would overflow */
		gap += pad;
	if (gap < LAYOUT_MIN_GAP && LAYOUT_MIN_GAP < max_gap)
		gap = LAYOUT_MIN_GAP;
	else if (gap > max_gap)
		gap = max_gap;
	return page_up(p->user_top - gap - rnd);
}

void layout_pick(const struct layout_params *p, struct layout *out)
{
	uint64_t mmap_rnd = 0;

	out->stack_top = p->user_top & ~(uint64_t)(LAYOUT_PAGE - 1);
	out->stack_pad = 0;
	if (p->randomize) {
		out->stack_top -= rnd_pages(p, layout_stack_bits(p));
		out->stack_pad = (uint32_t)(p->rnd(p->ctx) % LAYOUT_PAGE); /* arch_align_stack */
		mmap_rnd = rnd_pages(p, layout_mmap_bits(p));
	}
	out->bottom_up = p->stack_rlimit == LAYOUT_RLIM_INFINITY;
	out->mmap_base = out->bottom_up ? p->unmapped_base + mmap_rnd : mmap_base(p, mmap_rnd);
	if (out->mmap_base < p->user_base)
		out->mmap_base = page_up(p->user_base);
}

/* mm/util.c randomize_page(): a page in [start, start + range). */
static uint64_t randomize_page(const struct layout_params *p, uint64_t start, uint64_t range)
{
	if (start > p->user_top || range > p->user_top - start)
		range = start < p->user_top ? p->user_top - start : 0;
	range /= LAYOUT_PAGE;
	return range ? start + p->rnd(p->ctx) % range * LAYOUT_PAGE : start;
}

uint64_t layout_brk(const struct layout_params *p, uint64_t prog_end, bool static_pie)
{
	/* A loader's break goes to the unused ELF_ET_DYN_BASE region, out of the mmap area's way.
	 */
	uint64_t brk = page_up(static_pie ? p->user_top / 3 * 2 : prog_end);

	if (p->randomize > 1) {
		if (!static_pie)
			brk += LAYOUT_PAGE; /* a gap between .bss and the break */
		brk = randomize_page(p, brk, layout_brk_range(p));
	}
	return brk;
}
