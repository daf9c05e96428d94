#include "config.h"

#include "frames.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sitenode.h"
#include "symbols.h"
#include "symbols_ahead.h"


/* Source frames one machine frame may expand to (inlining). */
#define MAX_INLINE 16

int ma_symctx_init(struct ma_symctx *c, struct ma_pool *pool,
		   const struct ma_analysis_opts *opts)
{
	memset(c, 0, sizeof(*c));
	c->pool = pool;
	c->symbolize = !opts->no_symbols;
	c->so = (struct ma_symbols_opts){ .debug_dirs = opts->debug_dirs,
					  .sysroot = opts->sysroot,
					  .no_local_files = opts->no_local_files };
	return 0;
}

/* ---- frames resolved, by module file and offset ---- */

struct ma_symctx_done {
	const char *path;          /* interned in the pool: compared as pointers */
	const uint8_t *build_id;
	size_t build_id_len;
	uint64_t offset;
	struct ma_frame *frames;   /* in the pool; NULL: a free slot */
	int n;
};

static uint64_t done_hash(const char *path, uint64_t offset)
{
	uint64_t h = (uint64_t)(uintptr_t)path * 0x9e3779b97f4a7c15ull ^ offset;

	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	return h ^ h >> 32;
}

static int done_same(const struct ma_symctx_done *d, const struct ma_module *m, uint64_t offset)
{
	return d->path == m->path && d->offset == offset && d->build_id_len == m->build_id_len &&
	       (!m->build_id_len || memcmp(d->build_id, m->build_id, m->build_id_len) == 0);
}

static struct ma_symctx_done *done_find(struct ma_symctx_shared *sh, const struct ma_module *m,
					uint64_t offset)
{
	size_t mask = sh->capdone - 1;

	if (!sh->capdone)
		return NULL;
	for (size_t i = done_hash(m->path, offset) & mask;; i = (i + 1) & mask) {
		struct ma_symctx_done *d = &sh->done[i];

		if (!d->frames || done_same(d, m, offset))
			return d;
	}
}

static int done_grow(struct ma_symctx_shared *sh)
{
	size_t cap = sh->capdone ? sh->capdone * 2 : 1024;
	struct ma_symctx_done *old = sh->done, *v = calloc(cap, sizeof(*v));
	size_t oldcap = sh->capdone;

	if (!v)
		return -1;
	sh->done = v;
	sh->capdone = cap;
	for (size_t i = 0; i < oldcap; i++) {
		struct ma_symctx_done *d = &old[i];
		size_t j = done_hash(d->path, d->offset) & (cap - 1);

		if (!d->frames)
			continue;
		while (v[j].frames)
			j = (j + 1) & (cap - 1);
		v[j] = *d;
	}
	free(old);
	return 0;
}

/* Keeps the n frames of (m's file, offset); a failure only costs a
 * lookup later. */
static void done_add(struct ma_symctx *c, const struct ma_module *m, uint64_t offset,
		     const struct ma_frame *f, int n)
{
	struct ma_symctx_shared *sh = c->shared;
	struct ma_symctx_done *d;
	struct ma_frame *copy;

	if ((sh->ndone + 1) * 2 > sh->capdone && done_grow(sh) < 0)
		return;
	if (!(copy = ma_pool_alloc(c->pool, (size_t)n * sizeof(*copy))))
		return;
	memcpy(copy, f, (size_t)n * sizeof(*copy));
	d = done_find(sh, m, offset);
	if (d->frames)
		return;
	*d = (struct ma_symctx_done){ m->path, m->build_id, m->build_id_len, offset, copy, n };
	sh->ndone++;
}

void ma_symctx_shared_release(struct ma_symctx_shared *sh)
{
	free(sh->done);
	memset(sh, 0, sizeof(*sh));
}

/* ---- the live symbolizers ---- */

/* Takes c out of the live set (its symbolizer is going). */
static void lru_forget(struct ma_symctx *c)
{
	struct ma_symctx_shared *l = c->shared;

	for (size_t i = 0; l && i < l->n; i++)
		if (l->live[i] == c) {
			l->live[i] = l->live[--l->n];
			return;
		}
}

/* c has a symbolizer now: in the live set, the least recently used of
 * the others dropped when it is full. */
