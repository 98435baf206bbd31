/*
 * Interrupts: the board's controller (arch/board.h) and a handler per
 * interrupt id. An interrupt is acknowledged, ended at once, then handled:
 * its handler may switch tasks (the timer's does), and the controller must
 * not be left waiting for the end of an interrupt whose task is switched
 * out. Interrupts stay masked meanwhile, and a level-triggered source is
 * quieted by its handler first, so it cannot come again before it is
 * handled.
 */
#include <arch/board.h>
#include <klib/errno.h>
#include <klib/panic.h>
#include "aarch64.h"

#define IRQ_LINES 1020 /* INTIDs 0-1019: SGIs, PPIs and SPIs; 1020 and up are special */

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
