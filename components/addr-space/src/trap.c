/*
 * The space the calling CPU runs in, and the page-fault hook: a fault on a
 * user address of the active space is an as_fault(); anything else is left
 * to the platform, which reports it.
 */
#include "as_internal.h"
#include <hal/trap.h>
#include <klib/errno.h>

static struct addr_space *active; /* one CPU runs the kernel so far */

void as_activate(struct addr_space *as)
{
	pt_activate(as ? as->pt : NULL); /* NULL: no user half, the kernel's table alone */
	active = as;
}

struct addr_space *as_active(void)
{
	return active;
}

static int as_trap_fault(const struct hal_fault *f)
{
	if (!active || f->addr < as_user_base() || f->addr >= as_user_top())
		return -EFAULT;
	return as_fault(active, f->addr, (unsigned)f->access);
}

int as_init(void)
{
	hal_trap_set_fault_handler(as_trap_fault);
	return 0;
}