static void lru_enter(struct ma_symctx *c)
{
	struct ma_symctx_shared *l = c->shared;
	size_t old = 0;

	if (!l)
		return;
	c->used = ++l->clock;
	for (size_t i = 0; i < l->n; i++)
		if (l->live[i] == c)
			return;
	if (l->n == MA_SYMCTX_LIVE) {
		for (size_t i = 1; i < l->n; i++)
			if (l->live[i]->used < l->live[old]->used)
				old = i;
		ma_symbols_free(l->live[old]->sym);
		l->live[old]->sym = NULL;
		l->live[old]->nfed = 0;
		l->live[old] = c;
		return;
	}
	l->live[l->n++] = c;
}

void ma_symctx_release(struct ma_symctx *c)
{
	size_t fed;

	lru_forget(c);
	ma_symbols_free(ma_symbols_ahead_take(c->ahead, &fed));
	if (c->sym)
		ma_symbols_free(c->sym);
	free(c->mods);
	free(c->log);
	free(c->wanted);
	memset(c, 0, sizeof(*c));
}

static int log_event(struct ma_symctx *c, const struct ma_modev *e)
{
	if (c->nlog == c->alog) {
		size_t na = c->alog ? c->alog * 2 : 32;
		struct ma_modev *v = realloc(c->log, na * sizeof(*v));
		if (!v)
			return -1;
		c->log = v;
		c->alog = na;
	}
	c->log[c->nlog++] = *e;
	return 0;
}

int ma_symctx_add_module(struct ma_symctx *c, const struct ma_rec_module *m, uint64_t ts)
{
	struct ma_module *mod;
	uint8_t *bid = NULL;

	if (c->nmods == c->amods) {
		size_t na = c->amods ? c->amods * 2 : 32;
		struct ma_module *v = realloc(c->mods, na * sizeof(*v));
		if (!v)
			return -1;
		c->mods = v;
		c->amods = na;
	}
	mod = &c->mods[c->nmods];
	mod->path = ma_pool_intern(c->pool, (const char *)m->path.ptr, m->path.len);
	if (m->build_id.len && (bid = ma_pool_alloc(c->pool, m->build_id.len)))
		memcpy(bid, m->build_id.ptr, m->build_id.len);
	if (!mod->path || (m->build_id.len && !bid))
		return -1;
	mod->build_id = bid;
	mod->build_id_len = m->build_id.len;
	mod->id = m->id;
	mod->bias = m->bias;
	mod->lo = m->lo;
	mod->hi = m->hi;
	mod->ts_load = ts;
	mod->ts_gone = UINT64_MAX;
	c->nmods++;
	return log_event(c, &(struct ma_modev){ .ts = ts, .mod = c->nmods - 1 });
}

int ma_symctx_module_gone(struct ma_symctx *c, uint64_t id, uint64_t ts)
{
	for (size_t i = c->nmods; i-- > 0;)
		if (c->mods[i].id == id && c->mods[i].ts_gone == UINT64_MAX) {
			c->mods[i].ts_gone = ts;
			break;
		}
	return log_event(c, &(struct ma_modev){ .ts = ts, .id = id, .gone = 1 });
}

void ma_symctx_ahead(struct ma_symctx *c)
{
	if (c->ahead_tried)
		return;
	c->ahead_tried = 1;
	if (!c->symbolize || c->sym || !c->nlog || !(c->wanted = calloc(c->nmods, 1)))
		return;
	c->ahead = ma_symbols_ahead_start(&c->so, c->mods, c->log, c->nlog);
	c->ahead_n = c->ahead ? c->nmods : 0;
}

void ma_symctx_want(struct ma_symctx *c, const uint64_t *addrs, uint32_t depth)
{
	size_t h = c->want_hint;

	for (uint32_t i = 0; i < depth && c->ahead; i++) {
		uint64_t a = addrs[i];
		if (h >= c->ahead_n || a < c->mods[h].lo || a >= c->mods[h].hi) {
			for (h = c->ahead_n; h-- > 0;)
				if (a >= c->mods[h].lo && a < c->mods[h].hi)
					break;
			if (h >= c->ahead_n)
				continue;   /* in no module known to the thread */
		}
		if (!c->wanted[h]) {
			c->wanted[h] = 1;
			ma_symbols_ahead_want(c->ahead, h);
		}
	}
	c->want_hint = h;
}

/* The symbolizer with every module event so far: the one loaded ahead,
 * if any, else a new one.  NULL when out of memory. */
