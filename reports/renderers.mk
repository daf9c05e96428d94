# report renderers: sources
ma_report_sources += reports/render.h reports/render.c \
	reports/text.h reports/text.c reports/json.h reports/json.c \
	reports/jsonw.h reports/jsonw.c
ma_report_sources += reports/stackfmt.h reports/stackfmt.c reports/strtab.h reports/strtab.c \
	reports/collapsed.h reports/collapsed.c reports/speedscope.h reports/speedscope.c \
	reports/massif.h reports/massif.c reports/markdown.h reports/markdown.c \
	reports/html.h reports/html.c reports/html_data.h reports/html_data.c \
	reports/html_flame.c reports/html_assets.h
include reports/html.mk
