/* Sizes as people write them: "500MB", "2GiB", "1.5G", "1024".
 *
 * Units follow the memory guide, whose "2GB" is 2_000_000_000: decimal
 * suffixes (K, KB, M, MB, G, GB, T, TB) are powers of 1000, binary ones
 * (Ki, KiB, Mi, MiB, Gi, GiB, Ti, TiB) powers of 1024.  Suffixes are
 * case-insensitive, "B" alone means bytes, a blank may separate number and
 * unit, and no suffix means bytes.  Fractions are allowed ("1.5GiB") and
 * rounded to the nearest byte. */
#ifndef MA_UNITS_H
#define MA_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* Parses s into *bytes.  Returns 0, or -1 with a one-line reason in err,
 * e.g. "invalid size '12XB': unknown unit 'XB'". */
int ma_parse_size(const char *s, uint64_t *bytes, char *err, size_t errlen);

/* Formats bytes for people: "0 B", "512 B", "1.5 MiB", "2.0 GiB" (binary
 * units, one decimal).  Returns buf. */
char *ma_format_size(uint64_t bytes, char *buf, size_t len);

#define MA_SIZE_BUF 32

#endif
