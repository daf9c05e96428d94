/* Shared by the fixture plugins of tests/symbols/. */
#ifndef MA_FX_FIXTURE_H
#define MA_FX_FIXTURE_H

/* The test passes a callback that returns its own return address: an
 * address inside the plugin, right after the call. */
typedef void *(*ma_fx_cb)(void);

#define MA_FX_EXPORT __attribute__((visibility("default")))

#endif
