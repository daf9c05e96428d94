/* The Cargo part of the workspace scan: the features each package
 * defines and the ones on by default.  `cargo metadata` is the authority
 * (it knows workspace inheritance and implicit features of optional
 * dependencies); without cargo we read the manifests ourselves. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "workspace_int.h"

#define MAX_METADATA (64u << 20)
#define MAX_MANIFEST (1u << 20)

static struct ma_cargo_package *package_add(struct ma_workspace *ws)
{
	struct ma_cargo_package *v = realloc(ws->packages, (ws->npackages + 1) * sizeof(*v));

	if (!v)
		return NULL;
	ws->packages = v;
	memset(&v[ws->npackages], 0, sizeof(*v));
	return &v[ws->npackages++];
}

void ws_cargo_free(struct ma_workspace *ws)
{
	for (size_t i = 0; i < ws->npackages; i++) {
		struct ma_cargo_package *p = &ws->packages[i];
		free(p->name);
		free(p->manifest);
		ws_strv_free(p->features, p->nfeatures);
		ws_strv_free(p->defaults, p->ndefaults);
	}
	free(ws->packages);
	ws->packages = NULL;
	ws->npackages = 0;
}

static int strp_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The root manifest first, then by path: the same order whichever way
 * the packages were found. */
static int package_cmp(const void *a, const void *b)
{
	const struct ma_cargo_package *x = a, *y = b;
	int xr = !strcmp(x->manifest, "Cargo.toml"), yr = !strcmp(y->manifest, "Cargo.toml");

	return xr != yr ? yr - xr : strcmp(x->manifest, y->manifest);
}

static void packages_sort(struct ma_workspace *ws)
{
	for (size_t i = 0; i < ws->npackages; i++)
		qsort(ws->packages[i].features, ws->packages[i].nfeatures, sizeof(char *), strp_cmp);
	qsort(ws->packages, ws->npackages, sizeof(*ws->packages), package_cmp);
}

/* Adds a feature name, or the default list when the name is "default". */
static int add_feature(struct ma_cargo_package *p, const char *name, char **defaults,
		       size_t ndefaults)
{
	if (!strcmp(name, "default")) {
		ws_strv_free(p->defaults, p->ndefaults);
		p->defaults = defaults;
		p->ndefaults = ndefaults;
		p->has_default = 1;
		return 0;
	}
	ws_strv_free(defaults, ndefaults);
	char **v = realloc(p->features, (p->nfeatures + 2) * sizeof(*v));
	if (!v)
		return -1;
	p->features = v;
	if (!(v[p->nfeatures] = strdup(name)))
		return -1;
	v[++p->nfeatures] = NULL;
	return 0;
}

/* ---- cargo metadata ---- */

static void run_child(const char *root, const char *cargo, int out)
{
	int null = open("/dev/null", O_RDWR);

	if (chdir(root) || null < 0 || dup2(out, 1) < 0 || dup2(null, 0) < 0 || dup2(null, 2) < 0)
		_exit(126);
	execlp(cargo, cargo, "metadata", "--format-version", "1", "--no-deps", "--offline",
	       (char *)NULL);
	_exit(127);
}

