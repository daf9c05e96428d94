/* The fast unwinder (fastunwind.h): frame rules learnt from slow walks. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>
#include <string.h>
#include <unwind.h>

#include "atomic.h"
#include "cfi.h"
#include "fastunwind.h"
#include "os.h"

/* The table starts at 1024 buckets of 4 (64 KiB) and grows to 16384
 * (1 MiB): a fresh table is populated at once, and in a virtual machine
 * every page of it still costs a trap on first touch (10-60 us measured),
 * which made the full megabyte a third of a short program's start. */
#define BITS_FIRST 10
#define BITS_STEP 2
#define BITS_MAX 14
#define WAYS 4
#define SKIP_MAX 16    /* frames of the probe and libgcc before the program's */
#define CHAIN_MAX 16   /* probe frames followed by frame pointer */
#define SPAN_MAX (64u << 20) /* largest distance from sp to CFA believed */

/* A rule, packed in 32 bits. */
#define R_CONF 3u          /* equal observations so far, at most 2 */
#define R_SLOW (1u << 2)   /* never walked fast */
#define R_TERM (1u << 3)   /* the outermost frame: no caller */
#define R_FP (1u << 4)     /* CFA = rbp + 16, caller's rbp at CFA - 16; with
			    * an offset k > 0: CFA = the word at rbp - 8k,
			    * caller's rbp at rbp (GCC's realigned stack,
			    * read from the CFI only) */
#define R_BPSAVED (1u << 5) /* caller's rbp saved at CFA - 8 * save */
#define R_BPEQ (1u << 30)  /* rbp was equal in both frames in every walk so
			    * far: taken as not changed by this frame */
#define R_BPLOST (1u << 31) /* where the caller's rbp is, is not known */
#define R_GEN_SHIFT 6
#define R_GEN_MASK (15u << R_GEN_SHIFT)
#define R_OFF_SHIFT 10     /* CFA = sp + 8 * off */
#define R_OFF_MAX 0x3fffu
#define R_SAVE_SHIFT 24
#define R_SAVE_MAX 0x1fu
#define R_CFI (1u << 29)   /* read from the CFI: observations leave it as it is */
#define R_BP (R_BPSAVED | R_BPEQ | R_BPLOST | (R_SAVE_MAX << R_SAVE_SHIFT))
#define R_SHAPE (~(R_CONF | R_GEN_MASK))

struct entry {
	uint32_t seq;  /* odd while being written */
	uint32_t rule;
	uint64_t ip;
};

/* A table of rules.  It grows by a new, larger table that takes the old
 * one's rules of the current generation and replaces it; the old one
 * stays mapped (a thread may still be reading it), 320 KiB at most. */
struct table {
	uint32_t bits;   /* buckets: 1 << bits */
	uint32_t filled; /* entries taken since it was made, and failed claims */
	uint8_t pad[56]; /* entries start on a cache line */
	struct entry e[];
};

static struct table *table;
static uint32_t generation;
/* Odd while a wrapped generation is being cleared (probe_fu_forget): a
 * table grown meanwhile could take rules of 16 generations ago along, so
 * a grower gives up when it finds it odd, and clears its new table when
 * it changed while it copied. */
static uint32_t wraps;
static uint32_t growing;
static uint64_t slow_walks, mismatches;

static size_t table_len(uint32_t bits)
{
	return sizeof(struct table) + (sizeof(struct entry) * WAYS << bits);
}

static size_t table_entries(const struct table *t)
{
	return (size_t)WAYS << t->bits;
}

static struct table *table_new(uint32_t bits)
{
	struct table *t = probe_os_map_hot(table_len(bits));

	if (t)
		t->bits = bits;
	return t;
}

static struct table *table_get(void)
{
	struct table *t = ma_atomic_load_acquire(&table);
	struct table *expected = NULL;

	if (t)
		return t;
	t = table_new(BITS_FIRST);
	if (t && !ma_atomic_cas_acq_rel(&table, &expected, t)) {
		probe_os_unmap(t, table_len(BITS_FIRST));
		t = expected;
	}
	return t;
}

/* The bucket of ip: its bits mixed twice, so that call sites spaced
 * evenly through the code (generated code, instances of one template) do
 * not fall into the same bucket.  A bare Fibonacci hash did exactly that
 * for addresses a Fibonacci number of bytes apart (46368 in a test
 * program): six sites to a 4-way bucket pushed each other out before
 * their rules were trusted, and every walk of them stayed slow. */
static struct entry *bucket(struct table *t, uint64_t ip)
{
	uint64_t h = ip * 0x9e3779b97f4a7c15ull;

	h = (h ^ (h >> 32)) * 0xd6e8feb86659fd93ull;
	return t->e + WAYS * (h >> (64 - t->bits));
}

