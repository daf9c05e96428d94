/* Workspace scan: lines of code per language, skipping what is not the
 * workspace's own source; RAM of the machine; then the Cargo and memory
 * settings parts (workspace_cargo.c, workspace_memory.c). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "workspace_int.h"

#define MAX_SOURCE (8u << 20)   /* larger files are generated, not written */
#define MAX_DEPTH 64

static const struct { const char *ext, *lang; } extensions[] = {
	{ "c", "C" }, { "h", "C" },
	{ "cc", "C++" }, { "cpp", "C++" }, { "cxx", "C++" }, { "hh", "C++" },
	{ "hpp", "C++" }, { "hxx", "C++" },
	{ "rs", "Rust" }, { "go", "Go" }, { "py", "Python" },
	{ "js", "JavaScript" }, { "mjs", "JavaScript" }, { "cjs", "JavaScript" },
	{ "jsx", "JavaScript" }, { "ts", "TypeScript" }, { "tsx", "TypeScript" },
	{ "java", "Java" }, { "kt", "Kotlin" }, { "swift", "Swift" },
	{ "rb", "Ruby" }, { "cs", "C#" }, { "zig", "Zig" }, { "lua", "Lua" },
	{ "sh", "Shell" }, { "bash", "Shell" },
};

static const char *const skipped[] = {
	".git", ".hg", ".svn", "target", "build", "node_modules", "vendor",
	"third_party", "dist", "out", ".memory-analyzer", "__pycache__", ".venv",
};

#define NEXT (sizeof(extensions) / sizeof(extensions[0]))

struct scan {
	struct ma_workspace *ws;
	const struct ma_workspace_opts *opts;
	char path[PATH_MAX];    /* root/rel of the entry being looked at */
	size_t rootlen;         /* path[rootlen + 1] starts the relative part */
	uint64_t files[NEXT], lines[NEXT];  /* by first table row of the language */
	int oom;
};

const char *ma_lang_of(const char *filename)
{
	const char *dot = strrchr(filename, '.');

	if (!dot || dot == filename)
		return NULL;
	for (size_t i = 0; i < NEXT; i++)
		if (!strcmp(dot + 1, extensions[i].ext))
			return extensions[i].lang;
	return NULL;
}

int ma_workspace_skips(const char *dirname)
{
	for (size_t i = 0; i < sizeof(skipped) / sizeof(skipped[0]); i++)
		if (!strcmp(dirname, skipped[i]))
			return 1;
	return 0;
}

static int skips(const struct scan *s, const char *name)
{
	const char *const *extra = s->opts->skip;

	if (ma_workspace_skips(name))
		return 1;
	for (; extra && *extra; extra++)
		if (!strcmp(name, *extra))
			return 1;
	return 0;
}

static size_t lang_slot(const char *lang)
{
	size_t i = 0;

	while (strcmp(extensions[i].lang, lang))
		i++;
	return i;
}

/* Lines with something other than blanks. */
static uint64_t count_lines(const char *text, size_t len)
{
	uint64_t lines = 0;
	int content = 0;

	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (c == '\n') {
			lines += content;
			content = 0;
		} else if (c != ' ' && c != '\t' && c != '\r' && c != '\f' && c != '\v') {
			content = 1;
		}
	}
	return lines + content;
}

char *ws_read_file(const char *path, size_t max, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	ssize_t n;

	if (fd < 0)
		return NULL;
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && (uint64_t)st.st_size <= max &&
	    (buf = malloc((size_t)st.st_size + 1))) {
		while (got < (size_t)st.st_size &&
		       ((n = read(fd, buf + got, (size_t)st.st_size - got)) > 0 ||
			(n < 0 && errno == EINTR)))
			got += n > 0 ? (size_t)n : 0;
		buf[got] = '\0';
	}
	close(fd);
	if (len)
		*len = got;
	return buf;
}

static const char *rel_path(const struct scan *s)
{
	return s->path + s->rootlen + 1;
}

