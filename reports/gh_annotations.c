/* GitHub Actions workflow commands: each failed gate becomes an error
 * annotation on the job, each unused suppression a warning. */
#include "config.h"

#include "gate_report.h"

/* Escapes data the way the runner expects: %, CR and LF; in properties
 * also ':' and ','. */
static void gh_escape(FILE *out, const char *s, int property)
{
	for (; *s; s++) {
		switch (*s) {
		case '%': fputs("%25", out); break;
		case '\r': fputs("%0D", out); break;
		case '\n': fputs("%0A", out); break;
		case ':': fputs(property ? "%3A" : ":", out); break;
		case ',': fputs(property ? "%2C" : ",", out); break;
		default: fputc(*s, out);
		}
	}
}

int ma_gate_write_gh_annotations(FILE *out, const struct ma_gate_result *r,
				 const struct ma_gate_report_info *info)
{
	char line[1024];

	for (size_t i = 0; i < r->n; i++) {
		if (!r->v[i].failed)
			continue;
		fputs("::error title=", out);
		gh_escape(out, "memory gate failed: ", 1);
		gh_escape(out, r->v[i].name, 1);
		fputs("::", out);
		gh_escape(out, ma_gate_verdict_line(&r->v[i], line, sizeof(line)), 0);
		fputc('\n', out);
	}
	for (size_t i = 0; info->supp && i < ma_supp_count(info->supp); i++) {
		const struct ma_supp_rule *s = ma_supp_at(info->supp, i);
		if (s->sites)
			continue;
		fputs("::warning title=unused leak suppression::", out);
		snprintf(line, sizeof(line), "%s:%s (%s) matched no leak",
			 ma_supp_kind_name(s->kind), s->pattern, s->origin);
		gh_escape(out, line, 0);
		fputc('\n', out);
	}
	return ferror(out) ? -1 : 0;
}
