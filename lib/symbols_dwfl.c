/* The libdwfl side of the symbolizer: one offline Dwfl, modules reported
 * into it on first use at their recorded load bias, and the source-level
 * frames (inlined calls included) of one address, as eu-addr2line -i
 * finds them. */
#include "config.h"

#include <dwarf.h>
#include <fcntl.h>
#include <pthread.h>
#include <elfutils/libdw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "symbols_int.h"

static int add_dir(struct ma_symbols *s, const char *dir, const char *sub)
{
	char **dirs = realloc(s->debug_dirs, (s->ndebug_dirs + 1) * sizeof(*dirs));
	if (dirs == NULL)
		return -1;
	s->debug_dirs = dirs;
	if (asprintf(&dirs[s->ndebug_dirs], "%s%s", dir, sub) < 0)
		return -1;
	s->ndebug_dirs++;
	return 0;
}

/* Where separate debug files are looked for (symbols_open.c): the debug
 * directories given, the sysroot's /usr/lib/debug, then this machine's
 * /usr/lib/debug unless local files are off; and beside each module. */
int ma_sym_dwfl_init(struct ma_symbols *s, const struct ma_symbols_opts *opts)
{
	s->rootfd = -1;
	s->no_local_files = opts && opts->no_local_files;
	for (const char *const *d = opts ? opts->debug_dirs : NULL; d && *d; d++)
		if (add_dir(s, *d, "") < 0)
			return -1;
	if (opts && opts->sysroot) {
		if ((s->sysroot = strdup(opts->sysroot)) == NULL ||
		    add_dir(s, opts->sysroot, "/usr/lib/debug") < 0)
			return -1;
		/* A sysroot that cannot be opened: every module is then "file
		 * not found", as before. */
		s->rootfd = open(opts->sysroot, O_PATH | O_DIRECTORY | O_CLOEXEC);
	}
	if (!s->no_local_files && add_dir(s, "/usr/lib/debug", "") < 0)
		return -1;
	s->callbacks.find_elf = dwfl_build_id_find_elf;
	s->callbacks.find_debuginfo = ma_sym_find_debuginfo;
	s->callbacks.section_address = dwfl_offline_section_address;
	s->dwfl = dwfl_begin(&s->callbacks);
	return s->dwfl ? 0 : -1;
}

void ma_sym_dwfl_end(struct ma_symbols *s)
{
	if (s->dwfl)
		dwfl_end(s->dwfl);
	ma_sym_scopes_forget();
	for (size_t i = 0; i < s->ndebug_dirs; i++)
		free(s->debug_dirs[i]);
	free(s->debug_dirs);
	free(s->sysroot);
	if (s->rootfd >= 0)
		close(s->rootfd);
}

static char *file_path(const struct ma_symbols *s, const char *path)
{
	char *full;
	if (asprintf(&full, "%s%s", s->sysroot ? s->sysroot : "", path) < 0)
		return NULL;
	return full;
}

/* Paths already said on stderr, with their problem: the traces of one
 * run (a process and its children) share most modules, and a report
 * over them says each thing once. */
struct said {
	struct said *next;
	const char *problem;
	char path[];
};
static struct said *said_list;
static pthread_mutex_t said_lock = PTHREAD_MUTEX_INITIALIZER;

static int first_time(const char *path, const char *problem)
{
	int first = 1;
	pthread_mutex_lock(&said_lock);
	for (struct said *x = said_list; x != NULL; x = x->next)
		if (x->problem == problem && strcmp(x->path, path) == 0) {
			first = 0;
			break;
		}
	if (first) {
		struct said *x = malloc(sizeof(*x) + strlen(path) + 1);
		if (x != NULL) {
			x->problem = problem;
			strcpy(x->path, path);
			x->next = said_list;
			said_list = x;
		}
	}
	pthread_mutex_unlock(&said_lock);
	return first;
}

/* Said once per module path on stderr: the trace names a file that is
 * not what was recorded, or not one to read at all.  A missing file (the
 * vdso, a library deleted since) and missing debug information are
 * ordinary and left to ma_symbols_module_problem(). */