static struct ma_symbols *symbols(struct ma_symctx *c)
{
	if (!c->sym) {
		c->sym = ma_symbols_ahead_take(c->ahead, &c->nfed);
		c->ahead = NULL;
		if (!c->sym) {
			c->nfed = 0;
			if (!(c->sym = ma_symbols_new(&c->so)))
				return NULL;
		}
	}
	lru_enter(c);
	if (c->nfed < c->nlog) {
		if (ma_symbols_feed(c->sym, c->mods, c->log, c->nfed, c->nlog) < 0)
			return NULL;
		c->nfed = c->nlog;
	}
	return c->sym;
}

/* The module holding addr at ts; failing that, the last that ever held
 * it (a stack may be first used after its module is gone). */
static const struct ma_module *module_at(const struct ma_symctx *c, uint64_t addr,
					 uint64_t ts)
{
	const struct ma_module *any = NULL;

	for (size_t i = c->nmods; i-- > 0;) {
		const struct ma_module *m = &c->mods[i];
		if (addr < m->lo || addr >= m->hi)
			continue;
		if (m->ts_load <= ts && ts <= m->ts_gone)
			return m;
		if (!any)
			any = m;
	}
	return any;
}

static const char *base_name(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;

	return s ? s + 1 : path ? path : "";
}

static int starts(const char *s, const char *prefix)
{
	return s && !strncmp(s, prefix, strlen(prefix));
}

static int is_probe_frame(const struct ma_frame *f)
{
	return starts(base_name(f->module), "libmemory-analyzer-probe");
}

/* Frames of the allocator itself, hidden when they are the innermost:
 * glibc's malloc.c and arena.c, libstdc++'s operator new. */
static int is_allocator_frame(const struct ma_frame *f)
{
	const char *mod = base_name(f->module);
	const char *file = base_name(f->file);

	if (starts(mod, "libc.so") || starts(mod, "libc-")) {
		if (!strcmp(file, "malloc.c") || !strcmp(file, "arena.c"))
			return 1;
		return starts(f->function, "__libc_") || starts(f->function, "_int_") ||
		       starts(f->function, "malloc") || starts(f->function, "calloc") ||
		       starts(f->function, "realloc") || starts(f->function, "free");
	}
	if (starts(mod, "libstdc++"))
		return starts(f->function, "operator new") ||
		       starts(f->function, "operator delete");
	return 0;
}

/* The C runtime's frames around main and around a thread's start
 * function: present in every stack, telling nothing. */
static int is_startup_frame(const struct ma_frame *f)
{
	static const char *const names[] = {
		"_start", "__libc_start_call_main", "__libc_start_main_impl",
		"__libc_start_main", "start_thread", "clone3", "clone",
	};

	if (!f->function)
		return 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(f->function, names[i]))
			return 1;
	return 0;
}

/* One machine frame as source frames into out; returns how many, or -1
 * when out of memory. */
static int resolve(struct ma_symctx *c, uint64_t addr, uint64_t ts,
		   struct ma_frame *out, int max)
{
	const struct ma_module *m = module_at(c, addr, ts);
	struct ma_frame_info fi[MAX_INLINE];
	struct ma_symbols *sym;
	int n = 1;

	memset(out, 0, sizeof(*out));
	out->addr = addr;
	out->module = m ? m->path : NULL;
	out->offset = m ? addr - m->bias : addr;
	if (!c->symbolize)
		return 1;
	if (m && c->shared) {
		const struct ma_symctx_done *d = done_find(c->shared, m, out->offset);

		if (d && d->frames) {
			n = d->n < max ? d->n : max;
			memcpy(out, d->frames, (size_t)n * sizeof(*out));
			for (int i = 0; i < n; i++)
				out[i].addr = addr;
			return n;
		}
	}
	if (!(sym = symbols(c)))
		return -1;
	/* A module found by the fallback (not loaded at ts: a stack inherited
	 * from a fork parent, first used at 0): symbolize it as it was. */
	if (m && (ts < m->ts_load || ts > m->ts_gone))
		ts = m->ts_load;
	n = ma_symbols_resolve(sym, addr, ts, fi, max < MAX_INLINE ? max : MAX_INLINE);
	for (int i = 0; i < n; i++) {
		out[i].addr = addr;
		out[i].function = ma_pool_str(c->pool, fi[i].function);
		out[i].file = ma_pool_str(c->pool, fi[i].file);
		out[i].line = fi[i].line;
		out[i].module = fi[i].module ? ma_pool_str(c->pool, fi[i].module) : out->module;
		out[i].offset = fi[i].module ? fi[i].offset : out[0].offset;
		out[i].inlined = fi[i].inlined;
	}
	if (n > 0 && m && c->shared && max >= MAX_INLINE)
		done_add(c, m, out->offset, out, n);
	return n > 0 ? n : 1;
}

