# the trace reader: sources and unit tests
ma_reader_sources += lib/trace_reader.h lib/trace_reader_int.h \
	lib/trace_reader.c lib/trace_reader_chunk.c lib/trace_reader_replay.c \
	lib/trace_build.h lib/trace_build.c
