/* Private to the demanglers: a growing output string and the Rust
 * demanglers that ma_demangle() dispatches to. */
#ifndef MA_DEMANGLE_INT_H
#define MA_DEMANGLE_INT_H

#include <stddef.h>
#include <stdint.h>

struct ma_dm_out {
	char *buf;  /* NUL-terminated while !failed */
	size_t len, cap;
	int failed; /* out of memory */
};

void ma_dm_putn(struct ma_dm_out *o, const char *s, size_t n);
void ma_dm_puts(struct ma_dm_out *o, const char *s);
void ma_dm_putc(struct ma_dm_out *o, char c);
void ma_dm_putu(struct ma_dm_out *o, uint64_t v);
/* Appends code point cp as UTF-8. */
void ma_dm_put_utf8(struct ma_dm_out *o, uint32_t cp);
/* Returns the string (the caller frees it), or NULL after a failure. */
char *ma_dm_finish(struct ma_dm_out *o);

/* Decodes a punycode identifier (RFC 3492): basic code points ascii,
 * then the encoded rest puny; appends it as UTF-8 and returns 0, or -1
 * (nothing appended) when it is malformed. */
int ma_dm_punycode(struct ma_dm_out *o, const char *ascii, size_t alen,
		   const char *puny, size_t plen);

/* Each returns a malloc'd string, or NULL when name is not of its kind. */
char *ma_demangle_rust_legacy(const char *name);
char *ma_demangle_rust_v0(const char *name);

#endif