static void scan_file(struct scan *s, const char *name)
{
	const char *lang = ma_lang_of(name);
	const char *dot = strrchr(name, '.');
	int toml = dot && !strcmp(dot, ".toml");
	size_t len;

	if (!lang && !toml)
		return;
	char *text = ws_read_file(s->path, MAX_SOURCE, &len);
	if (!text || memchr(text, '\0', len)) {
		s->ws->skipped_files += lang != NULL;
	} else if (lang) {
		size_t slot = lang_slot(lang);
		s->files[slot]++;
		s->lines[slot] += count_lines(text, len);
		if (!strcmp(lang, "Rust") && ws_memory_rust(s->ws, rel_path(s), text))
			s->oom = 1;
	} else if (ws_memory_toml(s->ws, rel_path(s), text)) {
		s->oom = 1;
	}
	free(text);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in the folder at s->path, sorted, so that everything found
 * comes out in the same order on every machine. */
static char **list_dir(struct scan *s, size_t *n)
{
	DIR *d = opendir(s->path);
	struct dirent *e;
	char **names = NULL;
	size_t cap = 0;

	*n = 0;
	while (d && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (*n == cap) {
			char **v = realloc(names, (cap = cap ? cap * 2 : 32) * sizeof(*v));
			if (!v)
				break;
			names = v;
		}
		if (!(names[*n] = strdup(e->d_name)))
			break;
		(*n)++;
	}
	if (d)
		closedir(d);
	if (names)
		qsort(names, *n, sizeof(*names), name_cmp);
	return names;
}

static void scan_dir(struct scan *s, int depth);

static void scan_entry(struct scan *s, const char *name, int depth)
{
	size_t len = strlen(s->path);
	struct stat st;

	if (len + strlen(name) + 2 > sizeof(s->path))
		return;
	snprintf(s->path + len, sizeof(s->path) - len, "/%s", name);
	if (lstat(s->path, &st)) {
		s->ws->skipped_files++;
	} else if (S_ISDIR(st.st_mode)) {
		/* Symbolic links are never followed: no loops, no counting twice. */
		if (skips(s, name) || depth >= MAX_DEPTH)
			s->ws->skipped_dirs++;
		else
			scan_dir(s, depth + 1);
	} else if (S_ISREG(st.st_mode)) {
		scan_file(s, name);
	}
	s->path[len] = '\0';
}

static void scan_dir(struct scan *s, int depth)
{
	size_t n;
	char **names = list_dir(s, &n);

	for (size_t i = 0; i < n; i++) {
		if (!s->oom)
			scan_entry(s, names[i], depth);
		free(names[i]);
	}
	free(names);
}

static int lang_cmp(const void *a, const void *b)
{
	const struct ma_lang_lines *x = a, *y = b;

	if (x->lines != y->lines)
		return x->lines < y->lines ? 1 : -1;
	return strcmp(x->lang, y->lang);
}

static int collect_langs(struct scan *s)
{
	struct ma_workspace *ws = s->ws;

	ws->langs = calloc(NEXT, sizeof(*ws->langs));
	if (!ws->langs)
		return -1;
	for (size_t i = 0; i < NEXT; i++) {
		if (!s->files[i])
			continue;
		ws->langs[ws->nlangs++] = (struct ma_lang_lines){ extensions[i].lang,
								  s->files[i], s->lines[i] };
		ws->total_files += s->files[i];
		ws->total_lines += s->lines[i];
	}
	qsort(ws->langs, ws->nlangs, sizeof(*ws->langs), lang_cmp);
	return 0;
}

uint64_t ma_meminfo_total(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[256];
	unsigned long long kb = 0;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemTotal: %llu kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return (uint64_t)kb * 1024;
}

static void find_ram(struct ma_workspace *ws, const struct ma_workspace_opts *opts)
{
	if (opts->ram_bytes) {
		ws->ram_bytes = opts->ram_bytes;
		ws->ram_source = MA_RAM_GIVEN;
	} else if ((ws->ram_bytes = ma_meminfo_total(opts->meminfo ? opts->meminfo
								 : "/proc/meminfo"))) {
		ws->ram_source = MA_RAM_MEMINFO;
	}
}

static struct ma_workspace *scan_fail(struct ma_workspace *ws, char *err, size_t errlen,
				      const char *what)
{
	snprintf(err, errlen, "cannot scan '%s': %s", ws && ws->root ? ws->root : "?", what);
	ma_workspace_free(ws);
	return NULL;
}

struct ma_workspace *ma_workspace_scan(const char *root, const struct ma_workspace_opts *opts,
				       char *err, size_t errlen)
{
	static const struct ma_workspace_opts none;
	struct ma_workspace *ws = calloc(1, sizeof(*ws));
	struct scan *s = calloc(1, sizeof(*s));
	struct stat st;

	if (!ws || !s || !(ws->root = strdup(root))) {
		free(s);
		return scan_fail(ws, err, errlen, "out of memory");
	}
	int bad = stat(root, &st) ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
	if (bad) {
		free(s);
		return scan_fail(ws, err, errlen, strerror(bad));
	}
	*s = (struct scan){ .ws = ws, .opts = opts ? opts : &none };
	s->rootlen = strlen(root);
	while (s->rootlen > 1 && root[s->rootlen - 1] == '/')
		s->rootlen--;
	snprintf(s->path, sizeof(s->path), "%.*s", (int)s->rootlen, root);
	ws->root[s->rootlen] = '\0';
	scan_dir(s, 0);
	find_ram(ws, s->opts);
	int failed = s->oom || collect_langs(s) || ws_cargo_scan(ws, ws->root, s->opts->cargo);
	free(s);
	return failed ? scan_fail(ws, err, errlen, "out of memory") : ws;
}

void ma_workspace_free(struct ma_workspace *ws)
{
	if (!ws)
		return;
	ws_cargo_free(ws);
	ws_memory_free(ws);
	free(ws->langs);
	free(ws->root);
	free(ws);
}

uint64_t ma_workspace_lines(const struct ma_workspace *ws, const char *lang)
{
	for (size_t i = 0; i < ws->nlangs; i++)
		if (!strcmp(ws->langs[i].lang, lang))
			return ws->langs[i].lines;
	return 0;
}

enum ma_size_class ma_workspace_size_class(uint64_t lines)
{
	return lines <= 100000 ? MA_CLASS_SMALL : lines <= 1000000 ? MA_CLASS_MEDIUM : MA_CLASS_LARGE;
}

enum ma_size_class ma_ram_class(uint64_t ram_bytes)
{
	return ram_bytes < 8000000000ull ? MA_CLASS_SMALL :
	       ram_bytes <= 16000000000ull ? MA_CLASS_MEDIUM : MA_CLASS_LARGE;
}

const char *ma_size_class_name(enum ma_size_class c)
{
	static const char *const names[] = { "small", "medium", "large" };

	return (unsigned)c <= MA_CLASS_LARGE ? names[c] : "?";
}
