/*
 * The key index of a namespace: key -> index, for shmget.
 *
 * An open-addressing table with linear probing, at most half full (it
 * doubles as keys come), of 4-byte slots: the index + 1 (0: empty) and a
 * 16-bit tag from the key's hash. A lookup reads consecutive slots, usually
 * within one cache line, compares tags there, and touches a permission
 * record (ids.c) only for a matching tag. With 32768 keys the table is
 * 256 KiB and the records 1 MiB, where chained segments were 8 MiB of
 * scattered objects: random lookups stay in the caches far longer.
 * Deleting shifts the following entries back (no tombstones), so a
 * lookup always ends at the first empty slot. All under the namespace lock.
 */
#include "shm_internal.h"
#include <klib/errno.h>
#include <page-alloc/page_alloc.h>

#define SHM_KEYS_MIN_BITS 6
#define SHM_SLOT_TAG(h)   ((h)&0xffffu)

_Static_assert(SHM_IDS < 0xffff, "a slot holds index + 1 in 16 bits");

/* Fibonacci hashing: keys are often small or ftok() values with few varying bits. */
static uint32_t shm_key_hash(int32_t key)
{
	return (uint32_t)key * 0x9e3779b1u;
}

static unsigned shm_keys_home(uint32_t hash, unsigned bits)
{
	return hash >> (32 - bits);
}

static int shm_slot_idx(uint32_t slot)
{
	return (int)(slot & 0xffffu) - 1;
}

/* The most slots the table needs: twice the id table, rounded up to a power of two. */
static unsigned shm_keys_max_bits(void)
{
	unsigned bits = SHM_KEYS_MIN_BITS;

	while ((1u << bits) < 2u * SHM_IDS)
		bits++;
	return bits;
}

int shm_keys_init(struct shm_ids *ids)
{
	ids->nkeys = 0;
	ids->key_bits = SHM_KEYS_MIN_BITS;
	ids->keys = kcalloc((size_t)1 << ids->key_bits, sizeof(*ids->keys));
	return ids->keys ? 0 : -ENOMEM;
}

/* The record of the segment with 'key' and its id in *id, or NULL: the segment itself is not read.
 */
const struct shm_perm *shm_keys_find(const struct shm_ids *ids, int32_t key, int *id)
{
	uint32_t h = shm_key_hash(key), mask = (1u << ids->key_bits) - 1, slot;

	for (unsigned s = shm_keys_home(h, ids->key_bits); (slot = ids->keys[s]);
	     s = (s + 1) & mask) {
		const struct shm_perm *p;

		if (slot >> 16 != SHM_SLOT_TAG(h))
			continue;
		p = shm_ids_perm(ids, shm_slot_idx(slot));
		if (p->key == key) {
			*id = (int)((unsigned)p->seq << SHM_ID_SEQ_SHIFT) + shm_slot_idx(slot);
			return p;
		}
	}
	return NULL;
}

/* Put a slot at the first empty place from its home (there is one: never full). */
static void shm_keys_place(uint32_t *table, unsigned bits, uint32_t h, uint32_t slot)
{
	unsigned s = shm_keys_home(h, bits), mask = (1u << bits) - 1;

	while (table[s])
		s = (s + 1) & mask;
	table[s] = slot;
}

/*
 * Make room for one more key: double the table when it would be more than
 * half full. If the memory is not there, a fuller table still works while
 * one slot stays empty; only then is it -ENOMEM (nothing changed).
 */
int shm_keys_reserve(struct shm_ids *ids)
{
	unsigned bits = ids->key_bits + 1;
	uint32_t *table;

	if (2 * (ids->nkeys + 1) <= 1u << ids->key_bits || ids->key_bits >= shm_keys_max_bits())
		return ids->nkeys + 1 < 1u << ids->key_bits ? 0 : -ENOMEM;
	table = kcalloc((size_t)1 << bits, sizeof(*table));
	if (!table)
		return ids->nkeys + 1 < 1u << ids->key_bits ? 0 : -ENOMEM;
	for (unsigned s = 0; s < 1u << ids->key_bits; s++) {
		uint32_t slot = ids->keys[s];

		if (slot)
			shm_keys_place(table, bits,
			               shm_key_hash(shm_ids_perm(ids, shm_slot_idx(slot))->key),
			               slot);
	}
	kfree(ids->keys);
	ids->keys = table;
	ids->key_bits = bits;
	return 0;
}

/* Index 'idx' has 'key' (its record already says so); shm_keys_reserve() made room. */
void shm_keys_insert(struct shm_ids *ids, int32_t key, int idx)
{
	uint32_t h = shm_key_hash(key);

	shm_keys_place(ids->keys, ids->key_bits, h, SHM_SLOT_TAG(h) << 16 | (uint32_t)(idx + 1));
	ids->nkeys++;
}

/* Is 'home' outside the cyclic run (hole, at]? Then the entry at 'at' may move back to 'hole'. */
static bool shm_keys_may_move(unsigned home, unsigned hole, unsigned at)
{
	return hole <= at ? home <= hole || home > at : home <= hole && home > at;
}

/* Take out the slot of index 'idx', whose record still has 'key'. */
void shm_keys_delete(struct shm_ids *ids, int32_t key, int idx)
{
	unsigned mask = (1u << ids->key_bits) - 1,
	         hole = shm_keys_home(shm_key_hash(key), ids->key_bits);

	while (shm_slot_idx(ids->keys[hole]) != idx)
		hole = (hole + 1) & mask;
	ids->keys[hole] = 0;
	ids->nkeys--;
	/* Shift back what probed past the hole, so that no lookup stops early at it. */
	for (unsigned at = (hole + 1) & mask; ids->keys[at]; at = (at + 1) & mask) {
		uint32_t slot = ids->keys[at];
		unsigned home = shm_keys_home(
		    shm_key_hash(shm_ids_perm(ids, shm_slot_idx(slot))->key), ids->key_bits);

		if (shm_keys_may_move(home, hole, at)) {
			ids->keys[hole] = slot;
			ids->keys[at] = 0;
			hole = at;
		}
	}
}
