/*
 * The page-table engine: map, unmap, protect, query and walk ranges of a
 * hardware page table, generic over the PTE format (Sv39, Sv48, AArch64
 * 4 KiB granule). Page sizes are the format's: 4 KiB, 2 MiB and 1 GiB on all
 * three. With PT_MAP_HUGE a range is mapped with the largest page that its
 * alignment and length allow.
 *
 * Table pages come from page-alloc; a table that becomes empty on unmap is
 * freed at once. Changes to a table that may be live flush the TLB through
 * the hal (hal/mmu.h): of the CPUs that may cache that table only, and only
 * the range that changed (the hal keeps which CPUs per table, from
 * pt_activate). The engine does not own the frames it maps: unmap
 * hands each one back through a callback, so the caller can drop its
 * reference.
 *
 * Errors: -EINVAL (misaligned, out of the format's range, bad flags),
 * -ENOMEM (no frame for a table), -EEXIST (mapping over a present page).
 * A failed pt_map leaves the table as it was.
 */
#ifndef PAGING_PAGING_H
#define PAGING_PAGING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <page-alloc/page_alloc.h>

struct pt;
struct pt_format;

/*
 * The formats the engine speaks. AArch64 has a root per half: the user's
 * table (TTBR0, addresses below 2^48) is pt_format_aarch64_4k, the kernel's
 * (TTBR1, the top 2^48 bytes) pt_format_aarch64_4k_upper.
 */
extern const struct pt_format pt_format_sv39;
extern const struct pt_format pt_format_sv48;
extern const struct pt_format pt_format_aarch64_4k;
extern const struct pt_format pt_format_aarch64_4k_upper;
/* x86-64's 4-level table, and the 5-level one (LA57); _2m never makes 1 GiB pages (CPUs without
 * pdpe1gb). */
extern const struct pt_format pt_format_x86_64;
extern const struct pt_format pt_format_x86_64_2m;
extern const struct pt_format pt_format_x86_64_la57;
extern const struct pt_format pt_format_x86_64_la57_2m;

/* Permissions of a mapping (combine). */
#define PT_READ   0x01u
#define PT_WRITE  0x02u
#define PT_EXEC   0x04u
#define PT_USER   0x08u
#define PT_GLOBAL 0x10u /* present in every address space (kernel mappings) */
/*
 * Device registers: no caching, no speculative or merged accesses, never
 * executable (AArch64's Device-nGnRE). Formats without memory types in
 * their entries (Sv39, Sv48: the platform's PMAs say which addresses are
 * devices) accept it and do not record it.
 */
#define PT_DEVICE 0x20u

/* Flags of pt_map(). */
#define PT_MAP_HUGE    0x01u /* allow 2 MiB / 1 GiB pages where aligned */
#define PT_MAP_REPLACE 0x02u /* overwrite present pages instead of -EEXIST */

#define PT_SIZE_4K (1ull << 12)
#define PT_SIZE_2M (1ull << 21)
#define PT_SIZE_1G (1ull << 30)

/* The format's name ("sv39", ...) and how many virtual address bits it translates. */
const char *pt_format_name(const struct pt_format *fmt);
unsigned pt_format_va_bits(const struct pt_format *fmt);

/*
 * The format of user tables beside a kernel table of format fmt: fmt itself
 * where one root translates both halves; pt_format_aarch64_4k beside
 * pt_format_aarch64_4k_upper.
 */
const struct pt_format *pt_format_user(const struct pt_format *fmt);

/* A new, empty table of the given format. */
int pt_create(const struct pt_format *fmt, struct pt **out);

/*
 * Free every table page. Mapped frames are not touched: unmap first if
 * their owners need to know.
 */
void pt_destroy(struct pt *pt);

/* Physical address of the root table (what satp, TTBR or CR3 point at). */
paddr_t pt_root(const struct pt *pt);
const struct pt_format *pt_format(const struct pt *pt);

/*
 * pt_map, pt_unmap, pt_split and pt_protect change pt: the caller serialises
 * the calls on one pt (addr-space holds the space's lock); calls on
 * different tables may run at once. They never sleep (page-alloc's locks
 * are spinlocks; a flush that reaches other CPUs waits for them spinning),
 * and are not for interrupt handlers (boot code and tasks call them).
 */

