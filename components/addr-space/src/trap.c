/*
 * The space the calling CPU runs in, and the page-fault hook: a fault on a
 * user address of the active space is an as_fault(); anything else is left
 * to the platform, which reports it.
 */
#include "as_internal.h"
#include <hal/smp.h>
#include <hal/trap.h>
#include <klib/errno.h>

static struct addr_space *active[HAL_NR_CPUS]; /* by hal_cpu_id(); written by that CPU */

void as_activate(struct addr_space *as)
{
	unsigned long flags = hal_irq_save(); /* table and record on one CPU */

	pt_activate(as ? as->pt : NULL); /* NULL: no user half, the kernel's table alone */
	active[hal_cpu_id()] = as;
	hal_irq_restore(flags);
}

struct addr_space *as_active(void)
{
	unsigned long flags = hal_irq_save();
	struct addr_space *as = active[hal_cpu_id()];

	hal_irq_restore(flags);
	return as;
}

static int as_trap_fault(const struct hal_fault *f)
{
	struct addr_space *as = as_active(); /* the faulting task's, whichever CPU it is on later */

	if (!as || f->addr < as_user_base() || f->addr >= as_user_top())
		return -EFAULT;
	return as_fault(as, f->addr, (unsigned)f->access);
}

int as_init(void)
{
	hal_trap_set_fault_handler(as_trap_fault);
	return 0;
}
