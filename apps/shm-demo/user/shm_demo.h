/*
 * shm_demo: producers and consumers in separate processes exchange messages
 * through a ring buffer in one System V shared memory segment, and the
 * parent proves every byte arrived.
 *
 * A plain static Linux program: it runs on Linux (natively, under
 * qemu-riscv64) and inside the unikit image, and uses only what that image's
 * kernel implements: fork, exit, wait4, getpid, write, brk/mmap (malloc),
 * clock_gettime, sched_yield and shmget/shmat/shmdt/shmctl. Processes
 * synchronise only through the segment, with C11 atomics; whoever waits
 * calls sched_yield(), because on a single CPU the process it waits for
 * cannot run until this one gives the CPU up.
 *
 * The segment holds, in order: struct demo_shared (configuration, ring
 * indices, one record of results per worker), the ring's slots, and the
 * delivery log (one entry per ring ticket, written by the consumer that took
 * it). Everything is addressed by offset, never by pointer, so the layout
 * means the same at any attach address.
 */
#ifndef SHM_DEMO_H
#define SHM_DEMO_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits of the command line (the log entry has 16-bit worker fields). */
#define DEMO_MAX_PRODUCERS 64
#define DEMO_MAX_CONSUMERS 64
#define DEMO_MAX_MESSAGES  (1u << 24)
#define DEMO_MAX_SLOTS     4096
#define DEMO_MAX_PAYLOAD   65536

/* Exit status of a worker that gave up because the ring was stopped. */
#define DEMO_EXIT_STOPPED 3

/* Faults the demo can inject into itself, to show that its checks catch
 * them (the tests run each one and expect FAIL). */
enum demo_fault {
	FAULT_NONE,
	FAULT_DROP,      /* the consumer that takes the first message (ticket 0) throws it away */
	FAULT_CORRUPT,   /* producer 0 flips a payload bit after summing it */
	FAULT_DUPLICATE, /* producer 0 sends sequence 0 in place of 1 */
	FAULT_REORDER,   /* producer 0 sends sequences 2 and 3 swapped */
	FAULT_KEEP,      /* the parent "forgets" IPC_RMID until after the check */
	FAULT_CRASH,     /* producer 0 dies of SIGSEGV holding a claimed slot */
};

struct demo_config {
	uint32_t producers, consumers;
	uint32_t messages;    /* per producer */
	uint32_t slots;       /* ring capacity */
	uint32_t payload_max; /* payload sizes are 1..payload_max bytes */
	uint32_t fault;       /* enum demo_fault */
};

/* One slot of the ring. 'turn' says whose move it is (see ring.c); the
 * rest is the message, written by a producer and read by a consumer. */
struct ring_slot {
	_Atomic uint64_t turn;
	uint32_t producer, seq, len, pad;
	uint64_t sum; /* payload_sum() of the payload as produced */
	unsigned char payload[];
};

/* A bounded multi-producer, multi-consumer queue of tickets: producers
 * claim ticket 'tail', consumers 'head'; ticket t lives in slot t % nslots. */
struct ring {
	/* Producers and consumers each on their own cache line. */
	_Alignas(64) _Atomic uint64_t tail;
	_Alignas(64) _Atomic uint64_t head;
	_Alignas(64) _Atomic uint32_t stopped; /* set when a worker died: nobody waits on */
	uint32_t nslots, stride;
	uint64_t slots_off; /* from the start of struct ring */
};

/* What a consumer saw at ticket t. consumer == 0: nobody logged it. */
struct demo_log {
	uint32_t seq;
	uint16_t producer;
	uint16_t consumer; /* consumer index + 1 */
};

/* Results of one worker, written by it only, read by the parent after
 * wait4 (which orders them). */
struct demo_stats {
	uint64_t messages, bytes, sum; /* sum: of the payload sums */
	uint64_t bad_sum;              /* consumer: payload does not match its sum */
	uint64_t bad_header;           /* consumer: producer/seq/len out of range */
};

struct demo_shared {
	struct demo_config cfg;
	_Atomic uint32_t go; /* the parent starts every worker at once */
	uint32_t pad;
	uint64_t log_off; /* from the start of struct demo_shared */
	struct demo_stats producer[DEMO_MAX_PRODUCERS];
	struct demo_stats consumer[DEMO_MAX_CONSUMERS];
	struct ring ring; /* last: its slots follow it */
};

/* ring.c */
enum ring_status { RING_OK, RING_DONE, RING_STOPPED };
size_t ring_size(uint32_t nslots, uint32_t payload_max);
void ring_init(struct ring *r, uint32_t nslots, uint32_t payload_max);
enum ring_status ring_reserve(struct ring *r, struct ring_slot **slot, uint64_t *ticket);
void ring_publish(struct ring_slot *slot, uint64_t ticket);
enum ring_status ring_take(struct ring *r, uint64_t last, struct ring_slot **slot,
                           uint64_t *ticket);
void ring_release(struct ring *r, struct ring_slot *slot, uint64_t ticket);
void ring_stop(struct ring *r);

/* payload.c: the bytes of message (producer, seq), the same everywhere. */
uint32_t payload_fill(unsigned char *buf, uint32_t producer, uint32_t seq, uint32_t max,
                      uint64_t *sum);
uint64_t payload_sum(const unsigned char *buf, uint32_t len);

/* workers.c: the body of each child; the return value is its exit status. */
int producer_main(struct demo_shared *sh, uint32_t id);
int consumer_main(struct demo_shared *sh, uint32_t id);

/* verify.c: what the parent concludes from the log and the statistics. */
struct demo_verdict {
	uint64_t expected, sent, received;
	uint64_t lost, duplicated, out_of_order, bad_sum, bad_header;
	uint64_t bytes_expected, bytes_sent, bytes_received;
	uint64_t sum_expected, sum_sent, sum_received;
	bool delivered; /* exactly once, in order per producer, intact */
	bool sums_match;
};
int demo_verify(const struct demo_shared *sh, struct demo_verdict *v);

/* out.c: one write(2) per line, so forked children never repeat buffered
 * output, and lines of different processes never mix. */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *errno_name(int err);

#endif