/* Map [va, va + len) to [pa, pa + len); all three 4 KiB-aligned. */
int pt_map(struct pt *pt, uintptr_t va, paddr_t pa, size_t len, unsigned prot, unsigned flags);

/*
 * Called for every page removed by pt_unmap (va, its frame, its size), so the
 * caller can release the frame. May be NULL.
 */
typedef void (*pt_unmap_fn)(void *ctx, uintptr_t va, paddr_t pa, size_t size);

/*
 * Unmap [va, va + len); holes are skipped. A huge page only partly inside
 * the range is split first. Empty tables are freed, the TLB flushed; except
 * that the level-0 table a one-page unmap empties stays in place for the
 * next map in its span, one such table per pt (freed when another takes
 * its place, by a wider unmap over it, or with the table).
 */
int pt_unmap(struct pt *pt, uintptr_t va, size_t len, pt_unmap_fn fn, void *ctx);

/*
 * Make va a boundary between pages: a huge page that straddles it is split
 * (same frames and permissions). 0, -EINVAL or -ENOMEM; nothing else
 * changes. Lets a caller make later calls on ranges ending at va unable to
 * fail.
 */
int pt_split(struct pt *pt, uintptr_t va);

/* Change the permissions of the present pages in [va, va + len). */
int pt_protect(struct pt *pt, uintptr_t va, size_t len, unsigned prot);

/* The mapping covering va: 0 with its frame (for va itself), prot and page size, or -ENOENT. */
int pt_query(const struct pt *pt, uintptr_t va, paddr_t *pa, unsigned *prot, size_t *size);

/* Call fn for every present page in [va, va + len), in address order; a non-zero return stops. */
typedef int (*pt_walk_fn)(void *ctx, uintptr_t va, paddr_t pa, size_t size, unsigned prot);
int pt_walk(const struct pt *pt, uintptr_t va, size_t len, pt_walk_fn fn, void *ctx);

/* Table pages in use (for leak checks and statistics); borrowed kernel tables are not counted. */
size_t pt_table_pages(const struct pt *pt);

/*
 * Make this table the kernel's. Unless the format's hardware has a root
 * per half (AArch64), every other table of the same format, now and later,
 * shares its root entries (a new kernel root entry reaches them all), so
 * the kernel stays mapped whichever table is active. A table that maps
 * inside a shared root entry gets its own table under it, which shares the
 * kernel's entries one level down instead (and the kernel's later changes
 * there): under Sv48 one root entry covers 512 GiB, so user programs and
 * anything the kernel maps low can meet in one. A table may not change the
 * kernel's entries (-EINVAL), and the kernel table is never destroyed. NULL
 * forgets the kernel table (host tests). Installing it is the
 * architecture's business (hal/mmu.h).
 */
void pt_set_kernel(struct pt *pt);
struct pt *pt_kernel(void);

/*
 * Make this table the calling CPU's user half (hal_mmu_switch, under the
 * address-space id the hal hands the table); NULL or the kernel's table: no
 * user half. From then on changes to the table flush this CPU's TLB too,
 * until it switches away (or, with ids, until the table takes a new one).
 * Any context but an interrupt handler that may interrupt another
 * pt_activate; never sleeps (interrupts are off inside).
 */
void pt_activate(struct pt *pt);

/*
 * Entries of [va, va + len) went from invalid to valid: no CPU can hold
 * them as valid, but a CPU may hold them as invalid (RISC-V lets a hart
 * cache invalid entries) and take a spurious fault. Drop them from the
 * calling CPU's TLB alone, if the table is active here; a CPU that faults
 * on a page it finds present calls this too (addr-space). Any context;
 * never sleeps.
 */
void pt_flush_local(struct pt *pt, uintptr_t va, size_t len);

/*
 * The table is being torn down and will never be activated again, on any
 * CPU: from now on changes to it flush nothing (no CPU switches to its id
 * again before a new generation has flushed every TLB). It may not be
 * active on any CPU (a panic). Saves an exit a flush per unmapped range.
 */
void pt_retire(struct pt *pt);

#endif
