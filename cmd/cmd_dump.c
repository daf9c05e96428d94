/* memory-analyzer dump: every chunk and record of a trace in file order,
 * one line each, for humans and for tests that grep.  The line formats
 * are documented in docs/trace-format.md ("Reading a dump") and kept
 * stable: end-to-end tests feed the module+offset of stack frames to
 * eu-addr2line. */
#include "config.h"

#include <argp.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_util.h"
#include "commands.h"
#include "trace_reader.h"

struct dump_opts {
	int summary;
	int no_frames;
	const char *path;
};

enum { OPT_NO_FRAMES = 0x100 };

static const struct argp_option dump_options[] = {
	{ "summary", 's', NULL, 0, "print totals per record kind and function instead of every record", 0 },
	{ "no-frames", OPT_NO_FRAMES, NULL, 0, "do not print the frames of stack records", 0 },
	{ NULL, 0, NULL, 0, NULL, 0 },
};

static error_t dump_parse(int key, char *arg, struct argp_state *state)
{
	struct dump_opts *o = state->input;

	switch (key) {
	case 's':
		o->summary = 1;
		return 0;
	case OPT_NO_FRAMES:
		o->no_frames = 1;
		return 0;
	case ARGP_KEY_ARG:
		if (o->path)
			argp_error(state, "only one trace can be dumped at a time");
		o->path = arg;
		return 0;
	case ARGP_KEY_END:
		if (!o->path)
			argp_error(state, "no trace given");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp dump_argp = {
	dump_options, dump_parse, "TRACE",
	"Print the records of a trace for humans, one per line, in file order."
	"\vExit status: 0 for a complete trace, 3 when it cannot be read, 4 when it "
	"is damaged or truncated (what comes before the damage is printed).",
	NULL, NULL, NULL,
};

/* ---- what the walk remembers ---- */

struct module {
	uint64_t id, bias, lo, hi;
	char *name;            /* basename of the path */
	int gone;
};

struct seen_chunk {
	uint32_t thread, seq;
};

struct dump {
	struct dump_opts o;
	uint64_t start_ns;     /* the process start: ts 0 of the dump */
	char *exe_name;        /* for modules without a path: the main program */
	struct module *mods;
	size_t nmods, mod_cap;
	/* Every module of the file, read before the walk: a thread's chunk
	 * can reach the file before the chunk that maps its modules. */
	struct module *ahead;
	size_t nahead, ahead_cap;
	struct seen_chunk *chunks;
	size_t nchunks, chunk_cap;
	uint64_t tags[MA_REC_TAG_MAX + 1];
	uint64_t fns[MA_FN_COUNT + 1];
	int complete;
	struct ma_rec_trailer trailer;
	uint64_t frames[4096];
};

static void *grow(void *arr, size_t *cap, size_t size)
{
	size_t c = *cap ? 2 * *cap : 32;
	void *n = realloc(arr, c * size);

	if (!n)
		ma_die(MA_EXIT_INTERNAL, "out of memory");
	*cap = c;
	return n;
}

static char *base_name(struct ma_bytes path)
{
	uint32_t start = 0;
	char *s;

	for (uint32_t i = 0; i < path.len; i++)
		if (path.ptr[i] == '/')
			start = i + 1;
	s = strndup((const char *)path.ptr + start, path.len - start);
	if (!s)
		ma_die(MA_EXIT_INTERNAL, "out of memory");
	return s;
}

static void module_push(struct module **v, size_t *n, size_t *cap, const char *exe_name,
			const struct ma_rec_module *m)
{
	struct module *mod;

	if (*n == *cap)
		*v = grow(*v, cap, sizeof(**v));
	mod = &(*v)[(*n)++];
	mod->id = m->id;
	mod->bias = m->bias;
	mod->lo = m->lo;
	mod->hi = m->hi;
	mod->gone = 0;
	/* an empty path is the main program, as dl_iterate_phdr reports it */
	mod->name = m->path.len ? base_name(m->path) : strdup(exe_name ? exe_name : "?");
}

static void module_add(struct dump *d, const struct ma_rec_module *m)
{
	module_push(&d->mods, &d->nmods, &d->mod_cap, d->exe_name, m);
}

static void module_gone(struct dump *d, uint64_t id)
{
	for (size_t i = d->nmods; i-- > 0;)
		if (d->mods[i].id == id && !d->mods[i].gone) {
			d->mods[i].gone = 1;
			return;
		}
}

/* The most recent module covering addr, preferring loaded ones: a stack
 * may be written after its module was unloaded. */
static const struct module *module_find(const struct dump *d, uint64_t addr)
{
	const struct module *gone = NULL;

	for (size_t i = d->nmods; i-- > 0;) {
		const struct module *m = &d->mods[i];
		if (addr < m->lo || addr >= m->hi)
			continue;
		if (!m->gone)
			return m;
		if (!gone)
			gone = m;
	}
	if (gone)
		return gone;
	for (size_t i = 0; i < d->nahead; i++)
		if (addr >= d->ahead[i].lo && addr < d->ahead[i].hi)
			return &d->ahead[i];
	return NULL;
}

/* Reads every module record of the file into d->ahead, up to any damage
 * (the walk reports that). */
static void read_modules_ahead(struct dump *d)
{
	struct ma_chunk_iter *it;
	struct ma_chunk_view v;
	char err[256], *exe = NULL;

	if (ma_chunk_iter_open(d->o.path, &it, err, sizeof(err)) != MA_TRACE_OPEN_OK)
		return;
	while (ma_chunk_iter_next(it, &v) > 0) {
		const uint8_t *p = v.payload, *end = p + v.hdr.raw_len;
		struct ma_codec_state st;
		struct ma_record r;

		ma_codec_state_init(&st, v.hdr.ts_first, v.version);
		for (uint32_t i = 0; i < v.hdr.nrecords && ma_record_get(&p, end, &st, &r) == 0; i++) {
			if (r.tag == MA_REC_PROCESS && !exe)
				exe = base_name(r.u.process.exe);
			else if (r.tag == MA_REC_MODULE)
				module_push(&d->ahead, &d->nahead, &d->ahead_cap, exe, &r.u.module);
		}
	}
	free(exe);
	ma_chunk_iter_close(it);
}

/* ---- printing ---- */

static void print_bytes(const char *key, struct ma_bytes b)
{
	printf(" %s=\"", key);
	for (uint32_t i = 0; i < b.len; i++) {
		uint8_t c = b.ptr[i];
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			putchar(c);
		else
			printf("\\x%02x", c);
	}
	putchar('"');
}

static void print_hex_bytes(const char *key, struct ma_bytes b)
{
	printf(" %s=", key);
	for (uint32_t i = 0; i < b.len; i++)
		printf("%02x", b.ptr[i]);
	if (!b.len)
		putchar('-');
}

/* ms since the process start, with microsecond precision */
static void print_time(const struct dump *d, const char *key, uint64_t ts)
{
	uint64_t us = (ts >= d->start_ns ? ts - d->start_ns : d->start_ns - ts) / 1000;

	printf("%s%s%" PRIu64 ".%03" PRIu64, key, ts < d->start_ns ? "-" : "", us / 1000, us % 1000);
}

static void print_frames(const struct dump *d, const struct ma_rec_stack *s)
{
	uint64_t *f = ((struct dump *)d)->frames;
	int n = ma_stack_frames(s, f, sizeof(d->frames) / sizeof(d->frames[0]));

	for (int i = 0; i < n; i++) {
		const struct module *m = module_find(d, f[i]);
		printf("    #%d 0x%" PRIx64, i, f[i]);
		if (m)
			printf(" %s+0x%" PRIx64 "\n", m->name, f[i] - m->bias);
		else
			printf(" ?\n");
	}
}

static void print_process(const struct ma_rec_process *p)
{
	struct ma_bytes cmd = p->cmdline;

	printf(" pid=%" PRIu64 " ppid=%" PRIu64 " start_realtime=%" PRIu64
	       " start_monotonic=%" PRIu64 " flags=0x%" PRIx64 " parent_fork_ts=%" PRIu64
	       " stack_depth=%" PRIu64 " sample_interval_ms=%" PRIu64,
	       p->pid, p->ppid, p->start_realtime_ns, p->start_monotonic_ns, p->flags,
	       p->parent_fork_ts, p->stack_depth, p->sample_interval_ms);
	print_bytes("exe", p->exe);
	/* argv is NUL-separated, and ends with a NUL */
	if (cmd.len && cmd.ptr[cmd.len - 1] == '\0')
		cmd.len--;
	print_bytes("cmdline", cmd);
	print_bytes("probe_version", p->probe_version);
	print_bytes("session", p->session);
}

static void print_alloc_like(const struct ma_record *r)
{
	const typeof(r->u) *u = &r->u;

	switch (r->tag) {
	case MA_REC_ALLOC:
	case MA_REC_ALLOC_ALIGNED:
		printf(" addr=0x%" PRIx64 " size=%" PRIu64 " stack=%" PRIu64 " fn=%s",
		       u->alloc.addr, u->alloc.size, u->alloc.stack, ma_fn_name(u->alloc.fn));
		if (r->tag == MA_REC_ALLOC_ALIGNED)
			printf(" alignment=%" PRIu64, u->alloc.alignment);
		break;
	case MA_REC_FREE:
		printf(" addr=0x%" PRIx64 " fn=%s", u->free.addr, ma_fn_name(u->free.fn));
		break;
	case MA_REC_REALLOC:
		printf(" old=0x%" PRIx64 " new=0x%" PRIx64 " size=%" PRIu64 " stack=%" PRIu64
		       " fn=%s", u->realloc.old_addr, u->realloc.new_addr, u->realloc.size,
		       u->realloc.stack, ma_fn_name(u->realloc.fn));
		break;
	}
}

static void print_mapping(const struct dump *d, const struct ma_record *r)
{
	const typeof(r->u) *u = &r->u;

	switch (r->tag) {
	case MA_REC_MMAP:
		printf(" addr=0x%" PRIx64 " length=%" PRIu64 " prot=0x%" PRIx64 " flags=0x%" PRIx64
		       " fd=%" PRId64 " offset=%" PRIu64 " stack=%" PRIu64 " fn=%s",
		       u->mmap.addr, u->mmap.length, u->mmap.prot, u->mmap.flags, u->mmap.fd,
		       u->mmap.offset, u->mmap.stack, ma_fn_name(u->mmap.fn));
		print_bytes("path", u->mmap.path);
		break;
	case MA_REC_MUNMAP:
		printf(" addr=0x%" PRIx64 " length=%" PRIu64, u->munmap.addr, u->munmap.length);
		break;
	case MA_REC_MREMAP:
		printf(" old=0x%" PRIx64 " old_length=%" PRIu64 " new=0x%" PRIx64
		       " new_length=%" PRIu64 " flags=0x%" PRIx64 " stack=%" PRIu64,
		       u->mremap.old_addr, u->mremap.old_length, u->mremap.new_addr,
		       u->mremap.new_length, u->mremap.flags, u->mremap.stack);
		print_time(d, " after=", u->mremap.ts_after);
		break;
	}
}

static void print_sample(const struct ma_rec_sample *s)
{
	printf(" rss=%" PRIu64 " arena=%" PRIu64 " ordblks=%" PRIu64 " hblks=%" PRIu64
	       " hblkhd=%" PRIu64 " uordblks=%" PRIu64 " fordblks=%" PRIu64 " keepcost=%" PRIu64
	       " psi_some_us=%" PRIu64 " psi_full_us=%" PRIu64 " flags=0x%" PRIx64,
	       s->rss, s->arena, s->ordblks, s->hblks, s->hblkhd, s->uordblks, s->fordblks,
	       s->keepcost, s->psi_some_us, s->psi_full_us, s->flags);
}

static const char *marker_kind_name(uint64_t kind)
{
	static const char *const names[] = { "point", "span-begin", "span-end", "counter" };

	return kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "unknown";
}

static const char *lost_reason_name(uint64_t reason)
{
	static const char *const names[] = { "reentrant", "no-ring", "write" };

	return reason < sizeof(names) / sizeof(names[0]) ? names[reason] : "unknown";
}

static void print_meta(const struct ma_record *r)
{
	const typeof(r->u) *u = &r->u;

	switch (r->tag) {
	case MA_REC_MODULE:
		printf(" id=%" PRIu64 " bias=0x%" PRIx64 " lo=0x%" PRIx64 " hi=0x%" PRIx64,
		       u->module.id, u->module.bias, u->module.lo, u->module.hi);
		print_bytes("path", u->module.path);
		print_hex_bytes("build_id", u->module.build_id);
		break;
	case MA_REC_MODULE_GONE:
		printf(" id=%" PRIu64, u->module_gone.id);
		break;
	case MA_REC_THREAD:
		printf(" tid=%" PRIu64, u->thread_start.tid);
		print_bytes("name", u->thread_start.name);
		break;
	case MA_REC_MARKER:
		printf(" kind=%s", marker_kind_name(u->marker.kind));
		print_bytes("name", u->marker.name);
		printf(" value=%" PRId64, u->marker.value);
		break;
	case MA_REC_FORK:
		printf(" child_pid=%" PRIu64, u->fork.child_pid);
		break;
	case MA_REC_INFO:
		print_bytes("key", u->info.key);
		print_bytes("value", u->info.value);
		break;
	case MA_REC_LOST:
		printf(" count=%" PRIu64 " reason=%s", u->lost.count, lost_reason_name(u->lost.reason));
		break;
	case MA_REC_TRAILER:
		printf(" exit=%s status=%" PRId64 " events=%" PRIu64 " stacks=%" PRIu64
		       " chunks=%" PRIu64 " lost=%" PRIu64, ma_exit_kind_name(u->trailer.exit_kind),
		       u->trailer.exit_status, u->trailer.events, u->trailer.stacks,
		       u->trailer.chunks, u->trailer.lost);
		break;
	}
}

static void print_record(const struct dump *d, const struct ma_record *r)
{
	print_time(d, "  ", r->ts);
	printf(" %s", ma_tag_name(r->tag));
	if (r->tag == MA_REC_PROCESS)
		print_process(&r->u.process);
	else if (r->tag == MA_REC_SAMPLE)
		print_sample(&r->u.sample);
	else if (r->tag == MA_REC_STACK)
		printf(" id=%" PRIu64 " depth=%" PRIu32, r->u.stack.id, r->u.stack.depth);
	print_alloc_like(r);
	if (r->tag == MA_REC_REALLOC)
		print_time(d, " after=", r->u.realloc.ts_after);
	print_mapping(d, r);
	print_meta(r);
	putchar('\n');
	if (r->tag == MA_REC_STACK && !d->o.no_frames)
		print_frames(d, &r->u.stack);
}

/* ---- the walk ---- */

static void count_fn(struct dump *d, const struct ma_record *r)
{
	uint64_t fn = MA_FN_COUNT;

	if (r->tag == MA_REC_ALLOC || r->tag == MA_REC_ALLOC_ALIGNED)
		fn = r->u.alloc.fn;
	else if (r->tag == MA_REC_FREE)
		fn = r->u.free.fn;
	else if (r->tag == MA_REC_REALLOC)
		fn = r->u.realloc.fn;
	else if (r->tag == MA_REC_MMAP)
		fn = r->u.mmap.fn;
	else if (r->tag == MA_REC_MUNMAP)
		fn = MA_FN_MUNMAP;
	else if (r->tag == MA_REC_MREMAP)
		fn = MA_FN_MREMAP;
	else
		return;
	d->fns[fn < MA_FN_COUNT ? fn : MA_FN_COUNT]++;
}

/* What a record changes in the walk's state, before it is printed. */
static void note_record(struct dump *d, const struct ma_record *r)
{
	d->tags[r->tag]++;
	count_fn(d, r);
	if (r->tag == MA_REC_PROCESS) {
		d->start_ns = r->u.process.start_monotonic_ns;
		free(d->exe_name);
		d->exe_name = base_name(r->u.process.exe);
	} else if (r->tag == MA_REC_MODULE) {
		module_add(d, &r->u.module);
	} else if (r->tag == MA_REC_MODULE_GONE) {
		module_gone(d, r->u.module_gone.id);
	} else if (r->tag == MA_REC_TRAILER) {
		/* a failed exec's trailer is followed by the end's, if any */
		d->complete = r->u.trailer.exit_kind != MA_EXIT_EXEC_FAILED;
		d->trailer = r->u.trailer;
	}
}

static const char *kind_name(uint8_t kind)
{
	return kind == MA_CHUNK_HEADER ? "header" : kind == MA_CHUNK_TRAILER ? "trailer" : "records";
}

static void print_chunk(const struct dump *d, uint64_t ordinal, const struct ma_chunk_view *v)
{
	const struct ma_chunk_hdr *h = &v->hdr;

	printf("chunk %" PRIu64 " offset=%" PRIu64 " producer=%" PRIu32 " seq=%" PRIu32
	       " kind=%s codec=%s stored=%" PRIu32 " raw=%" PRIu32 " records=%" PRIu32,
	       ordinal, v->offset, h->thread, h->seq, kind_name(h->kind),
	       h->codec == MA_CODEC_ZSTD ? "zstd" : "none", h->stored_len, h->raw_len,
	       h->nrecords);
	/* The header chunk has no timed record: its ts_first means nothing
	 * (the probe writes 0). */
	if (h->kind == MA_CHUNK_HEADER)
		fputs(" ts_first=-", stdout);
	else
		print_time(d, " ts_first=", h->ts_first);
	printf("%s\n", h->flags & MA_CHUNK_F_DIRECT ? " direct" : "");
}

static void walk_chunk(struct dump *d, uint64_t ordinal, const struct ma_chunk_view *v)
{
	const uint8_t *p = v->payload, *end = p + v->hdr.raw_len;
	struct ma_codec_state st;
	struct ma_record r;

	if (d->nchunks == d->chunk_cap)
		d->chunks = grow(d->chunks, &d->chunk_cap, sizeof(*d->chunks));
	d->chunks[d->nchunks++] = (struct seen_chunk){ v->hdr.thread, v->hdr.seq };
	ma_codec_state_init(&st, v->hdr.ts_first, v->version);
	for (uint32_t i = 0; i < v->hdr.nrecords && ma_record_get(&p, end, &st, &r) == 0; i++) {
		if (!ma_tag_is_timed(r.tag))
			r.ts = st.prev_ts;
		if (r.tag == MA_REC_PROCESS)
			r.ts = r.u.process.start_monotonic_ns;  /* the start: 0.000 */
		note_record(d, &r);
		if (!d->o.summary) {
			/* after the record is noted: a process record sets the start */
			if (i == 0)
				print_chunk(d, ordinal, v);
			print_record(d, &r);
		}
	}
	if (!d->o.summary && v->hdr.nrecords == 0)
		print_chunk(d, ordinal, v);
}

/* ---- the end: summary and verdict ---- */

static int seen_cmp(const void *a, const void *b)
{
	const struct seen_chunk *x = a, *y = b;

	if (x->thread != y->thread)
		return x->thread < y->thread ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Producers, and those of them missing a chunk number. */
static void count_producers(struct dump *d, uint64_t *producers, uint64_t *gaps)
{
	uint32_t gap_thread = 0;
	int in_gap = 0;

	*producers = *gaps = 0;
	if (d->nchunks)
		qsort(d->chunks, d->nchunks, sizeof(*d->chunks), seen_cmp);
	for (size_t i = 0; i < d->nchunks; i++) {
		const struct seen_chunk *c = &d->chunks[i];
		int first = i == 0 || c->thread != c[-1].thread;
		if (first)
			(*producers)++;
		if (first ? c->seq == 0 : c->seq <= c[-1].seq + 1)
			continue;
		if (!in_gap || gap_thread != c->thread)
			(*gaps)++;
		in_gap = 1;
		gap_thread = c->thread;
	}
}

static void print_summary(struct dump *d, uint64_t producers)
{
	printf("records:\n");
	for (int t = 1; t <= MA_REC_TAG_MAX; t++)
		if (d->tags[t])
			printf("  %-14s %" PRIu64 "\n", ma_tag_name((uint8_t)t), d->tags[t]);
	printf("functions:\n");
	for (int f = 0; f <= MA_FN_COUNT; f++)
		if (d->fns[f])
			printf("  %-18s %" PRIu64 "\n", ma_fn_name((uint64_t)f), d->fns[f]);
	printf("stacks: %" PRIu64 "\n", d->tags[MA_REC_STACK]);
	printf("threads: %" PRIu64 "\n", d->tags[MA_REC_THREAD]);
	printf("producers: %" PRIu64 "\n", producers);
	printf("modules: %" PRIu64 "\n", d->tags[MA_REC_MODULE]);
	printf("chunks: %zu\n", d->nchunks);
	if (d->complete)
		printf("complete: yes (exit=%s status=%" PRId64 ")\n",
		       ma_exit_kind_name(d->trailer.exit_kind), d->trailer.exit_status);
	else
		printf("complete: no\n");
}

static uint64_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

/* Walks every chunk; returns the offset where reading stopped. */
static int walk(struct dump *d, struct ma_chunk_iter *it, uint64_t *stop)
{
	struct ma_chunk_view v;
	uint64_t ordinal = 0;
	int r;

	*stop = MA_FILE_PREFIX_LEN;
	while ((r = ma_chunk_iter_next(it, &v)) > 0) {
		walk_chunk(d, ordinal++, &v);
		*stop = v.offset + MA_CHUNK_HDR_LEN + v.hdr.stored_len;
	}
	return r;
}

/* Says what is wrong with the trace on stderr; returns the exit code. */
static int verdict(struct dump *d, struct ma_chunk_iter *it, int r, uint64_t stop)
{
	const char *path = d->o.path;
	uint64_t producers, gaps;
	int code = MA_EXIT_OK;

	count_producers(d, &producers, &gaps);
	if (d->o.summary)
		print_summary(d, producers);
	if (r < 0 && stop == MA_FILE_PREFIX_LEN) {
		ma_error("cannot read '%s': no readable header chunk: %s", path,
			 ma_chunk_iter_error(it));
		return MA_EXIT_INPUT;
	}
	if (r < 0) {
		uint64_t size = file_size(path);
		ma_error("'%s': %s; %" PRIu64 " bytes after it were not read", path,
			 ma_chunk_iter_error(it), size > stop ? size - stop : 0);
		code = MA_EXIT_DAMAGED;
	} else if (!d->complete && d->trailer.exit_kind == MA_EXIT_EXEC_FAILED) {
		ma_error("'%s': trace is truncated: an exec failed and the process went on, but "
			 "its end has no trailer (it was killed or is still running)", path);
		code = MA_EXIT_DAMAGED;
	} else if (!d->complete) {
		ma_error("'%s': trace is truncated: no trailer (the process was killed or is still running)",
			 path);
		code = MA_EXIT_DAMAGED;
	}
	if (gaps) {
		ma_error("'%s': %" PRIu64 " producer%s missing chunks (their events are lost)", path,
			 gaps, gaps == 1 ? " has" : "s have");
		code = MA_EXIT_DAMAGED;
	}
	return code;
}

static void dump_release(struct dump *d)
{
	for (size_t i = 0; i < d->nmods; i++)
		free(d->mods[i].name);
	free(d->mods);
	for (size_t i = 0; i < d->nahead; i++)
		free(d->ahead[i].name);
	free(d->ahead);
	free(d->chunks);
	free(d->exe_name);
}

int cmd_dump(int argc, char **argv)
{
	struct dump *d = calloc(1, sizeof(*d));
	struct ma_chunk_iter *it;
	char err[256];
	uint64_t stop;
	int r, code;

	if (!d)
		ma_die(MA_EXIT_INTERNAL, "out of memory");
	argp_err_exit_status = MA_EXIT_USAGE;
	argv[0] = (char *)MA_PROGRAM " dump";
	argp_parse(&dump_argp, argc, argv, 0, NULL, &d->o);
	if (ma_chunk_iter_open(d->o.path, &it, err, sizeof(err)) != MA_TRACE_OPEN_OK) {
		ma_error("cannot read '%s': %s", d->o.path, err);
		free(d);
		return MA_EXIT_INPUT;
	}
	printf("trace '%s' format=%u size=%" PRIu64 "\n", d->o.path, ma_chunk_iter_version(it),
	       file_size(d->o.path));
	read_modules_ahead(d);
	r = walk(d, it, &stop);
	code = verdict(d, it, r, stop);
	ma_chunk_iter_close(it);
	dump_release(d);
	free(d);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		ma_error("cannot write the dump: output error");
		return MA_EXIT_INTERNAL;
	}
	return code;
}
