# gates: limits, baselines, suppressions and the renderers of verdicts;
# the check, baseline and diff commands take their sources from here.
ma_analysis_sources += lib/gate.h lib/gate.c lib/gate_eval.c lib/gate_rated.c \
	lib/gate_measure.c lib/sitekey.h lib/sitekey.c \
	lib/suppress.h lib/suppress.c lib/baseline.h lib/baseline.c \
	lib/json_parse.h lib/json_parse.c

# Renderers of gate verdicts and the commands, linked into memory-analyzer
# by cmd/local.mk.
ma_gate_report_sources = reports/gate_report.h reports/junit.c \
	reports/gate_markdown.c reports/gh_annotations.c
ma_gate_cmd_sources = cmd/gate_common.h cmd/gate_common.c cmd/cmd_check.c \
	cmd/gate_check.h cmd/gate_check.c cmd/cmd_baseline.c cmd/cmd_diff.c \
	cmd/gate_diff.h cmd/gate_diff.c
