/* The stack table (see stacktab.h for the design). */
#include "atomic.h"
#include "os.h"
#include "stacktab.h"

#define PROBE_RUN 32 /* slots tried in one table before the next one */

struct table {
	uint64_t *hash;  /* 0 = empty */
	uint32_t *gen;   /* generation in which the definition was written */
};

static struct table tables[PROBE_STACKTAB_MAX_TABLES];
static uint32_t generation = 1;
static uint64_t nstacks;

static uint64_t table_slots(unsigned k)
{
	return (uint64_t)1 << (PROBE_STACKTAB_FIRST_BITS + k);
}

static uint64_t table_offset(unsigned k)
{
	return ((uint64_t)1 << PROBE_STACKTAB_FIRST_BITS) * (((uint64_t)1 << k) - 1);
}

static size_t table_bytes(unsigned k)
{
	return (size_t)table_slots(k) * (sizeof(uint64_t) + sizeof(uint32_t));
}

/* Maps table k unless another thread has; the loser unmaps its copy. */
static uint64_t *table_get(unsigned k)
{
	uint64_t *h = ma_atomic_load_acquire(&tables[k].hash);
	uint64_t *expected = NULL;

	if (h)
		return h;
	h = probe_os_map_hot(table_bytes(k));
	if (!h)
		return NULL;
	ma_atomic_store_relaxed(&tables[k].gen, (uint32_t *)(h + table_slots(k)));
	if (!ma_atomic_cas_acq_rel(&tables[k].hash, &expected, h)) {
		probe_os_unmap(h, table_bytes(k));
		return expected;
	}
	return h;
}

/* The generation word of slot i of table k (both set before the hash
 * pointer is published, see table_get). */
static uint32_t *gen_word(unsigned k, uint64_t i)
{
	uint64_t *h = ma_atomic_load_acquire(&tables[k].hash);

	return (uint32_t *)(h + table_slots(k)) + i;
}

static int claim_definition(unsigned k, uint64_t i)
{
	uint32_t *g = gen_word(k, i);
	uint32_t cur = ma_atomic_load_acquire(&generation);
	uint32_t seen = ma_atomic_load_acquire(g);

	while (seen != cur) {
		if (ma_atomic_cas_acq_rel(g, &seen, cur))
			return 1;
	}
	return 0;
}

/* Looks for hash along the run of table k; returns 1 with *slot set when
 * found or claimed, 0 when the run is full of other hashes. */
static int table_find(unsigned k, uint64_t *h, uint64_t hash, uint64_t *slot, int *fresh)
{
	uint64_t mask = table_slots(k) - 1;

	for (uint64_t j = 0; j < PROBE_RUN; j++) {
		uint64_t i = (hash + j) & mask;
		uint64_t cur = ma_atomic_load_acquire(&h[i]);

		if (cur == 0) {
			if (ma_atomic_cas_acq_rel(&h[i], &cur, hash)) {
				*fresh = 1;
				*slot = i;
				return 1;
			}
		}
		if (cur == hash) {
			*slot = i;
			return 1;
		}
	}
	return 0;
}

uint64_t probe_stacktab_intern(uint64_t hash, int *define)
{
	*define = 0;
	for (unsigned k = 0; k < PROBE_STACKTAB_MAX_TABLES; k++) {
		uint64_t *h = table_get(k);
		uint64_t slot;
		int fresh = 0;

		if (!h)
			return UINT64_MAX;
		if (!table_find(k, h, hash, &slot, &fresh))
			continue;
		if (fresh)
			ma_atomic_add_relaxed(&nstacks, 1);
		*define = claim_definition(k, slot);
		return table_offset(k) + slot + 1;
	}
	return UINT64_MAX;
}

void probe_stacktab_new_generation(void)
{
	ma_atomic_add_acq_rel(&generation, 1);
}

uint64_t probe_stacktab_count(void)
{
	return ma_atomic_load_relaxed(&nstacks);
}

void probe_stacktab_reset(void)
{
	for (unsigned k = 0; k < PROBE_STACKTAB_MAX_TABLES; k++) {
		probe_os_unmap(tables[k].hash, table_bytes(k));
		tables[k].hash = NULL;
		tables[k].gen = NULL;
	}
	generation = 1;
	nstacks = 0;
}

/* Per-word multiply-xorshift mixing (in the spirit of wyhash/xxh3). */
uint64_t probe_stack_hash(const uint64_t *frames, uint32_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n;

	for (uint32_t i = 0; i < n; i++) {
		h ^= frames[i] + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
		h *= 0xff51afd7ed558ccdull;
		h ^= h >> 33;
	}
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h ? h : 1;
}