static uint32_t gen_bits(void)
{
	return (ma_atomic_load_relaxed(&generation) & 15u) << R_GEN_SHIFT;
}

/* The rule of ip, or 0. */
static uint32_t lookup(struct table *t, uint64_t ip)
{
	struct entry *b = bucket(t, ip);

	for (int k = 0; k < WAYS; k++) {
		if (ma_atomic_load_relaxed(&b[k].ip) != ip)
			continue;
		uint32_t s = ma_atomic_load_acquire(&b[k].seq);
		/* Acquire loads of the data keep the second read of seq after
		 * them (a seqlock reader without a fence, which ThreadSanitizer
		 * cannot model; free on x86, where every load acquires). */
		uint32_t rule = ma_atomic_load_acquire(&b[k].rule);
		uint64_t again = ma_atomic_load_acquire(&b[k].ip);

		if ((s & 1) || s != ma_atomic_load_relaxed(&b[k].seq) || again != ip)
			return 0;
		return (rule & R_GEN_MASK) == gen_bits() ? rule : 0;
	}
	return 0;
}

/* The entry for ip in its bucket: its own, else an empty or stale one,
 * else one not yet trusted; NULL when all four hold trusted or slow-only
 * rules of other addresses (the new one then stays slow).  An empty
 * entry goes before an untrusted one: two addresses of one bucket that
 * took turns pushing each other's first observation out would never be
 * trusted, and every walk through them would stay slow. */
static struct entry *victim(struct entry *b, uint64_t ip, uint32_t gen)
{
	struct entry *free = NULL, *weak = NULL;

	for (int k = 0; k < WAYS; k++) {
		uint32_t r = ma_atomic_load_relaxed(&b[k].rule);

		if (ma_atomic_load_relaxed(&b[k].ip) == ip && (r & R_GEN_MASK) == gen)
			return &b[k];
		if (!free && (!r || (r & R_GEN_MASK) != gen))
			free = &b[k];
		else if (!weak && !(r & R_SLOW) && (r & R_CONF) < 2)
			weak = &b[k];
	}
	return free ? free : weak;
}

/* Merges the rbp part of an observation into rule *r: rbp equal in both
 * frames says nothing new; the first walk that saw the caller's rbp saved
 * (values differ) decides; any disagreement, or a walk that could not
 * tell where it was saved, makes it lost (a frame-pointer frame above
 * then sends the walk to the slow unwinder). */
static void bp_merge(uint32_t *r, uint32_t shape)
{
	if (shape & R_BPEQ)
		return;
	if ((*r & R_BPEQ) || (*r & R_BP) == (shape & R_BP))
		*r = (*r & ~R_BP) | (shape & R_BP);
	else
		*r = (*r & ~R_BP) | R_BPLOST;
}

static void clear(struct table *t)
{
	for (size_t i = 0; i < table_entries(t); i++) {
		struct entry *e = &t->e[i];
		uint32_t s = ma_atomic_load_acquire(&e->seq);

		if (!(s & 1) && ma_atomic_cas_acq_rel(&e->seq, &s, s + 1)) {
			ma_atomic_store_relaxed(&e->rule, 0);
			ma_atomic_store_relaxed(&e->ip, 0);
			ma_atomic_store_release(&e->seq, s + 2);
		}
	}
}

/* Copies old's rules of generation bits gen into t, not yet shared;
 * returns how many. */
static uint32_t copy_rules(struct table *t, struct table *old, uint32_t gen)
{
	uint32_t n = 0;

	for (size_t i = 0; i < table_entries(old); i++) {
		const struct entry *e = &old->e[i];
		uint32_t s = ma_atomic_load_acquire(&e->seq);
		uint32_t r = ma_atomic_load_acquire(&e->rule);
		uint64_t ip = ma_atomic_load_acquire(&e->ip);
		struct entry *b;

		if ((s & 1) || s != ma_atomic_load_relaxed(&e->seq) || !ip ||
		    (r & R_GEN_MASK) != gen)
			continue;
		b = bucket(t, ip);
		for (int k = 0; k < WAYS; k++)
			if (!b[k].ip) {
				b[k].rule = r;
				b[k].ip = ip;
				n++;
				break;
			}
	}
	return n;
}

/* Replaces old, half full, by a table four times its size. */
static void grow(struct table *old)
{
	uint32_t idle = 0, w = ma_atomic_load_acquire(&wraps);
	struct table *t, *expected = old;

	if ((w & 1) || !ma_atomic_cas_acq_rel(&growing, &idle, 1))
		return;
	if (ma_atomic_load_acquire(&table) == old && (t = table_new(old->bits + BITS_STEP))) {
		t->filled = copy_rules(t, old, gen_bits());
		/* A full barrier (locked instruction) between sharing t and
		 * reading wraps: a clear that began after this read of wraps
		 * finds t, one that began before it is seen here. */
		if (!ma_atomic_cas_acq_rel(&table, &expected, t))
			probe_os_unmap(t, table_len(t->bits));
		else if (ma_atomic_load_acquire(&wraps) != w)
			clear(t);
	}
	ma_atomic_store_release(&growing, 0);
}