static void note(struct ma_sym_module *m)
{
	if (!m->to_note || m->noted || m->problem == NULL || !strcmp(m->problem, MA_SYM_E_NOFILE) ||
	    !strcmp(m->problem, MA_SYM_E_NODEBUG) || !strcmp(m->problem, MA_SYM_E_NOLOCAL))
		return;
	m->noted = 1;
	if (first_time(m->path, m->problem))
		fprintf(stderr, "memory-analyzer: module %s: %s; its frames are shown "
			"as module+offset\n", m->path, m->problem);
}

static void broken(struct ma_sym_module *m, const char *problem)
{
	m->state = MA_SYM_BROKEN;
	m->problem = problem;
	m->to_note = 1;
}

void ma_sym_module_use(struct ma_symbols *s, struct ma_sym_module *m)
{
	if (m->state == MA_SYM_UNLOADED)
		ma_sym_module_load(s, m);
	note(m);
}

/* Modules of different moments may share an address range; each one is
 * reported at its own recorded bias all the same, since lookups go to
 * the Dwfl_Module directly and never through dwfl_addrmodule(). */
static Dwfl_Module *report(struct ma_symbols *s, struct ma_sym_module *m,
			   const char *file, int fd)
{
	dwfl_report_begin_add(s->dwfl);
	Dwfl_Module *mod = dwfl_report_elf(s->dwfl, m->path, file, fd,
					   m->bias, true);
	dwfl_report_end(s->dwfl, NULL, NULL);
	if (mod == NULL) {
		close(fd);
		return NULL;
	}
	/* Our find_debuginfo callback gets the module through this. */
	void **userdata;
	dwfl_module_info(mod, &userdata, NULL, NULL, NULL, NULL, NULL, NULL);
	*userdata = m;
	m->owner = s;
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

static int same_build_id(const struct ma_sym_module *m, const uint8_t *bid,
			 size_t len)
{
	if (m->build_id_len == 0)
		return 1; /* nothing recorded to check against */
	return bid != NULL && len == m->build_id_len &&
	       memcmp(bid, m->build_id, len) == 0;
}

/* Without a usable module file, a debug file with the recorded build-id
 * in the debug directories names the module's functions by itself: its
 * symbol table and DWARF, laid out at the same addresses. */
static int from_debug_file(struct ma_symbols *s, struct ma_sym_module *m)
{
	if (m->build_id_len == 0)
		return 0;
	char *found = NULL;
	int fd = ma_sym_debug_by_build_id(s, m->build_id, m->build_id_len, &found);
	if (fd < 0)
		return 0;
	Dwfl_Module *mod = report(s, m, found, fd);
	free(found);
	if (mod == NULL)
		return 0;
	m->dwmod = mod;
	m->problem = NULL;
	m->state = MA_SYM_READY;
	return 1;
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
	const char *problem = MA_SYM_E_NOFILE;
	int fd = -1;
	uint8_t *bid = NULL;
	size_t bid_len = 0;
	if (m->path[0] == '\0')
		problem = MA_SYM_E_NOFILE;
	else if (s->no_local_files && s->sysroot == NULL)
		problem = MA_SYM_E_NOLOCAL;
	else if ((fd = ma_sym_open_elf(s, m->path, 1, &problem, &bid, &bid_len)) >= 0 &&
		 !same_build_id(m, bid, bid_len)) {
		close(fd);
		fd = -1;
		problem = MA_SYM_E_BUILD_ID;
	}
	free(bid);
	Dwfl_Module *mod = NULL;
	if (fd >= 0) {
		char *file = file_path(s, m->path);
		if (file == NULL) {
			close(fd);
		} else {
			mod = report(s, m, file, fd);
			free(file);
		}
		problem = MA_SYM_E_NOTELF;
	}
	if (mod == NULL) {
		if (!from_debug_file(s, m))
			broken(m, problem);
		return;
	}
	Dwarf_Addr bias;
	if (dwfl_module_getdwarf(mod, &bias) == NULL)
		m->problem = MA_SYM_E_NODEBUG;
	m->dwmod = mod;
	m->state = MA_SYM_READY;
}
