#include "fake_hal.h"
#include <hal/cpu.h>
#include <klib/errno.h>
#include <sys/mman.h>

static const struct hal_mem_region *regions;
static size_t nregions;
static bool irq_on = true;

unsigned fake_hal_flushes;
uint64_t fake_hal_root;
hal_fault_handler_t fake_hal_fault_handler;

void fake_hal_set_regions(const struct hal_mem_region *r, size_t n)
{
	regions = r;
	nregions = n;
}

size_t hal_mem_regions(const struct hal_mem_region **out)
{
	*out = regions;
	return nregions;
}

uint64_t hal_mem_ram_size(void)
{
	uint64_t total = 0;

	for (size_t i = 0; i < nregions; i++)
		if (regions[i].type == HAL_MEM_RAM)
			total += regions[i].size;
	return total;
}

void *hal_phys_to_virt(uint64_t pa)
{
	return (void *)(uintptr_t)pa;
}

uint64_t hal_virt_to_phys(const void *va)
{
	return (uint64_t)(uintptr_t)va;
}

const struct hal_kernel_layout *hal_kernel_layout(void)
{
	return NULL;
}

unsigned hal_cpu_id(void)
{
	return 0;
}

unsigned long hal_irq_save(void)
{
	unsigned long was = irq_on;

	irq_on = false;
	return was;
}

void hal_irq_restore(unsigned long flags)
{
	irq_on = flags != 0;
}

void hal_irq_enable(void)
{
	irq_on = true;
}

void hal_irq_disable(void)
{
	irq_on = false;
}

bool hal_irq_enabled(void)
{
	return irq_on;
}

void hal_cpu_wait(void)
{
}

void hal_cpu_relax(void)
{
}

void hal_mmu_flush_all(void)
{
	fake_hal_flushes++;
}

void hal_mmu_flush_range(uintptr_t va, size_t len)
{
	(void)va;
	(void)len;
	fake_hal_flushes++;
}

void hal_mmu_switch(uint64_t root_pa, unsigned mode)
{
	(void)mode;
	fake_hal_root = root_pa;
}

int hal_mmu_init(void)
{
	return -ENOSYS;
}

void hal_stack_set_bottom(uintptr_t bottom)
{
	(void)bottom;
}

void hal_trap_set_fault_handler(hal_fault_handler_t handler)
{
	fake_hal_fault_handler = handler;
}

void *fake_hal_ram(size_t size, size_t align)
{
	char *p = mmap(NULL, size + align, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	return (void *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1));
}
