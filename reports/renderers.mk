# report renderers: sources
ma_report_sources += reports/render.h reports/render.c \
	reports/text.h reports/text.c reports/json.h reports/json.c