/* Counts an entry taken for a new address, or an address that found no
 * room; the table grows once that happened for half of its entries (a
 * table too small for the program's call sites would otherwise push out
 * rules before they are trusted, and every walk would stay slow). */
static void note_claim(struct table *t)
{
	if (t->bits < BITS_MAX &&
	    ma_atomic_add_relaxed(&t->filled, 1) + 1 >= table_entries(t) / 2)
		grow(t);
}

/* Adds one observation of ip's rule (shape bits only).  A rule read from
 * the CFI (cfi) is trusted at once, and takes the place of an observed
 * one not yet trusted. */
static void learn(uint64_t ip, uint32_t shape, int cfi)
{
	struct table *t = table_get();
	uint32_t gen = gen_bits(), s, r, conf;
	struct entry *e;
	int claimed;

	if (!t)
		return;
	if (!(e = victim(bucket(t, ip), ip, gen))) {
		note_claim(t);
		return;
	}
	s = ma_atomic_load_acquire(&e->seq);
	if ((s & 1) || !ma_atomic_cas_acq_rel(&e->seq, &s, s + 1))
		return; /* another thread is writing it: this observation is lost */
	r = ma_atomic_load_relaxed(&e->rule);
	/* A new entry for ip: an empty one, a stale one, or another
	 * address's not yet trusted rule pushed out. */
	claimed = ma_atomic_load_relaxed(&e->ip) != ip || (r & R_GEN_MASK) != gen;
	if (!claimed && (r & R_CFI))
		; /* exact: a slow walk's view of the frame adds nothing */
	else if (claimed)
		r = shape | gen | (cfi ? 2u : 1u);
	else if (r & R_SLOW)
		;
	else if (cfi)
		r = (r & R_CONF) < 2 ? shape | gen | 2u : r;
	else if ((r & R_SHAPE & ~R_BP) != (shape & ~R_BP))
		r = R_SLOW | gen;
	else if (bp_merge(&r, shape), (conf = r & R_CONF) < 2)
		r = (r & ~R_CONF) | (conf + 1);
	ma_atomic_store_relaxed(&e->rule, r);
	ma_atomic_store_relaxed(&e->ip, ip);
	ma_atomic_store_release(&e->seq, s + 2);
	if (claimed)
		note_claim(t);
}

void probe_fu_forget(void)
{
	struct table *t;

	if ((ma_atomic_add_acq_rel(&generation, 1) + 1) % 16 != 0)
		return;
	/* The generation wrapped: clear, so that no rule of 16 generations
	 * ago comes back to life. */
	ma_atomic_add_acq_rel(&wraps, 1);
	if ((t = ma_atomic_load_acquire(&table)))
		clear(t);
	ma_atomic_add_acq_rel(&wraps, 1);
}

int probe_fu_start_from(struct probe_fu_start *s, const uint64_t *fp,
			uint64_t self_lo, uint64_t self_hi)
{
	for (int i = 0; i < CHAIN_MAX; i++) {
		const uint64_t *up;
		uint64_t ra = fp[1];

		if (ra < self_lo || ra >= self_hi) {
			s->ip = ra;
			s->sp = (uint64_t)(fp + 2);
			s->bp = fp[0];
			return 0;
		}
		up = (const uint64_t *)fp[0];
		if (up <= fp || ((uintptr_t)up & 7) || (uintptr_t)up - (uintptr_t)fp > SPAN_MAX)
			return -1;
		fp = up;
	}
	return -1;
}

/* Reads the stack word at a, noting it in rd. */
static uint64_t read_word(uint64_t a, uint64_t sp0, struct probe_fu_reads *rd)
{
	uint64_t v = *(const uint64_t *)a;

	if (rd && rd->n < PROBE_FU_READS && a - sp0 < (1u << 31)) {
		rd->off[rd->n] = (int32_t)(a - sp0);
		rd->val[rd->n++] = v;
	} else if (rd) {
		rd->n = PROBE_FU_READS_OVER;
	}
	return v;
}

static uint32_t cfi_learn(uint64_t ip);

int probe_fu_walk(const struct probe_fu_start *s, uint64_t *ips, int max,
		  struct probe_fu_reads *rd)
{
	struct table *t = ma_atomic_load_acquire(&table);
	uint64_t ip = s->ip, sp = s->sp, bp = s->bp, cfa, fbp;
	uint32_t drap; /* the frame's DRAP slot below rbp, in words; 0: none */
	uint64_t bp_at = 0; /* where bp was read from; 0: it is s->bp */
	int n = 0, bp_lost = 0;