static char *read_all(int fd, size_t *len)
{
	size_t cap = 1 << 16;
	char *buf = malloc(cap);
	ssize_t n;

	*len = 0;
	while (buf && (n = read(fd, buf + *len, cap - *len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || cap >= MAX_METADATA) {
			free(buf);
			return NULL;
		}
		*len += (size_t)n;
		if (*len == cap) {
			char *bigger = realloc(buf, cap *= 2);
			if (!bigger)
				free(buf);
			buf = bigger;
		}
	}
	return buf;
}

/* Runs cargo; its stdout, or NULL with the reason in ws->cargo_note. */
static char *cargo_metadata(struct ma_workspace *ws, const char *root, const char *cargo,
			    size_t *len)
{
	int fds[2], status;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return NULL;
	if ((pid = fork()) == 0)
		run_child(root, cargo, fds[1]);
	close(fds[1]);
	char *out = pid > 0 ? read_all(fds[0], len) : NULL;
	close(fds[0]);
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (pid > 0 && WIFEXITED(status) && !WEXITSTATUS(status) && out)
		return out;
	free(out);
	if (pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 127)
		snprintf(ws->cargo_note, sizeof(ws->cargo_note), "'%s' not found", cargo);
	else
		snprintf(ws->cargo_note, sizeof(ws->cargo_note), "'%s metadata' failed", cargo);
	return NULL;
}

static char **json_strings(const struct ws_json *arr, size_t *n)
{
	char **v = calloc(arr && arr->type == WS_JSON_ARRAY ? arr->n + 1 : 1, sizeof(*v));

	*n = 0;
	for (size_t i = 0; v && arr && arr->type == WS_JSON_ARRAY && i < arr->n; i++) {
		if (arr->items[i].type != WS_JSON_STRING)
			continue;
		if (!(v[*n] = strdup(arr->items[i].string))) {
			ws_strv_free(v, *n);
			return NULL;
		}
		(*n)++;
	}
	return v;
}

static const char *relative(const char *path, const char *root)
{
	size_t n = strlen(root);

	if (!strncmp(path, root, n) && path[n] == '/')
		return path + n + 1;
	return path;
}

static int json_package(struct ma_workspace *ws, const struct ws_json *pkg, const char *root)
{
	const struct ws_json *name = ws_json_get(pkg, "name");
	const struct ws_json *manifest = ws_json_get(pkg, "manifest_path");
	const struct ws_json *features = ws_json_get(pkg, "features");
	struct ma_cargo_package *p;

	if (!name || name->type != WS_JSON_STRING || !manifest || manifest->type != WS_JSON_STRING)
		return 0;
	if (!(p = package_add(ws)) || !(p->name = strdup(name->string)) ||
	    !(p->manifest = strdup(relative(manifest->string, root))))
		return -1;
	for (size_t i = 0; features && features->type == WS_JSON_OBJECT && i < features->n; i++) {
		size_t n;
		char **defaults = json_strings(&features->items[i], &n);
		if (!defaults || add_feature(p, features->keys[i], defaults, n))
			return -1;
	}
	return 0;
}

static int from_metadata(struct ma_workspace *ws, const char *root, const char *cargo)
{
	char real[PATH_MAX];
	size_t len;
	char *out = cargo_metadata(ws, root, cargo, &len);
	struct ws_json *doc = out ? ws_json_parse(out, len) : NULL;
	const struct ws_json *pkgs = ws_json_get(doc, "packages");
	int rc = -1;

	free(out);
	if (out && (!pkgs || pkgs->type != WS_JSON_ARRAY))
		snprintf(ws->cargo_note, sizeof(ws->cargo_note), "unexpected output of '%s metadata'", cargo);
	if (pkgs && pkgs->type == WS_JSON_ARRAY && realpath(root, real)) {
		rc = 0;
		for (size_t i = 0; !rc && i < pkgs->n; i++)
			rc = json_package(ws, &pkgs->items[i], real);
		if (rc)
			ws_cargo_free(ws);
	}
	ws_json_free(doc);
	return rc;
}

/* ---- reading the manifests ---- */

struct manifest {
	struct ma_cargo_package *pkg;
	char **members;
	size_t nmembers;
	int failed;
};

static int manifest_key(void *ctx, const char *table, const char *key, const char *value,
			unsigned line)
{
	struct manifest *m = ctx;
	size_t n;

	if (!strcmp(table, "package") && !strcmp(key, "name")) {
		free(m->pkg->name);
		m->failed |= !(m->pkg->name = ws_toml_string(value));
	} else if (!strcmp(table, "features")) {
		char **list = ws_toml_strings(value, &n);
		m->failed |= !list || add_feature(m->pkg, key, list, n);
	} else if (!strcmp(table, "workspace") && !strcmp(key, "members") && !m->members) {
		m->failed |= !(m->members = ws_toml_strings(value, &m->nmembers));
	}
	return m->failed;
}

/* Reads dir/Cargo.toml (dir relative to root, "" for the root); adds a
 * package when it has a [package] name.  Hands back the members list of
 * a [workspace] table when members is not NULL. */
static int read_manifest(struct ma_workspace *ws, const char *root, const char *dir,
			 char ***members, size_t *nmembers)
{
	char path[PATH_MAX], rel[PATH_MAX];
	struct ma_cargo_package pkg = { 0 };
	struct manifest m = { &pkg, NULL, 0, 0 };

	snprintf(rel, sizeof(rel), "%s%sCargo.toml", dir, *dir ? "/" : "");
	if (snprintf(path, sizeof(path), "%s/%s", root, rel) >= (int)sizeof(path))
		return 0;
	char *text = ws_read_file(path, MAX_MANIFEST, NULL);
	if (text)
		ws_toml_walk(text, manifest_key, &m);
	free(text);
	if (members) {
		*members = m.members;
		*nmembers = m.nmembers;
	} else {
		ws_strv_free(m.members, m.nmembers);
	}
	struct ma_cargo_package *p = pkg.name && !m.failed ? package_add(ws) : NULL;
	if (p) {
		*p = pkg;
		m.failed |= !(p->manifest = strdup(rel));
		return m.failed ? -1 : 0;
	}
	free(pkg.name);
	ws_strv_free(pkg.features, pkg.nfeatures);
	ws_strv_free(pkg.defaults, pkg.ndefaults);
	return m.failed || pkg.name ? -1 : 0;
}

/* Members are folders or glob patterns, such as crates/ followed by *. */
static int read_member(struct ma_workspace *ws, const char *root, const char *pattern)
{
	char pat[PATH_MAX];
	glob_t g;
	int rc = 0;
	size_t rootlen = strlen(root) + 1;

	snprintf(pat, sizeof(pat), "%s/%s/Cargo.toml", root, pattern);
	if (glob(pat, GLOB_NOSORT, NULL, &g))
		return 0;
	for (size_t i = 0; !rc && i < g.gl_pathc; i++) {
		char *dir = g.gl_pathv[i];
		dir[strlen(dir) - strlen("/Cargo.toml")] = '\0';
		rc = strlen(dir) > rootlen ? read_manifest(ws, root, dir + rootlen, NULL, NULL) : 0;
	}
	globfree(&g);
	return rc;
}

static int from_manifests(struct ma_workspace *ws, const char *root)
{
	char **members = NULL;
	size_t n = 0;
	int rc = read_manifest(ws, root, "", &members, &n);

	for (size_t i = 0; !rc && i < n; i++)
		rc = read_member(ws, root, members[i]);
	ws_strv_free(members, n);
	return rc;
}

int ws_cargo_scan(struct ma_workspace *ws, const char *root, const char *cargo)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/Cargo.toml", root);
	if (stat(path, &st) || !S_ISREG(st.st_mode))
		return 0;
	if (!cargo)
		cargo = "cargo";
	if (!*cargo)
		snprintf(ws->cargo_note, sizeof(ws->cargo_note), "cargo not used");
	if (*cargo && !from_metadata(ws, root, cargo)) {
		ws->cargo_source = MA_CARGO_METADATA;
	} else {
		ws->cargo_source = MA_CARGO_MANIFEST;
		if (from_manifests(ws, root))
			return -1;
	}
	packages_sort(ws);
	return 0;
}
