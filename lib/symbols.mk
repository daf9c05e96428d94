# symbols: symbolization with libdwfl, demangling; sources, unit tests
# and the fixtures they load.
ma_analysis_sources += lib/symbols.h lib/symbols_int.h lib/symbols.c \
	lib/symbols_dwfl.c lib/symbols_frames.c lib/symbols_cache.c \
	lib/demangle_int.h lib/demangle.c lib/demangle_rust.c \
	lib/demangle_rust_v0.c lib/demangle_punycode.c
# __cxa_demangle comes from the C++ runtime.
ma_lib_libadd += -lstdc++