	if (rd) {
		rd->n = 0;
		rd->bp_used = 0;
		rd->gen = ma_atomic_load_acquire(&generation);
	}
	while (n < max) {
		uint32_t r;

		/* The last frame wanted needs no rule: its caller is not. */
		ips[n++] = ip;
		if (n == max)
			break;
		r = t ? lookup(t, ip) : 0;
		if (r & R_SLOW)
			return -2;
		if ((r & R_CONF) < 2) {
			if (!(r = cfi_learn(ip)))
				return -1;
			t = ma_atomic_load_acquire(&table);
		}
		if (r & R_TERM)
			break;
		fbp = bp;
		drap = 0;
		if (r & R_FP) {
			if (bp_lost)
				return -2;
			/* Only now does the walk depend on bp: note where it came from. */
			if (bp_at)
				read_word(bp_at, s->sp, rd);
			else if (rd)
				rd->bp_used = 1;
			drap = (r >> R_OFF_SHIFT) & R_OFF_MAX;
			if (!drap)
				cfa = bp + 16;
			else if (bp > sp && bp - sp <= SPAN_MAX && !(bp & 7) &&
				 bp - sp >= 8 * (uint64_t)drap)
				cfa = read_word(bp - 8 * (uint64_t)drap, s->sp, rd);
			else
				return -1;
		} else {
			cfa = sp + 8 * ((r >> R_OFF_SHIFT) & R_OFF_MAX);
		}
		if (cfa <= sp || cfa - sp > SPAN_MAX || (cfa & 7))
			return -1;
		ip = read_word(cfa - 8, s->sp, rd);
		if (!ip)
			break; /* no caller: libgcc's walk ends here too */
		if (drap) {
			bp_at = fbp;
			bp = *(const uint64_t *)bp_at;
			bp_lost = 0;
		} else if (r & R_BPSAVED) {
			bp_at = cfa - 8 * ((r >> R_SAVE_SHIFT) & R_SAVE_MAX);
			bp = *(const uint64_t *)bp_at;
			bp_lost = 0;
		} else if (r & R_BPLOST) {
			bp_lost = 1;
		}
		sp = cfa;
	}
	return n;
}

/* 128 buckets of 8 ways.  A way is one tag word: the start's hash in its
 * high bits and, in its low MEMO_AT_BITS, where its entry lies in the
 * memo's arena (in 16-byte units, plus one; 0 is an empty way), so that a
 * lookup reads one line of tags and then only the entry whose tag
 * matches.  An entry is sized to its walk, 48 bytes and 12 for each word
 * the walk read (churn's walks read 8 to 47, perl's mostly 8 to 15, a
 * deep C++ template's up to 71), and appended to the arena, whose pages
 * fault in as it fills: a thread holds the tags (8 KiB) and the bytes of
 * the walks it memoized, not the room for 96 words each entry had before
 * (1 200 bytes, placed by hash, so that 300 walks touched most of the
 * 1.2 MiB).  An entry replaced in its bucket leaves its bytes behind;
 * when the arena is full every entry is dropped and it starts again.
 *
 * Entries are never written over while they can be read: an addition
 * reserves its bytes in one instruction before it writes them, so that a
 * signal handler's capture meanwhile appends elsewhere, a tag points at
 * an entry only once it is whole, and the arena starts again only from a
 * capture that interrupts none (the caller says so). */
#define MEMO_BITS 7
#define MEMO_BUCKETS (1u << MEMO_BITS)
#define MEMO_WAYS 8
#define MEMO_ARENA (1u << 20)
#define MEMO_UNIT 16
#define MEMO_AT_BITS 17 /* MEMO_ARENA / MEMO_UNIT + 1 values */
#define MEMO_AT_MASK ((1ull << MEMO_AT_BITS) - 1)

struct memo_entry {
	uint64_t ip, sp, bp, id;
	uint32_t epoch, gen, n, bp_used;
	uint64_t val[]; /* n words, then their n offsets (int32_t) */
};

struct probe_fu_memo {
	uint64_t tag[MEMO_BUCKETS][MEMO_WAYS] __attribute__((aligned(64)));
	uint8_t next[MEMO_BUCKETS]; /* way to replace next */
	uint32_t used;              /* bytes of the arena reserved */
	uint32_t restarts;
	_Alignas(64) unsigned char arena[];
};

struct probe_fu_memo *probe_fu_memo_new(void)
{
	struct probe_fu_memo *m = probe_os_map(sizeof(*m) + MEMO_ARENA);

	if (m)
		probe_os_populate(m, sizeof(*m));
	return m;
}

void probe_fu_memo_stats(const struct probe_fu_memo *m, uint32_t *used, uint32_t *restarts)
{
	*used = m->used;
	*restarts = m->restarts;
}

