/* Helpers of tests/unit/test_symbols.c; see fixture_util.h. */
#include "config.h"

#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture_util.h"

static char *env_path(const char *var, const char *rel)
{
	const char *top = getenv(var);
	char *path;
	if (asprintf(&path, "%s/%s", top ? top : ".", rel) < 0)
		return NULL;
	return path;
}

struct match {
	struct link_map *lm;
	struct fx_module *m;
	int found;
};

static void read_build_id(const char *note, size_t size, struct fx_module *m)
{
	for (size_t off = 0; off + sizeof(ElfW(Nhdr)) <= size;) {
		const ElfW(Nhdr) *nh = (const void *)(note + off);
		size_t name = (nh->n_namesz + 3) & ~(size_t)3;
		size_t desc = (nh->n_descsz + 3) & ~(size_t)3;
		const char *n = note + off + sizeof(*nh);
		if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 &&
		    memcmp(n, "GNU", 4) == 0 && nh->n_descsz <= sizeof(m->build_id)) {
			memcpy(m->build_id, n + name, nh->n_descsz);
			m->build_id_len = nh->n_descsz;
			return;
		}
		off += sizeof(*nh) + name + desc;
	}
}

static int on_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct match *mt = arg;
	if (info->dlpi_addr != mt->lm->l_addr ||
	    strcmp(info->dlpi_name, mt->lm->l_name) != 0)
		return 0;
	struct fx_module *m = mt->m;
	m->bias = info->dlpi_addr;
	m->lo = UINT64_MAX;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uint64_t start = info->dlpi_addr + ph->p_vaddr;
		if (ph->p_type == PT_LOAD) {
			if (start < m->lo)
				m->lo = start;
			if (start + ph->p_memsz > m->hi)
				m->hi = start + ph->p_memsz;
		} else if (ph->p_type == PT_NOTE && m->build_id_len == 0) {
			read_build_id((const char *)start, ph->p_memsz, m);
		}
	}
	mt->found = 1;
	return 1;
}

int fx_module_open(const char *name, struct fx_module *m)
{
	char rel[256];
	memset(m, 0, sizeof(*m));
	snprintf(rel, sizeof(rel), "tests/symbols/.libs/%s", name);
	char *path = env_path("top_builddir", rel);
	m->handle = path ? dlopen(path, RTLD_NOW | RTLD_LOCAL) : NULL;
	free(path);
	struct match mt = { .m = m };
	if (m->handle == NULL ||
	    dlinfo(m->handle, RTLD_DI_LINKMAP, &mt.lm) != 0)
		return -1;
	dl_iterate_phdr(on_object, &mt);
	m->path = strdup(mt.lm->l_name);
	return mt.found && m->path ? 0 : -1;
}

void fx_module_close(struct fx_module *m)
{
	if (m->handle)
		dlclose(m->handle);
	free(m->path);
	memset(m, 0, sizeof(*m));
}

void *fx_module_sym(struct fx_module *m, const char *sym)
{
	return dlsym(m->handle, sym);
}

unsigned fx_marker_line(const char *file, const char *marker)
{
	char *path = env_path("top_srcdir", file);
	FILE *f = path ? fopen(path, "r") : NULL;
	char line[512];
	unsigned n = 0, found = 0;
	free(path);
	while (f && !found && fgets(line, sizeof(line), f)) {
		n++;
		if (strstr(line, marker))
			found = n;
	}
	if (f)
		fclose(f);
	return found;
}

int fx_run(const char *fmt, ...)
{
	char *cmd;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&cmd, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	int rc = system(cmd);
	free(cmd);
	return rc;
}

char *fx_tmpdir(void)
{
	const char *tmp = getenv("TMPDIR");
	char *dir;
	if (asprintf(&dir, "%s/ma-symbols.XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0)
		return NULL;
	if (mkdtemp(dir) == NULL) {
		free(dir);
		return NULL;
	}
	return dir;
}

void fx_tmpdir_remove(char *dir)
{
	if (dir != NULL)
		fx_run("rm -rf '%s'", dir);
	free(dir);
}

const char *fx_build_id_hex(const struct fx_module *m)
{
	static char hex[2 * sizeof(m->build_id) + 1];
	for (size_t i = 0; i < m->build_id_len; i++)
		sprintf(hex + 2 * i, "%02x", m->build_id[i]);
	hex[2 * m->build_id_len] = '\0';
	return hex;
}
