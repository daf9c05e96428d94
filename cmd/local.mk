# cmd/: the memory-analyzer command, one file per subcommand.
bin_PROGRAMS += memory-analyzer
memory_analyzer_SOURCES = cmd/main.c cmd/commands.h cmd/cli_util.c cmd/cli_util.h \
	cmd/hugepages.c cmd/hugepages.h \
	cmd/cmd_report.c cmd/cmd_record.c cmd/cmd_dump.c \
	cmd/record.h cmd/record_target.c cmd/record_env.c cmd/record_run.c \
	cmd/record_traces.c cmd/record_scan.c \
	$(ma_gate_cmd_sources) $(ma_gate_report_sources)
memory_analyzer_CFLAGS = $(AM_CFLAGS) -DPKGLIBDIR='"$(pkglibdir)"'
memory_analyzer_LDADD = lib/libma.la reports/libmareports.la
