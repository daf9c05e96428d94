/* Fixture for tests/unit/test_symbols.c: a plugin built twice, as
 * sym_plugin_a.so and sym_plugin_b.so, with PLUGIN set to a or b.  Both
 * have the same layout, so their functions sit at the same offsets. */
#include "fixture.h"

#define MA_FX_CAT2(a, b) a##b
#define MA_FX_CAT(a, b) MA_FX_CAT2(a, b)
#define MA_FX_WORK MA_FX_CAT(ma_fx_plugin_work_, PLUGIN)

static volatile int ma_fx_sink;

MA_FX_EXPORT __attribute__((noinline)) void *MA_FX_WORK(ma_fx_cb cb)
{
	void *r = cb();
	ma_fx_sink++;
	return r;
}
