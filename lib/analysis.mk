# analysis: replay, aggregation, symbols; sources and unit tests
ma_analysis_sources += lib/analysis.h lib/analysis_int.h lib/analysis.c lib/result.c \
	lib/replay.h lib/replay.c lib/livemap.h lib/livemap.c \
	lib/stackstats.h lib/stackstats.c lib/regions.h lib/regions.c \
	lib/snapshot.h lib/snapshot.c lib/sitelist.c \
	lib/timeline.h lib/timeline.c lib/histogram.h \
	lib/frames.h lib/frames.c lib/pool.h lib/pool.c
