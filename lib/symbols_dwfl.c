/* The libdwfl side of the symbolizer: one offline Dwfl, modules reported
 * into it on first use at their recorded load bias, and the source-level
 * frames (inlined calls included) of one address, as eu-addr2line -i
 * finds them. */
#include "config.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "symbols_int.h"

/* Where dwfl_standard_find_debuginfo looks: beside the file, in .debug/
 * beside it, in each debug directory given (by build-id and by path), in
 * the sysroot's /usr/lib/debug, then in /usr/lib/debug. */
static char *debuginfo_path(const struct ma_symbols_opts *opts)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (f == NULL)
		return NULL;
	fputs(":.debug", f);
	for (const char *const *d = opts ? opts->debug_dirs : NULL; d && *d; d++)
		fprintf(f, ":%s", *d);
	if (opts && opts->sysroot)
		fprintf(f, ":%s/usr/lib/debug", opts->sysroot);
	fputs(":/usr/lib/debug", f);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

int ma_sym_dwfl_init(struct ma_symbols *s, const struct ma_symbols_opts *opts)
{
	s->debuginfo_path = debuginfo_path(opts);
	if (s->debuginfo_path == NULL)
		return -1;
	if (opts && opts->sysroot && (s->sysroot = strdup(opts->sysroot)) == NULL)
		return -1;
	s->callbacks.find_elf = dwfl_build_id_find_elf;
	s->callbacks.find_debuginfo = dwfl_standard_find_debuginfo;
	s->callbacks.section_address = dwfl_offline_section_address;
	s->callbacks.debuginfo_path = &s->debuginfo_path;
	s->dwfl = dwfl_begin(&s->callbacks);
	return s->dwfl ? 0 : -1;
}

void ma_sym_dwfl_end(struct ma_symbols *s)
{
	if (s->dwfl)
		dwfl_end(s->dwfl);
	free(s->debuginfo_path);
	free(s->sysroot);
}

static char *file_path(const struct ma_symbols *s, const char *path)
{
	if (s->sysroot == NULL)
		return strdup(path);
	char *full = malloc(strlen(s->sysroot) + strlen(path) + 1);
	if (full != NULL)
		strcat(strcpy(full, s->sysroot), path);
	return full;
}

static void broken(struct ma_sym_module *m, const char *problem)
{
	m->state = MA_SYM_BROKEN;
	m->problem = problem;
}

static int build_id_matches(struct ma_sym_module *m, Dwfl_Module *mod)
{
	const unsigned char *bits;
	GElf_Addr vaddr;
	if (m->build_id_len == 0)
		return 1; /* nothing recorded to check against */
	int n = dwfl_module_build_id(mod, &bits, &vaddr);
	return n > 0 && (size_t)n == m->build_id_len &&
	       memcmp(bits, m->build_id, m->build_id_len) == 0;
}

/* Modules of different moments may share an address range; each one is
 * reported at its own recorded bias all the same, since lookups go to
 * the Dwfl_Module directly and never through dwfl_addrmodule(). */
static Dwfl_Module *report(struct ma_symbols *s, struct ma_sym_module *m,
			   const char *file)
{
	dwfl_report_begin_add(s->dwfl);
	Dwfl_Module *mod = dwfl_report_elf(s->dwfl, m->path, file, -1,
					   m->bias, true);
	dwfl_report_end(s->dwfl, NULL, NULL);
	return mod;
}

/* A program that dlopens and dlcloses the same library in a loop records
 * it many times, usually at the same place: one Dwfl_Module serves all. */
static const struct ma_sym_module *same_file(const struct ma_symbols *s,
					     const struct ma_sym_module *m)
{
	for (size_t i = 0; i < s->nmods; i++) {
		const struct ma_sym_module *o = s->mods[i];
		if (o != m && o->state == MA_SYM_READY && o->bias == m->bias &&
		    o->build_id_len == m->build_id_len &&
		    strcmp(o->path, m->path) == 0 &&
		    memcmp(o->build_id, m->build_id, m->build_id_len) == 0)
			return o;
	}
	return NULL;
}

void ma_sym_module_load(struct ma_symbols *s, struct ma_sym_module *m)
{
	const struct ma_sym_module *twin = m->build_id_len ? same_file(s, m) : NULL;
	if (twin != NULL) {
		m->dwmod = twin->dwmod;
		m->problem = twin->problem;
		m->state = MA_SYM_READY;
		return;
	}
	char *file = m->path[0] ? file_path(s, m->path) : NULL;
	if (file == NULL || access(file, F_OK) != 0) {
		free(file);
		broken(m, MA_SYM_E_NOFILE);
		return;
	}
	Dwfl_Module *mod = report(s, m, file);
	free(file);
	if (mod == NULL) {
		broken(m, MA_SYM_E_NOTELF);
		return;
	}
	if (!build_id_matches(m, mod)) {
		broken(m, MA_SYM_E_BUILD_ID);
		return;
	}
	Dwarf_Addr bias;
	if (dwfl_module_getdwarf(mod, &bias) == NULL)
		m->problem = MA_SYM_E_NODEBUG;
	m->dwmod = mod;
	m->state = MA_SYM_READY;
}