/* The hash of a start: its ip and sp, and the return address its first
 * frame's rule points at (the walk's own first read), so that the many
 * stacks that reach malloc from one call site spread over buckets.  Bits
 * 56-62 are the bucket; the bits above MEMO_AT_BITS, bit 63 always set
 * (never an empty way), the tag. */
static uint64_t memo_hash(const struct probe_fu_start *s)
{
	struct table *t = ma_atomic_load_acquire(&table);
	uint32_t r = t ? lookup(t, s->ip) : 0;
	uint64_t h = s->ip ^ (s->sp * 0x9e3779b97f4a7c15ull), cfa;

	if ((r & R_CONF) == 2 && !(r & (R_SLOW | R_TERM | R_FP))) {
		cfa = s->sp + 8 * ((r >> R_OFF_SHIFT) & R_OFF_MAX);
		if (cfa > s->sp && cfa - s->sp <= SPAN_MAX)
			h += ((const uint64_t *)cfa)[-1] * 0xc4ceb9fe1a85ec53ull;
	}
	return ((h * 0xff51afd7ed558ccdull) | (1ull << 63)) & ~MEMO_AT_MASK;
}

static unsigned memo_bucket(uint64_t h)
{
	return (unsigned)(h >> 56) & (MEMO_BUCKETS - 1);
}

static const uint64_t *memo_tags(const struct probe_fu_memo *m, uint64_t h)
{
	return m->tag[memo_bucket(h)];
}

static const struct memo_entry *memo_at(const struct probe_fu_memo *m, uint64_t tag)
{
	return (const struct memo_entry *)(m->arena + ((tag & MEMO_AT_MASK) - 1) * MEMO_UNIT);
}

static int memo_match(const struct memo_entry *e, const struct probe_fu_start *s)
{
	const int32_t *off = (const int32_t *)(e->val + e->n);

	for (uint32_t i = 0; i < e->n; i++)
		if (*(const uint64_t *)(s->sp + (uint64_t)(int64_t)off[i]) != e->val[i])
			return 0;
	return 1;
}

uint64_t probe_fu_memo_find(struct probe_fu_memo *m, uint32_t epoch,
			    const struct probe_fu_start *s, uint64_t h)
{
	uint32_t gen = ma_atomic_load_relaxed(&generation);
	const uint64_t *tag;

	if (!h)
		h = memo_hash(s);
	tag = memo_tags(m, h);

	for (int k = 0; k < MEMO_WAYS; k++) {
		const struct memo_entry *e;

		if ((tag[k] & ~MEMO_AT_MASK) != h)
			continue;
		e = memo_at(m, tag[k]);
		if (e->ip == s->ip && e->sp == s->sp && (!e->bp_used || e->bp == s->bp) &&
		    e->epoch == epoch && e->gen == gen && memo_match(e, s))
			return e->id;
	}
	return 0;
}

uint64_t probe_fu_memo_prefetch(struct probe_fu_memo *m, const struct probe_fu_start *s)
{
	uint64_t h = memo_hash(s);
	const uint64_t *tag = memo_tags(m, h);

	for (int k = 0; k < MEMO_WAYS; k++)
		if ((tag[k] & ~MEMO_AT_MASK) == h) {
			const char *e = (const char *)memo_at(m, tag[k]);

			__builtin_prefetch(e);
			__builtin_prefetch(e + 64);
			__builtin_prefetch(e + 128);
			__builtin_prefetch(e + 192);
			break;
		}
	return h;
}

void probe_fu_memo_add(struct probe_fu_memo *m, uint32_t epoch,
		       const struct probe_fu_start *s, const struct probe_fu_reads *rd,
		       uint64_t id, int may_restart)
{
	uint64_t h;
	uint32_t len, at;
	unsigned b;
	struct memo_entry *e;

	if (rd->n > PROBE_FU_READS || !id)
		return;
	len = (uint32_t)(sizeof(*e) + rd->n * (sizeof(e->val[0]) + sizeof(int32_t)) +
			 MEMO_UNIT - 1) & ~(MEMO_UNIT - 1u);
	/* One instruction reserves the bytes, so that a signal handler's
	 * addition on this thread, whenever it comes, takes others. */
	at = __atomic_fetch_add(&m->used, len, __ATOMIC_RELAXED);
	if (at + len > MEMO_ARENA) {
		if (!may_restart) {
			__atomic_fetch_sub(&m->used, len, __ATOMIC_RELAXED);
			return;
		}
		/* No capture of this thread is interrupted, so none holds a
		 * tag: once they are clear, a handler's lookup finds nothing
		 * and its addition goes after this one. */
		memset(m->tag, 0, sizeof(m->tag));
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		__atomic_store_n(&m->used, len, __ATOMIC_RELAXED);
		at = 0;
		m->restarts++;
	}
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	h = memo_hash(s);
	b = memo_bucket(h);
	e = (struct memo_entry *)(m->arena + at);
	e->ip = s->ip;
	e->sp = s->sp;
	e->bp = s->bp;
	e->id = id;
	e->epoch = epoch;
	e->gen = rd->gen;
	e->bp_used = rd->bp_used;
	e->n = rd->n;
	memcpy(e->val, rd->val, rd->n * sizeof(rd->val[0]));
	memcpy(e->val + rd->n, rd->off, rd->n * sizeof(rd->off[0]));
	/* the entry is whole before a tag points at it */
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	m->tag[b][m->next[b]] = h | (at / MEMO_UNIT + 1);
	m->next[b] = (uint8_t)((m->next[b] + 1) % MEMO_WAYS);
}

