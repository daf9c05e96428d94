/* A fast unwinder for x86-64 that follows frame rules read from the
 * DWARF CFI, or learnt from slow walks.
 *
 * A rule says how the frame of one return address finds its caller: the
 * CFA (the caller's stack pointer) as sp + a constant offset, or, in a
 * function that keeps a frame pointer, as rbp + 16 (or, in GCC's frames
 * that realign the stack, as the word below rbp that holds the incoming
 * stack pointer); and where the frame saved the caller's rbp, if it
 * did.  The first time a walk needs the rule of an address, it is read
 * from the CFI of its function (the FDE that libgcc's _Unwind_Find_FDE
 * finds through _dl_find_object, without a lock or a system call; cfi.h)
 * and trusted at once; an address without an FDE (generated code) ends
 * the walk, as it ends libgcc's.  When the CFI says something a rule
 * cannot (another CFA expression, a signal frame), the walk falls back
 * to the slow unwind
 * (libgcc's _Unwind_Backtrace, which takes no lock and makes no system
 * call, unlike libunwind's unw_step), which teaches rules from what it
 * saw: the CFA from the walk, and the caller's rbp from the one slot of
 * the frame holding that value, or, when several do, the one its CFI
 * names.  Such a rule is trusted only after two equal observations; an
 * address seen with two different rules, or a signal frame, is marked
 * slow-only for good.  The fast walk follows trusted rules only.
 * docs/design.md gives the correctness argument.
 *
 * The rules live in one table shared by all threads (4-way buckets,
 * entries under a sequence lock), mapped on first use. */
#ifndef PROBE_FASTUNWIND_H
#define PROBE_FASTUNWIND_H

#include <stdint.h>

/* The innermost frame of the program: the return address from the
 * probe's outermost frame, and the stack and frame pointer the program
 * had at that call. */
struct probe_fu_start {
	uint64_t ip, sp, bp;
};

/* Fills *s by following the probe's own frame pointers from fp (the
 * caller's __builtin_frame_address(0)) to the first return address
 * outside [self_lo, self_hi).  Returns 0, or -1 when the chain looks
 * wrong. */
int probe_fu_start_from(struct probe_fu_start *s, const uint64_t *fp,
			uint64_t self_lo, uint64_t self_hi);

/* The stack words a walk depended on, as offsets from the start's sp, in
 * the order it read them (a saved rbp is noted when a frame-pointer frame
 * uses it); n = PROBE_FU_READS_OVER when there were too many. */
#define PROBE_FU_READS 96
#define PROBE_FU_READS_OVER 0xffffffffu
struct probe_fu_reads {
	uint32_t n;
	uint32_t gen;     /* generation of the rules the walk used */
	uint32_t bp_used; /* the walk depended on the start's bp */
	int32_t off[PROBE_FU_READS];
	uint64_t val[PROBE_FU_READS];
};

/* Walks from s by trusted rules, writing at most max return addresses
 * (innermost first) and, when rd is not NULL, the words it read.  The
 * max-th frame's own rule is not asked for (a slow walk that stops there
 * never teaches it).  Returns
 * the depth, -1 when a rule is not known or not yet trusted and the CFI
 * does not give it (a slow walk will teach it), -2 when an address is
 * slow-only. */
int probe_fu_walk(const struct probe_fu_start *s, uint64_t *ips, int max,
		  struct probe_fu_reads *rd);

/* Whether libgcc finds no FDE for the call before return address ip: its
 * walk, and so the fast one, ends at such a frame, where libunwind may
 * go on by guessing from rbp (V8's builtins in node have none). */
int probe_fu_no_fde(uint64_t ip);

/* A thread's memo of whole walks: for a start (ip, sp, and bp when the
 * walk used it) and the words a walk from it depended on, the stack id
 * that walk gave.  The walk is a function of its start, its rules and
 * those words, so when all of them are equal again the stack is the
 * same, known without walking (the words are compared in the order the
 * walk used them, each at an address inside a frame already proven
 * equal, so nothing is read that the walk itself would not read).  Entries of another
 * epoch (the ring was given to a new thread, or the process forked) or
 * of another generation of rules are ignored.  Mapped by
 * probe_fu_memo_new, never freed (rings are never unmapped either);
 * its pages fault in as walks are added (fastunwind.c). */
struct probe_fu_memo;
struct probe_fu_memo *probe_fu_memo_new(void);
/* Bytes of its arena in use, and how many times it was full and started
 * again. */
void probe_fu_memo_stats(const struct probe_fu_memo *m, uint32_t *used, uint32_t *restarts);
/* The remembered stack id, or 0.  h: s's hash as probe_fu_memo_prefetch
 * gave it, or 0 (computed here). */
uint64_t probe_fu_memo_find(struct probe_fu_memo *m, uint32_t epoch,
			    const struct probe_fu_start *s, uint64_t h);
/* Remembers the walk from s.  When the memo is full it drops every entry
 * if may_restart (no capture of the thread is interrupted: none may be
 * reading an entry), else it skips this one. */
void probe_fu_memo_add(struct probe_fu_memo *m, uint32_t epoch,
		       const struct probe_fu_start *s, const struct probe_fu_reads *rd,
		       uint64_t id, int may_restart);

/* Starts loading the lines a probe_fu_memo_find from s will read, so that
 * they arrive while the program's allocator runs; returns s's hash, for
 * that find (never 0). */
uint64_t probe_fu_memo_prefetch(struct probe_fu_memo *m, const struct probe_fu_start *s);
/* The calling thread's memo lines for the stack of the hook's caller
 * (unwind.c): called by an allocation hook before the real call.  Reads
 * only the probe's own frames and the stack word the memo hashes. */
void probe_stack_prefetch(void);

/* Finds libgcc's unwinder; -1 when it is missing (then every walk is
 * libunwind's).  Called once, at start, with the internal guard held. */
int probe_fu_init(void);

/* Walks slowly from the frame of s and learns the rules of the frames it
 * passes.  Returns the depth, or -1 when the walk does not reach the
 * frame of s.  The caller holds the internal guard. */
int probe_fu_slow(const struct probe_fu_start *s, uint64_t *ips, int max);

/* Forgets every rule (code was unloaded: addresses may be reused). */
void probe_fu_forget(void);

/* A fast walk differed from the slow one: counts it and forgets every
 * rule. */
void probe_fu_mismatch(void);

/* Counters: slow walks, and checks that found a fast walk different from
 * the slow one. */
struct probe_fu_stats {
	uint64_t slow, mismatch;
	uint64_t rules; /* entries of the table of rules in use */
};
void probe_fu_stats_get(struct probe_fu_stats *st);

#endif
