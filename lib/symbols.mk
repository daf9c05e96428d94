# symbols: symbolization with libdwfl, demangling; sources, unit tests
# and the fixtures they load.
ma_analysis_sources += lib/demangle_int.h lib/demangle.c lib/demangle_rust.c \
	lib/demangle_rust_v0.c lib/demangle_punycode.c
# __cxa_demangle comes from the C++ runtime.
ma_lib_libadd += -lstdc++
