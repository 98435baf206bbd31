/*
 * The ring: a bounded queue for many producers and many consumers in
 * different processes, built from atomics in the shared segment alone (no
 * futex, no kernel object).
 *
 * Ticket t lives in slot t % n. Each slot's 'turn' says what may happen to
 * it next:
 *   turn == 2t            free for the producer holding ticket t;
 *   turn == 2t + 1        holds ticket t's message, for the consumer of t;
 *   turn == 2(t + n)      consumed: free for producer ticket t + n, one lap
 *                         later.
 * (With t, t + 1 and t + n instead, a one-slot ring could not tell "holds
 * ticket t" from "free for ticket t + 1".)
 * A producer first claims a ticket by advancing 'tail' with compare-and-swap,
 * then fills the slot and hands it over with a release store of turn; the
 * consumer's acquire load of turn makes the message visible before it reads
 * it, and the same pair orders the consumer's reads before the next lap's
 * writes. Tickets are 64-bit and never wrap.
 *
 * Waiting (ring full, ring empty, or a claimed slot not yet published)
 * yields the CPU: on a single CPU the process being waited for, preempted
 * anywhere, runs only when this one stops spinning. A worker that dies
 * holding a ticket would leave the others waiting forever, so the parent
 * calls ring_stop() and every wait ends.
 */
#include "shm_demo.h"

#include <sched.h>

/* An atomic that is not lock-free takes a lock private to each process
 * (libatomic's), which would synchronise nothing between processes. */
_Static_assert(ATOMIC_LONG_LOCK_FREE == 2 && ATOMIC_INT_LOCK_FREE == 2 &&
                   sizeof(long) == sizeof(uint64_t),
               "the ring needs lock-free 64-bit atomics");

static struct ring_slot *slot_at(struct ring *r, uint64_t ticket)
{
	unsigned char *base = (unsigned char *)r + r->slots_off;

	return (struct ring_slot *)(base + (size_t)(ticket % r->nslots) * r->stride);
}

static size_t slot_stride(uint32_t payload_max)
{
	size_t s = sizeof(struct ring_slot) + payload_max;

	/* Whole cache lines: neighbours written by different processes do
	 * not share one. */
	return (s + 63) & ~(size_t)63;
}

size_t ring_size(uint32_t nslots, uint32_t payload_max)
{
	return sizeof(struct ring) + nslots * slot_stride(payload_max);
}

/* Before any worker exists: plain stores are enough (fork orders them). */
void ring_init(struct ring *r, uint32_t nslots, uint32_t payload_max)
{
	atomic_init(&r->tail, 0);
	atomic_init(&r->head, 0);
	atomic_init(&r->stopped, 0);
	r->nslots = nslots;
	r->stride = (uint32_t)slot_stride(payload_max);
	r->slots_off = sizeof(struct ring); /* a multiple of 64 */
	for (uint32_t i = 0; i < nslots; i++)
		atomic_init(&slot_at(r, i)->turn, 2 * (uint64_t)i);
}

static bool stopped(struct ring *r)
{
	return atomic_load_explicit(&r->stopped, memory_order_acquire) != 0;
}

/* Claim the next producer ticket and wait until its slot is free. */
enum ring_status ring_reserve(struct ring *r, struct ring_slot **slot, uint64_t *ticket)
{
	uint64_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);

	while (!stopped(r)) {
		struct ring_slot *s = slot_at(r, t);
		uint64_t turn = atomic_load_explicit(&s->turn, memory_order_acquire);

		if (turn == 2 * t) {
			/* Free: claim it; on failure t holds the newer tail. */
			if (atomic_compare_exchange_weak_explicit(
			        &r->tail, &t, t + 1, memory_order_relaxed, memory_order_relaxed)) {
				*slot = s;
				*ticket = t;
				return RING_OK;
			}
			continue;
		}
		if (turn < 2 * t)
			sched_yield(); /* full: last lap's message still unread */
		t = atomic_load_explicit(&r->tail, memory_order_relaxed);
	}
	return RING_STOPPED;
}

void ring_publish(struct ring_slot *slot, uint64_t ticket)
{
	atomic_store_explicit(&slot->turn, 2 * ticket + 1, memory_order_release);
}

/* Claim the next consumer ticket, if it is at most 'last', and wait until
 * its message is there. RING_DONE: every ticket up to 'last' is taken. */
enum ring_status ring_take(struct ring *r, uint64_t last, struct ring_slot **slot, uint64_t *ticket)
{
	uint64_t t = atomic_load_explicit(&r->head, memory_order_relaxed);

	while (!stopped(r)) {
		if (t > last)
			return RING_DONE;
		struct ring_slot *s = slot_at(r, t);
		uint64_t turn = atomic_load_explicit(&s->turn, memory_order_acquire);

		if (turn == 2 * t + 1) {
			if (atomic_compare_exchange_weak_explicit(
			        &r->head, &t, t + 1, memory_order_relaxed, memory_order_relaxed)) {
				*slot = s;
				*ticket = t;
				return RING_OK;
			}
			continue;
		}
		if (turn < 2 * t + 1)
			sched_yield(); /* empty, or claimed but not yet published */
		t = atomic_load_explicit(&r->head, memory_order_relaxed);
	}
	return RING_STOPPED;
}

void ring_release(struct ring *r, struct ring_slot *slot, uint64_t ticket)
{
	atomic_store_explicit(&slot->turn, 2 * (ticket + r->nslots), memory_order_release);
}

void ring_stop(struct ring *r)
{
	atomic_store_explicit(&r->stopped, 1, memory_order_release);
}
