/* Writes the traces the format tests read, with lib/trace_build.h.
 *
 *   fmt_trace OUT          a small trace whose numbers are known exactly
 *   fmt_trace -n N OUT     N distinct stacks, one allocation each
 *
 * The small trace's frames are this program's own functions, recorded at
 * their real addresses in it, so the report names them: main ->
 * model_manager_run -> load_model / parse_config / handle_request ->
 * cache_insert / leak_buffer / tokenize.
 *
 *   ms   event                               live heap
 *   100  load_model      4096 at 0x1000       4096
 *   200  parse_config    1000 at 0x2000       5096
 *   300  cache_insert    2048 at 0x3000       7144
 *   400  leak_buffer      512 at 0x4000       7656
 *   500  free 0x2000                          6656
 *   600  tokenize        8192 at 0x5000      14848  (the peak)
 *   700  free 0x5000                          6656
 *   800  free 0x1000                          2560
 *   900  leak_buffer      300 at 0x6000       2860
 *  1000  free 0x3000                           812  (leaked: 2 blocks)
 *  2000  exit
 *
 * 6 allocations, 16148 bytes allocated; RSS samples every 250 ms; a
 * marker "model loaded" at 150 ms. */
#define _GNU_SOURCE
#include "config.h"

#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../unit/analysis_tracegen.h"

#define MS(ms) ((uint64_t)(ms) * 1000u)

static volatile int sink;

#define FRAME_FN(name) \
	__attribute__((noinline)) void name(void); \
	__attribute__((noinline)) void name(void) { sink += __LINE__; sink *= 3; }

FRAME_FN(model_manager_run)
FRAME_FN(load_model)
FRAME_FN(parse_config)
FRAME_FN(handle_request)
FRAME_FN(cache_insert)
FRAME_FN(leak_buffer)
FRAME_FN(tokenize)

int main(int argc, char **argv);

struct self { uint64_t bias, lo, hi; };

static int find_self(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct self *s = arg;

	(void)size;
	s->bias = info->dlpi_addr;
	s->lo = UINT64_MAX;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD)
			continue;
		if (info->dlpi_addr + ph->p_vaddr < s->lo)
			s->lo = info->dlpi_addr + ph->p_vaddr;
		if (info->dlpi_addr + ph->p_vaddr + ph->p_memsz > s->hi)
			s->hi = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
	}
	return 1;   /* the first object is the program */
}

/* A return address inside fn. */
#define AT(fn) ((uint64_t)(uintptr_t)&(fn) + 4)

static struct ma_trace_build *open_trace(const char *path, const char *module,
					 const struct self *s)
{
	struct ma_rec_process proc = { .pid = 4242, .start_monotonic_ns = TG_START,
				       .stack_depth = 64, .sample_interval_ms = 250 };
	struct ma_record r = { .tag = MA_REC_MODULE, .ts = TG_START };
	struct ma_trace_build *b;

	proc.exe = tg_str(module);
	proc.cmdline = tg_str("model-manager --demo");
	proc.probe_version = tg_str("test");
	if (!(b = ma_trace_build_open(path, &proc, 0)))
		return NULL;
	r.u.module = (struct ma_rec_module){ 1, s->bias, s->lo, s->hi, tg_str(module),
					     tg_str("") };
	return ma_trace_build_add(b, 0, &r, NULL) < 0 ? NULL : b;
}

static int stack(struct ma_trace_build *b, uint64_t id, const uint64_t *frames, unsigned n)
{
	struct ma_record s = { .tag = MA_REC_STACK, .ts = TG_START };

	s.u.stack.id = id;
	s.u.stack.depth = n;
	return ma_trace_build_add(b, 1, &s, frames);
}

