/*
 * The children: producers send their messages into the ring, consumers
 * take messages out, check each one and log where it arrived. Each writes
 * its totals into its own record in the segment; the parent reads them
 * after wait4.
 */
#include "shm_demo.h"

#include <sched.h>

/* Wait for the parent's start signal: 1 go, 2 give up. */
static bool wait_go(struct demo_shared *sh)
{
	uint32_t go;

	while ((go = atomic_load_explicit(&sh->go, memory_order_acquire)) == 0)
		sched_yield();
	return go == 1;
}

/* The sequence number message i carries, faults included. */
static uint32_t seq_of(const struct demo_config *cfg, uint32_t id, uint32_t i)
{
	if (id != 0)
		return i;
	if (cfg->fault == FAULT_DUPLICATE && i == 1)
		return 0;
	if (cfg->fault == FAULT_REORDER && (i == 2 || i == 3))
		return i ^ 1;
	return i;
}

/* A real store to address 0: the kernel must kill this process with
 * SIGSEGV. (The empty asm hides the null pointer from the compiler, which
 * would otherwise emit a trap instruction instead.) */
static void crash(void)
{
	volatile int *p;

	__asm__ volatile("" : "=r"(p) : "0"(0));
	*p = 1;
}

int producer_main(struct demo_shared *sh, uint32_t id)
{
	const struct demo_config *cfg = &sh->cfg;
	struct demo_stats *st = &sh->producer[id];

	if (!wait_go(sh))
		return DEMO_EXIT_STOPPED;
	for (uint32_t i = 0; i < cfg->messages; i++) {
		uint32_t seq = seq_of(cfg, id, i), len;
		struct ring_slot *s;
		uint64_t ticket, sum;

		if (ring_reserve(&sh->ring, &s, &ticket) != RING_OK)
			return DEMO_EXIT_STOPPED;
		if (cfg->fault == FAULT_CRASH && id == 0 && i == cfg->messages / 2)
			crash(); /* consumers now wait for this ticket until the ring stops */
		s->producer = id;
		s->seq = seq;
		len = payload_fill(s->payload, id, seq, cfg->payload_max, &sum);
		s->len = len;
		s->sum = sum;
		if (cfg->fault == FAULT_CORRUPT && id == 0 && i == cfg->messages / 2)
			s->payload[len / 2] ^= 0x10;
		ring_publish(s, ticket);
		st->messages++;
		st->bytes += len;
		st->sum += sum;
	}
	return 0;
}

int consumer_main(struct demo_shared *sh, uint32_t id)
{
	const struct demo_config *cfg = &sh->cfg;
	struct demo_stats *st = &sh->consumer[id];
	struct demo_log *log = (struct demo_log *)((unsigned char *)sh + sh->log_off);
	uint64_t last = (uint64_t)cfg->producers * cfg->messages - 1;

	if (!wait_go(sh))
		return DEMO_EXIT_STOPPED;
	for (;;) {
		struct ring_slot *s;
		uint64_t ticket;
		enum ring_status r = ring_take(&sh->ring, last, &s, &ticket);

		if (r == RING_DONE)
			return 0;
		if (r != RING_OK)
			return DEMO_EXIT_STOPPED;
		/* Copy the header out once: the slot is shared memory. */
		uint32_t producer = s->producer, seq = s->seq, len = s->len;
		uint64_t sum = s->sum, got = 0;
		bool sane = producer < cfg->producers && seq < cfg->messages && len >= 1 &&
		            len <= cfg->payload_max;

		if (sane)
			got = payload_sum(s->payload, len);
		ring_release(&sh->ring, s, ticket);
		if (!sane) {
			st->bad_header++;
			continue;
		}
		/* Ticket 0 is taken by exactly one consumer, whichever gets there
		 * first: "consumer 0's first message" was lost to the race when
		 * consumer 1 took every message. */
		if (cfg->fault == FAULT_DROP && ticket == 0)
			continue;
		if (got != sum)
			st->bad_sum++;
		log[ticket] = (struct demo_log){
		    .seq = seq, .producer = (uint16_t)producer, .consumer = (uint16_t)(id + 1)};
		st->messages++;
		st->bytes += len;
		st->sum += got;
	}
}
