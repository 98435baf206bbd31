/*
 * The parent's verdict, from three independent sources: what the producers
 * say they sent, what the consumers say they received, and what should have
 * been sent, recomputed here from the payload function. The delivery log
 * (ticket -> producer, seq) shows loss, duplication and order: a producer
 * claims its tickets in the order it sends, so in ticket order each
 * producer's sequence numbers must read 0, 1, 2, ... with no gap.
 */
#include "shm_demo.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void recompute(const struct demo_config *cfg, unsigned char *buf, struct demo_verdict *v)
{
	for (uint32_t p = 0; p < cfg->producers; p++) {
		for (uint32_t seq = 0; seq < cfg->messages; seq++) {
			uint64_t sum;

			v->bytes_expected += payload_fill(buf, p, seq, cfg->payload_max, &sum);
			v->sum_expected += sum;
		}
	}
	v->expected = (uint64_t)cfg->producers * cfg->messages;
}

static void add_stats(const struct demo_shared *sh, struct demo_verdict *v)
{
	for (uint32_t p = 0; p < sh->cfg.producers; p++) {
		v->sent += sh->producer[p].messages;
		v->bytes_sent += sh->producer[p].bytes;
		v->sum_sent += sh->producer[p].sum;
	}
	for (uint32_t c = 0; c < sh->cfg.consumers; c++) {
		v->received += sh->consumer[c].messages;
		v->bytes_received += sh->consumer[c].bytes;
		v->sum_received += sh->consumer[c].sum;
		v->bad_sum += sh->consumer[c].bad_sum;
		v->bad_header += sh->consumer[c].bad_header;
	}
}

/* seen[p * messages + seq]: copies received; last[p]: the previous seq. */
static void scan_log(const struct demo_shared *sh, uint8_t *seen, int64_t *last,
                     struct demo_verdict *v)
{
	const struct demo_config *cfg = &sh->cfg;
	const struct demo_log *log = (const void *)((const unsigned char *)sh + sh->log_off);

	for (uint64_t t = 0; t < v->expected; t++) {
		const struct demo_log *e = &log[t];

		if (e->consumer == 0)
			continue; /* nobody logged this ticket: its message is lost */
		uint8_t *n = &seen[(size_t)e->producer * cfg->messages + e->seq];
		if (*n > 0)
			v->duplicated++;
		if (*n < UINT8_MAX)
			(*n)++;
		if ((int64_t)e->seq < last[e->producer])
			v->out_of_order++;
		last[e->producer] = e->seq;
	}
	for (uint64_t i = 0; i < v->expected; i++)
		v->lost += seen[i] == 0;
}

/* 0, or -ENOMEM when the parent cannot get the memory to check. */
int demo_verify(const struct demo_shared *sh, struct demo_verdict *v)
{
	const struct demo_config *cfg = &sh->cfg;
	unsigned char *buf = malloc(cfg->payload_max);
	uint8_t *seen = calloc((size_t)cfg->producers * cfg->messages, 1);
	int64_t *last = malloc(sizeof(*last) * cfg->producers);
	int ret = -ENOMEM;

	memset(v, 0, sizeof(*v));
	if (buf && seen && last) {
		for (uint32_t p = 0; p < cfg->producers; p++)
			last[p] = -1;
		recompute(cfg, buf, v);
		add_stats(sh, v);
		scan_log(sh, seen, last, v);
		v->delivered = v->sent == v->expected && v->received == v->expected && !v->lost &&
		               !v->duplicated && !v->out_of_order && !v->bad_sum && !v->bad_header;
		v->sums_match = v->sum_sent == v->sum_expected && v->sum_received == v->sum_sent &&
		                v->bytes_sent == v->bytes_expected &&
		                v->bytes_received == v->bytes_sent;
		ret = 0;
	}
	free(buf);
	free(seen);
	free(last);
	return ret;
}
