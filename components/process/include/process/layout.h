/*
 * Where a new program's pieces go: Linux's exec layout on 64-bit
 * (fs/binfmt_elf.c load_elf_binary, mm/util.c arch_pick_mmap_layout,
 * mmap_base, randomize_stack_top, arch_randomize_brk; the architecture's
 * STACK_RND_MASK (LINUX_ARCH_STACK_RND_BITS), arch_align_stack,
 * ELF_ET_DYN_BASE):
 *
 *   user_top ┬─ (random gap, randomize >= 1: up to the stack's entropy)
 *            ├─ stack_top: the stack area grows down from here
 *            │   stack limit + guard gap + the stack's random range, at least
 *            │   128 MiB, at most 5/6 of the user range (Linux's MIN/MAX_GAP)
 *            ├─ (random gap, randomize >= 1: up to the mmap entropy)
 *            ├─ mmap_base: mmap, shmat and static-pie programs, top-down
 *            │       ...
 *            ├─ brk: grows up (randomize 2: a random distance above the program)
 *            └─ the program (ET_EXEC at its link address)
 *   user_base
 *
 * An unlimited stack limit gives Linux's legacy layout: mmap bottom-up from
 * a third of the user range (TASK_UNMAPPED_BASE) plus the mmap randomness.
 * A static-pie program (ET_DYN, no interpreter) is placed like an mmap, and
 * its break starts at ELF_ET_DYN_BASE (two thirds of the user range).
 *
 * randomize is Linux's kernel.randomize_va_space: 0 nothing random; 1 the
 * stack top, the stack's start within its first page (arch_align_stack) and
 * the mmap base; 2 also the break. Entropy is Linux's (LINUX_ARCH_STACK_RND_BITS of
 * pages for the stack, CONFIG_PROCESS_MMAP_RND_BITS for the mmap base, 1 GiB
 * for the break), each range capped at an eighth of the user range so that
 * the pieces always fit (Sv39's 256 GiB: Linux's own values; 2 GiB: 16 bits,
 * 256 MiB), as Linux bounds mmap_rnd_bits by its address-space size.
 *
 * Pure functions of their arguments: the random values come from 'rnd'
 * (random_u64 in the kernel, a fake in tests). Any context.
 */
#ifndef PROCESS_LAYOUT_H
#define PROCESS_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux-arch/abi.h>

#define LAYOUT_RLIM_INFINITY (~0ull)

struct layout_params {
	uint64_t user_base, user_top; /* the user range: [user_base, user_top) */
	uint64_t unmapped_base;     /* Linux's TASK_UNMAPPED_BASE (addr-space's as_unmapped_base) */
	uint64_t stack_rlimit;      /* RLIMIT_STACK's soft limit; LAYOUT_RLIM_INFINITY: legacy */
	int randomize;              /* randomize_va_space: 0, 1 or 2 */
	unsigned mmap_rnd_bits;     /* Linux's vm.mmap_rnd_bits (before the cap) */
	uint64_t (*rnd)(void *ctx); /* 64 random bits */
	void *ctx;
};

struct layout {
	uint64_t stack_top; /* the stack area ends here (exclusive), page-aligned */
	uint32_t stack_pad; /* bytes skipped below the strings (< 4096; arch_align_stack) */
	uint64_t mmap_base; /* page-aligned; placement below it (above it if bottom_up) */
	bool bottom_up;     /* the legacy layout */
};

#define LAYOUT_PAGE       4096u
#define LAYOUT_STACK_BITS ((unsigned)LINUX_ARCH_STACK_RND_BITS) /* the architecture's */
#define LAYOUT_BRK_RANGE  (1ull << 30)                          /* arch_randomize_brk on 64-bit */
#define LAYOUT_GUARD_GAP  (256ull << 12)                        /* stack_guard_gap: 256 pages */
#define LAYOUT_MIN_GAP    (128ull << 20)                        /* mm/util.c MIN_GAP */

/* The stack top and the mmap base (before anything is loaded: Linux's setup_new_exec). */
void layout_pick(const struct layout_params *p, struct layout *out);

/*
 * Where the break starts, given the end of the loaded program (after the
 * load bias) and whether it is a static-pie program: Linux's brk handling in
 * load_elf_binary. Page-aligned.
 */
uint64_t layout_brk(const struct layout_params *p, uint64_t prog_end, bool static_pie);

/* The randomness each piece gets after the cap, in pages (log2): for tests and messages. */
unsigned layout_stack_bits(const struct layout_params *p);
unsigned layout_mmap_bits(const struct layout_params *p);
uint64_t layout_brk_range(const struct layout_params *p);

#endif