/* One frame as the slow unwinder sees it: the return address, the stack
 * pointer and rbp the frame had, its CFA (the caller's stack pointer, known
 * once the caller is), and whether its ip is exact (it was interrupted by
 * a signal). */
struct frame {
	uint64_t ip, sp, bp, cfa;
	int exact;
};

/* Whether ip lies in a loaded object with an unwind table, so that the
 * slow unwinder went by the table (code generated at run time has none).
 * _dl_find_object takes no lock and makes no system call. */
static int has_unwind_info(uint64_t ip)
{
#if defined(__GLIBC__) && __GLIBC_PREREQ(2, 35)
	struct dl_find_object o;

	return _dl_find_object((void *)(uintptr_t)(ip - 1), &o) == 0 && o.dlfo_eh_frame != NULL;
#else
	(void)ip;
	return 1;
#endif
}

/* What _Unwind_Find_FDE tells besides the FDE (libgcc's
 * unwind-dw2-fde.h). */
struct dwarf_eh_bases {
	void *tbase, *dbase, *func;
};

/* libgcc's unwinder, by symbol version: libunwind, also loaded, defines
 * unversioned _Unwind_* functions of its own (over unw_step). */
static struct {
	_Unwind_Reason_Code (*backtrace)(_Unwind_Trace_Fn, void *);
	_Unwind_Ptr (*get_ip_info)(struct _Unwind_Context *, int *);
	_Unwind_Word (*get_cfa)(struct _Unwind_Context *);
	_Unwind_Word (*get_gr)(struct _Unwind_Context *, int);
	const void *(*find_fde)(void *, struct dwarf_eh_bases *);
} gcc;

/* The FDE of the call before return address ip, as libgcc's unwinder
 * finds it (through _dl_find_object: no lock, no system call); NULL when
 * there is none (*missing set) or no lookup is available (*missing 0). */
static const void *fde_of(uint64_t ip, int *missing)
{
	struct dwarf_eh_bases bases;
	const void *fde;

	*missing = 0;
	if (!ma_atomic_load_acquire(&gcc.find_fde))
		return NULL;
	fde = gcc.find_fde((void *)(uintptr_t)(ip - 1), &bases);
	*missing = !fde;
	return fde;
}

/* Where the CFI of frame f's function says the caller's rbp is, checked
 * against the stack (the slot must hold n->bp, which the slow walk read
 * from it); 0 when the CFI does not tell, or no lookup is available.
 * _Unwind_Find_FDE is the lookup libgcc's slow walk has just made for
 * this frame (through _dl_find_object: no lock, no system call).  f->ip
 * is a return address (signal frames are never learnt from): the call is
 * the instruction before it. */
static uint32_t bp_slot_cfi(const struct frame *f, const struct frame *n)
{
	const void *fde;
	int64_t off;
	uint64_t slot;
	int missing;

	if (!(fde = fde_of(f->ip, &missing)))
		return 0;
	if (probe_cfi_reg_rule(fde, f->ip - 1, 6, &off) != PROBE_CFI_SAVED || off >= 0 ||
	    (off & 7))
		return 0;
	slot = (uint64_t)-off / 8;
	if (slot > R_SAVE_MAX || slot > (f->cfa - f->sp) / 8 ||
	    ((const uint64_t *)f->cfa)[-(int64_t)slot] != n->bp)
		return 0;
	return (uint32_t)slot;
}

/* The rule of return address ip read from its function's CFI (the row
 * for the call, ip - 1): CFA = rsp + a multiple of 8, or rbp + 16 with
 * the caller's rbp at CFA - 16; the return address at CFA - 8, or none
 * (the outermost frame); the caller's rbp saved in the frame, not
 * changed, or (any other rule) lost; or GCC's realigned frame (CFA = the
 * word at rbp - 8k, where it keeps the DRAP register, the caller's rbp
 * at rbp).  0 when there is no FDE or it says anything else: a signal
 * frame, another CFA expression. */
