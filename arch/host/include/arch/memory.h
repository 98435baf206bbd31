/*
 * The host's part of hal/memmap.h: "physical" addresses are the process's
 * own (the mmap'd region that plays RAM), so every translation is the
 * identity.
 */
#ifndef ARCH_MEMORY_H
#define ARCH_MEMORY_H

#include <stdint.h>

#define HAL_PHYS_LIMIT UINT64_MAX
#define HAL_IO_LIMIT   UINT64_MAX

static inline void *hal_phys_to_virt(uint64_t pa)
{
	return (void *)(uintptr_t)pa;
}

static inline uint64_t hal_virt_to_phys(const void *va)
{
	return (uint64_t)(uintptr_t)va;
}

static inline void *hal_io_addr(uint64_t pa)
{
	return (void *)(uintptr_t)pa;
}

#endif
