/* QEMU's isa-debug-exit (drivers/isa_debug_exit.h; QEMU hw/misc/debugexit.c). */
#include <drivers/ioport.h>
#include <drivers/isa_debug_exit.h>

void isa_debug_exit(uint16_t port, uint32_t v)
{
	ioport_out32(port, v);
}
