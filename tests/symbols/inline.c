/* Fixture for tests/unit/test_symbols.c: a chain of always_inline calls.
 * The test finds its expected lines by the MARK comments, so keep each
 * one on the line of its call. */
#include "fixture.h"

static volatile int ma_fx_sink;

static inline __attribute__((always_inline)) void *ma_fx_leaf(ma_fx_cb cb)
{
	void *r = cb(); /* MARK:leaf-call */
	ma_fx_sink++;
	return r;
}

static inline __attribute__((always_inline)) void *ma_fx_middle(ma_fx_cb cb)
{
	void *r = ma_fx_leaf(cb); /* MARK:middle-call */
	ma_fx_sink++;
	return r;
}

MA_FX_EXPORT __attribute__((noinline)) void *ma_fx_outer(ma_fx_cb cb)
{
	void *r = ma_fx_middle(cb); /* MARK:outer-call */
	ma_fx_sink++;
	return r;
}