static int small_stacks(struct ma_trace_build *b)
{
	uint64_t run = AT(model_manager_run), req = AT(handle_request), top = AT(main);
	const uint64_t s1[] = { AT(load_model), run, top }, s2[] = { AT(parse_config), run, top },
		s3[] = { AT(cache_insert), req, run, top }, s4[] = { AT(leak_buffer), req, run, top },
		s5[] = { AT(tokenize), req, run, top };

	return stack(b, 1, s1, 3) | stack(b, 2, s2, 3) | stack(b, 3, s3, 4) |
	       stack(b, 4, s4, 4) | stack(b, 5, s5, 4);
}

static int small_events(struct ma_trace_build *b)
{
	int rc = 0;

	for (unsigned ms = 0; ms <= 2000; ms += 250)
		rc |= tg_sample(b, MS(ms), (8u << 20) + ms * 4096);
	rc |= tg_alloc(b, 1, MS(100), 0x1000, 4096, 1, MA_FN_MALLOC);
	rc |= tg_marker(b, 1, MS(150), "model loaded");
	rc |= tg_alloc(b, 1, MS(200), 0x2000, 1000, 2, MA_FN_MALLOC);
	rc |= tg_alloc(b, 1, MS(300), 0x3000, 2048, 3, MA_FN_CALLOC);
	rc |= tg_alloc(b, 1, MS(400), 0x4000, 512, 4, MA_FN_MALLOC);
	rc |= tg_free(b, 1, MS(500), 0x2000, MA_FN_FREE);
	rc |= tg_alloc(b, 1, MS(600), 0x5000, 8192, 5, MA_FN_MALLOC);
	rc |= tg_free(b, 1, MS(700), 0x5000, MA_FN_FREE);
	rc |= tg_free(b, 1, MS(800), 0x1000, MA_FN_FREE);
	rc |= tg_alloc(b, 1, MS(900), 0x6000, 300, 4, MA_FN_MALLOC);
	rc |= tg_free(b, 1, MS(1000), 0x3000, MA_FN_FREE);
	return rc;
}

/* n stacks main -> top_(i % 50) -> mid_(i % 1000) -> leaf_i in a module
 * that is not on disk (frames stay module+offset); allocation i is
 * 16 + i % 4096 bytes, every other one freed. */
static int many(struct ma_trace_build *b, unsigned n)
{
	const uint64_t base = 0x7f0000000000ull;
	int rc = 0;

	for (unsigned i = 0; i < n && !rc; i++) {
		uint64_t f[4] = { base + 0x100000 + 16ull * i, base + 0x80000 + 16ull * (i % 1000),
				  base + 0x1000 + 16ull * (i % 50), base + 0x10 };
		rc = stack(b, i + 1, f, 4);
		rc |= tg_alloc(b, 1, 1000 + i, 0x10000000 + 64ull * i, 16 + i % 4096, i + 1,
			       MA_FN_MALLOC);
		if (i % 2)
			rc |= tg_free(b, 1, 1000 + i, 0x10000000 + 64ull * i, MA_FN_FREE);
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct self s = { 0 };
	struct ma_trace_build *b;
	char exe[4096];
	unsigned n = 0;
	ssize_t len;
	int rc;

	if (argc == 4 && !strcmp(argv[1], "-n"))
		n = (unsigned)strtoul(argv[2], NULL, 10);
	if (argc != 2 && !n) {
		fprintf(stderr, "usage: fmt_trace [-n STACKS] OUT\n");
		return 2;
	}
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[len > 0 ? len : 0] = '\0';
	dl_iterate_phdr(find_self, &s);
	if (n)
		s = (struct self){ 0x7f0000000000ull, 0x7f0000000000ull, 0x7f0000400000ull };
	b = open_trace(argv[argc - 1], n ? "/nonexistent/libmany.so" : exe, &s);
	if (!b) {
		perror(argv[argc - 1]);
		return 1;
	}
	rc = n ? many(b, n) : small_stacks(b) | small_events(b);
	rc |= tg_close(b, n ? 1000 + n + 10 : MS(2000), 1);
	return rc ? 1 : 0;
}
