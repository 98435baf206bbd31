/*
 * A small reference model of System V shared memory, written from Linux's
 * rules independently of ipc-shm (naive arrays, pieces of attachments as
 * page bitmaps), and a driver that applies one random operation to both and
 * compares every result, and after each operation every segment's state.
 * Used by the randomized sequence test and by the libFuzzer target.
 */
#ifndef IPC_SHM_TEST_MODEL_H
#define IPC_SHM_TEST_MODEL_H

#include <stdint.h>

struct model;

/* A fresh namespace, processes and model. */
struct model *model_new(void);

/* One operation chosen and parameterised by the bits of 'r'. Aborts on a mismatch. */
void model_step(struct model *m, uint64_t r);

/* Exit every process, destroy the namespace, check nothing is left; frees m. */
void model_free(struct model *m);

/* Counts of what the steps did (for the test's log). */
struct model_stats {
	unsigned long ops, ok, errors, destroyed;
};
struct model_stats model_stats(const struct model *m);

#endif