static uint32_t cfi_shape(uint64_t ip, int *no_fde)
{
	struct probe_cfi_frame f;
	const void *fde;
	uint32_t r;
	int64_t off;

	if (!(fde = fde_of(ip, no_fde)) || probe_cfi_frame(fde, ip - 1, &f) < 0)
		return 0;
	if (f.ra == PROBE_CFI_UNDEFINED)
		return R_TERM;
	if (f.ra != PROBE_CFI_SAVED || f.ra_off != -8)
		return 0;
	if (f.cfa_deref)
		return f.cfa_reg == PROBE_CFI_RBP && f.cfa_off < 0 && !(f.cfa_off & 7) &&
		       -f.cfa_off / 8 <= R_OFF_MAX && f.bp == PROBE_CFI_AT_RBP && f.bp_off == 0 ?
		       R_FP | ((uint32_t)(-f.cfa_off / 8) << R_OFF_SHIFT) : 0;
	if (f.cfa_reg == PROBE_CFI_RBP)
		return f.cfa_off == 16 && f.bp == PROBE_CFI_SAVED && f.bp_off == -16 ?
		       R_FP | R_BPSAVED | (2u << R_SAVE_SHIFT) : 0;
	if (f.cfa_reg != PROBE_CFI_RSP || f.cfa_off <= 0 || (f.cfa_off & 7) ||
	    f.cfa_off / 8 > R_OFF_MAX)
		return 0;
	r = (uint32_t)(f.cfa_off / 8) << R_OFF_SHIFT;
	if (f.bp == PROBE_CFI_SAME)
		return r | R_BPEQ;
	off = f.bp_off;
	if (f.bp == PROBE_CFI_SAVED && off < 0 && !(off & 7) && -off / 8 <= R_SAVE_MAX &&
	    -off <= f.cfa_off)
		return r | R_BPSAVED | ((uint32_t)(-off / 8) << R_SAVE_SHIFT);
	return r | R_BPLOST;
}

/* The rule of ip from the CFI, learnt as trusted; 0 when the CFI does not
 * give one (a slow walk will teach it).  A return address without an FDE
 * (code generated at run time: a JIT's, V8's builtins) ends the walk, as
 * it ends libgcc's; that is not learnt, since other code may be generated
 * at the same address later, and the lookup that says so is cheap. */
static uint32_t cfi_learn(uint64_t ip)
{
	int no_fde;
	uint32_t shape = cfi_shape(ip, &no_fde);

	if (no_fde)
		return R_TERM | 2u;
	if (!shape)
		return 0;
	learn(ip, shape | R_CFI, 1);
	return shape | R_CFI | 2u;
}

int probe_fu_no_fde(uint64_t ip)
{
	int missing;

	fde_of(ip, &missing);
	return missing;
}

/* The slot of frame f that holds the caller's rbp (n->bp), as a count of
 * words below the CFA; 0 when it is not known.  A frame that changed rbp
 * saved the caller's value in its own frame, so the one slot holding that
 * value is the save slot.  When the value is in several slots (a pointer
 * that the function keeps in rbp and in another callee-saved register,
 * like perl's interpreter), the frame's CFI says which. */
static uint32_t bp_slot(const struct frame *f, const struct frame *n)
{
	uint32_t found = 0;

	for (uint64_t a = f->sp; a < f->cfa; a += 8) {
		if (*(const uint64_t *)a != n->bp)
			continue;
		if (found || (f->cfa - a) / 8 > R_SAVE_MAX)
			return bp_slot_cfi(f, n);
		found = (uint32_t)((f->cfa - a) / 8);
	}
	return found;
}

/* The rule that took the slow unwinder from frame f to its caller n; 0
 * when it cannot be expressed (the address stays slow). */
static uint32_t shape_of(const struct frame *f, const struct frame *n)
{
	uint64_t cfa = f->cfa, off = (cfa - f->sp) / 8;
	uint32_t slot;

	if (cfa <= f->sp || (cfa & 7) || ((cfa - f->sp) & 7) || cfa - f->sp > SPAN_MAX ||
	    n->sp != cfa)
		return 0;
	if (f->bp + 16 == cfa && ((const uint64_t *)cfa)[-2] == n->bp)
		return R_FP | R_BPSAVED | (2u << R_SAVE_SHIFT);
	if (off > R_OFF_MAX)
		return 0;
	if (n->bp == f->bp)
		return ((uint32_t)off << R_OFF_SHIFT) | R_BPEQ;
	if (!(slot = bp_slot(f, n)))
		return ((uint32_t)off << R_OFF_SHIFT) | R_BPLOST;
	return ((uint32_t)off << R_OFF_SHIFT) | R_BPSAVED | (slot << R_SAVE_SHIFT);
}

/* Whether learning shape for ip would change nothing: its rule is
 * slow-only, or trusted and the same (then neither the unwind table
 * lookup nor the write to the shared entry is needed). */
