#include "fake_hal.h"
#include <hal/cpu.h>
#include <klib/errno.h>
#include <sys/mman.h>

static const struct hal_mem_region *regions;
static size_t nregions;

/* The host architecture's inline interrupt flag (arch/host/include/arch/cpu.h), on. */
#ifdef CONFIG_SMP
/* Per thread there; here every thread is CPU 0 (these tests start no CPUs). */
static struct host_cpu fake_cpu0;
__thread int host_irq_off;
__thread struct host_cpu *host_cpu_tls = &fake_cpu0;

void host_irq_enable_and_replay(void)
{
	host_irq_set_flag(0); /* nothing is ever pending */
}
#else
volatile int host_irq_off;
void *host_cpu_local; /* hal_cpu_local(): task_current() inline reads it (arch/host/cpu.c's) */

void host_irq_enable_and_replay(void)
{
	host_irq_off = 0; /* nothing is ever pending */
}
#endif

void hal_cpu_wait(void)
{
}

unsigned fake_hal_flushes;
void (*fake_hal_flush_hook)(uintptr_t va, size_t len);
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

const struct hal_kernel_layout *hal_kernel_layout(void)
{
	return NULL;
}

struct fake_flush fake_hal_flush_log[FAKE_HAL_FLUSH_LOG];
unsigned fake_hal_flush_count;

void fake_hal_flush_reset(void)
{
	fake_hal_flush_count = 0;
}

static void log_flush_on(hal_cpumask_t cpus, enum fake_flush_kind kind, unsigned asid, uintptr_t va,
                         size_t len)
{
	if (fake_hal_flush_count < FAKE_HAL_FLUSH_LOG)
		fake_hal_flush_log[fake_hal_flush_count] = (struct fake_flush){
		    .kind = kind, .asid = asid, .va = va, .len = len, .cpus = cpus};
	fake_hal_flush_count++;
	fake_hal_flushes++;
	if (fake_hal_flush_hook)
		fake_hal_flush_hook(va, len);
}

static void log_flush(enum fake_flush_kind kind, unsigned asid, uintptr_t va, size_t len)
{
	log_flush_on(HAL_CPU_BIT(fake_hal_cpu), kind, asid, va, len);
}

void hal_mmu_flush_all(void)
{
	log_flush(FAKE_FLUSH_ALL, 0, 0, 0);
}

void hal_tlb_flush_range(unsigned asid, uintptr_t va, size_t len)
{
	log_flush(FAKE_FLUSH_RANGE, asid, va, len);
}

void hal_tlb_flush_asid(unsigned asid)
{
	log_flush(FAKE_FLUSH_ASID, asid, 0, 0);
}

/* Ids as a hart with them hands them out: 1, 2, ... in one generation. */
unsigned fake_hal_asid;
unsigned fake_hal_cpu;
bool fake_hal_no_asids;
static unsigned fake_asid_next = 1;

unsigned hal_asid_get(struct hal_asid *a)
{
	a->cpus |= HAL_CPU_BIT(fake_hal_cpu);
	if (fake_hal_no_asids)
		return 0;
	if (!a->v) {
		a->v = fake_asid_next++;
		a->cpus = HAL_CPU_BIT(fake_hal_cpu);
	}
	return (unsigned)a->v;
}

void hal_asid_put(struct hal_asid *a)
{
	if (fake_hal_no_asids)
		a->cpus &= ~HAL_CPU_BIT(fake_hal_cpu);
}

void hal_asid_flush(struct hal_asid *a, uintptr_t va, size_t len)
{
	if (!a->cpus)
		return;
	if (len == SIZE_MAX) /* the whole space, tables included */
		log_flush_on(a->cpus, FAKE_FLUSH_ASID, fake_hal_no_asids ? 0 : (unsigned)a->v, 0,
		             0);
	else
		log_flush_on(a->cpus, FAKE_FLUSH_RANGE, fake_hal_no_asids ? 0 : (unsigned)a->v, va,
		             len);
}

#ifdef CONFIG_SMP
/* The calls SMP adds, for tests built with it: one CPU online (they start none). */
unsigned hal_cpu_count(void)
{
	return 1;
}

hal_cpumask_t hal_cpu_online_mask(void)
{
	return 1;
}

void hal_mmu_flush_range_cpus(hal_cpumask_t cpus, unsigned asid, uintptr_t va, size_t len)
{
	if (len == SIZE_MAX)
		log_flush_on(cpus, FAKE_FLUSH_ASID, asid, 0, 0);
	else
		log_flush_on(cpus, FAKE_FLUSH_RANGE, asid, va, len);
}

int hal_cpu_call(hal_cpumask_t cpus, hal_cpu_fn fn, void *arg, bool wait)
{
	unsigned long flags;

	(void)wait;
	if (!fn || (cpus & ~(hal_cpumask_t)1))
		return -EINVAL;
	if (cpus) {
		flags = hal_irq_save();
		fn(arg);
		hal_irq_restore(flags);
	}
	return 0;
}

void hal_cpu_kick(hal_cpumask_t cpus)
{
	(void)cpus;
}

void hal_cpu_set_kick_handler(void (*fn)(void))
{
	(void)fn;
}
#endif

void hal_mmu_switch(uint64_t user_root_pa, unsigned asid)
{
	fake_hal_asid = asid;
	fake_hal_root = user_root_pa;
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
