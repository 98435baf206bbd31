#include <hal/platform.h>
#include "riscv.h"

const char *hal_platform_name(void)
{
	return "riscv64-qemu-virt";
}

uint64_t hal_boot_entry_ns(void)
{
	uint64_t hz = riscv_board.timebase_hz, t = riscv_board.entry_ticks;

	return t / hz * 1000000000ull + t % hz * 1000000000ull / hz;
}
