/*
 * Interrupts: the board's controller (arch/board.h) and a handler per
 * interrupt id. An interrupt is acknowledged, ended at once, then handled:
 * its handler may switch tasks (the timer's does), and the controller must
 * not be left waiting for the end of an interrupt whose task is switched
 * out. Interrupts stay masked meanwhile, and a level-triggered source is
 * quieted by its handler first, so it cannot come again before it is
 * handled.
 *
 * A handler is one for every CPU: private interrupts (the timer's PPI, the
 * IPI's SGI) are let through on each CPU as it comes up. Handlers are
 * attached before the secondary CPUs start, so they read the table
 * without a lock.
 */
#include <arch/board.h>
#include <klib/errno.h>
#include <klib/panic.h>
#include "aarch64.h"

#define IRQ_LINES   1020 /* INTIDs 0-1019: SGIs, PPIs and SPIs; 1020 and up are special */
#define IRQ_PRIVATE 32   /* INTIDs 0-31: SGIs and PPIs, one of each per CPU */

static const struct aarch64_irqchip *chip;
static void (*handlers[IRQ_LINES])(void);

int aarch64_irq_init(const struct aarch64_irqchip *c)
{
	chip = c;
	return c->cpu_init(c->ctx);
}

int aarch64_irq_attach(unsigned intid, void (*fn)(void))
{
	int rc;

	if (intid >= IRQ_LINES || !chip)
		return -EINVAL;
	if (handlers[intid])
		return -EBUSY;
	handlers[intid] = fn;
	if ((rc = chip->enable(chip->ctx, intid)) < 0)
		handlers[intid] = NULL;
	return rc;
}

int aarch64_irq_cpu_init(void)
{
	int rc = chip->cpu_init(chip->ctx);

	for (unsigned i = 0; i < IRQ_PRIVATE && rc == 0; i++)
		if (handlers[i])
			rc = chip->enable(chip->ctx, i);
	return rc;
}

#ifdef CONFIG_SMP
void aarch64_sgi_send(unsigned intid, uint64_t cpus)
{
	chip->send_sgi(chip->ctx, intid, cpus);
}

void aarch64_sgi_clear(unsigned intid)
{
	chip->clear_sgi(chip->ctx, intid);
}
#endif

void aarch64_irq(void)
{
	uint32_t token, intid;

	if (!chip)
		panic("aarch64: an interrupt came before the board named its controller");
	intid = chip->ack(chip->ctx, &token);
	if (intid >= IRQ_LINES)
		return; /* spurious: taken back, or by another CPU */
	chip->eoi(chip->ctx, token);
	if (!handlers[intid])
		panic("aarch64: interrupt %u came, and nothing handles it", intid);
	handlers[intid]();
}
