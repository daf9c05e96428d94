/* Stack interning: each distinct call stack gets a small id, and its
 * MA_REC_STACK definition is written once per trace.
 *
 * The table is a set of 64-bit stack hashes in lock-free open addressing.
 * It grows by mapping further tables, each twice the size of the one
 * before; a stack's id is the offset of its table plus its slot, so the id
 * is known the moment the slot is claimed by CAS and no thread ever waits
 * for another.  A hash is looked up along one fixed probe sequence (each
 * table in order, a bounded run of slots in each) and claimed at the
 * first empty slot of that sequence; slots never empty again, so two
 * threads interning the same stack always meet at the same slot.
 *
 * Hash equality is trusted: two different stacks with the same 64-bit
 * hash share an id.  With a good mix the chance of any collision among a
 * million distinct stacks is about 3e-8.
 *
 * Each slot has a generation word.  The thread that moves it to the
 * current generation (by CAS) is the one that writes the definition,
 * using the frames it has just unwound, so the table never stores frames.
 * After fork the child bumps the generation: every stack is defined again
 * once in the child's trace. */
#ifndef PROBE_STACKTAB_H
#define PROBE_STACKTAB_H

#include <stdint.h>

#define PROBE_STACKTAB_FIRST_BITS 13 /* first table: 8192 slots, 96 KiB */
#define PROBE_STACKTAB_MAX_TABLES 16

/* Returns the stack's id (1, 2, ...; 0 is left for "no stack") and sets *define when the caller must write its
 * MA_REC_STACK now.  hash must not be 0.  Returns UINT64_MAX (and *define
 * 0) when no table could be mapped. */
uint64_t probe_stacktab_intern(uint64_t hash, int *define);

/* Starts a new generation: every stack is defined again once. */
void probe_stacktab_new_generation(void);

/* Distinct stacks in the table. */
uint64_t probe_stacktab_count(void);

/* Unmaps everything (tests). */
void probe_stacktab_reset(void);

/* 64-bit hash of n frames, never 0. */
uint64_t probe_stack_hash(const uint64_t *frames, uint32_t n);

#endif
