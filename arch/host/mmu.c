/*
 * The host process lives in Linux's page table: there is no TLB to manage
 * and no kernel page table to build (hal/mmu.h).
 */
#include <hal/mmu.h>
#include "../common/asid.h"
#include <klib/errno.h>

void hal_mmu_flush_all(void)
{
}

void hal_tlb_flush_range(unsigned asid, uintptr_t va, size_t len)
{
	(void)asid;
	(void)va;
	(void)len;
}

void hal_tlb_flush_asid(unsigned asid)
{
	(void)asid;
}

unsigned hal_asid_get(struct hal_asid *a)
{
	asid_cpus_join(a, hal_cpu_id());
	return 0;
}

/* Every space is 0 and the switch flushes: a CPU switching away caches nothing of it. */
void hal_asid_put(struct hal_asid *a)
{
	asid_cpus_leave(a, hal_cpu_id());
}

void hal_asid_flush(struct hal_asid *a, uintptr_t va, size_t len)
{
	asid_cpus_flush(a, 0, va, len);
}

void hal_mmu_switch(uint64_t user_root_pa, unsigned asid)
{
	(void)user_root_pa;
	(void)asid;
}

int hal_mmu_init(void)
{
	return -ENOSYS;
}

void hal_stack_set_bottom(uintptr_t bottom)
{
	(void)bottom;
}

void hal_mmu_flush_range_cpus(hal_cpumask_t cpus, unsigned asid, uintptr_t va, size_t len)
{
	(void)cpus;
	(void)asid;
	(void)va;
	(void)len;
}
