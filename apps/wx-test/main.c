/*
 * wx-test (a boot test, not a demo): prints the permissions the kernel page
 * table gives each part of the image, then writes to the kernel's own text.
 * W^X must turn that write into a reported page fault that fails the run
 * with the panic status (3); reaching the line after it is a failure.
 */
#include <kit/kit.h>
#include <hal/memmap.h>
#include <klib/printf.h>
#include <paging/paging.h>

extern char __boot_stack_guard[];

static void show(const char *what, uintptr_t va)
{
	unsigned prot;

	if (pt_query(pt_kernel(), va, NULL, &prot, NULL) != 0) {
		kprintf("wx-test: %-6s 0x%lx ---\n", what, (unsigned long)va);
		return;
	}
	kprintf("wx-test: %-6s 0x%lx %c%c%c\n", what, (unsigned long)va, prot & PT_READ ? 'r' : '-',
	        prot & PT_WRITE ? 'w' : '-', prot & PT_EXEC ? 'x' : '-');
}

int app_main(void)
{
	const struct hal_kernel_layout *k = hal_kernel_layout();
	volatile unsigned *text = (volatile unsigned *)(uintptr_t)app_main;

	if (!pt_kernel()) {
		kprintf("wx-test: no kernel page table\n");
		return 1;
	}
	show("text", k->text_start);
	show("rodata", k->rodata_start);
	show("data", k->data_start);
	show("guard", (uintptr_t)__boot_stack_guard);
	kprintf("wx-test: writing to kernel text at 0x%lx\n", (unsigned long)(uintptr_t)text);
	*text = 0;
	kprintf("wx-test: FAILED: the write to kernel text went through\n");
	return 1;
}