static int learnt(uint64_t ip, uint32_t shape)
{
	struct table *t = ma_atomic_load_acquire(&table);
	uint32_t r = t ? lookup(t, ip) : 0, m;

	if (!r)
		return 0;
	if (r & (R_SLOW | R_CFI))
		return 1;
	if ((r & R_CONF) < 2 || (shape & R_SLOW) || (r & R_SHAPE & ~R_BP) != (shape & ~R_BP))
		return 0;
	m = r;
	bp_merge(&m, shape);
	return m == r;
}

/* State of one slow walk, fed frame by frame by _Unwind_Backtrace. */
struct slow {
	const struct probe_fu_start *s;
	uint64_t *ips;
	int max, n, skipped, teach;
	struct frame f;     /* the last program frame, not yet learnt from */
};

static void take(struct slow *w, const struct frame *next)
{
	w->f.cfa = next->sp;
	if (w->n > 0 && w->teach) {
		if (next->exact) {
			/* w->f is the signal trampoline, next an exact ip: no
			 * call site, nothing to learn from here on. */
			learn(w->f.ip, R_SLOW, 0);
			w->teach = 0;
		} else {
			uint32_t shape = shape_of(&w->f, next);

			shape = shape ? shape : R_SLOW;
			if (!learnt(w->f.ip, shape) && has_unwind_info(w->f.ip))
				learn(w->f.ip, shape, 0);
		}
	}
	w->f = *next;
	w->ips[w->n++] = next->ip;
}

int probe_fu_init(void)
{
	gcc.get_ip_info = (_Unwind_Ptr (*)(struct _Unwind_Context *, int *))
		dlvsym(RTLD_DEFAULT, "_Unwind_GetIPInfo", "GCC_4.2.0");
	gcc.get_cfa = (_Unwind_Word (*)(struct _Unwind_Context *))
		dlvsym(RTLD_DEFAULT, "_Unwind_GetCFA", "GCC_3.3");
	gcc.get_gr = (_Unwind_Word (*)(struct _Unwind_Context *, int))
		dlvsym(RTLD_DEFAULT, "_Unwind_GetGR", "GCC_3.0");
	if (!gcc.get_ip_info || !gcc.get_cfa || !gcc.get_gr)
		return -1;
	/* Optional: without it an ambiguous rbp slot stays unknown. */
	gcc.find_fde = (const void *(*)(void *, struct dwarf_eh_bases *))
		dlvsym(RTLD_DEFAULT, "_Unwind_Find_FDE", "GCC_3.0");
	gcc.backtrace = (_Unwind_Reason_Code (*)(_Unwind_Trace_Fn, void *))
		dlvsym(RTLD_DEFAULT, "_Unwind_Backtrace", "GCC_3.3");
	return gcc.backtrace ? 0 : -1;
}

static _Unwind_Reason_Code slow_frame(struct _Unwind_Context *c, void *arg)
{
	struct slow *w = arg;
	struct frame f;
	int before = 0;

	/* During the callback the context's CFA is still that of the frame
	 * below (the callee), which is this frame's stack pointer. */
	f.ip = gcc.get_ip_info(c, &before);
	f.exact = before;
	f.sp = gcc.get_cfa(c);
	f.cfa = 0;
	f.bp = gcc.get_gr(c, 6); /* rbp */
	if (w->n == 0 && !(f.ip == w->s->ip && f.sp == w->s->sp)) {
		/* the probe's and the unwinder's own frames */
		return ++w->skipped > SKIP_MAX ? _URC_END_OF_STACK : _URC_NO_REASON;
	}
	if (f.ip == 0)
		return _URC_END_OF_STACK; /* the outermost frame's undefined caller */
	take(w, &f);
	return w->n < w->max ? _URC_NO_REASON : _URC_END_OF_STACK;
}

int probe_fu_slow(const struct probe_fu_start *s, uint64_t *ips, int max)
{
	struct slow w = { .s = s, .ips = ips, .max = max, .teach = 1 };

	if (!ma_atomic_load_acquire(&gcc.backtrace))
		return -1;
	ma_atomic_add_relaxed(&slow_walks, 1);
	if (max <= 0)
		return 0;
	gcc.backtrace(slow_frame, &w);
	if (w.n == 0)
		return -1;
	/* The walk ended before max: the last frame has no caller. */
	if (w.n < max && w.teach && !w.f.exact && has_unwind_info(w.f.ip))
		learn(w.f.ip, R_TERM, 0);
	return w.n;
}

void probe_fu_mismatch(void)
{
	ma_atomic_add_relaxed(&mismatches, 1);
	probe_fu_forget();
}

void probe_fu_stats_get(struct probe_fu_stats *st)
{
	struct table *t = ma_atomic_load_acquire(&table);

	st->slow = ma_atomic_load_relaxed(&slow_walks);
	st->mismatch = ma_atomic_load_relaxed(&mismatches);
	st->rules = t ? table_entries(t) : 0;
}
