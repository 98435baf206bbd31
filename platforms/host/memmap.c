/*
 * "Physical memory" on the host is one anonymous mapping of
 * CONFIG_HOST_RAM_MB; addresses in it are its own physical addresses
 * (arch/host/include/arch/memory.h).
 */
#include <hal/memmap.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include "host.h"

static struct hal_mem_region ram;

void host_memmap_init(void)
{
	size_t size = (size_t)CONFIG_HOST_RAM_MB << 20;
	/* Aligned to 2 MiB so huge-page code paths see realistic alignment. */
	size_t align = 2u << 20;
	char *p = mmap(NULL, size + align, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED) {
		perror("host: mmap of RAM");
		exit(2);
	}
	char *base = (char *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1));
	ram = (struct hal_mem_region){(uint64_t)(uintptr_t)base, size, HAL_MEM_RAM};
}

size_t hal_mem_regions(const struct hal_mem_region **regions)
{
	*regions = &ram;
	return ram.size ? 1 : 0;
}

uint64_t hal_mem_ram_size(void)
{
	return ram.size;
}

const struct hal_kernel_layout *hal_kernel_layout(void)
{
	return NULL;
}
