/*
 * User-mode memory accesses on the host, made the way the hardware makes
 * them: the Sv39 walk the MMU does from the root the active space installed
 * (hal_mmu_switch, recorded by the fake hal), and on a missing or
 * forbidding entry the page fault it raises, through the hook as_init()
 * installed in the hal. For tests and benchmarks over the real addr-space
 * (host spaces are Sv39: there is no kernel table to take a format from).
 */
#ifndef USER_ACCESS_H
#define USER_ACCESS_H

#include <stdbool.h>
#include <stdint.h>
#include <addr-space/addr_space.h>

/* Sv39 page-table entry bits, as the MMU reads them. */
#define SV39_V (1ull << 0)
#define SV39_R (1ull << 1)
#define SV39_W (1ull << 2)
#define SV39_X (1ull << 3)
#define SV39_U (1ull << 4)

/* Make 'as' active and walk its table for va: the leaf entry and va's physical address, or -EFAULT.
 */
int user_mmu_walk(struct addr_space *as, uintptr_t va, paddr_t *pa, uint64_t *leaf);

/*
 * Load or store one byte at va as user code running in 'as' would ('as'
 * stays active afterwards, as after a return to user mode). 0, or the
 * fault hook's negative errno; -EAGAIN if the fault was resolved but the
 * access still faults.
 */
int user_access(struct addr_space *as, uintptr_t va, bool write, uint8_t *byte);

#endif
