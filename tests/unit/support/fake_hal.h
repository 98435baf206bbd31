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
#include <stddef.h>

void fake_hal_set_regions(const struct hal_mem_region *r, size_t n);

extern unsigned fake_hal_flushes;   /* hal_mmu_flush_all + hal_mmu_flush_range calls */
extern uint64_t fake_hal_root;      /* last hal_mmu_switch() root */
extern hal_fault_handler_t fake_hal_fault_handler;

/* size bytes of zeroed host memory aligned to align (a power of two), never freed; NULL on failure. */
void *fake_hal_ram(size_t size, size_t align);

#endif
