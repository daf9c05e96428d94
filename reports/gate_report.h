/* Renderers of gate verdicts (lib/gate.h) for CI systems: JUnit XML, a
 * Markdown summary for a pull request or a job summary, and GitHub
 * Actions workflow commands.  Each writes to out and returns 0, or -1
 * when writing failed (errno set). */
#ifndef MA_GATE_REPORT_H
#define MA_GATE_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "gate.h"
#include "suppress.h"

struct ma_gate_report_info {
	const char *title;                  /* "memory-analyzer check" */
	const char *baseline;               /* path, or NULL */
	const struct ma_suppressions *supp; /* NULL when none */
	size_t ntraces;
};

/* One <testsuite>, one <testcase> per verdict; a failed gate has a
 * <failure> whose message is the verdict, a skipped one <skipped>.
 * Valid against the Jenkins xUnit junit-10.xsd. */
int ma_gate_write_junit(FILE *out, const struct ma_gate_result *r,
			const struct ma_gate_report_info *info);
/* A heading with the outcome, a table | Gate | Status | Value | Limit |
 * Details |, and the suppressions with what each excused. */
int ma_gate_write_markdown(FILE *out, const struct ma_gate_result *r,
			   const struct ma_gate_report_info *info);
/* "::error title=memory gate leaked_bytes::..." for each failed gate,
 * "::warning ..." for unused suppressions. */
int ma_gate_write_gh_annotations(FILE *out, const struct ma_gate_result *r,
				 const struct ma_gate_report_info *info);

/* The value and the limit of a verdict as text, for tables. */
void ma_gate_verdict_values(const struct ma_gate_verdict *v, char *value, char *limit,
			    size_t len);

#endif
