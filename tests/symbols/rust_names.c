/* Fixture for tests/unit/test_symbols.c: two functions under the symbol
 * names rustc gave functions of rust_fixture.rs, one in each mangling
 * (legacy and v0), so the symbolizer meets Rust names where it meets
 * them in a Rust module: as DWARF linkage names and as ELF symbols.
 * test_demangle.c holds the same names and what they demangle to. */
#include "fixture.h"

static volatile int ma_fx_sink;

/* fx::instantiate */
MA_FX_EXPORT void *ma_fx_rust_legacy(ma_fx_cb cb)
	__asm__("_ZN2fx11instantiate17hb65da1f1caa2e1f4E");
/* <fx::shapes::Wrapper<(u8, char)>>::get */
MA_FX_EXPORT void *ma_fx_rust_v0(ma_fx_cb cb)
	__asm__("_RNvMNtCsfeZnyFoSiLL_2fx6shapesINtB2_7WrapperThcEE3getB4_");

MA_FX_EXPORT __attribute__((noinline)) void *ma_fx_rust_legacy(ma_fx_cb cb)
{
	void *r = cb();
	ma_fx_sink++;
	return r;
}

MA_FX_EXPORT __attribute__((noinline)) void *ma_fx_rust_v0(ma_fx_cb cb)
{
	void *r = cb();
	ma_fx_sink++;
	return r;
}
