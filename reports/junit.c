/* JUnit XML of gate verdicts: what Jenkins, GitLab and most CI systems
 * show as test results. */
#include "config.h"

#include "gate_report.h"

#include <time.h>

/* Escapes s for an attribute or text.  Control characters other than tab
 * and newline are not allowed in XML 1.0: they become '?'. */
static void xml_text(FILE *out, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\n': fputs("&#10;", out); break;
		case '\t': fputs("&#9;", out); break;
		default: fputc(*p < 0x20 ? '?' : *p, out);
		}
	}
}

static void testcase(FILE *out, const struct ma_gate_verdict *v)
{
	char line[1024];

	ma_gate_verdict_line(v, line, sizeof(line));
	fputs("    <testcase classname=\"memory-analyzer.", out);
	xml_text(out, v->kind == MA_GATE_LIMIT ? "limit" :
		 v->kind == MA_GATE_REGRESSION ? "regression" : "rating");
	fputs("\" name=\"", out);
	xml_text(out, v->name);
	fputs("\" time=\"0\">\n", out);
	if (v->failed || v->skipped) {
		fputs(v->failed ? "      <failure type=\"gate\" message=\"" :
		      "      <skipped message=\"", out);
		xml_text(out, line);
		fputs("\">", out);
		xml_text(out, v->scope);
		fputs(v->failed ? "</failure>\n" : "</skipped>\n", out);
	}
	fputs("      <system-out>", out);
	xml_text(out, line);
	fputs("</system-out>\n    </testcase>\n", out);
}

int ma_gate_write_junit(FILE *out, const struct ma_gate_result *r,
			const struct ma_gate_report_info *info)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", gmtime_r(&now, &tm));
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuites name=\"memory-analyzer\" tests=\"%zu\" failures=\"%zu\" "
		"errors=\"0\" time=\"0\">\n", r->n, r->failed);
	fputs("  <testsuite name=\"", out);
	xml_text(out, info->title);
	fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\" "
		"time=\"0\" timestamp=\"%s\">\n", r->n, r->failed, r->skipped, stamp);
	if (info->baseline) {
		fputs("    <properties>\n      <property name=\"baseline\" value=\"", out);
		xml_text(out, info->baseline);
		fputs("\"/>\n    </properties>\n", out);
	}
	for (size_t i = 0; i < r->n; i++)
		testcase(out, &r->v[i]);
	fputs("  </testsuite>\n</testsuites>\n", out);
	return ferror(out) ? -1 : 0;
}
