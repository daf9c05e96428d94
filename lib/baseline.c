/* Baselines: writing a measure as JSON and reading it back. */
#include "config.h"

#include "baseline.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_parse.h"

static void write_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

/* Counts and bytes as integers, percentages with two decimals. */
static void write_metric(FILE *out, enum ma_gm g, double v)
{
	if (ma_gm_def(g)->unit == MA_GU_PCT)
		fprintf(out, "%.4f", v);
	else
		fprintf(out, "%.0f", floor(v));
}

static void write_metrics(FILE *out, const struct ma_measure *m)
{
	const char *sep = "";

	fputs("  \"metrics\": {", out);
	for (int g = 0; g < MA_GM_COUNT; g++) {
		if (!ma_measure_has(m, (enum ma_gm)g))
			continue;
		fprintf(out, "%s\n    \"%s\": ", sep, ma_gm_def((enum ma_gm)g)->name);
		write_metric(out, (enum ma_gm)g, m->v[g]);
		sep = ",";
	}
	fputs("\n  },\n", out);
}

static void write_site(FILE *out, const struct ma_msite *s)
{
	fputs("    {\"function\": ", out);
	write_string(out, s->function);
	fputs(", \"file\": ", out);
	write_string(out, s->file);
	fputs(", \"module\": ", out);
	write_string(out, s->module);
	fprintf(out, ", \"line\": %u", s->line);
	for (int k = 0; k < MA_SV_COUNT; k++)
		fprintf(out, ", \"%s\": %llu", ma_sv_name((enum ma_sv)k),
			(unsigned long long)s->n[k]);
	fputc('}', out);
}

int ma_baseline_write(FILE *out, const struct ma_measure *m)
{
	fprintf(out, "{\n  \"format\": \"%s\",\n  \"version\": %d,\n  \"scope\": ",
		MA_BASELINE_FORMAT, MA_BASELINE_VERSION);
	write_string(out, m->label);
	fprintf(out, ",\n  \"processes\": %llu,\n  \"duration_ns\": %llu,\n",
		(unsigned long long)m->nprocs, (unsigned long long)m->duration_ns);
	write_metrics(out, m);
	fputs("  \"sites\": [", out);
	for (size_t i = 0; i < m->nsites; i++) {
		fputs(i ? ",\n" : "\n", out);
		write_site(out, &m->sites[i]);
	}
	fputs(m->nsites ? "\n  ]\n}\n" : "]\n}\n", out);
	return ferror(out) ? -1 : 0;
}

/* ---- reading ---- */

struct reader {
	const char *name;
	char *err;
	size_t errlen;
};

static int invalid(const struct reader *rd, const char *why)
{
	snprintf(rd->err, rd->errlen, "'%s' is not a valid baseline: %s", rd->name, why);
	return MA_BASELINE_INVALID;
}

static int check_header(const struct reader *rd, const struct ma_json *root)
{
	const char *format = ma_json_str(ma_json_get(root, "format"));
	const struct ma_json *version = ma_json_get(root, "version");
	uint64_t ver;

	if (!format || strcmp(format, MA_BASELINE_FORMAT))
		return invalid(rd, "no \"format\": \"" MA_BASELINE_FORMAT "\"");
	if (!ma_json_u64(version, &ver))
		return invalid(rd, "no \"version\" number");
	if (ver != MA_BASELINE_VERSION) {
		snprintf(rd->err, rd->errlen, "baseline '%s' is version %llu; this "
			 "memory-analyzer reads version %d: write it again with "
			 "'memory-analyzer baseline'", rd->name, (unsigned long long)ver,
			 MA_BASELINE_VERSION);
		return MA_BASELINE_VERSION_ERR;
	}
	return MA_BASELINE_OK;
}

static int read_metrics(const struct reader *rd, const struct ma_json *metrics,
			struct ma_measure *m)
{
	if (!metrics || metrics->type != MA_JSON_OBJECT)
		return invalid(rd, "no \"metrics\" object");
	for (const struct ma_json *e = metrics->child; e; e = e->next) {
		int g = ma_gm_find(e->key);
		if (g < 0)
			continue;  /* a metric of a newer writer: not gated */
		if (e->type != MA_JSON_NUMBER || e->number < 0)
			return invalid(rd, "a metric is not a non-negative number");
		ma_measure_set(m, (enum ma_gm)g, e->number);
	}
	return MA_BASELINE_OK;
}

