/*
 * A fake hal for unit tests of components above it (page-alloc, paging,
 * addr-space): interrupts are a flag, the memory map is whatever the test
 * sets, "physical" addresses are host addresses, and the MMU calls are
 * counted so tests can see TLB flushes happen. With ADDR_SPACE_MUTEX it also
 * runs tasks, cooperatively, and the test is the task "main" from the start
 * (fake_hal_tasks.c).
 */
#ifndef FAKE_HAL_H
#define FAKE_HAL_H

#include <hal/memmap.h>
#include <hal/mmu.h>
#include <hal/trap.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void fake_hal_set_regions(const struct hal_mem_region *r, size_t n);

extern unsigned fake_hal_flushes; /* hal_mmu_flush_all + hal_tlb_flush_* calls */

/* The TLB flushes asked for, oldest first: what a change to a table cost the TLB. */
enum fake_flush_kind { FAKE_FLUSH_ALL, FAKE_FLUSH_ASID, FAKE_FLUSH_RANGE };
struct fake_flush {
	enum fake_flush_kind kind;
	unsigned asid;      /* ASID and RANGE */
	uintptr_t va;       /* RANGE */
	size_t len;         /* RANGE */
	hal_cpumask_t cpus; /* the CPUs whose TLB it reaches (the calling one, for a local flush) */
};
#define FAKE_HAL_FLUSH_LOG 64
extern struct fake_flush fake_hal_flush_log[FAKE_HAL_FLUSH_LOG];
extern unsigned
    fake_hal_flush_count; /* entries in the log since the last reset (may exceed the log) */
void fake_hal_flush_reset(void);
/* Called at each flush, if set: (va, len) of a range, (0, 0) for a whole space or TLB. */
extern void (*fake_hal_flush_hook)(uintptr_t va, size_t len);
extern uint64_t fake_hal_root; /* last hal_mmu_switch() root */
extern unsigned fake_hal_asid; /* and its asid (the fake hands out 1, 2, ...: never a rollover) */
/* The CPU the fake's hal_asid_get/put run on (the host is one CPU; a test plays several). */
extern unsigned fake_hal_cpu;
/* Hardware without ids: every space is 0, and a CPU leaves a space's set at hal_asid_put(). */
extern bool fake_hal_no_asids;
extern hal_fault_handler_t fake_hal_fault_handler;

/* size bytes of zeroed host memory aligned to align (a power of two), never freed; NULL on failure.
 */
void *fake_hal_ram(size_t size, size_t align);

#endif