int ma_symctx_stack(struct ma_symctx *c, const uint64_t *addrs, uint32_t depth,
		    uint64_t ts, struct ma_stack *out)
{
	size_t cap = (size_t)depth * 2 + MAX_INLINE;
	struct ma_frame *tmp = malloc(cap * sizeof(*tmp));
	unsigned n = 0;
	int leading = 1;

	memset(out, 0, sizeof(*out));
	if (!tmp)
		return -1;
	for (uint32_t i = 0; i < depth && cap - n >= MAX_INLINE; i++) {
		struct ma_frame one[MAX_INLINE];
		int k = resolve(c, addrs[i], ts, one, MAX_INLINE);

		if (k < 0) {
			free(tmp);
			return -1;
		}
		for (int j = 0; j < k; j++) {
			if (is_probe_frame(&one[j]) || is_startup_frame(&one[j]) ||
			    (leading && is_allocator_frame(&one[j])))
				continue;
			leading = 0;
			tmp[n++] = one[j];
		}
	}
	out->frames = n ? ma_pool_alloc(c->pool, n * sizeof(*tmp)) : NULL;
	if (n && !out->frames) {
		free(tmp);
		return -1;
	}
	if (n)
		memcpy(out->frames, tmp, n * sizeof(*tmp));
	out->nframes = n;
	free(tmp);
	return 0;
}

/* The site of every recorded frame as (module path, offset) pairs,
 * outermost first into the pool's trie (sitenode.h): equal in a fork
 * child and in an exec'd process whatever the load addresses. */
static const void *site_key(struct ma_symctx *c, const uint64_t *addrs, uint32_t depth,
			    uint64_t ts)
{
	const struct ma_sitenode *n = ma_sitenode_root(c->pool);

	for (uint32_t i = depth; n && i-- > 0;) {
		const struct ma_module *m = module_at(c, addrs[i], ts);

		n = ma_sitenode_get(c->pool, n, m ? m->path : "",
				    m ? addrs[i] - m->bias : addrs[i]);
	}
	return n;
}

/* A function's group is its name in its source file (else its module):
 * static functions of one name in two files (every C program has a few
 * `init`s and `grow`s) are two groups.  "name\1where", so that groups
 * tied in a list still come in the order of their names. */
static const char *function_key(struct ma_symctx *c, const struct ma_frame *f)
{
	const char *where = f->file ? f->file : f->module ? f->module : "";
	size_t n = strlen(f->function), w = strlen(where);
	char stack_buf[256], *buf = n + w + 2 <= sizeof(stack_buf) ? stack_buf : malloc(n + w + 2);
	const char *key;

	if (!buf)
		return NULL;
	memcpy(buf, f->function, n);
	buf[n] = '\1';
	memcpy(buf + n + 1, where, w);
	key = ma_pool_intern(c->pool, buf, n + 1 + w);
	if (buf != stack_buf)
		free(buf);
	return key;
}

static const char *frame_key(struct ma_symctx *c, const struct ma_frame *f,
			     enum ma_group_by by)
{
	char buf[64];

	if (by == MA_GROUP_MODULE)
		return f->module ? f->module : ma_pool_str(c->pool, "[unknown]");
	if (f->function)
		return function_key(c, f);
	snprintf(buf, sizeof(buf), "%s+0x%" PRIx64, base_name(f->module), f->offset);
	return ma_pool_str(c->pool, buf);
}

const void *ma_symctx_key(struct ma_symctx *c, const uint64_t *addrs, uint32_t depth,
			  uint64_t ts, enum ma_group_by by, struct ma_stack *shown)
{
	struct ma_stack full;
	struct ma_frame *one;

	memset(shown, 0, sizeof(*shown));
	if (by == MA_GROUP_SITE)
		return site_key(c, addrs, depth, ts);
	if (ma_symctx_stack(c, addrs, depth, ts, &full) < 0)
		return NULL;
	if (!full.nframes)
		return ma_pool_str(c->pool, "[unknown]");
	one = &full.frames[0];
	/* The group shows its function (or module) alone. */
	if (by == MA_GROUP_MODULE) {
		one->function = one->file = NULL;
		one->line = 0;
		one->inlined = 0;
	}
	shown->frames = one;
	shown->nframes = 1;
	return frame_key(c, one, by);
}