static int read_site(const struct reader *rd, const struct ma_json *j, struct ma_measure *m)
{
	const char *fn = ma_json_str(ma_json_get(j, "function"));
	const char *file = ma_json_str(ma_json_get(j, "file"));
	const char *mod = ma_json_str(ma_json_get(j, "module"));
	struct ma_msite *s;
	uint64_t line = 0;

	if (!fn || !file || !mod)
		return invalid(rd, "a site lacks function, file or module");
	if (!(s = ma_measure_site(m, fn, file, mod, 1)))
		return MA_BASELINE_NOMEM;
	if (ma_json_u64(ma_json_get(j, "line"), &line) && line <= 0xffffffffu)
		s->line = (unsigned)line;
	for (int k = 0; k < MA_SV_COUNT; k++) {
		const struct ma_json *v = ma_json_get(j, ma_sv_name((enum ma_sv)k));
		uint64_t n;
		if (!v)
			continue;
		if (!ma_json_u64(v, &n))
			return invalid(rd, "a site number is not a non-negative integer");
		s->n[k] += n;
	}
	return MA_BASELINE_OK;
}

static int read_root(const struct reader *rd, const struct ma_json *root, struct ma_measure *m)
{
	const struct ma_json *sites = ma_json_get(root, "sites");
	const char *scope = ma_json_str(ma_json_get(root, "scope"));
	int rc;

	if (root->type != MA_JSON_OBJECT)
		return invalid(rd, "not a JSON object");
	if ((rc = check_header(rd, root)) || (rc = read_metrics(rd, ma_json_get(root, "metrics"), m)))
		return rc;
	snprintf(m->label, sizeof(m->label), "baseline %s", scope ? scope : rd->name);
	ma_json_u64(ma_json_get(root, "processes"), &m->nprocs);
	ma_json_u64(ma_json_get(root, "duration_ns"), &m->duration_ns);
	if (!sites || sites->type != MA_JSON_ARRAY)
		return invalid(rd, "no \"sites\" array");
	for (const struct ma_json *s = sites->child; s; s = s->next)
		if ((rc = read_site(rd, s, m)))
			return rc;
	return MA_BASELINE_OK;
}

int ma_baseline_parse(const char *name, const char *text, size_t len,
		      struct ma_measure *m, char *err, size_t errlen)
{
	struct reader rd = { name, err, errlen };
	char why[160];
	struct ma_json *root = ma_json_parse(text, len, why, sizeof(why));
	int rc;

	if (!root)
		return invalid(&rd, why);
	rc = read_root(&rd, root, m);
	ma_json_free(root);
	if (rc == MA_BASELINE_NOMEM)
		snprintf(err, errlen, "cannot read '%s': out of memory", name);
	if (rc)
		ma_measure_release(m);
	return rc;
}

/* The whole file, malloc'd; NULL with errno set. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0;

	*len = 0;
	if (!f)
		return NULL;
	for (;;) {
		if (*len + 4096 > cap) {
			char *n = realloc(buf, cap = cap * 2 + 8192);
			if (!n)
				break;
			buf = n;
		}
		size_t got = fread(buf + *len, 1, cap - *len, f);
		*len += got;
		if (got == 0) {
			int bad = ferror(f);
			fclose(f);
			if (!bad)
				return buf;
			free(buf);
			errno = EIO;
			return NULL;
		}
	}
	fclose(f);
	free(buf);
	errno = ENOMEM;
	return NULL;
}

int ma_baseline_read(const char *path, struct ma_measure *m, char *err, size_t errlen)
{
	size_t len;
	char *text = slurp(path, &len);
	int rc;

	if (!text) {
		snprintf(err, errlen, "cannot read baseline '%s': %s", path, strerror(errno));
		return MA_BASELINE_IO;
	}
	rc = ma_baseline_parse(path, text, len, m, err, errlen);
	free(text);
	return rc;
}

int ma_baseline_sniff(const char *path)
{
	FILE *f = fopen(path, "rb");
	int c;

	if (!f)
		return -1;
	while ((c = fgetc(f)) == ' ' || c == '\t' || c == '\n' || c == '\r')
		;
	fclose(f);
	return c == '{';
}
