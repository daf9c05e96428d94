/* Small formatting helpers every renderer uses. */
#ifndef MA_REPORT_UTIL_H
#define MA_REPORT_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* "1023 B", "1.50 KiB", "12.3 MiB", "2.00 GiB": into buf, returns buf. */
char *ma_fmt_bytes(char *buf, size_t len, uint64_t bytes);
/* "1,234,567": thousands separated, into buf, returns buf. */
char *ma_fmt_count(char *buf, size_t len, uint64_t n);
/* "850 ns", "12.5 ms", "3.20 s". */
char *ma_fmt_duration(char *buf, size_t len, uint64_t ns);

#endif
