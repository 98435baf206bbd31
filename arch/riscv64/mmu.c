/*
 * The MMU (hal/mmu.h) and the kernel's own page table.
 *
 * hal_mmu_init() builds it with paging: all RAM read-write, never
 * executable, with 2 MiB pages where it can; firmware-reserved ranges left
 * out; the image itself W^X (text read+exec, rodata read-only, data, bss and
 * stack read-write) with the boot stack's guard page unmapped; and the
 * devices this platform drives moved to the upper half, at
 * RISCV_IO_BASE + their physical address, so the lower half below RAM stays
 * free for user programs (linked at 0x10000). Everything is global: every
 * user table shares these entries.
 */
#include <hal/memmap.h>
#include <hal/mmu.h>
#include <klib/compiler.h>
#include <klib/errno.h>
#include "hart.h"
#include "riscv.h"

#define SATP_MODE_SHIFT 60

static inline void sfence_vma_all(void)
{
	__asm__ __volatile__("sfence.vma" ::: "memory");
}

void hal_mmu_flush_all(void)
{
	sfence_vma_all();
}

void hal_mmu_flush_range(uintptr_t va, size_t len)
{
	uintptr_t p = va & ~(uintptr_t)4095, end = va + len;

	if (len / 4096 > CONFIG_RISCV_TLB_FLUSH_PAGES) {
		sfence_vma_all();
		return;
	}
	for (; p < end; p += 4096)
		__asm__ __volatile__("sfence.vma %0, zero" ::"r"(p) : "memory");
}

void hal_mmu_switch(uint64_t root_pa, unsigned mode)
{
	/* Order earlier table writes before the walker can use the new root. */
	sfence_vma_all();
	csr_write(satp, (unsigned long)mode << SATP_MODE_SHIFT | root_pa >> 12);
	sfence_vma_all();
}

void hal_stack_set_bottom(uintptr_t bottom)
{
	riscv_hart0.stack_bottom = bottom;
}

#ifdef CONFIG_PAGING
#include <paging/paging.h>

extern char __boot_stack_guard[];

static uintptr_t io_base;

/* Where a device at physical address pa appears once the kernel table is on. */
static uintptr_t io_addr(uintptr_t pa)
{
	return pa ? io_base + pa : 0;
}

static int map_device(struct pt *pt, uintptr_t pa)
{
	uintptr_t page = pa & ~(uintptr_t)4095;

	if (!pa)
		return 0;
	return pt_map(pt, io_addr(page), page, 4096, PT_READ | PT_WRITE | PT_GLOBAL, 0);
}

static int map_ram(struct pt *pt)
{
	const struct hal_mem_region *r;
	size_t n = hal_mem_regions(&r);
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++)
		if (r[i].type == HAL_MEM_RAM)
			rc = pt_map(pt, ALIGN_UP(r[i].base, 4096), ALIGN_UP(r[i].base, 4096),
				    ALIGN_DOWN(r[i].base + r[i].size, 4096) - ALIGN_UP(r[i].base, 4096),
				    PT_READ | PT_WRITE | PT_GLOBAL, PT_MAP_HUGE);
	/* Firmware's memory is not ours to touch: leave it unmapped. */
	for (size_t i = 0; i < n && rc == 0; i++)
		if (r[i].type == HAL_MEM_RESERVED)
			rc = pt_unmap(pt, ALIGN_DOWN(r[i].base, 4096),
				      ALIGN_UP(r[i].base + r[i].size, 4096) - ALIGN_DOWN(r[i].base, 4096),
				      NULL, NULL);
	return rc;
}

static int map_image(struct pt *pt)
{
	const struct hal_kernel_layout *k = hal_kernel_layout();
	const unsigned g = PT_GLOBAL, f = PT_MAP_REPLACE;
	int rc;

	if ((rc = pt_map(pt, k->text_start, k->text_start, k->text_end - k->text_start,
			 PT_READ | PT_EXEC | g, f)) ||
	    (rc = pt_map(pt, k->rodata_start, k->rodata_start, k->rodata_end - k->rodata_start,
			 PT_READ | g, f)) ||
	    (rc = pt_map(pt, k->data_start, k->data_start, k->data_end - k->data_start,
			 PT_READ | PT_WRITE | g, f)))
		return rc;
	return pt_unmap(pt, (uintptr_t)__boot_stack_guard, 4096, NULL, NULL);
}

int hal_mmu_init(void)
{
#ifdef CONFIG_RISCV_SV48
	const struct pt_format *fmt = &pt_format_sv48;
#else
	const struct pt_format *fmt = &pt_format_sv39;
#endif
	struct pt *pt;
	int rc = pt_create(fmt, &pt);

	if (rc)
		return rc;
	io_base = ~0ul << (pt_format_va_bits(fmt) - 1);
	if ((rc = map_ram(pt)) || (rc = map_image(pt)) || (rc = map_device(pt, riscv_board.uart_base)) ||
	    (rc = map_device(pt, riscv_board.test_base)) || (rc = map_device(pt, riscv_board.rtc_base))) {
		pt_destroy(pt);
		return rc;
	}
	pt_set_kernel(pt);
#ifdef CONFIG_TASK
	/* Task stacks get guard pages from here on (kstack.c), in the upper
	 * half well above the devices: 128 GiB into it. */
	riscv_kstack_init(io_base + (1ul << 37));
#endif
	/* Nothing may print between the switch and the pointer update: the UART moves. */
	uintptr_t uart = io_addr(riscv_board.uart_base), test = io_addr(riscv_board.test_base);
	uintptr_t rtc = io_addr(riscv_board.rtc_base);
	pt_activate(pt);
	riscv_board.uart_base = uart;
	riscv_board.test_base = test;
	riscv_board.rtc_base = rtc;
	return 0;
}

const char *riscv_mmu_describe(uintptr_t addr)
{
	const struct hal_kernel_layout *k = hal_kernel_layout();
	uintptr_t guard = (uintptr_t)__boot_stack_guard;

	if (!pt_kernel())
		return "no kernel page table yet";
	if (addr >= k->text_start && addr < k->text_end)
		return "kernel text, read+exec";
	if (addr >= k->rodata_start && addr < k->rodata_end)
		return "kernel rodata, read-only";
	if (addr >= guard && addr < guard + 4096)
		return "boot stack guard page, unmapped";
	if (addr >= k->data_start && addr < k->data_end)
		return "kernel data, read+write, no exec";
	if (pt_query(pt_kernel(), addr, NULL, NULL, NULL) == 0)
		return "mapped";
	return "unmapped";
}
#else
int hal_mmu_init(void)
{
	return -ENOSYS;
}

const char *riscv_mmu_describe(uintptr_t addr)
{
	(void)addr;
	return "paging off";
}
#endif
